"""Collections' choices, apart from its models so that forms and views may name them without the models."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class DeclineReason(TextChoices):
    """Why a request for a payment agreement was answered without one."""

    TERMS_DECLINED = "terms_declined", _("The customer declined the terms we offered")
    # Minn. Stat. § 216B.098 subd. 1: the payment agreement the law has the utility offer is for residential
    # customers.
    NOT_RESIDENTIAL = "not_residential", _("The account is not a residential account")
    # Nothing is past due on the account any more (payments cleared what was): there is nothing for an
    # agreement to spread, and the customer is told so (`collecting.services.payment_agreement_decline`).
    NOTHING_PAST_DUE = "nothing_past_due", _("Nothing is past due on the account now")
