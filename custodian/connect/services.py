"""Writes of Connect My Data: a third party registers (pending until reviewed), the privacy officer approves,
refuses or suspends it, a customer authorises it (an electronic consent with the exact words shown) and
revokes it (the consent revoked and every token of it deleted, in one transaction). Each is an event in the
access log, written in the same transaction."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.bounds import shown_text
from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.outbound import developer_machine, literal_address_refused
from custodian.connect.scopes import ScopeError, reads_bills, scope_parse, services_of_scope
from custodian.dates import day_words
from custodian.disclosures.services import consent_record, consent_revoke
from custodian.disclosures.services.accounting import reviews_access_of
from custodian.policy.loader import current_policy
from custodian.staff.services import staff_decision_append
from custodian.usage.services import usage_points_held
from custodian.vault.gate import customer_actor

# How long a customer may let an authorisation run; they choose, and may revoke it any day.
DURATIONS = {"90": 90, "365": 365, "1095": 1095}
CATEGORIES = ["meter_usage"]
BILL_CATEGORIES = ["bills"]


def categories_of_scope(scope) -> list[str]:
    """What a consent to the scope covers: meter data, and the bills when it asks for usage summaries."""
    return CATEGORIES + (BILL_CATEGORIES if reads_bills(scope) else [])


class ConnectError(ValueError):
    """A registration, review or authorisation that can't be made; the message says what was wrong."""


@dataclass(frozen=True)
class Registration:
    third_party: ThirdParty
    client_id: str
    client_secret: str  # shown once; only its hash is kept ("" for a public client)


def _uri_checked(uri: str, what: str) -> str:
    parts = urlsplit(uri)
    # Plain http only to a developer's own machine, and only in development (as the toolkit's setting).
    if parts.fragment or not parts.hostname or not (parts.scheme == "https" or developer_machine(uri)):
        raise ConnectError(
            _("%(what)s %(uri)r must be https, without a fragment") % {"what": what, "uri": uri}
        )
    refused = literal_address_refused(uri)
    if refused:
        raise ConnectError(
            _("%(what)s %(uri)r: %(refused)s") % {"what": what, "uri": uri, "refused": refused}
        )
    return uri


def _redirect_uris_checked(text: str) -> list[str]:
    uris = [u.strip() for u in text.split() if u.strip()]
    if not uris:
        raise ConnectError(_("name at least one redirect URI"))
    return [_uri_checked(uri, _("redirect URI")) for uri in uris]


@transaction.atomic
def third_party_register(
    *,
    name: str,
    contact: str,
    website: str,
    purpose: str,
    data_practices: str,
    redirect_uris: str,
    scopes: str,
    public_client: bool,
    notify_uri: str = "",
) -> Registration:
    """Register a third party (ESPI ApplicationInformation). It can do nothing until the privacy officer
    approves it. A confidential client gets a secret shown once; a public one (an app on a phone) has none
    and must use PKCE, as every client must. Its notify URI, when given, is where the list of new data is
    posted (ESPI BatchList)."""
    try:  # what the customer reads on the consent screen reads as it was typed
        name, contact, purpose, data_practices = (
            shown_text(text or "") for text in (name, contact, purpose, data_practices)
        )
    except ValueError as exc:
        raise ConnectError(str(exc)) from None
    fields = {"name": name, "contact": contact, "website": website, "purpose": purpose}
    missing = [k for k, v in {**fields, "data_practices": data_practices}.items() if not (v or "").strip()]
    if missing:
        raise ConnectError(_("a registration names %(missing)s") % {"missing": ", ".join(missing)})
    scope_list = [line.strip() for line in scopes.splitlines() if line.strip()]
    if not scope_list:
        raise ConnectError(_("name at least one ESPI scope string"))
    for line in scope_list:
        try:
            scope_parse(line)
        except ScopeError as exc:
            raise ConnectError(_("scope %(line)r: %(problem)s") % {"line": line, "problem": exc}) from None
    uris = _redirect_uris_checked(redirect_uris)
    notify_uri = _uri_checked(notify_uri.strip(), _("notify URI")) if (notify_uri or "").strip() else ""
    secret = "" if public_client else secrets.token_urlsafe(40)
    application = Application(
        name=name.strip()[:255],
        client_type=Application.CLIENT_PUBLIC if public_client else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
    )
    application.save()
    third_party = ThirdParty.objects.create(
        application=application,
        name=name.strip(),
        contact=contact.strip(),
        website=website.strip(),
        purpose=purpose.strip(),
        data_practices=data_practices.strip(),
        scopes="\n".join(scope_list),
        notify_uri=notify_uri,
    )
    append_change(
        action=Action.THIRD_PARTY_REGISTERED,
        actor_kind="third_party",
        actor_id=str(third_party.pk),
        actor_label=third_party.name[:100],
        reason=f"third party {third_party.pk} registered; waits for the privacy officer's review",
    )
    return Registration(third_party=third_party, client_id=application.client_id, client_secret=secret)


def _tokens_delete(*, user=None, application) -> None:
    """Every token and code of the application (of one user, when given): deleted, so none is usable."""
    mine = {"application": application} | ({"user": user} if user is not None else {})
    for refresh in RefreshToken.objects.filter(revoked__isnull=True, **mine):
        refresh.revoke()
    AccessToken.objects.filter(**mine).delete()
    Grant.objects.filter(**mine).delete()


@transaction.atomic
def third_party_review(*, third_party: ThirdParty, reviewed_by, decision: str, note: str = "") -> ThirdParty:
    """The privacy officer's decision on a third party: approved (it may ask customers), refused, or
    suspended (every token it holds ends now; customers' consents stay theirs to revoke)."""
    if not reviews_access_of(reviewed_by):
        raise ConnectError("the privacy officer reviews third parties")
    if decision not in {ThirdParty.Status.APPROVED, ThirdParty.Status.REFUSED, ThirdParty.Status.SUSPENDED}:
        raise ConnectError(f"{decision!r} is not a review decision (approved, refused, suspended)")
    if decision != ThirdParty.Status.APPROVED and not note.strip():
        raise ConnectError("say why the third party is refused or suspended")
    third_party.status = decision
    third_party.reviewed_by = reviewed_by
    third_party.reviewed_at = timezone.now()
    third_party.review_note = note.strip()[:500]
    third_party.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    if decision != ThirdParty.Status.APPROVED:
        _tokens_delete(application=third_party.application)
    staff_decision_append(
        Action.THIRD_PARTY_REVIEWED,
        by=reviewed_by,
        reason=f"third party {third_party.pk} {decision}"
        + (f": {note.strip()[:200]}" if note.strip() else ""),
    )
    return third_party


# A service as the customer's consent names it, in their language ("my electricity meter data").
SERVICE_WORDS = {
    "electric": gettext_noop("electricity"),
    "gas": gettext_noop("natural gas"),
    "water": gettext_noop("water"),
}


def meters_to_choose(held: dict[str, list[str]], *, scope: str) -> dict[str, list[str]]:
    """The services whose meters the customer chooses one by one: those the scope covers where they have
    several usage points, when the scope serves several (function block 18; without it only the first
    meter of a service is sent, so there is nothing to choose)."""
    parsed = scope_parse(scope)
    if 18 not in parsed.function_blocks:
        return {}
    return {s: keys for s, keys in held.items() if s in services_of_scope(parsed) and len(keys) > 1}


def meter_words(key: str) -> str:
    """A usage point in the customer's words: `electric#2` → "electricity meter 2"."""
    service, _sep, number = key.partition("#")
    return _("%(service)s meter %(number)s") % {"service": _(SERVICE_WORDS[service]), "number": number or 1}


def history_start(scope: str, today: date) -> date:
    """The first day of the past data an authorisation of `scope` given `today` covers: the first of the
    month, as many months back as the scope's history length counts (this month included). The consent screen
    shows it and the consent's words say it."""
    months = scope_parse(scope).history_months
    return (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)


def consent_text(
    *,
    third_party: ThirdParty,
    scope: str,
    services,
    expires_on: date,
    covers_from: date,
    meters: dict[str, tuple[list[str], int]] | None = None,
) -> str:
    """The exact words the customer agrees to, kept with the consent. `meters`: for a service whose meters
    the customer chose one by one, the ones chosen and how many they have."""
    parsed = scope_parse(scope)
    meters = meters or {}

    def words(service):
        name = _(SERVICE_WORDS[service])
        if service not in meters:
            return name
        chosen, of = meters[service]
        numbers = [k.partition("#")[2] or "1" for k in chosen]
        return ngettext(
            "%(service)s (meter %(listed)s of my %(of)s only)",
            "%(service)s (meters %(listed)s of my %(of)s only)",
            len(numbers),
        ) % {"service": name, "listed": get_text_list(numbers, _("and")), "of": of}

    return _(
        "I authorize %(name)s (%(contact)s) to receive my %(services)s meter data from %(utility)s: "
        "%(what)s, from %(from)s on, for this purpose: %(purpose)s. This authorization ends on %(ends)s "
        "unless I revoke it sooner in the customer portal; revoking it stops every later transfer at once. "
        "%(name)s says of its data practices: %(practices)s"
    ) % {
        "name": third_party.name,
        "contact": third_party.contact,
        "services": ", ".join(words(s) for s in services),
        "utility": current_policy().utility["name"],
        "what": parsed.plain_words(),
        "from": day_words(covers_from),
        "ends": day_words(expires_on),
        "purpose": third_party.purpose,
        "practices": third_party.data_practices,
    }


@transaction.atomic
def authorization_grant(
    *,
    customer,
    user,
    third_party: ThirdParty,
    scope: str,
    services,
    duration_days: int,
    usage_points=(),
    client_ip: str = "",
) -> Authorization:
    """A customer authorises an approved third party: an electronic consent with the exact words shown,
    and the authorisation joining it to the scope, services and, where the customer has several meters of a
    service, the meters they chose. An earlier authorisation of the same third party by the same customer
    is revoked first (with its tokens): one in force at a time."""
    if not third_party.approved:
        raise ConnectError(_("this third party is not approved"))
    if scope not in third_party.scope_list:
        raise ConnectError(_("the third party did not register this scope"))
    chosen = sorted(set(services))
    allowed = services_of_scope(scope_parse(scope))
    if not chosen or not set(chosen) <= allowed:
        raise ConnectError(
            _("choose among the services the scope covers: %(services)s")
            % {"services": ", ".join(sorted(allowed))}
        )
    if duration_days not in DURATIONS.values():
        raise ConnectError(_("choose how long the authorization lasts"))
    points = sorted(set(usage_points))
    # The customer's own act: the meters they hold, as they themself see them.
    held = usage_points_held(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
    choosable = meters_to_choose(held, scope=scope)
    if not set(points) <= {k for s, keys in choosable.items() if s in chosen for k in keys}:
        raise ConnectError(_("choose among your meters shown for the services you chose"))
    meters = {}
    for service in chosen:
        if service in choosable:
            mine = [k for k in choosable[service] if k in points]
            if not mine:
                raise ConnectError(
                    _("choose at least one %(service)s meter") % {"service": _(SERVICE_WORDS[service])}
                )
            meters[service] = (mine, len(choosable[service]))
    # Whole services when there was nothing to choose; otherwise exactly the meters chosen (and the one
    # meter of any other service chosen), so a meter added later is not sent without being asked.
    stored = [k for s in chosen for k in (meters[s][0] if s in meters else [s])] if meters else []
    for earlier in authorizations_in_force(user=user, third_party=third_party):
        authorization_revoke(authorization=earlier, how="replaced by a new authorization in the portal")
    today = timezone.localdate()
    expires_on = today + timedelta(days=duration_days)
    covers_from = history_start(scope, today)
    text = consent_text(
        third_party=third_party,
        scope=scope,
        services=chosen,
        expires_on=expires_on,
        covers_from=covers_from,
        meters=meters,
    )
    consent = consent_record(
        customer=customer,
        recipient_name=third_party.name,
        recipient_contact=third_party.contact,
        categories=categories_of_scope(scope_parse(scope)),
        purpose=third_party.purpose,
        covers_from=covers_from,
        expires_on=expires_on,
        signed_at=timezone.now(),
        method="electronic",
        text_shown=text,
        signer_ip=client_ip,
    )
    return Authorization.objects.create(
        customer=customer,
        third_party=third_party,
        consent=consent,
        user=user,
        scope=scope,
        services=",".join(chosen),
        usage_points=",".join(stored),
    )


def authorizations_in_force(*, user, third_party: ThirdParty):
    return [
        a
        for a in Authorization.objects.select_related("consent__revocation").filter(
            user=user, third_party=third_party
        )
        if getattr(a.consent, "revocation", None) is None
    ]


@transaction.atomic
def authorization_revoke(*, authorization: Authorization, how: str = "portal", recorded_by=None) -> None:
    """The customer's consent revoked and every token and code the third party holds for them deleted, in
    one transaction (`tokens_of_revoked_consent`): the next request with them is refused."""
    consent_revoke(consent=authorization.consent, how=how, recorded_by=recorded_by)


@transaction.atomic
def authorizations_end(*, customer_ids, how: str) -> int:
    """Every Connect My Data authorisation of these customers still standing ended, its consent revoked
    (`how`) and the third party's tokens deleted, before their portal sign-ins are deleted (an erasure, a
    closed account past its period): the third party gets nothing more, and the authorisation, its consent
    and the accounting of what went out under it stay on the record. How many were ended."""
    ended = 0
    standing = Authorization.objects.filter(
        customer_id__in=list(customer_ids), consent__revocation__isnull=True
    ).select_related("consent")
    for authorization in standing:
        consent_revoke(consent=authorization.consent, how=how)
        ended += 1
    return ended


def tokens_of_revoked_consent(*, consent, **_) -> None:
    """Receiver of `disclosures.signals.consent_revoked`, wherever the consent is revoked (the portal's
    authorisations, its consents page, a letter recorded by staff): the tokens die with it. An authorisation
    whose sign-in is gone has none left (they went with the sign-in); without this check every customer's
    tokens of the application would be deleted."""
    authorization = (
        Authorization.objects.select_related("third_party__application").filter(consent=consent).first()
    )
    if authorization is not None and authorization.user_id is not None:
        _tokens_delete(user=authorization.user, application=authorization.third_party.application)
