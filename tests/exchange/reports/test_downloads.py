"""A manager downloads each report in each format and reads it back."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.ill.pdf_reading import pdf_text


def download(client, report, fmt, **filters):
    return client.get(reverse("reports:download", kwargs={"report": report, "fmt": fmt}), filters)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def test_the_ill_csv_streams_one_row_per_request_with_turnaround_from_the_database(manager_client, ill_year):
    response = download(manager_client, "ill", "csv", year=2025, country="FR")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="nlk-ill-report_2025_FR.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    # The header is the first row: what the report is and its filters are in the file's name.
    assert rows[0] == [
        "Reference",
        "Direction",
        "Status (ISO 18626)",
        "Service",
        "Type of material",
        "Library abroad (requesting or lending)",
        "Country",
        "Received on",
        "Due date",
        "Completed on",
        "Turnaround (days)",
        "Copying fee",
        "Loan fee",
        "International shipping",
        "Bank fees",
        "Currency",
        "What the fees are",
    ]
    requests = {row[0]: row for row in rows[1:]}
    first = requests[ill_year["fr_mar_1"].reference]
    assert first[1:3] == ["NLK supplies an overseas library", "Copy completed"]
    assert first[6:11] == ["FR", "2025-03-01", "2025-04-01", "2025-03-03", "2.0"]
    still_open = requests[ill_year["fr_jun_1_open"].reference]
    assert still_open[9:11] == ["", ""]
    assert len(requests) == 4 + 1  # four supplied to France and one borrowed for it


def test_the_exchange_csv_has_the_shipments_then_the_figures(manager_client, exchange_year):
    rows = csv_rows(download(manager_client, "exchange", "csv", year=2025))

    assert rows[0] == ["Date", "Direction", "Material category", "Partner", "Country", "Number of items", "Notes"]
    listing = rows[1 : rows.index([])]
    assert [row[0] for row in listing] == ["2025-02-01", "2025-03-01", "2025-05-01", "2025-08-01"]
    assert ["Shipments by country"] in rows
    at = rows.index(["Shipments by country"])
    assert rows[at + 2] == ["France", "2", "15", "1", "7"]


def test_the_xlsx_has_a_sheet_per_table_and_the_requests(manager_client, ill_money):
    response = download(manager_client, "ill", "xlsx", year=2025)

    assert response.status_code == 200
    assert 'filename="nlk-ill-report_2025.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    assert workbook.sheetnames[0] == "About this report"
    about = [row for row in workbook["About this report"].iter_rows(values_only=True)]
    assert about[1][0] == "Period: 2025"
    turnaround = list(workbook["Turnaround"].iter_rows(values_only=True))
    assert turnaround[1] == ("NLK supplies an overseas library", 5, 10.0, 32.0, "one month", 4, 0.8)
    requests = list(workbook["Requests"].iter_rows(values_only=True))
    assert requests[0][0] == "Reference"
    assert len(requests) == 1 + 8


def test_the_pdf_prints_the_filters_the_figures_and_the_charts(manager_client, ill_money):
    response = download(manager_client, "ill", "pdf", year=2025, program="supplies")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="nlk-ill-report_2025_supplies.pdf"' in response["Content-Disposition"]
    text = pdf_text(body(response))
    assert "ILL report" in text
    assert "Period 2025" in text
    assert "Program ILL: NLK supplies an overseas library" in text
    assert "NLK supplies an overseas library 5 1 83.3%" in text
    assert "10.0 32.0" in text
    assert "USD 26.00 9.00 17.00" in text
    # Each bucket is printed twice: in the table, and under the distribution chart's column.
    assert text.count("32–62 days") == 2


def test_the_exchange_pdf_prints_in_korean(manager_client, exchange_year):
    manager_client.cookies["django_language"] = "ko"
    response = download(manager_client, "exchange", "pdf", year=2025)

    text = pdf_text(body(response))
    assert "국립중앙도서관" in text
    assert "National Diet Library" in text


def test_filters_that_contradict_each_other_are_explained(manager_client):
    response = download(manager_client, "ill", "csv", year=2025, start="2025-01-01")

    assert response.status_code == 400
    assert "Choose either a year or a date range, not both." in response.content.decode()
    response = download(manager_client, "exchange", "pdf", start="2025-06-01", end="2025-01-01")
    assert "The end of the range is before its start." in response.content.decode()


def test_the_csv_download_starts_with_its_header_before_any_request_is_read(manager_client, ill_year):
    response = download(manager_client, "ill", "csv")

    chunks = iter(response.streaming_content)
    first = next(chunks).decode("utf-8-sig")
    assert first.splitlines()[-1].startswith("Reference,Direction,")
    assert "ILL-" not in first
    assert "ILL-" in b"".join(chunks).decode()
