"""Pages written first for readers in Korea."""

from functools import wraps

from django.conf import settings
from django.utils import translation

KOREAN = "ko"


def korean_first(view):
    """Show the page in Korean unless the reader has chosen a language with the site's switcher."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(KOREAN)
            request.LANGUAGE_CODE = KOREAN
        return view(request, *args, **kwargs)

    return wrapped
