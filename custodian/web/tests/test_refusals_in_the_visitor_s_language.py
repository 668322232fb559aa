"""What a public page answers when it refuses is in the visitor's language: a privacy report for a year
that isn't one, a preference sent from another site, a form sent after its notice changed, and even the
plain answer when the error page itself can't be drawn; and a text size no button of the page sends."""

from django.test import Client, RequestFactory
from django.utils import translation

from custodian.policy.loader import current_policy
from custodian.web import views


def test_lucia_asks_in_spanish_for_the_privacy_report_of_a_year_that_is_not_one(db):
    lucia = Client()
    response = lucia.get("/privacy/report/?year=abc&lang=es")
    text = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert text.startswith("No hay un informe de privacidad del año «abc»: indique un año de 2000 a ")
    assert "There is no privacy report" not in text
    english = Client().get("/privacy/report/?year=<b>1999</b>").content.decode()
    assert english.startswith("There is no privacy report for the year “<b>1999</b>”: give a year from 2000")


def test_a_text_size_sent_from_another_site_is_refused_in_spanish(db):
    response = Client().post(
        "/preferences/text-size/?lang=es", {"size": "large"}, HTTP_ORIGIN="https://elsewhere.example"
    )
    assert response.status_code == 403
    assert response.content.decode() == "Este formulario debe enviarse desde nuestro propio sitio."


def test_a_text_size_no_button_sends_is_drawn_again_with_400_in_spanish(db):
    """Only the page's two buttons choose a size: anything else is the cookies page again, 400, saying what to
    choose, and no cookie is set."""
    for sent in ({"size": "huge"}, {}):
        response = Client().post("/preferences/text-size/?lang=es", sent, HTTP_ORIGIN="http://testserver")
        page = response.content.decode()
        assert (
            response.status_code == 400 and "No cambió nada: elija el texto más grande o el normal." in page
        )
        assert "Nothing changed" not in page and "text_size" not in response.cookies


def test_a_contact_form_sent_after_its_notice_changed_says_so_in_spanish(db):
    notice = current_policy().notice_at("contact_form")
    # The notice she read, as far as the form says: a version the policy file never had.
    form = {"topic": "other", "name": "Lucía Ortega", "email": "lucia@example.com", "message": "Una pregunta"}
    form["notice_shown"] = f"{notice.key}:1999.9"
    page = Client().post("/contact/?lang=es", form, HTTP_ORIGIN="http://testserver").content.decode()
    assert "El aviso de esta página cambió mientras usted llenaba el formulario" in page
    assert "The notice on this page changed" not in page


def test_the_plain_error_answers_are_in_spanish_when_the_page_cannot_be_drawn(db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the layout can't be drawn")

    monkeypatch.setattr(views, "render", broken)
    with translation.override("es"):
        assert (
            "Algo salió mal de nuestro lado (500)"
            in views.server_error(RequestFactory().get("/")).content.decode()
        )
        assert (
            "No pudimos leer esa solicitud (400)"
            in views.bad_request(RequestFactory().get("/")).content.decode()
        )
