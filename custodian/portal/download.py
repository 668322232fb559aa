"""The customer's "download everything" as a spreadsheet (CSV): every section the portal shows of their data,
one after another, each under its title and its columns' headings, in the customer's language: what we hold
and where it came from (the facts for the protections against disconnection and the address they sign in
with among it), the monthly use, the bills with the payments and charges and every other record kept of
them (amounts and dates in words), the letters and messages (the header lines of ours in words too), who
has seen or changed the data, to whom it was given, and every meter reading held. A section with nothing in
it says so. The JSON download holds the same for programs.

A representative's file holds what their authority covers: a section of data it leaves out says so in place
of the empty answer, a letter carrying data outside it is listed with what it leaves out and not its words
(`custodian.outbox.carried`), and no line names an address it does not cover.

A file of sections and not one table: a spreadsheet shows each section as the page shows it, which is what
a person opens their copy for; numbers stay numbers (`custodian.csvfile`)."""

import dataclasses
import io
import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.casework.package_words import (
    MARKETING_WORDS,
    SERVICE_NAMES,
    SIGN_IN_REF_PREFIX,
    document_label,
    kind_in_words,
    message_text_in_words,
    register_read_rows,
)
from custodian.collecting.facts import FIELD as PROTECTION_FIELD
from custodian.collecting.facts import ProtectionFacts
from custodian.csvfile import SPREADSHEET_BOM, csv_writer
from custodian.disclosures.services.consents import CONSENT_REF_PREFIX, ConsentWords
from custodian.outbox.carried import text_within
from custodian.policy.loader import current_policy
from custodian.usage.services.presentation import UNIT_WORDS, length_words
from custodian.vault.masking import shown_words


@dataclass(frozen=True)
class Shown:
    """A document as the download shows it: what it is and its kind, its words for a person (the CSV) and its
    text for a program (the JSON; None for a file that is not text), or what a representative's authority
    leaves out of it in their place."""

    ref: str
    filename: str
    media_type: str
    size: int
    label: str
    kind: str
    words: str
    text: str | None
    not_covered: str = ""


def _consent_words(content: bytes) -> str:
    """A consent's words as the customer was shown them (one given before the words were kept: to whom, how
    to reach them and why)."""
    words = ConsentWords.from_json(content)
    return words.text_shown or f"{words.recipient_name} ({words.recipient_contact}): {words.purpose}"


def documents_shown(documents, *, within=None, letters_out=None, not_covered=None) -> list[Shown]:
    """The documents held as the download shows them. For a representative (`within`: their authority's
    categories), the address the customer signs in with only where it covers e-mail addresses, each letter
    carrying data outside it (`letters_out`: by reference, what it leaves out; `outbox.selectors.
    letters_left_out`) said so by `not_covered` (the portal's `NotCovered`) without its words or subject, and
    no header line naming an address it does not cover."""
    shown = []
    for d in documents:
        if within is not None and d.ref.startswith(SIGN_IN_REF_PREFIX) and "email" not in within:
            continue
        base = {"ref": d.ref, "filename": d.filename, "media_type": d.media_type, "size": len(d.content)}
        if left_out := (letters_out or {}).get(d.ref):
            said = not_covered.among(left_out)
            shown.append(
                Shown(
                    **base,
                    label=document_label(d.ref, d.filename),
                    kind=kind_in_words(d.media_type),
                    words=said,
                    text=None,
                    not_covered=said,
                )
            )
            continue
        is_text = d.media_type.startswith("text/") or d.media_type == "application/json"
        text = text_within(d.text, within) if is_text else None
        if d.ref.startswith(CONSENT_REF_PREFIX):
            words = _consent_words(d.content)
        else:
            words = message_text_in_words(d.ref, text) if d.media_type.startswith("text/") else ""
        shown.append(
            Shown(
                **base,
                label=document_label(d.ref, d.filename, text or ""),
                kind=kind_in_words(d.media_type),
                words=words,
                text=text,
            )
        )
    return shown


@dataclass
class Held:
    """What the download reads once, for either format: the values (bank details masked unless the customer
    re-entered their password), their provenance, the documents, the meter readings, what is kept as
    records (bills, ledger, agreements…), the accounting of disclosures and the portal's rows of who has
    seen or changed the data."""

    values: dict
    provenance: dict
    documents: list[Shown]
    intervals: list
    records: list  # custodian.vault.records_held.Records: the bills, the ledger, agreements…
    disclosures: list
    accesses: list
    # What a representative's authority leaves out of the file, said first ("" for the customer themself), and
    # of each section by its data category, said in the section in place of its empty answer.
    not_covered: str = ""
    section_not_covered: dict = dataclasses.field(default_factory=dict)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _unit(service: str) -> str:
    return str(UNIT_WORDS.get(service, ""))


def _how(p) -> str:
    """How a value reached us, as the portal's page says it."""
    return (
        f"{p.channel_label}, {timezone.localtime(p.received_at):%Y-%m-%d} ({p.recorded_by_label})"
        if p
        else ""
    )


def _held_rows(held: Held) -> list[list]:
    labels = {c.field: c.in_language().label for c in current_policy().categories.values()}
    rows = []
    for field, value in held.values.items():
        how = _how(held.provenance.get(field))
        if field == "meter_usage":
            continue  # its own section, month by month
        if field == PROTECTION_FIELD:
            rows += [
                [label, words, how]
                for _key, label, _value, words in ProtectionFacts.from_json(value).in_words()
            ]
        elif field == "marketing_preference":
            rows.append([labels[field], str(MARKETING_WORDS.get(value, value)), how])
        else:
            rows.append([labels.get(field, field), shown_words(field, value), how])
    rows += [
        [_("E-mail address you sign in to My account with"), d.text, _("My account, when you signed up")]
        for d in held.documents
        if d.ref.startswith(SIGN_IN_REF_PREFIX)
    ]
    return rows


def _usage(held: Held) -> dict:
    try:
        return json.loads(held.values.get("meter_usage") or "{}")
    except ValueError:
        return {}


def _monthly_rows(held: Held) -> list[list]:
    bills = _usage(held)
    return [
        [str(SERVICE_NAMES.get(service, service)), m.get("month", ""), m.get("total"), _unit(service)]
        for service, data in sorted(bills.items())
        for m in data.get("months", [])
    ]


def _access_rows(held: Held) -> list[list]:
    outcome = {"allow": _("shown"), "changed": _("changed")}
    return [
        [
            _when(r["at"]),
            r["who"],
            r["purpose"] + (f" ({_('emergency access')})" if r["emergency"] else ""),
            r["data"],
            outcome.get(r["decision"], _("refused")),
        ]
        for r in held.accesses
    ]


def _disclosure_rows(held: Held) -> list[list]:
    def when(r) -> str:
        first, last = f"{r['first']:%Y-%m-%d}", f"{r['last']:%Y-%m-%d}"
        if r["times"] > 1:
            return _("%(times)s times, %(first)s to %(last)s") % {
                "times": r["times"],
                "first": first,
                "last": last,
            }
        return first

    return [
        [
            r["recipient"] + (f", {r['address']}" if r.get("address") else ""),
            r["data"],
            r["purpose_label"],
            r["basis"],
            when(r),
        ]
        for r in held.disclosures
    ]


def download_csv(held: Held) -> str:
    """The whole file, in the active language (the page's: the customer's)."""
    sections = [
        (
            _("What we hold about you, and where it came from"),
            [_("Item"), _("Value"), _("How we received it")],
            _held_rows(held),
            _("None on file."),
        ),
        (
            _("Your monthly use"),
            [_("Service"), _("Month"), _("Use"), _("Unit")],
            _monthly_rows(held),
            held.section_not_covered.get("meter_usage") or _("None on file."),
        ),
        (
            _("The reads of your meters' dials we hold"),
            [_("Service"), _("Meter"), _("Day"), _("Reading"), _("Kind of read")],
            register_read_rows(_usage(held)),
            held.section_not_covered.get("meter_usage") or _("None on file."),
        ),
        *((t.title, t.headers, [r.words for r in t.records], _("None.")) for t in held.records),
        (
            _("Messages, letters and documents"),
            [_("What"), _("Kind"), _("Text")],
            [[d.label, d.kind, d.words] for d in held.documents if not d.ref.startswith(SIGN_IN_REF_PREFIX)],
            held.section_not_covered.get("correspondence") or _("None."),
        ),
        (
            _("Who has seen or changed my data"),
            [_("When"), _("Who"), _("Why"), _("What"), _("Outcome")],
            _access_rows(held),
            _("Nobody has looked at your data."),
        ),
        (
            _("Who we gave your data to"),
            [_("To"), _("What"), _("Why"), _("On what basis"), _("When")],
            _disclosure_rows(held),
            _("We have not given your data to anyone outside the utility."),
        ),
        (
            _("Your meter readings"),
            [_("Service"), _("Start"), _("Length"), _("Use"), _("Unit"), _("Source")],
            [
                [
                    str(SERVICE_NAMES.get(s["service"], s["service"])),
                    start,
                    length_words(seconds),
                    value,
                    _unit(s["service"]),
                    s["source"]["label"],
                ]
                for s in held.intervals
                for start, value, seconds in s["readings"]
            ],
            held.section_not_covered.get("meter_usage") or _("None on file."),
        ),
    ]
    out = io.StringIO()
    writer = csv_writer(out)
    if held.not_covered:
        writer.writerows([[held.not_covered], []])
    for number, (title, headers, rows, empty) in enumerate(sections):
        if number:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(headers)
        writer.writerows(rows or [[empty]])
    return SPREADSHEET_BOM + out.getvalue()
