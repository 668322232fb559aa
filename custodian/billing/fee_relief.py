"""Late payment charges spared for what billing alone can't see: the arrears a customer pays under a payment
agreement. Collections (a workflow above billing) knows the agreements and registers its answer here when it
is ready (`collecting.apps`); the late payment charges ask it (`billing.services.late_fees_assess`).

The tariff (`policy/owatonna-tariff.toml`) charges "a late payment charge on what is still owed of a bill
after its due date, once per bill" and says nothing of payment agreements. Minnesota practice is that a
customer keeping a payment agreement is not charged late fees on the amount under it, so that is the rule
here, for an agreement in force (agreed, not ended): no late payment charge on a bill due before the day it
was agreed (those bills are the arrears it pays), and on a later bill none on what the agreement still lets
be owed on that bill's due date (the arrears less the installments due by then). A customer who keeps the
agreement is charged nothing: every payment pays the oldest debt first (`billing.arrears`), so without this
a bill paid in full on its due date would still draw a charge while arrears are owed. What is behind (an
installment missed, a new bill unpaid) is charged as any amount past due, on the next bill's charge."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NamedTuple


class Spared(NamedTuple):
    """An account's arrears under an agreement: no charge on its bills due before `before`; on a later bill,
    `owed_under(day)` of what is owed on the bill's due date is the agreement's, not the bill's."""

    before: date
    owed_under: Callable[[date], Decimal]


# Each answer: account id → what is spared on its late payment charges.
Relief = Callable[[], dict[int, Spared]]
_answers: list[Relief] = []


def fee_relief_register(answer: Relief) -> None:
    """Register an answer (once: an app's `ready()` may run again in tests)."""
    if answer not in _answers:
        _answers.append(answer)


def fee_relief() -> dict[int, Spared]:
    """Account id → what its late payment charges spare (the accounts with an agreement in force)."""
    spared: dict[int, Spared] = {}
    for answer in _answers:
        spared.update(answer())
    return spared
