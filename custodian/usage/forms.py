from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.dates import day_words, span_words
from custodian.vault.interval_files import LOCAL

# A Green Button request covers at most about three years (the utility keeps 13 months of intervals
# online, billing totals longer); a longer span is refused rather than silently cut.
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    """A period of whole local days, both ends included; empty fields mean the default period."""

    html_static_when_unbound = True  # empty, its markup is the code's (custodian.web.forms_renderer)

    start = bounds.DateField(required=False, label=_("From"))
    end = bounds.DateField(required=False, label=_("To (included)"))
    units = forms.ChoiceField(
        required=False,
        label=_("Gas and water in"),
        choices=[
            ("", _("the units the meter reads (cubic feet, CCF, cubic metres or gallons)")),
            ("billing", _("therms and gallons, the billing units (converted; the file states the factor)")),
        ],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.errors:
            raise forms.ValidationError(_("Give both dates, or neither for the last 13 months."))
        if start and end:
            if end < start:
                self.add_error("end", _("The end date is before the start date."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error(
                    "end",
                    _("A download covers at most %(span)s; choose a shorter period.")
                    % {"span": span_words(MAX_DAYS)},
                )
            elif start > timezone.localdate():
                self.add_error("start", _("The start date is in the future."))
        return data

    def units_chosen(self) -> str:
        """`metered` (the default: gas and water as the meter reads them) or `billing` (converted)."""
        return "billing" if self.is_bound and self.cleaned_data.get("units") == "billing" else "metered"

    def period(self) -> tuple[int, int] | tuple[None, None]:
        """[start, end) in UTC epoch seconds, local midnight to the midnight after the end date."""
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start is None or end is None:
            return None, None
        first = datetime(start.year, start.month, start.day, tzinfo=LOCAL)
        after = end + timedelta(days=1)
        last = datetime(after.year, after.month, after.day, tzinfo=LOCAL)
        return int(first.timestamp()), int(last.timestamp())


class UsageUploadForm(forms.Form):
    """A Green Button file for one customer: ESPI XML or the common CSV layout (told apart by content), of
    at most the upload limit (settings.CUSTODIAN_UPLOAD_MAX_BYTES, the largest file any form takes)."""

    file = bounds.FileField(label=_("Green Button file (ESPI XML or CSV)"))


DAYS_SHOWN = 30


class UsageDayForm(forms.Form):
    """A day the customer chooses on the usage page: the days up to it, and its hours."""

    html_static_when_unbound = True  # empty, its markup is the code's (custodian.web.forms_renderer)

    on = bounds.DateField(
        label=_("The day to show"), help_text=_("We show the 30 days up to it, and that day hour by hour.")
    )

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > datetime.now(LOCAL).date():
            raise forms.ValidationError(_("Choose a day that has passed, or today."))
        first = bounds.EARLIEST + timedelta(days=DAYS_SHOWN - 1)  # the 30 days up to it are all held times
        if on < first:
            raise forms.ValidationError(
                _("Choose a day from %(first)s on."), code="too_early", params={"first": day_words(first)}
            )
        return on
