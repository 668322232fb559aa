"""Template tags whose text, when written with fixed arguments, depends on nothing of the request but the
language: a fixed `{% translate "…" %}`, `{% url 'name' %}` without arguments and `{% static 'file' %}`. Each
such tag is rendered once per language (and whether the page escapes) and kept with the compiled template,
which Django's cached loader keeps for the process: a portal page has some fifteen translations, five URLs
and two static files in its layout, and each was looked up, resolved and escaped again on every page. The
text kept is the one the tag rendered the first time; a tag with a variable, a filter, a context or `as` is
rendered as Django renders it. What is kept is dropped when a setting it depends on changes (as in tests).

`Loader` is Django's cached loader (the default one, with the same loaders under it) that marks these tags
in each template it compiles; the templates themselves are unchanged."""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Variable
from django.template.defaulttags import URLNode
from django.template.loaders import cached
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

_SETTINGS = {
    "LANGUAGES",
    "LANGUAGE_CODE",
    "LOCALE_PATHS",
    "ROOT_URLCONF",
    "FORCE_SCRIPT_NAME",
    "STATIC_URL",
    "STATIC_ROOT",
    "STORAGES",
}
_generation = [0]


@receiver(setting_changed)
def _setting_changed(*, setting, **kwargs):
    if setting in _SETTINGS:
        _generation[0] += 1


class _Kept:
    """Mixed into a tag's node: its text kept per language and what else `where` names."""

    kept: dict

    def where(self, context) -> tuple:
        return ()

    def render(self, context):
        key = (get_language(), context.autoescape, _generation[0], *self.where(context))
        text = self.kept.get(key)
        if text is None:
            text = self.kept[key] = super().render(context)
        return text


class KeptTranslateNode(_Kept, TranslateNode):
    pass


class KeptStaticNode(_Kept, StaticNode):
    pass


class KeptURLNode(_Kept, URLNode):
    def where(self, context) -> tuple:
        # What else `reverse` depends on: the URL configuration, the script prefix and the current app.
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        return (get_urlconf(), get_script_prefix(), current_app)


def _fixed(expression) -> bool:
    """A literal without filters: `"words"` or `'name'`, not a variable of the context."""
    if not isinstance(expression, FilterExpression) or expression.filters:
        return False
    var = expression.var
    return var.lookups is None if isinstance(var, Variable) else isinstance(var, str)


def _kept_kind(node) -> type | None:
    if type(node) is TranslateNode:
        fixed = node.asvar is None and node.message_context is None and _fixed(node.filter_expression)
        return KeptTranslateNode if fixed else None
    if type(node) is StaticNode:
        return KeptStaticNode if node.varname is None and _fixed(node.path) else None
    if type(node) is URLNode:
        fixed = node.asvar is None and not node.args and not node.kwargs and _fixed(node.view_name)
        return KeptURLNode if fixed else None
    return None


def tags_kept(template) -> None:
    """Mark the fixed tags of a compiled template (django.template.base.Template) to keep their text."""
    for node in template.nodelist.get_nodes_by_type((TranslateNode, StaticNode, URLNode)):
        kind = _kept_kind(node)
        if kind is not None:
            node.__class__ = kind
            node.kept = {}


class Loader(cached.Loader):
    """Django's cached loader; each template it compiles has its fixed tags marked once."""

    def get_template(self, template_name, skip=None):
        template = super().get_template(template_name, skip)
        if not getattr(template, "tags_kept", False):
            tags_kept(template)
            template.tags_kept = True
        return template
