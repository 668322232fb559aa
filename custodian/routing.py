"""A page's address written beside its view: `@page(route, name=…)` above the view, and the app's urls.py
names its view modules, `urlpatterns = urlpatterns_of(module, …)`.

Why beside the view: the route is read with the view's rule and the URL arguments its signature takes, in one
place, as the JSON API's operations already are (django-ninja's `@api.get(…)` above the function). The
alternative, a `path()` table per app, is one row of one shape a page, the route written a second time away
from its view (docs/decisions.md, "A page's route is written beside its view").

What it costs: the patterns are matched module by module, in the order urls.py names the modules, each
module's pages in the order it defines them, not in one table's order; so no route may shadow another, and a
module of pages that urls.py does not name serves none (custodian/tests/test_routes_beside_views.py checks
both).

`page` only records the route and the name on the view; `urlpatterns_of` reads them from the modules handed
to it. Nothing is registered when a module is imported: no global state, no dependence on import order."""

from types import ModuleType

from django.urls import URLPattern, path

# The attribute of a view that holds its addresses: ((route, name), …), in the order written above it.
SERVED_AT = "served_at"


def page(route: str, *, name: str):
    """The decorator that serves its view at `route` under the URL name `name`. Written above the view's other
    decorators, so the view served is the one they make; stacked, the view is served at each address (the
    first written is matched first). A class-based view is served through its `as_view()`."""

    def record(view):
        # `vars`, not `getattr`: a subclass of a class-based view does not inherit its parent's addresses.
        setattr(view, SERVED_AT, ((route, name), *vars(view).get(SERVED_AT, ())))
        return view

    return record


def pages_of(module: ModuleType) -> list:
    """The views `module` defines with a `@page`, in the order it defines them: each as the module holds it
    (a function as its outermost decorator made it, a class as written), not a view it imports."""
    found = []
    # The module's own attribute, never a function its decorators wrap: a URL to that would skip the view's
    # rule (who may see the page). A name bound twice to one view serves it once.
    for value in vars(module).values():
        own = callable(value) and SERVED_AT in getattr(value, "__dict__", {})
        if own and value.__module__ == module.__name__ and value not in found:
            found.append(value)
    return found


def urlpatterns_of(*modules: ModuleType) -> list[URLPattern]:
    """The URL patterns of the pages of `modules`: module by module in the order given, each module's pages
    in the order it defines them."""
    patterns = []
    for module in modules:
        for view in pages_of(module):
            served = view.as_view() if isinstance(view, type) else view
            patterns += [path(route, served, name=name) for route, name in vars(view)[SERVED_AT]]
    return patterns
