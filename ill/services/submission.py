"""Every way a request arrives (the web form, a user in Korea's borrowing form, a partner system's ISO 18626
request) goes through one idempotent create: the same submission key twice gives back the first request, if it
is the same request."""

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nlk_portal.core.calendar import library_date
from nlk_portal.core.contact import ILL_CONTACT
from nlk_portal.outbox.dispatch import after_commit
from partners.models import Institution, InstitutionKind, Iso18626Peer

from ..choices import Direction
from ..iso18626 import to_request
from ..iso18626.errors import MessageError
from ..iso18626.messages import Request
from ..iso18626.vocabulary import ErrorType
from ..models import MAX_COST_USD, Borrowing, IllRequest, Iso18626Transaction, Service
from ..rules import copyright, fees, terms
from ..selectors.borrowing import copying_permitted
from ..selectors.fees import quote_on, schedule_in_force
from .numbering import next_request_reference
from .peer_messages import record_incoming
from .workflow import record_received

NLK_KEY = "national-library-of-korea"
BORROWING_FIELDS = [
    "lender", "lender_name", "lender_country", "max_amount", "transfer_consent_version", "transfer_consent_at",
]
# The submission key of a peer's request is derived from the peer and its request id (uuid5), so the
# same request sent again is the same submission.
ISO18626_KEYS = uuid.UUID("6f1d3c8e-2b7a-5c4e-9a61-0e8f4d2b7c15")


class SubmissionKeyUsed(ValidationError):
    """The submission key already made a request of another kind, or from other details."""

    def __init__(self) -> None:
        super().__init__(
            _("This form has already been sent. To send another request, check the details and send them again."),
            code="submission_key_used",
        )


def details_digest(direction: Direction, details: dict[str, Any], submitted_by: User | None = None) -> str:
    """A digest of what a form sent: the same details, of the same kind, from the same person give the same one.

    A library typed in rather than chosen is an unsaved Institution: its name, kind, country and city count.
    """

    def canonical(value: Any) -> Any:
        if isinstance(value, Institution):
            return value.pk if value.pk is not None else [value.name_en, value.kind, str(value.country), value.city]
        return value

    content = {name: canonical(value) for name, value in details.items()}
    content["(direction)"] = str(direction)
    content["(submitted by)"] = submitted_by.pk if submitted_by is not None else None
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def create_once(
    submission_key: uuid.UUID | None, create: Callable[[], IllRequest], *, direction: Direction, digest: str
) -> IllRequest:
    """The request `create()` makes in its own transaction, or the one already made with `submission_key`.

    A double click, a resubmitted form or a message sent twice makes one request. The key leads back only
    to a request of the same `direction` made from the same details (`digest`, which `create()` stores):
    a key that made anything else raises SubmissionKeyUsed, and nothing of that request is returned.
    """
    if submission_key and (existing := IllRequest.objects.filter(submission_key=submission_key).first()):
        return _same_submission(existing, direction, digest)
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        # Two posts of one form raced each other: the first one won.
        existing = (
            IllRequest.objects.filter(submission_key=submission_key).first() if submission_key else None
        )
        if existing is None:
            raise
        return _same_submission(existing, direction, digest)


def _same_submission(existing: IllRequest, direction: Direction, digest: str) -> IllRequest:
    # A request stored without a digest (before digests were kept) cannot be shown to match.
    if existing.direction != direction or not existing.submission_digest or existing.submission_digest != digest:
        raise SubmissionKeyUsed()
    return existing


def submit_request(
    details: dict[str, Any],
    *,
    submission_key: uuid.UUID | None = None,
    submitted_by: User | None = None,
    language: str = "en",
    received_at: datetime | None = None,
) -> IllRequest:
    """Create an overseas library's request with its reference, due date, fee estimate and first status.

    `details` holds the request's fields, `requesting_library` included; an
    unsaved library is a new one, recorded unverified for staff to check.
    Returns the request (the one already made, for a `submission_key` sent again); its acknowledgement is
    emailed after commit (ill.tasks.send_acknowledgement). Raises SubmissionKeyUsed if `submission_key` made
    another request, ValidationError if the pages asked for break the copyright limit, NoFeeSchedule if no fee
    schedule is in force.
    """
    received_at = received_at or timezone.now()
    digest = details_digest(Direction.NLK_SUPPLIES, details, submitted_by)
    return create_once(
        submission_key,
        lambda: _create_request(dict(details), submission_key, digest, submitted_by, language, received_at),
        direction=Direction.NLK_SUPPLIES,
        digest=digest,
    )


def submit_borrowing(
    details: dict[str, Any],
    *,
    user: User,
    submission_key: uuid.UUID | None = None,
    language: str = "ko",
    received_at: datetime | None = None,
    transfer_consent_version: str = "",
) -> IllRequest:
    """Create a user's request to borrow from abroad, with its Borrowing.

    `details` holds the request's fields and the borrowing's: lender (or
    lender_name), lender_country and max_amount. `transfer_consent_version` is the privacy
    notice the user agreed to when consenting to the details going abroad (kept with the time).
    Returns the request (the one already made, for a `submission_key` sent again); its acknowledgement is
    emailed after commit (ill.tasks.send_acknowledgement). Raises SubmissionKeyUsed if `submission_key` made
    another request, ValidationError if copying is not permitted in the lender's country.
    """
    received_at = received_at or timezone.now()
    digest = details_digest(Direction.NLK_BORROWS, details, user)
    consent = (
        {"transfer_consent_version": transfer_consent_version, "transfer_consent_at": received_at}
        if transfer_consent_version
        else {}
    )
    return create_once(
        submission_key,
        lambda: _create_borrowing({**details, **consent}, user, submission_key, digest, language, received_at),
        direction=Direction.NLK_BORROWS,
        digest=digest,
    )


def submit_iso18626_request(
    message: Request, *, peer: Iso18626Peer, body: bytes, answer: bytes, received_at: datetime | None = None
) -> tuple[IllRequest, bool]:
    """Create the request a partner system sent by ISO 18626, as the web form's are made (fees, due date,
    copyright flag, the staff's queue), and keep the message with the confirmation it is answered with.

    Return (the request, whether it is new): the same request id from the same peer again makes
    nothing new. Raises ill.iso18626.errors.MessageError for a request the portal cannot take, and for a
    request id the peer already sent with other details.
    """
    received_at = received_at or timezone.now()
    library = peer.institution
    details = to_request.map_request(
        message,
        library_name=library.name_en,
        library_address=library.address,
        library_email=library.ill_email,
        today=library_date(received_at),
    )
    request_id = details.transaction["requesting_agency_request_id"]
    key = uuid.uuid5(ISO18626_KEYS, f"{peer.pk}:{request_id}")
    max_cost, currency = details.transaction["max_cost"], details.transaction["max_cost_currency"]
    fields = {
        **details.fields,
        "requesting_library": library,
        "max_cost_usd": max_cost if currency == "USD" and max_cost <= MAX_COST_USD else None,
    }
    digest = details_digest(Direction.NLK_SUPPLIES, {**fields, **details.transaction})
    made: list[IllRequest] = []

    def create() -> IllRequest:
        ill_request = _create_request(dict(fields), key, digest, None, "en", received_at)
        Iso18626Transaction.objects.create(
            request=ill_request,
            peer=peer,
            direction=Direction.NLK_SUPPLIES,
            **{**details.transaction, "supplying_agency_request_id": ill_request.reference},
        )
        record_incoming(ill_request, peer, message, body=body, answer=answer)
        made.append(ill_request)
        return ill_request

    try:
        ill_request = create_once(key, create, direction=Direction.NLK_SUPPLIES, digest=digest)
    except SubmissionKeyUsed:
        raise MessageError(
            ErrorType.UNRECOGNISED_DATA_VALUE,
            f"requestingAgencyRequestId: {request_id} was sent before with other details; "
            "a new request needs an id of its own.",
        ) from None
    if not made:
        # Sent again (a peer that did not read our confirmation): kept, and nothing else is made.
        record_incoming(ill_request, peer, message, body=body, answer=answer)
    return ill_request, bool(made)


def _create_request(
    details: dict[str, Any],
    submission_key: uuid.UUID | None,
    digest: str,
    submitted_by: User | None,
    language: str,
    received_at: datetime,
) -> IllRequest:
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
    received_on = library_date(received_at)
    quote = quote_on(received_on, service=details["service"], delivery=details["delivery"], pages=pages)
    ill_request = IllRequest.objects.create(
        **details,
        requesting_library=library,
        reference=next_request_reference(received_on.year),
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
        submission_digest=digest,
        submitted_by=submitted_by,
    )
    record_received(ill_request, by=submitted_by)
    after_commit("ill.tasks.send_acknowledgement", ill_request.pk)
    return ill_request


def _create_borrowing(
    details: dict[str, Any],
    user: User,
    submission_key: uuid.UUID | None,
    digest: str,
    language: str,
    received_at: datetime,
) -> IllRequest:
    borrowing_details = {name: details.pop(name) for name in BORROWING_FIELDS if name in details}
    if details["service"] == Service.COPY and not copying_permitted(borrowing_details["lender_country"]):
        raise ValidationError(_("Copying is not permitted in the lending institution's country."))
    received_on = library_date(received_at)
    # NLK charges nothing of its own: the estimate is zero, the lender's fees are settled later.
    schedule = schedule_in_force(received_on)
    profile = getattr(user, "library_user", None)
    postal_address = details.pop("postal_address", "") or (profile.postal_address if profile else "")
    ill_request = IllRequest.objects.create(
        **details,
        direction=Direction.NLK_BORROWS,
        requesting_library=nlk_institution(),
        contact_name=user.get_full_name() or user.email,
        email=user.email,
        postal_address=postal_address,
        reference=next_request_reference(received_on.year),
        fee_schedule=schedule,
        copying_fee=fees.ZERO,
        shipping_fee=fees.ZERO,
        currency=schedule.currency,
        language=language,
        received_at=received_at,
        due_date=terms.borrowing_due_date(received_at),
        submission_key=submission_key,
        submission_digest=digest,
        submitted_by=user,
    )
    Borrowing.objects.create(
        request=ill_request, target_date=terms.borrowing_target_date(received_at), **borrowing_details
    )
    record_received(ill_request, by=user)
    after_commit("ill.tasks.send_acknowledgement", ill_request.pk)
    return ill_request


def nlk_institution() -> Institution:
    """NLK is the requesting library of everything it borrows; the directory normally has it."""
    institution = Institution.objects.filter(key=NLK_KEY).first()
    if institution is None:
        institution = Institution.objects.create(
            key=NLK_KEY,
            name_en="National Library of Korea",
            name_ko="국립중앙도서관",
            kind=InstitutionKind.NATIONAL,
            country="KR",
            city="Seoul",
            address=ILL_CONTACT["address"],
        )
    return institution
