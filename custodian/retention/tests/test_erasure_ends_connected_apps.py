"""Deleting a customer's online account (an erasure request, or a closed account past its period) first cuts
off the apps they authorised under Connect My Data: the consent is revoked, the app's tokens for them are
deleted, and the authorisation stays on the record with the accounting of what went out under it. An
authorisation, standing or revoked, never stops the deletion; another customer's tokens of the same app are
untouched."""

from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import AccessToken

from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.services import authorization_grant, authorization_revoke, third_party_review
from custodian.portal.models import PortalAccount
from custodian.retention.online_accounts import online_accounts_delete
from custodian.testing.connect import SCOPE, register
from custodian.testing.portal import password_again, signed_in


def _authorised(customer, user, third_party):
    authorization = authorization_grant(
        customer=customer,
        user=user,
        third_party=third_party,
        scope=SCOPE,
        services=["electric"],
        duration_days=365,
    )
    AccessToken.objects.create(
        user=user,
        application=third_party.application,
        token=f"token-of-{customer.pk}",
        expires=timezone.now() + timedelta(hours=1),
        scope=SCOPE,
    )
    return authorization


def _approved(privacy_officer):
    register()
    third_party = ThirdParty.objects.get()
    third_party_review(third_party=third_party, reviewed_by=privacy_officer, decision="approved")
    return third_party


def test_delete_my_data_ends_the_apps_and_deletes_the_sign_in(households, privacy_officer):
    (alice, app), (bob, bob_app) = households
    client = signed_in(app, "alice@example.org")
    bobs = signed_in(bob_app, "bob@example.org")
    third_party = _approved(privacy_officer)
    alices_user = PortalAccount.objects.get(customer=alice).user
    bobs_user = PortalAccount.objects.get(customer=bob).user
    authorization = _authorised(alice, alices_user, third_party)
    _authorised(bob, bobs_user, third_party)

    done = password_again(client).post("/portal/me/delete-my-data/", {"understood": "on"})
    assert done.status_code == 200 and "Deleted today" in done.content.decode()
    assert not PortalAccount.objects.filter(customer=alice).exists()
    authorization.refresh_from_db()
    assert authorization.user is None and authorization.consent.revocation.how == "online account deleted"
    assert not AccessToken.objects.filter(token=f"token-of-{alice.pk}").exists()
    # Bob's authorisation of the same app, and his token, stand.
    assert AccessToken.objects.filter(token=f"token-of-{bob.pk}").exists()
    assert not hasattr(Authorization.objects.get(customer=bob).consent, "revocation")
    assert bobs.get("/portal/me/").status_code == 200


def test_a_revoked_authorisation_does_not_stop_the_retention_deletion(households, privacy_officer):
    (alice, app), _ = households
    signed_in(app, "alice@example.org")
    third_party = _approved(privacy_officer)
    user = PortalAccount.objects.get(customer=alice).user
    authorization_revoke(authorization=_authorised(alice, user, third_party))
    assert online_accounts_delete([alice.pk]) == 1
    assert Authorization.objects.get(customer=alice).user is None
