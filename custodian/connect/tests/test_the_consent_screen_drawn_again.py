"""The Connect My Data consent screen sent with a choice it can't take (a length it does not offer, no service
ticked) is drawn again with the field's error and 400, like every form: the third party's name and what it
asks still on the page, not "not one we know" nor "can't be shown"; sent again right, it is taken.

Personas: Pat (online), asked by a third party the privacy officer approved."""

import pytest

from custodian.connect.models import Authorization
from custodian.connect.tests.test_connect_my_data import (
    approved_third_party,
    authorize_url,
    consent_answer,
    pkce,
)
from custodian.testing.portal import signed_in

SCREEN = "/portal/connect/authorize/"


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        ({"duration": "7"}, "Select a valid choice"),
        ({"services": []}, "Choose the data of at least one service."),
    ],
)
def test_a_choice_the_screen_cannot_take_draws_it_again(households, privacy_officer, wrong, said):
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    client_id, _ = approved_third_party(privacy_officer)
    _, challenge = pkce()
    assert pat.get(authorize_url(client_id, challenge)).status_code == 200
    form = consent_answer(
        client_id,
        code_challenge=challenge,
        code_challenge_method="S256",
        services=["electric"],
        duration="365",
    )
    again = pat.post(SCREEN, {**form, **wrong})
    page = again.content.decode()
    assert again.status_code == 400 and said in page
    assert "Share my meter data with" in page and 'name="duration"' in page
    assert "not one we know" not in page and "This request can" not in page
    assert not Authorization.objects.exists()
    assert pat.post(SCREEN, form).status_code == 302
