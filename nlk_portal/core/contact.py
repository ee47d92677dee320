"""Who to contact about international ILL, as the library's page states it."""

from django.utils.translation import gettext_lazy as _

ILL_CONTACT = {
    "division": _("Collection Management & Service Division"),
    "library": _("National Library of Korea"),
    "address": "201 Banpo-daero, Seocho-gu, Seoul 06579, Republic of Korea",
    "telephone": "+82-2-590-0586",
    "telephone_local": "(02)590-0586",
    "fax": "+82-2-590-0608",
    "fax_local": "(02)590-0608",
}
