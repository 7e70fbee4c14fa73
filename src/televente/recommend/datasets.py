"""Order-line files for the offline evaluation: the Online Retail layout (UCI, Parquet or CSV, both
column namings) and The Complete Journey (84.51°). Each loader returns one frame of distinct
(order, product) lines with the columns `customer`, `order`, `product`, `time`, `quantity`, and for
Complete Journey a product table for the substitutes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# Online Retail columns, in their two namings (the UCI "Online Retail" and "Online Retail II" files).
RENAMES = {
    "InvoiceNo": "Invoice",
    "UnitPrice": "Price",
    "CustomerID": "Customer ID",
    "Customer_ID": "Customer ID",
}
REQUIRED = ["Invoice", "StockCode", "Quantity", "InvoiceDate", "Price", "Customer ID"]

# Complete Journey departments that are not products a customer chooses (fuel, coupons, postage...).
CJ_EXCLUDED_DEPARTMENTS = {
    "FUEL",
    "MISCELLANEOUS",
    "COUPON",
    "POSTAL CENTER",
    "CNTRL/STORE SUP",
    "PROD-WHS SALES",
}


class DatasetError(ValueError):
    """A file the evaluation cannot read, with the reason."""


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DatasetError(f"{path}: no such file")
    if path.suffix.lower() in {".parquet", ".pq"}:
        return pd.read_parquet(path)
    for encoding in ("utf-8", "latin-1"):  # the UCI CSV files are Latin-1
        try:
            return pd.read_csv(
                path, encoding=encoding, dtype={"Invoice": str, "InvoiceNo": str, "StockCode": str}
            )
        except UnicodeDecodeError:
            continue
    raise DatasetError(f"{path}: unreadable text encoding")


def load_online_retail(path: str | Path) -> pd.DataFrame:
    """Online Retail lines, cleaned: cancellations (invoice "C..."), returns and free lines (quantity
    or price <= 0), lines without customer and codes that are not products (POST, D, M, DOT,
    BANK CHARGES, ADJUST, AMAZONFEE, gift vouchers...: every product code starts with a digit) are
    dropped. The order's time is its invoice's earliest line."""
    frame = _read(Path(path)).rename(columns=RENAMES)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DatasetError(f"{path}: missing columns {', '.join(missing)}")
    frame = frame[REQUIRED].copy()
    frame["Invoice"] = frame["Invoice"].astype(str).str.strip()
    frame["StockCode"] = frame["StockCode"].astype(str).str.strip().str.upper()
    frame["InvoiceDate"] = pd.to_datetime(frame["InvoiceDate"], dayfirst=False)
    keep = (
        ~frame["Invoice"].str.upper().str.startswith("C")
        & (frame["Quantity"] > 0)
        & (frame["Price"] > 0)
        & frame["Customer ID"].notna()
        & frame["StockCode"].str.match(r"^\d")
    )
    frame = frame[keep]
    lines = pd.DataFrame(
        {
            "customer": frame["Customer ID"].astype("int64").astype(str),
            "order": frame["Invoice"],
            "product": frame["StockCode"],
            "time": frame["InvoiceDate"],
            "quantity": frame["Quantity"].astype("int64"),
        }
    )
    return _distinct(lines)


def load_complete_journey(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Complete Journey baskets (households as customers) and its product table (department,
    product_category, product_type, brand, package_size, manufacturer_id)."""
    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    transactions = _read(folder / "transactions.parquet")
    products = _read(folder / "products.parquet")
    products = products[
        products["department"].notna() & ~products["department"].isin(CJ_EXCLUDED_DEPARTMENTS)
    ]
    frame = transactions[(transactions["quantity"] > 0) & (transactions["sales_value"] > 0)]
    frame = frame[frame["product_id"].isin(products["product_id"])]
    lines = pd.DataFrame(
        {
            "customer": frame["household_id"].astype(str),
            "order": frame["basket_id"].astype(str),
            "product": frame["product_id"].astype(str),
            "time": frame["transaction_timestamp"],
            "quantity": frame["quantity"].astype("int64"),
        }
    )
    products = products.assign(product=products["product_id"].astype(str))
    return _distinct(lines), products


def _distinct(lines: pd.DataFrame) -> pd.DataFrame:
    """One line per (order, product), quantities summed, every line at its order's first time."""
    lines = lines.assign(time=lines.groupby("order")["time"].transform("min"))
    grouped = lines.groupby(["order", "product"], sort=False, as_index=False).agg(
        customer=("customer", "first"), time=("time", "first"), quantity=("quantity", "sum")
    )
    return grouped[["customer", "order", "product", "time", "quantity"]].reset_index(drop=True)
