"""How every portal page reaches the signed-in customer: `portal_required` (a confirmed account, the second
factor when the customer chose one), the customer as the gate sees them (`portal_actor`) and their own
values through the gate (`mine`, bank details masked until the customer re-authenticates). No URL carries a
customer number, so no URL can reach another customer's data."""

import re
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect

from custodian.netaddr import client_ip
from custodian.staff import mfa
from custodian.staff.sessions import recently_reauthenticated
from custodian.vault.gate import customer_actor, reveal

# Shown with all but the last four digits hidden unless the customer re-entered their password a moment ago
# (a session left open, or taken over, does not show where the money comes from).
MASKED_UNTIL_REAUTH = ("bank_account",)


def portal_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        account = getattr(request.user, "portal_account", None) if request.user.is_authenticated else None
        if account is None or account.confirmed_at is None:
            return redirect("portal:login")
        if not request.user.is_verified() and mfa.has_confirmed_totp(request.user):
            return redirect("portal:code")  # the customer chose a second factor: it is asked every time
        request.customer_id = account.customer_id
        return view(request, *args, **kwargs)

    return wrapper


def last_four(value: str) -> str:
    """Every digit but the last four hidden: `routing 091000019 account 123456789` →
    `routing ••••••••• account •••••6789`."""
    keep = len(re.findall(r"\d", value)) - 4
    out = []
    for ch in value:
        if ch.isdigit() and keep > 0:
            out.append("•")
            keep -= 1
        else:
            out.append(ch)
    return "".join(out)


def reauthenticated(request) -> bool:
    return recently_reauthenticated(request, settings.CUSTODIAN_REAUTH_SECONDS)


def portal_actor(request):
    """The signed-in customer as the gate and the selectors see them."""
    return customer_actor(request.customer_id, "the customer")


def mine(request, fields, purpose="providing_services"):
    """Every read of the portal: through the gate as the customer; bank details masked unless the customer
    re-authenticated a moment ago (pages and downloads alike)."""
    values = reveal(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        fields=fields,
        purpose=purpose,
        client_ip=client_ip(request),
    )
    if not reauthenticated(request):
        values.update({f: last_four(values[f]) for f in MASKED_UNTIL_REAUTH if values.get(f)})
    return values
