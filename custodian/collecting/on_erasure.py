"""The facts for the protections against disconnection when the customer asks us to delete their data: kept
while an account of theirs is open and the facts protect them from disconnection now (an income that
qualifies under the Cold Weather Rule, a medical certification in force), since deleting them would take the
protection away; otherwise deleted now, with the flag that facts are on file. Deciding reads the sealed facts
through the gate as the collections job, for collecting payments (only for a customer flagged as having
any). Registered with `vault.erasure_sides` from the app's `ready`."""

from datetime import date

from django.utils.translation import gettext as _

from custodian.collecting.facts import FIELD, ProtectionFacts
from custodian.collecting.letters import COLLECTIONS_JOB
from custodian.collecting.models import ProtectionOnFile
from custodian.collecting.rules import Situation, medical_emergency
from custodian.collecting.selectors import protection_facts_many
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Account, Customer
from custodian.policy.loader import current_policy
from custodian.vault.erasure_sides import Side, side_register
from custodian.vault.gate import system_actor


def _protecting(customer_id: int, facts: ProtectionFacts, today: date) -> list[str]:
    """What in the facts protects the customer from disconnection today, in words (none: [])."""
    residential = Customer.objects.filter(pk=customer_id, customer_class=CustomerClass.RESIDENTIAL).exists()
    if not residential:
        return []  # both protections are a residential customer's
    protecting = []
    if facts.income_qualifies:
        protecting.append(
            _(
                "your income qualifies under Minnesota's Cold Weather Rule, which protects you from October "
                "to April"
            )
        )
    medical = Situation(
        on=today,
        service="electric",  # the medical protection is the household's, whatever the service
        medical_certified_on=facts.medical_certified_on,
        medical_phoned_on=facts.medical_phoned_on,
        medical_certifier=facts.medical_certifier,
        holidays=current_policy().holidays,
    )
    if medical_emergency(medical):
        protecting.append(_("a medical certification in force protects you"))
    return protecting


def _side(customer_id: int, today: date) -> Side:
    protecting = []
    open_account = Account.objects.filter(customer_id=customer_id, closed_on__isnull=True).exists()
    if open_account and ProtectionOnFile.objects.filter(customer_id=customer_id).exists():
        facts = protection_facts_many(actor=system_actor(COLLECTIONS_JOB), customer_ids=[customer_id])
        protecting = _protecting(customer_id, facts[customer_id], today)
    if protecting:
        return Side(
            kept=True,
            why=_(
                "They protect you from disconnection: %(what)s. Deleting them would take that protection "
                "away, so we keep them while your account is open."
            )
            % {"what": "; ".join(protecting)},
        )
    return Side(
        kept=False,
        deleted=_(
            "Your facts for the protections against disconnection (income qualification, energy assistance "
            "referral, medical certification dates), if we hold any: none protects an open account of yours "
            "from disconnection now"
        ),
    )


def _carry_out(customer_id: int, side: Side) -> None:
    if not side.kept:
        ProtectionOnFile.objects.filter(customer_id=customer_id).delete()


def register() -> None:
    side_register(FIELD, _side, _carry_out)
