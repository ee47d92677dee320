"""Settings for the NLK International Cooperation Portal.

Everything that differs between a laptop and production comes from the
environment (see README, "Deploying"). With nothing set, the portal runs on
a SQLite file, runs Celery tasks eagerly and prints email to the console.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Checks each setting below turns off, with the reason beside it.
SILENCED_SYSTEM_CHECKS = []

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random string of at least 50 characters "
            "when DJANGO_DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the host names the portal is served on "
            "when DJANGO_DEBUG is off."
        )

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, with the portal's site (nlk_portal.core.admin_site) as admin.site.
    "nlk_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    # django-axes, named in the user's language in the admin.
    "nlk_portal.apps.PortalAxesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "nlk_portal",
    "nlk_portal.outbox",
    "partners",
    "ill",
    "exchange",
]

MIDDLEWARE = [
    # Before anything logs: the request's id (the proxy's X-Request-ID or a new one) for every log line.
    "nlk_portal.core.request_id.RequestIdMiddleware",
    # Counts and times every request by the view that answered it (/metrics).
    "nlk_portal.metrics.RequestMetrics",
    # Then: a path that is not UTF-8 or holds a NUL is refused, and NULs leave the query string,
    # before anything reads them.
    "nlk_portal.core.middleware.CleanRequests",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a one-time code (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nlk_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nlk_portal.context_processors.library",
            ],
        },
    },
]

WSGI_APPLICATION = "nlk_portal.wsgi.application"

if not DEBUG and "DATABASE_URL" not in env:
    raise ImproperlyConfigured(
        "DATABASE_URL must name the portal's PostgreSQL database (postgres://user:password@host:5432/name) "
        "when DJANGO_DEBUG is off, rather than a SQLite file on this machine."
    )
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # runserver answers each request in a thread of its own, so posts arrive together. Readers never wait
    # for a writer (WAL); a transaction takes the write lock as it begins (IMMEDIATE), where SQLite would
    # otherwise fail one that reads and then writes while another writes; a writer waits for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache is what makes rate limits hold across processes; without
# CACHE_URL each process keeps its own, which is right for one runserver.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if DEBUG:
    # django-ratelimit rightly rejects a per-process cache; one runserver is one process.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
elif "CACHE_URL" not in env:
    raise ImproperlyConfigured(
        "CACHE_URL must point to a shared cache (rediscache://host:6379/1) when DJANGO_DEBUG is off: "
        "rate limits on the public forms count there."
    )

# The client's address, as the rate limits and the login lockout count clients. Behind a reverse
# proxy (DJANGO_TRUSTED_PROXY) every request comes from the proxy, which passes the client's address
# in a header of its own (DJANGO_CLIENT_IP_HEADER, e.g. X-Real-IP); anywhere else that header is
# whatever the client wrote, so only the connection's address counts.
TRUSTED_PROXY = env.bool("DJANGO_TRUSTED_PROXY", default=False)
CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER", default="")
if "RATELIMIT_IP_META_KEY" in env:
    raise ImproperlyConfigured(
        "RATELIMIT_IP_META_KEY is replaced by DJANGO_TRUSTED_PROXY=on and DJANGO_CLIENT_IP_HEADER "
        "(the header the proxy sets, e.g. X-Real-IP)."
    )
if TRUSTED_PROXY and not CLIENT_IP_HEADER:
    raise ImproperlyConfigured(
        "DJANGO_CLIENT_IP_HEADER must name the header the proxy puts the client's address in (e.g. X-Real-IP) "
        "when DJANGO_TRUSTED_PROXY is on: otherwise every client counts as the proxy."
    )
if CLIENT_IP_HEADER and not TRUSTED_PROXY:
    raise ImproperlyConfigured(
        "DJANGO_CLIENT_IP_HEADER is only read behind a proxy: set DJANGO_TRUSTED_PROXY=on if the portal runs "
        "behind one that sets that header, or unset it (a client could write the header itself)."
    )
# The header as Django's request.META names it: X-Real-IP is HTTP_X_REAL_IP.
CLIENT_IP_META_KEY = None
if TRUSTED_PROXY:
    CLIENT_IP_META_KEY = CLIENT_IP_HEADER.upper().replace("-", "_")
    if not CLIENT_IP_META_KEY.startswith("HTTP_"):
        CLIENT_IP_META_KEY = "HTTP_" + CLIENT_IP_META_KEY
RATELIMIT_IP_META_KEY = "nlk_portal.core.client_ip.client_ip"

# Per client address.
ILL_QUOTE_RATE = env.str("ILL_QUOTE_RATE", default="60/m")
ILL_SUBMIT_RATE = env.str("ILL_SUBMIT_RATE", default="10/h")
# A partner librarian whose account staff have linked to their library, counted per account.
ILL_SUBMIT_RATE_VERIFIED = env.str("ILL_SUBMIT_RATE_VERIFIED", default="60/h")
ACCOUNTS_REGISTER_RATE = env.str("ACCOUNTS_REGISTER_RATE", default="5/h")
# Per email address: acknowledgements of new requests sent to one address in an hour. Beyond it the
# request is still made and staff see it, but no acknowledgement goes out (its SentEmail says why).
ILL_ACK_EMAILS_PER_ADDRESS_HOUR = env.int("ILL_ACK_EMAILS_PER_ADDRESS_HOUR", default=5)
# Per client address and, separately, per address written to: new password links and confirmations sent again.
ACCOUNTS_EMAIL_RATE = env.str("ACCOUNTS_EMAIL_RATE", default="5/h")
# A registration whose email is not confirmed within this many days is deleted and its address freed.
ACCOUNTS_UNCONFIRMED_DAYS = env.int("ACCOUNTS_UNCONFIRMED_DAYS", default=3)
# The fee preview holds the fee schedules in each process: a staff edit reaches every process
# within the recheck interval (one shared-cache read per interval), and none keeps its copy longer
# than the maximum age.
ILL_FEE_SCHEDULE_RECHECK_SECONDS = env.float("ILL_FEE_SCHEDULE_RECHECK_SECONDS", default=1.0)
ILL_FEE_SCHEDULE_MAX_AGE_SECONDS = env.float("ILL_FEE_SCHEDULE_MAX_AGE_SECONDS", default=60.0)

# ISO 18626: NLK's own agency id (TYPE:VALUE), which peers' messages must name, and NLK's messages carry.
# Development has a placeholder; production must say it.
ILL_ISO18626_AGENCY = env.str("ILL_ISO18626_AGENCY", default="ISIL:KR-SeNL" if DEBUG else "")
_agency_type, _colon, _agency_value = ILL_ISO18626_AGENCY.partition(":")
if not (_colon and _agency_type.strip() and _agency_value.strip()):
    raise ImproperlyConfigured(
        "ILL_ISO18626_AGENCY must give NLK's own ISO 18626 agency id as TYPE:VALUE (e.g. ISIL:KR-...) "
        "when DJANGO_DEBUG is off."
    )
# The largest message accepted or read back, in bytes; posts to the endpoint per client address;
# seconds a whole post to a peer may take, and seconds to wait for its connection; messages in flight
# to one peer at once; whether a peer's Renew of a loan NLK lent is answered yes.
ILL_ISO18626_MAX_BYTES = env.int("ILL_ISO18626_MAX_BYTES", default=1024 * 1024)
ILL_ISO18626_RATE = env.str("ILL_ISO18626_RATE", default="120/m")
ILL_ISO18626_PEER_RATE = env.str("ILL_ISO18626_PEER_RATE", default="600/m")
ILL_ISO18626_TIMEOUT = env.float("ILL_ISO18626_TIMEOUT", default=15.0)
ILL_ISO18626_CONNECT_TIMEOUT = env.float("ILL_ISO18626_CONNECT_TIMEOUT", default=5.0)
ILL_ISO18626_PEER_SENDS = env.int("ILL_ISO18626_PEER_SENDS", default=2)
# A peer's endpoint must be https on a public address (checked when it is saved and when connecting;
# nlk_portal/core/endpoints.py), except in the networks listed (CIDRs: a peer on the library's own network).
ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS = env.bool("ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS", default=not DEBUG)
if not DEBUG and not ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS:
    raise ImproperlyConfigured(
        "ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS cannot be off when DJANGO_DEBUG is off: list a private "
        "network peers are on in ILL_ISO18626_ALLOWED_NETWORKS instead."
    )
ILL_ISO18626_ALLOWED_NETWORKS = env.list("ILL_ISO18626_ALLOWED_NETWORKS", default=[])
try:
    _allowed_networks = [ipaddress.ip_network(each, strict=False) for each in ILL_ISO18626_ALLOWED_NETWORKS]
except ValueError as error:
    raise ImproperlyConfigured(
        f"ILL_ISO18626_ALLOWED_NETWORKS must list networks as CIDRs (10.20.0.0/16, fd00::/8): {error}"
    ) from None
ILL_ISO18626_RENEWALS = env.bool("ILL_ISO18626_RENEWALS", default=False)
# Days a loan runs: the date offered when staff mark a loan sent, and what a renewal adds. The library's
# page states no loan period, so this is the library's choice to set.
ILL_LOAN_DAYS = env.int("ILL_LOAN_DAYS", default=30)

# The International ILL service's own email address, shown with its telephone and fax wherever the portal
# gives the ILL contact. The library's page leaves it blank ("E-Mail:"), so it is the library's to set;
# unset, none is shown.
ILL_CONTACT_EMAIL = env.str("ILL_CONTACT_EMAIL", default="").strip()

# Where the daily digest of unassigned ILL requests goes (a shared mailbox); unset, to every
# member of the "ILL staff" group.
ILL_TEAM_EMAIL = env.list("ILL_TEAM_EMAIL", default=[])

# Personal data (the privacy page states these, and the purge applies them: ill.services.retention, daily
# by beat or `manage.py purge_personal_data`): the personal details of a request or borrowing are kept this
# many days from the day it reached a final status, and login records this many days; both are the library's to set. The notice's version is the date of its text, kept with
# each consent given; set a new one when the notice or the periods it states change.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=1095)
LOGIN_RECORD_RETENTION_DAYS = env.int("LOGIN_RECORD_RETENTION_DAYS", default=365)
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="2026-12-06")
# Whom people contact about their personal data, as the privacy page names them (e.g. an email and a telephone).
PRIVACY_OFFICER_NAME = env.str("PRIVACY_OFFICER_NAME", default="").strip()
PRIVACY_OFFICER_CONTACT = env.str("PRIVACY_OFFICER_CONTACT", default="").strip()
if not DEBUG and not (PRIVACY_OFFICER_NAME and PRIVACY_OFFICER_CONTACT):
    raise ImproperlyConfigured(
        "PRIVACY_OFFICER_NAME and PRIVACY_OFFICER_CONTACT must name the library's privacy officer and how to "
        "reach them when DJANGO_DEBUG is off: the privacy page tells people whom to contact."
    )

# Links in emails are built on this, since a worker has no web request to ask.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")
if not DEBUG and not (PORTAL_URL.startswith("https://") and len(PORTAL_URL) > len("https://")):
    raise ImproperlyConfigured(
        "PORTAL_URL must be the portal's public https address (https://portal.example.org) "
        "when DJANGO_DEBUG is off: the links in every email are built on it."
    )

# Password guessing (django-axes), on both login pages. Failures are counted three ways within
# LOGIN_LOCKOUT_MINUTES, each with its limit (partners/lockouts.py): one account from one client address
# (LOGIN_FAILURE_LIMIT), so a stranger's guesses do not lock the account's owner out from elsewhere; one
# account from every address (LOGIN_ACCOUNT_FAILURE_LIMIT), so guesses spread over many addresses still
# stop; one address at every account (LOGIN_ADDRESS_FAILURE_LIMIT), which never locks staff accounts.
# Once a limit is reached even the right password does not log in until the time is up. A lockout of a staff account is emailed to ILL
# staff. The failures are rows in the database (staff see and delete them in the admin under "Axes").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "partners.lockouts.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "nlk_portal.core.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "partners.rules.accounts.username_tried"
AXES_LOCKOUT_CALLABLE = "partners.views.accounts.locked_out"
# One login's success must not clear another account's failures counted from the same address.
AXES_RESET_ON_SUCCESS = False
# Successful logins are not kept: nothing would ever remove them.
AXES_DISABLE_ACCESS_LOG = True

# Staff two-factor sign-in (django-otp): superusers and ILL staff give a code from an authenticator app
# (TOTP), or one of their recovery codes, after the password before any admin page. Off in development,
# where any member of staff may still set it up; decided at each sign-in.
STAFF_TWO_FACTOR_REQUIRED = env.bool("STAFF_TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="NLK portal")
# The admin's pages of devices never show their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ill:library_requests"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English and Korean; staff work in Seoul time.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Invoices and statements are written by workers and handed out by web processes. By default they
# go to the MEDIA_ROOT folder, which processes on one machine (or one shared volume) share; with
# AWS_STORAGE_BUCKET_NAME set they go to S3-compatible object storage (django-storages), which
# processes on different machines share. The keys come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or the machine's role), as boto3 finds them; nothing is ever public.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    FILE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Another provider than Amazon (MinIO, Ceph, a cloud's S3 API): its address.
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            # "path" for servers that do not give each bucket a host name of its own.
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default=None),
            # A folder inside the bucket, for a bucket shared with other uses.
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
else:
    FILE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": FILE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: EMAIL_URL such as smtp+tls://user:password@smtp.example.org:587.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Backends that print, keep or drop mail: for a laptop and the tests, never for production.
DEVELOPMENT_EMAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend" for name in ("console", "locmem", "dummy", "filebased")
}
if not DEBUG and EMAIL_CONFIG["EMAIL_BACKEND"] in DEVELOPMENT_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        "EMAIL_URL must name the SMTP server that sends the portal's mail "
        "(smtp+tls://user:password@smtp.example.org:587) when DJANGO_DEBUG is off, "
        "not one that prints, keeps or drops it."
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="NLK International ILL <ill@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery: without a broker the tasks run in-process, so `make run` needs
# nothing else running.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if not DEBUG and not CELERY_BROKER_URL:
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must point to Redis (redis://host:6379/0) when DJANGO_DEBUG is off: "
        "without it emails and PDFs are made inside web requests and beat's daily work never runs."
    )
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Run in-process, a task fails and is retried as on a worker (without the pauses) and its
# failure is recorded on its outbox row: it never turns a committed request into an error page.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Redis gives a task a worker took but never acknowledged (the worker died) to
# another after this many seconds; it must exceed the longest task.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # A broker that does not answer must not hold up the web request that submits a form.
    "socket_connect_timeout": 5,
}
# Beat sends each entry below once per period even if a second beat is started by mistake: it claims the
# period in the database first (nlk_portal.outbox.beat).
CELERY_BEAT_SCHEDULER = "nlk_portal.outbox.beat:OncePerPeriodScheduler"
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    # Each member of ILL staff: their overdue and due-this-week requests; the team: unassigned ones.
    "ill-daily-digests": {"task": "ill.tasks.send_daily_digests", "schedule": crontab(hour=8, minute=0)},
    "outbox-sweep": {"task": "nlk_portal.outbox.tasks.sweep_outbox", "schedule": OUTBOX_SWEEP_SECONDS},
    # ISO 18626 messages a peer has not confirmed yet, tried again with growing pauses.
    "ill-iso18626-messages": {"task": "ill.tasks.send_due_iso18626_messages", "schedule": 60.0},
    # Registrations never confirmed in time (ACCOUNTS_UNCONFIRMED_DAYS) are deleted, freeing their addresses.
    "partners-delete-expired-registrations": {
        "task": "partners.tasks.delete_expired_registrations",
        "schedule": crontab(hour=4, minute=0),
    },
    # Personal data past PERSONAL_DATA_RETENTION_DAYS, and login records past LOGIN_RECORD_RETENTION_DAYS.
    "ill-purge-personal-data": {
        "task": "ill.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
    "ill-payment-reminders": {
        "task": "ill.tasks.send_payment_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # Last month's manager reports as PDF, on the 1st (CELERY_TIMEZONE: Asia/Seoul unless TIME_ZONE says otherwise).
    "exchange-monthly-report": {
        "task": "exchange.tasks.send_monthly_report",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),
    },
}
# Who may download an admin list's selection as CSV or XLSX (nlk_portal.core.exports.downloads): the managers'
# permission to download the manager reports, which the exchange app holds.
EXPORT_PERMISSION = "exchange.export_reports"
# The language of the monthly report emailed to managers ("ko" or "en").
MONTHLY_REPORT_LANGUAGE = env.str("MONTHLY_REPORT_LANGUAGE", default="ko")
# Tasks handed to the broker this many seconds ago and never finished (a broker
# restarted without its data) are handed over again by the outbox sweep.
ILL_OUTBOX_RESEND_AFTER = env.int("ILL_OUTBOX_RESEND_AFTER", default=CELERY_VISIBILITY_TIMEOUT)
# /metrics: read with `Authorization: Bearer <METRICS_TOKEN>` or from a network of METRICS_NETWORKS
# (CIDRs; the client address as the rate limits take it). With neither, /metrics answers 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_NETWORKS = env.list("METRICS_NETWORKS", default=[])
try:
    _metrics_networks = [ipaddress.ip_network(each, strict=False) for each in METRICS_NETWORKS]
except ValueError as error:
    raise ImproperlyConfigured(f"METRICS_NETWORKS must list networks as CIDRs (10.20.0.0/16, fd00::/8): {error}")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be a random string of at least 32 characters.")

# An open invoice this many days old gets one payment reminder.
ILL_INVOICE_REMINDER_DAYS = env.int("ILL_INVOICE_REMINDER_DAYS", default=30)

# Security. Production defaults are strict; DJANGO_SECURE_SSL_REDIRECT=off is
# for a proxy that terminates TLS and redirects plain HTTP itself.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer's probe asks a node over plain HTTP; these answers hold nothing private.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=not SECURE_SSL_REDIRECT):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS += ["security.W008"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    # Opt-in: both bind every host under the portal's domain to HTTPS, and preloading binds browsers
    # for months whatever the header later says. That is the domain owner's decision, not the portal's.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS += ["security.W005"]
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS += ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Content Security Policy: every script and stylesheet is served from our own
# static files, so nothing inline and nothing from elsewhere is allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# LOG_FORMAT=json writes one JSON object a line (python-json-logger), for a log collector; plain text by default.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
# The header the proxy puts its request id in; the response echoes it (nlk_portal.core.request_id).
REQUEST_ID_HEADER = env.str("REQUEST_ID_HEADER", default="X-Request-ID")
# The fields of a JSON line; request_id is on every record (RequestIdFilter).
JSON_LOG_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # runserver's request log (Django's own, as Django configures it) writes paths without their tokens.
    # Every record carries the id of the request (or task) it was written for.
    "filters": {
        "redact_tokens": {"()": "nlk_portal.core.redaction.RedactTokens"},
        "request_id": {"()": "nlk_portal.core.request_id.RequestIdFilter"},
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": JSON_LOG_FIELDS},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {
            "handlers": ["django.server"], "level": "INFO", "propagate": False, "filters": ["redact_tokens"],
        },
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
if LOG_FORMAT == "json":
    for _handler in LOGGING["handlers"].values():
        _handler["formatter"] = "json"
