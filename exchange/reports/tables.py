"""What a manager report is made of: its tables, and the report that holds them under its title."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from nlk_portal.core.exports.cells import FormattedNumber
from nlk_portal.core.money import Money

# The rows a chart shows of a long table.
TOP = 10
# What a table sets right, its heading with it; "–" (nothing to give) goes with either.
NUMBERS = (int, float, Decimal, Money, FormattedNumber)
NOTHING = ("–", "", None)


def is_number(value):
    return isinstance(value, NUMBERS) and not isinstance(value, bool)


@dataclass
class Table:
    """One table of a report: on the page, a CSV section, an XLSX sheet, a PDF table.

    Its values keep their types (numbers, Money, shares and days as FormattedNumber), which print as text on the
    page and in the PDF and are numbers in the XLSX.
    """

    key: str
    title: str
    columns: list
    rows: list
    note: str = ""
    chart: str = ""  # SVG drawn from the same rows
    sheet: str = ""  # a shorter title for the XLSX sheet, whose name holds 31 characters

    @property
    def sheet_name(self):
        return self.sheet or self.title

    @property
    def numeric(self):
        """For each column, whether it holds numbers, set right with its heading; the first names the row."""
        flags = []
        for n in range(len(self.columns)):
            values = [row[n] for row in self.rows if row[n] not in NOTHING]
            flags.append(n > 0 and bool(values) and all(is_number(value) for value in values))
        return flags

    @property
    def headings(self):
        """(column, numeric) for each column."""
        return list(zip(self.columns, self.numeric, strict=True))

    @property
    def cells(self):
        """The rows as (value, numeric) for each value; an amount without its currency, which the row names."""
        numeric = self.numeric
        return [
            [(value.amount_text if isinstance(value, Money) else value, flag) for value, flag in zip(row, numeric, strict=True)]
            for row in self.rows
        ]


@dataclass
class ReportData:
    """A report as built: its key ("ill" or "exchange"), title, filters and tables, for a page, a download
    or the monthly email."""

    key: str
    title: str
    filters: object
    tables: list = field(default_factory=list)

    def table(self, key):
        return next(table for table in self.tables if table.key == key)


def country_name(code):
    return str(countries.name(code)) if code else str(_("Country not known"))


TITLES = {"ill": _("ILL report"), "exchange": _("Exchange report")}


def title_only(report, filters):
    """The report under its title, without its tables yet."""
    return ReportData(report, TITLES[report], filters)
