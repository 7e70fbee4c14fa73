"""The offline evaluation behind `manage.py recommend_eval`: train on the lines before a date,
measure on the orders after it, against the baselines the literature says to beat.

- Next basket: for each customer known before the split, its first order after it; recall@k,
  precision@k and NDCG@k (binary relevance, ideal DCG over min(basket, k)) of the method, of
  `personal_top` (its own most frequent products, the most recent first on ties, popularity after)
  and of `global_top` (the products most customers bought).
- Complements: every order after the split with at least two products; one product hidden at random
  (fixed seed), the rest given; hit@k of the hidden one among products not in the given basket.
- Substitutes (when the file has a product hierarchy): the share of the top-k substitutes of a
  product that have its `product_type`, for the method and for a random pick in the same category.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from . import engine


@dataclass(frozen=True)
class Params:
    half_life: float = 180.0
    neighbours: int = 50
    alpha: float = 0.5
    shrink: float = 5.0
    keep: int = 10  # partners kept per product (chosen on the validation split)


def _codes(values: pd.Series, known: pd.Index) -> np.ndarray:
    return known.get_indexer(values)


def _ndcg(hits: list[bool], relevant: int, k: int) -> float:
    dcg = sum(1.0 / np.log2(i + 2) for i, h in enumerate(hits) if h)
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(relevant, k)))
    return dcg / ideal if ideal else 0.0


def _mean(rows: list[tuple[float, float, float]], k: int) -> dict[str, float]:
    a = np.array(rows) if rows else np.zeros((1, 3))
    return {
        f"recall@{k}": round(float(a[:, 0].mean()), 4),
        f"precision@{k}": round(float(a[:, 1].mean()), 4),
        f"ndcg@{k}": round(float(a[:, 2].mean()), 4),
    }


def evaluate(
    lines: pd.DataFrame,
    *,
    split: pd.Timestamp,
    k: int = 10,
    params: Params = Params(),
    products: pd.DataFrame | None = None,
    seed: int = 0,
    substitute_queries: int = 2000,
) -> dict:
    """Runs the whole protocol on distinct (order, product) lines; returns the JSON-ready result."""
    train = lines[lines["time"] < split]
    test = lines[lines["time"] >= split]
    if train.empty or test.empty:
        raise ValueError("the split date leaves no line before or after it")
    customers = pd.Index(train["customer"].unique())
    items = pd.Index(train["product"].unique())
    c = _codes(train["customer"], customers)
    p = _codes(train["product"], items)
    o = pd.Index(train["order"].unique()).get_indexer(train["order"])
    origin = split
    day = ((train["time"] - origin).dt.total_seconds() / 86400.0).to_numpy()

    started = time.perf_counter()
    basket_model = engine.fit_next_basket(
        customer=c,
        order=o,
        product=p,
        day=day,
        n_customers=len(customers),
        n_products=len(items),
        now=0.0,
        half_life=params.half_life,
        neighbours=params.neighbours,
        alpha=params.alpha,
    )
    complement_model = engine.fit_complements(
        order=o, product=p, n_products=len(items), shrink=params.shrink, keep=params.keep
    )
    train_seconds = time.perf_counter() - started

    # Baselines.
    global_order = basket_model.popular_order
    own = (
        train.assign(c=c, p=p)
        .groupby(["c", "p"], as_index=False)
        .agg(n=("order", "size"), last=("time", "max"))
    )
    own = own.sort_values(["c", "n", "last"], ascending=[True, False, False])
    personal = {cid: grp["p"].to_numpy() for cid, grp in own.groupby("c", sort=False)}

    def fill(first: list[int], exclude: set[int] = frozenset()) -> list[int]:
        out = [x for x in first if x not in exclude][:k]
        seen = set(out) | set(exclude)
        for x in global_order:
            if len(out) >= k:
                break
            if int(x) not in seen:
                out.append(int(x))
        return out

    # Next basket: each known customer's first order after the split.
    test_known = test[test["customer"].isin(customers)]
    first_times = test_known.groupby("customer")["time"].transform("min")
    firsts = test_known[test_known["time"] == first_times]
    first_order = firsts.groupby("customer")["order"].transform("min")
    firsts = firsts[firsts["order"] == first_order]
    rows = {"method": [], "personal_top": [], "global_top": []}
    timings: list[float] = []
    for customer, grp in firsts.groupby("customer", sort=False):
        basket = set(_codes(grp["product"], items).tolist())  # -1 for a product never seen before
        basket_size = len(grp)
        cid = int(customers.get_loc(customer))
        t0 = time.perf_counter()
        method = [x for x, _s, _own in basket_model.recommend(cid, k)]
        timings.append((time.perf_counter() - t0) * 1000)
        for name, recommended in (
            ("method", method),
            ("personal_top", fill(list(personal.get(cid, [])))),
            ("global_top", fill([])),
        ):
            hits = [x in basket and x >= 0 for x in recommended[:k]]
            n = sum(hits)
            rows[name].append((n / basket_size, n / k, _ndcg(hits, basket_size, k)))
    next_basket = {name: _mean(values, k) for name, values in rows.items()}

    # Complements: hide one product of each later order with at least two.
    rng = np.random.default_rng(seed)
    hits_method = hits_global = tasks = 0
    for _order, grp in test.groupby("order", sort=True):
        if len(grp) < 2:
            continue
        codes = _codes(grp["product"], items).tolist()
        hidden_at = int(rng.integers(len(codes)))
        hidden = codes[hidden_at]
        given = [x for i, x in enumerate(codes) if i != hidden_at and x >= 0]
        tasks += 1
        t0 = time.perf_counter()
        method = [x for x, _s, _b in complement_model.recommend(given, k)]
        timings.append((time.perf_counter() - t0) * 1000)
        if hidden >= 0:
            hits_method += hidden in method
            hits_global += hidden in fill([], set(given))
    complements = {
        "method": {f"hit@{k}": round(hits_method / max(1, tasks), 4)},
        "global_top": {f"hit@{k}": round(hits_global / max(1, tasks), 4)},
    }

    result = {
        "next_basket": next_basket,
        "complements": complements,
        "train_seconds": round(train_seconds, 2),
        "query_ms_p95": round(float(np.percentile(timings, 95)), 3) if timings else 0.0,
        "counts": {
            "customers": int(lines["customer"].nunique()),
            "orders": int(lines["order"].nunique()),
            "products": int(lines["product"].nunique()),
            "lines": len(lines),
            "train_lines": len(train),
            "next_basket_customers": len(rows["method"]),
            "complement_tasks": tasks,
        },
    }
    if products is not None:
        result["substitutes"] = _substitutes(
            train, items, customers, c, p, products, k, seed, substitute_queries
        )
    return result


def _substitutes(train, items, customers, c, p, products, k, seed, n_queries) -> dict:
    """Share of the top-k substitutes in the product's own `product_type`, over products bought by
    at least 10 customers (the ones a rep would ever need to replace), against a random pick among
    the same category's products."""
    table = products.set_index("product").reindex(items)
    category = pd.Index(table["product_category"].dropna().unique())
    cat = category.get_indexer(table["product_category"])
    cat = np.where(table["product_category"].isna(), -1, cat)
    attributes = [
        {f"brand:{b}", f"size:{s}", f"maker:{m}"}
        for b, s, m in zip(table["brand"], table["package_size"], table["manufacturer_id"], strict=True)
    ]
    buyers = sparse.csr_matrix(
        (np.ones(len(p), dtype=np.float32), (p, c)), shape=(len(items), len(customers))
    )
    buyers.data[:] = 1.0
    reach = np.asarray((buyers > 0).sum(axis=1)).ravel()
    eligible = np.flatnonzero((reach >= 10) & (cat >= 0) & table["product_type"].notna().to_numpy())
    rng = np.random.default_rng(seed)
    queries = rng.choice(eligible, size=min(n_queries, len(eligible)), replace=False)
    started = time.perf_counter()
    found = engine.fit_substitutes(
        category=cat, attributes=attributes, buyers=buyers, products=queries, keep=k
    )
    seconds = time.perf_counter() - started
    types = table["product_type"].to_numpy()
    shares, random_shares = [], []
    members: dict[int, np.ndarray] = {}
    for q in queries:
        picks = [t for t, _s, _parts in found.get(int(q), [])]
        if picks:
            shares.append(np.mean([types[t] == types[q] for t in picks]))
        group = members.setdefault(cat[q], np.flatnonzero(cat == cat[q]))
        others = group[group != q]
        if len(others):
            sample = rng.choice(others, size=min(k, len(others)), replace=False)
            random_shares.append(np.mean([types[t] == types[q] for t in sample]))
    return {
        "method": {f"same_type@{k}": round(float(np.mean(shares)), 4) if shares else 0.0},
        "random_same_category": {
            f"same_type@{k}": round(float(np.mean(random_shares)), 4) if random_shares else 0.0
        },
        "products": len(queries),
        "seconds": round(seconds, 2),
    }
