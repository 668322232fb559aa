"""What the console's tests of telephone numbers read back: the number on a customer's record, as the outbox
reads it to call or text them."""

from custodian.vault.gate import reveal, system_actor


def phone_on_record(customer_id: int) -> str:
    outbox = system_actor("outbox")
    kept = reveal(actor=outbox, customer_id=customer_id, fields=["phone"], purpose="contacting_customers")
    return kept["phone"]
