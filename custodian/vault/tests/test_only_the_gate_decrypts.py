"""Exactly one module decrypts: a test that fails the build if any other code reaches plaintext."""

import ast
import re
from pathlib import Path

import pytest

import custodian

ROOT = Path(custodian.__file__).parent
GATE = ROOT / "vault" / "gate"  # a package: every module in it is the gate
CRYPTO = ROOT / "vault" / "_crypto.py"
# Sealing (keys, data-key wrapping, sealing values, blind indexes) never opens a value: vault-internal.
# Only the gate imports the opening module (`_crypto`); services and key management import `sealing`.
# Export files are encrypted to vendors' public keys (their decryption needs the vendor's private key).
# The access log's signing key signs and checks tree heads (Ed25519): no personal data passes through it.
# A scratch file takes back only what it sealed itself, under a key only the process ever holds; text held
# for a browser whose sign-in ran out, only under the key that browser alone was given.
MAY_USE_CRYPTO = {
    CRYPTO,
    ROOT / "vault" / "sealing.py",
    ROOT / "vault" / "scratch.py",
    ROOT / "vault" / "held_text.py",
    ROOT / "vault" / "export_crypto.py",
    ROOT / "audit" / "log_key.py",
}


def _in_gate(path: Path) -> bool:
    return GATE in path.parents


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


def _named_outside_the_gate(names: tuple[str, ...], *, but) -> list[str]:
    """Where a module outside the gate (and `but`, the module that defines them) names one of `names`."""
    return [
        f"{path.relative_to(ROOT)}:{line}"
        for path, tree in _sources()
        if not _in_gate(path) and path != but
        for name, line in _names(tree)
        if name in names
    ]


def test_only_the_gate_opens_values():
    offenders = _named_outside_the_gate(("open_value", "open_bytes"), but=CRYPTO)
    assert offenders == [], f"only custodian/vault/gate/ may call open_value: {offenders}"


def test_only_the_vault_touches_the_crypto_module_or_cryptography():
    offenders = []
    for path, tree in _sources():
        if path in MAY_USE_CRYPTO or _in_gate(path):
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


# The tables that hold sealed values and wrapped keys, and their sealed columns.
SEALED_TABLES = ("vault_personalvalue", "vault_datakey", "vault_sealeddocument")
SEALED_COLUMNS = ("ciphertext", "wrapped")
SQL_WORDS = re.compile(r"\b(select|from|join|returning|copy|where|union)\b", re.IGNORECASE)
SEALED_IN_SQL = re.compile(r"\b(" + "|".join(SEALED_COLUMNS + SEALED_TABLES) + r")\b", re.IGNORECASE)


def _string_pieces(tree):
    """Every string the module holds, with f-strings and literal concatenations joined into one text (the
    interpolated parts become a placeholder), so a query split across pieces is read whole."""

    def text(node) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(text(v) if isinstance(v, ast.Constant) else " {} " for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = text(node.left), text(node.right)
            if left is not None or right is not None:
                return (left or " {} ") + (right or " {} ")
        return None

    for node in ast.walk(tree):
        joined = text(node)
        if joined is not None:
            yield joined, node.lineno


def _reads_sealed_columns(sql: str) -> bool:
    """SQL that names a sealed column or a sealed table of the vault (`SELECT *` of one included)."""
    return bool(SQL_WORDS.search(sql) and SEALED_IN_SQL.search(sql))


def _sealed_table_names(tree):
    """`<Model>._meta.db_table` of a sealed model: the table name an f-string query would interpolate."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "db_table"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "_meta"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in ("PersonalValue", "DataKey", "SealedDocument")
        ):
            yield node.lineno


def sql_offenders(sources) -> list[str]:
    offenders = []
    for path, tree in sources:
        if _in_gate(path):
            continue
        where = path.relative_to(ROOT) if ROOT in path.parents else path
        offenders += [f"{where}:{line}" for sql, line in _string_pieces(tree) if _reads_sealed_columns(sql)]
        offenders += [f"{where}:{line} (sealed table name)" for line in _sealed_table_names(tree)]
    return offenders


def test_no_sql_outside_the_gate_reads_sealed_columns():
    """Raw SQL (cursor.execute, RawSQL, .extra, DuckDB) that reads ciphertext, wrapped keys or the sealed
    tables: only the gate may, wherever else in the code base it is, the vault's own modules included."""
    assert sql_offenders(_sources()) == [], "SQL reading sealed columns outside custodian/vault/gate/"


@pytest.mark.parametrize(
    "code",
    [
        'cursor.execute("SELECT ciphertext FROM vault_personalvalue WHERE customer_id = %s", [1])',
        'cursor.execute(f"SELECT pv.ciphertext FROM {table} pv")',
        'RawSQL("select wrapped from vault_datakey where customer_id = %s", [1])',
        'qs.extra(select={"c": "SELECT ciphertext FROM vault_sealeddocument"})',
        'cursor.execute("SELECT * FROM vault_personalvalue")',
        'cursor.execute("SELECT dk.key_id, dk." + "wrapped FROM vault_datakey dk")',
        'sql = "SELECT field, " + column + " FROM vault_personalvalue"',
        "TABLE = PersonalValue._meta.db_table",
    ],
)
def test_the_sql_check_would_catch_an_offender(code):
    assert sql_offenders([(ROOT / "elsewhere.py", ast.parse(code))])


def test_the_sql_check_leaves_prose_and_other_tables_alone():
    code = (
        '"""Data keys are wrapped under a master key; ciphertext is never read here."""\n'
        'cursor.execute("SELECT id, customer_class FROM customers_customer WHERE id = %s", [1])\n'
    )
    assert sql_offenders([(ROOT / "elsewhere.py", ast.parse(code))]) == []


def test_only_the_gate_reads_sealed_interval_blocks():
    """The interval store's reader (DuckDB SQL over the sealed Parquet column) is the gate's alone."""
    offenders = _named_outside_the_gate(
        ("read_rows", "SCHEMA_COLUMNS"), but=ROOT / "vault" / "interval_files.py"
    )
    assert offenders == [], f"sealed interval blocks read outside custodian/vault/gate/: {offenders}"


def test_the_vault_itself_opens_values_only_in_the_gate():
    for path in (ROOT / "vault").rglob("*.py"):
        if _in_gate(path) or path == CRYPTO or "tests" in path.parts:
            continue
        assert "open_value" not in path.read_text() and "open_bytes" not in path.read_text(), path


def test_the_gate_is_a_package_of_modules_that_all_count_as_the_gate():
    modules = {path.name for path in GATE.glob("*.py")}
    assert {"decision.py", "values.py", "documents.py", "break_glass.py"} <= modules
    assert _in_gate(GATE / "values.py") and not _in_gate(ROOT / "vault" / "services.py")


def test_the_check_would_catch_an_offender(tmp_path):
    tree = ast.parse("from custodian.vault._crypto import open_value\nopen_value(k, 1, 'name', b'')\n")
    assert [n for n, _ in _names(tree) if n == "open_value"]
