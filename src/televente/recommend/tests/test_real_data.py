"""The goals of the recommendations, measured on a year of real invoice lines (UCI Online Retail II,
train before 2010-10-01, evaluate after): the method beats the customer's own most frequent
products, and the complements find the hidden product at least twice as often as the best sellers
(the speed goals are checked by `make bench`, never by a timed test)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[4]
ONLINE_RETAIL = ROOT.parent / "shared" / "data" / "uci-online-retail" / "online_retail_ii_2009_2010.parquet"


@pytest.fixture(scope="module")
def online_retail_result() -> dict:
    if not ONLINE_RETAIL.exists():
        if os.environ.get("CI") == "true":  # CI has ../shared next to the clone: it must run there
            pytest.fail(f"{ONLINE_RETAIL} is absent in CI")
        pytest.skip(f"{ONLINE_RETAIL} is absent (the shared real data sets are not on this machine)")
    out = io.StringIO()
    call_command(
        "recommend_eval", orders=str(ONLINE_RETAIL), split="2010-10-01", stdout=out, stderr=io.StringIO()
    )
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_next_basket_beats_personal_top(online_retail_result):
    figures = online_retail_result["next_basket"]
    assert figures["method"]["recall@10"] > figures["personal_top"]["recall@10"]
    assert figures["personal_top"]["recall@10"] > figures["global_top"]["recall@10"]
    assert online_retail_result["counts"]["next_basket_customers"] > 1000


def test_complements_double_the_best_sellers(online_retail_result):
    figures = online_retail_result["complements"]
    assert figures["method"]["hit@10"] >= 2 * figures["global_top"]["hit@10"]
    assert online_retail_result["counts"]["complement_tasks"] > 3000


def test_timings_are_reported(online_retail_result):
    # The speed goals (train < 60 s, p95 < 10 ms) are checked by `make bench` (recommend_eval_*),
    # never by a timed test: a loaded CI machine must not fail the suite.
    assert online_retail_result["train_seconds"] > 0
    assert online_retail_result["query_ms_p95"] > 0
