"""A statutory release is chosen and checked by its key (the entry as the policy file adopted it), never by
the words it is shown in: Priya the privacy officer, her console in Spanish, records the police department's
request under the law enforcement release; it is taken and marked as a law enforcement request, as in English,
and the disclosure desk's form offers each release by its key in Spanish words.

Personas: Priya the privacy officer, Lena of legal (the second approver), the customer asked about."""

import pytest
from django.utils import translation

from custodian.console.disclosure_views import AuthorityForm
from custodian.disclosures.services import AccountingError, law_enforcement_release, statute_releases
from custodian.testing import police_request

POLICE_RELEASE = "A law enforcement agency, for an investigation"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_release_is_taken_by_its_key_in_either_language(customer, privacy_officer, counsel, language):
    with translation.override(language):
        authority = police_request(
            customer, privacy_officer, counsel, approved=False, is_law_enforcement=False
        )
        assert law_enforcement_release(POLICE_RELEASE)
    assert authority.statute_release == POLICE_RELEASE
    assert authority.is_law_enforcement


def test_a_release_in_the_words_shown_is_no_key(customer, privacy_officer, counsel):
    with translation.override("es"):
        (spanish,) = [words for key, words in statute_releases() if key == POLICE_RELEASE]
        assert spanish == "Una agencia del orden público, para una investigación"
        assert not law_enforcement_release(spanish)
        with pytest.raises(AccountingError, match="release list"):
            police_request(customer, privacy_officer, counsel, approved=False, statute_release=spanish)


def test_the_form_offers_each_release_by_its_key_in_the_staff_member_s_words():
    with translation.override("es"):
        choices = dict(AuthorityForm().fields["statute_release"].choices)
    assert choices[POLICE_RELEASE] == "Una agencia del orden público, para una investigación"
