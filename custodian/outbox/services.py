"""Sending: one way out for every message the utility writes, so every message is on the record.

- `message_send` (e-mail) and `letter_send` (a printed letter) render a template, record the message
  (recipient as a customer id and a blind index of the address, the template's key, the sender, a digest of
  the content) and seal its text in the vault as the customer's correspondence (`outbox:<id>:text`), read
  back only through the gate: by the customer in the portal, by the privacy officer in a data request's
  answer, by the outbox job to send it again.
- An e-mail goes to the mail server at once. A temporary failure (a 4xx reply, the server unreachable) is
  recorded as `retrying` and `messages_retry` (scheduled) sends it again with growing waits, up to
  CUSTODIAN_OUTBOX_MAX_ATTEMPTS; a permanent refusal (5xx) is `failed`. A failure is recorded, never raised:
  the caller's work (an enrolment, a bill run) stands, and IT sees it on the console.
- A letter is queued (a paperless customer's is kept in My account instead, never printed, and an e-mail
  says it is there: `billing.notices.letter_as_bills_go`; that e-mail failing for good, refused, every
  attempt failed or bounced, the same letter is queued to be mailed, its record saying why: one letter on
  the customer's record, not two); `letters_mail` hands every queued letter to the
  letter-mailing vendor as one encrypted export (custodian.disclosures.exports), addressed with the name and
  mailing address on file that day, accounted as a disclosure for each customer, and seals the PDF as
  printed beside the letter's text.
- A link that works once and opens someone's sign-in (a password reset, a sign-up's or a new address's
  confirmation, a representative's invitation: `ONE_TIME_LINKS`) goes only in the e-mail itself. The text
  kept as correspondence says a one-time link was there instead: whoever reads the record later (a
  representative who may see the customer's letters, staff answering a data request, the customer at a
  shared screen) can't open the sign-in with it. Such an e-mail is not sent again after a temporary
  failure (its link would no longer be in the kept text, and it expires within hours): it is `failed`, and
  the person asks again.
- A bounce (a delivery status notification, RFC 3464) or a returned letter marks the message `bounced`
  (custodian.outbox.bounces).

Message templates are plain text (autoescaping off): `outbox/<template>.subject.txt` and
`outbox/<template>.txt`; a letter uses the same two, printed under the letterhead and the address block.
A message to a customer is written in the language of whoever reads its address, by one rule
(`customers.selectors.message_language`): the language the customer chose (`Customer.language`) for an
address of theirs, else the language of the page that set the message off; the page's language for an address
only typed into it. The template of that language where there is one (`outbox/es/<template>.txt`), rendered
with Django's translations active for it, so the words the caller composed with `gettext` inside
`in_language_of(customer)` match.

One module (over 400 lines) on purpose: it is the one way out; every kind of message and every retry goes
through the same record and the same sealing, written once here.
"""

import hashlib
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from custodian.customers.models import Customer
from custodian.customers.selectors import languages_of, message_language
from custodian.disclosures.exports import LetterToMail, letters_export_run
from custodian.outbox.letters import letter_pdf
from custodian.outbox.models import Channel, OutboundMessage, Status
from custodian.policy.loader import current_policy
from custodian.vault.choices import Channel as ProvenanceChannel
from custodian.vault.gate import Denied, reveal_documents, system_actor
from custodian.vault.services import Submission, blind_index_of, document_seal

log = logging.getLogger("custodian.outbox")

OUTBOX_JOB = "outbox"
CORRESPONDENCE = "correspondence"
# The outbox reads a message back (to send it again, to address a letter) for this purpose.
OUTBOX_PURPOSE = "contacting_customers"
RETRY_FIRST_WAIT = timedelta(minutes=15)
# A letter kept in My account, queued for the mailing vendor because the e-mail telling of it failed for good.
MAILED_INSTEAD = "the e-mail saying it was in My account was not delivered: mailed instead"
# Why a letter is kept in My account rather than mailed, as the `To` line of its kept text says it (in the
# reader's words: `casework.package_words.MESSAGE_HEADER_VALUES`): the customer chose paperless billing, or it
# is on a request the customer's representative made, hers to read there (`casework.recipients`).
PAPERLESS = "My account (paperless billing)"
FOR_THE_REPRESENTATIVE = "My account (for the representative who made the request)"
KEPT_ONLINE = (PAPERLESS, FOR_THE_REPRESENTATIVE)
# The context values that are a credential: a link that works once and opens a sign-in or sets one up.
# Sent, never kept (a test holds every template's link to one of these two lists).
ONE_TIME_LINKS = frozenset({"reset_url", "confirm_url", "invite_url", "setup_url"})
# Links anyone may open (the public policy, a breach report): kept as sent.
PUBLIC_LINKS = frozenset({"policy_url", "report_url"})
ONE_TIME_LINK_KEPT = gettext_lazy("(a link that worked once: it is only in the e-mail we sent)")
# A letter's code that lifts a limit on an online account (`one_time_code` in its context): likewise only on
# the paper. The kept text says a code was there; the code is put back only into the PDF the mailing vendor
# prints, from the answer its owner registered for the letter's template (`one_time_code_register`), and
# the PDF kept as printed is drawn from the kept text.
ONE_TIME_CODE = "one_time_code"
ONE_TIME_CODE_KEPT = gettext_lazy("(a code that works once: it is only in the letter we mailed)")
_ONE_TIME_CODES: dict[str, Callable[[int], str | None]] = {}


def one_time_code_register(template: str, code_of: Callable[[int], str | None]) -> None:
    """`code_of(customer_id)`: the code a letter of `template` to that customer prints now (None: none)."""
    _ONE_TIME_CODES[template] = code_of


class UnknownTemplate(ValueError):
    pass


class OutboxError(ValueError):
    """A message that can't be sent as asked; the message says why."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def language_of(customer, *, page: str = "", typed_on_the_page: bool = False) -> str:
    """The language a message to this customer is written in (`message_language`): the one they chose, if we
    write in it, else the language of the `page` that set it off, else the site's default; for an address
    only typed on the page, the page's."""
    if customer is None or customer.pk is None or typed_on_the_page:
        return message_language(page=page, typed_on_the_page=typed_on_the_page)
    return languages_of([customer.pk], page=page)[customer.pk]


def in_language_of(customer):
    """Compose a message's words for this customer: `with in_language_of(customer): gettext(...)`."""
    return translation.override(language_of(customer))


def message_render(*, template: str, context: dict, language: str = "") -> Rendered:
    """Render the subject (folded to one line) and the body of a message template, in `language` where the
    template has that language's text (else the default's), with that language's translations active."""
    if not template.replace("_", "").isalnum():
        raise UnknownTemplate(f"not a message template: {template!r}")
    language = language or settings.LANGUAGE_CODE

    def named(suffix: str) -> list[str]:
        own = [f"outbox/{language}/{template}{suffix}"] if language != settings.LANGUAGE_CODE else []
        return [*own, f"outbox/{template}{suffix}"]

    try:
        with translation.override(language):
            subject = select_template(named(".subject.txt")).render(context)
            body = select_template(named(".txt")).render(context)
    except TemplateDoesNotExist:
        raise UnknownTemplate(f"not a message template: {template!r}") from None
    return Rendered(subject=" ".join(subject.split()), body=body)


def text_ref(message_id: int) -> str:
    return f"outbox:{message_id}:text"


def printed_ref(message_id: int) -> str:
    return f"outbox:{message_id}:printed"


def content_text(
    *, channel: str, to: str, subject: str, body: str, language: str = "", mailed_to: str = ""
) -> str:
    """The sealed form of a message: a few header lines, a blank line, the body (readable as it stands in a
    data request's answer). A message in a language other than the site's names it (the printed letter's
    date is then written in it too); a letter to an address other than the one on file names it
    (`Mailed-To`, one line)."""
    named = f"Language: {language}\n" if language and language != settings.LANGUAGE_CODE else ""
    mailed = f"Mailed-To: {' '.join(mailed_to.split())}\n" if mailed_to.strip() else ""
    return f"Channel: {channel}\nTo: {to}\nSubject: {subject}\n{named}{mailed}\n{body}"


def content_parse(text: str) -> tuple[dict[str, str], str]:
    head, _, body = text.partition("\n\n")
    headers = {}
    for line in head.splitlines():
        name, _, value = line.partition(": ")
        headers[name] = value
    return headers, body


def _digest(rendered: Rendered) -> str:
    return hashlib.sha256(f"{rendered.subject}\n\n{rendered.body}".encode()).hexdigest()


def _sender(sent_by, sent_by_job: str) -> str:
    if (sent_by is None) == (not sent_by_job):
        raise ValueError("name exactly one sender: a staff user (sent_by) or a system job (sent_by_job)")
    return sent_by.get_username() if sent_by is not None else f"system:{sent_by_job}"


def _seal(message: OutboundMessage, text: str, sent_by, label: str) -> None:
    document_seal(
        customer_id=message.to_customer_id,
        category=CORRESPONDENCE,
        ref=text_ref(message.pk),
        content=text.encode(),
        media_type="text/plain",
        # the file's name in the record's words, whatever language the message is in
        filename=f"{'e-mail' if message.channel == Channel.EMAIL else 'letter'}-{message.pk}.txt",
        submission=Submission(
            channel=ProvenanceChannel.OUTBOUND,
            notice_key="",
            recorded_by=sent_by,
            recorded_by_label=label,
            note=f"outbound {message.channel} {message.pk}",
        ),
    )
    message.content_ref = text_ref(message.pk)


def _failure(error: Exception) -> tuple[str, bool]:
    """The kind of failure and the server's reply code, never its text (it can echo the address); and whether
    it is permanent (a 5xx reply) or worth another attempt (4xx, the server unreachable, a timeout)."""
    code = getattr(error, "smtp_code", None)
    codes = [code] if isinstance(code, int) else []
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({c for c, _ in error.recipients.values()})
        code = ",".join(str(c) for c in codes)
    permanent = bool(codes) and all(500 <= c < 600 for c in codes)
    return f"{type(error).__name__}" + (f" (code {code})" if code else ""), permanent


def _deliver(
    message: OutboundMessage, *, to_address: str, subject: str, body: str, may_retry: bool = True
) -> None:
    """One attempt through Django's mailer; the outcome goes on the record (saved by the caller). Without
    `may_retry` (a one-time link's e-mail) a temporary failure is final too."""
    now = timezone.now()
    message.attempts += 1
    domain = (settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "custodian.invalid").strip("> ")
    message.message_id = make_msgid(idstring=f"outbox-{message.pk}", domain=domain)
    email = EmailMessage(
        subject=subject,
        body=body,
        to=[to_address],
        headers={"X-Custodian-Message": str(message.pk), "Message-ID": message.message_id},
    )
    try:
        email.send()
    except Exception as error:  # any failure of the mail server is recorded and reported, never raised
        text, permanent = _failure(error)
        message.failure = text[:200]
        can_retry = (
            may_retry
            and bool(message.content_ref)
            and message.attempts < settings.CUSTODIAN_OUTBOX_MAX_ATTEMPTS
        )
        if permanent or not can_retry:
            message.status, message.next_attempt_at = Status.FAILED, None
        else:
            message.status = Status.RETRYING
            message.next_attempt_at = now + RETRY_FIRST_WAIT * (2 ** (message.attempts - 1))
        log.warning(
            "message not delivered",
            extra={"message_id": message.pk, "template": message.template, "status": message.status},
        )
    else:
        message.status, message.delivered_at = Status.SENT, now
        message.next_attempt_at, message.failure = None, ""


_DELIVERY_FIELDS = ["status", "failure", "delivered_at", "attempts", "next_attempt_at", "message_id"]


def _waiting_letter_mail_instead(email: OutboundMessage) -> None:
    """An e-mail saying a letter waits in My account that failed for good leaves the customer untold: the
    same letter goes to the mailing vendor's next export (its record, not a copy), saying why. In the
    caller's transaction."""
    if email.tells_of_id is None or email.status not in (Status.FAILED, Status.BOUNCED):
        return
    OutboundMessage.objects.filter(pk=email.tells_of_id, status=Status.ONLINE).update(
        status=Status.QUEUED, delivered_at=None, failure=MAILED_INSTEAD
    )


@transaction.atomic
def message_send(
    *,
    to_address: str,
    template: str,
    context: dict,
    to_customer=None,
    sent_by=None,
    sent_by_job: str = "",
    regarding: str = "",
    page_language: str = "",
    typed_on_the_page: bool = False,
    tells_of: OutboundMessage | None = None,
    carries: list[str] | None = None,
) -> OutboundMessage:
    """Send one e-mail from a template, on the record. `sent_by` is a staff user; a system job names itself in
    `sent_by_job`. With `to_customer` the text is sealed as their correspondence (and can be sent again after
    a temporary failure). Returns the record, whose status says what the mail server did with it. In the
    language `language_of` gives: the customer's chosen one, else `page_language` (the page that sent it);
    the page's alone when `typed_on_the_page` says the address is only what was typed there. `tells_of`: the
    letter kept in My account the e-mail says is waiting, mailed if the e-mail fails for good. `carries`: the
    data categories its words hold, where not its template's (`custodian.outbox.carried`)."""
    label = _sender(sent_by, sent_by_job)
    language = language_of(to_customer, page=page_language, typed_on_the_page=typed_on_the_page)
    rendered = message_render(template=template, context=context, language=language)
    one_time = ONE_TIME_LINKS & set(context)
    kept = rendered
    if one_time:
        hidden = {**context, **dict.fromkeys(one_time, ONE_TIME_LINK_KEPT)}
        kept = message_render(template=template, context=hidden, language=language)
    address = to_address.strip()
    if not address or "@" not in address:
        raise OutboxError("an e-mail needs an address to go to")
    message = OutboundMessage.objects.create(
        channel=Channel.EMAIL,
        template=template,
        to_customer=to_customer,
        to_address_index=blind_index_of("email", address),
        regarding=regarding[:60],
        sent_by=sent_by,
        sent_by_label=label,
        content_sha256=_digest(rendered),
        tells_of=tells_of,
        carries=",".join(carries) if carries is not None else "",
    )
    if to_customer is not None:
        _seal(
            message,
            content_text(
                channel="e-mail", to=address, subject=kept.subject, body=kept.body, language=language
            ),
            sent_by,
            label,
        )
    _deliver(
        message, to_address=address, subject=rendered.subject, body=rendered.body, may_retry=not one_time
    )
    message.save(update_fields=[*_DELIVERY_FIELDS, "content_ref"])
    _waiting_letter_mail_instead(message)
    return message


@transaction.atomic
def letter_send(
    *,
    to_customer,
    template: str,
    context: dict,
    sent_by=None,
    sent_by_job: str = "",
    regarding: str = "",
    page_language: str = "",
    mailed_to: str = "",
    online: str = "",
    carries: list[str] | None = None,
    reader=None,
) -> OutboundMessage:
    """Write a letter from a template to a customer: recorded, its text sealed as their correspondence, and
    queued for the letter-mailing vendor's next export (`letters_mail`), which addresses it with the name and
    mailing address on file that day (or `mailed_to`: a former address, told that it was replaced). In the
    customer's chosen language, else `page_language` (the page that set it off), else the default
    (`language_of`). `online`: kept in My account only, never printed, and why (one of `KEPT_ONLINE`, its
    kept text's `To` line): a paperless customer's, told by e-mail (`billing.notices.letter_as_bills_go`), or
    one on a request the customer's representative made (`casework.recipients`), written in her language
    (`reader`: whose language it is written in, where not the customer's). `carries`: the data categories its
    words hold, where not its template's (`custodian.outbox.carried`)."""

    label = _sender(sent_by, sent_by_job)
    if online and online not in KEPT_ONLINE:
        raise OutboxError(f"a letter kept in My account says why: one of {', '.join(KEPT_ONLINE)}")
    if to_customer is None or not Customer.objects.filter(pk=to_customer.pk).exists():
        raise OutboxError("a letter goes to a customer on file")
    language = language_of(reader or to_customer, page=page_language)
    if ONE_TIME_CODE in context and template not in _ONE_TIME_CODES:
        raise OutboxError(f"a letter's one-time code needs its template registered: {template!r}")
    context = {**context, ONE_TIME_CODE: ONE_TIME_CODE_KEPT} if ONE_TIME_CODE in context else context
    rendered = message_render(template=template, context=context, language=language)
    message = OutboundMessage.objects.create(
        channel=Channel.LETTER,
        template=template,
        to_customer=to_customer,
        regarding=regarding[:60],
        sent_by=sent_by,
        sent_by_label=label,
        status=Status.ONLINE if online else Status.QUEUED,
        delivered_at=timezone.now() if online else None,
        content_sha256=_digest(rendered),
        carries=",".join(carries) if carries is not None else "",
    )
    # Kept in My account, its `To` line says why (not "never mailed": the e-mail telling of a paperless
    # customer's letter failing for good, the letter is mailed after all).
    to = online or ("the name and mailing address on file" if not mailed_to.strip() else "the name on file")
    _seal(
        message,
        content_text(
            channel="letter",
            to=to,
            subject=rendered.subject,
            body=rendered.body,
            language=language,
            mailed_to=mailed_to,
        ),
        sent_by,
        label,
    )
    message.save(update_fields=["content_ref"])
    return message


def _read_back(actor, message: OutboundMessage, ref: str):

    docs = reveal_documents(
        actor=actor,
        customer_id=message.to_customer_id,
        category=CORRESPONDENCE,
        refs=[ref],
        purpose=OUTBOX_PURPOSE,
        request_id=None,
    )
    return next((d for d in docs if d.ref == ref), None)


@dataclass
class RetryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def messages_retry(*, now=None, limit: int = 500) -> RetryReport:
    """Send again the e-mails whose temporary failure's wait is over: the text and address are read back from
    the sealed correspondence through the gate, as the outbox job. Safe to run at any time (the scheduler
    runs it every few minutes); each message in its own transaction."""

    now = now or timezone.now()
    report = RetryReport()
    actor = system_actor(OUTBOX_JOB)
    due = list(
        OutboundMessage.objects.filter(
            status=Status.RETRYING, channel=Channel.EMAIL, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        with transaction.atomic():
            message = OutboundMessage.objects.select_for_update().get(pk=pk)
            if message.status != Status.RETRYING:
                continue  # another worker took it
            try:
                document = _read_back(actor, message, message.content_ref)
            except Denied:
                document = None
            if document is None:  # the text is gone (destroyed under the retention schedule): nothing to send
                message.status, message.next_attempt_at = Status.FAILED, None
                message.failure = "the message's text is no longer held"
            else:
                headers, body = content_parse(document.text)
                _deliver(
                    message, to_address=headers.get("To", ""), subject=headers.get("Subject", ""), body=body
                )
            message.save(update_fields=_DELIVERY_FIELDS)
            _waiting_letter_mail_instead(message)
            report.sent += message.status == Status.SENT
            report.retrying += message.status == Status.RETRYING
            report.failed += message.status == Status.FAILED
    return report


@dataclass
class MailingReport:
    export_id: int | None = None
    mailed: int = 0
    not_addressed: list[int] = field(default_factory=list)


def letters_mail(
    *,
    vendor,
    requested_by,
    progress: Callable[[int], None] | None = None,
    progress_total: Callable[[int], None] | None = None,
) -> MailingReport:
    """Hand every queued letter to the letter-mailing vendor in one encrypted export (a disclosure: the
    privacy officer, `requested_by`, decides it); mark them sent (with the export) and seal each PDF as
    printed, in the transaction that marks the export done. A letter to a customer with no name or mailing
    address on file is marked failed, saying so. Safe to re-run: only queued letters go. Progress counts
    the letters (`letters_export_run`: `progress_total` once, then `progress` a chunk at a time)."""

    queued = list(
        OutboundMessage.objects.filter(status=Status.QUEUED, channel=Channel.LETTER)
        .order_by("pk")
        .values_list("pk", "to_customer_id", "content_ref", "template")
    )
    report = MailingReport()
    if not queued:
        return report
    utility = current_policy().utility
    today = timezone.localdate()
    templates = {pk: template for pk, _c, _r, template in queued}

    def render(letter: LetterToMail, values: dict, text: str) -> tuple[bytes, bytes]:
        """The PDF the vendor prints, and the PDF kept as printed (the same but for a one-time code)."""
        headers, body = content_parse(text)
        if headers.get("Mailed-To"):
            values["mailing_address"] = headers["Mailed-To"]  # a former address, told it was replaced
        with translation.override(headers.get("Language") or settings.LANGUAGE_CODE):

            def drawn(words: str) -> bytes:
                return letter_pdf(
                    utility=utility,
                    name=values.get("name", ""),
                    mailing_address=values.get("mailing_address", ""),
                    subject=headers.get("Subject", ""),
                    body=words,
                    dated=today,
                )

            kept = drawn(body)
            code_of = _ONE_TIME_CODES.get(templates[letter.message_id])
            code = code_of(letter.customer_id) if code_of else None
            if code and str(ONE_TIME_CODE_KEPT) in body:
                return drawn(body.replace(str(ONE_TIME_CODE_KEPT), code)), kept
            return kept, kept

    def on_done(export, printed: dict[int, bytes], unaddressed: list[int]) -> None:
        now = timezone.now()
        ids = [*printed, *unaddressed]
        by_id = {m.pk: m for m in OutboundMessage.objects.select_for_update().filter(pk__in=ids)}
        for pk, pdf in printed.items():
            message = by_id[pk]
            document_seal(
                customer_id=message.to_customer_id,
                category=CORRESPONDENCE,
                ref=printed_ref(pk),
                content=pdf,
                media_type="application/pdf",
                filename=f"letter-{pk}.pdf",
                submission=Submission(
                    channel=ProvenanceChannel.OUTBOUND,
                    notice_key="",
                    recorded_by_label=f"system:{OUTBOX_JOB}",
                    note=f"letter {pk} as printed, export {export.pk}",
                ),
            )
            message.status, message.delivered_at, message.letter_export = Status.SENT, now, export
            message.attempts += 1
            message.save(update_fields=["status", "delivered_at", "letter_export", "attempts"])
        for pk in unaddressed:
            message = by_id[pk]
            message.status, message.attempts = Status.FAILED, message.attempts + 1
            message.failure = "no name or mailing address on file"
            message.save(update_fields=["status", "attempts", "failure"])

    export = letters_export_run(
        vendor=vendor,
        letters=[LetterToMail(pk, cid, ref) for pk, cid, ref, _t in queued],
        render=render,
        on_done=on_done,
        requested_by=requested_by,
        progress=progress,
        progress_total=progress_total,
    )
    report.export_id = export.pk
    report.mailed = OutboundMessage.objects.filter(letter_export=export).count()
    report.not_addressed = list(
        OutboundMessage.objects.filter(pk__in=[q[0] for q in queued], status=Status.FAILED).values_list(
            "pk", flat=True
        )
    )
    return report


@transaction.atomic
def message_bounce_record(*, message: OutboundMessage, kind: str, code: str = "") -> OutboundMessage:
    """A message the mail server took (or a letter the vendor posted) came back undeliverable: a delivery
    status notification, or a returned envelope recorded by staff. Recorded once; the text of the report is
    not kept (it echoes the address)."""
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != Status.SENT:
        return message
    message.status, message.bounced_at = Status.BOUNCED, timezone.now()
    message.failure = (f"{kind} (code {code})" if code else kind)[:200]
    message.save(update_fields=["status", "bounced_at", "failure"])
    _waiting_letter_mail_instead(message)
    return message
