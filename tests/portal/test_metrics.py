"""/metrics: Prometheus's text format, only for a scraper with the token or on a listed network."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from ill.models import Iso18626Message, SentEmail
from nlk_portal.outbox.models import OutboxEntry
from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory, submit_ill_request

pytestmark = pytest.mark.django_db

TOKEN = "m" * 20 + "e" * 20


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_NETWORKS = []
    return TOKEN


def scrape(client, token=TOKEN, **extra):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def samples(response):
    """{(name, ((label, value), ...)): value} of a scrape."""
    assert response.status_code == 200, response.content
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_are_refused_when_no_token_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_NETWORKS = []
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_are_refused_without_the_token_or_with_a_wrong_one(client, token):
    assert client.get("/metrics").status_code == 404
    assert scrape(client, token="x" * 40).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404
    response = scrape(client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/plain")


def test_metrics_are_read_from_a_listed_network_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_NETWORKS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.21.0.5").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200


def test_a_listed_network_is_the_address_the_rate_limits_take(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_NETWORKS = ["10.20.0.0/16"]
    # Without a trusted proxy, a forwarded header is the client's own writing.
    settings.CLIENT_IP_META_KEY = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_REAL_IP="10.20.3.4").status_code == 404
    # Behind the trusted proxy, its header carries the client's address.
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert client.get("/metrics", REMOTE_ADDR="10.9.0.1", HTTP_X_REAL_IP="10.20.3.4").status_code == 200


def test_requests_are_counted_by_view_name_never_by_path(client, token):
    client.get("/privacy/")
    client.get("/no-such-page/secret-token-in-path")
    found = samples(scrape(client))
    assert found[("nlk_portal_http_requests_total", (("method", "GET"), ("status", "200"), ("view", "privacy")))] >= 1
    assert found[("nlk_portal_http_requests_total", (("method", "GET"), ("status", "404"), ("view", "unresolved")))] >= 1
    assert found[("nlk_portal_http_request_duration_seconds_count", (("view", "privacy"),))] >= 1
    assert not any("secret-token" in str(key) for key in found)


def test_the_state_of_the_outbox_emails_peers_and_logins_is_read_at_each_scrape(client, token, settings):
    empty = samples(scrape(client))
    assert empty[("nlk_portal_outbox_oldest_unsent_age_seconds", ())] == 0
    assert empty[("nlk_portal_emails_skipped", ())] == 0
    assert empty[("nlk_portal_logins_locked", ())] == 0

    ill_request = submit_ill_request()
    OutboxEntry.objects.all().delete()
    entry = OutboxEntry.objects.create(task_name="ill.tasks.send_acknowledgement", args=[ill_request.pk])
    OutboxEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    OutboxEntry.objects.create(task_name="ill.tasks.send_acknowledgement", args=[ill_request.pk], state="done")
    SentEmail.objects.all().delete()
    for outcome in [SentEmail.Outcome.SKIPPED, SentEmail.Outcome.SENT]:
        SentEmail.objects.create(
            key=f"metrics-test-{outcome}", request=ill_request, kind=SentEmail.Kind.STATUS,
            recipient="ill@example.org", subject="Status", status=outcome,
        )
    peer = Iso18626Peer.objects.create(
        institution=InstitutionFactory(), agency_id_value="DK-710100", endpoint_url="https://peer.example.org/iso"
    )
    settled = Iso18626Peer.objects.create(
        institution=InstitutionFactory(), agency_id_value="US-NYPL", endpoint_url="https://nypl.example.org/iso"
    )
    for to, state, incoming in [
        (peer, Iso18626Message.State.REFUSED, False), (peer, Iso18626Message.State.WAITING, False),
        (peer, Iso18626Message.State.CONFIRMED, False), (peer, Iso18626Message.State.RECEIVED, True),
        (settled, Iso18626Message.State.CONFIRMED, False),
    ]:
        Iso18626Message.objects.create(
            request=ill_request, peer=to, incoming=incoming, message_type="supplyingAgencyMessage",
            timestamp=timezone.now(), body="<ISO18626Message/>", state=state,
        )
    AccessAttempt.objects.create(
        username="kim", ip_address="10.0.0.1", user_agent="", http_accept="", path_info="/accounts/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )

    found = samples(scrape(client))
    assert found[("nlk_portal_outbox_backlog", (("state", "pending"),))] == 1
    assert sum(value for (name, _), value in found.items() if name == "nlk_portal_outbox_backlog") == 1
    assert 590 <= found[("nlk_portal_outbox_oldest_unsent_age_seconds", ())] < 900
    assert found[("nlk_portal_emails_skipped", ())] == 1
    assert found[("nlk_portal_iso18626_messages_refused", (("peer", "ISIL:DK-710100"),))] == 1
    assert found[("nlk_portal_iso18626_messages_waiting", (("peer", "ISIL:DK-710100"),))] == 1
    # A peer whose every message was confirmed is listed with nothing waiting or refused.
    assert found[("nlk_portal_iso18626_messages_waiting", (("peer", "ISIL:US-NYPL"),))] == 0
    assert found[("nlk_portal_iso18626_messages_refused", (("peer", "ISIL:US-NYPL"),))] == 0
    assert found[("nlk_portal_logins_locked", ())] == 1
    assert "peer.example.org" not in scrape(client).content.decode()


def test_a_failed_celery_task_is_counted(client, token):
    from nlk_portal.celery import app

    @app.task(name="tests.metrics.always_fails")
    def always_fails():
        raise RuntimeError("fails")

    before = samples(scrape(client)).get(
        ("nlk_portal_celery_task_failures_total", (("task", "tests.metrics.always_fails"),)), 0
    )
    always_fails.apply()
    after = samples(scrape(client))
    assert after[("nlk_portal_celery_task_failures_total", (("task", "tests.metrics.always_fails"),))] == before + 1


# A Redis database the worker and this test share as their cache, under a prefix of the tests' own.
SHARED_CACHE = "rediscache://127.0.0.1:6379/14?key_prefix=nlk-metrics-tests"


@pytest.mark.celery_worker(env={"CACHE_URL": SHARED_CACHE})
@pytest.mark.django_db(transaction=True)
def test_a_task_that_fails_in_a_worker_is_counted_in_any_nodes_scrape(client, token, settings, celery_worker):
    import environ

    from ill.tasks import send_acknowledgement
    from tests.ill.worker_helpers import wait_for

    settings.CACHES = {"default": environ.Env.cache_url_config(SHARED_CACHE)}
    failures = ("nlk_portal_celery_task_failures_total", (("task", "ill.tasks.send_acknowledgement"),))
    before = samples(scrape(client))[failures]

    send_acknowledgement.delay(2_000_000_000)  # no such request: the worker's task raises

    wait_for(
        lambda: samples(scrape(client))[failures] == before + 1, interval=0.2, what="the worker's failure to be counted"
    )
    assert "does not exist" in celery_worker.log_path.read_text()
