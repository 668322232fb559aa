"""Re-authentication inside a signed-in staff session: before a step that mints a lasting credential (new
recovery codes, an API token of one's own), the member proves again that it is them, so a session taken over
for its 30 minutes can't turn into something that outlives it."""

from django.contrib.auth import authenticate

from custodian.staff.mfa import confirmed_totp
from custodian.staff.sessions import privilege_raised


def it_is_them(request, *, password: str = "", code: str = "") -> bool:
    """The signed-in member's password (through authenticate(): a wrong one counts towards the account's
    lockout, as at sign-in) or a current code of their authenticator app; on success the session's id is new
    and re-authentication counts from now."""
    user = request.user
    ok = False
    if password:
        again = authenticate(request, username=user.get_username(), password=password)
        ok = again is not None and again.pk == user.pk
    elif code:
        device = confirmed_totp(user)
        ok = device is not None and device.verify_token(code.strip().replace(" ", ""))
    if ok:
        privilege_raised(request)
    return ok
