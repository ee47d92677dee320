"""The columns of the staff's request list and the computed lines of a request's page."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.calendar import days_until, due_phrase, library_date
from nlk_portal.core.roles import staff_name

from ..rules import copyright
from ..selectors import queues
from ..status import Status
from ..templatetags.ill_tags import money


@admin.display(description=_("received"), ordering="received_at")
def received(ill_request):
    return library_date(ill_request.received_at)


@admin.display(description=_("due date"), ordering="due_date")
def due(ill_request, today=None):
    """The due date with the days left or overdue; highlighted (static/ill/admin.css) when late or close."""
    if ill_request.status not in queues.OPEN_STATUSES:
        return format_html('<span class="ill-due ill-due-closed">{}</span>', ill_request.due_date.isoformat())
    days = days_until(ill_request.due_date, today)
    if days < 0:
        css = "ill-due-overdue"
    elif days < queues.DUE_SOON_DAYS:
        css = "ill-due-soon"
    else:
        css = "ill-due-later"
    return format_html(
        '<span class="ill-due {}">{} <span class="ill-days">{}</span></span>',
        css,
        ill_request.due_date.isoformat(),
        due_phrase(days),
    )


@admin.display(description=_("status"))
def status(ill_request):
    # The version travels with the list's form, so a bulk action knows what its author saw.
    return format_html(
        '{}<input type="hidden" name="version_{}" value="{}">',
        Status(ill_request.status).label,
        ill_request.pk,
        ill_request.version,
    )


@admin.display(description=_("library abroad"))
def library(ill_request):
    """The requesting library when NLK supplies; the lending institution when NLK borrows."""
    if ill_request.is_borrowing:
        borrowing = ill_request.borrowing
        name = borrowing.lender.name_en if borrowing.lender_id else borrowing.lender_name
        return format_html(
            '{} {} <span class="ill-country">({})</span>', _("lender:"), name, borrowing.lender_country.name
        )
    institution = ill_request.requesting_library
    if not institution.country:
        return institution.name_en
    return format_html('{} <span class="ill-country">({})</span>', institution.name_en, institution.country.name)


@admin.display(description=_("item"))
def item(ill_request):
    return Truncator(ill_request.display_title).chars(80)


@admin.display(description=_("pages"))
def pages(ill_request):
    if ill_request.pages_copied is not None:
        return _("%(wanted)s wanted, %(copied)s copied") % {
            "wanted": ill_request.page_count,
            "copied": ill_request.pages_copied,
        }
    return ill_request.page_count if ill_request.is_copy else "—"


@admin.display(description=_("estimated fee"))
def estimated_fee(ill_request):
    if ill_request.is_borrowing:
        # The lending institution's fees, settled against the user's prepayment, are on its page.
        return "—"
    return money(ill_request.total_fee, ill_request.currency)


@admin.display(description=_("assigned to"))
def assigned(ill_request):
    return staff_name(ill_request.assigned_to) if ill_request.assigned_to_id else "—"


@admin.display(description=_("updated by"))
def updated_by(ill_request):
    return staff_name(ill_request.updated_by) if ill_request.updated_by_id else "—"


@admin.display(description=_("copyright check"))
def copyright_check(ill_request):
    if not ill_request.is_copy or ill_request.is_borrowing:
        return _("Not needed: the one-third limit applies to copies NLK makes.")
    problem = copyright.copy_refusal(ill_request.pages_wanted, ill_request.total_pages)
    if problem:
        return problem
    return _("Made: %(pages)s of %(total)s pages asked for, at most %(allowed)s allowed.") % {
        "pages": ill_request.page_count,
        "total": ill_request.total_pages,
        "allowed": copyright.most_pages_allowed(ill_request.total_pages),
    }
