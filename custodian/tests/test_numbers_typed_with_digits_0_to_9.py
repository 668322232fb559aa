"""A number a person types in the portal, the console or the public site (an amount to pay, a deposit, an
installment, a kWh figure from a bill, a customer number) is read only when written with the digits 0 to 9:
"1e3" is not $1000 and "١٠" is not $10. Every form field of the project that reads a number is one of the
two fields of custodian.bounds that read it so; the forms are read from the code, so a new form with
Django's own IntegerField, DecimalField or FloatField fails here."""

import importlib
import pkgutil
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms

import custodian
from custodian import bounds

NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)
TYPED_WITH_DIGITS_0_TO_9 = (bounds.WholeNumberField, bounds.MoneyField)


def _product_modules():
    """Every module of the product (not its tests, migrations or test helpers, nor the WSGI entry point, which
    signs the access log when the process ends), imported: a form class is found only once its module is."""
    for info in pkgutil.walk_packages(custodian.__path__, "custodian."):
        parts = info.name.split(".")
        if {"tests", "migrations", "testing", "wsgi"} & set(parts):
            continue
        importlib.import_module(info.name)


def project_form_classes() -> list[type]:
    _product_modules()
    found, pending = [], [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith("custodian.") and ".tests" not in cls.__module__:
            found.append(cls)
    return found


def test_every_number_field_of_every_form_reads_only_the_digits_0_to_9():
    classes = project_form_classes()
    assert len(classes) > 50  # the forms of the portal, the console, the public site and the API are found
    read_any_digits = [
        f"{cls.__module__}.{cls.__qualname__}.{name}: {type(field).__name__}"
        for cls in classes
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, NUMBER_FIELDS) and not isinstance(field, TYPED_WITH_DIGITS_0_TO_9)
    ]
    assert not read_any_digits, "use bounds.MoneyField or bounds.WholeNumberField:\n" + "\n".join(
        read_any_digits
    )


def test_no_form_adds_a_number_field_of_django_s_own_when_it_is_built():
    """A field added in a form's __init__ (`self.fields[...] = ...`) is not among its class's fields: the
    source is read for Django's number fields instead, outside custodian.bounds, which builds on them."""
    root = Path(custodian.__file__).parent
    django_number_field = re.compile(r"\b(?:forms\.)?(?:IntegerField|DecimalField|FloatField)\(")
    found = [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if not {"tests", "migrations", "testing"} & set(path.relative_to(root).parts)
        and path.name != "bounds.py"
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if django_number_field.search(line) and "models." not in line
    ]
    assert not found, "use bounds.MoneyField or bounds.WholeNumberField:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "typed", ["1e3", "1E3", "١٠", "１００", "٣٠٠", "1_000", "1,00", "10,00", "NaN", "inf", "+5", "5$", "5 5"]
)
def test_an_amount_not_written_with_the_digits_0_to_9_is_refused_by_name(typed):
    field = bounds.MoneyField(label="Amount to pay ($)", min_value=1, max_value=10_000)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert refused.value.code == "invalid"
    assert "written with the digits 0 to 9" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("25", Decimal(25)),
        (" 25.5 ", Decimal("25.5")),
        ("25.50", Decimal("25.50")),
        (".5", Decimal("0.5")),
        # As a bill prints amounts: a dollar sign before, thousands grouped by commas.
        ("$5", Decimal(5)),
        ("1,000", Decimal(1000)),
        ("$1,234.50", Decimal("1234.50")),
    ],
)
def test_an_amount_in_dollars_and_cents_is_read(typed, amount):
    assert bounds.MoneyField(max_value=10_000).clean(typed) == amount


def test_an_amount_keeps_its_field_s_limits_in_their_own_words():
    field = bounds.MoneyField(min_value=1, max_value=10_000)
    for typed, words in (
        ("0", "greater than or equal to 1"),
        ("-5", "greater than or equal to 1"),
        ("10000.01", "less than or equal to 10000"),
        ("10.555", "no more than 2 decimal places"),
    ):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(typed)
        assert words in refused.value.messages[0], typed


@pytest.mark.parametrize("typed", ["1e3", "٥", "１", "5.0", "0x10", "1_0", "²"])
def test_a_whole_number_not_written_with_the_digits_0_to_9_is_refused(typed):
    with pytest.raises(forms.ValidationError) as refused:
        bounds.WholeNumberField(min_value=0, max_value=10_000_000).clean(typed)
    assert "whole number written with the digits 0 to 9" in refused.value.messages[0]


def test_a_whole_number_is_read_within_the_database_s_integers_unless_the_field_says_less():
    field = bounds.WholeNumberField(required=False)
    assert (field.clean(" 250 "), field.clean(""), field.clean("-3")) == (250, None, -3)
    for typed in ("9" * 24, "-" + "9" * 24):
        with pytest.raises(forms.ValidationError):
            field.clean(typed)
    assert bounds.IdField().clean("7") == 7
    with pytest.raises(forms.ValidationError):
        bounds.IdField().clean("٧")
