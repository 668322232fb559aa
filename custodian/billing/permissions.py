"""Who bills, and the one error the billing writes refuse with, shared by the bill run, corrections,
deposits and refunds (kept apart from `services` so that the deposits' module, which the bill run calls at a
final bill, needs nothing from it); and the row an account may hold only once, refused in those words."""

from django.db import IntegrityError, transaction

from custodian.policy.loader import current_policy
from custodian.vault.gate import policy_decision, staff_actor


class BillingError(ValueError):
    """A bill run or correction that can't be done as asked; the message says why."""


def created_once(model, refusal: str, **fields):
    """A new row of `model`, or a BillingError saying `refusal` when the table's unique constraint says the
    account has one already (two clicks, or two clerks at once)."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        raise BillingError(refusal) from None


def may_bill(user) -> bool:
    """Staff whose support services act for billing, with bills, run and correct bills."""
    return (
        user is not None
        and policy_decision(current_policy(), staff_actor(user), "billing", ["bills"]).allowed
    )
