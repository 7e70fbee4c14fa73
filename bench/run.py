"""The benchmark harness behind `make bench`.

It builds (once per size and demo version) a database under var/, then times each registered
metric server-side through Django's test client: warm-up, many repetitions, percentiles, and the
number of SQL queries of one run. It writes bench/results.json and the size's table in
docs/BENCHMARKS.md.

    python bench/run.py --size medium [--repeat 200] [--only home_page]

BENCH_DATABASE_URL points it at PostgreSQL instead of var/bench-<size>.sqlite3.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def demo_fingerprint() -> str:
    """Changes when the demo generator or a migration changes: the bench database is then rebuilt."""
    digest = hashlib.sha256()
    src = ROOT / "src" / "televente"
    for path in sorted(
        [
            *src.glob("*/demo.py"),
            *src.glob("*/search.py"),
            *src.glob("*/migrations/*.py"),
            src / "core" / "demo.py",
        ]
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        mem = "?"
    return f"{cpu}, {os.cpu_count()} cores, {mem}, Python {platform.python_version()}"


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def prepare_database(size: str) -> None:
    from django.core.management import call_command

    stamp = ROOT / "var" / f"bench-{size}.stamp"
    fingerprint = demo_fingerprint()
    using_sqlite = "BENCH_DATABASE_URL" not in os.environ
    if using_sqlite and (not stamp.exists() or stamp.read_text() != fingerprint):
        db = ROOT / "var" / f"bench-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", size=size, verbosity=1)
        print(f"seed_demo --size {size}: {time.perf_counter() - started:.1f} s")
    if using_sqlite:
        stamp.write_text(fingerprint)
    from bench.metrics import vacuum

    vacuum()  # a previous run's rolled-back import must not slow this one


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", default=os.environ.get("BENCH_SIZE", "medium"), choices=["small", "medium", "large"]
    )
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--only", action="append", default=[], help="run only these metrics")
    parser.add_argument("--no-write", action="store_true", help="print, but do not write results or docs")
    args = parser.parse_args()

    (ROOT / "var").mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / f'bench-{args.size}.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "televente.settings.local")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    prepare_database(args.size)

    from django.conf import settings
    from django.db import connection

    from bench.metrics import METRICS

    # Not setup_test_environment(): it instruments every template render (a signal per render),
    # which production does not pay. Only the test client's host name is allowed.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    results: dict[str, dict] = {}
    # Request latencies first, then the bulk measures (imports, 50,000 articles): in production a
    # bulk job runs in a worker, not in the web process whose memory and caches it would disturb.
    cases = {
        name: factory(size=args.size)
        for name, factory in METRICS.items()
        if not args.only or name in args.only
    }
    ordered = sorted(cases.items(), key=lambda item: item[1].custom is not None)
    for name, case in ordered:
        gc.collect()
        if case.skip:
            print(f"{name:32} skipped: {case.skip}")
            continue
        if case.custom is not None:
            results[name] = case.custom()
            print(f"{name:32} {results[name]}")
            continue
        for _ in range(args.warmup):
            case.run()
        queries = QueryCounter()
        # execute_wrapper, not CaptureQueriesContext: request_started resets connection.queries.
        with connection.execute_wrapper(queries):
            case.run()
        timings = []
        for _ in range(case.repeat or args.repeat):
            started = time.perf_counter()
            case.run()
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(percentile(timings, 95), 2),
            "queries": queries.count,
            "runs": len(timings),
        }
        if case.target_p95_ms:
            results[name]["target_p95_ms"] = case.target_p95_ms
        print(
            f"{name:32} p50 {results[name]['p50_ms']:8.2f} ms   p95 {results[name]['p95_ms']:8.2f} ms   "
            f"{results[name]['queries']:3d} queries"
        )

    report = {
        "size": args.size,
        "machine": machine(),
        "database": connection.vendor,
        "date": time.strftime("%Y-%m-%d"),
        "metrics": results,
    }
    if not args.no_write:
        path = ROOT / "bench" / "results.json"
        if args.only and path.exists():
            # A partial run (--only) updates its metrics and keeps the others of the same size and database.
            previous = json.loads(path.read_text())
            if previous.get("size") == report["size"] and previous.get("database") == report["database"]:
                report["metrics"] = {**previous.get("metrics", {}), **results}
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        write_markdown(report)
    return 0


def write_markdown(report: dict) -> None:
    path = ROOT / "docs" / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = (
        f"<!-- bench:{report['size']}:{report['database']}:start -->",
        f"<!-- bench:{report['size']}:{report['database']}:end -->",
    )
    lines = [
        start,
        f"### `{report['size']}` on {report['database']} ({report['date']})",
        "",
        f"Machine: {report['machine']}.",
        "",
        "| metric | p50 (ms) | p95 (ms) | target p95 (ms) | SQL queries |",
        "|---|---:|---:|---:|---:|",
    ]
    extra = []
    evaluations = {name: m for name, m in report["metrics"].items() if "next_basket" in m}
    for name, m in report["metrics"].items():
        if name in evaluations:
            continue
        if "p95_ms" in m:
            lines.append(
                f"| `{name}` | {m['p50_ms']} | {m['p95_ms']} | {m.get('target_p95_ms', '')} | {m.get('queries', '')} |"
            )
        else:
            extra.append(f"- `{name}`: `{json.dumps(m, ensure_ascii=False)}`")
    lines += ["", *extra] if extra else []
    if evaluations:
        lines += ["", *recommend_eval_table(evaluations)]
    lines.append(end)
    block = "\n".join(lines)
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def recommend_eval_table(evaluations: dict[str, dict]) -> list[str]:
    """The offline evaluation of the recommendations (`recommend_eval` on the real data sets): one
    row per data set, the method against its baselines."""

    def figure(values: dict, prefix: str):
        return next((v for key, v in values.items() if key.startswith(prefix)), "")

    rows = [
        "Recommendations, offline evaluation (`manage.py recommend_eval`, top 10):",
        "",
        "| data set | split | next basket recall (method / own top / best sellers) | NDCG method / own top "
        "| complements hit (method / best sellers) | substitutes same type (method / random) "
        "| train (s) | query p95 (ms) | customers evaluated | complement tasks |",
        "|---|---|---|---|---|---|---:|---:|---:|---:|",
    ]
    for name, m in evaluations.items():
        nb, comp, subs = m["next_basket"], m["complements"], m.get("substitutes")
        same_type = (
            f"{figure(subs['method'], 'same_type@')} / {figure(subs['random_same_category'], 'same_type@')}"
            if subs
            else "–"
        )
        rows.append(
            f"| `{m.get('data_set', name)}` | {m.get('split', '')} "
            f"| {figure(nb['method'], 'recall@')} / {figure(nb['personal_top'], 'recall@')} / "
            f"{figure(nb['global_top'], 'recall@')} "
            f"| {figure(nb['method'], 'ndcg@')} / {figure(nb['personal_top'], 'ndcg@')} "
            f"| {figure(comp['method'], 'hit@')} / {figure(comp['global_top'], 'hit@')} | {same_type} "
            f"| {m['train_seconds']} | {m['query_ms_p95']} | {m['counts']['next_basket_customers']} "
            f"| {m['counts']['complement_tasks']} |"
        )
    return rows


if __name__ == "__main__":
    sys.exit(main())
