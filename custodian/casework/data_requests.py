"""Data requests carried through (Minn. Stat. § 13.04 subd. 3).

- **Identity first.** Nothing is released to a person not verified as the customer: a portal request is
  verified by the sign-in; an e-mail, web-form, phone or paper request by the account number plus a figure
  from the bill checked against the records (`account_and_bill`), by the account number plus a fact from the
  bill that a staff member checked (`account_and_fact`: the last bill's amount or the last payment), or by
  photo ID at the counter (`photo_id`); one sent from an online account still limited by photo ID alone
  (`custodian.casework.identity`). The method is on the request, with who verified it and when.
- **Verified inquirers join their account.** A request that arrived from someone not yet known moves to the
  account's customer once verified; the inquirer it arrived as is kept (its messages are sealed there).
- **The answer is a letter a person can read**: plain labels, current and earlier values with their dates,
  every category of the policy file (what is kept as records, the bills with the ledger, agreements and
  notices, as tables with amounts and dates in words: `custodian.vault.records_held`), the letters we sent,
  the meter readings held, who saw the data and to whom it was given; drawn as HTML and as PDF from the same
  sections; sent through the outbox and shown in the portal's "My requests"; written in
  the customer's language (its words composed inside `in_language_of`; staff's preview in theirs).
- **A repeat within six months.** After the data was shown, § 13.04 subd. 3 lets the utility wait six months
  before showing it again unless a dispute is pending or data was collected or created since: the answer to a
  repeat then holds what is new since the last answer, and says so. The privacy officer may decide to answer
  a repeat in full anyway (`data_request_in_full`: with a reason on the request, logged).

One module (over 400 lines) on purpose: verification, the package and the answer are one procedure whose
order (nothing released before the person is verified) is read here from top to bottom.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from custodian.audit.actions import Action
from custodian.audit.selectors import seen_in_words, who_has_seen
from custodian.casework.choices import (
    DATA_REQUEST_FACTS,
    VERIFIED_WITH,
    RequestKind,
    RequestStatus,
    Verification,
)
from custodian.casework.identity import verification_refused
from custodian.casework.models import CustomerRequest, RequestEvent
from custodian.casework.package_words import (
    SIGN_IN_REF_PREFIX,
    document_label,
    held_in_words,
    kind_in_words,
    monthly_rows,
    notice_words,
    register_read_rows,
)
from custodian.casework.recipients import letter_on_request, reader_of, request_answered
from custodian.casework.services import RequestError, request_close, staff_change_append
from custodian.customers.choices import CustomerClass
from custodian.dates import long_date
from custodian.disclosures.selectors import disclosures_for
from custodian.outbox.letters import letter_pdf
from custodian.outbox.selectors import letters_left_out
from custodian.outbox.services import in_language_of
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access, services_of
from custodian.usage.services import monthly_use_held
from custodian.vault.choices import Channel
from custodian.vault.gate import (
    Actor,
    Denied,
    find_customers,
    reveal,
    reveal_documents,
    reveal_history,
    staff_actor,
    system_actor,
)
from custodian.vault.masking import MASKED_UNTIL_REAUTH, shown_masked
from custodian.vault.records_held import records_held

REPEAT_MONTHS = 6
# Request history actions: a repeat answered with what is new, and the decision to answer one in full.
ANSWERED_AS_REPEAT = "repeat"
IN_FULL = "in_full"
_DATA_KINDS = (RequestKind.DATA_ACCESS, RequestKind.CORRECTION)
# The policy file's classification of every category, for the catalogue (the answer names it in Spanish too).
CLASSIFICATIONS = (gettext_noop("private data on individuals"),)
# A section of a representative's request's answer their authority does not cover.
NOT_COVERED = gettext_noop("Not covered by your representative's authority.")


class NotVerified(RequestError):
    """A package asked for before the person was verified as the customer: nothing is released."""


def _check_owner(request: CustomerRequest, by) -> None:
    if request.owning_service not in services_of(by):
        raise RequestError("only the service that owns the request can verify or answer it")


def _purpose_words(policy, purpose: str) -> str:
    """A disclosure's purpose as the letter's reader reads it: the policy file's label in their language, not
    its key; a purpose written in words (a consent's, a subpoena's) as written."""
    return policy.purposes[purpose].in_language().label if purpose in policy.purposes else purpose


def _fmt(day) -> str:
    """A date as the letter writes it, in the active language (the customer's, for their answer)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    return long_date(day)


def _bill_figure(customer_id: int) -> int | None:
    """Last month's electricity use as the bill shows it, read as the data-requests job (logged)."""
    usage = json.loads(
        reveal(
            actor=system_actor("data_requests"),
            customer_id=customer_id,
            fields=["meter_usage"],
            purpose="legal_obligations",
        ).get("meter_usage", "{}")
    )
    months = usage.get("electric", {}).get("months", [])
    return round(months[-1]["total"]) if months else None


def _refused(request: CustomerRequest, by, reason: str) -> None:
    """A failed verification stays on the request's history (its own transaction: the caller's error rolls
    back everything else)."""
    with transaction.atomic():
        RequestEvent.objects.create(request=request, by=by, action="not_verified", reason=reason)


def _may_not_look_up(request: CustomerRequest, by) -> None:
    """Refused before any look-up: the policy file doesn't let `by`'s service find accounts for the request
    (not that no account has the number)."""
    _refused(request, by, "the service may not look up accounts for this request")
    raise RequestError(
        "Your service may not look up accounts for this request: hand it to a service that can."
    )


def request_verify(
    *,
    request: CustomerRequest,
    by,
    method: str,
    account_number: str,
    verified_with: str = "",
    bill_kwh: int | None = None,
    purpose: str = "legal_obligations",
    client_ip: str = "",
) -> CustomerRequest:
    """Verify the person behind a request as the customer of the account `account_number`, and record how.

    `account_and_bill`: the figure from the bill (`bill_kwh`) is checked against the records; a mismatch is
    refused and kept on the request's history. `account_and_fact` and `photo_id`: the staff member attests
    what they checked (`verified_with`, a kind of fact or document, never its value); for a data request the
    fact comes from the bill. A request sent from an online account still limited is verified by photo ID
    alone. A request from an inquirer moves to the account's customer."""
    _check_owner(request, by)
    if request.status != RequestStatus.OPEN:
        raise RequestError("only an open request is verified")
    # A request sent from a limited online account is verified by photo ID alone: the bill's figures opened
    # that account (custodian.casework.identity).
    if refused := verification_refused(request, method):
        raise RequestError(refused)
    if method == Verification.ACCOUNT_AND_BILL:
        verified_with = "last_electric_kwh"
        if bill_kwh is None:
            raise RequestError("give last month's electricity use from the person's bill, in kWh")
    elif verified_with not in VERIFIED_WITH[method]:
        raise RequestError("say what you checked: " + ", ".join(VERIFIED_WITH[method].values()))
    if (
        method == Verification.ACCOUNT_AND_FACT
        and request.kind in _DATA_KINDS
        and (verified_with not in DATA_REQUEST_FACTS)
    ):
        raise RequestError(
            "a request to see or correct data is verified with a fact from the bill: "
            + " or ".join(VERIFIED_WITH[method][k].lower() for k in sorted(DATA_REQUEST_FACTS))
        )
    policy = current_policy()
    if not (
        purpose in policy.purposes
        and "account_number" in policy.purposes[purpose].categories
        and policy.acts_for(services_of(by), purpose)
    ):
        _may_not_look_up(request, by)
    try:
        ids = find_customers(
            actor=staff_actor(by),
            field="account_number",
            value=account_number,
            purpose=purpose,
            client_ip=client_ip,
            intake=True,
        )
    except Denied:
        _may_not_look_up(request, by)
    if len(ids) != 1:
        _refused(request, by, "no account with the number given")
        raise RequestError("No account with that number: the person is not verified.")
    customer_id = ids[0]
    joining = request.customer.customer_class == CustomerClass.INQUIRER and request.customer_id != customer_id
    if not joining and request.customer_id != customer_id:
        _refused(request, by, "the account number is another customer's")
        raise RequestError(
            "That account number is not this request's customer's: the person is not verified."
        )
    if method == Verification.ACCOUNT_AND_BILL:
        expected = _bill_figure(customer_id)
        if expected is None or abs(expected - int(bill_kwh)) > 1:
            _refused(request, by, "the bill figure did not match")
            raise RequestError("The bill figure does not match our records: the person is not verified.")
    with transaction.atomic():
        if joining:
            request.received_as_id = request.customer_id
            request.customer_id = customer_id
        request.verification, request.verified_with = method, verified_with
        request.verified_at, request.verified_by = timezone.now(), by
        request.save(
            update_fields=[
                "customer",
                "received_as",
                "verification",
                "verified_with",
                "verified_at",
                "verified_by",
            ]
        )
        RequestEvent.objects.create(
            request=request,
            by=by,
            action="verified",
            reason=request.verification_label + ("; joined to the account's customer" if joining else ""),
        )
    return request


# ---------------------------------------------------------------------------------------------------------
# The answer


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[list[str]]
    empty: str
    note: str = ""


@dataclass
class Package:
    request_id: int
    name: str
    mailing_address: str
    subject: str
    intro: str
    sections: list[Section] = field(default_factory=list)
    repeat_of: int | None = None
    # The categories it holds, where fewer than every one (a representative's request: their authority's).
    carries: list[str] | None = None

    @property
    def text(self) -> str:
        """The letter's text: each section under its title, each row as its first values on one line and the
        rest as labelled lines beneath (what a person reads, not field keys)."""
        lines = [self.intro]
        for section in self.sections:
            lines += ["", section.title.upper()]
            if not section.rows:
                lines.append(section.empty)
            for row in section.rows:
                lines.append(f"{row[0]}: {row[1]}" if len(row) > 1 else row[0])
                lines += [f"    {h}: {v}" for h, v in zip(section.headers[2:], row[2:], strict=False) if v]
            if section.note:
                lines.append(section.note)
        return "\n".join(lines) + "\n"

    def pdf(self) -> bytes:
        return letter_pdf(
            utility=current_policy().utility,
            name=self.name,
            mailing_address=self.mailing_address,
            subject=self.subject,
            body=self.text,
            dated=timezone.localdate(),
        )


def _earlier_answer(request: CustomerRequest) -> CustomerRequest | None:
    """The customer's last answered data request within six months, if no dispute is pending (an open
    correction request is one): § 13.04 subd. 3 lets the utility then show only what is new."""
    if request.pk and request.history.filter(action=IN_FULL).exists():
        return None
    today = timezone.localdate()
    months = today.year * 12 + today.month - 1 - REPEAT_MONTHS
    since = date(months // 12, months % 12 + 1, min(today.day, 28))
    if CustomerRequest.objects.filter(
        customer_id=request.customer_id, kind=RequestKind.CORRECTION, status=RequestStatus.OPEN
    ).exists():
        return None
    return (
        CustomerRequest.objects.filter(
            customer_id=request.customer_id, kind=RequestKind.DATA_ACCESS, answered_at__date__gte=since
        )
        .exclude(pk=request.pk)
        .order_by("-answered_at")
        .first()
    )


def _json_or_empty(value: str) -> dict:
    try:
        return json.loads(value) if value else {}
    except ValueError:
        return {}


def _masked_note(held) -> str:
    """What a letter says where it shows bank details by their last four digits (a letter can't ask for the
    password; the mailing house and anyone who opens the envelope read it)."""
    if not any(v.field in MASKED_UNTIL_REAUTH for v in held):
        return ""
    return _(
        "Bank account numbers show only their last four digits in a letter. You can see them in full in My "
        "account: re-enter your password, then download your data."
    )


def package_build(*, actor: Actor, request: CustomerRequest, client_ip: str = "") -> Package:
    """The answer to a verified data access request, read through the gate for legal obligations under the
    request. Refused (NotVerified) before the person is verified: no path releases a package otherwise."""
    if request.kind != RequestKind.DATA_ACCESS:
        raise RequestError("only a data access request is answered with a package")
    if not request.is_verified:
        raise NotVerified(
            "The person is not verified as the customer: nothing is released. Verify them first (the account "
            "number and a figure from the bill, or photo ID at the counter)."
        )
    policy = current_policy()
    read = {"actor": actor, "customer_id": request.customer_id, "purpose": "legal_obligations"}
    read |= {"request_id": request.pk, "client_ip": client_ip}
    earlier = _earlier_answer(request)
    since = earlier.answered_at if earlier else None
    by_field = {c.field: c for c in policy.categories.values()}
    # A representative's request is answered within their authority's categories (the letter says so).
    covered = (
        set(request.representative.category_list) if request.representative_id else set(policy.categories)
    )
    fields = [c.field for c in policy.categories.values() if c.key != "correspondence" and c.key in covered]
    held = [v for v in reveal_history(fields=fields, **read) if since is None or v.recorded_at > since]
    current = {v.field: v.value for v in held if v.superseded_at is None}
    # The letter goes to the customer at the name and address on file, whatever the authority covers.
    everything = (
        reveal(fields=["name", "mailing_address"], **read) if since or request.representative_id else current
    )
    channels = dict(Channel.choices)
    # Each notice given is told once, by what it said, and each item names it by its number (a notice's
    # words run to a few lines: said under every item they would bury the items).
    notices: dict[str, int] = {}

    def how(v) -> str:
        if v.notice_key and notice_words(v.notice_key):
            n = notices.setdefault(v.notice_key, len(notices) + 1)
            shown = _("after notice %(n)s below") % {"n": n}
        else:
            shown = _("no notice shown before it")
        return f"{channels.get(v.channel, v.channel)}, {_fmt(v.recorded_at)} ({shown})"

    def label(f: str) -> str:
        return by_field[f].in_language().label

    documents = (
        reveal_documents(category="correspondence", ref_prefix="", **read)
        if "correspondence" in covered
        else []
    )
    # The address they sign in to My account with is an item of their data, sealed beside their letters; it is
    # held only while that online account exists (`retention.online_accounts` deletes it with the account).
    sign_in = [d for d in documents if d.ref.startswith(SIGN_IN_REF_PREFIX) and "email" in covered]
    documents = [d for d in documents if not d.ref.startswith(SIGN_IN_REF_PREFIX)]
    # A letter carrying data outside the authority is listed by its number, not its subject.
    outside = letters_left_out(
        within=None if request.representative_id is None else covered,
        customer_id=request.customer_id,
        refs=[d.ref for d in documents],
    )
    sections = [
        Section(
            _("The data we hold about you now"),
            [_("Item"), _("Value"), _("Classification"), _("How we got it")],
            [
                [item, words, _(by_field[v.field].classification), how(v)]
                for v in held
                if v.superseded_at is None and v.field != "meter_usage"
                for item, words in held_in_words(v.field, label(v.field), shown_masked(v.field, v.value))
            ]
            + [
                [
                    _("E-mail address you sign in to My account with"),
                    d.text,
                    _(CLASSIFICATIONS[0]),
                    _("My account, when you signed up"),
                ]
                for d in (sign_in if since is None else [])
            ],
            _("Nothing new since our last answer.") if since else _("We hold no such data."),
            _masked_note(held),
        ),
        Section(
            _("Earlier values we still hold"),
            [_("Item"), _("Value"), _("From"), _("Replaced on")],
            [
                [item, words, _fmt(v.recorded_at), _fmt(v.superseded_at)]
                for v in held
                if v.superseded_at is not None and v.field != "meter_usage"
                for item, words in held_in_words(v.field, label(v.field), shown_masked(v.field, v.value))
            ],
            _("None."),
        ),
        Section(
            _("Your monthly use"),
            [_("Service"), _("Month"), _("Use"), _("Source")],
            monthly_rows(
                _json_or_empty(current.get("meter_usage", "")),
                # Every month the readings held cover, the customer's uploads too (a repeat: the bills' new
                # months only; readings carry no date they were recorded).
                monthly_use_held(**read) if since is None else {},
            )
            if "meter_usage" in covered
            else [],
            _("None on file.") if "meter_usage" in covered else _(NOT_COVERED),
            _("Your hourly meter readings can be downloaded in My account (My usage, Green Button)."),
        ),
        Section(
            _("The reads of your meters' dials we hold"),
            [_("Service"), _("Meter"), _("Day"), _("Reading"), _("Kind of read")],
            register_read_rows(_json_or_empty(current.get("meter_usage", "")))
            if "meter_usage" in covered
            else [],
            _("None on file.") if "meter_usage" in covered else _(NOT_COVERED),
        ),
    ]
    # What is kept of a category as records (the bills, the ledger, agreements…), each table in words.
    new_since = timezone.localdate(since) if since else None
    sections += [
        Section(table.title, table.headers, [r.words for r in table.records], _("None."))
        for c in policy.categories.values()
        if c.key in covered
        for table in (t.since(new_since) for t in records_held(category=c.key, **read))
        if table.records
    ]
    sections.append(
        Section(
            _("Messages, letters and documents"),
            [_("What"), _("Kind")],
            [
                [
                    document_label(d.ref, d.filename, "" if d.ref in outside else d.text),
                    kind_in_words(d.media_type),
                ]
                for d in documents
            ],
            _("None.") if "correspondence" in covered else _(NOT_COVERED),
        )
    )
    accesses = [
        e
        for e in who_has_seen(
            customer_id=request.customer_id, fetched_by=actor, limit=None, oldest_first=True
        )
        if e.decision == "allow" and (since is None or e.at > since)
    ]
    sections.append(
        Section(
            _("Who has seen or changed your data"),
            [_("When"), _("Who"), _("Why"), _("What")],
            [
                [
                    _fmt(seen.event.at),
                    seen.who,
                    seen.why,
                    ", ".join(
                        label(policy.categories[c].field)
                        for c in seen.event.category_list
                        if c in policy.categories
                    ),
                ]
                for seen in seen_in_words(accesses, you=True)
            ],
            _("Nobody."),
        )
    )
    sections.append(
        Section(
            _("To whom we gave your data"),
            [_("When"), _("To"), _("What"), _("Why"), _("On what basis")],
            [
                [
                    _fmt(d.disclosed_at),
                    d.recipient_name,
                    d.data_description,
                    _purpose_words(policy, d.purpose),
                    str(d.get_basis_kind_display()),
                ]
                for d in disclosures_for(request.customer_id)
            ],
            _("Nobody outside the utility."),
        )
    )
    if notices:
        sections.append(
            Section(
                _("What we told you when we collected it"),
                [_("Notice"), _("Why we asked")],
                [[_("Notice %(n)s") % {"n": n}, notice_words(key)] for key, n in notices.items()],
                "",
            )
        )
    utility = policy.utility
    rep = request.representative
    if rep is None:
        intro = _(
            "You asked on %(asked)s to see the data %(utility)s holds about you (Minnesota Government Data "
            "Practices Act, Minn. Stat. § 13.04 subd. 3). Here it is, with where each item came from, who "
            "has seen it and to whom it was given. All of it is private data on individuals."
        ) % {"asked": _fmt(request.opened_at), "utility": utility["name"]}
    else:
        # Who asked, by their authority: the answer goes to the representative, the customer is told.
        intro = _(
            "The customer's representative (%(kind)s, authority #%(authority)s) asked on %(asked)s, acting "
            "for the customer, to see the data %(utility)s holds about them (Minnesota Government Data "
            "Practices Act, Minn. Stat. § 13.04 subd. 3). This answer goes to the representative; we told "
            "the customer that they asked and that we answered. Here it is, with where each item came from, "
            "who has seen it and to whom it was given. All of it is private data on individuals."
        ) % {
            "kind": str(rep.get_kind_display()).lower(),
            "authority": rep.pk,
            "asked": _fmt(request.opened_at),
            "utility": utility["name"],
        }
    if earlier:
        intro += " " + _(
            "We showed you your data on %(shown)s (request #%(id)s). The law lets us wait six months before "
            "showing it again, unless new data was collected or a dispute is pending: this answer holds what "
            "is new since then. You may ask again for everything after %(after)s."
        ) % {
            "shown": _fmt(earlier.answered_at),
            "id": earlier.pk,
            "after": _fmt(_six_months_after(timezone.localdate(earlier.answered_at))),
        }
    if left_out := [c.in_language().label for c in policy.categories.values() if c.key not in covered]:
        intro += " " + _(
            "The authority covers only some of the customer's data: this answer holds that data and leaves "
            "out %(left_out)s. The customer may ask for all of it themself."
        ) % {"left_out": "; ".join(left_out)}
    intro += " " + _(
        "If you think something is wrong or incomplete, you may challenge it (§ 13.04 subd. 4): write to "
        "%(contact)s or use My account."
    ) % {"contact": utility["responsible_authority"]["contact"]}
    return Package(
        request_id=request.pk,
        name=everything.get("name", ""),
        mailing_address=everything.get("mailing_address", ""),
        subject=_("The data we hold about you (request #%(id)s)") % {"id": request.pk},
        intro=intro,
        sections=sections,
        repeat_of=earlier.pk if earlier else None,
        carries=sorted(covered) if request.representative_id else None,
    )


def _six_months_after(day: date) -> date:
    months = day.year * 12 + day.month - 1 + REPEAT_MONTHS
    return date(months // 12, months % 12 + 1, min(day.day, 28))


@transaction.atomic
def data_request_answer(*, request: CustomerRequest, by, client_ip: str = "") -> CustomerRequest:
    """Answer a verified data access request: the package as a letter through the outbox (its text sealed as
    the customer's correspondence, shown in the portal), the request answered and closed."""
    _check_owner(request, by)
    if request.status != RequestStatus.OPEN:
        raise RequestError("this request is already closed")
    # The letter is written in the language of whoever asked: the customer, or their representative.
    with in_language_of(reader_of(request)):
        package = package_build(actor=staff_actor(by), request=request, client_ip=client_ip)
    # To whoever asked (`recipients`): the representative's kept for her as the customer's correspondence,
    # which the customer reads all of under their requests, and is told of.
    message = letter_on_request(
        request=request,
        template="data_request_answer",
        context={"package": package},
        carries=package.carries,
        by=by,
        answers=True,
    )
    request_answered(request=request, message=message, by=by)
    if package.repeat_of:
        RequestEvent.objects.create(
            request=request,
            by=by,
            action=ANSWERED_AS_REPEAT,
            reason=f"new since request #{package.repeat_of}",
        )
    request_close(
        request=request,
        by=by,
        reason=f"answered by letter #{message.pk}"
        + (f" (what is new since request #{package.repeat_of})" if package.repeat_of else ""),
    )
    return request


def repeat_of(request: CustomerRequest) -> CustomerRequest | None:
    """The earlier answer a data access request would be a repeat of (None: it is answered in full)."""
    if request.kind != RequestKind.DATA_ACCESS or request.status != RequestStatus.OPEN:
        return None
    return _earlier_answer(request)


@transaction.atomic
def data_request_in_full(*, request: CustomerRequest, by, reason: str) -> CustomerRequest:
    """The privacy officer decides that a repeat within six months is answered in full anyway (the law lets
    us wait, it does not forbid answering): the reason on the request's history, the decision in the access
    log in the same transaction; the answer then holds everything."""
    if not reviews_access(services_of(by)):
        raise RequestError("only the privacy officer decides to answer a repeat request in full")
    _check_owner(request, by)
    earlier = repeat_of(request)
    if earlier is None:
        raise RequestError("this request is not a repeat within six months: it is answered in full already")
    if len(reason.strip()) < 10:
        raise RequestError("say why this repeat is answered in full (a sentence, kept on the request)")
    RequestEvent.objects.create(request=request, by=by, action=IN_FULL, reason=reason.strip()[:1000])
    staff_change_append(
        Action.REPEAT_ANSWERED_IN_FULL,
        by=by,
        customer_ids=[request.customer_id],
        # The reason stays on the request (it may name the person); the log says what was decided.
        reason=f"repeat of request #{earlier.pk} within six months answered in full (reason on the request)",
        request_id=str(request.pk),
    )
    return request
