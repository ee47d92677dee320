"""The private tracking link: an unguessable token is the only key to a request from an overseas library."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse

from ..choices import Direction
from ..models import IllRequest


def tracking_path(ill_request):
    return reverse("ill:track", args=[ill_request.tracking_token])


def tracking_url(ill_request):
    """Absolute, for emails that are sent where there is no web request to ask.

    A user in Korea follows a borrowing on their own page, behind their login.
    """
    if ill_request.is_borrowing:
        path = reverse("ill:borrowing_request", args=[ill_request.reference])
    else:
        path = tracking_path(ill_request)
    return settings.PORTAL_URL.rstrip("/") + path


def request_for_token(token):
    """The overseas library's request the token opens; a borrowing is shown only to its user, signed in."""
    return get_object_or_404(
        IllRequest.objects.select_related("requesting_library", "fee_schedule"),
        tracking_token=token,
        direction=Direction.NLK_SUPPLIES,
    )


def submission_key_used(submission_key) -> bool:
    """Whether a request was already made with the form's key (so sending the form again makes none)."""
    return submission_key is not None and IllRequest.objects.filter(submission_key=submission_key).exists()
