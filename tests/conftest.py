import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


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
def celery_eager_unless_worker(request):
    """Tasks run in-process, except in tests that ask for the real worker."""
    from nlk_portal.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None or not os.environ.get("CELERY_BROKER_URL")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


class Worker:
    """A Celery worker process on its own queue, sharing the test database."""

    def __init__(self, queue, maildir, log_path):
        self.queue, self.maildir, self.log_path = queue, maildir, log_path
        self.node_name = f"{queue}@{socket.gethostname()}"
        self.process = None

    def start(self):
        from django.conf import settings

        db = settings.DATABASES["default"]
        env = dict(os.environ)
        env.update(
            DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
            EMAIL_URL=f"filemail:///{self.maildir}",
            DJANGO_DEBUG="1",
        )
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "nlk_portal", "worker", "--loglevel", "INFO",
             "--concurrency", "1", "--without-gossip", "--without-mingle", "-n", self.node_name],
            cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.wait_until_ready()

    def wait_until_ready(self, timeout=60):
        from nlk_portal.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited: see {self.log_path}")
            if app.control.ping(destination=[self.node_name], timeout=0.5):
                return
        raise RuntimeError(f"the Celery worker did not answer within {timeout}s: see {self.log_path}")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
        self.log.close()

    def sent_emails(self):
        """Every email the worker sent, parsed, oldest first."""
        messages = []
        for path in sorted(Path(self.maildir).glob("*.log"), key=lambda p: p.stat().st_mtime):
            raw = path.read_bytes()
            # The file backend writes one message after another, separated by a line of dashes.
            for chunk in raw.split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
        return messages

    def wait_for_emails(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.sent_emails()
            if len(messages) >= count:
                return messages
            time.sleep(0.2)
        return self.sent_emails()


@pytest.fixture
def celery_worker(request, django_db_blocker, tmp_path):
    """A real Celery worker on Redis, for tests marked celery_worker.

    Needs CELERY_BROKER_URL and a PostgreSQL DATABASE_URL (as in CI); the test
    must commit what the worker reads, so use django_db(transaction=True).
    """
    from django.conf import settings

    from nlk_portal.celery import app

    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("a real worker needs CELERY_BROKER_URL (set by .ci/run)")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a real worker needs the test database on PostgreSQL (DATABASE_URL)")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    maildir = tmp_path / "mail"
    maildir.mkdir()
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    worker = Worker(queue, maildir, tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
    app.conf.task_default_queue = previous_queue
