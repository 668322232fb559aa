"""Django's `i18n` template library with a fixed `{% translate "…" %}` kept rendered per language
(custodian.web.kept_tags says why and when). The settings load it by Django's name: `{% load i18n %}` gives
this one."""

from django import template
from django.templatetags import i18n

from custodian.web.kept_tags import fixed, kept

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    if node.asvar is None and node.message_context is None and fixed(node.filter_expression):
        return kept(node)
    return node
