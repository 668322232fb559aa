#!/usr/bin/env python3
"""Check a receipt or a consistency proof of a Custodian access log, without Custodian's code.

A receipt says "this event is in the log": it carries the event, its position, an inclusion proof and the
log's signed head (a C2SP checkpoint in the signed-note format). A consistency proof says "the newer head
extends the older one": nothing was removed or changed in between.

    python3 custodian_verify.py receipt RECEIPT.json [--key VERIFIER_KEY]
    python3 custodian_verify.py consistency OLD.checkpoint NEW.checkpoint PROOF.json [--key VERIFIER_KEY]

An event names what was done, for which purpose and by which support service. It does not name the person
who did it: it carries `actor_commitment`, a SHA-256 over a secret the utility keeps and the person's user
id, user name, the address they worked from and the staff member a job ran for. The commitment is part of
what the log signed, so the utility can't later put another name behind it; its auditors, who see the
secret and the names, check them against it. (Events written before the log committed to who acted name
them in the event itself.)

VERIFIER_KEY is the log's key as the utility publishes it (`name+hash+base64`, on its /transparency/ page
and in the mails to auditors). Without --key the key inside the receipt is used, and the result only means
something once you have compared that key with the published one.

Needs Python 3.9+ and the `cryptography` package; everything else is the standard library. The Merkle tree
algorithms are those of RFC 9162 §2.1.
"""

import argparse
import base64
import binascii
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Invalid(Exception):
    pass


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def path_sides(fn, sn, proof):
    """The walk up an audit path of RFC 9162 §2.1.3.2 and §2.1.4.2, from node `fn` of a tree whose last node
    is `sn`: each hash of `proof` with whether it joins from the left (True) or from the right (False). None
    if the path does not end at the root: longer than the tree is high, or shorter."""
    sides = []
    for p in proof:
        if sn == 0:
            return None
        left = bool(fn & 1) or fn == sn
        sides.append((p, left))
        if left:
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        fn >>= 1
        sn >>= 1
    return sides if sn == 0 else None


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    sides = path_sides(index, size - 1, proof)
    if sides is None:
        return False
    r = leaf
    for p, left in sides:
        r = node(p, r) if left else node(r, p)
    return r == root


def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 §2.1.4.2 (an empty old tree is consistent with every tree)."""
    if size1 > size2 or size1 < 0:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # an exact power of two: the old root is the first node
        path.insert(0, root1)
    if not path:
        return False
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    sides = path_sides(fn, sn, path[1:])
    if sides is None:
        return False
    fr = sr = path[0]
    for c, left in sides:
        if left:  # a node of both trees: it joins the old root as it joins the new
            fr, sr = node(c, fr), node(c, sr)
        else:  # a node of the new tree only
            sr = node(sr, c)
    return fr == root1 and sr == root2


def parse_key(text):
    """A signed-note verifier key: name+hex key hash+base64(0x01 || Ed25519 public key)."""
    try:
        name, khash, blob = text.strip().split("+", 2)  # a name has no "+"; base64 may
        raw = base64.b64decode(blob, validate=True)
    except (ValueError, binascii.Error):
        raise Invalid(f"not a verifier key: {text!r}") from None
    if len(raw) != 33 or raw[0] != 1:
        raise Invalid("the verifier key is not an Ed25519 key")
    public = raw[1:]
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if expected.hex() != khash:
        raise Invalid("the verifier key's hash does not match its key")
    return name, expected, public


def parse_checkpoint(note):
    """Origin, size, root and signatures of a signed checkpoint note."""
    if not isinstance(note, str):
        raise Invalid("the signed head is not text")
    at = note.rfind("\n\n")
    if at < 0 or not note.endswith("\n"):
        raise Invalid("not a signed note")
    text, lines = note[: at + 1], note[at + 2 :].splitlines()
    body = text.split("\n")
    if len(body) < 4 or not (body[1].isascii() and body[1].isdigit()):
        raise Invalid("not a checkpoint")
    signatures = []
    for line in lines:
        if not line.startswith("\u2014 "):
            raise Invalid("a signature line does not start with an em dash")
        name, _, blob = line[2:].rpartition(" ")
        raw = base64.b64decode(blob)
        signatures.append((name, raw[:4], raw[4:]))
    return body[0], int(body[1]), base64.b64decode(body[2]), text, signatures


def check_signature(note, keys):
    origin, size, root, text, signatures = parse_checkpoint(note)
    for name, khash, sig in signatures:
        for kname, kh, public in keys:
            if name == kname and khash == kh:
                try:
                    Ed25519PublicKey.from_public_bytes(public).verify(sig, text.encode())
                except InvalidSignature:
                    raise Invalid("the signed head's signature is not valid: it was altered") from None
                return origin, size, root
    raise Invalid("the signed head is not signed by the given key")


def parse_event(text):
    fields, at = {}, 0
    while at < len(text):
        eq = text.index("=", at)
        colon = text.index(":", eq)
        length = int(text[eq + 1 : colon])
        end = colon + 1 + length
        if text[end : end + 1] != "\n":
            raise Invalid("the event is not in the log's canonical form")
        fields[text[at:eq]] = text[colon + 1 : end]
        at = end + 1
    return fields


def keys_for(args, fallback):
    if args.key:
        return [parse_key(args.key)], True
    return [parse_key(k) for k in fallback], False


def cmd_receipt(args):
    with open(args.receipt, encoding="utf-8") as fh:
        receipt = json.load(fh)
    if not isinstance(receipt, dict):
        raise Invalid("the file is not a receipt (a JSON object with the event, its proof and a signed head)")
    keys, pinned = keys_for(args, receipt.get("log_keys", []))
    origin, size, root = check_signature(receipt["checkpoint"], keys)
    event = receipt["event"]
    if not isinstance(event, str) or type(receipt["leaf_index"]) is not int:
        raise Invalid("the receipt's event is not text or its position not a whole number")
    leaf = hashlib.sha256(b"\x00" + event.encode("utf-8")).digest()
    if not isinstance(receipt["inclusion_proof"], list):
        raise Invalid("the receipt's inclusion proof is not a list")
    proof = [base64.b64decode(p) for p in receipt["inclusion_proof"]]
    if not verify_inclusion(receipt["leaf_index"], size, leaf, proof, root):
        raise Invalid("the event is not in the signed log at that position (receipt altered or forged)")
    fields = parse_event(event)
    print(f"OK: event {fields.get('seq', '?')} is entry {receipt['leaf_index']} of the log {origin},")
    print(f"    included in the head of {size} entries signed by the log's key.")
    for name in (
        "action",
        "actor_kind",
        "roles",
        "purpose",
        "customer_id",
        "categories",
        "decision",
        "reason",
    ):
        if name in fields:
            print(f"    {name}: {fields[name]}")
    if "actor_commitment" in fields:
        print(f"    who: committed to, not named (actor_commitment {fields['actor_commitment']});")
        print("        the utility's auditors can check who it was against it")
    if not pinned:
        print("NOTE: checked with the key inside the receipt; compare it with the key the utility publishes:")
        print(f"    {receipt.get('log_keys', ['?'])[-1]}")


def cmd_consistency(args):
    with open(args.old, encoding="utf-8") as fh:
        old_note = fh.read()
    with open(args.new, encoding="utf-8") as fh:
        new_note = fh.read()
    with open(args.proof, encoding="utf-8") as fh:
        proof = json.load(fh)
    if not isinstance(proof, dict):
        raise Invalid("the file is not a consistency proof (a JSON object with the sizes and the hashes)")
    keys, _ = keys_for(args, proof.get("log_keys", []))
    _, old_size, old_root = check_signature(old_note, keys)
    origin, new_size, new_root = check_signature(new_note, keys)
    if (proof.get("old_size"), proof.get("new_size")) != (old_size, new_size):
        raise Invalid("the proof is for other tree sizes than these heads")
    if not isinstance(proof["proof"], list):
        raise Invalid("the proof's hashes are not a list")
    hashes = [base64.b64decode(p) for p in proof["proof"]]
    if not verify_consistency(old_size, new_size, old_root, new_root, hashes):
        raise Invalid("the newer head does not extend the older one: the log was rewritten in between")
    print(f"OK: the head of {new_size} entries of {origin} extends the head of {old_size} entries.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("receipt", help="check a receipt (an event, its inclusion proof and a signed head)")
    r.add_argument("receipt")
    r.add_argument("--key", help="the log's verifier key as published")
    c = sub.add_parser("consistency", help="check that a newer signed head extends an older one")
    c.add_argument("old")
    c.add_argument("new")
    c.add_argument("proof")
    c.add_argument("--key", help="the log's verifier key as published")
    args = parser.parse_args(argv)
    try:
        (cmd_receipt if args.command == "receipt" else cmd_consistency)(args)
    except OSError as exc:
        print(f"CAN'T READ: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"NOT VALID: the file has no {exc.args[0]!r}: it is not a complete receipt", file=sys.stderr)
        return 1
    # Whatever a file holds (another JSON type where a string or list belongs, nesting too deep to read) is
    # a file that does not prove what it claims: named, never a traceback.
    except (Invalid, ValueError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        print(f"NOT VALID: {exc or type(exc).__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
