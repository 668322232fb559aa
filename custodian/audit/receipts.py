"""Receipts: an event, its position in the tree, its inclusion proof and a signed head that covers it, so a
customer (or anyone they show it to) can check with verifier/custodian_verify.py that the event is in the
log the utility publishes. Also consistency proofs between two published heads."""

import base64

from django.db import connection

from custodian.audit import notes
from custodian.audit.events import canonical_sql
from custodian.audit.heads import head_sign, log_origin, verifier_keys
from custodian.audit.models import AccessEvent, LogLeaf, SignedHead
from custodian.audit.tree import TileReader, integrate

RECEIPT_FORMAT = "custodian access-log receipt 1"


def _b64(hashes) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


def _covering_head(position: int) -> SignedHead:
    head = SignedHead.objects.order_by("-pk").first()
    if head is None or head.tree_size <= position:
        head = head_sign()  # on demand: the latest head does not cover this event yet
    return head


def receipts_for(event_seqs) -> dict[int, dict]:
    """Receipts of these events (all of them integrated first), against one signed head."""
    seqs = [int(s) for s in event_seqs]
    if not seqs:
        return {}
    positions = dict(LogLeaf.objects.filter(event_seq__in=seqs).values_list("event_seq", "idx"))
    if len(positions) < len(seqs):
        integrate()
        positions = dict(LogLeaf.objects.filter(event_seq__in=seqs).values_list("event_seq", "idx"))
    if not positions:
        return {}
    head = _covering_head(max(positions.values()))
    checkpoint = notes.parse_note(head.note)
    texts = {}
    table = AccessEvent._meta.db_table
    with connection.cursor() as cursor:
        for first in range(0, len(seqs), 500):
            chunk = seqs[first : first + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT seq, {canonical_sql()} FROM {table} WHERE seq IN ({marks})", chunk)  # noqa: S608
            texts.update(cursor.fetchall())
    reader = TileReader()
    keys = [k.text for k in verifier_keys()]
    out = {}
    for seq, position in positions.items():
        if seq not in texts:
            continue
        out[seq] = {
            "format": RECEIPT_FORMAT,
            "log": log_origin(),
            "event_number": seq,
            "event": texts[seq],
            "leaf_index": position,
            "tree_size": checkpoint.size,
            "inclusion_proof": _b64(reader.inclusion_proof(position, checkpoint.size)),
            "checkpoint": head.note,
            "log_keys": keys,
            "check_with": "python3 custodian_verify.py receipt THIS_FILE --key KEY_FROM_/transparency/",
        }
    return out


def receipt_for(event_seq: int) -> dict | None:
    return receipts_for([event_seq]).get(int(event_seq))


def consistency_between(old_size: int, new_size: int) -> dict:
    """A consistency proof between two tree sizes (each that of a signed head)."""
    reader = TileReader()
    proof = [] if old_size in (0, new_size) else reader.consistency_proof(old_size, new_size)
    return {
        "log": log_origin(),
        "old_size": old_size,
        "new_size": new_size,
        "proof": _b64(proof),
        "log_keys": [k.text for k in verifier_keys()],
    }
