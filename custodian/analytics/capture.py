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

from ua_parser import parse as parse_user_agent

from custodian.netaddr import client_ip, parse_ip

__all__ = ["agent", "clean_path", "client_ip", "mask_ip", "referrer_host"]

_TABLETS = ("ipad", "tablet", "kindle", "nexus 7", "nexus 9", "sm-t")
_BOT_WORDS = ("bot", "crawl", "spider", "slurp", "headless", "monitor", "curl", "wget", "python-requests")


def mask_ip(address: str | None) -> str:
    ip = parse_ip(address or "")
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
