"""Exactly one module decrypts: a test that fails the build if any other code reaches plaintext."""

import ast
from pathlib import Path

import custodian

ROOT = Path(custodian.__file__).parent
GATE = ROOT / "vault" / "gate.py"
CRYPTO = ROOT / "vault" / "_crypto.py"
# Key management re-wraps data keys (never opens a value) and writes seal values: vault-internal.
# Export files are encrypted to vendors' public keys (their decryption needs the vendor's private key).
MAY_USE_CRYPTO = {
    GATE,
    CRYPTO,
    ROOT / "vault" / "services.py",
    ROOT / "vault" / "keys.py",
    ROOT / "vault" / "export_crypto.py",
}


def _sources():
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(), filename=str(path))


def _names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            yield node.attr, node.lineno
        elif isinstance(node, ast.Name):
            yield node.id, node.lineno
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value, node.lineno
        elif isinstance(node, ast.alias):
            yield node.name.split(".")[-1], node.lineno
            yield node.name, node.lineno


def test_only_the_gate_opens_values():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path, tree in _sources()
        if path not in (GATE, CRYPTO)
        for name, line in _names(tree)
        if name in ("open_value", "open_bytes")
    ]
    assert offenders == [], f"only custodian/vault/gate.py may call open_value: {offenders}"


def test_only_the_vault_touches_the_crypto_module_or_cryptography():
    offenders = []
    for path, tree in _sources():
        if path in MAY_USE_CRYPTO:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if (
                    module.startswith(("cryptography", "nacl"))
                    or module == "custodian.vault._crypto"
                    or any(a.name == "_crypto" for a in node.names)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(
                a.name.startswith(("cryptography", "nacl")) or a.name == "custodian.vault._crypto"
                for a in node.names
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], f"decryption primitives imported outside the vault: {offenders}"


def test_no_code_outside_the_vault_reads_encrypted_columns():
    vault = ROOT / "vault"
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path, tree in _sources()
        if vault not in path.parents
        for name, line in _names(tree)
        if name in {"ciphertext", "wrapped", "PersonalValue.ciphertext"}
    ]
    assert offenders == [], f"encrypted columns read outside custodian/vault: {offenders}"


def test_the_vault_itself_opens_values_only_in_the_gate():
    for path in (ROOT / "vault").rglob("*.py"):
        if path in (GATE, CRYPTO) or "tests" in path.parts:
            continue
        assert "open_value" not in path.read_text() and "open_bytes" not in path.read_text(), path


def test_the_check_would_catch_an_offender(tmp_path):
    tree = ast.parse("from custodian.vault._crypto import open_value\nopen_value(k, 1, 'name', b'')\n")
    assert [n for n, _ in _names(tree) if n == "open_value"]
