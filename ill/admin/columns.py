"""The columns of the staff's request list and the computed lines of a request's page."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from nlk_portal.core.calendar import days_until, due_phrase, library_date
from nlk_portal.core.roles import staff_name

from ..models import Borrowing
from ..rules import copyright
from ..selectors import queues
from ..status import Status
from ..templatetags.ill_tags import money

# The list fits a 1280 px screen with its filters: long names and titles are cut to these many characters,
# the whole of each in the cell's title (static/ill/admin.css sets the columns' widths).
LIBRARY_CHARACTERS = 48
TITLE_CHARACTERS = 60
PART_CHARACTERS = 40


def cut(text, characters):
    """The text cut short for a cell of the list, with the whole of it as the cell's tooltip when cut."""
    short = Truncator(text).chars(characters)
    if short == text:
        return text
    return format_html('<span title="{}">{}</span>', text, short)


@admin.display(description=_("received"), ordering="received_at")
def received(ill_request):
    # Written as the due date is, the narrowest form of a date.
    return library_date(ill_request.received_at).isoformat()


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


def with_lender(queryset):
    """The requests, each with its lending institution's name and country when NLK borrows it.

    Read by a subquery for each request shown rather than a join: PostgreSQL works them out after it
    has sorted and cut the list to its page, where a join would read every borrowing for a long search.
    """
    lender = Borrowing.objects.filter(request=OuterRef("pk"))
    return queryset.annotate(
        listed_lender_name=Subquery(
            lender.values(name=Coalesce(NullIf("lender__name_en", Value("")), "lender_name"))[:1]
        ),
        listed_lender_country=Subquery(lender.values("lender_country")[:1]),
    )


@admin.display(description=_("library abroad"))
def library(ill_request):
    """The requesting library when NLK supplies; the lending institution when NLK borrows."""
    if ill_request.is_borrowing:
        if hasattr(ill_request, "listed_lender_name"):
            name, country = ill_request.listed_lender_name, countries.name(ill_request.listed_lender_country or "")
        else:
            borrowing = ill_request.borrowing
            name = borrowing.lender.name_en if borrowing.lender_id else borrowing.lender_name
            country = borrowing.lender_country.name
        return format_html(
            '{} {} <span class="ill-country">({})</span>', _("lender:"), cut(name or "", LIBRARY_CHARACTERS), country
        )
    institution = ill_request.requesting_library
    name = cut(institution.name_en, LIBRARY_CHARACTERS)
    if not institution.country:
        return name
    return format_html('{} <span class="ill-country">({})</span>', name, institution.country.name)


@admin.display(description=_("item"))
def item(ill_request):
    """The title, and the chapter or part asked for when there is one."""
    if ill_request.part_title:
        return format_html(
            '{} <span class="ill-part">· {}</span>',
            cut(ill_request.display_title, TITLE_CHARACTERS),
            cut(ill_request.part_title, PART_CHARACTERS),
        )
    return cut(ill_request.display_title, TITLE_CHARACTERS)


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


class WideList:
    """A working list of many columns read beside its filters: Django's navigation is left off its page,
    so that at 1280 px every column is in view (the breadcrumbs lead to the rest of the admin)."""

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"is_nav_sidebar_enabled": False, **(extra_context or {})})

