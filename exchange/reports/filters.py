"""The filters a manager sets on a report: a year or a date range, a country, an institution, a program."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from ill.choices import Direction
from partners.models import Institution


class Program:
    """The parts of the library's work a report can be narrowed to."""

    MATERIALS_EXCHANGE = "materials_exchange"
    DEPOSITS = "deposits"
    KOREAN_STUDIES = "korean_studies"
    WINDOW_ON_KOREA = "window_on_korea"
    CULTURAL_PARTNERSHIP = "cultural_partnership"
    BUSINESS_EXCHANGE = "business_exchange"
    ILL_SUPPLIES = Direction.NLK_SUPPLIES.value
    ILL_BORROWS = Direction.NLK_BORROWS.value

    EXCHANGE_CHOICES = [
        (MATERIALS_EXCHANGE, _("Materials exchange")),
        (DEPOSITS, _("Deposits from international organizations")),
        (KOREAN_STUDIES, _("Korean Studies supply")),
        (WINDOW_ON_KOREA, _("Window on Korea")),
        (CULTURAL_PARTNERSHIP, _("Cultural Partnership Program")),
        (BUSINESS_EXCHANGE, _("Business exchange")),
    ]
    ILL_CHOICES = [
        (ILL_SUPPLIES, _("ILL: NLK supplies an overseas library")),
        (ILL_BORROWS, _("ILL: NLK borrows from abroad")),
    ]


@dataclass(frozen=True)
class Filters:
    """What a report is about; empty fields mean "all"."""

    start: date | None = None
    end: date | None = None
    year: int | None = None
    country: str = ""
    institution: Institution | None = None
    program: str = ""

    @classmethod
    def for_month(cls, first_day):
        next_month = date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)
        return cls(start=first_day, end=next_month - timedelta(days=1))

    @property
    def first_year(self):
        return self.start.year if self.start else None

    @property
    def last_year(self):
        return self.end.year if self.end else None

    def shows(self, program):
        return not self.program or self.program == program

    def slug(self):
        """The filters as they appear in a download's file name."""
        parts = []
        if self.year:
            parts.append(str(self.year))
        elif self.start or self.end:
            parts.append(f"{self.start or 'start'}_{self.end or 'today'}")
        if self.country:
            parts.append(self.country)
        if self.institution:
            parts.append(f"institution-{self.institution.pk}")
        if self.program:
            parts.append(self.program.replace("_", "-"))
        return "_".join(parts) or "all"

    def description(self):
        """The filters in words, printed on every document."""
        period = _("all years")
        if self.year:
            period = str(self.year)
        elif self.start or self.end:
            period = f"{self.start or '…'} – {self.end or '…'}"
        items = [(_("Period"), period)]
        if self.country:
            items.append((_("Country"), str(countries.name(self.country))))
        if self.institution:
            items.append((_("Institution"), str(self.institution)))
        if self.program:
            labels = dict(Program.EXCHANGE_CHOICES + Program.ILL_CHOICES)
            items.append((_("Program"), str(labels[self.program])))
        return items


class ReportFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1945, max_value=2100)
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Or a date range instead of a year."),
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        required=False,
        queryset=Institution.objects.order_by("name_en"),
        empty_label=_("All institutions"),
    )
    program = forms.ChoiceField(label=_("Program"), required=False)

    def __init__(self, *args, report="exchange", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]
        programs = Program.ILL_CHOICES if report == "ill" else Program.EXCHANGE_CHOICES
        self.fields["program"].choices = [("", _("All programs")), *programs]

    def clean(self):
        data = super().clean()
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if year and (start or end):
            raise forms.ValidationError(_("Choose either a year or a date range, not both."))
        if start and end and start > end:
            self.add_error("end", _("The end of the range is before its start."))
        return data

    def filters(self):
        """The Filters of a valid form."""
        data = self.cleaned_data
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if year:
            start, end = date(year, 1, 1), date(year, 12, 31)
        return Filters(
            start=start,
            end=end,
            year=year,
            country=data.get("country") or "",
            institution=data.get("institution"),
            program=data.get("program") or "",
        )
