"""Every letter and e-mail a customer gets is written in Spanish as well: each customer-facing message
template has its Spanish one beside it, which renders with no English sentence left in it; every string the
catalogue holds is translated (none empty, none a fuzzy guess) and the compiled catalogue is the one the
`.po` file makes; the policy file's words a customer reads (data categories, purposes, support services)
have their Spanish. A new letter, or a new sentence, without its Spanish fails here, naming it."""

import gettext
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import translation

from custodian.customers.models import Customer
from custodian.dates import long_date
from custodian.outbox.services import content_parse, letter_send, message_render
from custodian.policy.assistance import energy_assistance_lines
from custodian.policy.loader import current_policy
from custodian.testing import letter_text
from custodian.testing.policy_words import english_in

ROOT = Path(__file__).resolve().parents[2]
PO = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.po"
# Messages that go to someone other than a customer, in the language of their work: a correction notice to
# an organisation we gave data to, the signed head of the access log to its outside keepers.
# Messages to others than customers: a correction to a named recipient, the log head to auditors, and staff
# e-mails (a held change, a set-up link, a vendor determination, a law enforcement request, a loss of
# power) to members of staff at work.
NOT_TO_CUSTOMERS = {
    "correction_notice",
    "log_head",
    "staff_change",
    "staff_power_lost",
    "staff_setup_link",
    "vendor_determination",
    "legal_authority_second",
}
# Every variable any message template uses, as a caller would hand it (words of the letter's language, so
# the check below sees only the template's own).
CONTEXT = {
    "utility": {
        "name": "Owatonna Public Utilities",
        "phone": "507-451-2480",
        "responsible_authority": {"title": "Responsable", "contact": "privacidad@example.org"},
    },
    "phone": "507-451-2480",
    "contact": "privacidad@example.org",
    "request_id": 41,
    "account_number": "0010001001",
    "amount": "212.40",
    "cycle": "2026-10",
    "year": 2026,
    "due_on": date(2026, 11, 3),
    "earliest": date(2026, 11, 23),
    "expires_on": date(2027, 6, 30),
    "effective_date": date(2027, 3, 1),
    "first": date(2026, 10, 2),
    "last": date(2026, 10, 9),
    "service": "gas",
    "service_words": "gas natural",
    "providers": ["Agencia de Acción Comunitaria: 507-000-0000"],
    "contents": ["un aviso de desconexión propuesta"],
    "scope": ["Pagar facturas y acordar pagos"],
    "data": ["Nombre", "Facturas"],
    "kind": "Poder notarial",
    # A letter on a request the customer's representative made says so (the other branch is the customer's).
    "acting_for": "poder notarial, autorización n.º 3",
    "asked_by": "poder notarial, autorización n.º 3",
    "request_kind": "correction",
    "deleted": ["Su cuenta en línea"],
    "kept": [{"what": "Sus facturas", "until": "7 años y luego se destruye", "why": "Para la auditoría."}],
    "changes": ["Las lecturas por hora se conservan tres años."],
    "version": "2027.1",
    "previous_version": "2026.1",
    "incident": 3,
    "outcome": "Corregimos sus datos.",
    "follow_up": "Avisamos a quienes los recibieron.",
    "appeal": "Puede apelar.",
    "notice": {
        "key": "email_auto_reply",
        "version": "2026.1",
        "purpose": "Para responder.",
        "required": "Voluntario.",
        "consequences": "No podemos responderle.",
        "recipients": "El personal.",
    },
    "package": {"subject": "Su solicitud de datos", "text": "Estos son sus datos."},
    "url": "https://example.org/i/abc",
    "portal": "https://example.org/portal/me/bills/",
    "policy_url": "https://example.org/privacy/",
    "report_url": "https://example.org/privacy/incidents/",
    "confirm_url": "https://example.org/c/abc",
    "reset_url": "https://example.org/r/abc",
    "hours": 2,
    "planned": [{"service_words": "gas natural", "on": date(2026, 12, 8)}],
    "agreed": False,
    "agreed_on": date(2026, 11, 28),
    "installment": "50.00",
    "arrears": "764.36",
    "months": 16,
    "first_due_on": date(2026, 12, 28),
    "last_due_on": date(2028, 3, 28),
    "last_amount": "14.36",
    "requested_on": date(2026, 11, 20),
    "declined_on": date(2026, 11, 27),
    "because": "terms_declined",
    "offered": "50.00",
    "past_due": "764.36",
}
# Words that only English writes; a Spanish letter holding one has an English sentence left in it.
ENGLISH = re.compile(r"\b(the|your|you|we|our|and|with|please|dear|this|will|have)\b", re.IGNORECASE)


def message_templates() -> dict[str, Path]:
    """Each message template's name and its English body's path."""
    found = {}
    for path in ROOT.glob("*/templates/outbox/*.txt"):
        if not path.name.endswith(".subject.txt"):
            found[path.name.removesuffix(".txt")] = path
    return found


def test_every_customer_letter_has_its_spanish_and_it_reads_as_spanish():
    names = sorted(set(message_templates()) - NOT_TO_CUSTOMERS)
    assert len(names) >= 15
    missing = []
    for name in names:
        english = message_templates()[name]
        for suffix in (".txt", ".subject.txt"):
            if not (english.parent / "es" / f"{name}{suffix}").exists():
                missing.append(f"outbox/es/{name}{suffix}")
    assert not missing, f"no Spanish template: {missing}"
    for name in names:
        rendered = message_render(template=name, context=CONTEXT, language="es")
        text = f"{rendered.subject}\n{rendered.body}"
        left = sorted({w.lower() for w in ENGLISH.findall(text)})
        assert not left, f"{name} in Spanish still says {left}:\n{text}"


def test_every_customer_letter_in_spanish_carries_no_english_of_the_policy_file():
    """Each letter rendered with what its callers take from the policy file (the utility's table, its
    responsible authority, the energy assistance providers) as they hand it, composed in Spanish."""
    with translation.override("es"):
        providers = energy_assistance_lines()
    utility = current_policy().utility
    found = {}
    for name in sorted(set(message_templates()) - NOT_TO_CUSTOMERS):
        spanish = message_templates()[name].parent / "es"
        source = "".join((spanish / f"{name}{suffix}").read_text() for suffix in (".txt", ".subject.txt"))
        # A letter printing `{{ utility }}` is handed the utility's name; one reading its table, the table.
        named = utility["name"] if "{{ utility }}" in source else utility
        context = {**CONTEXT, "utility": named, "providers": providers}
        rendered = message_render(template=name, context=context, language="es")
        if english := english_in(f"{rendered.subject}\n{rendered.body}"):
            found[name] = english
    assert not found, found


def test_dates_in_a_spanish_letter_are_written_in_spanish():
    rendered = message_render(template="past_due", context=CONTEXT, language="es")
    assert "vencía el 3 de noviembre de 2026" in rendered.body
    english = message_render(template="past_due", context=CONTEXT, language="en")
    assert "was due on November 3, 2026" in english.body


def po_entries(path: Path) -> list[dict]:
    """The catalogue's entries: msgctxt, msgid, the msgstr forms and the flags (a plain reader; the
    project carries no .po library for one test)."""
    entries = []
    for block in path.read_text().split("\n\n"):
        entry, key = {"flags": "", "msgstr": []}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#"):
                continue
            elif m := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$", line):
                key = "msgstr" if m.group(1).startswith("msgstr") else m.group(1)
                if key == "msgstr":
                    entry["msgstr"].append("")
                value = m.group(2)[1:-1]
                if key == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[key] = entry.get(key, "") + value
            elif line.startswith('"') and key:
                if key == "msgstr":
                    entry["msgstr"][-1] += line[1:-1]
                else:
                    entry[key] += line[1:-1]
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_every_string_in_the_catalogue_has_its_spanish():
    entries = po_entries(PO)
    assert len(entries) > 400
    untranslated = [e["msgid"][:60] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"][:60] for e in entries if "fuzzy" in e["flags"]]
    obsolete = [e["msgid"][:60] for e in entries if e.get("obsolete")]
    assert not untranslated, f"no Spanish for {untranslated[:5]} (makemessages -l es, then translate)"
    assert not fuzzy, f"a guess, not a translation, for {fuzzy[:5]}: translate it and drop `fuzzy`"
    assert not obsolete, f"strings no longer used: {obsolete[:5]}"


def test_the_compiled_catalogue_is_the_one_the_po_file_makes():
    with (PO.parent / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    for e in po_entries(PO):
        msgid = e["msgid"].encode().decode("unicode_escape").encode("latin-1").decode()
        key = f"{e['msgctxt']}\x04{msgid}" if "msgctxt" in e else msgid
        if "msgid_plural" in e:
            key = (key, 0)
        assert key in compiled, f"{msgid[:60]!r} is not in django.mo: run compilemessages -l es"


def test_the_policy_words_a_customer_reads_are_in_spanish():
    policy = current_policy()
    for kind in ("categories", "purposes", "services"):
        for key, entry in getattr(policy, kind).items():
            spanish = entry.in_language("es")
            assert spanish.label != entry.label, f"{kind}.{key} has no Spanish label ([{kind}.{key}.es])"
            if kind == "purposes":
                assert spanish.description != entry.description, f"purposes.{key}: no Spanish description"
    assert policy.categories["name"].in_language("en").label == "Name"


def test_a_spanish_letter_names_its_language_and_is_printed_with_a_spanish_date(customer, privacy_officer):
    Customer.objects.filter(pk=customer.pk).update(language="es")
    letter = letter_send(
        to_customer=customer, template="policy_change", context=CONTEXT, sent_by=privacy_officer
    )
    headers, body = content_parse(letter_text(letter))
    assert headers["Language"] == "es" and body.startswith("Estimado cliente:")
    with translation.override(headers["Language"]):
        assert long_date(date(2026, 11, 3)) == "3 de noviembre de 2026"
    assert long_date(date(2026, 11, 3)) == "November 3, 2026"
