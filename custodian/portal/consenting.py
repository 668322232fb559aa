"""A written consent's own words, made from what the portal's consent form showed the customer: the data by
the labels they ticked, the recipient, contact and purpose as typed, and the past data it reaches back to as
they chose it, in the page's language. The customer reads these words before giving the consent, and the
consent keeps exactly them."""

from calendar import monthrange
from datetime import date

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from custodian.dates import long_date

# How far back a consent reaches into the data already held, in months, as the form offers it: chosen, never
# a default the customer did not see (a solar installer sizing panels asks for a year of meter usage).
PAST_MONTHS = {
    0: _("Only from the day I give it: none of my past data"),
    12: _("Also my data of the past 12 months"),
    24: _("Also my data of the past 24 months"),
}


def covers_from(months: int, today: date) -> date:
    """The first day of the data a consent covers: today, or as many months back as chosen."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, monthrange(year, month + 1)[1]))


def consent_in_words(form, *, utility: str, today: date) -> str:
    """The consent of a valid consent form (`portal.forms.ConsentForm`) in the words the customer is shown."""
    d = form.cleaned_data
    labels = dict(form.fields["categories"].choices)
    words = {
        "utility": utility,
        "categories": ", ".join(str(labels[k]) for k in d["categories"]),
        "recipient": d["recipient_name"],
        "contact": d["recipient_contact"],
        "purpose": d["purpose"],
        "start": long_date(covers_from(d["covers_past"], today)),
    }
    if d["covers_until"] is None:
        return (
            gettext(
                "I consent to %(utility)s giving %(categories)s to %(recipient)s (%(contact)s) for: "
                "%(purpose)s. It covers my data from %(start)s on, until I revoke it."
            )
            % words
        )
    return gettext(
        "I consent to %(utility)s giving %(categories)s to %(recipient)s (%(contact)s) for: "
        "%(purpose)s. It covers my data from %(start)s on, until %(end)s."
    ) % {**words, "end": long_date(d["covers_until"])}
