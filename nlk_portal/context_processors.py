"""What every template of the site frame is given."""

from django.conf import settings

from .core.contact import ill_contact


def library(request):
    return {
        "ill_contact": ill_contact(),
        # What the notices on forms state, from the settings the privacy page and the purge read.
        "privacy": {
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
            "login_record_days": settings.LOGIN_RECORD_RETENTION_DAYS,
            "version": settings.PRIVACY_NOTICE_VERSION,
        },
    }
