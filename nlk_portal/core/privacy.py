"""What the portal tells people about their personal data where it collects it, read from the settings the
privacy page and the purge read (PERSONAL_DATA_RETENTION_DAYS, PRIVACY_NOTICE_VERSION)."""

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def privacy_link() -> SafeString:
    return format_html(
        '<a href="{}">{}</a>', reverse("privacy"), _("Privacy notice (version %(version)s)")
        % {"version": settings.PRIVACY_NOTICE_VERSION},
    )


def registration_notice() -> SafeString:
    """What a user in Korea agrees to by registering: what is collected, why, for how long, and the right to refuse."""
    return format_html(
        "{} {} {} {}",
        _(
            "The National Library of Korea collects your name, email, telephone and postal address to keep your "
            "account, confirm your email and handle your requests to borrow material from abroad."
        ),
        _(
            "Your account's details are kept until you close your account; the details of each request are kept "
            "for %(days)s days from the day it is closed, then destroyed."
        ) % {"days": settings.PERSONAL_DATA_RETENTION_DAYS},
        _("You may refuse; without your agreement we cannot register you."),
        privacy_link(),
    )


def transfer_notice() -> SafeString:
    """What a user in Korea agrees to by sending a borrowing: what goes abroad, to whom, when and how."""
    return format_html(
        "{} {} {} {} {}",
        _(
            "To borrow the material, NLK sends a library abroad the details of this request: the material, the copy "
            "or loan asked for, and what you write in Notes. The material is sent to NLK."
        ),
        _(
            "The library is the one you prefer or another abroad that staff choose: its country is known once staff "
            "choose it, and your request's page then shows the library and its country."
        ),
        _(
            "The details go when staff send the request, through the library's interlibrary loan system or by staff, "
            "and the library keeps them under its own rules."
        ),
        _("You may refuse; without your agreement NLK cannot borrow the material for you."),
        privacy_link(),
    )
