"""The recommendation models, on plain arrays (no Django): the nightly training and the offline
evaluation (`manage.py recommend_eval`) run the very same code.

Inputs are integer codes: customers 0..C-1, orders 0..O-1, products 0..P-1, one row per distinct
(order, product), with the order's day as a float (days since any fixed origin).

- Next basket: TIFU-KNN (Hu et al., "Modeling Personalized Item Frequency Information for
  Next-basket Recommendation", SIGIR 2020), simplified to one decay per order. A customer's vector
  holds, per product, the time-decayed share of its orders that contain it (recency and frequency in
  one number); it is blended with the mean vector of its K most similar customers (cosine), which
  fills short histories and the slots a personal list leaves empty. Popularity fills what is left.
- Complements: item-to-item co-occurrence in orders, cosine-normalised and shrunk towards zero for
  pairs seen together only a few times; a basket's score for a product is the sum of the
  similarities to the basket's products, and the product that contributes most is the reason.
- Substitutes: within the same category, a blend of the similarity of names (TF-IDF on character
  n-grams), of attributes (brand, format, allergens...), of who buys them (customers buying both
  over time) and of substitutions customers already accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

FLOAT = np.float32


def _topk(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first (fewer when the vector is shorter)."""
    k = min(k, scores.shape[0])
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def _fill_popular(found: list[tuple], popular_order: np.ndarray, excluded: set[int], k: int, extra) -> list:
    """Completes `found` up to k with the most popular products not found nor excluded (score 0,
    `extra` as the tuple's third element)."""
    taken = excluded | {row[0] for row in found}
    for p in popular_order:
        if len(found) >= k:
            break
        if int(p) not in taken:
            found.append((int(p), 0.0, extra))
    return found


def _row_normalise(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags((1.0 / norms).astype(FLOAT)) @ m


# --- next basket ---------------------------------------------------------------------------------


@dataclass
class NextBasketModel:
    """What a customer is likely to order next; `recommend` answers in well under a millisecond."""

    personal: sparse.csr_matrix  # C x P, decayed share of the customer's orders holding the product
    normalised: sparse.csr_matrix  # the same rows, L2-normalised (for the neighbours' cosine)
    popularity: np.ndarray  # P, distinct customers who bought the product
    neighbours: int
    alpha: float
    popular_order: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.popular_order = np.argsort(-self.popularity, kind="stable")

    @property
    def n_customers(self) -> int:
        return self.personal.shape[0]

    def scores(self, customer: int) -> tuple[np.ndarray, np.ndarray]:
        """(blended score, personal score) per product for one known customer."""
        own = self.personal.getrow(customer).toarray().ravel()
        sims = (self.normalised @ self.normalised.getrow(customer).T).toarray().ravel()
        sims[customer] = -1.0
        nbrs = _topk(sims, self.neighbours)
        nbrs = nbrs[sims[nbrs] > 0]
        if len(nbrs):
            mean = np.asarray(self.personal[nbrs].sum(axis=0)).ravel() / self.neighbours
            return self.alpha * own + (1 - self.alpha) * mean, own
        return own.copy(), own

    def recommend(self, customer: int | None, k: int, exclude=()) -> list[tuple[int, float, bool]]:
        """The k products most likely in the next order: (product, score, is the customer's own),
        best first. Unknown customer: the most popular products (score 0)."""
        excluded = set(exclude)
        found: list[tuple[int, float, bool]] = []
        if customer is not None and 0 <= customer < self.n_customers:
            blended, own = self.scores(customer)
            if excluded:
                blended[list(excluded)] = 0
            for p in _topk(blended, k + len(excluded)):
                if blended[p] <= 0 or len(found) == k:
                    break
                found.append((int(p), float(blended[p]), bool(own[p] > 0)))
        return _fill_popular(found, self.popular_order, excluded, k, False)


def recommend_many(
    model: NextBasketModel, customers: np.ndarray, k: int, chunk: int = 256
) -> dict[int, list[tuple[int, float, bool]]]:
    """`recommend` for many customers at once (the nightly tables), in chunks of sparse products:
    the same answers as one by one, without popularity filling (a screen falls back on its own)."""
    result: dict[int, list[tuple[int, float, bool]]] = {}
    norm, personal, n = model.normalised, model.personal, model.neighbours
    for start in range(0, len(customers), chunk):
        batch = np.asarray(customers[start : start + chunk])
        sims = np.ascontiguousarray((norm @ norm[batch].T.toarray()).T)  # sparse x dense: 6x faster
        sims[np.arange(len(batch)), batch] = -1.0
        kk = min(n, sims.shape[1])
        nbrs = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        weights = np.where(np.take_along_axis(sims, nbrs, axis=1) > 0, 1.0 / n, 0.0)
        rows = np.repeat(np.arange(len(batch)), kk)
        mix = sparse.csr_matrix(
            (weights.ravel(), (rows, nbrs.ravel())), shape=(len(batch), model.n_customers)
        )
        own = personal[batch].toarray()
        has_neighbours = weights.sum(axis=1) > 0
        blended = np.where(
            has_neighbours[:, None], model.alpha * own + (1 - model.alpha) * (mix @ personal).toarray(), own
        )
        for i, customer in enumerate(batch):
            best = _topk(blended[i], k)
            result[int(customer)] = [
                (int(p), float(blended[i, p]), bool(own[i, p] > 0)) for p in best if blended[i, p] > 0
            ]
    return result


def fit_next_basket(
    *,
    customer: np.ndarray,
    order: np.ndarray,
    product: np.ndarray,
    day: np.ndarray,
    n_customers: int,
    n_products: int,
    now: float,
    half_life: float = 180.0,
    neighbours: int = 50,
    alpha: float = 0.5,
) -> NextBasketModel:
    """Fits TIFU-KNN from distinct (order, product) lines."""
    # One weight per order: 0.5 ** (age / half-life). The customer's total weight divides it out, so
    # "now" only sets the scale (kept near 0 for float precision).
    weight = np.power(0.5, (now - day) / half_life).astype(FLOAT)
    personal = sparse.csr_matrix((weight, (customer, product)), shape=(n_customers, n_products), dtype=FLOAT)
    orders, first = np.unique(order, return_index=True)
    totals = np.bincount(customer[first], weights=weight[first], minlength=n_customers).astype(FLOAT)
    totals[totals == 0] = 1.0
    personal = sparse.diags(1.0 / totals) @ personal
    personal = sparse.csr_matrix(personal, dtype=FLOAT)
    popularity = np.asarray((personal > 0).sum(axis=0)).ravel().astype(np.int64)
    return NextBasketModel(
        personal=personal,
        normalised=_row_normalise(personal).tocsr(),
        popularity=popularity,
        neighbours=neighbours,
        alpha=alpha,
    )


# --- complements ---------------------------------------------------------------------------------


@dataclass
class ComplementModel:
    """Item-to-item similarity kept to each product's best neighbours (a P x P sparse matrix)."""

    similarity: sparse.csr_matrix
    popularity: np.ndarray
    popular_order: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.popular_order = np.argsort(-self.popularity, kind="stable")

    def recommend(self, basket, k: int, exclude=()) -> list[tuple[int, float, int | None]]:
        """(product, score, the basket's product it is most often bought with), best first; the
        most popular products fill the rest (score 0, no reason)."""
        basket = [b for b in dict.fromkeys(basket) if 0 <= b < self.similarity.shape[0]]
        excluded = set(exclude) | set(basket)
        found: list[tuple[int, float, int | None]] = []
        if basket:
            rows = self.similarity[basket]
            scores = np.asarray(rows.sum(axis=0)).ravel()
            if excluded:
                scores[list(excluded)] = 0
            best = [int(p) for p in _topk(scores, k) if scores[p] > 0]
            if best:
                because = np.asarray(rows[:, best].toarray().argmax(axis=0)).ravel()
                found = [(p, float(scores[p]), basket[int(b)]) for p, b in zip(best, because, strict=True)]
        return _fill_popular(found, self.popular_order, excluded, k, None)

    def pairs(self, limit: int):
        """Each product's best `limit` partners as (product, partner, similarity, rank)."""
        sim = self.similarity
        for p in range(sim.shape[0]):
            start, end = sim.indptr[p], sim.indptr[p + 1]
            if start == end:
                continue
            cols, vals = sim.indices[start:end], sim.data[start:end]
            for rank, i in enumerate(_topk(vals, limit), start=1):
                yield p, int(cols[i]), float(vals[i]), rank


def fit_complements(
    *, order: np.ndarray, product: np.ndarray, n_products: int, shrink: float = 5.0, keep: int = 50
) -> ComplementModel:
    """Cosine co-occurrence between products over orders, shrunk: c/sqrt(n_i n_j) * c/(c + shrink)."""
    orders, order_codes = np.unique(order, return_inverse=True)
    x = sparse.csr_matrix(
        (np.ones(len(product), dtype=FLOAT), (order_codes, product)), shape=(len(orders), n_products)
    )
    x.data[:] = 1.0  # a product twice in an order counts once
    co = (x.T @ x).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    counts = np.asarray(x.sum(axis=0)).ravel().astype(FLOAT)
    co = co.tocoo()
    c = co.data.astype(FLOAT)
    sim = c / np.sqrt(counts[co.row] * counts[co.col]) * (c / (c + shrink))
    matrix = sparse.csr_matrix((sim, (co.row, co.col)), shape=(n_products, n_products), dtype=FLOAT)
    return ComplementModel(similarity=_keep_best(matrix, keep), popularity=counts)


def _keep_best(m: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """Each row's `keep` largest values (a much smaller model, the same quality measured)."""
    rows, cols, vals = [], [], []
    for r in range(m.shape[0]):
        start, end = m.indptr[r], m.indptr[r + 1]
        if start == end:
            continue
        best = _topk(m.data[start:end], keep)
        rows.append(np.full(len(best), r))
        cols.append(m.indices[start:end][best])
        vals.append(m.data[start:end][best])
    if not rows:
        return sparse.csr_matrix(m.shape, dtype=FLOAT)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=m.shape, dtype=FLOAT
    )


# --- substitutes ---------------------------------------------------------------------------------

WEIGHTS = {"text": 0.45, "attributes": 0.2, "buyers": 0.35}
# A blended similarity is at most 1: a substitution customers accepted at least 3 times ranks first
# among learned ones (fewer acceptances, a proportionally smaller bonus).
ACCEPTED_BONUS = 1.0


def fit_substitutes(
    *,
    category: np.ndarray,
    names: list[str] | None = None,
    attributes: list[set[str]] | None = None,
    buyers: sparse.csr_matrix | None = None,
    accepted: dict[tuple[int, int], int] | None = None,
    products: np.ndarray | None = None,
    keep: int = 10,
    min_score: float = 0.05,
) -> dict[int, list[tuple[int, float, dict[str, float]]]]:
    """For each product (all, or those in `products`): up to `keep` other products of the same
    category with their score and its parts, best first. `category` is a code per product (-1 when
    the product has none: no substitute is guessed for it); `buyers` is a P x C matrix (who bought
    what); `accepted` counts (short product, substitute) pairs customers accepted."""
    n = len(category)
    parts: dict[str, sparse.csr_matrix] = {}
    if names is not None and any(names):
        from sklearn.feature_extraction.text import TfidfVectorizer

        tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, lowercase=True)
        parts["text"] = tfidf.fit_transform([s or "" for s in names]).tocsr().astype(FLOAT)
    if attributes is not None and any(attributes):
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for i, attrs in enumerate(attributes):
            for a in attrs:
                rows.append(i)
                cols.append(vocab.setdefault(a, len(vocab)))
        m = sparse.csr_matrix((np.ones(len(rows), dtype=FLOAT), (rows, cols)), shape=(n, max(1, len(vocab))))
        parts["attributes"] = _row_normalise(m).tocsr()
    if buyers is not None and buyers.nnz:
        b = buyers.tocsr().astype(FLOAT)
        b.data[:] = 1.0
        parts["buyers"] = _row_normalise(b).tocsr()
    total = sum(WEIGHTS[k] for k in parts) or 1.0
    accepted = accepted or {}
    by_source: dict[int, dict[int, int]] = {}
    for (src, dst), times in accepted.items():
        by_source.setdefault(src, {})[dst] = times
    wanted = set(range(n)) if products is None else {int(p) for p in products}
    result: dict[int, list[tuple[int, float, dict[str, float]]]] = {}
    order = np.argsort(category, kind="stable")
    bounds = np.flatnonzero(np.diff(category[order])) + 1
    for group in np.split(order, bounds):
        if category[group[0]] < 0 or len(group) < 2:
            continue
        queries = np.array([p for p in group if p in wanted], dtype=np.int64)
        if not len(queries):
            continue
        blended = np.zeros((len(queries), len(group)), dtype=FLOAT)
        shares: dict[str, np.ndarray] = {}
        for name, m in parts.items():
            s = (m[queries] @ m[group].T).toarray().astype(FLOAT)
            shares[name] = s
            blended += (WEIGHTS[name] / total) * s
        position = {int(p): j for j, p in enumerate(group)}
        for qi, q in enumerate(queries):
            scores = blended[qi].copy()
            scores[position[int(q)]] = -1.0
            bonus = np.zeros_like(scores)
            for dst, times in by_source.get(int(q), {}).items():
                if dst in position:
                    bonus[position[dst]] = ACCEPTED_BONUS * min(1.0, times / 3)
            scores = scores + bonus
            best = [j for j in _topk(scores, keep) if scores[j] >= min_score]
            result[int(q)] = [
                (
                    int(group[j]),
                    float(scores[j]),
                    {**{name: float(shares[name][qi, j]) for name in shares}, "accepted": float(bonus[j])},
                )
                for j in best
            ]
    return result
