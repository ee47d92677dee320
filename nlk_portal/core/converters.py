"""Path converters for the keys the portal's URLs carry, each matching exactly what the portal issues.

A path that cannot be one of ours is answered 404 by the URL resolver, before any view or query.
"""

from django.urls import register_converter


class TrackingTokenConverter:
    """secrets.token_urlsafe(32): 43 characters of the URL-safe Base64 alphabet."""

    regex = "[A-Za-z0-9_-]{43}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IllReferenceConverter(TrackingTokenConverter):
    """ILL-2026-000123."""

    regex = r"ILL-[0-9]{4}-[0-9]{6}"


class InvoiceNumberConverter(TrackingTokenConverter):
    """INV-2026-000045."""

    regex = r"INV-[0-9]{4}-[0-9]{6}"


# The names the URLconfs use: path(f"track/<{TRACKING_TOKEN}:token>/", ...).
TRACKING_TOKEN = "tracking_token"
ILL_REFERENCE = "ill_reference"
INVOICE_NUMBER = "invoice_number"

register_converter(TrackingTokenConverter, TRACKING_TOKEN)
register_converter(IllReferenceConverter, ILL_REFERENCE)
register_converter(InvoiceNumberConverter, INVOICE_NUMBER)
