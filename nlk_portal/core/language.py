"""Pages written first for readers in Korea."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

KOREAN = "ko"


def korean_first(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Show the page in Korean unless the reader has chosen a language with the site's switcher."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(KOREAN)
            request.LANGUAGE_CODE = KOREAN
        return view(request, *args, **kwargs)

    return wrapped
