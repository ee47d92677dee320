"""The web process as gunicorn loads it (nlk_portal.wsgi), in a Python process of its own."""

import json
import os
import subprocess
import sys

from bench import BASE_DIR

PROBE = """
import gc, json
import nlk_portal.wsgi
from django.urls import resolve
gc.collect()
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "admin_loaded": resolve("/admin/ill/illrequest/").url_name,
}))
"""


def test_the_web_process_loads_every_view_and_sets_its_objects_aside_from_the_garbage_collector():
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "nlk_portal.settings"}
    printed = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout
    probe = json.loads(printed.strip().splitlines()[-1])
    # The modules, classes and URL patterns loaded at start: a full collection no longer walks them.
    assert probe["frozen"] > 50_000
    assert probe["tracked"] < probe["frozen"] / 10
    assert probe["admin_loaded"] == "ill_illrequest_changelist"
