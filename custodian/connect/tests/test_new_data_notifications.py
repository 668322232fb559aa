"""Notification of new data (ESPI function block 39): new readings imported for a customer who authorised a
third party are announced to its notify URI as a BatchList naming the subscription, and nothing else;
posted by the background worker once the import commits, tried again with growing waits when the third
party does not answer, and not posted once the authorisation has ended. A local HTTP server plays the third
party."""

import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from custodian.connect.models import Authorization, Notification, ThirdParty
from custodian.connect.notifications import FIRST_WAIT, MAX_ATTEMPTS, notifications_send
from custodian.connect.services import authorization_revoke, third_party_review
from custodian.connect.tests.test_client_credentials import customer_token
from custodian.connect.tests.test_connect_my_data import schema  # noqa: F401 (fixture)
from custodian.testing import meter_complaint
from custodian.testing.connect import REGISTRATION, register
from custodian.usage.greenbutton_import import ImportResult, Reading
from custodian.usage.intervals import usage_import
from custodian.vault.interval_files import month_bounds
from custodian.vault.services import Submission


class Receiver:
    """The third party's notify endpoint: records each post and answers with the next status given."""

    def __init__(self):
        self.posts: list[tuple[str, str, bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.posts.append((self.path, self.headers.get("Content-Type", ""), body))
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/notify"


@pytest.fixture
def receiver():
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def local_notify_uri(settings):
    """Plain http to this machine, as in development (production takes https only)."""
    settings.DEBUG = True
    settings.CUSTODIAN_CONNECT_BASE_URL = "https://data.owatonnautilities.example"


def import_readings(customer, field_tech, month="2026-05"):
    start = month_bounds(month)[0]
    readings = [Reading("up", "mr", start + 3600 * i, 3600, 500.0, "Wh", 1) for i in range(24)]
    return usage_import(
        customer_id=customer.pk,
        result=ImportResult(readings=readings, usage_points={"up": "electric"}),
        # The utility's meter readings (what a third party is served), from the metering system's file.
        submission=Submission(channel="meter", notice_key="metering", recorded_by_label="metering system"),
        imported_by=field_tech,
        request_id=meter_complaint(customer),
    )


def sunny_with_notify_uri(privacy_officer, uri):
    client_id, secret = register(notify_uri=uri)
    third_party_review(
        third_party=ThirdParty.objects.get(application__client_id=client_id),
        reviewed_by=privacy_officer,
        decision="approved",
    )
    return client_id, secret


def test_new_readings_are_announced_to_the_third_party_with_only_the_subscription_uri(
    households,  # noqa: F811
    privacy_officer,
    field_tech,
    receiver,
    local_notify_uri,
    schema,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    (pat, pat_app), (sam, _) = households
    client_id, secret = sunny_with_notify_uri(privacy_officer, receiver.uri)
    customer_token(pat_app, "pat@example.com", client_id, secret)
    sid = Authorization.objects.get().pk

    # Sam authorised nobody: their import announces nothing.
    with django_capture_on_commit_callbacks(execute=True):
        import_readings(sam, field_tech)
    assert not Notification.objects.exists() and not receiver.posts

    # Pat's import: queued with the import, posted by the worker once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        summary = import_readings(pat, field_tech)
    assert summary.readings_stored == 24
    (path, content_type, body), *more = receiver.posts
    assert not more and path == "/notify" and content_type == "application/xml"
    document = etree.parse(io.BytesIO(body))
    schema.assertValid(document)
    assert [r.text for r in document.getroot()] == [
        f"https://data.owatonnautilities.example/espi/1_1/resource/Batch/Subscription/{sid}"
    ]
    assert b"500" not in body and str(pat.pk).encode() not in body.replace(str(sid).encode(), b"")
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts, notification.outcome) == ("sent", 1, "posted")


def test_a_third_party_that_does_not_answer_is_tried_again_and_an_ended_authorisation_is_not_announced(
    households,  # noqa: F811
    privacy_officer,
    field_tech,
    receiver,
    local_notify_uri,
):
    (pat, pat_app), _ = households
    client_id, secret = sunny_with_notify_uri(privacy_officer, receiver.uri)
    customer_token(pat_app, "pat@example.com", client_id, secret)

    # Down, then a redirect (not followed: the list goes to the registered URI only), then up.
    receiver.answers = [503, 302]
    import_readings(pat, field_tech)
    (notification,) = Notification.objects.all()
    now = timezone.now()
    assert str(notifications_send(now=now)).startswith("0 new-data notifications posted, 1 to try again")
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.outcome) == ("pending", 1, "HTTP 503")
    assert notification.next_attempt_at == now + FIRST_WAIT
    # Not due yet: nothing posted. A second import while it waits adds no second notification.
    import_readings(pat, field_tech, month="2026-06")
    assert notifications_send(now=now + timedelta(minutes=1)).waiting == 0
    assert Notification.objects.count() == 1 and len(receiver.posts) == 1
    notifications_send(now=now + FIRST_WAIT)
    notification.refresh_from_db()
    assert (notification.attempts, notification.outcome) == (2, "HTTP 302")
    assert [p for p, _, _ in receiver.posts] == ["/notify", "/notify"]  # never /elsewhere
    notifications_send(now=now + FIRST_WAIT * 4)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 3)

    # Given up after the last attempt.
    receiver.answers = [500] * MAX_ATTEMPTS
    import_readings(pat, field_tech, month="2026-07")
    failing = Notification.objects.get(status="pending")
    later = now
    for _ in range(MAX_ATTEMPTS):
        later += timedelta(days=1)
        notifications_send(now=later)
    failing.refresh_from_db()
    assert (failing.status, failing.attempts, failing.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)

    # Revoked before the post: nothing posted; and no later import is announced.
    receiver.answers = [503]
    import_readings(pat, field_tech, month="2026-08")
    pending = Notification.objects.get(status="pending")
    notifications_send(now=later + timedelta(days=1))
    posts = len(receiver.posts)
    authorization_revoke(authorization=Authorization.objects.get(), how="the customer, in the portal")
    notifications_send(now=later + timedelta(days=2))
    pending.refresh_from_db()
    assert pending.status == "dropped" and len(receiver.posts) == posts
    import_readings(pat, field_tech, month="2026-09")
    assert not Notification.objects.filter(status="pending").exists()


def test_a_notify_uri_must_be_https(db):
    refused = Client().post("/connect/register/", {**REGISTRATION, "notify_uri": "http://app.example.org/n"})
    assert refused.status_code == 400 and "notify URI" in refused.content.decode()
    assert not ThirdParty.objects.exists()
