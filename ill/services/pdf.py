"""Invoice PDFs: A4, printed by WeasyPrint with a Hangul font, handed out only through checked views."""

from django.template.loader import render_to_string
from django.utils import translation

from nlk_portal.core.calendar import library_today
from nlk_portal.core.contact import ILL_CONTACT
from nlk_portal.core.printing import write_pdf

from ..models import Borrowing, Invoice
from ..rules import terms
from ..rules.settlement import Settlement

STYLESHEET = "ill/invoice.css"


def render_invoice(invoice: Invoice) -> bytes:
    """The invoice as PDF bytes, in the language the request was made in."""
    ill_request = invoice.request
    with translation.override(ill_request.language):
        html = render_to_string(
            "ill/pdf/invoice.html",
            {
                "invoice": invoice,
                "ill_request": ill_request,
                "library": ill_request.requesting_library,
                "lines": invoice.lines.all(),
                "contact": ILL_CONTACT,
                "terms": terms,
            },
        )
    return write_pdf(html, STYLESHEET)


def render_statement(borrowing: Borrowing, settlement: Settlement) -> bytes:
    """The settlement statement of a borrowing as PDF bytes, in the language the request was made in."""
    ill_request = borrowing.request
    with translation.override(ill_request.language):
        html = render_to_string(
            "ill/pdf/statement.html",
            {
                "borrowing": borrowing,
                "ill_request": ill_request,
                "settlement": settlement,
                "contact": ILL_CONTACT,
                "terms": terms,
                "today": library_today(),
            },
        )
    return write_pdf(html, STYLESHEET)
