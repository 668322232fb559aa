"""What the comparison with similar homes keeps of a customer, as a data request's answer and the customer's
download give it (`custodian.vault.records_held`, the "meter_usage" category: the policy file's purpose of
providing services shows customers how their use compares with similar homes'): the group of homes theirs
is compared with, told by what makes them similar (the kind of home, its heating, its size and where it
is) and how many homes it holds; or that there are too few such homes to compare with, when the group is
shown to nobody. Called only once the gate has allowed the read of the category."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.customers.choices import PremiseType
from custodian.usage.models import PeerGroupMember, PeerGroupMonth
from custodian.vault.record_tables import Kept, When, coded, in_words, kept_register

METER_USAGE = "meter_usage"
HEATING_WORDS = {
    "gas": gettext_lazy("heated by natural gas"),
    "electric": gettext_lazy("heated by electricity"),
    "other": gettext_lazy("heated by propane, oil or wood"),
}
SIZE_WORDS = {
    "under 1000": gettext_lazy("under 1,000 square feet"),
    "1000-1999": gettext_lazy("1,000 to 1,999 square feet"),
    "2000-2999": gettext_lazy("2,000 to 2,999 square feet"),
    "3000+": gettext_lazy("3,000 square feet or more"),
}


def _parts(m: PeerGroupMember) -> dict:
    """The group's key read back into what makes its homes similar: kind, heating, size band, area (a ZIP
    code, or a ZIP code and the power line that serves it)."""
    kind, fuel, size, area, *_rest = [*m.peer_group.split("|"), "", "", "", ""]
    zip_code, _slash, feeder = area.partition("/")
    return {"kind": kind, "fuel": fuel, "size": size, "zip": zip_code, "feeder": feeder}


def _group_words(m: PeerGroupMember) -> str:
    p = _parts(m)
    words = _("%(kind)s, %(heating)s, %(size)s, in ZIP code %(zip)s") % {
        "kind": dict(PremiseType.choices).get(p["kind"], p["kind"]),
        "heating": HEATING_WORDS.get(p["fuel"], p["fuel"]),
        "size": SIZE_WORDS.get(p["size"], p["size"]),
        "zip": p["zip"],
    }
    if p["feeder"]:
        words += " " + _("served by the same power line as yours")
    return words


def _group_data(m: PeerGroupMember) -> dict:
    """The group as a file gives it: what makes its homes similar, each key beside its words (the power
    line only as whether it is the same as the home's)."""
    p = _parts(m)
    return {
        "similar_homes": {
            "kind": coded(p["kind"], dict(PremiseType.choices).get(p["kind"], p["kind"])),
            "heating": coded(p["fuel"], HEATING_WORDS.get(p["fuel"], p["fuel"])),
            "size": coded(p["size"], SIZE_WORDS.get(p["size"], p["size"])),
            "zip_code": p["zip"],
            "same_power_line": bool(p["feeder"]),
        }
    }


def _homes(m: PeerGroupMember) -> int | None:
    """The homes in the group in its latest month shown; None when the group is shown to nobody."""
    latest = PeerGroupMonth.objects.filter(peer_group=m.peer_group).order_by("-month").first()
    return latest.homes if latest else None


def _comparison_words(m: PeerGroupMember) -> str:
    homes = _homes(m)
    if homes is None:
        return _("too few similar homes near you: we show you no comparison")
    return _("%(homes)s homes: we compare your monthly use with theirs") % {"homes": homes}


PEER_GROUPS = (
    Kept(
        "compared_with",
        gettext_lazy("The homes we compare yours with"),
        PeerGroupMember,
        # One group at a time, kept as long as the home is compared: in every answer (no day it was made).
        When(
            gettext_lazy("Similar homes"),
            _group_words,
            _group_data,
            "pk",
            lambda m: None,
        ),
        (in_words(_comparison_words, key="comparison", code=None, header=gettext_lazy("Comparison")),),
        category=METER_USAGE,
    ),
)


def register() -> None:
    """Usage's reader of the meter usage category (from the app's `ready`)."""
    kept_register(*PEER_GROUPS)
