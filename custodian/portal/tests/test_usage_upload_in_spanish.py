"""A customer who uploads a Green Button file in Spanish reads what was and was not stored in Spanish: the
refusal of a whole file and every problem line, each marked for translation where the readers and the store
make it; the upload page says in both languages what the store does with a file."""

import ast
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import trans_real

from custodian.testing.portal import signed_in


def _upload(client, content: bytes, language: str):
    return client.post(
        f"/portal/me/usage/upload/?lang={language}", {"file": SimpleUploadedFile("usage.csv", content)}
    )


def test_a_green_button_uploads_results_read_in_spanish(households):
    """What the upload did not store, and why, in the customer's language: the refusal of a whole file and
    every problem line, a unit the layout does not know named as such (never a parser's own words)."""
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    no_columns = _upload(client, b"DATE,USAGE\n2026-01-05,1\n", "es").content.decode()
    assert "El archivo está incompleto o fue rechazado; no se guardó nada." in no_columns
    assert "faltan columnas: TYPE, START TIME, END TIME, UNITS" in no_columns
    assert "nothing was stored" not in no_columns and "missing columns" not in no_columns
    bad_rows = (
        b"TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
        b"Electric usage,2026-01-05,00:00,01:00,1.5,parsecs,,\n"
        b"Electric usage,2026-01-05,01:00,02:00,-5,kWh,,\n"
        b"Electric usage,2026-01-05,05:00,01:59,1,kWh,,\n"
    )
    page = _upload(client, bad_rows, "es").content.decode()
    assert (
        "Se rechazaron todas las 3 lecturas del archivo, así que no se guardó nada: 2 lecturas que no se "
        "pudieron leer (un número, una fecha, una hora o una unidad que el formato no admite); 1 lectura "
        "entregada por debajo de cero." in page
    )
    assert "El archivo no tiene lecturas." not in page  # it held three
    assert "fila ilegible: la unidad &#x27;parsecs&#x27; no es una de kWh, Wh, therms" in page
    assert "USAGE &#x27;-5&#x27; es menor que cero" in page and "es anterior a START TIME" in page
    assert "KeyError" not in page and "unreadable" not in page
    english = _upload(client, bad_rows, "en").content.decode()
    assert "unreadable row: unit &#x27;parsecs&#x27; is not one of kWh, Wh, therms" in english
    assert "KeyError" not in english


def test_every_problem_a_file_import_names_has_its_spanish():
    """Every problem the Green Button readers and the store name is marked where it is made (gettext_noop,
    or plural_noop for words with a count, its values filled at display) and has a Spanish translation, in
    the singular and the plural; none is an f-string no translator reaches."""
    root = Path(__file__).resolve().parents[2]
    spanish = trans_real.translation("es")
    catalogue = spanish._catalog
    marked, bare, counted = [], [], []
    for module in ("usage/greenbutton_import.py", "usage/intervals.py", "usage/file_refusals.py"):
        for node in ast.walk(ast.parse((root / module).read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "gettext_noop":
                marked.append(node.args[0].value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "plural_noop":
                counted.append((node.args[0].value, node.args[1].value))
            # A problem's words: a marked string (gettext_noop) or a module's marked constant.
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Problem"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant | ast.JoinedStr | ast.BinOp)
            ):
                bare.append(f"{module}:{node.lineno}")
    assert len(marked) > 40 and not bare, bare
    # A counted problem's text is its plural's singular: in the catalogue by its first form.
    missing = [m for m in marked if not (catalogue.get(m) or catalogue.get((m, 0)))]
    assert not missing, f"no Spanish for {missing[:5]}"
    assert len(counted) > 20
    missing = [one for one, many in counted if {spanish.ngettext(one, many, n) for n in (1, 2)} & {one, many}]
    assert not missing, f"no Spanish for {missing[:5]}"
    for service in ("electric", "gas", "water", "unknown"):  # a service a problem names (`Word`)
        assert catalogue.get(f"utility service\x04{service}"), service


def test_the_upload_page_says_a_file_never_replaces_the_meters_readings(households):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    english = client.get("/portal/me/usage/upload/?lang=en").content.decode()
    assert "a reading for an hour we hold from the utility's meter is not stored" in english
    assert "already hold replaces ours" not in english
    spanish = client.get("/portal/me/usage/upload/?lang=es").content.decode()
    assert "un archivo nunca reemplaza las lecturas del medidor" in spanish


def test_a_reading_beyond_a_homes_meter_is_refused_in_spanish_and_counted_in_the_singular(households):
    """The meter a refusal names is read in Spanish with the rest of the words ("el medidor de una
    vivienda", never "a home's meter"), and one reading refused is said as one."""
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    one_too_many = (
        b"TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
        b"Electric usage,2026-01-05,00:00,01:00,1.5,kWh,,\n"
        b"Electric usage,2026-01-05,01:00,02:00,900,kWh,,\n"
    )
    spanish = _upload(client, one_too_many, "es").content.decode()
    assert "el medidor de una vivienda" in spanish and "a home&#x27;s meter" not in spanish
    assert "Leímos 2 lecturas y guardamos 1" in spanish
    assert "1 lectura no se guardó; el problema de abajo dice por qué." in spanish
    english = _upload(client, one_too_many, "en").content.decode()
    assert "1 reading was not stored; the problem below says why." in english
