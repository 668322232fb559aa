"""The portal (and the public site's privacy and cookies pages) in Spanish: every such template's words are
marked for translation (no bare text between the tags, no untranslated literal handed to an included piece),
and every marked string has a Spanish translation in the catalogue. A new sentence without its Spanish
fails here, naming the template."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.template import engines
from django.template.base import TextNode
from django.template.loader_tags import IncludeNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import Client
from django.utils.translation import trans_real

from custodian.portal.tests import test_portal
from custodian.portal.tests.test_portal import signed_in

households = test_portal.households

PORTAL = Path(__file__).resolve().parents[1] / "templates" / "portal"
# Every portal template, and the public pages that say what we do with people's data.
TEMPLATES = [
    *sorted(f"portal/{p.name}" for p in PORTAL.glob("*.html")),
    "web/privacy.html",
    "web/cookies.html",
]
# Words that are the same in every language: units, file formats, the standard's name.
SAME_IN_EVERY_LANGUAGE = {"kWh", "PDF", "CSV", "XML", "ESPI"}


def compiled(name):
    return engines["django"].engine.get_template(name)


def bare_words(text: str) -> list[str]:
    """Words a reader would see in a piece of template text that is not inside a translation tag."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", unescape(text))
    return [w for w in words if w not in SAME_IN_EVERY_LANGUAGE]


def page_text(nodelist) -> str:
    """The template's own text in order, each tag or variable as a mark without letters (so a tag split by a
    variable, `<a href="{% url … %}">`, is still one tag to strip)."""
    out = []
    for node in nodelist:
        if isinstance(node, TextNode):
            out.append(node.s)
        elif isinstance(node, TranslateNode | BlockTranslateNode):
            out.append("0")
        else:
            out.append("0")
            for attr in node.child_nodelists:
                out.append(page_text(getattr(node, attr, None) or []))
    return "".join(out)


def marked_strings(template) -> tuple[list[str], list[str]]:
    """(the msgids the template marks, what it leaves unmarked)."""
    nodelist = template.nodelist
    msgids, unmarked = [], []
    for node in nodelist.get_nodes_by_type(TranslateNode):
        var = node.filter_expression.var
        if getattr(var, "literal", None) is not None:
            msgids.append(str(var.literal))
    for node in nodelist.get_nodes_by_type(BlockTranslateNode):
        msgids.append(node.render_token_list(node.singular)[0])
    unmarked += bare_words(page_text(nodelist))
    for node in nodelist.get_nodes_by_type(IncludeNode):
        for key, value in node.extra_context.items():
            var = value.var
            literal = getattr(var, "literal", None)
            if isinstance(literal, str) and bare_words(literal):
                if getattr(var, "translate", False):
                    msgids.append(literal)
                else:
                    unmarked.append(f'{key}="{literal}"')
    return msgids, unmarked


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_portal_string_is_marked_and_has_its_spanish(name):
    msgids, unmarked = marked_strings(compiled(name))
    assert not unmarked, f"{name}: text not marked for translation: {unmarked[:8]}"
    catalogue = trans_real.translation("es")._catalog
    missing = [m for m in msgids if not catalogue.get(m)]
    assert not missing, f"{name}: no Spanish for {missing[:5]} (makemessages -l es, then translate)"


def test_the_portal_pages_read_in_spanish(households):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.get("/portal/me/?lang=es")
    pages = {
        "/portal/me/": "Lo que tenemos sobre usted",
        "/portal/me/who-has-seen-my-data/": "Quién ha visto o cambiado mis datos",
        "/portal/me/messages/": "Cartas y mensajes que le enviamos",
        "/portal/me/requests/": "Mis solicitudes",
        "/portal/me/consents/": "Mis consentimientos",
        "/portal/me/bills/": "Facturas y pagos",
        "/portal/me/usage/": "Mi consumo de electricidad",
    }
    for url, words in pages.items():
        page = client.get(url).content.decode()
        assert words in page, url
    assert "Iniciar sesión en Mi cuenta" in Client().get("/portal/sign-in/?lang=es").content.decode()
    privacy = Client().get("/privacy/?lang=es").content.decode()
    assert "Cómo cumplimos estas promesas" in privacy and "se publica en inglés" in privacy
    assert "Tamaño del texto" in Client().get("/cookies/?lang=es").content.decode()
