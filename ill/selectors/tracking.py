"""The private tracking link: an unguessable token is the only key to a request from an overseas library."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse

from ..choices import Direction
from ..models import IllRequest, Invoice


def tracking_path(ill_request: IllRequest) -> str:
    return reverse("ill:track", args=[ill_request.tracking_token])


def tracking_url(ill_request: IllRequest) -> str:
    """Absolute, for emails that are sent where there is no web request to ask.

    A user in Korea follows a borrowing on their own page, behind their login.
    """
    if ill_request.is_borrowing:
        path = reverse("ill:borrowing_request", args=[ill_request.reference])
    else:
        path = tracking_path(ill_request)
    return settings.PORTAL_URL.rstrip("/") + path


def request_for_token(token: str) -> IllRequest:
    """The overseas library's request the token opens; a borrowing is shown only to its user, signed in."""
    return get_object_or_404(
        IllRequest.objects.select_related("requesting_library", "fee_schedule"),
        tracking_token=token,
        direction=Direction.NLK_SUPPLIES,
    )


def submission_key_used(submission_key: uuid.UUID | None) -> bool:
    """Whether a request was already made with the form's key (so sending the form again makes none)."""
    return submission_key is not None and IllRequest.objects.filter(submission_key=submission_key).exists()


def requester_invoices(ill_request: IllRequest) -> QuerySet[Invoice]:
    """The invoices the requester sees, those in force that have their PDF (a void one is staff's record), each
    with `amount_paid` (what the payments recorded add up to) and `amount_due` (what is left to pay)."""
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
    paid = Coalesce(Sum("payments__amount"), Value(Decimal("0")), output_field=money)
    return (
        ill_request.invoices.exclude(Q(status=Invoice.State.VOID) | Q(pdf=""))
        .annotate(amount_paid=paid)
        .annotate(amount_due=F("total") - F("amount_paid"))
    )
