"""Before the access log's first head is signed (a log just set up, not an hour old), its checkpoint says so
in words, in the language asked for, to whoever mirrors or checks it: not a bare "not found". Once a head is
signed, the checkpoint is that head's signed note.

Personas: an outside auditor fetching the checkpoint, a customer whose data the log records."""

from django.test import Client

from custodian.audit.heads import head_sign


def test_before_the_first_head_the_checkpoint_says_when_there_will_be_one(db):
    answer = Client().get("/transparency/checkpoint")
    assert answer.status_code == 404 and answer["Content-Type"] == "text/plain; charset=utf-8"
    assert answer["Access-Control-Allow-Origin"] == "*"
    words = answer.content.decode()
    assert words.startswith("No signed head yet: the access log's head is signed at least every hour")
    assert "http://testserver/transparency/ says how to check it" in words
    spanish = Client().get("/transparency/checkpoint?lang=es").content.decode()
    assert spanish.startswith("Todavía no hay ninguna huella firmada")


def test_once_signed_the_checkpoint_is_the_signed_head(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # published once the head is committed
        head = head_sign()
    answer = Client().get("/transparency/checkpoint")
    assert answer.status_code == 200 and answer.content.decode() == head.note
