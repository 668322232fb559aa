"""What a page view leaves behind, reduced to the non-identifying facts the policy names.

- the client address, found through configured trusted proxies only (X-Forwarded-For walked from the right),
  then masked to /24 (IPv4) or /48 (IPv6) before anything is stored — the raw address is never written;
- the referring site's host only, and none when the visitor came from our own site;
- the path without its query string (queries carry e-mail addresses and tokens);
- browser family and major version, OS family, device class and a bot flag, from ua-parser.
"""

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from ua_parser import parse as parse_user_agent

_TABLETS = ("ipad", "tablet", "kindle", "nexus 7", "nexus 9", "sm-t")
_BOT_WORDS = ("bot", "crawl", "spider", "slurp", "headless", "monitor", "curl", "wget", "python-requests")


def _trusted_networks():
    return [
        ipaddress.ip_network(n.strip(), strict=False) for n in settings.CUSTODIAN_TRUSTED_PROXIES if n.strip()
    ]


def _parse_ip(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(meta: dict) -> str | None:
    """The client's address. X-Forwarded-For counts only when the direct peer is a trusted proxy; it is walked
    from the right, skipping trusted proxies, and the first address that is not one is the client."""
    peer = _parse_ip(meta.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    trusted = _trusted_networks()
    if not any(peer in net for net in trusted):
        return str(peer)
    hops = [h for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:
            return None  # a forged or garbled chain: don't guess
        if not any(address in net for net in trusted):
            return str(address)
    return str(peer)


def mask_ip(address: str | None) -> str:
    ip = _parse_ip(address or "")
    if ip is None:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def referrer_host(referrer: str, own_hosts: set[str]) -> str:
    if not referrer:
        return ""
    try:
        host = (urlsplit(referrer).hostname or "").lower()
    except ValueError:
        return ""
    if not host or host in own_hosts:
        return ""
    return host[:255]


def clean_path(path: str) -> str:
    return urlsplit(path).path[:300] or "/"


@dataclass(frozen=True)
class Agent:
    browser: str
    browser_major: str
    os: str
    device: str
    is_bot: bool


@lru_cache(maxsize=4096)
def agent(user_agent: str) -> Agent:
    """Browser, OS and device class of a User-Agent (cached: the same few hundred strings repeat)."""
    ua = (user_agent or "")[:512]
    result = parse_user_agent(ua)
    lowered = ua.lower()
    device_family = (result.device.family if result.device else "") or ""
    os_family = result.os.family if result.os else "Other"
    is_bot = device_family == "Spider" or any(w in lowered for w in _BOT_WORDS) or not ua
    if is_bot:
        device = "bot"
    elif any(t in lowered for t in _TABLETS):
        device = "tablet"
    elif os_family in ("Android", "iOS") or "mobile" in lowered:
        device = "mobile"
    else:
        device = "desktop"
    browser = result.user_agent.family if result.user_agent else "Other"
    major = (result.user_agent.major or "") if result.user_agent else ""
    return Agent(browser[:60], major[:10], (os_family or "Other")[:60], device, is_bot)
