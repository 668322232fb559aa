"""Which side of a customer's request to delete their data a category falls on, where the app that keeps the
category decides: the bank account for automatic payment (payments) and the facts for the protections
against disconnection (collecting). Retention answers the request and carries it out, but sits beside those
apps and can't import them, so each registers here, from its `ready`, how it answers for its category on a
day (deleted now, or kept, why and until when) and what it does when the request is carried out (automatic
payment stopped, the flag that facts are on file removed)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Side:
    """A category's side of the answer, in the active language. Kept: `why`, and `until` in words ("": as
    long as the account's records, which the answer words itself); `delete_on`, the day the daily retention
    run deletes it after all (None: it follows the account's records). Deleted now: `deleted`, the line of
    the answer, what goes and what follows for the customer."""

    kept: bool
    why: str = ""
    until: str = ""
    delete_on: date | None = None
    deleted: str = ""


# (customer id, today) → the side; (customer id, the side the answer gave) → what the app does, in the
# erasure's transaction (the category's values are deleted by the erasure itself).
Decide = Callable[[int, date], Side]
CarryOut = Callable[[int, Side], None]
_SIDES: dict[str, tuple[Decide, CarryOut]] = {}


def side_register(category: str, decide: Decide, carry_out: CarryOut) -> None:
    _SIDES[category] = (decide, carry_out)


def decided_by_their_app() -> set[str]:
    """The categories whose side their app decides (one registered for each)."""
    return set(_SIDES)


def side_of(category: str, *, customer_id: int, today: date) -> Side:
    return _SIDES[category][0](customer_id, today)


def side_carry_out(category: str, *, customer_id: int, side: Side) -> None:
    _SIDES[category][1](customer_id, side)
