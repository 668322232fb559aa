"""Receipts: each entry of "who has seen my data" can be downloaded with its inclusion proof against a
published signed head, the JSON data download carries them, and the standalone verifier (which uses none of
Custodian's code) accepts a real one and refuses an altered one; another customer's receipt is not there."""

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from custodian.audit.models import AccessEvent
from custodian.testing.portal import signed_in
from custodian.vault.gate import reveal, staff_actor

VERIFIER = Path(settings.BASE_DIR) / "verifier" / "custodian_verify.py"


def verify(*args):
    return subprocess.run(
        [sys.executable, str(VERIFIER), *map(str, args)], capture_output=True, text=True, timeout=60
    )


def published_key(client):
    return client.get("/transparency/log-keys.txt").content.decode().splitlines()[-1]


def test_a_receipt_from_the_portal_checks_with_the_standalone_verifier(households, billing_clerk, tmp_path):  # noqa: F811
    (customer, app), (other, _) = households
    reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")
    reveal(actor=staff_actor(billing_clerk), customer_id=other.pk, fields=["name"], purpose="billing")
    client = signed_in(app, "pat@example.com")
    page = client.get("/portal/me/who-has-seen-my-data/").content.decode()
    mine = AccessEvent.objects.get(customer_id=str(customer.pk), actor_kind="staff")
    assert f"/portal/me/who-has-seen-my-data/{mine.seq}/receipt.json" in page

    response = client.get(f"/portal/me/who-has-seen-my-data/{mine.seq}/receipt.json")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(response.content)
    key = published_key(client)
    result = verify("receipt", receipt, "--key", key)
    assert result.returncode == 0, result.stderr
    assert "OK: event" in result.stdout and "purpose: billing" in result.stdout

    # An altered receipt is refused: another purpose written into the event.
    altered = json.loads(receipt.read_text())
    altered["event"] = altered["event"].replace("purpose=7:billing", "purpose=7:billinG")
    (tmp_path / "altered.json").write_text(json.dumps(altered))
    result = verify("receipt", tmp_path / "altered.json", "--key", key)
    assert result.returncode == 1 and "NOT VALID" in result.stderr

    # A file that is not a whole receipt is refused saying so, not with a bare key name.
    for text, said in (("{}", "the file has no 'checkpoint'"), ("[]", "the file is not a receipt")):
        (tmp_path / "partial.json").write_text(text)
        result = verify("receipt", tmp_path / "partial.json", "--key", key)
        assert result.returncode == 1 and said in result.stderr

    # Another customer's receipt is not there for me (the same answer as a missing one).
    theirs = AccessEvent.objects.get(customer_id=str(other.pk), actor_kind="staff")
    assert client.get(f"/portal/me/who-has-seen-my-data/{theirs.seq}/receipt.json").status_code == 404
    assert client.get("/portal/me/who-has-seen-my-data/999999999/receipt.json").status_code == 404


def test_the_data_download_carries_a_receipt_for_every_access(households, billing_clerk, tmp_path):  # noqa: F811
    (customer, app), _ = households
    for _ in range(3):
        reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")
    client = signed_in(app, "pat@example.com")
    data = json.loads(client.get("/portal/me/download.json").content)
    accesses = [a for a in data["accesses"] if a["who"] == "Billing"]
    assert len(accesses) == 3
    key = published_key(client)
    for n, entry in enumerate(accesses):
        path = tmp_path / f"r{n}.json"
        path.write_text(json.dumps(entry["receipt"]))
        assert verify("receipt", path, "--key", key).returncode == 0


def test_a_later_head_extends_the_one_in_a_receipt(
    households,  # noqa: F811
    billing_clerk,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    (customer, app), _ = households
    reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")
    client = signed_in(app, "pat@example.com")
    seq = AccessEvent.objects.get(customer_id=str(customer.pk), actor_kind="staff").seq
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # heads are published once their transaction commits
        receipt = json.loads(client.get(f"/portal/me/who-has-seen-my-data/{seq}/receipt.json").content)
    (tmp_path / "old.checkpoint").write_text(receipt["checkpoint"])
    reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "sign")
    new = client.get("/transparency/checkpoint").content.decode()
    (tmp_path / "new.checkpoint").write_text(new)
    new_size = int(new.split("\n")[1])
    proof = client.get(f"/transparency/consistency?from={receipt['tree_size']}&to={new_size}")
    assert proof.status_code == 200
    arabic_indic = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
    other_digits = f"from={receipt['tree_size']}&to={new_size}".translate(arabic_indic)
    assert client.get(f"/transparency/consistency?{other_digits}").status_code == 400
    (tmp_path / "proof.json").write_bytes(proof.content)
    key = published_key(client)
    result = verify(
        "consistency",
        tmp_path / "old.checkpoint",
        tmp_path / "new.checkpoint",
        tmp_path / "proof.json",
        "--key",
        key,
    )
    assert result.returncode == 0, result.stderr
    # Swapped heads (newer first) don't pass.
    result = verify(
        "consistency",
        tmp_path / "new.checkpoint",
        tmp_path / "old.checkpoint",
        tmp_path / "proof.json",
        "--key",
        key,
    )
    assert result.returncode == 1


def test_the_transparency_page_explains_and_serves_the_raw_heads(
    client,
    households,  # noqa: F811
    billing_clerk,
    django_capture_on_commit_callbacks,
):
    (customer, _), _ = households
    reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "sign")
    page = client.get("/transparency/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Merkle tree" in html and "custodian_verify.py" in html and "(current)" in html
    raw = client.get("/transparency/checkpoint")
    assert raw.status_code == 200 and raw["Content-Type"].startswith("text/plain")
    assert raw.content.decode().count("\n") >= 5 and "\u2014 " in raw.content.decode()
    assert client.get("/transparency/tile/0/000.p/1").status_code in (200, 404)
    assert client.get("/transparency/tile/../../etc/passwd").status_code == 404
    assert client.get("/transparency/consistency?from=x").status_code == 400
    assert client.get("/transparency/custodian_verify.py").status_code == 200
    assert "/transparency/" in client.get("/privacy/").content.decode()
