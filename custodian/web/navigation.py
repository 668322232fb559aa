"""The side navigation of the areas that share the web app's layout (`web/base.html`). Each area registers
its sections when its app is ready (`custodian.console.apps`, `custodian.portal.apps`), so the layout draws
them without importing the areas that are built on top of it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """A figure on an area's home page, with the link that shows what it counts."""

    heading: str
    figure: str
    text: str
    link: str
    link_label: str
    # What the figure counts, when the card lists it too: (link text, URL, a detail such as the due date).
    items: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Area:
    label: str
    sections: list[tuple[str, list[tuple[str, str]]]]  # (heading, [(link text, URL name)])
    may_open: Callable[[object, str], bool] | None = None  # (request, URL name): the page's own rule
    home_cards: Callable[[object], list[Card]] | None = None  # (request): the figures on the area's home


_AREAS: dict[str, Area] = {}


def register(name: str, area: Area) -> None:
    _AREAS[name] = area


def area(name: str) -> Area:
    return _AREAS[name]
