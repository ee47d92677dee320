import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "CACHE_URL": "rediscache://127.0.0.1:6379/1",
    "PORTAL_URL": "https://portal.example.org",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "ILL_ISO18626_AGENCY": "ISIL:KR-SeNL",
    "PRIVACY_OFFICER_NAME": "Privacy officer",
    "PRIVACY_OFFICER_CONTACT": "privacy@portal.example.org",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
}
# What a test's environment holds only if the test says so.
OWN = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "PORTAL_URL", "EMAIL_URL", "CELERY_BROKER_URL", "AWS_", "ILL_ISO18626_",
       "PRIVACY_")


def environment(**environ):
    """This process's environment without the portal's settings, plus `environ` (None leaves one out)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN)}
    env.update({k: v for k, v in environ.items() if v is not None})
    return env


def manage(*args, **environ):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR, env=environment(**environ), capture_output=True, text=True, check=False,
    )


def production(**changes):
    return {**PRODUCTION, **changes}


def test_check_deploy_is_clean_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_behind_a_proxy_that_terminates_tls():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SECURE_SSL_REDIRECT="off", **PRODUCTION)

    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="portal.example.org")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list" in result.stderr


def test_pages_carry_a_content_security_policy(client, db):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_dev_superuser_is_refused_in_production():
    result = manage("ensure_dev_superuser", **PRODUCTION)

    assert result.returncode != 0
    assert "Refusing" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    environ = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}

    result = manage("check", **environ)

    assert result.returncode != 0
    assert "CACHE_URL must point to a shared cache" in result.stderr


@pytest.mark.parametrize(
    "changes, refusal",
    [
        ({"PORTAL_URL": None}, "PORTAL_URL must be the portal's public https address"),
        ({"PORTAL_URL": "http://portal.example.org"}, "PORTAL_URL must be the portal's public https address"),
        ({"PORTAL_URL": "https://"}, "PORTAL_URL must be the portal's public https address"),
        ({"EMAIL_URL": None}, "EMAIL_URL must name the SMTP server"),
        ({"EMAIL_URL": "consolemail://"}, "EMAIL_URL must name the SMTP server"),
        ({"EMAIL_URL": "memorymail://"}, "EMAIL_URL must name the SMTP server"),
        ({"EMAIL_URL": "dummymail://"}, "EMAIL_URL must name the SMTP server"),
        ({"EMAIL_URL": "filemail:///tmp/mail"}, "EMAIL_URL must name the SMTP server"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL must point to Redis"),
        ({"DATABASE_URL": None}, "DATABASE_URL must name the portal's PostgreSQL database"),
        ({"DJANGO_TRUSTED_PROXY": "on"}, "DJANGO_CLIENT_IP_HEADER must name the header"),
        ({"DJANGO_CLIENT_IP_HEADER": "X-Real-IP"}, "DJANGO_CLIENT_IP_HEADER is only read behind a proxy"),
        ({"RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP"}, "RATELIMIT_IP_META_KEY is replaced"),
        ({"ILL_ISO18626_AGENCY": None}, "ILL_ISO18626_AGENCY must give NLK's own ISO 18626 agency id"),
        ({"ILL_ISO18626_AGENCY": "KR-SeNL"}, "ILL_ISO18626_AGENCY must give NLK's own ISO 18626 agency id"),
        ({"ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS": "off"}, "ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS cannot be off"),
        ({"ILL_ISO18626_ALLOWED_NETWORKS": "intranet"}, "ILL_ISO18626_ALLOWED_NETWORKS must list networks"),
        ({"PRIVACY_OFFICER_NAME": None}, "PRIVACY_OFFICER_NAME and PRIVACY_OFFICER_CONTACT must name"),
        ({"PRIVACY_OFFICER_CONTACT": None}, "PRIVACY_OFFICER_NAME and PRIVACY_OFFICER_CONTACT must name"),
        ({"PRIVACY_OFFICER_NAME": "  "}, "PRIVACY_OFFICER_NAME and PRIVACY_OFFICER_CONTACT must name"),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else "",
)
def test_production_refuses_to_start_with_a_development_default(changes, refusal):
    result = manage("check", **production(**changes))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and refusal in result.stderr


def test_production_starts_behind_a_proxy_that_names_the_client_s_address():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        **production(DJANGO_TRUSTED_PROXY="on", DJANGO_CLIENT_IP_HEADER="X-Real-IP"),
    )

    assert result.returncode == 0, result.stderr


def test_make_check_deploy_shows_each_development_default_refused():
    result = subprocess.run(
        [sys.executable, "scripts/check_production_refusals.py"],
        cwd=settings.BASE_DIR, env=environment(**production()), capture_output=True, text=True, check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "refused: no CELERY_BROKER_URL" in result.stdout
    assert "refused: no DATABASE_URL" in result.stdout
    assert "ACCEPTED" not in result.stdout


HSTS_HEADER = (
    "from django.test import Client; "
    "print(Client().get('/i18n/setlang/', secure=True, headers={'host': 'portal.example.org'})"
    "['Strict-Transport-Security'])"
)


def test_hsts_covers_only_the_portal_s_own_host_unless_asked():
    result = manage("shell", "-c", HSTS_HEADER, **production())

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "max-age=31536000"


def test_hsts_subdomains_and_preload_are_opt_in():
    environ = production(DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="on", DJANGO_SECURE_HSTS_PRELOAD="on")

    header = manage("shell", "-c", HSTS_HEADER, **environ)
    checked = manage("check", "--deploy", "--fail-level", "WARNING", **environ)

    assert header.stdout.splitlines()[-1] == "max-age=31536000; includeSubDomains; preload", header.stderr
    assert checked.returncode == 0, checked.stderr
