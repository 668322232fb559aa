"""Django's built-in `{% url %}` with a fixed view name and no arguments kept rendered per language, URL
configuration and current app (custodian.web.kept_tags says why and when). The settings add this library to
the built-ins after Django's, so its `url` is the one every template uses."""

from django import template
from django.template import defaulttags

from custodian.web.kept_tags import fixed, kept

register = template.Library()


@register.tag("url")
def url(parser, token):
    node = defaulttags.url(parser, token)
    if node.asvar is None and not node.args and not node.kwargs and fixed(node.view_name):
        return kept(node)
    return node
