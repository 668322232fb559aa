"""Access to the staff console: signed in, second factor verified, session not idle."""

from functools import wraps

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def console_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('staff:login')}?{urlencode({'next': request.get_full_path()})}")
        if hasattr(user, "portal_account"):  # a customer's sign-in never opens the staff console
            return redirect("portal:home")
        if not user.is_verified():
            request.session["after_mfa"] = request.get_full_path()
            return redirect("staff:mfa")
        return view(request, *args, **kwargs)

    return wrapper
