"""/healthz and /readyz: the probes a load balancer sends each web node."""

import json

import pytest
from django.test import override_settings

from tests.conftest import RedisServer

pytestmark = pytest.mark.django_db

SECRET_PARTS = ("127.0.0.1", "redis://", "Error", "Traceback", "refused")


def checks(response):
    return {check["name"]: check["status"] for check in json.loads(response.content)["checks"]}


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_readyz_answers_200_with_every_check_and_its_time(client, private_media):
    private_media.mkdir(parents=True, exist_ok=True)
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert [check["name"] for check in body["checks"]] == ["database", "cache", "broker", "storage"]
    assert all(check["status"] == "ok" and check["ms"] >= 0 for check in body["checks"])


def test_readyz_answers_503_naming_the_storage_when_its_folder_is_missing(client, tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "unmounted")}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert checks(response) == {"database": "ok", "cache": "ok", "broker": "ok", "storage": "failed"}
    assert "unmounted" not in response.content.decode()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_readyz_answers_503_naming_the_cache_and_the_broker_while_redis_is_down(client, private_media, redis_server):
    private_media.mkdir(parents=True, exist_ok=True)
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server.url}}
    with override_settings(CACHES=caches, CELERY_BROKER_URL=redis_server.url):
        running = client.get("/readyz")
        redis_server.stop()
        stopped = client.get("/readyz")

    assert running.status_code == 200, running.content
    assert checks(running) == {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"}
    assert stopped.status_code == 503
    assert stopped["Cache-Control"] == "no-store"
    assert checks(stopped) == {"database": "ok", "cache": "failed", "broker": "failed", "storage": "ok"}
    text = stopped.content.decode()
    assert str(redis_server.port) not in text
    assert not any(part in text for part in SECRET_PARTS)


@override_settings(
    ALLOWED_HOSTS=["portal.example.org", "10.20.0.11"], SECURE_SSL_REDIRECT=True
)
def test_a_probe_by_the_nodes_address_over_plain_http_is_answered_when_the_address_is_allowed(client):
    assert client.get("/healthz", HTTP_HOST="10.20.0.11").status_code == 200
    # Host names are still checked: an address that is not listed is refused.
    assert client.get("/healthz", HTTP_HOST="10.20.0.12").status_code == 400
    # The rest of the site still goes to HTTPS.
    assert client.get("/privacy/", HTTP_HOST="10.20.0.11").status_code == 301


def test_probes_are_never_rate_limited(client, private_media):
    private_media.mkdir(parents=True, exist_ok=True)
    for _ in range(30):
        assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
