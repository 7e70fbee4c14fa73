"""Request ids, structured logs and slow SQL logging (core/observability.py)."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from televente.core.observability import JsonFormatter, RequestIdFilter, current_request_id


@pytest.mark.django_db
def test_every_response_carries_a_request_id():
    first = Client().get(reverse("core:healthz"))
    second = Client().get(reverse("core:healthz"))
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_valid_incoming_request_id_is_kept_and_a_bad_one_replaced():
    kept = Client().get(reverse("core:healthz"), HTTP_X_REQUEST_ID="proxy-1234.abc_Z")
    assert kept["X-Request-ID"] == "proxy-1234.abc_Z"
    replaced = Client().get(reverse("core:healthz"), HTTP_X_REQUEST_ID="bad id\r\nSet-Cookie: x=1")
    assert replaced["X-Request-ID"] != "bad id\r\nSet-Cookie: x=1" and len(replaced["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_the_log_lines_of_a_request_carry_its_id_and_user(client, world, caplog, settings):
    settings.SLOW_QUERY_MS = 0  # every statement is "slow": the request's log lines are the SQL ones
    client.force_login(world.rep_a)
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="televente.slow_sql"):
        response = client.get("/", HTTP_X_REQUEST_ID="req-from-proxy-42")
    records = [r for r in caplog.records if r.name == "televente.slow_sql"]
    assert records, "the request ran SQL: each statement is logged with threshold 0"
    assert {r.request_id for r in records} == {"req-from-proxy-42"} == {response["X-Request-ID"]}
    assert any(r.user_id == world.rep_a.pk for r in records)  # once authenticated
    assert current_request_id() == ""  # nothing leaks out of the request


@pytest.mark.django_db
def test_slow_sql_is_logged_above_the_threshold_only(client, caplog, settings):
    settings.SLOW_QUERY_MS = 10_000
    with caplog.at_level(logging.WARNING, logger="televente.slow_sql"):
        client.get(reverse("accounts:login"))
    assert not [r for r in caplog.records if r.name == "televente.slow_sql"]
    settings.SLOW_QUERY_MS = 0
    with caplog.at_level(logging.WARNING, logger="televente.slow_sql"):
        Client().get(reverse("core:healthz"))
    slow = [r for r in caplog.records if r.name == "televente.slow_sql"]
    assert slow and slow[0].duration_ms >= 0 and "SELECT" in slow[0].sql.upper()
    assert len(slow[0].sql) <= 500
    # Outside a request nothing is wrapped.
    assert not connection.execute_wrappers


def test_json_lines_are_one_parseable_object_each():
    record = logging.LogRecord(
        "televente.orders", logging.ERROR, __file__, 1, "Commande %s « refusée »", ("A1",), None
    )
    RequestIdFilter().filter(record)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line  # the traceback's newlines are escaped: one line per record
    entry = json.loads(line)
    assert entry["message"] == "Commande A1 « refusée »" and entry["level"] == "ERROR"
    assert entry["logger"] == "televente.orders" and entry["request_id"] == ""
    assert "ValueError: boom" in entry["exception"] and entry["time"].endswith("+00:00")
