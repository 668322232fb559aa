"""The energy assistance providers serving the territory, as printed: from the policy file's
`utility.energy_assistance` (checked at start-up). Printed on every notice of proposed disconnection (Minn.
Stat. § 216B.097 subd. 2(a)(3)), on the yearly Cold Weather Rule notice and on each bill; a provider that
collections has not yet confirmed against the Department of Commerce's list says so."""

from django.utils.translation import gettext as _

from custodian.policy.loader import current_policy


def energy_assistance_lines() -> tuple[str, ...]:
    """The providers as printed, in the active language (a letter composes them in the customer's)."""
    return tuple(
        f"{p['name']}: {p['contact']}" + ("" if p["confirmed"] else " " + _("(to be confirmed)"))
        for p in current_policy().utility.get("energy_assistance", [])
    )
