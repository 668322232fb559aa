"""Every string the product marks for translation has its Spanish: a string added in English only would show
in English on a Spanish page or in a Spanish letter. Read from the code itself: the literal first argument of
every `gettext`-family call in the product's modules (`_`, `gettext`, `gettext_lazy`, `ngettext`,
`ngettext_lazy`, `pgettext`, `pgettext_lazy`), and every `{% translate "…" %}` of its templates, each looked
up in the compiled Spanish catalogue. (`blocktranslate` blocks, whose ids Django composes from their
variables, are checked by the pages' and letters' own Spanish tests.)"""

import ast
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.mo"
# The calls whose first argument is the id (a plural's singular is its id), and those whose second is.
BY_FIRST = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?[^%]*%\}"""
)


def _product_files(pattern: str):
    for path in sorted(ROOT.rglob(pattern)):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "testing" in parts or "migrations" in parts:
            continue
        yield path


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _marked_in_python():
    for path in _product_files("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in BY_FIRST and (text := _literal(node.args[0])):
                yield where, "", text
            elif name in CONTEXT and len(node.args) > 1 and (text := _literal(node.args[1])):
                yield where, _literal(node.args[0]) or "", text


def _marked_in_templates():
    for path in [*_product_files("*.html"), *_product_files("*.txt")]:
        text = path.read_text(encoding="utf-8")
        for found in TRANSLATE_TAG.finditer(text):
            line = text.count("\n", 0, found.start()) + 1
            yield f"{path.relative_to(ROOT)}:{line}", found.group(4) or "", found.group(2)


def test_every_marked_string_has_its_spanish():
    with CATALOGUE.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    ids = set(catalogue._catalog)  # the compiled ids: "context\x04id" with a context, (id, n) for plurals
    known = {k if isinstance(k, str) else k[0] for k in ids}
    marked = [*_marked_in_python(), *_marked_in_templates()]
    assert len(marked) > 500, "the scan found too few strings: has the layout changed?"
    missing = sorted(
        f"{where}: {text!r}"
        for where, context, text in marked
        if (f"{context}\x04{text}" if context else text) not in known
    )
    assert not missing, "marked for translation with no Spanish in the catalogue:\n" + "\n".join(missing)
