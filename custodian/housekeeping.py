"""Rows kept only while they can still matter, pruned by the daily retention run (`retention.services`).

They are no records series of the retention schedule (nothing the schedule cites, nothing a customer is told
is kept): rows a mechanism needs for a while and then never again, such as a spent OAuth authorization code,
which matters only while the tokens issued from it could be live. The app that keeps them sits beside
retention in the layers, so it registers here, when it is ready, how many are past mattering at a moment
(`due`, for the dry run) and how to delete them (`prune`: deletes those and returns how many; idempotent, a
second call at once deletes none)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Prune:
    key: str
    label: str  # what the rows are and why they go, as the run prints it
    due: Callable[[datetime], int]
    prune: Callable[[datetime], int]


_PRUNES: dict[str, Prune] = {}


def prune_register(key: str, label: str, *, due: Callable[[datetime], int], prune: Callable[[datetime], int]):
    _PRUNES[key] = Prune(key, label, due, prune)


def prunes() -> list[Prune]:
    """Every prune registered, by key."""
    return [_PRUNES[k] for k in sorted(_PRUNES)]
