"""`make run` on a laptop: links in the printed emails work, and SQLite takes posts that arrive together."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

# Run `make run` with each command it runs replaced by one that prints the PORTAL_URL it is given.
PRINT_PORTAL_URL = ["-o", ".venv/.runtime", "-o", "messages", 'MANAGE=sh -c "echo PORTAL_URL=$$PORTAL_URL" manage']


def environment(**environ):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "PORTAL_URL")}
    env.update(environ)
    return env


def make_run(**environ):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "-s", "run", "HOST=10.1.2.3", "PORT=8123", *PRINT_PORTAL_URL],
        cwd=settings.BASE_DIR, env=environment(**environ), capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return {line for line in result.stdout.splitlines() if line.startswith("PORTAL_URL=")}


def test_make_run_points_the_links_in_emails_at_the_address_it_serves():
    assert make_run() == {"PORTAL_URL=http://10.1.2.3:8123"}


def test_make_run_keeps_a_portal_url_given():
    assert make_run(PORTAL_URL="https://portal.example.org") == {"PORTAL_URL=https://portal.example.org"}


def test_sqlite_answers_posts_that_arrive_together(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tests.portal.concurrent_posts", "8", "5"],
        cwd=settings.BASE_DIR,
        env=environment(
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_DEBUG="1",
            ILL_SUBMIT_RATE="100000/h", LOG_LEVEL="CRITICAL",
        ),
        capture_output=True, text=True, check=False, timeout=240,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.splitlines()[-1]) == {"302": 40}
