"""Tokens that paths carry are cut out of what the logs write: the one function, and runserver's request log."""

import io
import logging
import secrets

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from nlk_portal.core.redaction import redact_path
from partners.rules.accounts import confirmation_tokens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(is_active=False)


def secret_urls(user):
    """(url, the secrets in it) for every kind of path that opens a page for whoever has it."""
    tracking = secrets.token_urlsafe(32)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    confirm = confirmation_tokens.make_token(user)
    reset = default_token_generator.make_token(user)
    return [
        (reverse("ill:track", kwargs={"token": tracking}), [tracking]),
        (reverse("ill:submitted", kwargs={"token": tracking}), [tracking]),
        (reverse("ill:track_invoice", kwargs={"token": tracking, "number": "INV-2026-000045"}), [tracking]),
        (reverse("accounts:confirm", kwargs={"uidb64": uid, "token": confirm}), [uid, confirm]),
        (reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": reset}), [uid, reset]),
        (reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": reset}), [uid, reset]),
    ]


def test_every_path_that_carries_a_token_is_written_without_it(user):
    for url, secret_parts in secret_urls(user):
        redacted = redact_path(url)

        assert redacted != url
        assert not [part for part in secret_parts if part in redacted], redacted
        assert "[token]" in redacted


def test_the_rest_of_the_line_stays_as_it_was(user):
    tracking = secrets.token_urlsafe(32)

    assert redact_path(f"GET /ill/track/{tracking}/?lang=ko HTTP/1.1") == "GET /ill/track/[token]/?lang=ko HTTP/1.1"
    assert redact_path(f"https://portal.example.org/ill/submitted/{tracking}/") == (
        "https://portal.example.org/ill/submitted/[token]/"
    )
    assert redact_path(f"/ill/track/{tracking}/invoice/INV-2026-000045.pdf") == (
        "/ill/track/[token]/invoice/INV-2026-000045.pdf"
    )
    assert redact_path("/accounts/confirm/MQ/abc-def/") == "/accounts/confirm/[uid]/[token]/"


def test_paths_without_a_token_are_unchanged():
    for path in [
        "/", "/ill/request/", "/ill/borrow/requests/ILL-2026-000123/", "/accounts/password/reset/",
        "/accounts/password/reset/done/", "/admin/password_reset/", "/admin/password_reset/done/",
        "/admin/password_reset/complete/", "/admin/ill/illrequest/", "/accounts/confirm/again/",
    ]:
        assert redact_path(path) == path


def test_runserver_s_request_log_writes_the_path_without_its_token(user):
    """The record as runserver's request handler logs it, through the logger settings LOGGING configures."""
    logger = logging.getLogger("django.server")
    written = io.StringIO()
    capture = logging.StreamHandler(written)
    urls = secret_urls(user)
    logger.addHandler(capture)
    try:
        for url, _secrets in urls:
            logger.info('"%s" %s %s', f"GET {url} HTTP/1.1", "200", "5120", extra={"status_code": 200})
    finally:
        logger.removeHandler(capture)

    lines = written.getvalue().splitlines()
    assert len(lines) == 6 and all('" 200 5120' in line for line in lines)
    assert lines[0] == '"GET /ill/track/[token]/ HTTP/1.1" 200 5120'
    for _url, secret_parts in urls:
        assert not [part for part in secret_parts if part in written.getvalue()]
