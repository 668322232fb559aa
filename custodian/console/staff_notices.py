"""Members of staff told of staff changes and vendor determinations waiting for a second person
(custodian.staff.signals.staff_notice): an e-mail through the outbox to each one with an address on file, on
the record (a message to staff is kept as its digest only). The console's approvals page and its vendor
determinations page list the same for those without one."""

from django.conf import settings
from django.urls import reverse

from custodian.outbox.services import OutboxError, message_send


def staff_notice_send(sender, *, to, template: str, context: dict, regarding: str = "", **kwargs) -> int:
    """Send `template` to each member of `to` who has an e-mail address; returns how many were sent.
    `regarding`: the record the message is about (else the staff change of the context, or the set-up
    link)."""
    context = dict(context)
    if "token" in context:
        # The set-up link, absolute: sent by the approver's request or none, so from the site's own root.
        root = settings.CUSTODIAN_SITE_URL.rstrip("/")
        context["setup_url"] = root + reverse("staff:set_up", kwargs={"token": context.pop("token")})
    change = context.get("change")
    if not regarding:
        regarding = f"staff_change:{change.pk}" if change is not None else "staff_setup_link"
    sent = 0
    for member in to:
        if not member.email:
            continue
        try:
            message_send(
                to_address=member.email,
                template=template,
                context={**context, "to": member},
                sent_by_job="staff_notice",
                regarding=regarding,
            )
        except OutboxError:
            continue
        sent += 1
    return sent
