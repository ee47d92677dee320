"""What the portal holds about a signed-in partner librarian or user in Korea: their account, the requests
they sent with their history and borrowing, and the emails sent about them. Nothing of anyone else:
staff who worked a request and staff's internal notes are left out."""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import IllRequest, RefundPayout, SentEmail
from ..status import OPEN

USER_FIELDS = ("username", "email", "first_name", "last_name", "date_joined", "last_login")
LIBRARIAN_FIELDS = ("library_named", "institution", "email_confirmed_at", "created_at")
LIBRARY_USER_FIELDS = ("phone", "postal_address", "email_confirmed_at", "created_at")
REQUEST_FIELDS = (
    "reference", "direction", "status", "requesting_library", "contact_name", "email", "postal_address",
    "item_type", "title", "article_title", "serial_title", "part_title", "part_author", "volume", "issue",
    "author", "publisher", "place", "year", "isbn", "issn", "nlk_number", "citation_source", "service",
    "delivery", "pages_wanted", "page_count", "total_pages", "pages_copied", "max_cost_usd", "notes",
    "confirms_published_in_korea", "confirms_not_available_elsewhere", "copying_fee", "shipping_fee",
    "currency", "language", "received_at", "due_date", "loan_due_date",
)
HISTORY_FIELDS = ("from_status", "to_status", "changed_at", "note", "reason")
BORROWING_FIELDS = (
    "lender", "lender_name", "lender_country", "max_amount", "max_currency", "target_date",
    "sent_to_lender_at", "lender_answer", "answered_on", "fees_currency", "lender_copying_fee",
    "lender_loan_fee", "shipping_fee", "bank_fee", "prepayment_requested", "prepayment_requested_currency",
    "prepayment_requested_at", "prepaid_amount", "prepaid_currency", "prepaid_on", "prepayment_receipt",
    "arrived_on", "delivered_on", "loan_due_on", "returned_on", "settled_at", "balance_paid_on",
    "balance_receipt",
)
REFUND_FIELDS = ("amount", "currency", "paid_on")
EMAIL_FIELDS = ("kind", "recipient", "subject", "status", "created_at", "sent_at")
# Each kind of record as the CSV names it.
RECORD_LABELS = {
    "account": _("Account"),
    "partner_librarian": _("Partner librarian"),
    "library_user": _("Library user in Korea"),
    "request": _("Request"),
    "status_change": _("Status change"),
    "borrowing": _("Borrowing from abroad"),
    "refund": _("Refund"),
    "email": _("Email sent"),
}


def requests_of_account(user: User | AnonymousUser) -> QuerySet[IllRequest]:
    """The requests the account sent, either way; none for someone not signed in."""
    if not user.is_authenticated:
        return IllRequest.objects.none()
    return IllRequest.objects.filter(submitted_by=user)


def open_requests_of(user: User | AnonymousUser) -> QuerySet[IllRequest]:
    """The account's requests still being worked: not in a final status (ill.status.OPEN)."""
    return requests_of_account(user).filter(status__in=sorted(OPEN)).order_by("received_at", "pk")


class Field:
    """One value held about the person: its name, its label in the reader's language, and the value."""

    def __init__(self, instance: models.Model, name: str) -> None:
        field = cast("models.Field[Any, Any]", instance._meta.get_field(name))  # the fields named below
        self.name = name
        self.label = str(field.verbose_name)
        value = getattr(instance, name)
        self.value = str(value) if field.is_relation and value is not None else value
        self.shown = getattr(instance, f"get_{name}_display")() if field.choices else self.value
        if hasattr(value, "code") and hasattr(value, "name"):  # a country: its code, and its name in words
            self.value, self.shown = value.code, str(value.name)

    def plain(self) -> Any:
        """For JSON: codes as they are, dates and times in ISO 8601 with their offset."""
        return self.value

    def readable(self) -> Any:
        """For CSV: codes in words, times in the library's time zone."""
        if isinstance(self.shown, datetime) and timezone.is_aware(self.shown):
            return timezone.localtime(self.shown).isoformat()
        return "" if self.shown is None else self.shown


class Record:
    """A kind of record (the account, a request, a status change...) with its fields."""

    def __init__(self, kind: str, instance: models.Model, names: Sequence[str], reference: str = "") -> None:
        self.kind = kind
        self.reference = reference
        self.fields = [Field(instance, name) for name in names]
        self.children: list[tuple[str, list[Record]]] = []

    def as_dict(self) -> dict[str, Any]:
        data = {field.name: field.plain() for field in self.fields}
        for key, records in self.children:
            data[key] = [record.as_dict() for record in records]
        return data

    def flat(self) -> Iterator["Record"]:
        """This record then every record under it."""
        yield self
        for _key, records in self.children:
            for record in records:
                yield from record.flat()


def account_records(user: User) -> tuple[Record, list[Record]]:
    """The account, then each request the account sent, oldest first, with what hangs on it."""
    account = Record("account", user, USER_FIELDS)
    librarian = getattr(user, "librarian", None)
    library_user = getattr(user, "library_user", None)
    if librarian is not None:
        account.children.append(("partner_librarian", [Record("partner_librarian", librarian, LIBRARIAN_FIELDS)]))
    if library_user is not None:
        account.children.append(("library_user", [Record("library_user", library_user, LIBRARY_USER_FIELDS)]))
    requests = (
        requests_of_account(user)
        .select_related("requesting_library", "borrowing", "borrowing__lender")
        .prefetch_related("history")
        .order_by("received_at", "pk")
    )
    emails: dict[int, list[SentEmail]] = {}
    for email in SentEmail.objects.filter(request__in=requests).order_by("created_at", "pk"):
        emails.setdefault(email.request_id, []).append(email)
    refunds = {
        refund.borrowing.request_id: refund
        for refund in RefundPayout.objects.filter(borrowing__request__in=requests).select_related("borrowing")
    }
    records: list[Record] = []
    for ill_request in requests:
        ref = ill_request.reference
        record = Record("request", ill_request, REQUEST_FIELDS, ref)
        history = [Record("status_change", change, HISTORY_FIELDS, ref) for change in ill_request.history.all()]
        record.children.append(("history", history))
        borrowing = getattr(ill_request, "borrowing", None) if ill_request.is_borrowing else None
        if borrowing is not None:
            lent = Record("borrowing", borrowing, BORROWING_FIELDS, ref)
            if ill_request.pk in refunds:
                lent.children.append(("refund", [Record("refund", refunds[ill_request.pk], REFUND_FIELDS, ref)]))
            record.children.append(("borrowing", [lent]))
        sent = [Record("email", email, EMAIL_FIELDS, ref) for email in emails.get(ill_request.pk, [])]
        record.children.append(("emails", sent))
        records.append(record)
    return account, records


def account_data(user: User) -> dict[str, Any]:
    """Everything held about the account, as plain values for JSON."""
    account, records = account_records(user)
    return {
        "exported_at": timezone.now(),
        "account": account.as_dict(),
        "requests": [record.as_dict() for record in records],
    }


def account_rows(user: User) -> Iterator[tuple[str, str, str, Any]]:
    """Everything held about the account as rows of (record, reference, field, value), for CSV."""
    account, records = account_records(user)
    for top in (account, *records):
        for record in top.flat():
            for field in record.fields:
                yield str(RECORD_LABELS[record.kind]), record.reference, field.label, field.readable()
