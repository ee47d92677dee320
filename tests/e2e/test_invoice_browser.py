"""The requester and staff download the invoice PDF in a real browser and get the real document."""

import importlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ill.models import FeeSchedule, Invoice
from tests.factories import InstitutionFactory, UserFactory
from tests.ill.pdf_reading import pdf_text
from tests.ill.supply import supply_copy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE


@pytest.fixture
def invoice(live_server, settings, tmp_path):
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    settings.PORTAL_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    library = InstitutionFactory(name_en="Harvard-Yenching Library", name_ko="하버드옌칭도서관", country="US")
    return Invoice.objects.get(request=supply_copy(pages_copied=23, requesting_library=library))


def downloaded_text(page, link, tmp_path):
    with page.expect_download() as download:
        link.click()
    path = Path(tmp_path) / download.value.suggested_filename
    download.value.save_as(path)
    return download.value.suggested_filename, pdf_text(path.read_bytes())


def test_the_requester_downloads_the_invoice_from_the_tracking_page(page, invoice, tmp_path):
    page.goto(f"/ill/track/{invoice.request.tracking_token}/")
    link = page.get_by_role("link", name=f"Invoice {invoice.number} (PDF)")
    expect(link).to_be_visible()
    page.screenshot(path=str(tmp_path / "tracking.png"), full_page=True)

    filename, text = downloaded_text(page, link, tmp_path)

    assert filename == f"{invoice.number}.pdf"
    assert "하버드옌칭도서관" in text and "Total USD 16.00" in text


def test_staff_download_the_invoice_in_the_admin(page, invoice, tmp_path):
    UserFactory(username="desk", is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/admin/ill/invoice/{invoice.pk}/change/")
    page.screenshot(path=str(tmp_path / "admin-invoice.png"), full_page=True)
    filename, text = downloaded_text(page, page.get_by_role("link", name=invoice.filename), tmp_path)

    assert filename == invoice.filename
    assert invoice.number in text and invoice.request.reference in text
