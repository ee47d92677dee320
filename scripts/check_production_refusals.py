"""Show that production settings refuse each development default, one at a time.

    DJANGO_DEBUG=0 … .venv/bin/python scripts/check_production_refusals.py

Run with a complete production environment (`make check-deploy` sets one): the portal must start
with it as given, and refuse to start once any one setting below is missing or a development value.
Prints one line a setting; exits non-zero if any is accepted.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# (what is wrong, the environment's change (None unsets), what the refusal says)
REFUSALS = [
    ("no DJANGO_SECRET_KEY", {"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY must be set"),
    ("no DJANGO_ALLOWED_HOSTS", {"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS must list"),
    ("no DATABASE_URL", {"DATABASE_URL": None}, "DATABASE_URL must name the portal's PostgreSQL database"),
    ("no CACHE_URL", {"CACHE_URL": None}, "CACHE_URL must point to a shared cache"),
    ("no PORTAL_URL", {"PORTAL_URL": None}, "PORTAL_URL must be the portal's public https address"),
    ("PORTAL_URL on plain http", {"PORTAL_URL": "http://portal.example.org"}, "PORTAL_URL must be"),
    ("no EMAIL_URL", {"EMAIL_URL": None}, "EMAIL_URL must name the SMTP server"),
    ("EMAIL_URL printing to the console", {"EMAIL_URL": "consolemail://"}, "EMAIL_URL must name"),
    ("EMAIL_URL writing to a folder", {"EMAIL_URL": "filemail:///tmp/mail"}, "EMAIL_URL must name"),
    ("EMAIL_URL dropping mail", {"EMAIL_URL": "dummymail://"}, "EMAIL_URL must name"),
    ("no CELERY_BROKER_URL", {"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL must point to Redis"),
    ("no PRIVACY_OFFICER_NAME", {"PRIVACY_OFFICER_NAME": None}, "PRIVACY_OFFICER_NAME and PRIVACY_OFFICER_CONTACT"),
    ("no PRIVACY_OFFICER_CONTACT", {"PRIVACY_OFFICER_CONTACT": None}, "PRIVACY_OFFICER_NAME and PRIVACY_OFFICER_CONTACT"),
    ("no ILL_ISO18626_AGENCY", {"ILL_ISO18626_AGENCY": None}, "ILL_ISO18626_AGENCY must give NLK's own"),
    ("ILL_ISO18626_AGENCY without its type", {"ILL_ISO18626_AGENCY": "KR-SeNL"}, "ILL_ISO18626_AGENCY must give"),
    (
        "peers' endpoints allowed on any address",
        {"ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS": "off"},
        "ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS cannot be off",
    ),
    (
        "ILL_ISO18626_ALLOWED_NETWORKS not networks",
        {"ILL_ISO18626_ALLOWED_NETWORKS": "intranet"},
        "ILL_ISO18626_ALLOWED_NETWORKS must list networks",
    ),
    ("METRICS_NETWORKS not networks", {"METRICS_NETWORKS": "monitoring"}, "METRICS_NETWORKS must list networks"),
    ("METRICS_TOKEN too short", {"METRICS_TOKEN": "prometheus"}, "METRICS_TOKEN must be a random string"),
    (
        "DJANGO_TRUSTED_PROXY without DJANGO_CLIENT_IP_HEADER",
        {"DJANGO_TRUSTED_PROXY": "on", "DJANGO_CLIENT_IP_HEADER": None},
        "DJANGO_CLIENT_IP_HEADER must name the header",
    ),
    (
        "DJANGO_CLIENT_IP_HEADER without DJANGO_TRUSTED_PROXY",
        {"DJANGO_TRUSTED_PROXY": None, "DJANGO_CLIENT_IP_HEADER": "X-Real-IP"},
        "DJANGO_CLIENT_IP_HEADER is only read behind a proxy",
    ),
]


def check(changes):
    """`manage.py check` in this environment with `changes`; (exit status, standard error)."""
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    return result.returncode, result.stderr


def main():
    if os.environ.get("DJANGO_DEBUG", "0").lower() not in ("0", "off", "false", "no", ""):
        sys.exit("Run with DJANGO_DEBUG=0 and a complete production environment (see `make check-deploy`).")
    status, error = check({})
    if status != 0:
        sys.exit(f"The production environment given is itself refused:\n{error}")
    accepted = []
    for what, changes, expected in REFUSALS:
        status, error = check(changes)
        refused = status != 0 and expected in error
        message = next((line for line in reversed(error.splitlines()) if "ImproperlyConfigured" in line), "")
        print(f"{'refused' if refused else 'ACCEPTED'}: {what}" + (f" ({message.split(': ', 1)[-1]})" if refused else ""))
        if not refused:
            accepted.append(what)
    if accepted:
        sys.exit(f"Production settings accepted: {', '.join(accepted)}")
    print(f"Production refuses all {len(REFUSALS)} development defaults.")


if __name__ == "__main__":
    main()
