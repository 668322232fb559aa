"""What disclosures keeps of a customer's consents, as a data request's answer and the customer's download
give it (`custodian.vault.records_held`, the "correspondence" category: a consent's words are the
customer's, sealed as their correspondence): each consent to give their data, to whom and for what in its
own words, which of their data (the policy file's labels), the period it covers, how it was signed, and
whether it stands, ended or was revoked (when, and how the customer told us). Called only once the gate has
allowed the read of the category; dates in words for a person, keys and days year-month-day for a
program."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.dates import day_words
from custodian.disclosures.models import Consent
from custodian.disclosures.services.consents import CONSENT_REF_PREFIX, ConsentWords
from custodian.vault.record_tables import (
    Kept,
    categories_named,
    dates,
    in_words,
    kept_register,
    listed,
    moment,
)

CORRESPONDENCE = "correspondence"
METHOD_WORDS = {"paper": gettext_lazy("signed on paper"), "electronic": gettext_lazy("given in My account")}


def _words_opened(consents: list[Consent], documents) -> None:
    """Each consent's own words (to whom, for what), from its sealed document opened for the read."""
    by_ref = {d.ref: d for d in documents}
    for c in consents:
        d = by_ref.get(c.sealed_ref)
        c.words = ConsentWords.from_json(d.content) if d else ConsentWords("", "", "")


def _to_whom(c: Consent) -> str:
    return c.words.recipient_name or _("(the consent's words are no longer held)")


def _covers(c: Consent) -> str:
    if c.covers_until:
        return _("your data from %(start)s to %(end)s") % {
            "start": day_words(c.covers_from),
            "end": day_words(c.covers_until),
        }
    return _("your data from %(start)s, until you revoke it") % {"start": day_words(c.covers_from)}


def consent_standing(c: Consent) -> str:
    """Whether the consent stands, in words, with how it was given (`Consent.lapse`)."""
    how = str(METHOD_WORDS.get(c.method, c.method))
    lapse = c.lapse()
    if lapse == "revoked":
        return (
            how
            + "; "
            + _("revoked on %(on)s (%(how)s)")
            % {"on": day_words(timezone.localdate(c.revocation.revoked_at)), "how": c.revocation.how}
        )
    if lapse in ("expired", "period_ended"):
        ended = c.expires_on if lapse == "expired" else c.covers_until
        return how + "; " + _("ended on %(on)s") % {"on": day_words(ended)}
    if lapse == "not_signed":  # signed at a later moment than now: nothing stands on it before then
        return how + "; " + _("not in force before it is signed, on %(on)s") % {"on": day_words(c.signed_at)}
    # It stands until the earlier of its end date and the end of the period it covers (`Consent.lapse`).
    ends = min((d for d in (c.expires_on, c.covers_until) if d), default=None)
    if ends:
        return how + "; " + _("in force until %(on)s") % {"on": day_words(ends)}
    return how + "; " + _("in force until you revoke it")


# Whether a consent stands, for a program (`Consent.lapse`): in force only while nothing stops it.
STANDING_CODES = {
    None: "in_force",
    "not_signed": "not_signed",
    "revoked": "revoked",
    "expired": "ended",
    "period_ended": "ended",
}


def consent_standing_code(c: Consent) -> str:
    """The consent's standing as a code: "in_force" only when `Consent.lapse` finds nothing that stops it (a
    reason it may gain that this table lacks reads as not in force, never as in force)."""
    return STANDING_CODES.get(c.lapse(), "not_in_force")


CONSENTS = (
    Kept(
        "consents",
        gettext_lazy("Your consents to give your data to others"),
        Consent,
        moment("signed_at", key="signed_at", words=day_words),
        (
            in_words(_to_whom, key="recipient", code=None, header=gettext_lazy("To whom")),
            in_words(lambda c: c.words.purpose, key="purpose", code=None, header=gettext_lazy("For what")),
            listed(
                lambda c: categories_named(c.category_list),
                key="data_categories",
                header=gettext_lazy("What"),
            ),
            in_words(_covers, key="covers", code=None, header=gettext_lazy("Covering")),
            dates("covers_from", "covers_until", "expires_on"),
            in_words(
                consent_standing, key="status", code=consent_standing_code, header=gettext_lazy("Status")
            ),
        ),
        related=("revocation",),
        category=CORRESPONDENCE,
        opened=_words_opened,
    ),
)


def register() -> None:
    """Disclosures' reader of the correspondence category (from the app's `ready`): it opens the consents'
    sealed words only."""
    kept_register(*CONSENTS, ref_prefix=CONSENT_REF_PREFIX)
