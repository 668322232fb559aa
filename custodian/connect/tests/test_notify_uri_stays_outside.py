"""A third party's notify URI can't make the background worker post inside the utility's network: a URI that
names a private, loopback or link-local address is refused at registration, and a name that resolves to one
is not posted to; the post goes to the address that was checked, so a DNS answer that changes in between
reaches nothing new."""

import socket

import pytest
from django.test import Client

from custodian.connect import outbound
from custodian.connect.notifications import _post
from custodian.testing.connect import REGISTRATION

INSIDE = [
    "10.0.0.5",
    "127.0.0.1",
    "169.254.169.254",
    "192.168.1.1",
    "::1",
    "fc00::1",
    "fe80::1",
    "::ffff:10.0.0.5",
]


@pytest.mark.parametrize("address", INSIDE)
def test_addresses_inside_a_network_are_not_public(address):
    assert not outbound.is_public(address)


def test_a_public_address_is_public():
    assert outbound.is_public("93.184.216.34") and outbound.is_public("2606:2800:220:1::1")


@pytest.mark.parametrize("host", ["10.0.0.5", "169.254.169.254", "[fd00::1]", "127.0.0.1"])
def test_registration_refuses_a_notify_uri_naming_an_inside_address(db, host):
    response = Client().post("/connect/register/", {**REGISTRATION, "notify_uri": f"https://{host}/notify"})
    assert response.status_code == 400
    assert "not a public address" in response.content.decode()


def resolving_to(monkeypatch, address):
    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port),
            )
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_that_resolves_inside_is_not_posted_to(monkeypatch):
    resolving_to(monkeypatch, "10.1.2.3")
    connected = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(a) or None)
    outcome = _post("https://notify.third-party.example/new-data", b"<BatchList/>")
    assert outcome.startswith("not posted:") and "not public" in outcome
    assert connected == []


def test_the_post_goes_to_the_address_that_was_checked(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    connected = []

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise OSError("stopped here")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    outcome = _post("https://notify.third-party.example/new-data", b"<BatchList/>")
    assert connected == [("93.184.216.34", 443)] and "stopped here" in outcome
