"""Posting to a third party's notify URI without letting that URI reach inside the utility's network.

A third party registers the URI, so it could name a host that resolves to a private, loopback or link-local
address (a database, an admin port, a cloud metadata service) and have the background worker post there.
The host is resolved once, every address it resolves to must be a public one, and the connection is made to
the address that was checked (TLS still verifies the certificate for the host's name), so a DNS answer that
changes between the check and the connection (rebinding) reaches nothing new. Redirects are not followed: a
redirect is an answer, not a new destination. Written on http.client rather than urllib because urllib
resolves the host itself when it connects, after any check made here."""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings


class NotPublic(ValueError):
    """The URI's host is not a public address (or can't be resolved)."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def developer_machine(uri: str) -> bool:
    """Plain http to a developer's own machine, only in development (as the OAuth toolkit's setting)."""
    parts = urlsplit(uri)
    return settings.DEBUG and parts.scheme == "http" and parts.hostname in {"localhost", "127.0.0.1"}


def literal_address_refused(uri: str) -> str:
    """Why a URI that names its host by a non-public IP address is refused, or "" (a name is checked when it
    is used: what it resolves to can change)."""
    host = urlsplit(uri).hostname or ""
    try:
        public = is_public(host)
    except ValueError:
        return ""  # a name, not an address
    return "" if public or developer_machine(uri) else f"{host} is not a public address"


def _checked_address(host: str, port: int) -> str:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise NotPublic(f"{host} can't be resolved") from error
    addresses = [info[4][0] for info in found]
    if not addresses or not all(is_public(a) for a in addresses):
        raise NotPublic(f"{host} resolves to an address that is not public")
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to an address already checked, verifying the certificate for the host's name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(uri: str, body: bytes, *, content_type: str, timeout: float) -> int:
    """POST `body` to `uri` and return the HTTP status. NotPublic when the host is not a public address;
    OSError and http.client's errors as they come."""
    parts = urlsplit(uri)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    if developer_machine(uri):
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    elif parts.scheme == "https" and parts.hostname:
        port = parts.port or 443
        address = _checked_address(parts.hostname, port)
        connection = _PinnedHTTPSConnection(parts.hostname, port, address=address, timeout=timeout)
    else:
        raise NotPublic("the URI is not https")
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": content_type})
        return connection.getresponse().status
    finally:
        connection.close()
