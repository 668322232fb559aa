"""What Connect My Data keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "correspondence" category, beside the consent each rests on): each app
the customer let fetch their data, by the name it was registered under, the services whose meter data it
may fetch, and whether the authorisation stands (it ends with its consent). What each fetch gave is in "To
whom we gave your data". Called only once the gate has allowed the read of the category."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.connect.models import Authorization
from custodian.connect.services import SERVICE_WORDS
from custodian.dates import day_words
from custodian.disclosures.records import consent_standing, consent_standing_code
from custodian.vault.record_tables import Kept, fields, in_words, kept_register, listed, moment


def _services(a: Authorization) -> list[tuple[str, str]]:
    return [(s, _(SERVICE_WORDS[s]) if s in SERVICE_WORDS else s) for s in a.service_list]


AUTHORIZATIONS = (
    Kept(
        "connect_authorizations",
        gettext_lazy("Apps you let fetch your data (Connect My Data)"),
        Authorization,
        moment("created_at", key="authorized_at", words=day_words),
        (
            in_words(lambda a: a.third_party.name, key="app", code=None, header=gettext_lazy("App")),
            listed(_services, key="services", header=gettext_lazy("Meter data of")),
            fields(usage_points="usage_point_list"),
            in_words(
                lambda a: consent_standing(a.consent),
                key="status",
                code=lambda a: consent_standing_code(a.consent),
                header=gettext_lazy("Status"),
            ),
        ),
        related=("third_party", "consent", "consent__revocation"),
        category="correspondence",
    ),
)


def register() -> None:
    """Connect My Data's reader of the correspondence category (from the app's `ready`)."""
    kept_register(*AUTHORIZATIONS)
