"""One request's story: its id comes from the proxy (or is made), is echoed back and is on every log line."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings


def test_the_proxys_request_id_is_echoed_and_on_every_log_line_of_the_request(client, json_log):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="abc-123")

    assert response.status_code == 404
    assert response["X-Request-ID"] == "abc-123"
    lines = [line for line in json_log() if line["name"] == "django.request"]
    assert [line["message"] for line in lines] == ["Not Found: /no-such-page/"]
    assert {line["request_id"] for line in json_log()} == {"abc-123"}


@pytest.mark.parametrize("junk", ["abc 123", "a" * 129, "<script>", "id/../x", "ünïcode"])
def test_a_junk_request_id_is_replaced_by_a_fresh_one(client, json_log, junk):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID=junk)

    fresh = response["X-Request-ID"]
    assert fresh != junk and len(fresh) == 32 and int(fresh, 16) >= 0
    assert {line["request_id"] for line in json_log()} == {fresh}


def test_a_request_without_an_id_gets_a_new_one_each_time(client):
    first = client.get("/no-such-page/")["X-Request-ID"]
    second = client.get("/no-such-page/")["X-Request-ID"]

    assert len(first) == len(second) == 32 and first != second


def test_the_header_read_is_the_one_the_settings_name(client, settings):
    settings.REQUEST_ID_HEADER = "X-Amzn-Trace-Id"

    response = client.get("/no-such-page/", HTTP_X_AMZN_TRACE_ID="Root=1-abc")

    # "=" is not a request id character: a fresh one is made, and echoed under the same header.
    assert len(response["X-Amzn-Trace-Id"]) == 32
    assert client.get("/no-such-page/", HTTP_X_AMZN_TRACE_ID="1-abc")["X-Amzn-Trace-Id"] == "1-abc"


def test_log_format_json_writes_one_json_object_a_line():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('ill.services').warning('one %s', 'line')"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "nlk_portal.settings"}
    env.pop("DATABASE_URL", None)

    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )

    lines = [json.loads(line) for line in result.stderr.splitlines()]  # every line is one object
    assert [
        (line["levelname"], line["name"], line["message"], line["request_id"])
        for line in lines
        if line["name"] == "ill.services"
    ] == [
        ("WARNING", "ill.services", "one line", "-")
    ]
