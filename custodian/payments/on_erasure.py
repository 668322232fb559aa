"""The bank account for automatic payment when the customer asks us to delete their data: giving it was
voluntary and it serves only automatic payment, so it is deleted now and automatic payment stops, the
customer told to pay their bills themselves. Only a debit already sent to our bank and not yet taken (a
payment in flight) keeps it, until the day that debit is taken; the daily retention run deletes it then.
Registered with `vault.erasure_sides` from the app's `ready`."""

from datetime import date, timedelta

from django.db.models import Max
from django.utils.translation import gettext as _

from custodian.dates import long_date
from custodian.payments.autopay import autopay_stop
from custodian.payments.models import AchDebit, Autopay
from custodian.vault.erasure_sides import Side, side_register

CATEGORY = "bank_account"


def in_flight_until(customer_id: int, today: date) -> date | None:
    """The last day a debit already sent to our bank is taken from the customer's bank account (its
    effective day, today or later, and not returned), or None."""
    return AchDebit.objects.filter(
        account__customer_id=customer_id, effective_on__gte=today, returned__isnull=True
    ).aggregate(last=Max("effective_on"))["last"]


def _side(customer_id: int, today: date) -> Side:
    on_autopay = Autopay.objects.filter(account__customer_id=customer_id, active=True).exists()
    stops = (
        _(
            "automatic payment of your bills stops today, so pay them yourself (online, by mail or at our "
            "office)"
        )
        if on_autopay
        else ""
    )
    last = in_flight_until(customer_id, today)
    if last is not None:
        return Side(
            kept=True,
            why=_(
                "A payment sent to our bank before you asked is taken from this bank account on %(day)s; we "
                "keep the account until then so we can answer you or your bank about that payment. After it, "
                "no payment is taken: %(stops)s."
            )
            % {"day": long_date(last), "stops": stops or _("you are not on automatic payment")},
            until=_("until %(day)s, then deleted") % {"day": long_date(last)},
            delete_on=last + timedelta(days=1),
        )
    deleted = _(
        "Your bank account for automatic payment (giving it was voluntary), the current one and any earlier "
        "ones we still hold"
    )
    return Side(kept=False, deleted=f"{deleted}: {stops}" if stops else deleted)


def _carry_out(customer_id: int, side: Side) -> None:
    """Automatic payment stops on every account of the customer, whichever side the bank account is on."""
    for account_id in Autopay.objects.filter(account__customer_id=customer_id, active=True).values_list(
        "account_id", flat=True
    ):
        autopay_stop(account_id=account_id)


def register() -> None:
    side_register(CATEGORY, _side, _carry_out)
