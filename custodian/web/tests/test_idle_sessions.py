"""Idle sessions end SESSION_COOKIE_AGE after the last request at the latest; the session's row is written
when the session changes and at most once a minute otherwise, not on every request."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from custodian.web.sessions import REFRESH_SECONDS, SessionStore

pytestmark = pytest.mark.django_db


def _stored(key):
    return Session.objects.get(session_key=key).expire_date


def _written_ago(key, seconds):
    """Pretend the row was last written `seconds` ago."""
    expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    Session.objects.filter(session_key=key).update(expire_date=expire)
    return Session.objects.get(session_key=key).expire_date


def _new_session():
    session = SessionStore()
    session["who"] = "someone"
    session.save()
    return session.session_key


def test_the_engine_in_use_keeps_idle_expiry():
    assert settings.SESSION_ENGINE == "custodian.web.sessions"
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 30 * 60


def test_an_unchanged_session_written_a_moment_ago_is_not_written_again():
    key = _new_session()
    before = _written_ago(key, 10)
    session = SessionStore(session_key=key)
    assert session["who"] == "someone"
    session.save()
    assert _stored(key) == before


def test_an_unchanged_session_is_pushed_forward_once_the_minute_has_passed():
    key = _new_session()
    before = _written_ago(key, REFRESH_SECONDS + 5)
    session = SessionStore(session_key=key)
    session.save()  # the middleware saves without reading it first, too
    assert _stored(key) > before + timedelta(seconds=REFRESH_SECONDS)


def test_a_changed_session_is_written_at_once():
    key = _new_session()
    _written_ago(key, 10)
    session = SessionStore(session_key=key)
    session["reauth_at"] = 1.0
    session.save()
    assert SessionStore(session_key=key)["reauth_at"] == 1.0


def test_the_stored_expiry_never_lags_the_last_request_by_more_than_the_refresh():
    key = _new_session()
    for ago in (0, REFRESH_SECONDS // 2, REFRESH_SECONDS - 1, REFRESH_SECONDS + 1):
        _written_ago(key, ago)
        SessionStore(session_key=key).save()
        lag = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE) - _stored(key)
        assert lag <= timedelta(seconds=REFRESH_SECONDS)


def test_a_removed_session_stays_ended():
    key = _new_session()
    Session.objects.filter(session_key=key).delete()  # signed out elsewhere, or offboarded
    session = SessionStore(session_key=key)
    assert session.get("who") is None
    session.save()
    assert not Session.objects.filter(session_key=key).exists()


def test_an_expired_session_is_not_brought_back():
    key = _new_session()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    session = SessionStore(session_key=key)
    assert session.get("who") is None
    session.save()
    assert session.session_key != key
    assert _stored(key) < timezone.now()  # left for clearsessions, never pushed forward


def test_a_request_does_not_write_the_unchanged_session_row(client):
    key = _new_session()
    stored = _written_ago(key, 5)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get("/").status_code == 200
    assert _stored(key) == stored
    _written_ago(key, REFRESH_SECONDS + 5)
    assert client.get("/").status_code == 200
    assert _stored(key) > stored
