"""The Procfile's gunicorn writes its access log without the tokens paths carry."""

import re
import secrets
import shlex
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config


def procfile_gunicorn_config(tmp_path):
    """gunicorn's configuration as the Procfile's web line gives it (defaults of ${NAME:-default} taken),
    with the access log written to a file."""
    web = next(line for line in (settings.BASE_DIR / "Procfile").read_text().splitlines() if line.startswith("web:"))
    command = shlex.split(re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", web.removeprefix("web:")))
    assert command[0] == "gunicorn"
    cfg = Config()
    parsed = cfg.parser().parse_args(command[1:])
    for name, value in vars(parsed).items():
        if value is not None and name in cfg.settings:
            cfg.set(name.lower(), value)
    assert cfg.accesslog == "-", "the Procfile writes an access log"
    cfg.set("accesslog", str(tmp_path / "access.log"))
    return cfg


def test_the_access_log_writes_a_tracking_url_without_its_token(tmp_path):
    cfg = procfile_gunicorn_config(tmp_path)
    logger = cfg.logger_class(cfg)
    token = secrets.token_urlsafe(32)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/ill/track/{token}/?lang=ko",
        "PATH_INFO": f"/ill/track/{token}/",
        "QUERY_STRING": "lang=ko",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.7",
        "HTTP_REFERER": f"https://portal.example.org/ill/submitted/{token}/",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    request = SimpleNamespace(headers=[("HOST", "portal.example.org"), ("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="200 OK", sent=5120, headers=[("Content-Type", "text/html; charset=utf-8")])

    logger.access(response, request, environ, timedelta(milliseconds=42))
    for handler in logger.access_log.handlers:
        handler.flush()

    line = (tmp_path / "access.log").read_text()
    assert '198.51.100.7 - - [' in line and '"GET /ill/track/[token]/?lang=ko HTTP/1.1" 200 5120' in line
    assert '"https://portal.example.org/ill/submitted/[token]/"' in line
    assert token not in line


def test_the_access_log_line_carries_the_request_id_the_response_was_given(tmp_path):
    cfg = procfile_gunicorn_config(tmp_path)
    logger = cfg.logger_class(cfg)
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": "/", "PATH_INFO": "/", "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "198.51.100.7",
    }
    request = SimpleNamespace(headers=[("HOST", "portal.example.org")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[("X-Request-ID", "abc-123")])

    logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()

    line = (tmp_path / "access.log").read_text()
    assert '"GET / HTTP/1.1" 200 10' in line and line.rstrip().endswith("request_id=abc-123")
