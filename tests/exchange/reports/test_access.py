"""Who may look at the reports and who may download them."""

import pytest
from django.urls import reverse

from tests.factories import LibrarianFactory

PAGES = ["reports:index", "reports:ill", "reports:exchange"]
DOWNLOADS = [(report, fmt) for report in ("ill", "exchange") for fmt in ("csv", "xlsx", "pdf")]


def download_url(report, fmt):
    return reverse("reports:download", kwargs={"report": report, "fmt": fmt})


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_is_asked_to_log_in(client, db, page):
    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_partner_librarian_is_refused_the_pages_and_the_downloads(client, report_groups):
    client.force_login(LibrarianFactory().user)

    for page in PAGES:
        assert client.get(reverse(page)).status_code == 403
    for report, fmt in DOWNLOADS:
        assert client.get(download_url(report, fmt)).status_code == 403


@pytest.mark.parametrize("clerk", ["ill_clerk", "exchange_clerk"])
def test_staff_read_the_reports_but_do_not_download_them(client, request, exchange_year, clerk):
    client.force_login(request.getfixturevalue(clerk))

    page = client.get(reverse("reports:exchange"), {"year": 2025})
    assert page.status_code == 200
    assert "Shipments by country" in page.content.decode()
    assert "download.csv" not in page.content.decode()
    for report, fmt in DOWNLOADS:
        assert client.get(download_url(report, fmt)).status_code == 403


def test_a_manager_sees_the_charts_beside_their_tables_and_the_download_links(client, manager, ill_year):
    client.force_login(manager)

    response = client.get(reverse("reports:ill"), {"year": "2025", "country": "FR"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img"' in html
    assert "<title" in html and "Top partner countries by ILL requests" in html
    assert 'href="/reports/ill/download.csv?year=2025&amp;country=FR"' in html
    assert 'href="/reports/ill/download.pdf?year=2025&amp;country=FR"' in html


def test_a_wrong_filter_is_explained_on_the_page(client, manager):
    client.force_login(manager)

    response = client.get(reverse("reports:ill"), {"year": "1900"})
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1945." in response.content.decode()


def test_an_unknown_format_is_not_found(client, manager):
    client.force_login(manager)

    assert client.get(download_url("ill", "docx")).status_code == 404
    assert client.get(download_url("budget", "csv")).status_code == 404


def test_the_page_is_in_korean_for_a_korean_reader(client, manager, exchange_year):
    client.force_login(manager)
    client.cookies["django_language"] = "ko"

    html = client.get(reverse("reports:exchange")).content.decode()
    assert "교류 보고서" in html


@pytest.mark.parametrize("report", ["ill", "exchange"])
def test_a_report_page_takes_a_fixed_number_of_queries(
    client, manager, ill_money, exchange_year, report, django_assert_max_num_queries
):
    client.force_login(manager)

    with django_assert_max_num_queries(40):
        assert client.get(reverse(f"reports:{report}"), {"year": "2025"}).status_code == 200
