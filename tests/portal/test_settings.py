import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "CACHE_URL": "rediscache://127.0.0.1:6379/1",
    "ILL_ISO18626_AGENCY": "ISIL:KR-SeNL",
}


def manage(*args, **environ):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


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
