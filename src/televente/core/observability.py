"""What operations need to follow a request through the logs: a request id, structured (JSON) log
lines, and the slow SQL statements.

- `RequestIdMiddleware` (first in MIDDLEWARE): takes the proxy's `X-Request-ID` when it looks like
  one (8-64 letters, digits, `.`, `_`, `-`), else makes one; returns it in the response's
  `X-Request-ID`; every log line written during the request carries it (`RequestIdFilter`), with the
  user's id once known.
- `JsonFormatter`: one JSON object per line (`LOG_FORMAT=json` in the environment), for a log
  collector; the default stays plain text for a person reading a terminal.
- Slow SQL: each statement of a request that takes more than `SLOW_QUERY_MS` (200 ms by default) is
  logged on `televente.slow_sql` with its duration, its first 500 characters and the request id.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.db import connections

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)
_path: contextvars.ContextVar[str] = contextvars.ContextVar("path", default="")

VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SQL_CHARS = 500
slow_sql = logging.getLogger("televente.slow_sql")


def current_request_id() -> str:
    """The id of the request being served ("" outside a request)."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id`, `user_id` and `path` to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = _user_id.get()
        record.path = _path.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, user,
    path, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "user_id": getattr(record, "user_id", None),
            "path": getattr(record, "path", ""),
        }
        for key in ("duration_ms", "sql"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _SlowQueries:
    """A database execute wrapper logging the statements slower than the threshold."""

    def __init__(self, threshold_ms: float) -> None:
        self.threshold_ms = threshold_ms

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            if elapsed >= self.threshold_ms:
                text = " ".join(str(sql).split())[:SQL_CHARS]
                slow_sql.warning(
                    "Slow SQL (%.0f ms): %s",
                    elapsed,
                    text,
                    extra={"duration_ms": round(elapsed, 1), "sql": text},
                )


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = [_request_id.set(request_id), _path.set(request.path), _user_id.set(None)]
        wrapper = _SlowQueries(getattr(settings, "SLOW_QUERY_MS", 200))
        try:
            with _wrapped(wrapper):
                response = self.get_response(request)
        finally:
            for var, token in zip((_request_id, _path, _user_id), tokens, strict=True):
                var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class UserIdMiddleware:
    """After authentication: puts the user's id on the request's log lines."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            _user_id.set(user.pk)
        return self.get_response(request)


class _wrapped:
    """Installs the execute wrapper on every database connection for the duration of the request."""

    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper
        self.contexts = []

    def __enter__(self):
        for alias in connections:
            context = connections[alias].execute_wrapper(self.wrapper)
            context.__enter__()
            self.contexts.append(context)
        return self

    def __exit__(self, *exc):
        for context in reversed(self.contexts):
            context.__exit__(*exc)
        return False
