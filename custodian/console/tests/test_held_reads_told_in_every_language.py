"""The console's sentences that tell a member of staff their read, lookup, download or import waits for the
privacy officer's approval are marked for translation and have their Spanish, keeping the place of the hold's
words (`gate.held_in_words`): found in the console's own source, so a new one written in English only fails
here. Said on a page, they read as before in English."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

import custodian.console
from custodian.vault.gate import Held, held_in_words
from custodian.vault.gate.refusals import Refusal

CONSOLE = Path(custodian.console.__file__).parent
HELD = Held(Refusal("held", {"hold": 3, "read": 21, "limit": 20}), 3)


def _held_sentences() -> list[str]:
    """Every string of the console's modules that names the held read's words (`%(held)s`), with whether it
    is the argument of a gettext call."""
    found = []
    for path in sorted(CONSOLE.glob("*.py")):
        tree = ast.parse(path.read_text())
        marked = {
            id(node.args[0])
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in {"gettext", "_", "gettext_lazy"}
            and node.args
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "%(held)s" in node.value:
                found.append((path.name, node.value, id(node) in marked))
            if isinstance(node, ast.JoinedStr) and "privacy officer decides" in ast.unparse(node):
                found.append((path.name, ast.unparse(node), False))  # an f-string no translator reaches
    return found


def test_the_console_says_a_held_read_in_several_places():
    assert len(_held_sentences()) >= 6


@pytest.mark.parametrize(("module", "sentence", "marked"), _held_sentences())
def test_each_held_sentence_is_marked_and_in_spanish(module, sentence, marked):
    assert marked, f"{module}: not marked for translation: {sentence}"
    with translation.override("es"):
        spanish = translation.gettext(sentence)
        told = spanish % {"held": held_in_words(HELD)}
    assert spanish != sentence and "%(held)s" in spanish, (module, sentence)
    assert "retenida para la aprobación del oficial de privacidad (retención 3)" in told
    with translation.override("en"):
        assert translation.gettext(sentence) % {"held": held_in_words(HELD)} == sentence % {
            "held": HELD.reason
        }
