"""Imports stand at the top of each module, tests included, so the import contracts see every one and a cycle
fails when the module loads, not when one function first runs. The few that must wait are listed here, each
with its reason."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# An app's `ready()` (in its apps.py) may import: what it registers imports models, which load only once the
# app registry is ready. Besides, (module path, function) → why the import must wait until the function runs.
LAZY = {
    # PySpark is an optional extra (`spark`), imported only when the Spark engine is asked for.
    ("custodian/usage/comparison.py", "require_spark"): "optional extra",
    ("custodian/usage/comparison.py", "spark_session"): "optional extra",
    ("custodian/vault/gate/spark_totals.py", "_executor_code"): "optional extra",
    ("custodian/vault/gate/spark_totals.py", "month_totals_on_spark"): "optional extra",
    # The log's origin is read once a process: heads imports the event writers, which import the seal.
    ("custodian/audit/seals.py", "active_key"): "import cycle",
    # The shutdown hook runs after the application (and its app registry) is loaded.
    ("custodian/wsgi.py", "_sign_the_access_log"): "app registry",
}


def _modules():
    yield ROOT / "conftest.py"
    for path in sorted((ROOT / "custodian").rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imports_inside_functions(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield node.name, inner.lineno


def test_no_module_imports_inside_a_function_but_the_few_that_must():
    found = []
    for path in _modules():
        name = str(path.relative_to(ROOT))
        for function, line in _imports_inside_functions(path):
            if (name, function) not in LAZY and not (path.name == "apps.py" and function == "ready"):
                found.append(f"{name}:{line} (in {function})")
    assert not found, "imports inside functions; move them to the top of the module:\n" + "\n".join(found)


def test_every_lazy_import_listed_is_still_there():
    # A stale entry would let a new import slip in unseen under an old reason.
    seen = {(str(p.relative_to(ROOT)), f) for p in _modules() for f, _ in _imports_inside_functions(p)}
    stale = set(LAZY) - seen
    assert not stale
