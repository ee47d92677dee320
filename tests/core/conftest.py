"""Fixtures for the tests here."""

from tests.json_logs import json_log  # noqa: F401 (a fixture: LOG_FORMAT=json lines read back)
