"""What a page view leaves behind, reduced to the non-identifying facts the policy names.

- the client address (custodian.netaddr: through configured trusted proxies only), masked to /24 (IPv4) or /48
  (IPv6) before anything is stored; an IPv4 address carried inside an IPv6 one (IPv4-mapped or -compatible,
  6to4, Teredo, NAT64) is masked as the IPv4 address it is — the raw address is never written;
- the referring site's host only, in one form (IDNA A-label, lower case), and none when the visitor came
  from our own site or the "host" is not a public domain name (an IP literal in any form a browser accepts,
  a single label such as `intranet`, a private or reserved name such as `*.local` or `*.internal`);
- the path without its query string (queries carry e-mail addresses and tokens);
- browser family and major version, OS family, a device class and a bot flag, from ua-parser's result.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import idna
from django.http.request import split_domain_port
from publicsuffixlist import PublicSuffixList
from ua_parser import parse as parse_user_agent

from custodian.netaddr import mask_ip

__all__ = [
    "DEVICE_CLASSES",
    "Agent",
    "SiteHosts",
    "agent",
    "clean_path",
    "mask_ip",
    "referrer_host",
    "site_hosts",
]

# --- referrers -------------------------------------------------------------------------------------------

# The Public Suffix List (bundled with the package, no download at run time) tells a public domain name from
# a private or reserved one (.local, .internal, .corp, .lan, .home.arpa, .test, .example …: no public
# suffix) and what a site's registrable domain is (browsers' "same site").
_PSL = PublicSuffixList()
_HEX_OR_DECIMAL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
_DASHED_IPV4 = re.compile(r"(?:^|[^0-9])[0-9]{1,3}[-_][0-9]{1,3}[-_][0-9]{1,3}[-_][0-9]{1,3}(?:$|[^0-9])")


def _ascii_host(host: str) -> str:
    """One form for a host name: IDNA (UTS #46) A-labels in lower case, without a trailing dot and port; ""
    when it can't be a DNS name. UTS #46 also maps full-width digits and dots to ASCII."""
    host = unquote(host).strip()
    if not host or ":" in host or "[" in host:  # an IPv6 literal (or a port that split_domain_port left)
        return ""
    try:
        host = idna.encode(host, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return ""
    return host[:-1] if host.endswith(".") else host


def _public_host(host: str) -> bool:
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        return False  # single label (intranet, localhost) or empty labels
    if _HEX_OR_DECIMAL.fullmatch(labels[-1]):
        # A browser reads any host whose last label is a number (decimal, 0x-hex, octal) as an IPv4 address:
        # 203.0.113.77, 3405803853, 0xcb.0.0x71.77, 0313.0.0161.0115, 203.7431629.
        return False
    numeric = [bool(re.fullmatch(r"[0-9]{1,3}", label)) for label in labels]
    if any(all(numeric[i : i + 4]) for i in range(len(labels) - 3)) or _DASHED_IPV4.search(host):
        return False  # an address spelt inside a name (203.0.113.77.nip.io, host-203-0-113-77.example.net)
    if labels[-1] == "arpa":
        return False  # reverse-DNS names spell addresses too (77.113.0.203.in-addr.arpa)
    return _PSL.publicsuffix(host, accept_unknown=False) is not None


@dataclass(frozen=True)
class SiteHosts:
    """Our own site: exact host names, names whose subdomains are ours too, and registrable domains."""

    names: frozenset[str]
    domains: frozenset[str]  # registrable domains (eTLD+1) of our public names: same site as browsers see it

    def __contains__(self, host: str) -> bool:
        if any(host == name or host.endswith("." + name) for name in self.names):
            return True
        return bool(self.domains) and _PSL.privatesuffix(host, accept_unknown=False) in self.domains


@lru_cache(maxsize=64)
def site_hosts(allowed_hosts: tuple[str, ...], request_host: str) -> SiteHosts:
    """From ALLOWED_HOSTS (`.example.org` is Django's "this domain and its subdomains"; `*` says nothing about
    who we are) and the Host of the request, with ports, trailing dots and case removed."""
    names = set()
    for entry in (*allowed_hosts, request_host):
        domain, _port = split_domain_port(entry.lower().strip())
        name = _ascii_host(domain.lstrip("."))
        if name and name != "*":
            names.add(name)
    domains = {_PSL.privatesuffix(n, accept_unknown=False) for n in names if _public_host(n)}
    return SiteHosts(frozenset(names), frozenset(d for d in domains if d))


@lru_cache(maxsize=4096)
def _referring_host(host: str, site: SiteHosts) -> str:
    ascii_host = _ascii_host(host)
    if not ascii_host or not _public_host(ascii_host) or ascii_host in site:
        return ""
    return ascii_host[:255]


def referrer_host(referrer: str, site: SiteHosts) -> str:
    """The referring site's public host name, or "" (same site, not a public name, not a web URL)."""
    if not referrer:
        return ""
    try:
        parts = urlsplit(referrer.strip())
        host = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    return _referring_host(host, site)


def clean_path(path: str) -> str:
    return urlsplit(path).path[:300] or "/"


# --- browsers, devices, bots -----------------------------------------------------------------------------

DEVICE_CLASSES = ("desktop", "phone", "tablet", "tv", "console", "wearable", "e-reader", "other", "bot")

# Tools that fetch pages without a person: HTTP libraries and health checks name themselves first...
_BOT_FIRST = re.compile(
    r"^(?:curl|Wget|python-requests|python-httpx|httpx|Python-urllib|aiohttp|Go-http-client|okhttp|Java"
    r"|Apache-HttpClient|node-fetch|undici|axios|libwww-perl|PycURL|Ruby|Faraday|kube-probe"
    r"|ELB-HealthChecker|GoogleHC|Uptime-Kuma|Site24x7|Prometheus|Blackbox Exporter|Consul Health Check"
    r"|HealthChecker)(?:/|\s|$)",
    re.IGNORECASE,
)
# ... and agents, fetchers and monitors name themselves anywhere, as a whole word (so a CUBOT phone, an
# OrangeBotswana carrier build or a "monitor" in a model name are not bots). ua-parser's own "Spider" device
# family catches the long tail of crawlers. Matched on the lower-cased User-Agent without a leading boundary
# assertion (checked in Python): Python's regex engine then skips ahead by first character, ten times faster.
_BOT_NAMES = re.compile(
    r"(?:gptbot|chatgpt-user|oai-searchbot|claudebot|claude-user|claude-searchbot|anthropic-ai"
    r"|perplexity-user|perplexitybot|googleother|google-extended|google-inspectiontool|chrome-lighthouse"
    r"|lighthouse|headlesschrome|phantomjs|site24x7|uptimerobot|pingdom|pingdomtms|statuscake|uptime-kuma"
    r"|kube-probe|elb-healthchecker|googlehc|amazonbot|applebot|bytespider|ccbot|meta-externalagent|petalbot"
    r"|duckassistbot|cohere-ai|diffbot|facebookexternalhit|twitterbot|slackbot|discordbot|linkedinbot)"
    r"(?![a-z0-9-])"
)
# What ua-parser's device result doesn't say, the tokens these devices put in their User-Agent do: one scan
# of the User-Agent finds them all (no groups, so the engine can skip ahead), then each token found is given
# its class; a token must start a word (checked in Python, see above).
_TOKEN_CLASSES = tuple(
    (group, re.compile(pattern))
    for group, pattern in (
        (
            "tv",
            r"SMART-TV|SmartTV|Smart TV|HbbTV|GoogleTV|Google TV|Android ?TV|AppleTV|Apple TV|BRAVIA|Roku"
            r"|CrKey|AFT[A-Z]{1,5}\b|Web0S|webOS\.TV|NetCast|VIDAA|Tizen[^;)]*\bTV\b|NETTV|PhilipsTV"
            r"|Opera TV|DTV\b|TV Safari\b|FireTV|Fire TV|Freebox|MiTV|TPM\d|CE-HTML|Maple_20",
        ),
        ("console", r"PlayStation|PLAYSTATION|PSP\b|Xbox|Nintendo|Dreamcast|OUYA\b"),
        ("wearable", r"watchOS|Watch OS|Wear OS|SM-R\d{3}|Watch\b|Glass\b"),
        ("e_reader", r"Kindle/\d|Kobo\b|tolino\b|PocketBook|BNRV\d|Sony PRS-"),
        ("other", r"OculusBrowser|Quest\b|VR\b|Pico Neo|visionOS|Vision Pro|QtCarBrowser|HomePod"),
        ("tablet", r"iPad\b|Tablet(?! PC)|PlayBook|TouchPad|KF[A-Z]{2,4}\b|Silk/"),
        # Handsets that speak the feature-phone profile (MIDP/CLDC, WAP), even on Android.
        ("handset", r"MIDP|CLDC|Profile/|Configuration\b|WAP|OPhone|J2ME"),
        (
            "phone",
            r"Mobile|Opera Mini|UP\.Browser|Obigo|NetFront|BREW\b|Series ?40|Series60|Symbian|IEMobile"
            r"|UCWEB|BlackBerry|BB10\b|KaiOS|iPhone\b|iPod\b",
        ),
    )
)
_DEVICE_TOKENS = re.compile("|".join(pattern.pattern for _group, pattern in _TOKEN_CLASSES))


def _word_start(text: str, index: int) -> bool:
    return index == 0 or not (text[index - 1].isalnum() or text[index - 1] == "-")


def _device_tokens(user_agent: str) -> set[str]:
    found = set()
    for match in _DEVICE_TOKENS.finditer(user_agent):
        if _word_start(user_agent, match.start()):
            token = match.group()
            found.add(next((group for group, pattern in _TOKEN_CLASSES if pattern.fullmatch(token)), ""))
    return found


def _names_a_bot(user_agent: str) -> bool:
    lowered = user_agent.lower()
    if _BOT_FIRST.match(lowered):
        return True
    return any(_word_start(lowered, m.start()) for m in _BOT_NAMES.finditer(lowered))


_PHONE_OS = {
    "iOS",
    "Windows Phone",
    "Windows Mobile",
    "Windows CE",
    "BlackBerry OS",
    "BlackBerry",
    "Symbian OS",
    "Symbian^3",
    "KaiOS",
    "Firefox OS",
    "Bada",
    "MeeGo",
    "Maemo",
    "Nokia Series 40",
    "Tizen",
    "webOS",
    "Sailfish",
    "Ubuntu Touch",
}
_DESKTOP_OS = re.compile(
    r"^(?:Windows(?! Phone| Mobile| CE)|Mac OS|macOS|Linux|Ubuntu|Kubuntu|Xubuntu|Chrome OS|ChromeOS|Fedora"
    r"|Debian|FreeBSD|OpenBSD|NetBSD|Solaris|SunOS|SUSE|openSUSE|Red Hat|CentOS|Mint|Gentoo|Mandriva"
    r"|Slackware|Arch Linux|Haiku|BeOS|OS/2|Mageia|elementary OS)",
)


def device_class(user_agent: str, device, os_family: str) -> str:
    """One of DEVICE_CLASSES (not "bot"), from ua-parser's device result first and the User-Agent's own
    tokens second. A device nobody recognises is "other", never "desktop"."""
    family = (device.family if device else "") or "Other"
    brand = (device.brand if device else "") or ""
    model = (device.model if device else "") or ""
    tokens = _device_tokens(user_agent)
    if brand == "Generic_Inettv" or "tv" in tokens:
        return "tv"
    if family.startswith(("PlayStation", "Nintendo", "Xbox", "Sega")) or "console" in tokens:
        return "console"
    if "Watch" in family or "wearable" in tokens:
        return "wearable"
    if brand == "Amazon" and family.startswith("Kindle"):
        return "tablet" if ("Fire" in family or "Silk" in user_agent) else "e-reader"
    if brand == "Kobo" or "e_reader" in tokens:
        return "e-reader"
    if brand == "Meta" or "other" in tokens:
        return "other"  # headsets, cars, speakers: a browser, but none of the above
    if brand == "Apple":
        if model.startswith("iPad"):
            return "tablet"
        if model.startswith(("iPhone", "iPod")):
            return "phone"
        if model == "Mac":
            return "desktop"
    if family == "Generic Tablet" or brand == "Generic_Android_Tablet":
        return "tablet"
    if family in ("Generic Smartphone", "Generic Feature Phone") or brand == "Generic_Android":
        return "phone"
    if os_family == "Android":
        # Android's own rule: phones' browsers say "Mobile", tablets' don't; handset builds that still speak
        # the feature-phone profile (MIDP/CLDC, WAP) are phones too.
        return "phone" if "Mobile" in user_agent or "handset" in tokens else "tablet"
    if "tablet" in tokens or os_family == "BlackBerry Tablet OS":
        return "tablet"
    if os_family in _PHONE_OS or tokens & {"phone", "handset"} or family not in ("Other", "Mac"):
        return "phone"  # feature phones and named handsets ua-parser knows by model
    if _DESKTOP_OS.match(os_family or ""):
        return "desktop"
    return "other"


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
    device = result.device
    os_family = (result.os.family if result.os else "") or "Other"
    is_bot = not ua.strip() or (device is not None and device.family == "Spider") or _names_a_bot(ua)
    device_name = "bot" if is_bot else device_class(ua, device, os_family)
    browser = result.user_agent.family if result.user_agent else "Other"
    major = (result.user_agent.major or "") if result.user_agent else ""
    return Agent(browser[:60], major[:10], os_family[:60], device_name, is_bot)
