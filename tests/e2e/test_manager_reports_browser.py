"""A manager signs in, narrows the ILL report to France in 2025, looks at the charts and downloads the CSV."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_filters_the_ill_report_sees_a_chart_and_downloads_the_csv(page, manager, ill_year):
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto("/reports/")  # staff sign in where they sign in to the admin
    page.get_by_label("Username").fill("choi")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="ILL report").click()

    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("Country", exact=True).select_option(label="France")
    page.get_by_role("button", name="Show the report").click()

    chart = page.get_by_role("img", name="Top partner countries by ILL requests")
    expect(chart).to_be_visible()
    section = page.locator("section", has=chart)
    expect(section.locator("table")).to_contain_text("France")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="CSV").click()
    download = waiting.value
    assert download.suggested_filename == "nlk-ill-report_2025_FR.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["Reference", "Direction"]
    references = [row[0] for row in rows[1:]]
    assert ill_year["fr_mar_1"].reference in references
    assert ill_year["jp_apr_1"].reference not in references
    assert blocked == []
