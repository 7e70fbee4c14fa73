"""Measures the recommendations on a real order-line file (see docs/RECOMMENDATIONS.md).

    manage.py recommend_eval --orders ../shared/data/uci-online-retail/online_retail_ii_2009_2010.parquet --split 2010-10-01
    manage.py recommend_eval --format completejourney --orders ../shared/data/completejourney --split 2017-10-21

The last line of standard output is one JSON object (next_basket, complements, train_seconds,
query_ms_p95, counts, and substitutes for Complete Journey)."""

from __future__ import annotations

import json
import time

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from televente.recommend import datasets, evaluation


class Command(BaseCommand):
    help = "Evaluates the recommendations on an order-line file split in time (prints JSON)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--orders", required=True, help="Online Retail file (Parquet or CSV) or Complete Journey folder"
        )
        parser.add_argument("--split", required=True, help="YYYY-MM-DD: train before, evaluate from this day")
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument("--format", choices=["online-retail", "completejourney"], default="online-retail")
        parser.add_argument("--half-life", type=float, default=evaluation.Params.half_life)
        parser.add_argument("--neighbours", type=int, default=evaluation.Params.neighbours)
        parser.add_argument("--alpha", type=float, default=evaluation.Params.alpha)
        parser.add_argument("--shrink", type=float, default=evaluation.Params.shrink)
        parser.add_argument("--keep", type=int, default=evaluation.Params.keep)

    def handle(self, *args, **options):
        try:
            split = pd.Timestamp(options["split"])
        except ValueError as exc:
            raise CommandError(f"--split: {options['split']} is not a date (YYYY-MM-DD)") from exc
        if options["k"] < 1:
            raise CommandError("--k must be at least 1")
        started = time.perf_counter()
        products = None
        try:
            if options["format"] == "completejourney":
                lines, products = datasets.load_complete_journey(options["orders"])
            else:
                lines = datasets.load_online_retail(options["orders"])
        except datasets.DatasetError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"{len(lines):,} distinct order lines read in {time.perf_counter() - started:.1f} s"
        )
        params = evaluation.Params(
            half_life=options["half_life"],
            neighbours=options["neighbours"],
            alpha=options["alpha"],
            shrink=options["shrink"],
            keep=options["keep"],
        )
        try:
            result = evaluation.evaluate(lines, split=split, k=options["k"], params=params, products=products)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result["params"] = {
            "half_life_days": params.half_life,
            "neighbours": params.neighbours,
            "alpha": params.alpha,
            "shrink": params.shrink,
            "keep": params.keep,
        }
        self.stdout.write(json.dumps(result))
