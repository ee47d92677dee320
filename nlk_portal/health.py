"""Probes for the load balancer and the orchestrator: /healthz (the process serves) and /readyz
(the database, the cache, the Celery broker and the file storage answer).

Neither needs a login, a session or the database (/healthz) and neither is rate-limited; both are
never cached. A failed check is named with "failed" and nothing else: no host, URL or error text,
which the process logs instead.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# How long the broker check waits for a connection, in seconds.
BROKER_TIMEOUT = 2


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    cache = caches["default"]
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was written")
    cache.delete(key)


def check_broker():
    """A connection to the broker; with none configured, tasks run in this process and nothing is checked."""
    if not settings.CELERY_BROKER_URL:
        return
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as connection:
        # Redis's channel sends PING as it opens, so a broker that is down fails here.
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
        connection.default_channel


def check_storage():
    """A listing of the storage's top folder: a missing volume or a refused bucket fails it."""
    default_storage.listdir("")


CHECKS = [
    ("database", check_database),
    ("cache", check_cache),
    ("broker", check_broker),
    ("storage", check_storage),
]


def _no_store(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def healthz(request):
    """200 while the process serves requests; it asks nothing of the database or the cache."""
    return _no_store(HttpResponse("ok\n", content_type="text/plain; charset=utf-8"))


@require_safe
def readyz(request):
    """Each check's name, "ok" or "failed", and its time in ms; 200 when all pass, else 503."""
    results = []
    for name, check in CHECKS:
        started = time.perf_counter()
        try:
            check()
        except Exception:
            logger.exception("Readiness check %s failed", name)
            status = "failed"
        else:
            status = "ok"
        results.append({"name": name, "status": status, "ms": round((time.perf_counter() - started) * 1000, 1)})
    ready = all(result["status"] == "ok" for result in results)
    body = {"status": "ok" if ready else "failed", "checks": results}
    return _no_store(JsonResponse(body, status=200 if ready else 503))
