"""The figures a manager reads, checked against what was worked out by hand (see year.py)."""

from datetime import date
from decimal import Decimal

import pytest

from exchange.reports import figures
from exchange.reports.filters import Filters
from nlk_portal.core.money import Money

YEAR_2025 = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31), year=2025)
TODAY = date(2026, 1, 15)


def rows(report, key):
    """The table's rows as the page prints them: numbers as they are, shares, days and money as text."""
    return [
        [value if isinstance(value, int | str) else value.amount_text if isinstance(value, Money) else str(value) for value in row]
        for row in report.table(key).rows
    ]


@pytest.fixture
def ill_2025(ill_money):
    return figures.build("ill", YEAR_2025, TODAY)


def test_turnaround_gives_the_median_and_90th_percentile_of_supplied_requests(ill_2025):
    supplies, borrows = rows(ill_2025, "turnaround")
    # Direction, completed, median, p90, target, within target, share
    assert supplies[1:] == [5, "10.0", "32.0", "one month", 4, "80.0%"]
    assert borrows[1:] == [1, "45.0", "45.0", "one to two months", 1, "100.0%"]


def test_requests_are_counted_by_status_in_both_directions(ill_2025):
    assert rows(ill_2025, "status") == [
        ["Request received", 1, 0],
        ["Unfilled", 1, 0],
        ["Copy completed", 5, 1],
    ]


def test_requests_are_counted_by_country_and_month(ill_2025):
    assert rows(ill_2025, "country") == [["France", 4, 1], ["Japan", 3, 0]]
    assert rows(ill_2025, "year") == [["2025", 7, 1]]
    assert rows(ill_2025, "month") == [
        ["2025-03", 2, 0],
        ["2025-04", 2, 0],
        ["2025-05", 2, 0],
        ["2025-06", 1, 1],
    ]


def test_the_fill_rate_sets_supplied_against_unfilled_with_the_reasons(ill_2025):
    assert rows(ill_2025, "fill_rate")[0][1:] == [5, 1, "83.3%"]
    assert rows(ill_2025, "unfilled_reasons") == [["Not held by the National Library of Korea", 1, 0]]


def test_the_request_still_open_past_its_due_date_is_overdue(ill_2025):
    assert rows(ill_2025, "overdue") == [
        ["NLK supplies an overseas library", 1],
        ["NLK borrows from abroad", 0],
    ]


def test_fees_invoiced_in_the_year_are_set_against_what_was_collected(ill_2025):
    # 9.00 + 17.00 invoiced (the void 50.00 is left out, the 2024 invoice too); 9.00 paid.
    assert rows(ill_2025, "fees") == [["USD", "26.00", "9.00", "17.00"]]
    assert ill_2025.table("fees").rows[0][1] == Money(Decimal("26.00"), "USD")


def test_turnaround_distribution_puts_each_completed_request_in_its_bucket(ill_2025):
    assert rows(ill_2025, "turnaround_distribution") == [
        ["up to 7 days", 2],
        ["8–14 days", 1],
        ["15–21 days", 1],
        ["22–31 days", 0],
        ["32–62 days", 2],
        ["over 62 days", 0],
    ]


def test_a_country_filter_narrows_every_figure(ill_money, japan):
    report = figures.build("ill", Filters(country="JP"), TODAY)
    # Japan over all years: 1 Apr (10 days), 10 Apr (20 days), Dec 2024 (3 days):
    # median 10, 90th percentile 10 + 0.8 × 10 = 18.
    assert rows(report, "turnaround")[0][1:4] == [3, "10.0", "18.0"]
    assert rows(report, "country") == [["Japan", 4, 0]]
    assert rows(report, "fees") == [["USD", "22.00", "5.00", "17.00"]]


def test_the_program_filter_keeps_one_direction(ill_money):
    report = figures.build("ill", Filters(program="borrows"), TODAY)
    assert rows(report, "status") == [["Copy completed", 1]]
    assert report.table("status").columns[1] == "NLK borrows"


def test_no_refund_paid_in_the_period_leaves_the_refunds_table_empty(ill_2025):
    assert rows(ill_2025, "refunds") == []
    assert str(ill_2025.table("refunds").note).startswith("0 refunds paid out")


def test_refunds_paid_out_after_settlement_are_summed_per_currency(ill_money):
    from ill.services import borrowing
    from nlk_portal.core import calendar
    from tests.factories import InstitutionFactory, library_user
    from tests.ill.borrowing.steps import borrow, work_to_delivered

    lender = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    paid_on = calendar.library_today()

    # Prepaid 60,000 and 50,000 won; the lender's fees 20,000 + 15,000 shipping, bank fees 3,000 and 0:
    # refunds of 22,000 and 15,000 won.
    for email, prepaid, bank_fee in [("a@example.kr", "60000", "3000"), ("b@example.kr", "50000", "0")]:
        ill_request = work_to_delivered(borrow(library_user(email=email), lender), prepaid=prepaid)
        borrowing.settle(ill_request, bank_fee=Decimal(bank_fee))
        borrowing.record_refund_paid(ill_request, paid_on=paid_on)
    settled_unpaid = work_to_delivered(borrow(library_user(email="c@example.kr"), lender))
    borrowing.settle(settled_unpaid, bank_fee=Decimal("0"))

    year = Filters(year=paid_on.year, start=date(paid_on.year, 1, 1), end=date(paid_on.year, 12, 31))
    report = figures.build("ill", year, TODAY)
    assert rows(report, "refunds") == [["KRW", "37,000"]]
    assert report.table("refunds").rows[0][1] == Money(Decimal("37000.00"), "KRW")
    assert str(report.table("refunds").note).startswith("2 refunds paid out")
    assert rows(figures.build("ill", Filters(country="JP"), TODAY), "refunds") == []
    assert rows(figures.build("ill", Filters(program="supplies"), TODAY), "refunds") == []
    assert rows(figures.build("ill", YEAR_2025, TODAY), "refunds") == []


@pytest.fixture
def exchange_2025(exchange_year):
    return figures.build("exchange", YEAR_2025, TODAY)


def test_shipments_are_counted_by_category_partner_and_country(exchange_2025):
    # Shipments sent, items sent, shipments received, items received.
    assert rows(exchange_2025, "shipments_category") == [
        ["Government publications", 2, 15, 0, 0],
        ["Periodicals of academic and research institutes", 0, 0, 1, 7],
        ["Korea-related materials", 1, 20, 0, 0],
    ]
    assert rows(exchange_2025, "shipments_country") == [["France", 2, 15, 1, 7], ["Japan", 1, 20, 0, 0]]
    assert rows(exchange_2025, "shipments_partner") == [
        ["National Diet Library", "Japan", 1, 20, 0, 0],
        ["Bibliothèque nationale de France", "France", 2, 15, 1, 7],
    ]
    assert rows(exchange_2025, "shipments_year") == [["2025", 3, 35, 1, 7]]


def test_the_other_programs_of_the_year(exchange_2025):
    # The agreement that starts in 2030 is not yet in force in 2025.
    assert rows(exchange_2025, "agreements") == [
        ["National Diet Library", "Japan", "Resource exchange agreement", 1997]
    ]
    assert rows(exchange_2025, "deposits") == [["UN", 2, 5]]
    assert rows(exchange_2025, "korean_studies") == [["France", 1, 40]]
    assert rows(exchange_2025, "cultural_partnership") == [[2025, "Japan", 1], [2025, "Mongolia", 1]]
    assert rows(exchange_2025, "business_exchange") == [
        [2025, "National Diet Library", "Japan", "National Library of Korea"]
    ]


def test_the_program_filter_shows_only_that_program(exchange_year):
    report = figures.build("exchange", Filters(program="deposits"), TODAY)
    assert [table.key for table in report.tables] == ["deposits"]


def test_the_charts_carry_a_title_and_escape_what_staff_typed(exchange_year, france):
    france.name_en = "<script>alert(1)</script> Library"
    france.country = "FR"
    france.save()
    report = figures.build("exchange", YEAR_2025, TODAY)
    chart = report.table("shipments_country").chart
    assert "<title" in chart and "<desc" in chart and 'role="img"' in chart
    partner_rows = rows(report, "shipments_partner")
    assert partner_rows[1][0] == "<script>alert(1)</script> Library"
    from nlk_portal.core import charts

    drawn = charts.bar_chart("Partners", [(partner_rows[1][0], 3)])
    assert "<script>" not in drawn and "&lt;script&gt;" in drawn


def test_a_request_is_completed_once(ill_year):
    from django.db import IntegrityError, transaction

    from ill.models import StatusChange

    done = ill_year["fr_mar_1"]
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(request=done, from_status="CopyCompleted", to_status="LoanCompleted")


def test_a_borrowing_counts_under_the_lenders_country_not_nlks(ill_money):
    from ill.services import submission
    from tests.factories import InstitutionFactory, library_user
    from tests.ill.borrowing.steps import borrow

    berlin = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    borrow(library_user(), berlin)

    everything = figures.build("ill", Filters(program="borrows"), TODAY)
    assert rows(everything, "country") == [["Germany", 1], ["France", 1]]
    germany = figures.build("ill", Filters(country="DE"), TODAY)
    assert rows(germany, "country") == [["Germany", 0, 1]]
    assert rows(figures.build("ill", Filters(institution=berlin), TODAY), "country") == [["Germany", 0, 1]]
    nlk = submission.nlk_institution()
    assert rows(figures.build("ill", Filters(institution=nlk), TODAY), "country") == []


def test_the_chart_of_requests_by_month_splits_by_direction_as_its_table_does(ill_2025):
    import re

    table = ill_2025.table("month")
    chart = str(table.chart)

    legend = re.findall(r'<text x="\d+" y="14"[^>]*>([^<]+)</text>', chart)
    assert legend == ["NLK supplies", "NLK borrows"]
    columns = re.findall(r"<title>([^<]+) · ([^<]+): (\d+)</title>", chart)
    drawn = {}
    for month, direction, value in columns:
        drawn.setdefault(month, []).append(int(value))
    assert [[month, *values] for month, values in drawn.items()] == table.rows


def test_with_one_direction_chosen_the_chart_has_one_series_and_no_legend(ill_money):
    borrows_only = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31), year=2025, program="borrows")

    table = figures.build("ill", borrows_only, TODAY).table("month")

    assert table.rows == [["2025-06", 1]]
    assert "NLK supplies" not in str(table.chart) and "<title>2025-06: 1</title>" in str(table.chart)
