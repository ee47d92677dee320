"""The log lines LOG_FORMAT=json writes, captured from the root logger and read back as objects."""

import json
import logging
from io import StringIO

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from nlk_portal.core.request_id import RequestIdFilter


@pytest.fixture
def json_log():
    """A function returning every line logged so far in the test, each parsed as JSON."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(settings.JSON_LOG_FIELDS))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        handler.flush()
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
