"""The client's address as the app sees it: the peer, or through configured trusted proxies only.

Used for the access log and rate limits (full address) and for analytics (masked before storing).
"""

import ipaddress

from django.conf import settings


def _trusted_networks():
    return [
        ipaddress.ip_network(n.strip(), strict=False) for n in settings.CUSTODIAN_TRUSTED_PROXIES if n.strip()
    ]


def parse_ip(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(meta: dict) -> str | None:
    """X-Forwarded-For counts only when the direct peer is a trusted proxy; it is walked from the right,
    skipping trusted proxies, and the first address that is not one is the client."""
    peer = parse_ip(meta.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    trusted = _trusted_networks()
    if not any(peer in net for net in trusted):
        return str(peer)
    hops = [h for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = parse_ip(hop)
        if address is None:
            return None  # a forged or garbled chain: don't guess
        if not any(address in net for net in trusted):
            return str(address)
    return str(peer)


def request_ip(request) -> str:
    return client_ip(request.META) or ""
