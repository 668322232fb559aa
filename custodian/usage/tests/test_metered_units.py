"""Gas and water leave in the unit their meter reads: the unit (and scale) of an imported file is kept with
its usage point, the export gives it back by default (CCF as ft³ with powerOfTenMultiplier 2, cubic feet,
cubic metres), and converts to therms and gallons only when asked, the factor written in the file."""

import re

from lxml import etree

from custodian.testing import espi_layouts as L
from custodian.testing import project_file
from custodian.testing.portal import signed_in
from custodian.usage.greenbutton_export import espi_feed, green_button_csv
from custodian.usage.intervals import metered_units_of, series_readings
from custodian.usage.models import MeteredUnit
from custodian.usage.tests.test_greenbutton_layouts import JAN, _import, blocks_held, exported_points

ESPI = "{http://naesb.org/espi}"
ATOM = "{http://www.w3.org/2005/Atom}"
SPAN = (JAN - 86400, JAN + 86400 * 3)


def metered_file() -> bytes:
    """Gas in CCF (ft³ × 10²), water in cubic feet, water in thousandths of a cubic metre: 24 hours each."""
    return L.feed(
        *L.one_meter([L.hourly(JAN, 24, value=lambda i: 2 + i % 3)], kind="1", uom=119, power=2, up_n=1),
        *L.one_meter([L.hourly(JAN, 24, value=lambda i: 7 + i)], kind="2", uom=119, power=0, up_n=2),
        *L.one_meter([L.hourly(JAN, 24, value=lambda i: 1234 + i)], kind="2", uom=42, power=-3, up_n=3),
    )


def reading_types(feed: bytes) -> list[tuple[str, str, str, str]]:
    """(title, uom, powerOfTenMultiplier, kind) of each ReadingType in the feed."""
    tree = etree.fromstring(feed)
    out = []
    for entry in tree.iter(f"{ATOM}entry"):
        rt = entry.find(f"{ATOM}content/{ESPI}ReadingType")
        if rt is not None:
            out.append(
                (
                    entry.findtext(f"{ATOM}title"),
                    rt.findtext(f"{ESPI}uom"),
                    rt.findtext(f"{ESPI}powerOfTenMultiplier"),
                    rt.findtext(f"{ESPI}kind"),
                )
            )
    return out


def values_of(feed: bytes) -> list[list[int]]:
    tree = etree.fromstring(feed)
    return [[int(v.text) for v in block.iter(f"{ESPI}value")] for block in tree.iter(f"{ESPI}IntervalBlock")]


def exported(customer, as_customer, **options) -> tuple[list, bytes]:
    points = exported_points(customer, as_customer, SPAN, **options)
    return points, espi_feed(subject=str(customer.pk), base_url="https://opu.example", usage_points=points)


def test_the_metered_unit_is_kept_exported_by_default_and_round_trips(
    customer, other_customer, field_tech, as_customer
):
    original = metered_file()
    assert _import(customer, field_tech, original).all_stored
    assert metered_units_of(customer.pk) == {"gas": ("ft3", 2), "water": ("ft3", 0), "water#2": ("m3", -3)}

    _, feed = exported(customer, as_customer)
    schema = etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd"))))
    schema.assertValid(etree.fromstring(feed))
    # The file's own units, scales and integers: CCF stays CCF, nothing is converted or said to be.
    assert [rt[1:] for rt in reading_types(feed)] == [
        ("119", "2", "58"),
        ("119", "0", "58"),
        ("42", "-3", "58"),
    ]
    assert not any("converted" in rt[0] for rt in reading_types(feed))
    assert values_of(feed) == values_of(original)

    # Re-imported for another customer: the same units kept, the same readings stored.
    assert _import(other_customer, field_tech, feed).all_stored
    assert metered_units_of(other_customer.pk) == metered_units_of(customer.pk)

    def held(who):
        blocks = blocks_held(who, as_customer, SPAN)
        return {key: series_readings(blocks, *SPAN, key) for key in ("gas", "water", "water#2")}

    first, again = held(customer), held(other_customer)
    for key in first:
        assert len(first[key]) == 24
        assert [(s, d, round(v, 6)) for s, d, v in again[key]] == [
            (s, d, round(v, 6)) for s, d, v in first[key]
        ]
    _, feed_again = exported(other_customer, as_customer)
    assert values_of(feed_again) == values_of(original)


def test_a_conversion_only_on_request_with_the_factor_written(customer, field_tech, as_customer):
    assert _import(customer, field_tech, metered_file()).all_stored
    points, feed = exported(customer, as_customer, units="billing")
    etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd")))).assertValid(
        etree.fromstring(feed)
    )
    titles = [rt[0] for rt in reading_types(feed)]
    assert [rt[1:] for rt in reading_types(feed)] == [
        ("169", "-3", "12"),
        ("128", "-3", "58"),
        ("128", "-3", "58"),
    ]
    assert "converted from CCF (hundred cubic feet) at 1.037 therms per CCF" in titles[0]
    assert "converted from cubic feet at 7.48052 gallons per cubic foot" in titles[1]
    assert "converted from cubic metres at 264.172 gallons per cubic metre" in titles[2]
    gas, water, water2 = values_of(feed)
    # 2 CCF at 1.037 therms per CCF: 2.074 therms, written in thousandths.
    assert (
        gas[0] == 2074
        and water[0] == round(7 * 7.48052 * 1000)
        and water2[0] == round(1.234 * 264.172 * 1000)
    )
    text = green_button_csv(points)
    assert re.search(r"^# Gas service .*converted from CCF .* at 1\.037 therms per CCF\.$", text, re.M)
    # Asked for nothing, the CSV states no conversion.
    plain, _ = exported(customer, as_customer)
    assert "converted" not in green_button_csv(plain)


def test_the_portal_download_converts_only_when_the_customer_asks(households, field_tech):  # noqa: F811
    (customer, app), _ = households
    assert _import(customer, field_tech, metered_file()).all_stored
    client = signed_in(app, "units@example.com")
    start, end = "2026-01-04", "2026-01-07"
    metered = client.get(f"/portal/me/green-button.xml?start={start}&end={end}")
    assert metered.status_code == 200 and b"converted" not in metered.content
    assert [rt[1] for rt in reading_types(metered.content)] == ["119", "119", "42"]
    # The file's name: the utility and the days it covers, nothing of the customer.
    assert metered["Content-Disposition"] == (
        'attachment; filename="Owatonna_Public_Utilities_Green_Button_2026-01-04_to_2026-01-07.xml"'
    )
    billing = client.get(f"/portal/me/green-button.xml?start={start}&end={end}&units=billing")
    assert billing.status_code == 200
    assert [rt[1] for rt in reading_types(billing.content)] == ["169", "128", "128"]
    assert b"at 1.037 therms per CCF" in billing.content
    page = client.get("/portal/me/usage/").content.decode()
    assert "therms and gallons" in page and "the units the meter reads" in page
    assert client.get("/portal/me/green-button.csv?units=billing").status_code == 200
    assert MeteredUnit.objects.filter(customer=customer).count() == 3
