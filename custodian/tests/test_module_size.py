"""A module stays under about 400 lines; one that is longer says at its top why it is one module (its
docstring says "on purpose", with the reason), so a long module is a decision someone wrote down."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400


def test_every_module_over_400_lines_says_why_at_its_top():
    unexplained = []
    modules = (p for folder in ("custodian", "bench", "verifier") for p in (ROOT / folder).rglob("*.py"))
    for path in sorted(modules):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        if text.count("\n") > LIMIT and "on purpose" not in (ast.get_docstring(ast.parse(text)) or ""):
            unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not unexplained, "over 400 lines with no reason in the docstring:\n" + "\n".join(unexplained)
