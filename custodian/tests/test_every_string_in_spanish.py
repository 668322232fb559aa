"""Every string the product marks for translation has its Spanish: a string added in English only would show
in English on a Spanish page or in a Spanish letter. Read from the code itself: the literal first argument of
every `gettext`-family call in the product's modules (`_`, `gettext`, `gettext_lazy`, `ngettext`,
`ngettext_lazy`, `pgettext`, `pgettext_lazy`), and every `{% translate "…" %}` of its templates, each looked
up in the compiled Spanish catalogue. (`blocktranslate` blocks, whose ids Django composes from their
variables, are checked by the pages' and letters' own Spanish tests.) And every refusal a service raises
that a portal or public page shows is marked: a message written as a plain literal there fails."""

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


# A refusal raised by a service reaches a customer or a visitor as its message: the classes a portal or public
# page catches and puts on the page (`str(exc)`, the exception handed on, or a form's `refused=`), raised in
# a function those pages import by name or one it calls in its own module. A message not marked would show in
# English on a Spanish page. The pages' forms' own `ValidationError`s likewise.
SHOWN_BY = ("portal", "web")
FORMS_OF = ("portal", "web", "connect", "bounds.py")
# Raised on those functions' paths that no customer or visitor takes, each with why.
NOT_ON_A_CUSTOMER_S_PATH = {
    ("casework/services.py", "_check_verification"): "staff's own intake (calls, visits, letters) only",
    ("casework/services.py", "request_open"): "a kind, channel or service the code names, never typed",
}


def _names(node) -> list[str]:
    if isinstance(node, ast.Tuple):
        return [n for e in node.elts for n in _names(e)]
    return [node.id] if isinstance(node, ast.Name) else [node.attr] if isinstance(node, ast.Attribute) else []


def _unmarked(message) -> bool:
    """A message written in English only: a literal, an f-string, or a literal %-formatted."""
    if isinstance(message, ast.BinOp):
        return _unmarked(message.left)
    return isinstance(message, ast.JoinedStr) or _literal(message) is not None


def _trees(areas):
    for path in _product_files("*.py"):
        if path.relative_to(ROOT).parts[0] in areas:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _shown_refusals() -> set[str]:
    shown = set()
    for _path, tree in _trees(SHOWN_BY):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                shown.update(n for k in node.keywords if k.arg == "refused" for n in _names(k.value))
            if isinstance(node, ast.ExceptHandler) and node.name:
                used = any(
                    isinstance(a, ast.Name) and a.id == node.name
                    for call in ast.walk(ast.Module(body=node.body, type_ignores=[]))
                    if isinstance(call, ast.Call)
                    for a in [*call.args, *(k.value for k in call.keywords)]
                )
                shown.update(_names(node.type) if used else [])
    return shown - {"refused", "ValueError", "Exception"}


def _imported_by_the_pages() -> dict[str, set[str]]:
    imported: dict[str, set[str]] = {}
    for _path, tree in _trees(SHOWN_BY):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("custodian."):
                imported.setdefault(node.module, set()).update(a.name for a in node.names)
    return imported


def _refusals_unmarked(shown: set[str]):
    imported = _imported_by_the_pages()
    for path in _product_files("*.py"):
        relative = path.relative_to(ROOT)
        module = ".".join(("custodian", *relative.with_suffix("").parts)).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defs = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        todo, seen = [n for n in imported.get(module, ()) if n in defs], set()
        while todo:
            name = todo.pop()
            if name in seen or (str(relative), name) in NOT_ON_A_CUSTOMER_S_PATH:
                continue
            seen.add(name)
            for node in ast.walk(defs[name]):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in defs:
                    todo.append(node.func.id)
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                    raised = _names(node.exc.func)
                    if raised and raised[0] in shown and _unmarked(node.exc.args[0]):
                        yield f"{relative}:{node.lineno} ({name}): {ast.unparse(node.exc.args[0])[:80]}"
        if relative.parts[0] in FORMS_OF or str(relative) in FORMS_OF:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Raise)
                    and isinstance(node.exc, ast.Call)
                    and node.exc.args
                    and _names(node.exc.func)[:1] == ["ValidationError"]
                    and _unmarked(node.exc.args[0])
                ):
                    yield f"{relative}:{node.lineno}: {ast.unparse(node.exc.args[0])[:80]}"


def test_every_refusal_a_customer_or_visitor_reads_is_marked_for_translation():
    shown = _shown_refusals()
    assert {"EnrolmentError", "RequestError", "AccountError", "ContactRemovalRefused"} <= shown, shown
    unmarked = sorted(set(_refusals_unmarked(shown)))
    assert not unmarked, (
        "a refusal shown to customers in English only (mark it, add its Spanish):\n" + "\n".join(unmarked)
    )


def test_the_refusals_scan_finds_an_unmarked_message():
    tree = ast.parse('raise RequestError(f"request {n} is closed")\nraise RequestError(_("closed"))')
    first, second = (node.exc.args[0] for node in ast.walk(tree) if isinstance(node, ast.Raise))
    assert _unmarked(first) and not _unmarked(second)
