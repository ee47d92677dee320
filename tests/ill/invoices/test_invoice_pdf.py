"""The invoice PDF carries everything the requesting library needs to pay, Korean names included."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ill.models import Invoice
from tests.factories import InstitutionFactory
from tests.ill.pdf_reading import characters_by_font, embedded_fonts, pdf_text
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invoice(source_fee_schedule):
    library = InstitutionFactory(
        name_en="Korean Studies Library, University of Tokyo", name_ko="도쿄대학교 한국학도서관", country="JP"
    )
    ill_request = supply_copy(
        pages_copied=23,
        requesting_library=library,
        contact_name="김민지",
        postal_address="7-3-1 Hongo, Bunkyo-ku\nTokyo 113-8654\nJapan",
        title="조선왕조실록 연구",
    )
    return Invoice.objects.get(request=ill_request)


def test_the_invoice_is_an_a4_pdf_kept_with_the_invoice(invoice):
    content = invoice.pdf.read()

    assert content.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert invoice.pdf.name == f"invoices/{invoice.issued_on.year}/{invoice.number}.pdf"


def test_the_invoice_names_the_library_the_request_the_charges_and_the_terms(invoice):
    text = pdf_text(invoice.pdf.read())

    for expected in [
        "National Library of Korea",
        "Collection Management & Service Division",
        "201 Banpo-daero, Seocho-gu, Seoul 06579, Republic of Korea",
        "+82-2-590-0586",
        "+82-2-590-0608",
        invoice.number,
        invoice.issued_on.isoformat(),
        invoice.request.reference,
        "Korean Studies Library, University of Tokyo",
        "Tokyo 113-8654",
        "Copying, 23 pages USD 13.00",
        "International shipping (basic charge) USD 3.00",
        "Total USD 16.00",
        "Payment may only be made in cash (USD). Cheques are not accepted.",
    ]:
        assert expected in text, expected
    assert invoice.total == Decimal("16.00")


def test_korean_names_and_titles_print_as_hangul_in_an_embedded_font(invoice):
    content = invoice.pdf.read()
    text = pdf_text(content)

    assert "도쿄대학교 한국학도서관" in text
    assert "조선왕조실록 연구" in text
    assert "김민지" in text
    hangul_fonts = [name for name in embedded_fonts(content) if "NanumSquare" in name]
    assert hangul_fonts, embedded_fonts(content)
    printed_in_hangul_fonts = set().union(*(characters_by_font(content)[name] for name in hangul_fonts))
    assert set("도쿄대학교한국학도서관조선왕조실록연구김민지국립중앙도서관") <= printed_in_hangul_fonts


def test_a_request_made_in_korean_is_invoiced_in_korean(source_fee_schedule):
    from django.core import mail

    ill_request = supply_copy(pages_copied=23, language="ko")
    invoice = Invoice.objects.get(request=ill_request)

    text = pdf_text(invoice.pdf.read())
    assert "청구서 번호" in text
    assert "복사, 23쪽 USD 13.00" in text
    assert "합계 USD 16.00" in text
    [email] = [m for m in mail.outbox if invoice.number in m.subject]
    assert email.subject == f"상호대차 신청 {ill_request.reference} 청구서 {invoice.number}"


def test_a_voided_invoices_pdf_is_printed_again_stamped_void(invoice):
    from ill.services import invoices
    from nlk_portal.core import calendar

    assert "VOID" not in pdf_text(invoice.pdf.read())

    invoices.void(invoice)

    invoice.refresh_from_db()
    text = " ".join(pdf_text(invoice.pdf.read()).split())
    # The date as staff in Seoul see it.
    assert f"VOID — cancelled on {calendar.library_date(invoice.voided_at):%Y-%m-%d}. Do not pay this invoice." in text
    assert invoice.number in text and "Total USD 16.00" in text
