"""Reads of the outbound record: for IT's console page and readiness (no text), and for the customer (the
text, read back through the gate)."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy

from custodian.outbox.carried import headers_within, left_out, reader_within
from custodian.outbox.models import OutboundMessage, Status
from custodian.outbox.services import (
    FOR_THE_REPRESENTATIVE,
    MAILED_INSTEAD,
    content_parse,
    printed_ref,
    text_ref,
)
from custodian.vault.gate import reveal_documents

OUTBOX_REF = re.compile(r"outbox:\d+:(text|printed)")
# The status of a letter kept in My account on a request the customer's representative made, as its kept
# text's `To` line says: not the paperless billing the status's own words name, which the customer may never
# have chosen.
KEPT_FOR_THE_REPRESENTATIVE = gettext_lazy(
    "In My account, for the representative who made the request: not mailed"
)


def letters_since(*, customer_id: int, template: str, since) -> int:
    """How many letters of `template` were written to the customer since `since` (mailed or waiting)."""
    return sent_since(customer_id=customer_id, template=template, since=since, channel="letter")


def sent_since(*, customer_id: int, template: str, since, channel: str) -> int:
    """How many messages of `template` went to the customer by `channel` since `since` (sent or waiting)."""
    return OutboundMessage.objects.filter(
        to_customer_id=customer_id, template=template, channel=channel, created_at__gte=since
    ).count()


def recent_messages(limit: int = 100):
    return OutboundMessage.objects.select_related("sent_by").order_by("-created_at", "-pk")[:limit]


def delivery_counts(*, since_hours: int = 24) -> dict[str, int]:
    since = timezone.now() - timedelta(hours=since_hours)
    rows = OutboundMessage.objects.filter(created_at__gte=since).values("status").annotate(n=Count("pk"))
    counts = {s: 0 for s in Status.values}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def messages_to_customer(customer_id: int):
    return OutboundMessage.objects.filter(to_customer_id=customer_id).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class SentMessage:
    """A message as its recipient sees it: the record and, read through the gate, its text."""

    id: int
    channel: str
    channel_label: str
    created_at: object
    status: str
    status_label: str
    delivered_at: object
    bounced_at: object
    subject: str
    body: str
    to: str
    has_printed_copy: bool
    text_held: bool
    # A letter that was to wait in My account, mailed because the e-mail telling of it was not delivered.
    mailed_instead: bool = False
    # The data categories it carries that the reader's authority does not cover: listed, its words not shown;
    # and the page's sentence saying so (`portal.access.NotCovered`), which a page sets.
    left_out: tuple[str, ...] = ()
    not_covered: str = ""


def sent_to_customer(
    *, actor, customer_id: int, purpose: str = "legal_obligations", client_ip: str = "", only=None
):
    """Every message the utility sent the customer, newest first, with its text read back through the gate
    (one access event): for the customer in the portal, and for a data request's answer. A representative
    reads the words of those within their authority (`custodian.outbox.carried`); the others are listed with
    what they carry that the authority leaves out, their subject, words and address not shown. `only`: the
    ids of the messages to read, none other opened (the messages on the requests a representative made)."""

    records = list(messages_to_customer(customer_id))
    if only is not None:
        records = [m for m in records if m.pk in set(only)]
        if not records:
            return []
    refs = None if only is None else [r(m.pk) for m in records for r in (text_ref, printed_ref)]
    documents = {
        d.ref: d
        for d in reveal_documents(
            actor=actor,
            customer_id=customer_id,
            category="correspondence",
            ref_prefix="outbox:",
            refs=refs,
            purpose=purpose,
            client_ip=client_ip,
        )
    }
    within = reader_within(actor)
    out = []
    for m in records:
        outside = tuple(left_out(m, within))
        document = None if outside else documents.get(text_ref(m.pk))
        kept, body = content_parse(document.text) if document else ({}, "")
        headers = headers_within(kept, kept.get("Channel", ""), within)
        for_the_representative = m.status == Status.ONLINE and kept.get("To") == FOR_THE_REPRESENTATIVE
        out.append(
            SentMessage(
                id=m.pk,
                channel=m.channel,
                channel_label=m.get_channel_display(),
                created_at=m.created_at,
                status=m.status,
                status_label=str(KEPT_FOR_THE_REPRESENTATIVE)
                if for_the_representative
                else m.get_status_display(),
                delivered_at=m.delivered_at,
                bounced_at=m.bounced_at,
                subject=headers.get("Subject", ""),
                body=body,
                to=headers.get("To", ""),
                has_printed_copy=printed_ref(m.pk) in documents and not left_out(m, within, printed=True),
                text_held=document is not None,
                mailed_instead=m.failure == MAILED_INSTEAD,
                left_out=outside,
            )
        )
    return out


def printed_letter(*, actor, customer_id: int, message_id: int, client_ip: str = "") -> bytes | None:
    """The PDF of a letter as it was printed and posted, read through the gate; None if there is none, or if
    what it carries is outside a representative's authority (`printed_left_out` says what)."""

    message = OutboundMessage.objects.filter(pk=message_id, to_customer_id=customer_id).first()
    if message is None or left_out(message, reader_within(actor), printed=True):
        return None
    ref = printed_ref(message_id)
    docs = reveal_documents(
        actor=actor,
        customer_id=customer_id,
        category="correspondence",
        refs=[ref],
        purpose="legal_obligations",
        client_ip=client_ip,
    )
    return next((d.content for d in docs if d.ref == ref), None)


def printed_left_out(*, actor, customer_id: int, message_id: int) -> list[str]:
    """What a letter's printed copy carries that the reader's authority leaves out (none: they may read
    it)."""
    message = OutboundMessage.objects.filter(pk=message_id, to_customer_id=customer_id).first()
    return left_out(message, reader_within(actor), printed=True) if message else []


def letters_left_out(*, within, customer_id: int, refs) -> dict[str, list[str]]:
    """For the sealed texts and printed copies of letters among `refs`, what each carries that `within` (a
    representative's categories: `carried.reader_within`; None for every one) leaves out, by reference (the
    download of everything and a data request's answer list those, not their words)."""
    letters = {ref: int(ref.split(":")[1]) for ref in refs if OUTBOX_REF.fullmatch(ref)}
    if within is None or not letters:
        return {}
    by_pk = OutboundMessage.objects.filter(pk__in=letters.values(), to_customer_id=customer_id).in_bulk()
    return {
        ref: left_out(by_pk.get(pk), within, printed=ref.endswith(":printed")) for ref, pk in letters.items()
    }
