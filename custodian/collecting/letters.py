"""What every collections letter shares: who sends it (a member of staff, else the collections job), the
utility's name and phone with the energy assistance providers in the customer's language, and a service as
a letter names it. The notices (`collecting.notices`) and the letter telling a customer that a disconnection
will not happen (`collecting.withdrawals`) write with them."""

from django.utils.translation import pgettext_lazy

from custodian.outbox.services import in_language_of
from custodian.policy.assistance import energy_assistance_lines
from custodian.policy.loader import current_policy

COLLECTIONS_JOB = "collections"
# A service as a letter names it ("your natural gas service"), in the customer's language.
SERVICE_WORDS = {
    "electric": pgettext_lazy("utility service", "electric"),
    "gas": pgettext_lazy("utility service", "natural gas"),
    "water": pgettext_lazy("utility service", "water"),
}


def letter_sender(by) -> dict:
    """`letter_send`'s sender: the member of staff `by`, or the collections job (a run, or the customer's own
    act in the portal, `by="customer"`)."""
    return {"sent_by": by} if by is not None and by != "customer" else {"sent_by_job": COLLECTIONS_JOB}


def utility_words(customer) -> dict:
    """The utility's name and phone, and the energy assistance providers in the customer's language."""
    policy = current_policy()
    with in_language_of(customer):
        providers = energy_assistance_lines()
    return {
        "utility": policy.utility["name"],
        "phone": policy.utility.get("phone", ""),
        "providers": providers,
    }
