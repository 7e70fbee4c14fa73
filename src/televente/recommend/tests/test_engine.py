"""The recommendation models on small hand-made arrays: what each one ranks first, and why."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from televente.recommend import engine


def _lines(rows: list[tuple[int, int, int, float]]) -> dict[str, np.ndarray]:
    """(customer, order, product, day) rows as the engine's arrays."""
    a = np.array(rows, dtype=np.float64)
    return {
        "customer": a[:, 0].astype(np.int64),
        "order": a[:, 1].astype(np.int64),
        "product": a[:, 2].astype(np.int64),
        "day": a[:, 3],
    }


def _basket_model(rows, n_customers: int, n_products: int, **kwargs) -> engine.NextBasketModel:
    return engine.fit_next_basket(
        **_lines(rows), n_customers=n_customers, n_products=n_products, now=0.0, **kwargs
    )


# --- _topk ----------------------------------------------------------------------------------------


def test_topk_best_first_and_bounded():
    scores = np.array([0.1, 0.9, 0.5, 0.7])
    assert engine._topk(scores, 2).tolist() == [1, 3]
    assert engine._topk(scores, 10).tolist() == [1, 3, 2, 0]
    assert engine._topk(scores, 0).tolist() == []
    assert engine._topk(np.array([]), 3).tolist() == []


# --- next basket ----------------------------------------------------------------------------------

# Customer 0 buys product 0 in each of its 4 orders, product 1 in the old ones, product 2 in the
# last one only; customer 1 buys products 0 and 3; customer 2 only product 4 (popular elsewhere).
HISTORY = [
    (0, 0, 0, -300.0),
    (0, 0, 1, -300.0),
    (0, 1, 0, -200.0),
    (0, 1, 1, -200.0),
    (0, 2, 0, -100.0),
    (0, 3, 0, -1.0),
    (0, 3, 2, -1.0),
    (1, 4, 0, -10.0),
    (1, 4, 3, -10.0),
    (2, 5, 4, -5.0),
    (3, 6, 4, -5.0),
    (4, 7, 4, -5.0),
]


def test_next_basket_personal_share_is_decayed_frequency():
    model = _basket_model(HISTORY, 5, 6, half_life=100.0)
    row = model.personal.getrow(0).toarray().ravel()
    # Product 0 is in every order of customer 0: its share is exactly 1.
    assert row[0] == pytest.approx(1.0, rel=1e-5)
    # Products 1 and 2 are each in orders worth different weights: the recent one weighs more.
    weights = 0.5 ** (np.array([300.0, 200.0, 100.0, 1.0]) / 100.0)
    assert row[1] == pytest.approx((weights[0] + weights[1]) / weights.sum(), rel=1e-4)
    assert row[2] == pytest.approx(weights[3] / weights.sum(), rel=1e-4)
    assert row[2] > row[1]
    assert row[5] == 0
    # Popularity: distinct customers per product.
    assert model.popularity.tolist() == [2, 1, 1, 1, 3, 0]


def test_next_basket_recommends_own_products_first_then_popular():
    model = _basket_model(HISTORY, 5, 6, half_life=100.0, neighbours=2, alpha=0.9)
    found = model.recommend(0, 5)
    products = [p for p, _s, _own in found]
    assert products[0] == 0
    assert set(products[:3]) == {0, 1, 2}
    assert all(own for _p, _s, own in found[:3])
    # Customer 1 (shares product 0) is a neighbour: its product 3 comes next, not its own.
    assert products[3] == 3
    assert found[3][2] is False and found[3][1] > 0
    # Popularity fills the last slot with a score of 0.
    assert found[4] == (4, 0.0, False)
    scores = [s for _p, s, _own in found]
    assert scores == sorted(scores, reverse=True)


def test_next_basket_exclude_and_unknown_customer():
    model = _basket_model(HISTORY, 5, 6, neighbours=2)
    products = [p for p, _s, _own in model.recommend(0, 3, exclude={0})]
    assert 0 not in products and len(products) == 3
    # An unknown customer (None, or a code the model never saw): the most popular products.
    assert [p for p, _s, _o in model.recommend(None, 2)] == [4, 0]
    assert model.recommend(99, 2) == [(4, 0.0, False), (0, 0.0, False)]
    assert [p for p, _s, _o in model.recommend(None, 2, exclude=[4])] == [0, 1]


def test_next_basket_short_history_borrows_from_similar_customers():
    # Customers 0..2 all buy A(0) with B(1); customer 3 bought A only once: B is suggested to it.
    rows = [(c, c, p, -10.0) for c in range(3) for p in (0, 1)] + [(3, 3, 0, -1.0), (4, 4, 2, -1.0)]
    model = _basket_model(rows, 5, 3, neighbours=3)
    found = model.recommend(3, 2)
    assert found[0][:1] == (0,) and found[0][2] is True
    assert found[1][0] == 1 and found[1][2] is False and found[1][1] > 0


def test_next_basket_never_returns_more_than_k_nor_duplicates():
    model = _basket_model(HISTORY, 5, 6, neighbours=2)
    for k in (1, 3, 6, 10):
        products = [p for p, _s, _o in model.recommend(0, k)]
        assert len(products) == min(k, 6)
        assert len(set(products)) == len(products)


def test_recommend_many_matches_one_by_one_without_popularity():
    rng = np.random.default_rng(3)
    rows = []
    order = 0
    for c in range(40):
        for _ in range(rng.integers(1, 5)):
            for p in rng.choice(30, size=rng.integers(1, 6), replace=False):
                rows.append((c, order, int(p), -float(rng.integers(0, 300))))
            order += 1
    # One order per row's customer and order code: make the day an order's, as the loaders do.
    days = {}
    rows = [(c, o, p, days.setdefault(o, d)) for c, o, p, d in rows]
    model = _basket_model(rows, 40, 30, neighbours=5)
    many = engine.recommend_many(model, np.arange(40), 8, chunk=7)
    assert set(many) == set(range(40))
    for c in range(40):
        single = [(p, s, o) for p, s, o in model.recommend(c, 8) if s > 0]
        assert [p for p, _s, _o in many[c]] == [p for p, _s, _o in single], c
        for (_p, s1, o1), (_q, s2, o2) in zip(many[c], single, strict=True):
            assert s1 == pytest.approx(s2, rel=1e-4)
            assert o1 == o2


# --- complements ----------------------------------------------------------------------------------


def _orders(baskets: list[list[int]]) -> dict[str, np.ndarray]:
    order = [i for i, b in enumerate(baskets) for _ in b]
    product = [p for b in baskets for p in b]
    return {"order": np.array(order), "product": np.array(product)}


BASKETS = (
    [[0, 1]] * 8  # bread (0) with butter (1), often
    + [[0, 2]] * 2  # bread with jam (2), sometimes
    + [[3, 4]] * 6  # flour (3) with sugar (4)
    + [[5]] * 20  # water (5): the most popular, bought alone
    + [[0, 1, 1]]  # a product twice in one order counts once
)


def test_complements_shrunk_cosine():
    model = engine.fit_complements(**_orders(BASKETS), n_products=6, shrink=5.0)
    sim = model.similarity.toarray()
    # bread in 11 orders, butter in 9, together 9: 9/sqrt(11*9) * 9/(9+5)
    assert sim[0, 1] == pytest.approx(9 / np.sqrt(11 * 9) * 9 / 14, rel=1e-5)
    assert sim[0, 1] == pytest.approx(sim[1, 0])
    assert sim[0, 0] == 0 and sim[0, 5] == 0
    assert sim[0, 1] > sim[0, 2] > 0
    assert model.popularity.tolist() == [11, 9, 2, 6, 6, 20]


def test_complements_recommend_with_reason_and_exclusions():
    model = engine.fit_complements(**_orders(BASKETS), n_products=6)
    found = model.recommend([0, 3], 4)
    assert [p for p, _s, _b in found][:3] == [1, 4, 2]
    reasons = {p: b for p, _s, b in found}
    assert reasons[1] == 0 and reasons[4] == 3 and reasons[2] == 0
    # The basket itself is never proposed; popularity fills with no reason.
    assert found[3] == (5, 0.0, None)
    # Excluded products (the customer's regulars, the basket's substitutes) are skipped.
    assert [p for p, _s, _b in model.recommend([0], 2, exclude={1})] == [2, 5]
    # Unknown products in the basket are ignored; an empty basket gives the most popular.
    assert [p for p, _s, _b in model.recommend([99], 2)] == [5, 0]
    assert model.recommend([], 1) == [(5, 0.0, None)]


def test_complements_keep_and_pairs():
    baskets = [[0, p] for p in range(1, 6) for _ in range(p)]
    model = engine.fit_complements(**_orders(baskets), n_products=6, keep=2)
    assert model.similarity.getrow(0).nnz == 2
    pairs = [row for row in model.pairs(limit=2) if row[0] == 0]
    assert [(p, q, rank) for p, q, _s, rank in pairs] == [(0, 5, 1), (0, 4, 2)]
    assert pairs[0][2] > pairs[1][2]
    # Every product with a partner appears; the limit holds.
    by_product: dict[int, int] = {}
    for p, _q, _s, _rank in model.pairs(limit=1):
        by_product[p] = by_product.get(p, 0) + 1
    assert by_product == dict.fromkeys(range(6), 1)


def test_complements_with_no_pairs():
    model = engine.fit_complements(**_orders([[0], [1], [1]]), n_products=3)
    assert model.similarity.nnz == 0
    assert list(model.pairs(5)) == []
    assert model.recommend([0], 2) == [(1, 0.0, None), (2, 0.0, None)]


# --- substitutes ----------------------------------------------------------------------------------

NAMES = [
    "Beurre doux 250 g",  # 0  dairy
    "Beurre doux 500 g",  # 1  dairy
    "Beurre demi-sel 250 g",  # 2  dairy
    "Crème fraîche épaisse",  # 3  dairy
    "Beurre de cacahuète",  # 4  spreads: a similar name, another category
    "Sans catégorie",  # 5  no category
]
CATEGORY = np.array([0, 0, 0, 0, 1, -1])


def test_substitutes_same_category_ranked_by_name():
    found = engine.fit_substitutes(category=CATEGORY, names=NAMES)
    targets = [t for t, _s, _parts in found[0]]
    assert targets[:2] == [1, 2]
    assert 4 not in targets and 5 not in targets and 0 not in targets
    scores = [s for _t, s, _parts in found[0]]
    assert scores == sorted(scores, reverse=True)
    _t, _s, parts = found[0][0]
    assert set(parts) == {"text", "accepted"} and parts["accepted"] == 0.0
    # Alone in its category, or without one: nothing is guessed.
    assert found.get(4, []) == [] and 5 not in found


def test_substitutes_blend_attributes_and_buyers():
    attributes = [{"brand:A", "fmt:250"}, {"brand:B", "fmt:500"}, {"brand:B", "fmt:500"}, set(), set(), set()]
    # Product 0's buyers are product 2's (customers 0,1), never product 1's.
    buyers = sparse.csr_matrix(
        np.array(
            [[1, 1, 0], [0, 0, 1], [1, 1, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0]],
            dtype=np.float32,
        )
    )
    found = engine.fit_substitutes(category=CATEGORY, attributes=attributes, buyers=buyers)
    first, score, parts = found[0][0]
    assert first == 2
    assert set(parts) == {"attributes", "buyers", "accepted"}
    assert parts["buyers"] == pytest.approx(1.0)
    total = engine.WEIGHTS["attributes"] + engine.WEIGHTS["buyers"]
    expected = (engine.WEIGHTS["attributes"] * parts["attributes"] + engine.WEIGHTS["buyers"]) / total
    assert score == pytest.approx(expected, rel=1e-5)
    # Products 1 and 2 share every attribute.
    assert found[1][0][0] == 2 and found[1][0][2]["attributes"] == pytest.approx(1.0)


def test_substitutes_accepted_ones_rank_first_and_filters():
    found = engine.fit_substitutes(category=CATEGORY, names=NAMES, accepted={(0, 3): 3, (0, 4): 9})
    first, score, parts = found[0][0]
    assert first == 3
    assert parts["accepted"] == pytest.approx(engine.ACCEPTED_BONUS)
    assert score >= engine.ACCEPTED_BONUS
    # An accepted pair across categories is not a guess the engine makes.
    assert 4 not in [t for t, _s, _p in found[0]]
    # Fewer acceptances, a smaller bonus.
    once = engine.fit_substitutes(category=CATEGORY, names=NAMES, accepted={(0, 3): 1})
    bonus = {t: p["accepted"] for t, _s, p in once[0]}
    assert bonus[3] == pytest.approx(engine.ACCEPTED_BONUS / 3)
    # Only the products asked, at most `keep` each, above the floor.
    some = engine.fit_substitutes(category=CATEGORY, names=NAMES, products=np.array([1]), keep=1)
    assert list(some) == [1] and len(some[1]) == 1
    high = engine.fit_substitutes(category=CATEGORY, names=NAMES, min_score=0.99)
    assert all(rows == [] for rows in high.values())


def test_substitutes_with_no_signal_guess_nothing():
    found = engine.fit_substitutes(category=CATEGORY)
    assert found and all(rows == [] for rows in found.values())


def test_recommend_many_with_more_neighbours_than_customers():
    model = _basket_model(HISTORY, 5, 6)  # 50 neighbours asked, 5 customers
    many = engine.recommend_many(model, np.array([0, 3]), 6)
    for c in (0, 3):
        assert [p for p, _s, _o in many[c]] == [p for p, s, _o in model.recommend(c, 6) if s > 0]
    # Customer 3 shares product 4 with customers 2 and 4 only: nothing else to propose.
    assert [p for p, _s, _o in many[3]] == [4]
