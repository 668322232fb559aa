"""The letters with a code that lifts an online account's limit: at most three in 30 days, then the page asks
the customer to call (and says so before); and a code mailed before the site's secret key was rotated still
works while the old key is kept as a fallback, while one whose key is gone is answered "ask for a new letter",
not counted as a wrong entry.

Personas: someone holding Carol's paper bill (who keeps asking for letters), and Carol."""

from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.outbox.models import OutboundMessage
from custodian.portal.mailed_code import CODE_SPENT, LimitError, code_letter_again, code_printed, limit_lift
from custodian.portal.models import PortalAccount
from custodian.portal.tests.test_binding_acts_wait_for_the_mailed_code import (  # noqa: F401 (fixture)
    ATTACKER,
    CAROL_BILL,
    online,
)

PAGE = "/portal/me/code-from-our-letter/"


def a_day_later(account):
    """As if the latest letter went out two days ago: a new one may be asked for."""
    PortalAccount.objects.filter(pk=account.pk).update(code_sent_at=timezone.now() - timedelta(days=2))


def letters(customer) -> int:
    return OutboundMessage.objects.filter(to_customer=customer, template="portal_signed_up").count()


def test_a_fourth_letter_in_30_days_is_not_mailed_and_the_page_says_to_call(carol):  # noqa: F811
    holder = online(CAROL_BILL, ATTACKER)
    account = PortalAccount.objects.get(customer=carol)
    assert "at most 3 letters with a code in 30 days" in holder.get(PAGE).content.decode()
    for _ in range(2):
        a_day_later(account)
        code_letter_again(account_id=account.pk)
    assert letters(carol) == 3
    a_day_later(account)
    with pytest.raises(LimitError, match="Call us at 507-451-2480"):
        code_letter_again(account_id=account.pk)
    assert letters(carol) == 3
    page = holder.get(PAGE).content.decode()
    assert "the most we send. Call us at 507-451-2480" in page and "Mail me a new letter" not in page
    answered = holder.post(PAGE, {"step": "letter"}, follow=True).content.decode()
    assert "Call us at 507-451-2480" in answered and letters(carol) == 3


def test_a_code_mailed_before_the_key_was_rotated_still_lifts_the_limit(carol, settings):  # noqa: F811
    online(CAROL_BILL, "carol@example.net")
    account = PortalAccount.objects.get(customer=carol)
    code = code_printed(carol.pk)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new site key, rotated after the letter was mailed"
    assert code_printed(carol.pk) == code  # a letter not yet printed prints the code it was issued with
    limit_lift(account_id=account.pk, code=code)
    assert not PortalAccount.objects.get(pk=account.pk).limited


def test_a_code_whose_key_is_gone_asks_for_a_new_letter_and_counts_no_failure(carol, settings):  # noqa: F811
    online(CAROL_BILL, "carol@example.net")
    account = PortalAccount.objects.get(customer=carol)
    code = code_printed(carol.pk)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a new site key, the old one dropped", []
    with pytest.raises(LimitError) as refused:
        limit_lift(account_id=account.pk, code=code)
    assert str(refused.value) == str(CODE_SPENT) and "Ask for a new letter" in str(refused.value)
    assert PortalAccount.objects.get(pk=account.pk).code_failures == 0
