"""/metrics for Prometheus: the portal's state read from the database at each scrape, Celery task
failures counted in the shared cache, and the requests and their latency counted in the process that
serves the scrape.

Request counters and histograms are per process: each gunicorn worker keeps its own and answers a scrape
with its own (Prometheus's rate() and sum() over the scrapes of a node are what to read, not one value).
Task failures happen in the workers, which serve no /metrics: each worker adds them up in the cache every
process shares (CACHE_URL), so any node's scrape gives the fleet's count. The figures read from the
database are the same whichever process or node answers.

Only a scraper that shows `Authorization: Bearer <METRICS_TOKEN>`, or one on a network of
METRICS_NETWORKS (the client address as the rate limits take it), reads them; anyone else gets 404.
"""

import hmac
import ipaddress
import logging
import time
from datetime import timedelta

from celery.signals import task_failure
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from nlk_portal.core.client_ip import client_ip

REGISTRY = CollectorRegistry()
logger = logging.getLogger(__name__)

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUESTS = Counter(
    "nlk_portal_http_requests",
    "Requests answered, by the view that answered them (its URL name), method and status code.",
    ["view", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "nlk_portal_http_request_duration_seconds",
    "Time to answer a request, by view (its URL name).",
    ["view"],
    registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
# The cache key counting a task's failures, by task name; kept until the cache loses it (a Prometheus
# counter may start again from 0).
TASK_FAILURES_KEY = "metrics:celery-task-failures:{}"


def view_label(request):
    """The URL's name (namespace:name), or the view's dotted path; never the path asked for."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or "unnamed"


class RequestMetrics:
    """Counts each request and times it, labelled by the view that answered it. First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view=view, method=method, status=str(response.status_code)).inc()
        LATENCY.labels(view=view).observe(time.perf_counter() - started)
        return response


@task_failure.connect(dispatch_uid="nlk_portal_metrics_task_failure")
def count_task_failure(sender=None, **kwargs):
    key = TASK_FAILURES_KEY.format(getattr(sender, "name", None) or "unknown")
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # the cache is down: the failure is in the worker's log, the count is lost
        logger.warning("Could not count the failure of %s in the cache", key, exc_info=True)


class PortalStateCollector:
    """Figures read from the database at each scrape."""

    def collect(self):
        from axes.models import AccessAttempt

        from ill.models import Iso18626Message, SentEmail
        from nlk_portal.outbox.models import OutboxEntry
        from partners.models import Iso18626Peer

        now = timezone.now()
        not_done = [state for state in OutboxEntry.State if state != OutboxEntry.State.DONE]
        outbox = OutboxEntry.objects.filter(state__in=not_done)
        backlog = GaugeMetricFamily(
            "nlk_portal_outbox_backlog", "Outbox rows not done, by state.", labels=["state"]
        )
        by_state = dict(outbox.values_list("state").annotate(rows=Count("id")).values_list("state", "rows"))
        for state in not_done:
            backlog.add_metric([state.value], by_state.get(state.value, 0))
        yield backlog

        oldest = OutboxEntry.objects.filter(state=OutboxEntry.State.PENDING).aggregate(oldest=Min("created_at"))
        age = (now - oldest["oldest"]).total_seconds() if oldest["oldest"] else 0
        yield GaugeMetricFamily(
            "nlk_portal_outbox_oldest_unsent_age_seconds",
            "Age of the oldest outbox row not yet handed to the broker (0 when there is none).",
            value=max(age, 0),
        )

        # Every peer, and only its messages not yet settled, read through the state index.
        counts = {
            row["peer"]: row
            for row in Iso18626Message.objects.filter(incoming=False, state__in=Iso18626Message.UNFINISHED)
            .values("peer")
            .annotate(
                waiting=Count("id", filter=Q(state__in=Iso18626Message.NOT_YET_CONFIRMED)),
                refused=Count("id", filter=Q(state=Iso18626Message.State.REFUSED)),
            )
            .order_by()
        }
        peers = Iso18626Peer.objects.order_by("agency_id_type", "agency_id_value").values_list(
            "pk", "agency_id_type", "agency_id_value"
        )
        waiting = GaugeMetricFamily(
            "nlk_portal_iso18626_messages_waiting",
            "ISO 18626 messages to a peer not yet confirmed (waiting, being sent, retrying or held), by peer.",
            labels=["peer"],
        )
        refused = GaugeMetricFamily(
            "nlk_portal_iso18626_messages_refused", "ISO 18626 messages the peer refused, by peer.", labels=["peer"]
        )
        for pk, id_type, id_value in peers:
            row = counts.get(pk, {})
            waiting.add_metric([f"{id_type}:{id_value}"], row.get("waiting", 0))
            refused.add_metric([f"{id_type}:{id_value}"], row.get("refused", 0))
        yield waiting
        yield refused

        from nlk_portal.celery import app

        names = sorted(name for name in app.tasks if not name.startswith("celery."))
        failed = cache.get_many([TASK_FAILURES_KEY.format(name) for name in names])
        failures = CounterMetricFamily(
            "nlk_portal_celery_task_failures",
            "Celery tasks that raised, by task name, in every worker sharing the cache.",
            labels=["task"],
        )
        for name in names:
            failures.add_metric([name], failed.get(TASK_FAILURES_KEY.format(name), 0))
        yield failures

        yield GaugeMetricFamily(
            "nlk_portal_emails_skipped",
            "Emails about requests deliberately not sent (status skipped).",
            value=SentEmail.objects.filter(status=SentEmail.Outcome.SKIPPED).count(),
        )

        locked = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        if settings.AXES_COOLOFF_TIME:
            cooloff = settings.AXES_COOLOFF_TIME
            if not isinstance(cooloff, timedelta):
                cooloff = timedelta(hours=cooloff)
            locked = locked.filter(attempt_time__gte=now - cooloff)
        yield GaugeMetricFamily(
            "nlk_portal_logins_locked",
            "Login records (username, address or both) locked out now for too many failures.",
            value=locked.count(),
        )


REGISTRY.register(PortalStateCollector())


def _allowed(request):
    token = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        if hmac.compare_digest(header[len("Bearer "):].encode(), token.encode()):
            return True
    if settings.METRICS_NETWORKS:
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_NETWORKS)
    return False


@require_safe
def metrics(request):
    """The metrics in Prometheus's text format, to a scraper with the token or on a listed network."""
    if not _allowed(request):
        raise Http404
    response = HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
