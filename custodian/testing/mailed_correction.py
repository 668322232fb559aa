"""A correction asked by e-mail in the customer's name: a message From the customer's own name and address
(a sender address proves nothing) asking for the e-mail address on file to be another, imported as the
mailbox is; the correction request it opens, not verified."""

import mailbox
from email.message import EmailMessage

from django.core.management import call_command

from custodian.casework.models import CustomerRequest


def correction_mailed(tmp_path, app, new_email: str) -> CustomerRequest:
    msg = EmailMessage()
    msg["From"] = f"{app.personal['name']} <{app.personal['email']}>"
    msg["Subject"] = "Correction: my e-mail address is wrong"
    msg["Message-ID"] = "<fix-email-1@example.com>"
    msg.set_content(f"Please change my e-mail address to {new_email}.")
    box = mailbox.mbox(tmp_path / "in.mbox")
    box.add(bytes(msg))
    box.flush()
    call_command("import_mail", str(tmp_path / "in.mbox"))
    return CustomerRequest.objects.get(kind="correction", channel="email")
