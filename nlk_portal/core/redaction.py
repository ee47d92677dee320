"""Secrets that paths carry, cut out of what the logs write.

Tracking pages and their confirmation (/ill/track/<token>/, /ill/submitted/<token>/), email confirmation
links (/accounts/confirm/<uid>/<token>/) and new password links (/accounts/password/reset/<uid>/<token>/,
/admin/password_reset/<uid>/<token>/) open for whoever has the path. The access log of gunicorn
(nlk_portal/gunicorn_logging.py) and runserver's request log (the filter below, in settings LOGGING) write
those paths with the token as [token] and the account's id as [uid], whatever else the line holds.
"""

import logging
import re

SEGMENT = r"[^/?#\s\"]+"
# (a path's start that a token follows, how many segments of it are secret, what they are written as)
SECRET_PATHS = [
    (r"/ill/(?:track|submitted)/", ("[token]",)),
    (r"/accounts/confirm/", ("[uid]", "[token]")),
    (r"/accounts/password/reset/(?!done/)", ("[uid]", "[token]")),
    (r"/admin/password_reset/(?!done/|complete/)", ("[uid]", "[token]")),
]
_PATTERNS = [
    (re.compile(f"({start})" + "/".join([SEGMENT] * len(names))), "\\1" + "/".join(names))
    for start, names in SECRET_PATHS
]


def redact_path(text: str) -> str:
    """`text` (a path, a request line, a full URL) with every token a path carries replaced by [token]."""
    if not text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactTokens(logging.Filter):
    """A logging filter writing each string argument of a record (runserver's request line) redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        return True
