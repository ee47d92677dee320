"""Who to contact about international ILL, as the library's page states it."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Text, some of it translated lazily (str or a lazy string).
ILL_CONTACT: dict[str, Any] = {
    "division": _("Collection Management & Service Division"),
    "library": _("National Library of Korea"),
    "address": "201 Banpo-daero, Seocho-gu, Seoul 06579, Republic of Korea",
    "telephone": "+82-2-590-0586",
    "telephone_local": "(02)590-0586",
    "fax": "+82-2-590-0608",
    "fax_local": "(02)590-0608",
}


def ill_contact() -> dict[str, Any]:
    """ILL_CONTACT with the service's email address (ILL_CONTACT_EMAIL; "" when none is set)."""
    return {**ILL_CONTACT, "email": settings.ILL_CONTACT_EMAIL}
