"""The pages served at the route written above their views (custodian.routing). Their URL patterns are matched
module by module, not in the order of one table: no route may shadow another. And a page is served only when
its app's urls.py names its module: none may be left out."""

import importlib
import pkgutil
import types
from functools import wraps

import pytest
from django.urls import get_resolver, resolve, reverse
from django.urls.converters import PathConverter, StringConverter
from django.views import View

import custodian.audit
import custodian.console
import custodian.portal
import custodian.web
from custodian.routing import SERVED_AT, page, pages_of, urlpatterns_of

# The apps whose pages are written beside their views, by URL namespace.
APPS = {
    "console": custodian.console,
    "portal": custodian.portal,
    "web": custodian.web,
    "transparency": custodian.audit,
}


def _sample(converter) -> str:
    """A value the URL converter takes: a path of two parts, a word, or else an id."""
    if isinstance(converter, PathConverter):
        return "a/b"
    if isinstance(converter, StringConverter):
        return "sample"
    return "7"


def _patterns(namespace: str):
    return get_resolver().namespace_dict[namespace][1].url_patterns


def _named_urls():
    for namespace in APPS:
        for pattern in _patterns(namespace):
            kwargs = {key: _sample(c) for key, c in pattern.pattern.converters.items()}
            yield f"{namespace}:{pattern.name}", kwargs


@pytest.mark.parametrize(("name", "kwargs"), list(_named_urls()))
def test_every_page_resolves_to_its_own_name(name, kwargs):
    """No route of the whole site's URL configuration, matched before it, takes a page's address."""
    url = reverse(name, kwargs=kwargs)
    assert resolve(url).view_name == name, url


def _page_modules(package):
    """The modules of an app's pages: its own modules, not its tests or other subpackages."""
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if not info.ispkg:
            yield importlib.import_module(info.name)


@pytest.mark.parametrize("namespace", list(APPS))
def test_every_page_written_beside_its_view_is_served(namespace):
    served = {
        (getattr(pattern.callback, "view_class", pattern.callback), str(pattern.pattern), pattern.name)
        for pattern in _patterns(namespace)
    }
    written = {
        (view, route, name)
        for module in _page_modules(APPS[namespace])
        for view in pages_of(module)
        for route, name in getattr(view, SERVED_AT)
    }
    assert written, namespace
    assert written == served, written ^ served


def _guarded(view):
    """A decorator like the pages' rules: the view runs only through it."""

    @wraps(view)
    def guard(request):
        return "refused"

    return guard


def test_a_module_serves_its_pages_in_the_order_written_each_as_its_decorators_made_it():
    @page("first/", name="first")
    @page("first-again/", name="first_again")
    @_guarded
    def first(request):
        return "served"

    @_guarded
    @page("under-the-rule/", name="second")  # written under another decorator: served through it still
    def second(request):
        return "served"

    @page("class-based/", name="class_based")
    class ClassBased(View):
        pass

    class Subclass(ClassBased):  # not served at its parent's address
        pass

    def elsewhere(request):
        return "served"

    elsewhere.__module__ = "custodian.another_module"  # a page of another module, imported into this one
    page("elsewhere/", name="elsewhere")(elsewhere)
    module = types.ModuleType(__name__)
    vars(module).update(
        first=first, second=second, ClassBased=ClassBased, Subclass=Subclass, elsewhere=elsewhere, again=first
    )

    patterns = urlpatterns_of(module)

    assert [(str(p.pattern), p.name) for p in patterns] == [
        ("first/", "first"),
        ("first-again/", "first_again"),
        ("under-the-rule/", "second"),
        ("class-based/", "class_based"),
    ]
    assert [p.callback("request") for p in patterns[:3]] == ["refused"] * 3
    assert patterns[3].callback.view_class is ClassBased
