"""The private tracking link: an unguessable token is the only key to a request."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse

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
    return get_object_or_404(
        IllRequest.objects.select_related("requesting_library", "fee_schedule"), tracking_token=token
    )
