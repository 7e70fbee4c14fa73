"""The offline evaluation: the file loaders, the metrics and `manage.py recommend_eval` on small
files written for each test."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from televente.recommend import datasets, evaluation

SPLIT = "2010-10-01"

# --- Online Retail files ----------------------------------------------------------------------------


def _retail_rows() -> list[dict]:
    """Raw invoice lines in the Online Retail II naming, with every kind of line the loader drops."""
    rows = []

    def line(invoice, code, qty, when, price=1.5, customer=12345.0):
        rows.append(
            {
                "Invoice": invoice,
                "StockCode": code,
                "Description": f"article {code}",
                "Quantity": qty,
                "InvoiceDate": pd.Timestamp(when),
                "Price": price,
                "Customer ID": customer,
                "Country": "United Kingdom",
            }
        )

    # Customer 12345 buys 85123A and 22423 together every month before the split, then again after.
    for month in range(1, 10):
        invoice = f"5{month:05d}"
        line(invoice, "85123A", 6, f"2010-{month:02d}-03 09:00")
        line(invoice, "22423", 2, f"2010-{month:02d}-03 09:05")
        line(invoice, "22423", 1, f"2010-{month:02d}-03 09:10")  # the same product twice: summed
    # Customer 17850 buys 21730 and 84406b (lower case) together, before and after.
    for month in range(1, 10):
        invoice = f"6{month:05d}"
        line(invoice, "21730", 4, f"2010-{month:02d}-10 10:00", customer=17850.0)
        line(invoice, "84406b", 4, f"2010-{month:02d}-10 10:00", customer=17850.0)
    line("700001", "21730", 3, "2010-10-05 11:00", customer=17850.0)
    line("700001", "84406B", 3, "2010-10-05 11:00", customer=17850.0)
    line("700002", "85123A", 6, "2010-10-07 08:00")
    line("700002", "22423", 2, "2010-10-07 08:00")
    line("700002", "21730", 1, "2010-10-07 08:00")
    # Dropped: a cancellation, a return, a free line, no customer, and codes that are not products.
    line("C700003", "85123A", -6, "2010-10-08 08:00")
    line("700004", "22423", -1, "2010-10-08 09:00")
    line("700005", "22423", 1, "2010-10-08 09:00", price=0.0)
    line("700006", "22423", 1, "2010-10-08 09:00", customer=float("nan"))
    for code in ("POST", "D", "M", "BANK CHARGES", "DOT", "AMAZONFEE"):
        line("700002", code, 1, "2010-10-07 08:00", price=18.0)
    return rows


def _write_retail_parquet(tmp_path) -> str:
    path = tmp_path / "retail.parquet"
    pd.DataFrame(_retail_rows()).to_parquet(path)
    return str(path)


def _write_retail_csv(tmp_path) -> str:
    """The first UCI file's naming (InvoiceNo, UnitPrice, CustomerID), day-month text dates as the
    UCI CSV has them (month first), Latin-1 encoded."""
    frame = pd.DataFrame(_retail_rows()).rename(
        columns={"Invoice": "InvoiceNo", "Price": "UnitPrice", "Customer ID": "CustomerID"}
    )
    frame["InvoiceDate"] = frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M")
    frame.loc[0, "Description"] = "COEUR EN ÉTAIN"  # not valid UTF-8 once written in Latin-1
    path = tmp_path / "retail.csv"
    frame.to_csv(path, index=False, encoding="latin-1")
    return str(path)


@pytest.mark.parametrize("writer", [_write_retail_parquet, _write_retail_csv])
def test_load_online_retail_both_namings(tmp_path, writer):
    lines = datasets.load_online_retail(writer(tmp_path))
    assert list(lines.columns) == ["customer", "order", "product", "time", "quantity"]
    assert set(lines["customer"]) == {"12345", "17850"}
    assert set(lines["product"]) == {"85123A", "22423", "21730", "84406B"}
    assert not lines["order"].str.startswith("C").any()
    assert "700004" not in set(lines["order"]) and "700005" not in set(lines["order"])
    assert "700006" not in set(lines["order"])
    # One line per (order, product): the two 22423 lines of an invoice summed.
    assert not lines.duplicated(["order", "product"]).any()
    first = lines[(lines["order"] == "500001") & (lines["product"] == "22423")]
    assert first["quantity"].tolist() == [3]
    # Every line at its invoice's earliest time.
    assert lines.loc[lines["order"] == "500001", "time"].nunique() == 1
    assert lines.loc[lines["order"] == "500001", "time"].iloc[0] == pd.Timestamp("2010-01-03 09:00")
    assert len(lines) == 9 * 2 + 9 * 2 + 2 + 3


def test_load_online_retail_errors(tmp_path):
    with pytest.raises(datasets.DatasetError, match="no such file"):
        datasets.load_online_retail(tmp_path / "absent.parquet")
    bad = tmp_path / "bad.csv"
    bad.write_text("Invoice,StockCode,Quantity\n1,85123A,2\n")
    with pytest.raises(datasets.DatasetError, match="InvoiceDate"):
        datasets.load_online_retail(bad)


def _write_complete_journey(tmp_path) -> str:
    folder = tmp_path / "cj"
    folder.mkdir()
    products = pd.DataFrame(
        {
            "product_id": [1, 2, 3, 4, 5, 6],
            "manufacturer_id": [10, 10, 11, 12, 13, 14],
            "department": ["GROCERY", "GROCERY", "GROCERY", "PRODUCE", "FUEL", None],
            "brand": ["National", "Private", "National", "National", "National", "National"],
            "product_category": ["MILK", "MILK", "MILK", "FRUIT", "GAS", "X"],
            "product_type": ["WHOLE", "WHOLE", "SKIM", "APPLES", "GAS", "X"],
            "package_size": ["1 GA", "1 GA", "1 GA", "3 LB", "", ""],
        }
    )
    rows = []
    basket = 100
    for household in range(1, 13):
        for week in range(4):
            basket += 1
            when = pd.Timestamp("2017-09-01") + pd.Timedelta(days=7 * week + household % 3, hours=10)
            for product in (1, 4, 5, 6) if household % 2 else (1, 2, 4):
                rows.append((household, basket, product, 1, 2.5, when))
        basket += 1
        rows.append((household, basket, 1, 1, 2.5, pd.Timestamp("2017-10-25 09:00")))
        rows.append((household, basket, 3, 1, 2.5, pd.Timestamp("2017-10-25 09:00")))
        rows.append((household, basket, 4, 0, 0.0, pd.Timestamp("2017-10-25 09:00")))  # not bought
    transactions = pd.DataFrame(
        rows,
        columns=[
            "household_id",
            "basket_id",
            "product_id",
            "quantity",
            "sales_value",
            "transaction_timestamp",
        ],
    )
    products.to_parquet(folder / "products.parquet")
    transactions.to_parquet(folder / "transactions.parquet")
    return str(folder)


def test_load_complete_journey(tmp_path):
    lines, products = datasets.load_complete_journey(_write_complete_journey(tmp_path))
    # Fuel and products without a department are not products a customer chooses.
    assert set(lines["product"]) == {"1", "2", "3", "4"}
    assert set(products["product"]) == {"1", "2", "3", "4"}
    assert lines["customer"].nunique() == 12
    # The zero-quantity line is dropped: the last baskets hold two products.
    last = lines[lines["time"] == pd.Timestamp("2017-10-25 09:00")]
    assert set(last["product"]) == {"1", "3"} and len(last) == 24
    # A file inside the folder works too.
    again, _ = datasets.load_complete_journey(tmp_path / "cj" / "transactions.parquet")
    assert len(again) == len(lines)
    with pytest.raises(datasets.DatasetError, match="no such file"):
        datasets.load_complete_journey(tmp_path / "elsewhere")


# --- metrics ----------------------------------------------------------------------------------------


def test_ndcg():
    assert evaluation._ndcg([True, True], 2, 2) == pytest.approx(1.0)
    assert evaluation._ndcg([False, False], 2, 2) == 0.0
    expected = (1 + 1 / np.log2(4)) / (1 + 1 / np.log2(3))
    assert evaluation._ndcg([True, False, True], 2, 3) == pytest.approx(expected)
    # The ideal is over min(basket, k): a basket of 5 with 2 hits in 2 slots is perfect.
    assert evaluation._ndcg([True, True], 5, 2) == pytest.approx(1.0)
    assert evaluation._ndcg([], 0, 3) == 0.0


def _frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(c, o, p, pd.Timestamp(t), 1) for c, o, p, t in rows],
        columns=["customer", "order", "product", "time", "quantity"],
    )


def test_evaluate_next_basket_and_complements_figures():
    rows = []
    # Before the split: a buys A+B, b buys C+D (five orders each) and C once more; eight other
    # customers buy the popular W+X.
    for i in range(5):
        rows += [("a", f"a{i}", "A", f"2020-01-0{i + 1}"), ("a", f"a{i}", "B", f"2020-01-0{i + 1}")]
        rows += [("b", f"b{i}", "C", f"2020-01-0{i + 1}"), ("b", f"b{i}", "D", f"2020-01-0{i + 1}")]
    rows += [("b", "b5", "C", "2020-01-07")]
    for i in range(8):
        rows += [(f"e{i}", f"e{i}", "W", "2020-01-02"), (f"e{i}", f"e{i}", "X", "2020-01-02")]
    # After: a's first order is A+B (a later one does not count), b's is C and a new product N.
    rows += [("a", "a9", "A", "2020-02-01"), ("a", "a9", "B", "2020-02-01"), ("a", "a10", "W", "2020-02-05")]
    rows += [("b", "b9", "C", "2020-02-01"), ("b", "b9", "N", "2020-02-01")]
    rows += [("new", "n1", "C", "2020-02-02"), ("new", "n1", "D", "2020-02-02")]
    result = evaluation.evaluate(_frame(rows), split=pd.Timestamp("2020-01-15"), k=2)

    personal = result["next_basket"]["personal_top"]
    # a: 2 hits of 2; b: 1 hit of a basket of 2 (N was never seen: still counts in the basket).
    assert personal["recall@2"] == pytest.approx(0.75)
    assert personal["precision@2"] == pytest.approx(0.75)
    assert personal["ndcg@2"] == pytest.approx((1 + 1 / (1 + 1 / np.log2(3))) / 2, abs=1e-4)
    assert result["next_basket"]["method"]["recall@2"] == pytest.approx(0.75)
    # The popular W and X are in neither basket.
    assert result["next_basket"]["global_top"]["recall@2"] == 0.0

    # Orders after the split with two products: a9, b9, n1. In a9 and n1 the hidden product's
    # partner is given: found first; in b9 either N is hidden (never seen) or nothing known is
    # given (the most popular, W and X, then miss C).
    assert result["complements"]["method"]["hit@2"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["complements"]["global_top"]["hit@2"] == 0.0
    assert result["counts"] == {
        "customers": 11,
        "orders": 23,
        "products": 7,
        "lines": 44,
        "train_lines": 37,
        "next_basket_customers": 2,
        "complement_tasks": 3,
    }
    assert result["train_seconds"] >= 0 and result["query_ms_p95"] > 0


def test_evaluate_is_reproducible_and_refuses_an_empty_side():
    rows = [("a", "o1", "A", "2020-01-01"), ("a", "o1", "B", "2020-01-01"), ("a", "o2", "A", "2020-03-01")]
    rows += [("a", "o2", "B", "2020-03-01"), ("a", "o2", "C", "2020-03-01")]
    frame = _frame(rows)
    first = evaluation.evaluate(frame, split=pd.Timestamp("2020-02-01"), seed=4)
    second = evaluation.evaluate(frame, split=pd.Timestamp("2020-02-01"), seed=4)
    for key in ("next_basket", "complements", "counts"):
        assert first[key] == second[key]
    with pytest.raises(ValueError, match="no line"):
        evaluation.evaluate(frame, split=pd.Timestamp("2021-01-01"))
    with pytest.raises(ValueError, match="no line"):
        evaluation.evaluate(frame, split=pd.Timestamp("2019-01-01"))
    with pytest.raises(ValueError):
        evaluation.evaluate(frame, split=pd.NaT)


# --- the command ------------------------------------------------------------------------------------

NEXT_BASKET_KEYS = {"recall@10", "precision@10", "ndcg@10"}


def _run(**options) -> dict:
    out, err = io.StringIO(), io.StringIO()
    call_command("recommend_eval", stdout=out, stderr=err, **options)
    last = out.getvalue().strip().splitlines()[-1]

    def no_nan(constant):
        raise AssertionError(f"{constant} is not JSON")

    result = json.loads(last, parse_constant=no_nan)
    assert "distinct order lines read" in err.getvalue()
    return result


def _assert_common_keys(result: dict) -> None:
    assert set(result["next_basket"]) == {"method", "personal_top", "global_top"}
    for figures in result["next_basket"].values():
        assert set(figures) == NEXT_BASKET_KEYS
        assert all(0 <= v <= 1 for v in figures.values())
    assert result["complements"] == {
        "method": {"hit@10": result["complements"]["method"]["hit@10"]},
        "global_top": {"hit@10": result["complements"]["global_top"]["hit@10"]},
    }
    assert set(result["counts"]) == {
        "customers",
        "orders",
        "products",
        "lines",
        "train_lines",
        "next_basket_customers",
        "complement_tasks",
    }
    assert set(result["params"]) == {"half_life_days", "neighbours", "alpha", "shrink", "keep"}


@pytest.mark.parametrize("writer", [_write_retail_parquet, _write_retail_csv])
def test_command_online_retail(tmp_path, writer):
    result = _run(orders=writer(tmp_path), split=SPLIT)
    assert set(result) == {"next_basket", "complements", "train_seconds", "query_ms_p95", "counts", "params"}
    _assert_common_keys(result)
    assert result["counts"]["customers"] == 2
    assert result["counts"]["products"] == 4
    assert result["counts"]["next_basket_customers"] == 2
    assert result["counts"]["complement_tasks"] == 2
    # Each customer's next basket is its habit: personal top finds every product.
    assert result["next_basket"]["personal_top"]["recall@10"] == 1.0
    assert result["next_basket"]["method"]["recall@10"] == 1.0
    assert result["params"]["half_life_days"] == evaluation.Params.half_life


def test_command_parameters_reach_the_result(tmp_path):
    result = _run(
        orders=_write_retail_parquet(tmp_path),
        split=SPLIT,
        k=1,
        half_life=30,
        neighbours=5,
        alpha=0.8,
        shrink=1,
    )
    assert set(result["next_basket"]["method"]) == {"recall@1", "precision@1", "ndcg@1"}
    assert result["params"] == {
        "half_life_days": 30.0,
        "neighbours": 5,
        "alpha": 0.8,
        "shrink": 1.0,
        "keep": 10,
    }


def test_command_complete_journey(tmp_path):
    result = _run(orders=_write_complete_journey(tmp_path), split="2017-10-21", format="completejourney")
    assert set(result) == {
        "next_basket",
        "complements",
        "train_seconds",
        "query_ms_p95",
        "counts",
        "params",
        "substitutes",
    }
    _assert_common_keys(result)
    substitutes = result["substitutes"]
    assert set(substitutes) == {"method", "random_same_category", "products", "seconds"}
    assert set(substitutes["method"]) == {"same_type@10"}
    # Products 1 and 4 are bought by 12 households, 2 by 6: only those with 10 buyers are asked;
    # milk (1) has a substitute of its type (2; 3 was never bought before the split), fruit (4) none.
    assert substitutes["products"] == 2
    assert substitutes["method"]["same_type@10"] == 1.0
    assert substitutes["random_same_category"]["same_type@10"] == 1.0


@pytest.mark.parametrize("split", ["hier", "2010-13-45", "2010-02-30", ""])
def test_command_bad_split(tmp_path, split):
    with pytest.raises(CommandError):
        call_command(
            "recommend_eval", orders=_write_retail_parquet(tmp_path), split=split, stdout=io.StringIO()
        )


def test_command_errors(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "recommend_eval", orders=str(tmp_path / "absent.parquet"), split=SPLIT, stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "recommend_eval",
            orders=str(tmp_path / "nowhere"),
            split=SPLIT,
            format="completejourney",
            stdout=io.StringIO(),
        )
    path = _write_retail_parquet(tmp_path)
    with pytest.raises(CommandError, match="no line"):
        call_command("recommend_eval", orders=path, split="2030-01-01", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--k"):
        call_command("recommend_eval", orders=path, split=SPLIT, k=0, stdout=io.StringIO())


def test_evaluate_substitutes_without_any_candidate_is_still_json():
    """Products alone in their category: no substitute, no random pick, and no NaN in the JSON."""
    rows = [(f"c{i}", f"o{i}", p, "2020-01-02") for i in range(12) for p in ("A", "B")]
    rows += [("c0", "late", "A", "2020-03-01"), ("c0", "late", "B", "2020-03-01")]
    products = pd.DataFrame(
        {
            "product": ["A", "B"],
            "product_category": ["MILK", "FRUIT"],
            "product_type": ["WHOLE", "APPLES"],
            "brand": ["National", "National"],
            "package_size": ["1 GA", "3 LB"],
            "manufacturer_id": [1, 2],
        }
    )
    result = evaluation.evaluate(_frame(rows), split=pd.Timestamp("2020-02-01"), products=products)
    assert result["substitutes"]["products"] == 2
    assert result["substitutes"]["method"] == {"same_type@10": 0.0}
    assert result["substitutes"]["random_same_category"] == {"same_type@10": 0.0}
    json.dumps(result, allow_nan=False)
