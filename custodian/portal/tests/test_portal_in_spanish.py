"""The portal, the public site (every page, the error pages too) and the shared pieces they use, in Spanish:
every such template's words are marked for translation (no bare text between the tags, no untranslated
literal handed to an included piece), and every marked string has a Spanish translation in the catalogue; the
forms' labels, help and choices and every message a page shows a customer too. A new sentence without its
Spanish fails here, naming the template, the form or the line."""

import ast
import importlib
import pkgutil
import re
from html import unescape
from pathlib import Path

import pytest
from django import forms as django_forms
from django.template import engines
from django.template.base import TextNode
from django.template.loader_tags import IncludeNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import trans_real

import custodian.portal as portal_package
import custodian.web as web_package
from custodian.customers.models import Account, Premise, PremiseType
from custodian.testing.account_numbers import account_number_of
from custodian.testing.portal import signed_in

PORTAL = Path(__file__).resolve().parents[1] / "templates" / "portal"
WEB = Path(__file__).resolve().parents[2] / "web" / "templates"
# The staff console's own pieces, in English (staff work in English); and a piece no page includes.
CONSOLE_ONLY = {"ui/header_console.html", "ui/import_problems.html", "ui/pagination.html"}
# Every portal template, every page of the public site (the error pages too) and the shared pieces they use.
TEMPLATES = [
    *sorted(f"portal/{p.name}" for p in PORTAL.glob("*.html")),
    *sorted(f"web/{p.name}" for p in (WEB / "web").glob("*.html")),
    "400.html",
    "403.html",
    "403_csrf.html",
    "404.html",
    "500.html",
    *sorted(f"ui/{p.name}" for p in (WEB / "ui").glob("*.html") if f"ui/{p.name}" not in CONSOLE_ONLY),
    "audit/transparency.html",  # the public page the portal's receipts send a customer to
]
# Words that are the same in every language: units, file formats, the standard's name.
SAME_IN_EVERY_LANGUAGE = {"kWh", "PDF", "CSV", "XML", "ESPI"}


def compiled(name):
    return engines["django"].engine.get_template(name)


def bare_words(text: str) -> list[str]:
    """Words a reader would see in a piece of template text that is not inside a translation tag."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    # Words written in a language of their own on purpose (the interpreter line, the language switch).
    text = re.sub(r'<(\w+)\b[^>]*\slang="[a-z]{2}"[^>]*>.*?</\1>', " ", text, flags=re.S)
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
    # A plural's forms are kept under (its singular, the form's index).
    missing = [m for m in msgids if not (catalogue.get(m) or catalogue.get((m, 0)))]
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
        "/portal/me/usage/": "Este año frente al año pasado",
    }
    for url, words in pages.items():
        page = client.get(url).content.decode()
        assert words in page, url
    assert "Iniciar sesión en Mi cuenta" in Client().get("/portal/sign-in/?lang=es").content.decode()
    privacy = Client().get("/privacy/?lang=es").content.decode()
    assert "Cómo cumplimos estas promesas" in privacy and "se publica en inglés" in privacy
    assert "Tamaño del texto" in Client().get("/cookies/?lang=es").content.decode()


def test_the_accounts_a_customer_chooses_from_are_named_in_spanish(households):
    """The account a move, a payment agreement or budget billing is for is chosen by its name (the home's
    kind and the dates), which the form's own choices do not hold: it is composed for each customer."""
    (customer, app), _ = households
    account = Account.objects.get(customer=customer)
    Premise.objects.filter(pk=account.premise_id).update(premise_type=PremiseType.MANUFACTURED)
    client = signed_in(app, "ann@example.com")
    english = client.get("/portal/me/moving/?lang=en").content.decode()
    number = account_number_of(customer)  # the number on the bill, never the account's internal id
    assert f"Account {number} (manufactured home, since {account.opened_on:%b %-d, %Y})" in english
    spanish = client.get("/portal/me/moving/?lang=es").content.decode()
    with translation.override("es"):
        opened = date_format(account.opened_on, r"j \d\e b. \d\e Y")
    assert f"Cuenta {number} (casa prefabricada, desde el {opened})" in spanish


def test_a_request_to_stop_or_move_service_is_confirmed_in_the_customers_words(households):
    """The confirmation names what was asked in the page's language: the kind's label without its
    explanation in brackets."""
    confirmed = {}
    for (customer, app), language, kind in zip(households, ["es", "en"], ["stop", "transfer"], strict=True):
        client = signed_in(app, f"{language}@example.com")
        asked = {"kind": kind, "on": "2026-12-01", "new_service_address": "42 Cedar Avenue, Owatonna"}
        asked["account"] = Account.objects.get(customer=customer).pk
        response = client.post(f"/portal/me/moving/?lang={language}", asked, follow=True)
        confirmed[language] = response.content.decode()
    assert "Recibimos su solicitud (suspender el servicio el 1 de diciembre de 2026)" in confirmed["es"]
    assert (
        "Your request (move service to another address in the territory on December 1, 2026) was received"
        in confirmed["en"]
    )


# The forms the portal and the public site show a customer (their labels, help and choices): every form class
# a portal or public-site module defines or imports, wherever it is defined (the usage forms live with usage).
def customer_forms():
    found = {}
    for package in (portal_package, web_package):
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            if info.name.rsplit(".", 1)[-1] in ("tests", "migrations"):
                continue
            for cls in vars(importlib.import_module(info.name)).values():
                if (
                    isinstance(cls, type)
                    and issubclass(cls, django_forms.BaseForm)
                    and cls.__module__.startswith("custodian.")
                    and cls.__module__ not in STAFF_FORM_MODULES
                ):
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


# Forms shown only to staff or to third parties' developers (the public site's Connect My Data registration
# is in English, as the ESPI registration it implements).
STAFF_FORM_MODULES = {"custodian.web.third_party_registration"}


@pytest.mark.parametrize("form_class", customer_forms(), ids=lambda c: c.__name__)
def test_every_form_label_help_and_choice_has_its_spanish(form_class):
    def texts(language: str) -> list[tuple[str, str]]:
        with translation.override(language):
            out = []
            for name, field in form_class.base_fields.items():
                shown = [field.label, field.help_text, *field.error_messages.values()]
                shown += [
                    label for _, label in getattr(field, "choices", []) if isinstance(label, str | Promise)
                ]
                out += [(name, str(t)) for t in shown if t and re.search(r"[A-Za-z]{2}", str(t))]
            return out

    missing = [
        f"{name}: {english[:50]}"
        for (name, english), (_, spanish) in zip(texts("en"), texts("es"), strict=True)
        if english == spanish and english not in SAME_IN_EVERY_LANGUAGE
    ]
    assert not missing, f"{form_class.__name__}: no Spanish for {missing[:5]}"


def test_no_message_to_the_customer_is_written_in_english_only():
    """A flash message, a form's error or an error a portal or public page shows is a marked string
    (gettext, its placeholders filled with %), never a bare literal or an f-string no translator can reach."""
    root = Path(__file__).resolve().parents[2]
    bare = []
    pages = [
        *sorted((root / "portal").glob("*views.py")),
        root / "portal" / "access.py",
        root / "web" / "views.py",
    ]
    for path in pages:
        for node in ast.walk(ast.parse(path.read_text())):
            shown = []
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "messages"
            ):
                shown = node.args[1:]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_error"
            ):
                shown = node.args[1:]  # form.add_error(field, message): shown beside the field
            if isinstance(node, ast.Dict):
                shown = [v for k, v in zip(node.keys, node.values, strict=True) if _key(k) in SHOWN_KEYS]
            if isinstance(node, ast.Call):
                shown += [kw.value for kw in node.keywords if kw.arg in SHOWN_KEYS]  # message_page(title=…)
            bare += [f"{path.name}:{line}" for arg in shown for line in _untranslated(arg)]
    assert not bare, f"text shown to a customer without its translation: {sorted(set(bare))}"


# The keys of a page's context whose value a customer reads: an error, a refusal, a message page's title and
# its message.
SHOWN_KEYS = {"error", "blocked", "title", "message", "heading", "lead", "warning", "confirm_label"}

# The services whose refusals a portal page shows as they are worded (`str(exc)` beside a form or on a message
# page), and each function the portal calls: every refusal they raise is a marked string.
SERVICES_THE_PORTAL_QUOTES = {
    "portal/services.py": ["portal_enrol", "portal_confirm", "representative_sign_in_create"],
    "casework/representatives.py": ["invitation_opened"],
    "casework/corrections.py": ["disagreement_keep"],
    "payments/services.py": ["payment_session_open"],
    "payments/autopay.py": ["autopay_enrol"],
    "payments/nacha.py": ["bank_account_parse"],
    "collecting/services.py": ["payment_agreement_request"],
    "billing/budget.py": ["budget_plan_start", "budget_plan_stop", "level_amount"],
    "disclosures/services/consents.py": ["consent_record"],
    "disclosures/services/disagreements.py": ["disagreement_record"],
    "connect/services.py": ["authorization_grant"],
}


def _module_constants(tree) -> dict:
    """A module's names assigned at its top level, with the expression assigned to each."""
    return {
        t.id: n.value
        for n in tree.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }


def test_every_refusal_a_portal_page_quotes_is_translated():
    root = Path(__file__).resolve().parents[2]
    bare = []
    for module, names in SERVICES_THE_PORTAL_QUOTES.items():
        tree = ast.parse((root / module).read_text())
        functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        constants = _module_constants(tree)
        for name in names:
            assert name in functions, f"{module}: no function {name}"
            for node in ast.walk(functions[name]):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                    shown = node.exc.args[0]
                    if isinstance(shown, ast.Name) and shown.id in constants:
                        shown = constants[shown.id]  # a module's message, given its name
                    bare += [f"{module}:{line}" for line in _untranslated(shown)]
    assert not bare, f"a refusal the portal shows without its translation: {bare}"


def _key(node) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _untranslated(node) -> list[int]:
    """The lines where `node` (what is shown) is English text no translation reaches."""
    if isinstance(node, ast.Call):
        return []  # gettext, or a value computed elsewhere
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _untranslated(node.left)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) + _untranslated(node.orelse)
    if isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.search(r"[A-Za-z]{3}", node.value)
    ):
        return [node.lineno]
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) + _untranslated(node.right)
    return []


def test_a_refusal_from_a_service_reads_in_spanish(db):
    page = Client().get("/portal/confirm/not-a-token/?lang=es").content.decode()
    assert "Enlace no válido" in page and "Este enlace no es válido o ya venció" in page


def test_a_flash_message_reads_in_spanish(households):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    client.get("/portal/me/?lang=es")
    response = client.post(
        "/portal/me/contact/", {"email": "", "phone": "", "mailing_address": ""}, follow=True
    )
    assert "Nada que guardar: todos los campos estaban vacíos." in response.content.decode()
    bad = client.post("/portal/me/contact/", {"email": "", "phone": "12", "mailing_address": ""})
    page = bad.content.decode()
    assert "No se guardó" in page and "Escriba un número de teléfono de EE. UU." in page


def _portal_quoted_refusals() -> tuple[set[str], dict[str, Path]]:
    """From the portal's pages themselves: the exception classes whose message a page shows (`except X as
    exc` with `exc` used in the handler, or `refused=X` of a form sent to a service), and every function they
    import from the product with the file that defines it."""
    root = Path(__file__).resolve().parents[2]
    quoted, imported = set(), {}
    for path in [*sorted((root / "portal").glob("*views.py")), root / "portal" / "access.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ExceptHandler)
                and node.name
                and isinstance(node.type, ast.Name)
                and any(isinstance(n, ast.Name) and n.id == node.name for b in node.body for n in ast.walk(b))
            ):
                quoted.add(node.type.id)
            if isinstance(node, ast.keyword) and node.arg == "refused" and isinstance(node.value, ast.Name):
                quoted.add(node.value.id)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("custodian."):
                base = root.parent / Path(*node.module.split("."))
                source = base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"
                for alias in node.names:
                    imported[alias.asname or alias.name] = source
    return quoted, imported


def test_every_refusal_of_a_service_a_portal_page_calls_is_translated():
    """The list above, derived: every function a portal page imports that raises one of the exceptions the
    portal shows a customer raises it with a marked string, so a new service call can't be left out."""
    quoted, imported = _portal_quoted_refusals()
    bare = []
    for name, source in imported.items():
        if not source.exists():
            continue
        tree = ast.parse(source.read_text())
        constants = _module_constants(tree)
        for function in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name):
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Raise)
                    and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name)
                    and node.exc.func.id in quoted
                    and node.exc.args
                ):
                    shown = node.exc.args[0]
                    if isinstance(shown, ast.Name) and shown.id in constants:
                        shown = constants[shown.id]
                    where = source.relative_to(source.parents[2])
                    bare += [f"{where}:{line} ({name})" for line in _untranslated(shown)]
    assert not bare, f"a refusal the portal shows without its translation: {bare}"
