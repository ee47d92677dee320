"""Submitting an ILL request: everything that happens when a librarian sends the form."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import copyright, fees, terms, workflow
from .dispatch import after_commit
from .models import IllRequest, Service
from .numbering import ILL_REQUEST_SERIES, next_reference
from .tasks import send_acknowledgement


def submit_request(details, *, submission_key=None, submitted_by=None, language="en", received_at=None):
    """Create the request with its reference, due date, fee estimate and first status.

    `details` holds the request's fields, `requesting_library` included; an
    unsaved library is a new one, recorded unverified for staff to check.
    The same `submission_key` twice gives back the first request.
    """
    if submission_key and (existing := IllRequest.objects.filter(submission_key=submission_key).first()):
        return existing
    try:
        with transaction.atomic():
            return _create(details, submission_key, submitted_by, language, received_at or timezone.now())
    except IntegrityError:
        # Two posts of one form raced each other: the first one won.
        existing = (
            IllRequest.objects.filter(submission_key=submission_key).first() if submission_key else None
        )
        if existing is None:
            raise
        return existing


def _create(details, submission_key, submitted_by, language, received_at):
    details = dict(details)
    library = details.pop("requesting_library")
    if library.pk is None:
        library.is_verified = False
        library.is_active = False
        library.save()
    is_copy = details["service"] == Service.COPY
    pages = copyright.count_pages(details["pages_wanted"]) if is_copy else None
    check_needed = (
        copyright.check_copy_limit(details["pages_wanted"], details.get("total_pages")) if is_copy else False
    )
    quote = fees.quote(
        service=details["service"],
        delivery=details["delivery"],
        pages=pages,
        on_date=terms.library_date(received_at),
    )
    ill_request = IllRequest.objects.create(
        **details,
        requesting_library=library,
        reference=next_reference(ILL_REQUEST_SERIES, terms.library_date(received_at).year),
        page_count=pages,
        copyright_check_needed=check_needed,
        fee_schedule=quote.schedule,
        copying_fee=quote.copying_fee,
        shipping_fee=quote.shipping_fee,
        currency=quote.currency,
        language=language,
        received_at=received_at,
        due_date=terms.due_date(received_at),
        submission_key=submission_key,
        submitted_by=submitted_by,
    )
    workflow.record_received(ill_request, by=submitted_by)
    after_commit(send_acknowledgement, ill_request.pk)
    return ill_request
