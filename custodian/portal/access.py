"""How every portal page reaches the signed-in customer: `portal_required` (a confirmed account, the second
factor when the customer chose one), the customer as the gate sees them (`portal_actor`) and their own
values through the gate (`mine`, bank details masked until the customer re-authenticates). No URL carries a
customer number, so no URL can reach another customer's data."""

import contextlib
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.casework.representatives import representative_actor, representative_label, represented_by
from custodian.customers.selectors import customer_for
from custodian.netaddr import client_ip
from custodian.policy.loader import current_policy
from custodian.portal.held_form import form_hold, form_page, shown_with_held
from custodian.staff import mfa
from custodian.staff.sessions import recently_reauthenticated
from custodian.vault.gate import Denied, customer_actor, reveal
from custodian.vault.masking import masked

# What a representative needs in their scope to open each page while acting for a customer. A page not
# listed is refused to them (deny by default); their own sign-in's pages are theirs.
V, R, P, C, K = "view", "requests", "payments", "contact", "consents"
PAGE_SCOPES = {
    **dict.fromkeys(
        (
            "home",
            "bills",
            "bill",
            "bill_pdf",
            "statement",
            "usage",
            "green_button",
            "comparison",
            "comparison_pdf",
        ),
        V,
    ),
    **dict.fromkeys(("messages", "letter_pdf", "accesses", "access_receipt", "disclosures", "download"), V),
    **dict.fromkeys(("requests", "request", "disagreement"), R),
    **dict.fromkeys(("pay", "payment_agreement", "paperless", "autopay"), P),
    **dict.fromkeys(("update_contact", "marketing"), C),
    **dict.fromkeys(("consents", "consent_revoke", "erasure", "connected_apps", "connected_app_revoke"), K),
}
OWN_SIGN_IN_PAGES = frozenset({"security", "reauthenticate", "act_for", "limit_lift"})
# The data category each page shows throughout, which a representative's authority must cover too: without
# it the page would show the selectors' empty answer ("No bills yet", "Owed today $0.00") as the truth, so
# they are told instead that their authority does not cover it. A page showing several categories tells
# it of each part it leaves out (`request.not_covered`).
B, U = "bills", "meter_usage"
PAGE_CATEGORIES = {
    **dict.fromkeys(("bills", "bill", "bill_pdf", "statement", "pay", "pay_deposit", "payment_agreement"), B),
    **dict.fromkeys(("paperless", "budget", "autopay"), B),
    **dict.fromkeys(("usage", "green_button", "usage_upload", "comparison", "comparison_pdf"), U),
    **dict.fromkeys(("messages", "letter_pdf"), "correspondence"),
    # The customer's consents and the apps they authorised are kept as their correspondence (as a data
    # request's answer and the download give them): an authority to give consents without it may still
    # delete data, not list them. Their requests too, but a representative whose authority lets her make
    # requests follows those she made herself without it (`my_data_views.my_requests`).
    **dict.fromkeys(("consents", "consent_revoke"), "correspondence"),
    **dict.fromkeys(("connected_apps", "connected_app_revoke"), "correspondence"),
}
ACTING_FOR = "portal_acting_for"

# What an online account still limited may open (`PortalAccount.limited`: its sign-up was not confirmed from
# an e-mail address the utility already held; custodian.portal.mailed_code): what the paper bill that opened
# it already shows (the bills, the statement, the account's name and addresses, the month's use), paying,
# asking a question or a request staff verify, and its own sign-in. A page not listed is refused until the
# code mailed to the mailing address on file is entered (deny by default). Refused meanwhile: whatever one
# bill in the wrong hands would learn beyond that bill (the hourly usage and its downloads, the comparison,
# who has seen the data and to whom it was given, the apps authorised, the letters, the download of
# everything), and every binding act: giving or revoking a consent, authorising or cutting off an app,
# deleting data, changing the contact details, the marketing choice, paperless billing, automatic payment,
# a payment agreement or budget billing, stopping or moving service, adding readings, a statement of
# disagreement, acting for someone else.
OPEN_WHILE_LIMITED = frozenset(
    {
        *("home", "bills", "bill", "bill_pdf", "statement", "pay", "pay_deposit"),
        *("requests", "request", "security", "reauthenticate", "limit_lift"),
    }
)
# The customer's values a limited account's home shows: those printed on the bill that opened it.
ON_THE_BILL = ("name", "mailing_address", "service_address", "account_number")


class Within:
    """The pages the person signed in may open now, by URL name (`request.may["bills"]`, in a template
    `request.may.update_contact`): every one for the customer themself; for a representative acting for a
    customer, those their authority's scope covers and their own sign-in's; for an account still `limited`,
    only those of `OPEN_WHILE_LIMITED`. A page shows a form or a link only where it leads somewhere the
    reader may go: never one that would answer "not within your authority" or "enter the code from our
    letter first" and lose what was typed."""

    def __init__(self, rep=None, *, limited: bool = False):
        self._scopes = None if rep is None else frozenset(rep.scope_list)
        self._categories = None if rep is None else frozenset(rep.category_list)
        self._limited = limited

    def cache_key(self) -> str:
        """What the pages open depend on, for a cached navigation: "" for the customer themself, whose
        account is not limited. (Not an attribute a template reads: a template looks `request.may.x` up as
        the page `x` first.)"""
        limited = "limited" if self._limited else ""
        if self._scopes is None:
            return limited
        return f"{limited}|" + ",".join(sorted(self._scopes)) + "|" + ",".join(sorted(self._categories))

    def __getitem__(self, page: str) -> bool:
        if self._limited and page not in OPEN_WHILE_LIMITED:
            return False
        if self._scopes is None or page in OWN_SIGN_IN_PAGES:
            return True
        if PAGE_SCOPES.get(page) not in self._scopes:
            return False
        category = PAGE_CATEGORIES.get(page)
        return category is None or category in self._categories


# A part of a page a representative's scope may leave out, in the words of "does not cover …".
SCOPE_WORDS = {"requests": gettext_lazy("requests"), "consents": gettext_lazy("consents")}


def _short(label: str) -> str:
    """A category's label as a short noun ("Bills: the account number…" → "bills")."""
    short = label.split(":")[0].split(" (")[0].strip()
    return short[:1].lower() + short[1:] if short[1:2].islower() or short[1:2] == "-" else short


class NotCovered:
    """What the authority of the representative acting does not cover, for a page to say so where it would
    otherwise show the gate's or the selectors' empty answer as the truth: `request.not_covered["bills"]` (a
    data category, or a scope of `SCOPE_WORDS`) is "" when covered (always, for the customer themself), else
    "Your authority to act for <the customer> does not cover bills."; `among(keys)` says it of several at
    once. The customer is named where the authority covers their name (one read through the gate, on the
    first sentence said)."""

    def __init__(self, request, rep=None):
        self._request, self._rep, self._name = request, rep, None

    def _left_out(self, keys) -> list[str]:
        if self._rep is None:
            return []
        held = {*self._rep.category_list, *self._rep.scope_list}
        return [k for k in keys if k not in held]

    def _said(self, keys) -> str:
        policy = current_policy()
        what = ", ".join(
            str(SCOPE_WORDS[k]) if k in SCOPE_WORDS else _short(str(policy.categories[k].in_language().label))
            for k in keys
        )
        if self._name is None:
            self._name = mine(self._request, ["name"]).get("name", "")
        if self._name:
            return _("Your authority to act for %(name)s does not cover %(what)s.") % {
                "name": self._name,
                "what": what,
            }
        return _("Your authority to act for this customer does not cover %(what)s.") % {"what": what}

    def __getitem__(self, key: str) -> str:
        left_out = self._left_out([key])
        return self._said(left_out) if left_out else ""

    def among(self, keys) -> str:
        left_out = self._left_out(dict.fromkeys(keys))
        return self._said(left_out) if left_out else ""

    def refusal(self, keys) -> str:
        """What the authority leaves out of `keys`, with what to do instead, for a page or a change refused
        for it; "" when it covers them all."""
        left_out = self.among(keys)
        if not left_out:
            return ""
        return _(
            "%(not_covered)s Switch back to your own account, or ask us to change what your authority covers."
        ) % {"not_covered": left_out}


def menu_may_open(request, url_name: str) -> bool:
    """Whether the portal's navigation links to a page: every page for the customer themself; for a
    representative acting for a customer, on every page (their own sign-in's too), only those their
    authority covers by scope and data category (`Within`, from `PAGE_SCOPES` and `PAGE_CATEGORIES`); for an
    account still limited, only those it may open until the code from our letter is entered
    (`OPEN_WHILE_LIMITED`): no link leads to a refusal."""
    menu = getattr(request, "menu", None)
    return menu is None or menu[url_name.split(":", 1)[-1]]


def message_page(request, *, title, message, status: int = 200, **more):
    """A page that only tells the customer something (a link not valid, a request kept, a refusal): its title
    and message, marked for translation where they are written, and anything the page adds (`sign_in`)."""
    return render(request, "portal/message.html", {"title": title, "message": message, **more}, status=status)


def choice_acted(request, said: dict, act, *, back: str, unknown: str, page):
    """A page's pair of buttons sent to one service call: the POST's `choice` is one of `said` (each
    choice with the message saying it was done), `act(choice)` records it, and the customer is sent `back`
    to the page with that message. Anything else sent changes nothing: the page is drawn again
    (`page(status=400)`) with `unknown`, the error saying what to choose, as every form it cannot take is."""
    choice = request.POST.get("choice")
    if choice not in said:
        messages.error(request, unknown)
        return page(status=400)
    act(choice)
    messages.success(request, said[choice])
    return redirect(back)


def _confirmed_account(request):
    """The confirmed online account of the browser's sign-in, or None."""
    account = getattr(request.user, "portal_account", None) if request.user.is_authenticated else None
    return account if account is not None and account.confirmed_at is not None else None


def _second_factor_owed(request) -> bool:
    """The customer chose a second factor and has not given it in this sign-in: it is asked every time."""
    return not request.user.is_verified() and mfa.chose_totp(request.user)


def signed_in_account(request):
    """The online account signed in on a page open to everyone (an invitation's), as `portal_required` would
    let it in: confirmed, past its second factor if it chose one; else None."""
    account = _confirmed_account(request)
    return None if account is None or _second_factor_owed(request) else account


def portal_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        account = _confirmed_account(request)
        if account is None:
            # Back to this page once signed in (`next`: the sign-in follows only a page of the portal); a form
            # sent when the sign-in had run out: back to the page that shows it, with what was typed held for
            # it and for the customer who was shown it, if they were (`held_form`).
            if request.method == "GET":
                return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
            page = form_page(request, view)
            response = redirect(f"{reverse('portal:login')}?{urlencode({'next': page})}")
            if request.method == "POST":
                form_hold(request, response, page)
            return response
        if _second_factor_owed(request):
            return redirect("portal:code")
        request.customer_id = account.customer_id
        request.representative = None
        request.limited = account.limited
        request.may = Within(limited=account.limited)
        request.not_covered = NotCovered(request)
        request.menu = request.may
        request.menu_key = request.menu.cache_key()
        page = request.resolver_match.url_name if request.resolver_match else ""
        if account.limited and page not in OPEN_WHILE_LIMITED:
            return message_page(
                request,
                title=_("Enter the code from our letter first"),
                message=LIMITED,
                status=403,
                lift=True,
            )
        acting = request.session.get(ACTING_FOR)
        rep = None
        if acting:
            rep = next((r for r in represented_by(account.customer_id) if r.pk == acting), None)
            if rep is None:  # expired or revoked since: back to one's own account
                request.session.pop(ACTING_FOR, None)
                if page not in OWN_SIGN_IN_PAGES:
                    return redirect("portal:act_for")
            else:  # the navigation offers what the authority covers, on their own sign-in's pages too
                request.menu = Within(rep, limited=account.limited)
                request.menu_key = request.menu.cache_key()
        if rep is not None and page not in OWN_SIGN_IN_PAGES:
            if PAGE_SCOPES.get(page) not in rep.scope_list:
                return message_page(
                    request, title=_("Not within your authority"), message=NOT_IN_SCOPE, status=403
                )
            request.customer_id, request.representative, request.may = rep.customer_id, rep, request.menu
            request.not_covered = NotCovered(request, rep)
            category = PAGE_CATEGORIES.get(page)
            if category is not None and category not in rep.category_list:
                _refused_by_the_gate(request, category)
                return message_page(
                    request,
                    title=_("Not within your authority"),
                    message=request.not_covered.refusal([category]),
                    status=403,
                )
            try:
                return shown_with_held(request, view, (account.customer_id, rep.pk), *args, **kwargs)
            except Denied:
                # The gate refused data outside the authority's categories (and logged the refusal).
                return message_page(
                    request, title=_("Not within your authority"), message=NOT_IN_SCOPE_DATA, status=403
                )
        return shown_with_held(request, view, (account.customer_id, None), *args, **kwargs)

    return wrapper


LIMITED = gettext_lazy(
    "Until you enter the code from our letter to your mailing address, My account shows what your bill shows "
    "and takes payments, but not your usage hour by hour, who has seen your data or the apps you share it "
    "with, and it can't give consents, connect apps, delete data, change your contact details or make other "
    'choices for the account. Enter the code, or ask for the letter, on the page "Code from our letter"; or '
    "call us."
)


NOT_IN_SCOPE = gettext_lazy(
    "Your authority to act for this customer does not cover this page. Switch back to your own account, or "
    "ask us to change what your authority covers."
)


NOT_IN_SCOPE_DATA = gettext_lazy(
    "Your authority to act for this customer does not cover the data this page shows. Switch back to your "
    "own account, or ask us to change what your authority covers."
)


def _refused_by_the_gate(request, category: str) -> None:
    """The page's data asked of the gate as the representative, which refuses it (outside the authority's
    categories) and logs the refusal naming them, as it logs a read the page would have made."""
    with contextlib.suppress(Denied):
        reveal(
            actor=portal_actor(request),
            customer_id=request.customer_id,
            fields=[current_policy().categories[category].field],
            purpose="providing_services",
            client_ip=client_ip(request),
        )


def acting_label(request) -> str:
    """Who did it, for the provenance of what is written: the customer, or their representative."""
    rep = getattr(request, "representative", None)
    if rep is None:
        return "the customer"
    return representative_label(rep)


def reauthenticated(request) -> bool:
    return recently_reauthenticated(request, settings.CUSTODIAN_REAUTH_SECONDS)


def portal_actor(request):
    """The signed-in customer as the gate and the selectors see them; a representative acting for a customer
    reads as that customer, named in the access log."""
    rep = getattr(request, "representative", None)
    return representative_actor(rep) if rep else customer_actor(request.customer_id, "the customer")


def signed_in_customer(request):
    """The customer the portal acts for (the signed-in customer, or the one a representative acts for), as
    the services that record what they give take it."""
    return customer_for(fetched_by=portal_actor(request), customer_id=request.customer_id)


def as_me(request) -> dict:
    """Who reads, whose data and from where: the arguments every portal read of the customer's own records
    starts from."""
    return {
        "actor": portal_actor(request),
        "customer_id": request.customer_id,
        "client_ip": client_ip(request),
    }


def mine(request, fields, purpose="providing_services"):
    """Every read of the portal: through the gate as the customer; bank details masked unless the customer
    re-authenticated a moment ago (pages and downloads alike). A representative asks only for the fields of
    the data their authority covers (the gate would refuse the rest), so a page shows what they may see."""
    rep = getattr(request, "representative", None)
    if rep is not None:
        policy, allowed = current_policy(), set(rep.category_list)
        fields = [f for f in fields if policy.category_for_field(f) in allowed]
        if not fields:
            return {}
    values = reveal(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        fields=fields,
        purpose=purpose,
        client_ip=client_ip(request),
    )
    # A limited account (custodian.portal.mailed_code) sees them masked even after entering its password:
    # that proves only who made the account, not that it is the customer's.
    return values if reauthenticated(request) and not getattr(request, "limited", False) else masked(values)
