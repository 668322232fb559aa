"""The standalone verifier an auditor or a customer runs never stops with a traceback on what a file holds:
a receipt, a signed head or a consistency proof with any field missing, of another JSON type, empty, or not
JSON or UTF-8 at all says NOT VALID (exit 1), a file it can't open CAN'T READ (exit 2). Walked key by key
from a real receipt and a real proof, so a key added to them is walked too."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.conf import settings

from custodian.audit.events import append_events
from custodian.audit.heads import head_sign
from custodian.audit.models import LogLeaf, SignedHead
from custodian.audit.receipts import receipt_for
from custodian.testing import read_event as event

VERIFIER = Path(settings.BASE_DIR) / "verifier" / "custodian_verify.py"
# The keys the script reads (a receipt carries others for its reader: a change there proves nothing).
READ = {
    "receipt": {"checkpoint", "event", "leaf_index", "inclusion_proof", "log_keys"},
    "proof": {"old_size", "new_size", "proof", "log_keys"},
}
OTHER_VALUES = [None, 7, 1.5, True, "", "x", "\u00b2", [], ["x"], [7], {}, {"a": 1}]


def _script():
    spec = importlib.util.spec_from_file_location("custodian_verify", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def files(db, log_keys, tmp_path):
    """A real receipt and a real (empty) consistency proof between a head and itself, both checking."""
    append_events([event(i) for i in range(1, 6)])
    head_sign()
    receipt = receipt_for(LogLeaf.objects.get(idx=2).event_seq)
    head = SignedHead.objects.get()
    (tmp_path / "head.checkpoint").write_text(head.note)
    proof = {
        "old_size": head.tree_size,
        "new_size": head.tree_size,
        "proof": [],
        "log_keys": receipt["log_keys"],
    }
    return tmp_path, receipt, proof


def _run(capsys, *argv) -> tuple[int, str]:
    code = _script().main([str(a) for a in argv])
    return code, capsys.readouterr().err


def test_the_real_files_check(files, capsys):
    where, receipt, proof = files
    (where / "r.json").write_text(json.dumps(receipt))
    (where / "p.json").write_text(json.dumps(proof))
    assert _run(capsys, "receipt", where / "r.json") == (0, "")
    assert (
        _run(capsys, "consistency", where / "head.checkpoint", where / "head.checkpoint", where / "p.json")[0]
        == 0
    )


def test_each_key_of_a_receipt_or_a_proof_holding_anything_else_is_not_valid(files, capsys):
    where, receipt, proof = files
    for name, original, argv in (
        ("receipt", receipt, ("receipt", where / "bad.json")),
        (
            "proof",
            proof,
            ("consistency", where / "head.checkpoint", where / "head.checkpoint", where / "bad.json"),
        ),
    ):
        for key in original:
            for value in [*OTHER_VALUES, "missing"]:
                changed = {k: v for k, v in original.items() if k != key}
                if value != "missing":
                    changed[key] = value
                (where / "bad.json").write_text(json.dumps(changed))
                code, said = _run(capsys, *argv)  # a traceback fails here
                if key in READ[name] and value != original[key]:
                    assert code == 1 and said.startswith("NOT VALID"), (name, key, value, said)


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe", b"not json", b"[1, 2]", b"7", b"null", b"[" * 20_000, b'"just text"'],
)
def test_a_file_that_is_no_receipt_proof_or_head_is_not_valid(files, capsys, content):
    where, _, proof = files
    (where / "bad").write_bytes(content)
    (where / "p.json").write_text(json.dumps(proof))
    for argv in (
        ("receipt", where / "bad"),
        ("consistency", where / "head.checkpoint", where / "head.checkpoint", where / "bad"),
        ("consistency", where / "bad", where / "head.checkpoint", where / "p.json"),
        ("consistency", where / "head.checkpoint", where / "bad", where / "p.json"),
    ):
        code, said = _run(capsys, *argv)
        assert code == 1 and said.startswith("NOT VALID"), (argv, said)


def test_a_file_it_can_t_open_is_named(files, capsys):
    where, _, _ = files
    assert _run(capsys, "receipt", where / "no such receipt.json")[0] == 2
    code, said = _run(capsys, "receipt", where)
    assert code == 2 and said.startswith("CAN'T READ")
