"""Casework's choices and the facts about them, apart from its models so that forms and views may name them
without the models."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from custodian.vault.choices import PERSON_CHANNELS, Channel


class RequestKind(TextChoices):
    BILLING_QUESTION = "billing_question", _("Billing question")
    PAYMENT = "payment", _("Payment")
    PROBLEM = "problem", _("Problem or outage")
    SERVICE_CHANGE = "service_change", _("Start, stop or transfer service")
    PRIVACY_QUESTION = "privacy_question", _("Privacy question")
    DATA_ACCESS = "data_access", _("Data access request")
    CORRECTION = "correction", _("Correction request")
    OTHER = "other", _("Other")


class RequestStatus(TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Verification(TextChoices):
    """How the person behind a request was verified: by a staff member who entered or verified it (a call,
    visit or letter), by the portal's sign-in, or by the account number and a bill figure checked against the
    records."""

    ACCOUNT_AND_FACT = "account_and_fact", _("Account number and one more fact from the account")
    PHOTO_ID = "photo_id", _("Photo ID shown at the counter")
    NOT_A_CUSTOMER = "not_a_customer", _("Not a customer yet: no account to verify against")
    PORTAL_SIGN_IN = "portal_sign_in", _("Signed in to the customer portal")
    # An online account still limited (custodian.portal.mailed_code): anyone holding a paper bill could have
    # opened it, so its sign-in verifies nobody.
    PORTAL_LIMITED = (
        "portal_limited",
        _("Signed in from a limited online account: to be verified by other means"),
    )
    ACCOUNT_AND_BILL = (
        "account_and_bill",
        _("Account number and a figure from the bill, checked against our records"),
    )
    # Made in the portal by the customer's representative acting for them (`CustomerRequest.representative`
    # names the authority): their own sign-in and the authority's document, checked by our staff.
    REPRESENTATIVE = (
        "representative",
        _("Made by the customer's representative, signed in to My account under an authority we checked"),
    )


# What was checked, by method: the kind of fact or document, never its value (nothing personal in clear).
VERIFIED_WITH = {
    Verification.ACCOUNT_AND_FACT: {
        "name": "Name on the account",
        "service_address": "Service address",
        "mailing_address": "Mailing address",
        "phone": "Telephone number on file",
        "email": "E-mail address on file",
        "last_bill": "Amount of the last bill",
        "last_payment": "Date or amount of the last payment",
    },
    Verification.PHOTO_ID: {
        "drivers_license": "Driver's license or state ID card",
        "passport": "Passport",
        "other_government_id": "Other government photo ID",
    },
    Verification.NOT_A_CUSTOMER: {},
    Verification.PORTAL_SIGN_IN: {},
    Verification.PORTAL_LIMITED: {},
    Verification.ACCOUNT_AND_BILL: {"last_electric_kwh": "Last month's electricity use on the bill"},
    Verification.REPRESENTATIVE: {},
}


# Methods that verify the person as the account's customer (a data request's package needs one of them).
VERIFYING = frozenset(
    {
        Verification.ACCOUNT_AND_FACT,
        Verification.PHOTO_ID,
        Verification.PORTAL_SIGN_IN,
        Verification.ACCOUNT_AND_BILL,
        Verification.REPRESENTATIVE,
    }
)


# A request to see or correct one's data asks more of the staff member's check than a question does: the
# one more fact comes from the bill, which someone who merely knows the customer does not have.
DATA_REQUEST_FACTS = frozenset({"last_bill", "last_payment"})


# The methods each staff-entered channel allows: no ID can be shown over the phone or in a letter.
VERIFICATION_BY_CHANNEL = {
    Channel.PHONE: {Verification.ACCOUNT_AND_FACT, Verification.NOT_A_CUSTOMER},
    Channel.PAPER: {Verification.ACCOUNT_AND_FACT, Verification.NOT_A_CUSTOMER},
    Channel.IN_PERSON: {Verification.ACCOUNT_AND_FACT, Verification.PHOTO_ID, Verification.NOT_A_CUSTOMER},
}


class RepresentativeKind(TextChoices):
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    GUARDIAN = "guardian", _("Guardian")
    CONSERVATOR = "conservator", _("Conservator")
    ESTATE = "estate", _("Personal representative of the estate")
    PROPERTY_MANAGER = "property_manager", _("Property manager (owner's account)")


class RepresentativeScope(TextChoices):
    """What a representative may do in the portal for the customer. Each portal page needs one."""

    VIEW = "view", _("See the customer's data, bills, usage and letters")
    REQUESTS = "requests", _("Make requests (questions, data requests, challenges) for the customer")
    PAYMENTS = "payments", _("Pay bills and arrange payments")
    CONTACT = "contact", _("Change contact details and the marketing choice")
    CONSENTS = "consents", _("Give and revoke consents, ask for the data to be deleted")


# The channels a customer request arrives by: those a person reaches the utility by.
REQUEST_CHANNELS = [(c.value, c.label) for c in PERSON_CHANNELS]
