"""Django's `static` template library with a fixed `{% static 'file' %}` kept rendered
(custodian.web.kept_tags says why and when). The settings load it by Django's name: `{% load static %}` gives
this one."""

from django import template
from django.templatetags import static

from custodian.web.kept_tags import fixed, kept

register = template.Library()
register.tags.update(static.register.tags)
register.filters.update(static.register.filters)


@register.tag("static")
def do_static(parser, token):
    node = static.do_static(parser, token)
    if node.varname is None and fixed(node.path):
        return kept(node)
    return node
