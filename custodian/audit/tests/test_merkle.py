"""The Merkle tree module against the RFC: the Certificate Transparency test vectors, and hypothesis
properties of inclusion and consistency proofs against RFC 9162's reference algorithms written out here
literally (recursive MTH, PATH and SUBPROOF of §2.1)."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodian.audit import merkle

# The eight inputs and the roots of their first 1..8 leaves used by Certificate Transparency's test suites
# (RFC 6962 hashing, unchanged in RFC 9162).
VECTOR_INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# Inclusion proof of leaf 0 in the tree of all eight.
VECTOR_PATH_0_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]


# --- RFC 9162 §2.1, literally -------------------------------------------------------------------------
def ref_mth(entries):
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = merkle.split_point(len(entries))
    return hashlib.sha256(b"\x01" + ref_mth(entries[:k]) + ref_mth(entries[k:])).digest()


def ref_path(m, entries):
    n = len(entries)
    if n == 1:
        return []
    k = merkle.split_point(n)
    if m < k:
        return ref_path(m, entries[:k]) + [ref_mth(entries[k:])]
    return ref_path(m - k, entries[k:]) + [ref_mth(entries[:k])]


def ref_subproof(m, entries, b):
    n = len(entries)
    if m == n:
        return [] if b else [ref_mth(entries)]
    k = merkle.split_point(n)
    if m <= k:
        return ref_subproof(m, entries[:k], b) + [ref_mth(entries[k:])]
    return ref_subproof(m - k, entries[k:], False) + [ref_mth(entries[:k])]


def hash_at_for(entries):
    leaves = [merkle.leaf_hash(e) for e in entries]

    def hash_at(height, index):
        return merkle.root_of(leaves[index << height : (index + 1) << height])

    return hash_at


# --- vectors ------------------------------------------------------------------------------------------
def test_the_empty_tree_and_the_vector_roots():
    assert merkle.root_of([]) == hashlib.sha256(b"").digest()
    for n in range(1, 9):
        leaves = [merkle.leaf_hash(e) for e in VECTOR_INPUTS[:n]]
        assert merkle.root_of(leaves).hex() == VECTOR_ROOTS[n - 1]
        assert ref_mth(VECTOR_INPUTS[:n]).hex() == VECTOR_ROOTS[n - 1]


def test_the_vector_inclusion_proof():
    proof = merkle.inclusion_proof(0, 8, hash_at_for(VECTOR_INPUTS))
    assert [p.hex() for p in proof] == VECTOR_PATH_0_8
    root = bytes.fromhex(VECTOR_ROOTS[7])
    assert merkle.verify_inclusion(0, 8, merkle.leaf_hash(VECTOR_INPUTS[0]), proof, root)
    assert not merkle.verify_inclusion(1, 8, merkle.leaf_hash(VECTOR_INPUTS[0]), proof, root)


def test_every_vector_consistency_proof_verifies():
    hash_at = hash_at_for(VECTOR_INPUTS)
    for old in range(1, 9):
        for new in range(old, 9):
            proof = merkle.consistency_proof(old, new, hash_at)
            assert proof == ref_subproof(old, VECTOR_INPUTS[:new], True)
            old_root, new_root = (bytes.fromhex(VECTOR_ROOTS[s - 1]) for s in (old, new))
            assert merkle.verify_consistency(old, new, old_root, new_root, proof)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        merkle.inclusion_proof(3, 3, hash_at_for(VECTOR_INPUTS))
    with pytest.raises(ValueError):
        merkle.consistency_proof(0, 3, hash_at_for(VECTOR_INPUTS))
    with pytest.raises(ValueError):
        merkle.CompactRange(3, [b"x" * 32])


# --- properties ---------------------------------------------------------------------------------------
entries_strategy = st.lists(st.binary(max_size=12), min_size=1, max_size=70, unique=True)


@settings(max_examples=150, deadline=None)
@given(entries=entries_strategy, data=st.data())
def test_inclusion_proofs_match_the_reference_and_verify(entries, data):
    n = len(entries)
    m = data.draw(st.integers(0, n - 1))
    hash_at = hash_at_for(entries)
    proof = merkle.inclusion_proof(m, n, hash_at)
    assert proof == ref_path(m, entries)
    root = ref_mth(entries)
    leaf = merkle.leaf_hash(entries[m])
    assert merkle.verify_inclusion(m, n, leaf, proof, root)
    # Any change is refused: another index, another leaf, a flipped bit, a missing or extra node.
    if n > 1:
        assert not merkle.verify_inclusion((m + 1) % n, n, leaf, proof, root)
    assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(entries[m] + b"!"), proof, root)
    if proof:
        bent = bytearray(proof[0])
        bent[data.draw(st.integers(0, 31))] ^= 1 << data.draw(st.integers(0, 7))
        assert not merkle.verify_inclusion(m, n, leaf, [bytes(bent), *proof[1:]], root)
        assert not merkle.verify_inclusion(m, n, leaf, proof[:-1], root)
    assert not merkle.verify_inclusion(m, n, leaf, [*proof, root], root)


@settings(max_examples=150, deadline=None)
@given(entries=entries_strategy, data=st.data())
def test_consistency_proofs_match_the_reference_and_verify(entries, data):
    n = len(entries)
    m = data.draw(st.integers(1, n))
    proof = merkle.consistency_proof(m, n, hash_at_for(entries))
    assert proof == ref_subproof(m, entries, True)
    old_root, new_root = ref_mth(entries[:m]), ref_mth(entries)
    assert merkle.verify_consistency(m, n, old_root, new_root, proof)
    if m < n:
        # A rewritten old tree or a forged new root is refused. (The size is bound by the signed head, not
        # the root: a tree of 3 and one of 4 can share a proof's shape, as the RFC allows.)
        assert not merkle.verify_consistency(m, n, ref_mth([*entries[: m - 1], b"forged"]), new_root, proof)
        assert not merkle.verify_consistency(m, n, old_root, ref_mth([*entries, b"x"]), proof)
        if proof:
            assert not merkle.verify_consistency(m, n, old_root, new_root, proof[1:])


@settings(max_examples=80, deadline=None)
@given(entries=entries_strategy)
def test_the_compact_range_gives_every_prefix_root_and_every_complete_subtree(entries):
    leaves = [merkle.leaf_hash(e) for e in entries]
    rng = merkle.CompactRange()
    made = {}
    for i, leaf in enumerate(leaves):
        rng.append(leaf, lambda h, idx, digest: made.__setitem__((h, idx), digest))
        assert rng.root() == ref_mth(entries[: i + 1])
        copy = merkle.CompactRange(rng.size, rng.hashes)
        assert copy.root() == rng.root()
    for (height, index), digest in made.items():
        assert digest == ref_mth(entries[index << height : (index + 1) << height])
