"""Template tags whose text, when written with fixed arguments, depends on nothing of the request but the
language: a fixed `{% translate "…" %}`, `{% url 'name' %}` without arguments and `{% static 'file' %}`. Each
such tag is rendered once per language (and whether the page escapes) and kept with the compiled template
(the cached loader keeps those for the process): a portal page has some fifteen translations, five URLs
and two static files in its layout, and each was looked up, resolved and escaped again on every page. The
text kept is the one the tag rendered the first time; a tag with a variable, a filter or `as` is rendered
as Django renders it. What is kept is dropped when a setting it depends on changes (as in tests)."""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Variable
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


def fixed(expression) -> bool:
    """A literal without filters: `"words"` or `'name'`, not a variable of the context."""
    if not isinstance(expression, FilterExpression) or expression.filters:
        return False
    var = expression.var
    return var.lookups is None if isinstance(var, Variable) else isinstance(var, str)


def kept(node):
    """`node` made to keep its text (its class becomes the kept kind of itself)."""
    node.__class__ = _kept_class(type(node))
    node.kept = {}
    return node


class _KeptUrl(_Kept):
    def where(self, context) -> tuple:
        # What else `reverse` depends on: the URL configuration, the script prefix and the current app.
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        return (get_urlconf(), get_script_prefix(), current_app)


_classes: dict[type, type] = {}


def _kept_class(node_class: type) -> type:
    made = _classes.get(node_class)
    if made is None:
        mixin = _KeptUrl if node_class.__name__ == "URLNode" else _Kept
        made = _classes[node_class] = type(f"Kept{node_class.__name__}", (mixin, node_class), {})
    return made
