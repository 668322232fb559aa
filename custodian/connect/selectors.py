"""Reads of Connect My Data, each taking the asker: the customer's authorisations, the privacy officer's
review list, and the authorisation behind a bearer token."""

from datetime import date

from custodian.casework.choices import RepresentativeScope
from custodian.connect.models import Authorization, ThirdParty
from custodian.disclosures.models import Consent
from custodian.staff.selectors import reviews_access
from custodian.vault.gate import Actor, Denied


def authorization_standing(authorization: Authorization) -> bool:
    """Its consent stands (`Consent.lapse`: the rule the gate checks again on every read)."""
    return authorization.consent.lapse() is None


def authorizations_of_customer(*, fetched_by: Actor) -> list[Authorization]:
    """The signed-in customer's authorisations, newest first, with their third parties and consents."""
    if not fetched_by.reads_own(fetched_by.customer_id, scope=RepresentativeScope.CONSENTS):
        raise Denied("authorisations_not_the_askers")
    return list(
        Authorization.objects.select_related("third_party", "consent__revocation")
        .filter(customer_id=fetched_by.customer_id)
        .order_by("-created_at")
    )


def authorization_of_customer(*, fetched_by: Actor, authorization_id: int) -> Authorization:
    for authorization in authorizations_of_customer(fetched_by=fetched_by):
        if authorization.pk == authorization_id:
            return authorization
    raise Denied("no_such_authorisation")


def third_parties_for_review(*, fetched_by: Actor) -> list[ThirdParty]:
    """Every registered third party, those waiting for review first (the privacy officer's list)."""
    if fetched_by.kind != "staff" or not reviews_access(fetched_by.services):
        raise Denied("third_parties_reviewer_only")
    order = {ThirdParty.Status.PENDING: 0, ThirdParty.Status.APPROVED: 1}
    return sorted(ThirdParty.objects.all(), key=lambda t: (order.get(t.status, 2), -t.pk))


def third_party_for_review(*, fetched_by: Actor, third_party_id: int) -> ThirdParty:
    for third_party in third_parties_for_review(fetched_by=fetched_by):
        if third_party.pk == third_party_id:
            return third_party
    raise Denied("no_such_third_party")


def approved_third_party_of_client(client_id: str) -> ThirdParty | None:
    """The approved third party whose OAuth client this is; None for an unknown client and an unapproved one
    alike, as the authorization server answers them (a NUL is in no client id, and PostgreSQL refuses it)."""
    if not client_id or "\x00" in client_id:
        return None
    third_party = ThirdParty.objects.filter(application__client_id=client_id).first()
    return third_party if third_party is not None and third_party.approved else None


def authorization_of_user(
    *, user_id, third_party: ThirdParty, scope: str | None = None
) -> Authorization | None:
    """The newest authorisation in force of this customer's portal user for this approved third party (of
    this scope, when given). None otherwise."""
    if user_id is None or not third_party.approved:
        return None
    wanted = {"user_id": user_id, "third_party": third_party} | (
        {"scope": scope} if scope is not None else {}
    )
    for authorization in (
        Authorization.objects.select_related("consent__revocation", "third_party")
        .filter(**wanted)
        .order_by("-created_at")
    ):
        if authorization_standing(authorization):
            return authorization
    return None


def authorization_of_token(access_token) -> Authorization | None:
    """The authorisation in force that a bearer token acts under: the token's customer and third party,
    the same scope, the third party still approved, the consent neither revoked nor expired. None
    otherwise."""
    third_party = getattr(access_token.application, "third_party", None)
    if third_party is None:
        return None
    return authorization_of_user(
        user_id=access_token.user_id, third_party=third_party, scope=access_token.scope
    )


def third_party_of_client_token(access_token, *, scope: str) -> ThirdParty | None:
    """The approved third party a client credentials token (no customer behind it) speaks for, when the
    token carries `scope`; None for a customer's token, another scope, or a third party no longer
    approved."""
    if access_token.user_id is not None or scope not in access_token.scope.split():
        return None
    third_party = getattr(access_token.application, "third_party", None)
    if third_party is None or not third_party.approved:
        return None
    return third_party


def authorizations_of_third_party(*, third_party: ThirdParty) -> list[Authorization]:
    """Every authorisation customers gave this third party, oldest first, standing or not (its own record
    of them, ESPI's Authorization resources)."""
    return list(
        Authorization.objects.select_related("consent__revocation", "third_party")
        .filter(third_party=third_party)
        .order_by("pk")
    )


def consents_ending(*, fetched_by: Actor, customer_id: int, on: date, until: date) -> list[dict]:
    """The customer's consents, Connect My Data authorisations among them, that expire between the two days
    and are not revoked, soonest first, as plain values for the portal home: `ends_on`, and `app` (the third
    party's name, for an authorisation; None for a consent, whose recipient is sealed and not read here).
    One query; only clear columns. For the customer themself or their representative whose authority
    covers consents; none for anyone else (nor a word that there are any)."""
    if not fetched_by.reads_own(customer_id, scope=RepresentativeScope.CONSENTS):
        return []
    rows = (
        Consent.objects.filter(
            customer_id=customer_id, expires_on__gte=on, expires_on__lte=until, revocation__isnull=True
        )
        .order_by("expires_on", "pk")
        .values_list("expires_on", "connect_authorization__third_party__name")
    )
    return [{"ends_on": ends_on, "app": app} for ends_on, app in rows]
