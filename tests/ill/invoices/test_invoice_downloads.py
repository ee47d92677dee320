"""The invoice PDF is handed out to staff, to the requester's tracking link and to the library's librarians only."""

import pytest
from django.urls import reverse

from ill.models import Invoice
from ill.services import invoices
from tests.factories import InstitutionFactory, LibrarianFactory
from tests.ill.pdf_reading import pdf_text
from tests.ill.staff import ill_clerk
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invoice(source_fee_schedule):
    library = InstitutionFactory(name_en="SOAS Library", name_ko="런던대학교 SOAS 도서관", country="GB")
    return Invoice.objects.get(request=supply_copy(pages_copied=23, requesting_library=library))


def read_download(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    return pdf_text(b"".join(response.streaming_content))


def test_staff_download_the_invoice_from_the_admin(client, invoice):
    client.force_login(ill_clerk())

    listing = client.get(reverse("admin:ill_invoice_changelist")).content.decode()
    download_url = reverse("admin:ill_invoice_pdf", args=[invoice.pk])
    assert download_url in listing

    text = read_download(client.get(download_url))
    assert invoice.number in text and "런던대학교 SOAS 도서관" in text


def test_staff_without_the_right_to_see_invoices_cannot_download_them(client, invoice):
    client.force_login(ill_clerk("view_illrequest"))

    assert client.get(reverse("admin:ill_invoice_pdf", args=[invoice.pk])).status_code == 403


def test_the_admin_download_needs_a_staff_login(client, invoice):
    response = client.get(reverse("admin:ill_invoice_pdf", args=[invoice.pk]))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_requester_downloads_the_invoice_through_the_tracking_link(client, invoice):
    token = invoice.request.tracking_token
    page = client.get(reverse("ill:track", args=[token])).content.decode()
    download_url = reverse("ill:track_invoice", args=[token, invoice.number])
    assert download_url in page

    text = read_download(client.get(download_url))
    assert invoice.number in text and "Total USD 16.00" in text


def test_a_tracking_link_opens_only_its_own_request_s_invoice(client, invoice, source_fee_schedule):
    other = supply_copy()
    other_number = Invoice.objects.get(request=other).number

    assert client.get(reverse("ill:track_invoice", args=[other.tracking_token, invoice.number])).status_code == 404
    assert client.get(f"/ill/track/not-a-token/invoice/{invoice.number}.pdf").status_code == 404
    own_link = reverse("ill:track_invoice", args=[invoice.request.tracking_token, other_number])
    assert client.get(own_link).status_code == 404


def test_a_void_invoice_is_no_longer_offered_to_the_requester(client, invoice):
    invoices.void(invoice)
    token = invoice.request.tracking_token

    assert invoice.number not in client.get(reverse("ill:track", args=[token])).content.decode()
    assert client.get(reverse("ill:track_invoice", args=[token, invoice.number])).status_code == 404


def test_a_librarian_of_the_library_downloads_it_from_the_library_s_request_page(client, invoice):
    ill_request = invoice.request
    client.force_login(LibrarianFactory(institution=ill_request.requesting_library).user)
    page = client.get(reverse("ill:library_request", args=[ill_request.reference])).content.decode()
    download_url = reverse("ill:library_request_invoice", args=[ill_request.reference, invoice.number])
    assert download_url in page

    assert invoice.number in read_download(client.get(download_url))


def test_a_librarian_of_another_library_cannot_download_it(client, invoice):
    client.force_login(LibrarianFactory(institution=InstitutionFactory()).user)
    url = reverse("ill:library_request_invoice", args=[invoice.request.reference, invoice.number])

    assert client.get(url).status_code == 404
