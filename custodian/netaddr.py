"""The client's address as the app sees it: one function, `client_ip(request)`, for the whole project.

The access log, the rate limits of the public forms, the staff sign-in lockout (django-axes, through
`AXES_CLIENT_IP_CALLABLE`) and the web statistics (which mask it before storing) all ask this module, so a
visitor has one address everywhere.

The direct peer (`REMOTE_ADDR`) is the client unless it is one of `CUSTODIAN_TRUSTED_PROXIES`; then the
proxies' header is read from the right (each proxy appends the address it received the request from), skipping
trusted proxies, and the first address that is not one is the client. Anything to the left of it was written
by the client and is never believed. An entry that is not an address (`unknown`, an RFC 7239 obfuscated
identifier, garbage) stops the walk: the client is then unknown (""), not guessed.

Written here rather than taken from django-ipware/python-ipware: those match trusted proxies by string
prefix, not by network, don't read RFC 7239 `Forwarded` and don't treat `::ffff:10.0.0.2` as `10.0.0.2`.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PROXY_HEADERS = ("auto", "x-forwarded-for", "forwarded")
# Neither header is ever longer than this from honest proxies; longer ones are read from their right end.
_MAX_HEADER = 4096


def _unmapped(ip: IPAddress) -> IPAddress:
    """`::ffff:10.0.0.2` (how a dual-stack socket shows an IPv4 peer) is `10.0.0.2`."""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def parse_ip(text: str) -> IPAddress | None:
    """An address from text (`[...]` and an IPv6 zone allowed), IPv4-mapped IPv6 unmapped; else None."""
    text = (text or "").strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return _unmapped(ipaddress.ip_address(text))
    except ValueError:
        return None


def parse_trusted_proxies(entries) -> tuple[IPNetwork, ...]:
    """Networks from `CUSTODIAN_TRUSTED_PROXIES` entries (an address or a CIDR). Raises ImproperlyConfigured
    naming the first entry that is neither, so a bad setting stops the app at start-up, not each request."""
    networks = []
    for entry in entries:
        text = str(entry).strip()
        if not text:
            continue
        try:
            network = ipaddress.ip_network(text.strip("[]"), strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"CUSTODIAN_TRUSTED_PROXIES entry {text!r} is not an IP address or network "
                "(write one address or CIDR per entry, e.g. 10.0.0.0/8, 2001:db8::/32)."
            ) from None
        mapped = network.network_address.ipv4_mapped if network.version == 6 else None
        if mapped is not None and network.prefixlen >= 96:  # ::ffff:10.0.0.0/104 is 10.0.0.0/8
            network = ipaddress.ip_network(f"{mapped}/{network.prefixlen - 96}", strict=False)
        networks.append(network)
    return tuple(networks)


def validate_proxy_header(value) -> str:
    header = str(value or "auto").strip().lower()
    if header not in PROXY_HEADERS:
        raise ImproperlyConfigured(
            f"CUSTODIAN_PROXY_HEADER={value!r} is not one of: {', '.join(PROXY_HEADERS)}."
        )
    return header


@lru_cache(maxsize=8)
def _trusted(entries: tuple) -> tuple[IPNetwork, ...]:
    return parse_trusted_proxies(entries)


def _is_trusted(ip: IPAddress, networks) -> bool:
    return any(ip in network for network in networks)


def _node_address(node: str) -> IPAddress | None:
    """One hop as a proxy writes it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`.
    None for `unknown`, obfuscated identifiers (`_hidden`) and anything else that is not an address."""
    node = node.strip().strip('"').strip()
    if node.startswith("["):
        end = node.find("]")
        return parse_ip(node[1:end]) if end > 0 else None
    if node.count(":") == 1:  # IPv4 with a port (a bare IPv6 address has two colons or more)
        node = node.split(":", 1)[0]
    return parse_ip(node)


def _forwarded_for_nodes(header: str) -> list[str]:
    """The `for=` node of each element of an RFC 7239 `Forwarded` header, left to right (`unknown` when an
    element has none). Quoted strings may hold commas and semicolons, so the header is scanned, not split."""
    nodes: list[str] = []
    pairs: dict[str, str] = {}
    token, in_quotes, escaped = [], False, False

    def end_pair():
        text = "".join(token).strip()
        token.clear()
        if "=" in text:
            name, value = text.split("=", 1)
            pairs.setdefault(name.strip().lower(), value.strip())

    for char in header:
        if in_quotes:
            if escaped:
                token.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_quotes = False
            else:
                token.append(char)
        elif char == '"':
            in_quotes = True
        elif char == ";":
            end_pair()
        elif char == ",":
            end_pair()
            nodes.append(pairs.get("for") or "unknown")
            pairs = {}
        else:
            token.append(char)
    end_pair()
    nodes.append(pairs.get("for") or "unknown")
    return nodes


def _walk(nodes: list[str], networks) -> IPAddress | None:
    """From the right: skip trusted proxies; the first other address is the client. An entry that is not an
    address stops the walk (unknown client). All trusted: the left-most one is the client."""
    client = None
    for node in reversed(nodes):
        if not node.strip():
            continue  # an empty list element ("a,,b"), not a hop
        address = _node_address(node)
        if address is None:
            return None
        client = address
        if not _is_trusted(address, networks):
            return address
    return client


def client_address(meta) -> IPAddress | None:
    """The client's address from a request's META, or None when it can't be known."""
    peer = parse_ip(meta.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    networks = _trusted(tuple(settings.CUSTODIAN_TRUSTED_PROXIES))
    if not _is_trusted(peer, networks):
        return peer
    header = getattr(settings, "CUSTODIAN_PROXY_HEADER", "auto")
    xff = meta.get("HTTP_X_FORWARDED_FOR")
    forwarded = meta.get("HTTP_FORWARDED")
    from_xff = from_forwarded = peer
    if xff is not None and header in ("auto", "x-forwarded-for"):
        from_xff = _walk([*xff[-_MAX_HEADER:].split(","), str(peer)], networks)
    if forwarded is not None and header in ("auto", "forwarded"):
        from_forwarded = _walk([*_forwarded_for_nodes(forwarded[-_MAX_HEADER:]), str(peer)], networks)
    if header == "auto" and xff is not None and forwarded is not None and from_xff != from_forwarded:
        # A trusted proxy always writes its own header, so the other one came from the client. Which is which
        # can't be told from the request: believe neither (set CUSTODIAN_PROXY_HEADER to say).
        return None
    if header == "forwarded" or (header == "auto" and xff is None):
        return from_forwarded
    return from_xff


def client_ip(request) -> str:
    """The client's address as text ("" when unknown): the one function every caller uses (the access log,
    rate limits, django-axes, analytics)."""
    address = client_address(request.META)
    return "" if address is None else str(address)


def recorded_address(address: str | None, *, customer: bool) -> str:
    """The address as a record keeps it: a customer's masked as the web statistics mask it (/24 or /48),
    anyone else's (staff, vendors, system jobs) whole, as a security record (docs/decisions.md)."""
    if not customer:
        return address or ""
    return mask_ip(address)


# --- masking -------------------------------------------------------------------------------------------

_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: IPv4 address in the last 32 bits
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d (:: and ::1 excluded below)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.sixtofour is not None:  # 2002:AABB:CCDD::/48 — the /48 *is* the IPv4 address
        return ip.sixtofour
    if ip.teredo is not None:  # 2001:0::/32 — (server, client); the client's is only obfuscated
        return ip.teredo[1]
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


# The network a customer's or visitor's address is cut to, by IP version: the privacy page states these
# figures from here, and the policy file's `[website].collects` is tested against them.
MASK_PREFIXES = {4: 24, 6: 48}


def mask_ip(address: str | None) -> str:
    """The address's network (`MASK_PREFIXES`: /24 for IPv4, /48 for IPv6) as text, "" when there is no
    address."""
    ip = parse_ip(address or "")
    if ip is None:
        return ""
    if ip.version == 6:
        ip = _embedded_ipv4(ip) or ip
    prefix = MASK_PREFIXES[ip.version]
    bits = ip.max_prefixlen - prefix
    # From the integer, so an IPv6 zone (fe80::1%eth0) never reaches the stored text.
    network = (int(ip) >> bits) << bits
    return str(ipaddress.ip_network((network, prefix)))


def rate_subject(address: str | None) -> str:
    """Who a rate limit counts: an IPv4 address whole, an IPv6 address by its /64. One IPv6 subscriber or
    host is given a /64 and picks any address in it at will (RFC 4941 privacy addresses), so counting whole
    IPv6 addresses would give anyone 2^64 fresh tries. An IPv4 address carried in IPv6 counts as itself.
    "" when there is no address."""
    ip = parse_ip(address or "")
    if ip is None:
        return ""
    if ip.version == 6:
        ip = ip.ipv4_mapped or _embedded_ipv4(ip) or ip
    if ip.version == 4:
        return str(ip)
    network = (int(ip) >> 64) << 64  # from the integer, so a zone never reaches the counter
    return str(ipaddress.ip_network((network, 64)))


def forwarded_proto_forget_untrusted(meta) -> None:
    """Drop `X-Forwarded-Proto` unless the direct peer is one of CUSTODIAN_TRUSTED_PROXIES: only a trusted
    proxy may say the client came over HTTPS (Django believes SECURE_PROXY_SSL_HEADER from anyone)."""
    if "HTTP_X_FORWARDED_PROTO" not in meta:
        return
    peer = parse_ip(meta.get("REMOTE_ADDR", ""))
    networks = _trusted(tuple(settings.CUSTODIAN_TRUSTED_PROXIES))
    if peer is None or not _is_trusted(peer, networks):
        del meta["HTTP_X_FORWARDED_PROTO"]
