import importlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import date

import boto3
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import _set_suffix_to_test_databases

import bench.workers
from ill.services import numbering
from nlk_portal.core.roles import ILL_STAFF, MANAGERS
from tests.exchange.reports import year
from tests.factories import InstitutionFactory, staff_member

# The fuzz tests: "ci" (the default) is repeatable, the same examples on every run;
# HYPOTHESIS_PROFILE=deep searches much further, with fresh examples each time.
hypothesis_settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, database=None)
hypothesis_settings.register_profile("deep", max_examples=5000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE
STAFF_GROUPS_MIGRATION = importlib.import_module("ill.migrations.0004_staff_groups")
REPORT_PERMISSIONS = importlib.import_module("exchange.migrations.0003_reports")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# moto takes any keys; these are never real ones.
S3_TEST_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test databases named for this run too (test_postgres_gw0_1a2b3c4d under pytest-xdist), so that two
    runs on one PostgreSQL server never create, use or drop each other's."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    _set_suffix_to_test_databases(suffix=run)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher(django_test_environment):
    """Passwords hashed with MD5 in tests: Django's default, PBKDF2, spends most of a second of CPU on each
    hash by design. The portal's settings keep Django's default hashers."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache; each story starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_reference_sequences(django_db_blocker):
    """Each story numbers its requests from 1: the sequences an earlier test made on PostgreSQL (committed at
    once, outside the test's transaction) are dropped before the next test starts."""
    if numbering.known_reference_sequences():
        with django_db_blocker.unblock():
            numbering.drop_reference_sequences()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Invoices are written under a MEDIA_ROOT of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def source_fee_schedule(db):
    """The schedule the data migration creates; a transactional test's flush removes it, so restore it."""
    from ill.models import FeeSchedule

    # As the migrations leave it: its date is the portal's, not the library's, so it is not shown.
    fields = {k: v for k, v in SOURCE_SCHEDULE.items() if k != "effective_from"} | {"show_effective_from": False}
    schedule, _ = FeeSchedule.objects.get_or_create(
        effective_from=SOURCE_SCHEDULE["effective_from"], defaults=fields
    )
    return schedule


@pytest.fixture
def staff_groups(db):
    """The groups the migration makes; a transactional test's flush empties them, so make sure of them."""
    STAFF_GROUPS_MIGRATION.give_staff_groups_their_permissions(Group.objects, Permission.objects)


@pytest.fixture
def kim(staff_groups):
    """An ILL staff member."""
    return staff_member(ILL_STAFF, username="kim", first_name="Min-ji", last_name="Kim", email="kim@nl.go.kr")


@pytest.fixture
def kim_client(client, kim):
    client.force_login(kim)
    return client


@pytest.fixture
def report_groups(staff_groups):
    """The staff groups and their report permissions, as the migrations leave them."""
    REPORT_PERMISSIONS.give_report_permissions(Group.objects, Permission.objects)


@pytest.fixture
def manager(report_groups):
    """A manager: reads ILL requests and the reports, changes nothing."""
    return staff_member(MANAGERS, username="choi", first_name="Hyun-woo", last_name="Choi", email="choi@nl.go.kr")


@pytest.fixture
def fees_since_2020(db):
    """The library's fees as the migration records them, in force since before the reports' year."""
    from ill.models import FeeSchedule

    fields = {k: v for k, v in SOURCE_SCHEDULE.items() if k != "effective_from"}
    return FeeSchedule.objects.get_or_create(effective_from=date(2020, 1, 1), defaults=fields)[0]


@pytest.fixture
def france(db):
    return InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")


@pytest.fixture
def japan(db):
    return InstitutionFactory(name_en="National Diet Library", country="JP")


@pytest.fixture
def ill_year(fees_since_2020, france, japan):
    """The ILL requests of the reports' year (tests/exchange/reports/year.py), by name."""
    return year.requests_of_the_year(france, japan)


@pytest.fixture
def reference_data(db):
    """The directory and records as `load_reference_data` loads them."""
    call_command("load_reference_data", stdout=open(os.devnull, "w"))


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, driven by Playwright (whose own browser download cannot work here)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the default language: a Korean-first page activates Korean on the
    thread, where a server's next request would activate its own, but a test's next line would not."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def celery_eager_unless_worker(request):
    """Tasks run in-process, except in tests that ask for the real worker."""
    from nlk_portal.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None or not os.environ.get("CELERY_BROKER_URL")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


class Worker(bench.workers.Worker):
    """A Celery worker process on its own queue (bench.workers.Worker), sharing the test database.

    `broker_url` points it at another broker than CELERY_BROKER_URL and `env`
    adds to its environment (both from the test's `own_redis` fixture and its
    celery_worker marker). It writes its emails to `maildir`.
    """

    def __init__(self, queue, maildir, log_path, broker_url=None, env=None):
        super().__init__(queue, log_path, maildir=maildir, env=env)
        self.broker_url = broker_url

    def environment(self):
        from django.conf import settings

        db = settings.DATABASES["default"]
        env = super().environment()
        env.update(
            DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            DJANGO_DEBUG="1",
        )
        if self.broker_url:
            env["CELERY_BROKER_URL"] = self.broker_url
        env.update(self.env)
        return env


class RedisServer:
    """A throwaway redis-server of the test's own, without persistence, that the test may stop and start."""

    def __init__(self, workdir):
        self.workdir = workdir
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path, monkeypatch):
    """A broker of the test's own: the machine's shared Redis is never stopped or disturbed.

    This process's Celery app publishes to it for the test; a celery_worker
    in the same test consumes from it.
    """
    from nlk_portal.celery import app

    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("a real worker needs CELERY_BROKER_URL (set by .ci/run)")
    server = RedisServer(tmp_path)
    server.start()
    previous = app.conf.broker_url
    _use_broker(app, server.url, monkeypatch.setenv)
    yield server
    _use_broker(app, previous, lambda name, value: monkeypatch.undo())
    server.stop()


def _use_broker(app, url, set_environment):
    # The app keeps its connection pool, producers and control mailbox for the broker it first used;
    # dropping them makes it build new ones for `url` (kombu's global pools per broker are kept).
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app.__dict__.pop("control", None)
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    set_environment("CELERY_BROKER_URL", url)
    app.conf.broker_url = url


@pytest.fixture
def celery_worker(request, django_db_blocker, tmp_path):
    """A real Celery worker on Redis, for tests marked celery_worker.

    Needs CELERY_BROKER_URL and a PostgreSQL DATABASE_URL (as in CI); the test
    must commit what the worker reads, so use django_db(transaction=True).
    With the `own_redis` fixture the worker uses that broker; the marker's
    `env` (celery_worker(env={...})) adds to the worker's environment.
    """
    from django.conf import settings

    from nlk_portal.celery import app

    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("a real worker needs CELERY_BROKER_URL (set by .ci/run)")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a real worker needs the test database on PostgreSQL (DATABASE_URL)")
    broker = request.getfixturevalue("own_redis") if "own_redis" in request.fixturenames else None
    marker = request.node.get_closest_marker("celery_worker")
    extra_env = marker.kwargs.get("env") if marker else None
    queue = f"test-{uuid.uuid4().hex[:12]}"
    maildir = tmp_path / "mail"
    maildir.mkdir()
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    worker = Worker(
        queue, maildir, tmp_path / "worker.log", broker_url=broker and broker.url, env=extra_env
    )
    worker.start()
    yield worker
    worker.stop()
    app.conf.task_default_queue = previous_queue


@pytest.fixture(autouse=True)
def fresh_fee_schedules():
    """The fee preview's copy of the schedules starts empty: a test's rollback sends no signal."""
    from ill.selectors import fees

    fees.forget_schedules()
    yield
    fees.forget_schedules()


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """The address of an S3-compatible server (moto) on 127.0.0.1, for this module's tests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"moto's S3 server did not start: see {log_path}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, monkeypatch):
    """A bucket of the test's own; boto3 finds the keys in the environment, as in production."""
    for name, value in S3_TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    name = f"nlk-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def object_storage(settings, s3_server, bucket):
    """The portal's files in the bucket, configured as AWS_STORAGE_BUCKET_NAME and friends configure them."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket[1],
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "location": "portal",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
            },
        },
    }
    return bucket
