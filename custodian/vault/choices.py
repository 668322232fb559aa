"""The vault's choices, apart from its models so that forms and views may name them without the models."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Channel(TextChoices):
    WEB_FORM = "web_form", _("Web form")
    PORTAL = "portal", _("Customer portal")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call")
    PAPER = "paper", _("Paper form")
    IN_PERSON = "in_person", _("In person")
    # Readings from the utility's own meters, and Green Button files a customer or staff uploaded.
    METER = "meter", _("Utility meter reading")
    FILE_IMPORT = "file_import", _("Uploaded Green Button file")
    # What the utility computes from data it already holds (a bill): nothing was collected from anyone, so
    # no notice at collection was shown, and the record says so.
    COMPUTED = "computed", _("Computed by the utility")
    # What the utility itself wrote to the customer (a letter, an e-mail), kept as correspondence: nothing
    # was collected from anyone, so no notice at collection was shown, and the record says so.
    OUTBOUND = "outbound", _("Sent by the utility")
    # A member of staff's own note on a customer's request: written by the utility about the customer,
    # collected from nobody, so no notice was shown, and the record says so.
    STAFF_NOTE = "staff_note", _("Written by staff")
    # What the customer's bank sent the utility about their account (a notification of change in its return
    # file): given under the automatic payment notice the customer was shown when they enrolled.
    BANK = "bank", _("From the customer's bank")


# What the utility made itself (a bill, a letter, a staff note): collected from nobody, so no notice at
# collection was shown, and the notice rule does not limit its reads (`Policy.notice_covers`).
MADE_BY_THE_UTILITY = frozenset({Channel.COMPUTED, Channel.OUTBOUND, Channel.STAFF_NOTE})

# Interval readings the utility's meters read: what the bill run bills from (`billing.services.
# BILLED_READINGS`) and all a Connect My Data third party receives. A Green Button file's readings (the
# customer's own upload, a file staff import for a request) are not among them: Download My Data marks them
# as from a file (`usage.espi.QUALITY_FROM_A_FILE`).
METER_READINGS = frozenset({Channel.METER})
# Who recorded a customer's own Green Button file, uploaded in the portal (no member of staff did): a file's
# readings are the customer's upload by it, any other file's a file staff imported.
CUSTOMER_UPLOAD = "customer upload"

# The channels a person reaches the utility by: a customer request arrives by one of them.
PERSON_CHANNELS = (
    Channel.WEB_FORM,
    Channel.PORTAL,
    Channel.EMAIL,
    Channel.PHONE,
    Channel.PAPER,
    Channel.IN_PERSON,
)
