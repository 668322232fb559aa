"""The ESPI resources of a third party's own view, fetched with its client credentials token (no customer
behind it): its registration (`ApplicationInformation/{id}`), the authorisations customers gave it
(`Authorization`, `Authorization/{id}`) and every standing authorisation's subscription in one feed
(`Batch/Bulk/{bulkId}`). Each validates against the ESPI schema.

The registration and the authorisations are the third party's own records: they name no customer (an
authorisation is its id, status, scope, period and links), so serving them reads nothing through the gate.
The bulk feed is customers' data: each customer's subscription is read through the gate as the third party
under that customer's consent, and accounted as a disclosure to that customer, in the same transaction as
the rest of the feed; an authorisation revoked or past its end is left out."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.resources import RESOURCE_ROOT, disclosure_record, holds_summary, subscription_feed
from custodian.connect.scopes import ADMIN_SCOPES
from custodian.connect.selectors import authorization_standing, authorizations_of_third_party
from custodian.policy.loader import current_policy
from custodian.usage.espi import ATOM_NS, ESPI_NS, atom_time
from custodian.vault.gate import Denied
from custodian.vault.interval_files import LOCAL

# ESPI's codes: the utility's status of an application (1 review, 2 live, 3 on hold, 4 revoked) and of an
# authorisation (0 revoked, 1 active).
APPLICATION_STATUS = {
    ThirdParty.Status.PENDING: 1,
    ThirdParty.Status.APPROVED: 2,
    ThirdParty.Status.SUSPENDED: 3,
    ThirdParty.Status.REFUSED: 4,
}
AUTHORIZATION_REVOKED, AUTHORIZATION_ACTIVE = 0, 1


def _epoch(day) -> int:
    """The first second of a local calendar day."""
    return int(datetime(day.year, day.month, day.day, tzinfo=LOCAL).timestamp())


def _espi(tag: str, children: Sequence[tuple[str, object]]):
    element = etree.Element(f"{{{ESPI_NS}}}{tag}", nsmap={None: ESPI_NS})
    for name, value in children:
        child = etree.SubElement(element, f"{{{ESPI_NS}}}{name}")
        if isinstance(value, tuple):  # a DateTimeInterval: (start, duration)
            etree.SubElement(child, f"{{{ESPI_NS}}}duration").text = str(value[1])
            etree.SubElement(child, f"{{{ESPI_NS}}}start").text = str(value[0])
        else:
            child.text = str(value)
    return element


def _entry(*, self_href: str, up: str, related: Sequence[str], title: str, resource, stamp: str):
    entry = etree.Element(f"{{{ATOM_NS}}}entry", nsmap={None: ATOM_NS})
    etree.SubElement(entry, f"{{{ATOM_NS}}}id").text = f"urn:uuid:{_uuid(self_href)}"
    etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="self", href=self_href)
    etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="up", href=up)
    for href in related:
        etree.SubElement(entry, f"{{{ATOM_NS}}}link", rel="related", href=href)
    etree.SubElement(entry, f"{{{ATOM_NS}}}title").text = title
    etree.SubElement(entry, f"{{{ATOM_NS}}}content").append(resource)
    etree.SubElement(entry, f"{{{ATOM_NS}}}published").text = stamp
    etree.SubElement(entry, f"{{{ATOM_NS}}}updated").text = stamp
    return entry


def _uuid(href: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, urlsplit(href).path))


def _feed(*, self_href: str, title: str, stamp: str):
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS, "espi": ESPI_NS})
    etree.SubElement(feed, f"{{{ATOM_NS}}}id").text = f"urn:uuid:{_uuid(self_href + '#' + stamp)}"
    etree.SubElement(feed, f"{{{ATOM_NS}}}title").text = title
    etree.SubElement(feed, f"{{{ATOM_NS}}}updated").text = stamp
    etree.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", href=self_href)
    return feed


def _document(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def _root(base_url: str) -> str:
    return base_url.rstrip("/") + RESOURCE_ROOT.rstrip("/")


def application_information(*, third_party: ThirdParty, base_url: str) -> bytes:
    """The third party's registration as ESPI ApplicationInformation (an Atom entry).

    The schema requires `client_secret`, but Custodian keeps only the secret's hash (shown once at
    registration): the element is there and empty, never the hash, which is no secret's value and would
    only help someone guess it. `registration_access_token` is empty for the same reason (tokens are kept
    as digests); the third party obtains one with the client credentials grant. `software_id` and
    `software_version` were not asked at registration and are empty; `client_secret_expires_at` is 0 (the
    secret does not expire, RFC 7591)."""
    root = _root(base_url)
    site = base_url.rstrip("/")
    application = third_party.application
    self_href = f"{root}/ApplicationInformation/{third_party.pk}"
    customer_scopes = [s for s in third_party.scope_list if len(s) <= 256]
    confidential = application.client_type == application.CLIENT_CONFIDENTIAL
    grants = ["authorization_code", "refresh_token"] + (["client_credentials"] if confidential else [])
    children = [
        ("dataCustodianId", current_policy().utility["name"][:64]),
        ("dataCustodianApplicationStatus", APPLICATION_STATUS[third_party.status]),
        ("thirdPartyApplicationDescription", third_party.purpose[:256]),
        ("authorizationServerUri", site + "/"),
        ("thirdPartyNotifyUri", third_party.notify_uri),
        ("authorizationServerAuthorizationEndpoint", site + reverse("portal:connect_authorize")),
        ("authorizationServerRegistrationEndpoint", site + reverse("web:connect_register")),
        ("authorizationServerTokenEndpoint", site + reverse("connect:token")),
        ("dataCustodianBulkRequestURI", f"{root}/Batch/Bulk/{third_party.pk}"),
        ("dataCustodianResourceEndpoint", root),
        ("client_secret", ""),
        ("client_name", third_party.name[:256]),
        ("client_uri", third_party.website),
        *[("redirect_uri", uri) for uri in application.redirect_uris.split()],
        ("client_id", application.client_id[:64]),
        ("software_id", ""),
        ("software_version", ""),
        ("client_id_issued_at", int(third_party.registered_at.timestamp())),
        ("client_secret_expires_at", 0),
        ("contacts", third_party.contact[:256]),
        ("token_endpoint_auth_method", "client_secret_basic"),
        *[("scope", s) for s in customer_scopes + (list(ADMIN_SCOPES) if confidential else [])],
        *[("grant_types", g) for g in grants],
        ("response_types", "code"),
        ("registration_client_uri", self_href),
        ("registration_access_token", ""),
    ]
    entry = _entry(
        self_href=self_href,
        up=f"{root}/ApplicationInformation",
        related=(),
        title=third_party.name[:256],
        resource=_espi("ApplicationInformation", children),
        stamp=atom_time(timezone.now()),
    )
    return _document(entry)


def _authorization_entry(authorization: Authorization, root: str, stamp: str):
    consent = authorization.consent
    given = int(authorization.created_at.timestamp())
    ends = _epoch(consent.expires_on + timedelta(days=1)) if consent.expires_on else given
    revocation = getattr(consent, "revocation", None)
    if revocation is not None:
        ends = min(ends, int(revocation.revoked_at.timestamp()))
    now = int(timezone.now().timestamp())
    resource_uri = f"{root}/Batch/Subscription/{authorization.pk}"
    self_href = f"{root}/Authorization/{authorization.pk}"
    status = AUTHORIZATION_ACTIVE if authorization_standing(authorization) else AUTHORIZATION_REVOKED
    covered = _epoch(consent.covers_from)
    resource = _espi(
        "Authorization",
        [
            ("authorizedPeriod", (given, max(0, ends - given))),
            ("publishedPeriod", (covered, max(0, min(now, ends) - covered))),
            ("status", status),
            ("expires_at", ends),
            ("grant_type", "authorization_code"),
            ("scope", authorization.scope[:256]),
            ("token_type", "Bearer"),
            ("resourceURI", resource_uri),
            ("authorizationURI", self_href),
        ],
    )
    return _entry(
        self_href=self_href,
        up=f"{root}/Authorization",
        related=(resource_uri,),
        title=f"Authorization {authorization.pk}",
        resource=resource,
        stamp=stamp,
    )


def authorizations_document(
    *, third_party: ThirdParty, base_url: str, authorization_id: int | None = None
) -> bytes | None:
    """The authorisations customers gave the third party, as a feed; one of them as an entry when
    `authorization_id` is given (None when it is not this third party's)."""
    root = _root(base_url)
    stamp = atom_time(timezone.now())
    authorizations = authorizations_of_third_party(third_party=third_party)
    if authorization_id is not None:
        found = [a for a in authorizations if a.pk == authorization_id]
        return _document(_authorization_entry(found[0], root, stamp)) if found else None
    feed = _feed(self_href=f"{root}/Authorization", title="Authorizations", stamp=stamp)
    for authorization in authorizations:
        feed.append(_authorization_entry(authorization, root, stamp))
    return _document(feed)


def bulk_serve(*, third_party: ThirdParty, base_url: str, client_ip: str = "") -> bytes:
    """Every standing authorisation's subscription in one feed (ESPI Batch/Bulk): each customer's data read
    through the gate as the third party under that customer's consent, and one disclosure entry for that
    customer, all in one transaction (the feed is served whole, or nothing is accounted). An authorisation
    whose consent the gate no longer honours (revoked a moment ago) is left out, its refusal logged by the
    gate."""
    root = _root(base_url)
    path = f"{RESOURCE_ROOT}Batch/Bulk/{third_party.pk}"
    feed = _feed(
        self_href=f"{root}/Batch/Bulk/{third_party.pk}",
        title="Green Button bulk",
        stamp=atom_time(timezone.now()),
    )
    seen: set[str] = set()
    with transaction.atomic():
        for authorization in authorizations_of_third_party(third_party=third_party):
            if not authorization_standing(authorization):
                continue
            try:
                with transaction.atomic():
                    one = subscription_feed(
                        authorization=authorization, base_url=base_url, client_ip=client_ip
                    )
                    disclosure_record(authorization=authorization, path=path, bills=holds_summary(one))
            except Denied:
                continue
            for entry in etree.fromstring(one).iterfind(f"{{{ATOM_NS}}}entry"):
                self_link = entry.find(f"{{{ATOM_NS}}}link[@rel='self']")
                href = self_link.get("href") if self_link is not None else ""
                if href in seen:  # the utility's one LocalTimeParameters, in every subscription
                    continue
                seen.add(href)
                feed.append(entry)
    return _document(feed)
