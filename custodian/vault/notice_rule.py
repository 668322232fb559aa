"""The notice rule's questions about stored values, answered without opening any (Minn. Stat. § 13.05
subd. 4: private data are used only for the purposes stated when they were collected, or with consent).

The gate asks them on every read; callers that read in bulk ask `notice_uncovered_among` first and leave
those customers out, as they leave out those who opted out of marketing."""

from collections.abc import Sequence

from custodian.policy.loader import current_policy
from custodian.vault.choices import MADE_BY_THE_UTILITY
from custodian.vault.models import PersonalValue
from custodian.vault.normalize import MARKETING_OPTED_IN
from custodian.vault.services import blind_index_of

# The consents the vault itself holds: the customer's own opt-in to marketing (given in the portal or told to
# staff, with its provenance) is consent to marketing whatever an older notice named.
MARKETING = "marketing"


def consented_to(*, customer_id: int, purpose: str) -> bool:
    """Whether the customer consented to this purpose (today: an opt-in to marketing, for marketing)."""
    if purpose != MARKETING:
        return False
    return PersonalValue.objects.filter(
        customer_id=customer_id,
        field="marketing_preference",
        blind_index=blind_index_of("marketing_preference", MARKETING_OPTED_IN),
        superseded_at__isnull=True,
    ).exists()


def notice_uncovered_among(*, customer_ids: Sequence[int], fields: Sequence[str], purpose: str) -> set[int]:
    """The customers among `customer_ids` holding a current value of `fields` whose notice at collection does
    not name `purpose` and who did not consent to it. Two small queries: the distinct ways the values were
    collected, then (only if some way falls short) the customers collected that way."""
    policy = current_policy()
    ids = list(customer_ids)
    if not ids or purpose in policy.notice_exempt_purposes:
        return set()
    current = PersonalValue.objects.filter(
        customer_id__in=ids, field__in=list(fields), superseded_at__isnull=True
    )
    ways = set(
        current.values_list(
            "provenance__channel", "provenance__notice_key", "provenance__notice_version"
        ).distinct()
    )
    short = [
        w
        for w in ways
        if not policy.notice_covers(
            made_by_the_utility=w[0] in MADE_BY_THE_UTILITY,
            notice_key=w[1],
            notice_version=w[2],
            purpose=purpose,
        )
    ]
    if not short:
        return set()
    found: set[int] = set()
    for channel, key, version in short:
        found |= set(
            current.filter(
                provenance__channel=channel, provenance__notice_key=key, provenance__notice_version=version
            ).values_list("customer_id", flat=True)
        )
    if purpose == MARKETING and found:
        found -= set(
            PersonalValue.objects.filter(
                customer_id__in=list(found),
                field="marketing_preference",
                blind_index=blind_index_of("marketing_preference", MARKETING_OPTED_IN),
                superseded_at__isnull=True,
            ).values_list("customer_id", flat=True)
        )
    return found
