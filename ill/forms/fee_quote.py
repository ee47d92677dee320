"""The question the request form's live fee preview asks: what a copy of so many pages, or a loan, costs."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nlk_portal.core.posted import is_digits, posted_number

from ..choices import Delivery, Service
from ..rules import copyright
from ..rules import delivery as delivery_rules

# The ranges as the form sends them while they are typed: no more is read.
MAX_RANGES_LENGTH = 200


def read_page_count(raw):
    """The number of pages in `raw` (spaces around it, leading zeros and any script's digits allowed);
    ValidationError when it is none, or out of 1..copyright.MAX_PAGES."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationError(_("Give the number of pages."), code="required")
    if not is_digits(raw, any_script=True):
        raise ValidationError(_("The number of pages must be a whole number."), code="invalid")
    # Leading zeros make no number longer; more digits than the most pages is too many, however many.
    pages = posted_number(raw.lstrip("0") or "0", max_digits=len(str(copyright.MAX_PAGES)), any_script=True)
    if pages is not None and pages < 1:
        raise ValidationError(_("The number of pages must be at least 1."), code="min_value")
    if pages is None or pages > copyright.MAX_PAGES:
        raise ValidationError(
            _("The number of pages must be at most %(max)s."), code="max_value", params={"max": copyright.MAX_PAGES}
        )
    return pages


class FeeQuoteForm(forms.Form):
    """The service and delivery, and for a copy its pages: as the page ranges typed (`ranges`, counted
    here) or as a number (`pages`), and the item's total pages when known (`total_pages`).

    The first problem found is the one to report (first_problem): service, delivery (a loan goes by post,
    ill.rules.delivery), then the pages. A loan is not asked about pages. cleaned_data gives `pages` (what
    the copy is charged for), `counted_pages` (the count of the ranges, when they were sent) and
    `total_pages` (or None).
    """

    service = forms.ChoiceField(
        choices=Service.choices,
        error_messages={
            "required": _("Service must be copy or loan."),
            "invalid_choice": _("Service must be copy or loan."),
        },
    )
    delivery = forms.ChoiceField(
        choices=Delivery.choices,
        error_messages={
            "required": _("Delivery must be post or electronic."),
            "invalid_choice": _("Delivery must be post or electronic."),
        },
    )
    # Read as sent (None when not sent at all): which of them count depends on the service and on each other.
    ranges = forms.Field(required=False)
    pages = forms.Field(required=False)
    total_pages = forms.Field(required=False)

    def __init__(self, data, **kwargs):
        # A question that names no service asks about a copy; one that names an empty service is refused.
        if "service" not in data:
            data = data.copy()
            data["service"] = Service.COPY
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            delivery_rules.check_delivery(data["service"], data["delivery"])
        except ValidationError as error:
            self.add_error("delivery", error)
            return data
        sent = {name: data.pop(name) for name in ("ranges", "pages", "total_pages")}
        data.update(pages=None, counted_pages=None, total_pages=None)
        if data["service"] == Service.COPY:
            self._clean_copy(data, **sent)
        return data

    def _clean_copy(self, data, *, ranges, pages, total_pages):
        """A copy's pages: the ranges counted when they were sent, else the number given; then the item's
        total pages when given, which the ranges must not run past."""
        try:
            if ranges is None:
                data["pages"] = read_page_count(pages)
            else:
                ranges = ranges[:MAX_RANGES_LENGTH]
                data["pages"] = data["counted_pages"] = copyright.count_pages(ranges)
        except ValidationError as error:
            self.add_error("pages" if ranges is None else "ranges", error)
            return
        if not (total_pages or "").strip():
            return
        try:
            data["total_pages"] = read_page_count(total_pages)
        except ValidationError as error:
            self.add_error("total_pages", error)
            return
        if ranges is not None:
            try:
                check_within_item(ranges, data["total_pages"])
            except ValidationError as error:
                self.add_error("ranges", error)

    def first_problem(self):
        """(field, message) of the first problem found; call after is_valid() said False."""
        field, messages = next(iter(self.errors.items()))
        return field, messages[0]


def check_within_item(ranges, total_pages):
    """Refuse pages past the end of the item, a mistake in the ranges; over one third is answered, not refused."""
    try:
        copyright.check_copy_limit(ranges, total_pages)
    except ValidationError as error:
        if error.code == "beyond_item":
            raise
