"""Accuracy challenges (Minn. Stat. § 13.04 subd. 4): within 30 days either correct the data and notify
past recipients (and any the customer names), or explain why the data is correct; meter readings are
challenged too (a re-read by field services, or a billing adjustment). Every outcome reaches the customer as
a letter through the outbox, with the right to appeal to the Commissioner of Administration; a customer who
still disagrees has a statement of disagreement kept with the data (`disagreement_keep`), which goes with
every later disclosure of it. Correction notices go out: by e-mail through the outbox where the recipient's
address is one, otherwise printed and posted by staff (`correction_notice_posted`), each with its date; the
request closes when the last one is out. Data is corrected only for a person verified as the customer, and a
new e-mail address goes on file only once it confirms itself (`custodian.casework.email_confirmation`); the
e-mail address and the mailing address are corrected only for a person verified by photo ID or the customer's
own sign-in (`custodian.casework.identity.PROVES_A_CHANNEL`).

One module on purpose, some 470 lines: a challenge's answer, its letter, the notices to past
recipients and the statement of disagreement are steps of one procedure that share its rules (the 30 days,
who may decide, what is told to whom); split, each part would import the others'."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.audit.actions import Action
from custodian.casework.choices import RequestKind, RequestStatus
from custodian.casework.correctable import (
    CONTACT_CHANNELS,
    NOT_ON_A_LIMITED_ACCOUNTS_WORD,
    NamedRecipient,
    answered_already,
    corrected_value,
    named_recipient_problem,
)
from custodian.casework.email_confirmation import email_confirmation_ask
from custodian.casework.identity import BILL_PROVES_NOTHING_HERE, channel_change_refused, from_limited_account
from custodian.casework.models import CustomerRequest, RequestEvent
from custodian.casework.recipients import answered_to, letter_on_request, reader_of, request_answered
from custodian.casework.services import RequestError, request_close, request_hand_off, staff_change_append
from custodian.disclosures.models import CorrectionNotice
from custodian.disclosures.selectors import past_recipients
from custodian.disclosures.services import AccountingError, disagreement_record
from custodian.outbox.services import in_language_of, message_send
from custodian.policy.loader import current_policy
from custodian.staff.selectors import services_of
from custodian.textlist import comma_items
from custodian.vault.gate import Denied, reveal, staff_actor
from custodian.vault.masking import masked
from custodian.vault.models import PersonalValue
from custodian.vault.services import Submission, personal_data_record

# Minn. Stat. § 13.04 subd. 4(a); Minn. R. 1205.1600: the appeal goes to the Commissioner of Administration.
# The letters' words are composed in the customer's language (`in_language_of`), hence lazy here.
APPEAL = gettext_lazy(
    "If you disagree with this decision you may appeal it to the Commissioner of Administration under the "
    "Minnesota Government Data Practices Act (Minn. Stat. § 13.04 subd. 4; Minn. R. 1205.1600): write to the "
    "Data Practices Office of the Minnesota Department of Administration, St. Paul, within 60 days of this "
    "letter, enclosing a copy of it."
)
# What the service that re-read the meter or reviewed the bill found, as the result letter says it.
METER_RESULTS = {
    "confirmed": gettext_lazy("We checked the readings you challenged and found them accurate"),
    "corrected": gettext_lazy("We found the readings you challenged were wrong and have corrected them"),
}
METER_OUTCOMES = {
    "reread": ("field_services", gettext_lazy("Field services will read your meter again and check it")),
    "adjustment": ("billing", gettext_lazy("Billing will adjust your bill for the readings in question")),
}
EMAIL_LINK_SENT = gettext_lazy(
    "We e-mailed a link to the new e-mail address you gave us. It becomes your e-mail address on file once "
    "you open the link and confirm, within 48 hours; until then we keep writing to the address on file, and "
    "we tell it of the change when you confirm."
)
# Those the customer names are told of data put right; a new e-mail address is not on file until it confirms.
NAMED_NOT_TOLD_OF_AN_ADDRESS_WAITING = (
    "A new e-mail address goes on file only once it confirms itself, so nobody is told of it now: apply the "
    "correction without the people named, and tell them once the customer has confirmed it (a new request)."
)
NOT_VERIFIED = (
    "The person is not verified as the customer: nothing is corrected on their word. Verify them first "
    "(the account number and a figure from the bill, a fact from the bill, or photo ID at the counter), then "
    "apply the correction."
)
DISAGREE_FOLLOW_UP = gettext_lazy(
    "If you still disagree, you may send us a statement of disagreement (in My account, under My requests, "
    "or by letter). We keep it with the data and include it whenever we disclose that data."
)


def _check(request: CustomerRequest, by) -> None:
    """In the caller's transaction: the request's row locked and its state read again, so two answers sent
    at once (a double click, two members of staff) can't both pass while it is open and send two letters."""
    current = CustomerRequest.objects.select_for_update().only("status", "owning_service").get(pk=request.pk)
    request.status, request.owning_service = current.status, current.owning_service
    if request.kind != RequestKind.CORRECTION or request.status != RequestStatus.OPEN:
        raise RequestError("only an open correction request can be answered this way")
    if request.owning_service not in services_of(by):
        raise RequestError("only the service that owns the request can answer it")


@transaction.atomic
def correction_apply(
    *,
    request: CustomerRequest,
    by,
    values: dict[str, str],
    named: list[NamedRecipient] = (),
    note: str = "",
    confirm_url=None,
) -> list[CorrectionNotice]:
    """Store the corrected values (provenance: the customer's challenge, recorded by `by`), notify every
    past recipient of those categories from the disclosure accounting and everyone the customer named,
    and close the request. Returns the notices. Refused (RequestError) before the person is verified as the
    customer. A new e-mail address is not stored here: it is sent a link (`confirm_url(token, language)`
    builds it) and goes on file once confirmed from that inbox (custodian.casework.email_confirmation)."""
    _check(request, by)
    answered_already(request)
    policy = current_policy()
    values = {f: v for f, v in values.items() if v is not None and str(v).strip()}
    if not values:
        raise RequestError("a correction needs at least one corrected value")
    # Each value as its own form field keeps it; a record made elsewhere is refused with where it is made.
    values = {f: corrected_value(f, str(v)) for f, v in values.items()}
    if from_limited_account(request) and CONTACT_CHANNELS & set(values):
        raise RequestError(NOT_ON_A_LIMITED_ACCOUNTS_WORD)
    # Nothing is changed on the word of someone not verified as the customer, as nothing is released to them
    # (a name, an address or an e-mail address on file decides where bills, codes and sign-up links go); for a
    # request sent from a limited online account only photo ID verifies (custodian.casework.identity).
    if not request.is_verified:
        raise RequestError(BILL_PROVES_NOTHING_HERE if from_limited_account(request) else NOT_VERIFIED)
    # Where the sign-up link and the mailed code go is changed only on the strongest proof: the bill's figures
    # that verified the person are held by anyone holding the bill (custodian.casework.identity).
    if refused := channel_change_refused(request, values):
        raise RequestError(refused)
    for r in named:
        if problem := named_recipient_problem(r.name, r.address):
            raise RequestError(f"{r.name or 'A recipient the customer named'}: {problem}")
    label = by.get_full_name() or by.get_username()
    new_email = values.pop("email", "")
    if new_email and named and not values:
        raise RequestError(NAMED_NOT_TOLD_OF_AN_ADDRESS_WAITING)
    link_sent = bool(new_email) and email_confirmation_ask(
        customer=request.customer,
        email=new_email,
        confirm_url=confirm_url,
        recorded_by_label=f"{label} (correction request #{request.pk})",
    )
    if not values and not link_sent:
        raise RequestError("That is the e-mail address on file already: nothing to correct.")
    categories = {policy.category_for_field(f) for f in values}
    # A corrected value is the same data, put right: it keeps the notice it was collected under (the
    # purposes it may be read for do not change), and says it came from the customer's challenge.
    collected = PersonalValue.objects.filter(
        customer_id=request.customer_id, field__in=list(values), superseded_at__isnull=True
    ).values_list("field", "provenance__notice_key", "provenance__notice_version")
    notice_of = {f: (key, version) for f, key, version in collected if key}
    fallback = (current_policy().notice_at("staff_intake", RequestKind.CORRECTION).key, "")
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for f, v in values.items():
        groups.setdefault(notice_of.get(f, fallback), {})[f] = v
    for (notice_key, notice_version), part in groups.items():
        submission = Submission(
            channel=request.channel,
            notice_key=notice_key,
            notice_version=notice_version,
            recorded_by=by,
            recorded_by_label=label,
            note=f"correction request #{request.pk}",
        )
        personal_data_record(customer=request.customer, values=part, submission=submission)
    notices = [
        CorrectionNotice(
            request=request,
            customer=request.customer,
            recipient_name=name,
            recipient_address=address,
            categories=",".join(sorted(cats)),
            source="accounting",
        )
        for name, address, cats in past_recipients(request.customer_id, categories)
    ]
    notices += [
        CorrectionNotice(
            request=request,
            customer=request.customer,
            recipient_name=r.name.strip(),
            recipient_address=r.address.strip(),
            categories=",".join(sorted(categories)),
            source="customer",
        )
        for r in named
    ]
    CorrectionNotice.objects.bulk_create(notices)
    labels = ", ".join(policy.categories[c].label for c in sorted(categories))
    name = _name_of(request, by)
    for notice in CorrectionNotice.objects.filter(request=request):
        if "@" in notice.recipient_address:
            _notice_email(notice, name=name, labels=labels, values=values, by=by)
    with in_language_of(reader_of(request)):
        letter = _outcome_letter(request, by, **_corrected_words(categories, len(notices), link_sent))
    done = [f"corrected {', '.join(sorted(categories))}"] if categories else []
    done += ["a link sent to the new e-mail address, on file once it confirms"] if link_sent else []
    RequestEvent.objects.create(request=request, by=by, action="corrected", reason=note or "; ".join(done))
    # On the request as a data request's answer is: My requests shows it answered, with the letter, even
    # while printed notices to past recipients are still to be posted.
    request_answered(request=request, message=letter, by=by)
    _close_when_notified(request, by, note or "; ".join(done))
    return notices


def _corrected_words(categories, notices: int, link_sent: bool) -> dict[str, str]:
    """The letter's outcome and follow-up, in the active language (its reader's): the data corrected, by
    the policy file's labels (the notices to past recipients are in English: they are not sent to customers),
    and a new e-mail address waiting for its confirmation."""
    outcome = (
        [_("We corrected the data you challenged: %(labels)s.") % {"labels": _labels_in_language(categories)}]
        if categories
        else []
    )
    outcome += [str(EMAIL_LINK_SENT)] if link_sent else []
    if not categories:
        follow_up = ""
    elif notices:
        told = _("We are telling %(count)s recipient(s) who received it before, and anyone you named.")
        follow_up = told % {"count": notices}
    else:
        follow_up = _("Nobody outside the utility received it before, so nobody else needs to be told.")
    return {"outcome": " ".join(outcome), "follow_up": follow_up}


def _labels_in_language(categories) -> str:
    """The data categories by the policy file's labels, in the active language (the letter's reader's)."""
    policy = current_policy()
    return ", ".join(policy.categories[c].in_language().label for c in sorted(categories))


def _name_of(request: CustomerRequest, by) -> str:
    try:
        return reveal(
            actor=staff_actor(by),
            customer_id=request.customer_id,
            fields=["name"],
            purpose="legal_obligations",
            request_id=request.pk,
        ).get("name", "")
    except Denied:
        return ""


def _notice_email(notice: CorrectionNotice, *, name: str, labels: str, values: dict, by) -> None:
    message_send(
        to_address=notice.recipient_address,
        template="correction_notice",
        context={
            "recipient": notice.recipient_name,
            "customer": name,
            "labels": labels,
            # A notice is a letter: bank details by their last four digits (custodian.vault.masking).
            "values": masked(values),
            "utility": current_policy().utility,
        },
        to_customer=notice.customer,
        sent_by=by,
        regarding=f"request:{notice.request_id}",
    )
    notice.sent_at = timezone.now()
    notice.save(update_fields=["sent_at"])
    _notice_logged(notice, by, "by e-mail")


def _notice_logged(notice: CorrectionNotice, by, how: str) -> None:
    staff_change_append(
        Action.CORRECTION_NOTICE_SENT,
        by=by,
        customer_ids=[notice.customer_id],
        categories=notice.category_list,
        reason=f"correction notice {notice.pk} to a past recipient, {how}",
        request_id=str(notice.request_id),
    )


def _close_when_notified(request: CustomerRequest, by, reason: str) -> None:
    """The request closes when every notice is out; until then it stays open for the privacy officer to post
    the printed ones (and to read what they need for it, under the request)."""
    waiting = CorrectionNotice.objects.filter(request=request, sent_at__isnull=True).count()
    if waiting:
        RequestEvent.objects.create(
            request=request, by=by, action="notices_due", reason=f"{waiting} notice(s) to post"
        )
    else:
        request_close(request=request, by=by, reason=reason)


@transaction.atomic
def correction_notice_posted(*, notice: CorrectionNotice, by) -> CorrectionNotice:
    """A printed correction notice was posted: its date, on the record; the request closes after the last."""
    request = notice.request
    if request.owning_service not in services_of(by):
        raise RequestError("only the service that owns the request can record its notices")
    if notice.sent_at is not None:
        raise RequestError("this notice was sent already")
    notice.sent_at = timezone.now()
    notice.save(update_fields=["sent_at"])
    _notice_logged(notice, by, "posted")
    if request.status == RequestStatus.OPEN:
        _close_when_notified(request, by, "every correction notice sent")
    return notice


def _outcome_letter(
    request: CustomerRequest,
    by,
    *,
    outcome: str,
    follow_up: str,
    disagree: bool = False,
    template: str = "correction_outcome",
    answers: bool = True,
):
    """The outcome of an accuracy challenge, with the right to appeal, to whoever made it by the rule of every
    message on a request (`recipients.letter_on_request`: the customer by letter, or their representative who
    made it); its words composed in that reader's language (`recipients.reader_of`). `answers`: the
    challenge's answer, not a step on the way. The letter on the outbox's record."""
    rep = answered_to(request)
    return letter_on_request(
        request=request,
        template=template,
        context={
            "request_id": request.pk,
            # Her letter says she challenged the customer's data, acting for them, not "data about you".
            "acting_for": _("%(kind)s, authority #%(authority)s")
            % {"kind": str(rep.get_kind_display()).lower(), "authority": rep.pk}
            if rep is not None
            else "",
            "outcome": outcome,
            "follow_up": follow_up,
            "disagree": disagree,
            "appeal": str(APPEAL),
            "utility": current_policy().utility,
        },
        by=by,
        answers=answers,
    )


@transaction.atomic
def correction_decline(*, request: CustomerRequest, by, explanation: str, categories=()) -> CustomerRequest:
    """The data is accurate and complete: the customer gets the explanation by letter, with the right to
    appeal and to have a statement of disagreement kept with the data (`categories`: what was in dispute)."""
    _check(request, by)
    answered_already(request)
    if len(explanation.strip()) < 20:
        raise RequestError("explain to the customer why the data is correct (at least a sentence)")
    policy = current_policy()
    cats = sorted(set(categories))
    if not cats or any(c not in policy.categories for c in cats):
        raise RequestError("say which data the customer challenged")
    with in_language_of(reader_of(request)):
        letter = _outcome_letter(
            request,
            by,
            outcome=_(
                "We checked the data you challenged (%(labels)s) and found it accurate and complete: %(why)s"
            )
            % {"labels": _labels_in_language(cats), "why": explanation.strip()},
            follow_up=str(DISAGREE_FOLLOW_UP),
            disagree=True,
        )
    RequestEvent.objects.create(request=request, by=by, action="disputed", reason=",".join(cats))
    request_answered(request=request, message=letter, by=by)
    return request_close(request=request, by=by, reason=f"data is correct: {explanation.strip()}")


def disputed_categories(request: CustomerRequest) -> list[str]:
    """What a declined challenge was about (empty: the challenge was not declined)."""
    event = request.history.filter(action="disputed").order_by("-at").first()
    return comma_items(event.reason) if event else []


@transaction.atomic
def disagreement_keep(*, request: CustomerRequest, statement: str, submission: Submission):
    """Keep the customer's statement of disagreement with the data of a declined challenge."""
    cats = disputed_categories(request)
    if request.kind != RequestKind.CORRECTION or not cats:
        raise RequestError(
            _("a statement of disagreement follows a challenge we answered by keeping the data")
        )
    try:
        return disagreement_record(
            customer_id=request.customer_id,
            request_id=request.pk,
            categories=cats,
            statement=statement,
            submission=submission,
        )
    except AccountingError as exc:
        raise RequestError(str(exc)) from None


@transaction.atomic
def meter_challenge_route(*, request: CustomerRequest, by, outcome: str, note: str) -> CustomerRequest:
    """A challenge of meter readings: a re-read (field services) or a billing adjustment (billing). The
    request goes to that service with the reason, and the customer is told by letter what happens next."""
    _check(request, by)
    answered_already(request)
    if outcome not in METER_OUTCOMES:
        raise RequestError("a meter reading challenge goes to a re-read or a billing adjustment")
    if len(note.strip()) < 10:
        raise RequestError("say which readings are in question and why")
    service, what = METER_OUTCOMES[outcome]
    with in_language_of(reader_of(request)):
        _outcome_letter(
            request,
            by,
            outcome=_("You challenged your meter readings. %(what)s: %(note)s")
            % {"what": what, "note": note.strip()},
            follow_up=_("You can follow the request under My requests in My account."),
            answers=False,
        )
    RequestEvent.objects.create(request=request, by=by, action="meter_challenge", reason=f"{outcome}: {note}")
    return request_hand_off(
        request=request, to_service=service, reason=f"meter challenge, {str(what).lower()}", by=by
    )


def meter_challenge_routed(request: CustomerRequest) -> bool:
    """A challenge of meter readings that was sent to a re-read or a billing adjustment."""
    return (
        request.kind == RequestKind.CORRECTION and request.history.filter(action="meter_challenge").exists()
    )


@transaction.atomic
def meter_challenge_result(*, request: CustomerRequest, by, result: str, findings: str) -> CustomerRequest:
    """The service that re-read the meter (or adjusted the bill) closes the challenge: the customer gets the
    result by letter with the right to appeal; readings found accurate may have a statement of disagreement
    kept with them. The result is an event in the access log, in the same transaction as the letter."""
    _check(request, by)
    if not meter_challenge_routed(request):
        raise RequestError("only a meter reading challenge sent to a re-read or an adjustment has a result")
    if result not in METER_RESULTS:
        raise RequestError("the result is that the readings were accurate, or that they were corrected")
    if len(findings.strip()) < 10:
        raise RequestError("say what the re-read or the review found (sent to the customer)")
    confirmed = result == "confirmed"
    with in_language_of(reader_of(request)):
        letter = _outcome_letter(
            request,
            by,
            outcome=f"{METER_RESULTS[result]}: {findings.strip()}",
            follow_up=str(DISAGREE_FOLLOW_UP)
            if confirmed
            else _(
                "Any bill that used the wrong readings will be corrected, and the correction shown on your "
                "next bill."
            ),
            disagree=confirmed,
            template="meter_challenge_result",
        )
    RequestEvent.objects.create(request=request, by=by, action="meter_result", reason=result)
    request_answered(request=request, message=letter, by=by)
    if confirmed:
        RequestEvent.objects.create(request=request, by=by, action="disputed", reason="meter_usage")
    staff_change_append(
        Action.METER_CHALLENGE_RESULT,
        by=by,
        customer_ids=[request.customer_id],
        categories=["meter_usage"],
        reason=f"meter reading challenge: readings {result}",
        request_id=str(request.pk),
    )
    return request_close(request=request, by=by, reason=f"meter readings {result}: {findings.strip()}")
