"""Notification of new data (ESPI function block 39): when new readings of a customer are stored, each third
party the customer authorised (a standing authorisation, the third party approved, a notify URI
registered) is sent an ESPI BatchList naming the subscription's resource URI, and it fetches the data with
its token as usual. The body holds that URI and nothing else: no reading, name or meter.

An outbox: the notification is a row queued in the transaction that learns of the new readings; once it
commits, the background worker posts it (`notifications_deliver`), and the `connect_notify` job every few
minutes posts what is due again (a failure waits longer each time, up to MAX_ATTEMPTS, then is given up).
Each attempt's answer is kept on the row. An authorisation revoked or ended, or a third party suspended,
before the post: nothing is posted (the row says so)."""

import http.client
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from lxml import etree

from custodian.connect.models import Authorization, Notification
from custodian.connect.outbound import NotPublic, post
from custodian.connect.resources import RESOURCE_ROOT
from custodian.connect.selectors import authorization_standing
from custodian.usage.espi import ESPI_NS
from custodian.vault.choices import METER_READINGS

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_WAIT = timedelta(minutes=5)  # then 15, 45, 135 and 405 minutes: about ten hours in all
TIMEOUT_SECONDS = 10


def batch_list(resources: list[str]) -> bytes:
    """An ESPI BatchList of resource URIs."""
    root = etree.Element(f"{{{ESPI_NS}}}BatchList", nsmap={None: ESPI_NS})
    for uri in resources:
        etree.SubElement(root, f"{{{ESPI_NS}}}resources").text = uri
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def subscription_uri(authorization: Authorization) -> str:
    root = settings.CUSTODIAN_CONNECT_BASE_URL.rstrip("/")
    return f"{root}{RESOURCE_ROOT}Batch/Subscription/{authorization.pk}"


def notifications_queue(*, customer_id: int, channel: str = "", **_) -> list[Notification]:
    """Receiver of `usage.signals.readings_imported`: a notification for each authorisation of the customer
    that stands and whose approved third party registered a notify URI, unless one is already waiting for
    it (the third party fetches everything new with one). Posted once the caller's transaction commits.
    Readings the third parties are not served (a Green Button file's: not `METER_READINGS`) are no new data
    of theirs: nobody is told."""
    if channel not in METER_READINGS:
        return []
    queued = []
    with transaction.atomic():
        authorizations = Authorization.objects.select_related("consent__revocation", "third_party").filter(
            customer_id=customer_id
        )
        for authorization in authorizations:
            third_party = authorization.third_party
            if not (
                third_party.approved and third_party.notify_uri and authorization_standing(authorization)
            ):
                continue
            waiting = Notification.objects.filter(
                authorization=authorization, status=Notification.Status.PENDING
            )
            if waiting.exists():
                continue
            queued.append(
                Notification.objects.create(authorization=authorization, next_attempt_at=timezone.now())
            )
        if queued:
            transaction.on_commit(notifications_deliver.enqueue)
    return queued


def _post(uri: str, body: bytes) -> str | None:
    """Post the list; None when the third party answered 2xx, else what went wrong (no body, no header)."""
    try:
        status = post(uri, body, content_type="application/xml", timeout=TIMEOUT_SECONDS)
    except NotPublic as error:
        return f"not posted: {error}"[:200]
    except (OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", error)
        return f"{type(error).__name__}: {reason}"[:200]
    return None if 200 <= status < 300 else f"HTTP {status}"


def _attempt(notification: Notification, now) -> None:
    authorization = notification.authorization
    third_party = authorization.third_party
    if not (third_party.approved and third_party.notify_uri and authorization_standing(authorization)):
        notification.status, notification.next_attempt_at = Notification.Status.DROPPED, None
        notification.outcome = "not posted: the authorisation or the third party's approval ended"
        return
    notification.attempts += 1
    notification.last_attempt_at = now
    failure = _post(third_party.notify_uri, batch_list([subscription_uri(authorization)]))
    if failure is None:
        notification.status, notification.delivered_at = Notification.Status.SENT, now
        notification.next_attempt_at, notification.outcome = None, "posted"
        return
    notification.outcome = failure[:200]
    if notification.attempts >= MAX_ATTEMPTS:
        notification.status, notification.next_attempt_at = Notification.Status.FAILED, None
    else:
        notification.next_attempt_at = now + FIRST_WAIT * (3 ** (notification.attempts - 1))
    log.warning(
        "new-data notification not delivered",
        extra={
            "notification_id": notification.pk,
            "third_party_id": third_party.pk,
            "status": notification.status,
        },
    )


@dataclass
class NotifyReport:
    sent: int = 0
    waiting: int = 0
    failed: int = 0
    dropped: int = 0

    def __str__(self) -> str:
        return (
            f"{self.sent} new-data notifications posted, {self.waiting} to try again, "
            f"{self.failed} given up, {self.dropped} not posted (authorisation ended)"
        )


def notifications_send(*, now=None, limit: int = 200) -> NotifyReport:
    """Post the notifications that are due, each in its own transaction with its row locked (two workers
    never post one twice); safe to run at any time."""
    now = now or timezone.now()
    report = NotifyReport()
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("authorization__third_party", "authorization__consent__revocation")
                .get(pk=pk)
            )
            if notification.status != Notification.Status.PENDING:
                continue  # another worker took it
            _attempt(notification, now)
            notification.save(
                update_fields=[
                    "status",
                    "attempts",
                    "next_attempt_at",
                    "last_attempt_at",
                    "outcome",
                    "delivered_at",
                ]
            )
        report.sent += notification.status == Notification.Status.SENT
        report.waiting += notification.status == Notification.Status.PENDING
        report.failed += notification.status == Notification.Status.FAILED
        report.dropped += notification.status == Notification.Status.DROPPED
    return report


@task()
def notifications_deliver() -> str:
    """The background worker's run of the notifications due, queued when new ones are."""
    return str(notifications_send())
