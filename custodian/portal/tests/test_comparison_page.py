"""My comparison in the portal and its PDF letter: months by name, the scale with my place marked (in words
and in the table a screen reader reads), the cost of my last month and of the average and efficient homes
at today's rate, two or three tips, and the same number of homes on the page and in the letter. Another
customer, in no group that may be shown, gets no comparison; the page reads in Spanish."""

import io
import json
import re
from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from custodian.billing.estimate import month_cost_estimate
from custodian.testing.neighbours import group_stored, premise
from custodian.testing.portal import signed_in
from custodian.usage.comparison import ComparisonData
from custodian.usage.services import store_group_aggregates

NEIGHBOURS = 18


@pytest.fixture
def compared(households):
    """The customer in a group of 19 homes whose every other home used half of what the customer did each
    month (so the customer uses more than average); another customer in no group."""
    (customer, app), (other, other_app) = households
    months = json.loads(app.personal["meter_usage"])["electric"]["months"]
    premises = [premise(customer.pk, app.heating_fuel)] + [
        premise(900_000 + i, app.heating_fuel) for i in range(NEIGHBOURS)
    ]
    usage = [(customer.pk, m["month"], float(m["total"])) for m in months]
    usage += [(900_000 + i, m["month"], float(m["total"]) / 2 + i) for i in range(NEIGHBOURS) for m in months]
    store_group_aggregates(ComparisonData(premises, usage))
    return (customer, app, months), (other, other_app)


def test_my_comparison_names_months_marks_my_place_and_states_costs(compared):
    (customer, app, months), _ = compared
    client = signed_in(app, "ann@example.com")
    page = client.get("/portal/me/comparison/").content.decode()
    last = months[-1]
    first_day = date(int(last["month"][:4]), int(last["month"][5:]), 1)
    assert f"Last month ({date_format(first_day, 'YEAR_MONTH_FORMAT')})" in page
    assert f">{date_format(first_day, 'M')}</text>" in page  # under the chart's bars
    assert not re.search(r">\s*\d\d\s*</text>", page)  # no month as a bare number
    assert f'<th scope="row">{date_format(first_day, "YEAR_MONTH_FORMAT")}</th>' in page
    # The scale: three bands in words, mine marked, and the same word as the rating and in the table.
    assert re.search(r'<li class="scale__more" aria-current="true">More than average', page)
    assert page.count('aria-current="true"') == 1
    assert "Rating: <strong>More than average</strong>" in page
    assert "<td>More than average</td>" in page
    # The cost at today's rate, as billing's arithmetic gives it.
    mine = month_cost_estimate(
        service="electric", quantity=float(last["total"]), month=last["month"], heating_fuel=app.heating_fuel
    )
    assert f"about <strong>${mine:.2f}</strong>" in page
    assert "An estimate at the current rate" in page
    # Two or three tips.
    tips = re.search(r'<ul class="tips">(.*?)</ul>', page, re.S).group(1)
    assert 2 <= tips.count("<li>") <= 3


def test_the_page_and_the_letter_state_the_same_number_of_homes(compared):
    (customer, app, months), _ = compared
    client = signed_in(app, "ann@example.com")
    page = client.get("/portal/me/comparison/").content.decode()
    letter = client.get("/portal/me/comparison.pdf")
    text = " ".join(PdfReader(io.BytesIO(letter.content)).pages[0].extract_text().split())
    on_page = re.findall(r"The (\d+) similar homes", page)
    in_letter = re.findall(r"(?:The|the) (\d+) (?:similar )?homes", text)
    assert on_page == [str(NEIGHBOURS + 1)]
    assert in_letter and set(in_letter) == {str(NEIGHBOURS + 1)}
    assert "about 100" not in text
    last = months[-1]
    first_day = date(int(last["month"][:4]), int(last["month"][5:]), 1)
    assert date_format(first_day, "YEAR_MONTH_FORMAT") in text and "More than average" in text
    assert "Tips for you" in text and "$" in text


def test_another_customer_in_no_group_gets_no_comparison(compared):
    _, (other, other_app) = compared
    client = signed_in(other_app, "bob@example.com")
    assert "There is no comparison for your home" in client.get("/portal/me/comparison/").content.decode()
    assert client.get("/portal/me/comparison.pdf").status_code == 404


def test_the_comparison_reads_in_spanish(compared):
    (customer, app, months), _ = compared
    client = signed_in(app, "ann@example.com")
    client.get("/portal/me/?lang=es")
    page = client.get("/portal/me/comparison/").content.decode()
    last = months[-1]
    first_day = date(int(last["month"][:4]), int(last["month"][5:]), 1)
    with translation.override("es"):
        month = date_format(first_day, "YEAR_MONTH_FORMAT")
    assert f"({month})" in page and "Más que el promedio" in page
    assert "Consejos para usted" in page and "Lo que cuesta" in page
    assert "More than average" not in page and "Tips for you" not in page
    letter = client.get("/portal/me/comparison.pdf")
    text = " ".join(PdfReader(io.BytesIO(letter.content)).pages[0].extract_text().split())
    assert month in text and "Consejos para usted" in text
    # Money as US Spanish writes it: a decimal point and comma grouping, as in English.
    mine = month_cost_estimate(
        service="electric", quantity=float(last["total"]), month=last["month"], heating_fuel=app.heating_fuel
    )
    assert f"${mine:,.2f}" in page


@pytest.fixture
def with_gas(households):
    """The second household (electricity, gas and water) in a group of 19 homes that all have gas, of
    which only itself has water: a gas comparison, no water one."""
    _, (customer, app) = households
    group_stored(customer, app, electric=NEIGHBOURS + 1, gas=NEIGHBOURS + 1, water=1)
    return customer, app, json.loads(app.personal["meter_usage"])


def test_gas_is_compared_in_therms_on_the_page_and_in_the_letter(with_gas):
    customer, app, series = with_gas
    client = signed_in(app, "gas.home@example.com")
    page = client.get("/portal/me/comparison/").content.decode()
    assert "Natural gas: how you compare" in page and "Water: how you compare" not in page
    gas_last = series["gas"]["months"][-1]
    assert f"you used <strong>{round(gas_last['total'])} therms</strong>" in page
    assert "Your monthly natural gas use against similar homes, in therms" in page
    letter = PdfReader(io.BytesIO(client.get("/portal/me/comparison.pdf").content))
    second = " ".join(letter.pages[1].extract_text().split())
    assert "Natural gas: how you compare" in second and "therms" in second
    assert f"The {NEIGHBOURS + 1} similar homes nearby" in second
