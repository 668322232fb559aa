"""Merkle tree hashing and proofs of RFC 9162 §2.1 (Certificate Transparency 2.0).

Leaf hash `H(0x00 || entry)`, node hash `H(0x01 || left || right)`, SHA-256. A tree of n leaves splits at
the largest power of two smaller than n, so every subtree a proof needs is either complete (a power of two
of leaves, aligned) or on the tree's right edge and made of complete ones. Proof generation therefore asks
its caller only for complete subtrees (`hash_at(height, index)`): the log stores those in tiles and never
holds the whole tree in memory.

Written here rather than taken from pymerkle: pymerkle's trees own their storage (memory or their own SQLite
file), while ours must live in the application's database, in its transactions, as tiles the sequencer
appends in batches; the hashing and the proofs are a hundred lines checked against the RFC's algorithms
(see docs/decisions.md for the measurements).

A proof is checked (`verify_inclusion`, `verify_consistency`) by the standalone verifier's own functions, the
one implementation of RFC 9162 §2.1.3.2 and §2.1.4.2: what Custodian checks of its log is what a customer's
or an auditor's copy of verifier/custodian_verify.py checks, and the tests of either test both.
"""

import hashlib
from collections.abc import Callable, Iterable

from verifier.custodian_verify import verify_consistency, verify_inclusion

HASH_SIZE = 32
_sha256 = hashlib.sha256
EMPTY_ROOT = _sha256(b"").digest()

HashAt = Callable[
    [int, int], bytes
]  # (height, index) -> hash of leaves [index << height, (index+1) << height)


def leaf_hash(entry: bytes) -> bytes:
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n ≥ 2): where RFC 9162 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The right edge of a tree: the hashes of its complete subtrees, largest first (one per set bit of
    the size). Appending a leaf merges equal-sized subtrees; `on_node(height, index, hash)` hears of
    every complete subtree made, so the caller can store the ones it keeps (tiles)."""

    __slots__ = ("size", "hashes")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()):
        self.size = size
        self.hashes = list(hashes)
        if len(self.hashes) != bin(size).count("1"):
            raise ValueError("a compact range holds one hash per set bit of its size")

    def append(self, leaf: bytes, on_node: Callable[[int, int, bytes], None] | None = None) -> None:
        hashes = self.hashes
        hashes.append(leaf)
        size, index, height = self.size, self.size, 0
        while size & 1:
            right = hashes.pop()
            merged = node_hash(hashes.pop(), right)
            hashes.append(merged)
            size >>= 1
            index >>= 1
            height += 1
            if on_node is not None:
                on_node(height, index, merged)
        self.size += 1

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        digest = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            digest = node_hash(left, digest)
        return digest


def root_of(leaves: Iterable[bytes]) -> bytes:
    """MTH of a list of leaf hashes."""
    rng = CompactRange()
    for leaf in leaves:
        rng.append(leaf)
    return rng.root()


def range_hash(start: int, end: int, hash_at: HashAt) -> bytes:
    """MTH(D[start:end]) for a range the RFC's recursion produces: `start` is aligned to a power of two at
    least as large as the range, so the range is complete subtrees, largest first, folded from the right."""
    parts = []
    position, remaining = start, end - start
    for height in range(remaining.bit_length() - 1, -1, -1):
        if remaining >> height & 1:
            parts.append(hash_at(height, position >> height))
            position += 1 << height
    digest = parts[-1]
    for left in reversed(parts[:-1]):
        digest = node_hash(left, digest)
    return digest


def inclusion_proof(index: int, size: int, hash_at: HashAt) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    proof: list[bytes] = []
    start, n, m = 0, size, index
    while n > 1:  # walk down from the root; the proof lists siblings bottom-up, so prepend
        k = split_point(n)
        if m < k:
            proof.append(range_hash(start + k, start + n, hash_at))
            n = k
        else:
            proof.append(range_hash(start, start + k, hash_at))
            start, m, n = start + k, m - k, n - k
    proof.reverse()
    return proof


def consistency_proof(old_size: int, new_size: int, hash_at: HashAt) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1 (SUBPROOF with b = true)."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    proof: list[bytes] = []
    start, n, m, complete = 0, new_size, old_size, True
    while m != n:
        k = split_point(n)
        if m <= k:
            proof.append(range_hash(start + k, start + n, hash_at))
            n = k
        else:
            proof.append(range_hash(start, start + k, hash_at))
            start, m, n, complete = start + k, m - k, n - k, False
    if not complete:
        proof.append(range_hash(start, start + n, hash_at))
    proof.reverse()
    return proof


__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "HashAt",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root_of",
    "split_point",
    "verify_consistency",
    "verify_inclusion",
]
