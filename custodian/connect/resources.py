"""The ESPI resources a third party fetches under a customer's authorisation: the whole subscription
(`Batch/Subscription/{id}`), its UsagePoints, MeterReadings, IntervalBlocks, ReadingTypes and
LocalTimeParameters, as Atom feeds and entries that validate against the ESPI schema.

Every fetch reads through the gate as the third party under the customer's consent (the gate checks the
consent again: revoked or expired, nothing is read), keeps only what the scope and the customer's chosen
services cover, and, when a resource is served, records it in the accounting of disclosures in the same
transaction: the customer sees each one under "who we gave it to"."""

import re
import time
from dataclasses import replace
from datetime import UTC, datetime
from functools import reduce
from operator import or_
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from custodian.billing.usage_summary import bill_summaries, summaries_attach
from custodian.connect.models import Authorization
from custodian.connect.scopes import reads_bills, scope_parse
from custodian.dates import long_date
from custodian.disclosures.services import disclosure_entries_record
from custodian.policy.loader import current_policy
from custodian.usage.espi import ATOM_NS
from custodian.usage.greenbutton_export import UsagePointExport, espi_feed
from custodian.usage.services import usage_points_for
from custodian.vault.choices import METER_READINGS
from custodian.vault.gate import third_party_actor
from custodian.vault.interval_files import LOCAL

RESOURCE_ROOT = "/espi/1_1/resource/"
CATEGORIES = ["meter_usage"]


def points_in_scope(
    points, *, blocks: set[int], services: set[str], usage_points: set[str] | None = None
) -> list[UsagePointExport]:
    """The usage points and series the scope's function blocks and the customer's services (and meters,
    when they chose some) cover: a second meter of a service only with 18, net flow with 7, reverse flow
    with 8, demand with 6."""
    kept = []
    for point in points:
        if point.service not in services or ("#" in point.key and 18 not in blocks):
            continue
        if usage_points and point.key not in usage_points:
            continue
        series = [
            m
            for m in point.meter_readings()
            if (m.unit == "W" and 6 in blocks)
            or (m.unit != "W" and m.flow_direction == 4 and 7 in blocks)
            or (m.unit != "W" and m.flow_direction == 19 and 8 in blocks)
            or (m.unit != "W" and m.flow_direction == 1 and blocks & {4, 5, 10, 11})
        ]
        if not series:
            continue
        first, more = (
            (series[0], series[1:])
            if series[0].flow_direction == 1 and series[0].unit != "W"
            else (None, series)
        )
        kept.append(
            UsagePointExport(
                key=point.key,
                title=point.title,
                service=point.service,
                unit=first.unit if first else more[0].unit,
                readings=first.readings if first else [],
                power_of_ten=first.power_of_ten if first else more[0].power_of_ten,
                more=more,
                qualities=first.qualities if first else {},
                conversion=first.conversion if first else "",
                from_file=first.from_file if first else frozenset(),
            )
        )
    return kept


# ESPI's query parameters of a resource's time (the Atom/GData convention: min inclusive, max exclusive).
# published-min/-max narrow the readings (and the bills' summaries) served to those of that time; the
# entries' updated stamps are written afresh at each request, so updated-min/-max would select all or
# nothing: refused by name rather than ignored.
WINDOW_PARAMETERS = ("published-min", "published-max")
UNSUPPORTED_PARAMETERS = ("updated-min", "updated-max")


class QueryError(ValueError):
    """A query parameter the resource server can't honour; the message names it (HTTP 400)."""


def query_window(query) -> tuple[int | None, int | None]:
    """The [published-min, published-max) window of a request's query, in Unix seconds (None: unbounded).
    An xs:dateTime, with its offset or `Z` (UTC when it has none); anything else is refused by name."""
    for name in UNSUPPORTED_PARAMETERS:
        if name in query:
            raise QueryError(f"{name}: not supported here; narrow by published-min and published-max")
    bounds = []
    for name in WINDOW_PARAMETERS:
        raw = query.get(name)
        if raw is None:
            bounds.append(None)
            continue
        try:
            moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise QueryError(
                f"{name}: not a date and time (xs:dateTime, e.g. 2026-01-01T00:00:00Z)"
            ) from None
        if "T" not in raw:
            raise QueryError(f"{name}: a date and time is needed (xs:dateTime, e.g. 2026-01-01T00:00:00Z)")
        bounds.append(int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()))
    low, high = bounds
    if low is not None and high is not None and low >= high:
        raise QueryError("published-min: not before published-max")
    return low, high


def _period(authorization: Authorization, window=(None, None)) -> tuple[int, int]:
    """The readings' time: from the day the consent's history covers to the last whole hour, within the
    request's published-min/-max window (an empty period when the window lies outside it)."""
    covers_from = authorization.consent.covers_from
    start = int(datetime(covers_from.year, covers_from.month, covers_from.day, tzinfo=LOCAL).timestamp())
    end = int(time.time()) // 3600 * 3600
    low, high = window
    start, end = max(start, low if low is not None else start), min(end, high if high is not None else end)
    return start, max(start, end)


def _part(feed: bytes, path: str) -> bytes | None:
    """The piece of the subscription's feed at `path`: the whole feed (Batch), one entry (its self link),
    or a feed of the entries under it (their up link). None if there is no such resource."""
    if path.startswith(RESOURCE_ROOT + "Batch/"):
        return feed
    root = etree.fromstring(feed)  # our own document, just written
    entries = root.findall(f"{{{ATOM_NS}}}entry")

    def link(entry, rel):
        for element in entry.findall(f"{{{ATOM_NS}}}link"):
            if element.get("rel") == rel:
                return urlsplit(element.get("href")).path
        return None

    for entry in entries:
        if link(entry, "self") == path:
            return etree.tostring(entry, xml_declaration=True, encoding="UTF-8")
    under = [e for e in entries if link(e, "up") == path]
    if not under:
        return None
    for entry in entries:
        if entry not in under:
            root.remove(entry)
    for element in root.findall(f"{{{ATOM_NS}}}link"):
        if element.get("rel") == "self":
            element.set("href", element.get("href").split(RESOURCE_ROOT)[0] + path)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def subscription_feed(
    *, authorization: Authorization, base_url: str, client_ip: str = "", window=(None, None)
) -> bytes:
    """The whole subscription's feed, read through the gate as the third party under the customer's consent
    (raises gate.Denied when it no longer stands): the series the scope and the chosen services cover, from
    the period the scope's history covers, within `window` (`query_window`). The caller records the
    disclosure in the same transaction."""
    # Connect My Data is machine to machine: the third party's software reads the feed, and its titles stay in
    # English, the language of the standard and of the sample feeds that software is built against, whatever
    # the Accept-Language its HTTP client sends or the language the customer chose (the app tells its users
    # in its own words). The customer's own download, which they read, is in their language.
    with translation.override("en"):
        return _subscription_feed(authorization, base_url, client_ip, window)


def _subscription_feed(authorization: Authorization, base_url: str, client_ip: str, window) -> bytes:
    third_party = authorization.third_party
    scope = scope_parse(authorization.scope)
    start, end = _period(authorization, window)
    if start >= end:  # a window outside what the consent covers: nothing of the customer's to read
        return espi_feed(
            subject=str(authorization.pk), base_url=base_url, usage_points=[], holder=_holder(authorization)
        )
    basis = current_policy().disclosure_bases["connect_my_data"]
    actor = third_party_actor(third_party.pk, third_party.name, authorization.consent_id)
    points = usage_points_for(
        actor=actor,
        customer_id=authorization.customer_id,
        purpose=basis["purpose"],
        start=start,
        end=end,
        client_ip=client_ip,
        # What the utility's meters read, as the bill: a Green Button file's readings (the customer's own
        # upload, a file staff imported) are not passed on as the utility's.
        collected_by=METER_READINGS,
    )
    services, chosen = set(authorization.service_list), set(authorization.usage_point_list)
    points = points_in_scope(
        points, blocks=set(scope.function_blocks), services=services, usage_points=chosen
    )
    if reads_bills(scope):
        # A bill is per service, not per meter: its summary goes with the service's first meter, so only
        # where the customer did not leave that meter out.
        summaries = bill_summaries(
            actor=actor,
            customer_id=authorization.customer_id,
            purpose=basis["usage_summaries"]["purpose"],
            start=start,
            end=end,
            with_cost=16 in scope.function_blocks,
            services=sorted(s for s in services if not chosen or s in chosen),
            client_ip=client_ip,
        )
        if 28 not in scope.function_blocks:  # the current period's cost (billToDate) only with 28
            summaries = {
                service: [replace(s, price_to_date=None) for s in found]
                for service, found in summaries.items()
            }
        points = summaries_attach(points, summaries)
    return espi_feed(
        subject=str(authorization.pk),
        base_url=base_url,
        usage_points=points,
        holder=_holder(authorization),
    )


def _holder(authorization: Authorization) -> str:
    return f"Subscription/{authorization.pk}"


def disclosure_record(*, authorization: Authorization, path: str, bills: bool = False) -> None:
    """One entry in the customer's accounting of disclosures: this resource, to this third party, on this
    consent; its categories the meter data, and the bills when it holds a usage summary."""
    third_party = authorization.third_party
    disclosure_entries_record(
        customer_ids=[authorization.customer_id],
        recipient_name=third_party.name,
        recipient_address=third_party.contact,
        categories=CATEGORIES + (["bills"] if bills else []),
        purpose=third_party.purpose[:200],
        basis_kind="consent",
        basis_ref=f"consent {authorization.consent_id}: {path.removeprefix(RESOURCE_ROOT)}"[:100],
    )


def disclosed_in_words(entry, consent) -> str | None:
    """What one of this module's accounting entries disclosed, in the customer's words and language (the
    accounting's summary groups by them): the resource's kind and the readings' period, which starts on the
    day the consent covers from and runs to the fetch. None for any other entry."""
    if consent is None or not entry.basis_ref.startswith(f"consent {consent.pk}: "):
        return None
    path = entry.basis_ref.split(": ", 1)[1]
    since = {"since": long_date(consent.covers_from)}
    if path.startswith("Batch/"):
        if "bills" in entry.category_list:
            return (
                _("All you authorized: your usage readings since %(since)s and your bills' summaries") % since
            )
        return _("All you authorized: your usage readings since %(since)s") % since
    if "/UsageSummary" in path:
        return _("Your bills' summaries since %(since)s") % since
    if "/IntervalBlock" in path:
        return _("Your usage readings since %(since)s") % since
    if "/MeterReading" in path or path.startswith(("ReadingType", "LocalTimeParameters")):
        return _("How your readings are recorded: their kinds, units and time zone")
    return _("Which meters and services you share")


# The gate's reason for a third party's read it allowed names the consent the read stood on.
_CONSENT_READ = re.compile(r"(?:^|; )consent (?P<consent>\d+)(?:;|$)")


def reads_why_in_words(events) -> dict[int, str]:
    """Why apps the customer authorised read their data, in the customer's words and language, for a page of
    events at once (one query): on their authorisation in My account (the one the read stood on; for a
    refused read, their latest of the app) for the purpose they authorised the app for, the app's own words
    they agreed to, as "Who we gave it to" tells it. By the event's position in the log; nothing for any
    other event."""
    reads = [
        e
        for e in events
        if e.actor_kind == "third_party" and e.actor_id.isdigit() and e.customer_id.isdigit()
    ]
    pairs = {(int(e.actor_id), int(e.customer_id)) for e in reads}
    if not pairs:
        return {}
    latest, stood_on = {}, {}
    for authorization in (
        Authorization.objects.filter(
            reduce(or_, (Q(third_party_id=app, customer_id=customer) for app, customer in pairs))
        )
        .select_related("third_party", "consent")
        .order_by("-created_at", "-pk")
    ):
        pair = (authorization.third_party_id, authorization.customer_id)
        latest.setdefault(pair, authorization)
        stood_on.setdefault((*pair, authorization.consent_id), authorization)  # the newest on that consent
    words = {}
    for e in reads:
        pair = (int(e.actor_id), int(e.customer_id))
        consent = _CONSENT_READ.search(e.reason)
        authorization = stood_on.get((*pair, int(consent["consent"]))) if consent else latest.get(pair)
        if authorization is not None:
            words[e.seq] = _("Your authorization in My account, given on %(date)s, for: %(purpose)s") % {
                "date": long_date(timezone.localtime(authorization.consent.signed_at).date()),
                "purpose": authorization.third_party.purpose,
            }
    return words


def resource_serve(
    *, authorization: Authorization, path: str, base_url: str, client_ip: str = "", window=(None, None)
) -> bytes | None:
    """The resource at `path` for the authorisation's third party, read through the gate (raises
    gate.Denied when the consent no longer stands) and accounted as a disclosure in the same transaction;
    None when the subscription holds no such resource (nothing disclosed). `window`: the request's
    published-min/-max (`query_window`)."""
    with transaction.atomic():
        feed = subscription_feed(
            authorization=authorization, base_url=base_url, client_ip=client_ip, window=window
        )
        part = _part(feed, path)
        if part is None:
            return None
        start, end = _period(authorization, window)
        if start >= end:
            return part  # nothing of the customer's in it: nothing disclosed
        disclosure_record(authorization=authorization, path=path, bills=holds_summary(part))
    return part


def holds_summary(document: bytes) -> bool:
    """Whether a served document holds a UsageSummary (its closing tag: a link's href never ends so)."""
    return b"UsageSummary>" in document
