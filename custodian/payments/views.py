"""The processor's webhook endpoint, and (development only) the simulated processor's hosted page."""

import contextlib

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from custodian.payments.models import PaymentSession
from custodian.payments.processor import SIGNATURE_HEADER, processor, sign, simulated
from custodian.payments.services import BadSignature, PaymentError, webhook_receive
from custodian.policy.loader import current_policy


@csrf_exempt  # the processor calls this; the HMAC signature (and its time) is what authenticates it
@require_POST
def webhook(request):
    try:
        status = webhook_receive(body=request.body, signature=request.META.get(SIGNATURE_HEADER, ""))
    except BadSignature as exc:
        return HttpResponseBadRequest(f"refused: {exc}", content_type="text/plain")
    except PaymentError as exc:
        return HttpResponseBadRequest(f"refused: {exc}", content_type="text/plain")
    return HttpResponse(status, content_type="text/plain")


def simulated_checkout(request, token):
    """The simulated processor's hosted page, there only while the simulated processor is the one configured
    (development, or a demonstration). The card number is used to pick the outcome and dropped: nothing of it
    is stored or logged."""
    if not simulated():
        raise Http404
    session = PaymentSession.objects.filter(token=token, status=PaymentSession.Status.OPEN).first()
    if session is None:
        raise Http404
    if request.method == "POST":
        body = processor().outcome_event(
            reference=token, amount=str(session.amount), card_number=request.POST.get("card_number", "")
        )
        with contextlib.suppress(BadSignature, PaymentError):
            webhook_receive(body=body, signature=sign(body))
        # Back to the bills, as a processor's hosted page returns the customer to the page they paid from,
        # with the outcome said there: paid, or declined and why (nothing was charged).
        session.refresh_from_db()
        amount = {"amount": f"{session.amount:,.2f}"}
        if session.status == PaymentSession.Status.SUCCEEDED:
            messages.success(request, _("Your payment of $%(amount)s went through. Thank you.") % amount)
        elif session.status == PaymentSession.Status.FAILED:
            # The processor's reason is its own words, in English: the bills page lists it with the attempt.
            messages.error(
                request,
                _("Your payment of $%(amount)s was declined. Nothing was charged: you can try another card.")
                % amount,
            )
        else:
            messages.info(request, _("Your payment is being processed: it shows in your bills once it is."))
        return redirect("portal:bills")
    token_field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
    return HttpResponse(
        "<!doctype html><title>Simulated payment processor</title><main><h1>Simulated payment processor</h1>"
        f"<p>Pay ${escape(session.amount)} to {escape(current_policy().utility['name'])}. "
        "Test card 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined.</p>"
        f'<form method="post">{token_field}'
        '<label>Card number <input name="card_number" autocomplete="off"></label> '
        "<button>Pay</button></form></main>"
    )
