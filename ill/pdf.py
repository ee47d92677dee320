"""Invoice PDFs: A4, printed by WeasyPrint with a Hangul font, handed out only through checked views."""

from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import translation

from nlk_portal.contact import ILL_CONTACT
from nlk_portal.printing import write_pdf

from . import terms

STYLESHEET = "ill/invoice.css"


def render_invoice(invoice):
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


def render_statement(borrowing, settlement):
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
                "today": terms.library_today(),
            },
        )
    return write_pdf(html, STYLESHEET)


def response(invoice):
    """The stored PDF as a download; callers have checked that the asker may have it."""
    return file_response(invoice.pdf, invoice.filename)


def file_response(stored, filename):
    reply = FileResponse(stored.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
    reply["X-Robots-Tag"] = "noindex"
    reply["Cache-Control"] = "private, no-store"
    return reply
