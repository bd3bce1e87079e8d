"""User layers (用户分层): who the shop's customers are, how they move, and what to do per layer.

Pure functions on the ``orders`` canonical table (see ``docs/user-layers.md`` for every rule):

1. :func:`prepare_orders` — one row per order (an export with one row per SKU line is merged by
   :func:`jdpromo.ingest.order_level`, the repeated 订单金额 taken once), each order classified
   from its 订单状态 and amounts: counted, netted or excluded, with its reason.
2. :func:`build_layers` — one row per customer as of a period's last day: first/last order,
   recency, frequency and net spend (all history and a trailing lookback), 笔单价, coupon share,
   and the four labels (lifecycle, RFM segment, value tier, price sensitivity) from
   :func:`resolve_rules` (thresholds from params, or derived from the shop's own data) and
   :func:`segment` (the labelling, also what the explorer's sliders call).
3. :func:`layer_summary`, :func:`cohort_retention`, :func:`migration`, :func:`action_plan`,
   :func:`audience_lists` — the report's tables.

口径 in one paragraph: an order counts (a purchase) when its status is paid or unknown and it
was not refunded in full; its money is the net amount = 实付金额 (else 订单金额) − 退款金额;
已取消/未付款 orders are excluded; 退款成功 without a 退款金额 is a full refund (excluded);
a refund that exceeds its order's amount (a return record not linked to the order it returns,
e.g. UCI's ``C`` invoices) is netted from its customer's spend on its date without reducing the
order count. Orders without a customer account are counted and reported, never dropped.

Examples
--------
>>> prep = prepare_orders(dataset.table("orders"))                 # doctest: +SKIP
>>> layers = build_layers(prep, period.current, params.users)       # doctest: +SKIP
>>> layer_summary(layers.customers)                                 # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jdpromo.ingest import order_level
from jdpromo.metrics import ratio
from jdpromo.params import UserParams
from jdpromo.text import TEXT, join_list, t

__all__ = [
    "ACTIONS",
    "CUSTOMER_COLUMNS",
    "LIFECYCLE",
    "PRICE_SENSITIVITY",
    "RFM_SEGMENTS",
    "VALUE_TIERS",
    "Layers",
    "PreparedOrders",
    "Rules",
    "action_plan",
    "ad_spend",
    "audience_lists",
    "UPLOAD_SUFFIX",
    "build_layers",
    "classify_status",
    "cohort_retention",
    "display_frame",
    "inter_purchase_gaps",
    "jd_new_customers",
    "label",
    "layer_actions",
    "layer_crosstab",
    "layer_summary",
    "mask_id",
    "migration",
    "migration_text",
    "new_customer_cost",
    "prepare_orders",
    "resolve_rules",
    "rules_text",
    "second_purchase_times",
    "segment",
    "summary_text",
    "survival_quantiles",
    "warnings_text",
    "winback_economics",
]

# --------------------------------------------------------------------------------------------
# Layers and their order (values as written to customer_layers.csv, in Chinese as JD uses them)

LIFECYCLE = ("新用户", "活跃", "沉默", "流失")
RFM_SEGMENTS = (
    "重要价值客户",  # R high, F high, M high
    "重要发展客户",  # R high, F low,  M high
    "重要保持客户",  # R low,  F high, M high
    "重要挽留客户",  # R low,  F low,  M high
    "一般价值客户",  # R high, F high, M low
    "一般发展客户",  # R high, F low,  M low
    "一般保持客户",  # R low,  F high, M low
    "一般挽留客户",  # R low,  F low,  M low
)
VALUE_TIERS = ("高价值", "潜力", "低频")
PRICE_SENSITIVITY = ("价格敏感", "不敏感", "未知")
# Lifecycle layer → text key of the action the job description prescribes for it.
ACTIONS = {
    "新用户": "ul_action_new",
    "活跃": "ul_action_active",
    "沉默": "ul_action_dormant",
    "流失": "ul_action_churned",
}
# Migration: where a customer was before their first purchase / after leaving the table.
NOT_YET = "此前未购买"
LEFT = "已移出"

# RFM code r*4 + f*2 + m (1 = high) → segment.
_RFM_BY_CODE = {
    7: "重要价值客户", 5: "重要发展客户", 3: "重要保持客户", 1: "重要挽留客户",
    6: "一般价值客户", 4: "一般发展客户", 2: "一般保持客户", 0: "一般挽留客户",
}  # fmt: skip

CUSTOMER_COLUMNS = (
    "customer_id", "first_order_at", "last_order_at", "recency_days", "frequency", "monetary",
    "frequency_window", "monetary_window", "aov", "coupon_share", "lifecycle", "rfm_segment",
    "value_tier", "price_sensitivity", "period_orders", "period_revenue", "orders_30d",
    "orders_90d", "purchase_days", "bought_before_data",
)  # fmt: skip
"""Columns of ``tables/customer_layers.csv``, in order."""

# --------------------------------------------------------------------------------------------
# Order statuses (订单状态 as JD exports them)

STATUS_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        ("已完成", "完成", "交易完成", "交易成功", "已签收", "已收货", "已妥投", "等待出库",
         "等待发货", "待发货", "正在出库", "已出库", "已发货", "配送中", "等待确认收货",
         "等待收货", "待收货", "已付款", "付款成功", "待出库", "等待自提", "上门自提",
         "退款中", "退货中", "售后中"),
        "paid",
    ),
    **dict.fromkeys(
        ("已取消", "取消", "订单取消", "交易取消", "交易关闭", "已关闭", "订单关闭", "已删除",
         "删除", "取消成功"),
        "cancelled",
    ),
    **dict.fromkeys(("等待付款", "待付款", "未付款", "等待付款确认", "待支付"), "unpaid"),
    **dict.fromkeys(
        ("退款成功", "已退款", "退款完成", "退货完成", "已退货", "退货成功", "全部退款",
         "退款退货成功"),
        "refunded",
    ),
}  # fmt: skip
"""Known 订单状态 → class: ``paid`` (counted; a refund still in progress counts until it
succeeds), ``cancelled`` and ``unpaid`` (excluded), ``refunded`` (netted, see the module doc).
Any other status is ``unknown``: counted as a purchase and listed in the report."""

# Order kinds (reasons), in the order of the accounting table.
KINDS = (
    "purchase", "unknown_status", "partial_refund", "refund_record", "refunded", "cancelled",
    "unpaid", "no_customer", "no_date", "after_end", "customer_excluded",
)  # fmt: skip
_K = {k: i for i, k in enumerate(KINDS)}
_PURCHASE_KINDS = (_K["purchase"], _K["unknown_status"], _K["partial_refund"])
_USED_KINDS = (*_PURCHASE_KINDS, _K["refund_record"])
_EPS = 0.005  # half a fen: amounts closer than this are equal
_EPOCH = dt.date(1970, 1, 1)


def _distinct(key: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (a sort and a compare: faster than np.unique)."""
    key = np.sort(key)
    return key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key


def _day(date: dt.date) -> int:
    """Days since 1970-01-01 (the integer day used throughout)."""
    return (date - _EPOCH).days


def _date(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day))


def classify_status(status: pd.Series) -> pd.Series:
    """Class of each 订单状态: ``paid``, ``cancelled``, ``unpaid``, ``refunded`` or ``unknown``.

    Matching ignores surrounding spaces; an empty status is ``unknown``.
    """
    codes, uniques = pd.factorize(status, use_na_sentinel=True)
    classes = np.array(
        [STATUS_CLASSES.get(str(u).strip(), "unknown") for u in uniques] + ["unknown"],
        dtype=object,
    )
    return pd.Series(classes[codes], index=status.index, dtype="str")


# --------------------------------------------------------------------------------------------
# 1. Orders


@dataclass
class PreparedOrders:
    """Orders at one row per order, classified. Arrays are aligned, one element per order.

    Attributes
    ----------
    order_id
        订单号 as exported (text).
    customer_ids
        Distinct 下单帐号 as exported (text); ``cust`` indexes into it.
    cust
        Customer index per order; -1 when the order has no account (empty 下单帐号).
    day
        Order day, days since 1970-01-01 (Asia/Shanghai calendar day of 下单时间).
    ordered_at
        下单时间, ``datetime64[ns]``.
    kind
        Index into :data:`KINDS` before the period cut (``after_end`` and ``customer_excluded``
        are set by :func:`build_layers`).
    amount
        订单金额 as exported (元; 0 where empty).
    base
        Money of the order before refunds: 实付金额, else 订单金额 (元).
    coupon
        优惠金额 (元; 0 where empty).
    refund
        Refund deducted (元): 退款金额 when exported and > 0, else the whole ``base`` for a
        ``refunded`` status, else 0.
    net
        ``base − refund`` (元); negative for a refund record.
    lines
        SKU lines of the export merged into the order.
    statuses
        One row per 订单状态 as exported: ``status, status_class, orders, lines``.
    masked_orders
        Orders whose account is masked (contains ``**``, e.g. ``jd_****``).
    has_coupon
        Whether the export has 优惠金额 values (else price sensitivity is unknown).
    rows_read
        Rows of the input (SKU lines, or orders when already one row per order).
    """

    order_id: pd.api.extensions.ExtensionArray | np.ndarray
    customer_ids: pd.Index
    cust: np.ndarray
    day: np.ndarray
    ordered_at: np.ndarray
    kind: np.ndarray
    amount: np.ndarray
    base: np.ndarray
    coupon: np.ndarray
    refund: np.ndarray
    net: np.ndarray
    lines: np.ndarray
    statuses: pd.DataFrame
    masked_orders: int
    has_coupon: bool
    rows_read: int

    @property
    def data_start(self) -> dt.date | None:
        """First order day in the export (any status, any customer)."""
        ok = self.kind != _K["no_date"]
        return _date(self.day[ok].min()) if ok.any() else None

    @property
    def data_end(self) -> dt.date | None:
        """Last order day in the export."""
        ok = self.kind != _K["no_date"]
        return _date(self.day[ok].max()) if ok.any() else None

    def table(self) -> pd.DataFrame:
        """The orders as a DataFrame with their kind as text (for analysts; no period cut)."""
        ids = np.asarray(self.customer_ids, dtype=object)
        cid = np.full(len(self.cust), None, dtype=object)
        has = self.cust >= 0
        cid[has] = ids[self.cust[has]]
        return pd.DataFrame(
            {
                "order_id": self.order_id,
                "customer_id": cid,
                "ordered_at": self.ordered_at,
                "kind": np.asarray(KINDS, dtype=object)[self.kind],
                "amount": self.amount,
                "base": self.base,
                "coupon": self.coupon,
                "refund": self.refund,
                "net": self.net,
                "lines": self.lines,
            }
        )


_ORDER_COLUMNS = (
    "order_id", "customer_id", "ordered_at", "status", "amount", "paid_amount", "coupon_amount",
    "refund_amount", "source_file", "row",
)  # fmt: skip
"""Columns of the ``orders`` table :func:`prepare_orders` reads (``source_file``/``row`` name
the line of an inconsistent order)."""


def _money(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def prepare_orders(orders: pd.DataFrame) -> PreparedOrders:
    """Classify every order of an ``orders`` table (see the module docstring for the rules).

    Parameters
    ----------
    orders
        The canonical ``orders`` table (``Dataset.table("orders")`` or ``read_export(...)
        .frame``), one row per SKU line or per order. A frame that already has the ``lines``
        column of :func:`jdpromo.ingest.order_level` is taken as one row per order.

    Returns
    -------
    PreparedOrders

    Raises
    ------
    jdpromo.errors.InputError
        Two lines of one order state different 订单金额 (from ``order_level``).
    """
    rows_read = int(orders["lines"].sum()) if "lines" in orders else len(orders)
    if "lines" not in orders:
        # Only the columns used here (and the file and row an error names): merging the SKU
        # lines' other columns (商品名称 …) would cost time and memory for nothing.
        orders = order_level(orders[[c for c in orders.columns if c in _ORDER_COLUMNS]])
    n = len(orders)
    ids = orders["customer_id"]
    cust, uniques = pd.factorize(ids, use_na_sentinel=True)
    cust = cust.astype(np.int64)
    uniques = pd.Index(uniques)
    blank = np.flatnonzero(uniques.astype("str").str.strip() == "")
    if len(blank):
        cust[np.isin(cust, blank)] = -1
    masked_u = np.asarray(uniques.astype("str").str.contains("**", regex=False), dtype=bool)
    masked_orders = int(masked_u[cust[cust >= 0]].sum()) if len(uniques) else 0

    status = orders["status"] if "status" in orders else pd.Series([None] * n, dtype="str")
    s_codes, s_uniques = pd.factorize(status, use_na_sentinel=True)
    # Classes per distinct status (small ints), then per order by indexing: no string work
    # per order. Code -1 (no status) maps to the last entry, "unknown".
    class_names = ("paid", "cancelled", "unpaid", "refunded", "unknown")
    u_class = [STATUS_CLASSES.get(str(u).strip(), "unknown") for u in s_uniques] + ["unknown"]
    s_class = np.array([class_names.index(c) for c in u_class], dtype=np.int8)[s_codes]
    lines = (
        orders["lines"].to_numpy(dtype=np.int64)
        if "lines" in orders
        else np.ones(n, dtype=np.int64)
    )
    slot = np.where(s_codes < 0, len(s_uniques), s_codes)
    statuses = pd.DataFrame(
        {
            "status": [*map(str, s_uniques), "（空）"],
            "status_class": u_class,
            "orders": np.bincount(slot, minlength=len(s_uniques) + 1).astype(np.int64),
            "lines": np.bincount(slot, weights=lines, minlength=len(s_uniques) + 1).astype(
                np.int64
            ),
        }
    )
    statuses = (
        statuses[statuses["orders"] > 0]
        .sort_values("orders", ascending=False, kind="stable")
        .reset_index(drop=True)
    )

    amount = _money(orders, "amount")
    paid = _money(orders, "paid_amount")
    coupon_raw = _money(orders, "coupon_amount")
    refund_col = _money(orders, "refund_amount")
    has_coupon = bool(np.isfinite(coupon_raw).any())
    base = np.where(np.isnan(paid), amount, paid)
    base = np.nan_to_num(base, nan=0.0)
    amount = np.nan_to_num(amount, nan=0.0)
    coupon = np.nan_to_num(coupon_raw, nan=0.0)
    stated = np.nan_to_num(refund_col, nan=0.0) > 0
    is_refunded = s_class == class_names.index("refunded")
    refund = np.where(stated, np.nan_to_num(refund_col, nan=0.0), np.where(is_refunded, base, 0.0))
    net = base - refund

    ordered_at = orders["ordered_at"].to_numpy(dtype="datetime64[ns]")
    no_date = np.isnat(ordered_at)
    day = ordered_at.astype("datetime64[D]").astype(np.int64)
    day[no_date] = 0

    kind = np.full(n, _K["purchase"], dtype=np.int8)
    kind[s_class == class_names.index("unknown")] = _K["unknown_status"]
    refunded_any = stated | is_refunded
    kind[refunded_any & (net > _EPS)] = _K["partial_refund"]
    kind[refunded_any & (np.abs(net) <= _EPS)] = _K["refunded"]
    kind[is_refunded & ~stated] = _K["refunded"]
    kind[refunded_any & (net < -_EPS)] = _K["refund_record"]
    kind[s_class == class_names.index("unpaid")] = _K["unpaid"]
    kind[s_class == class_names.index("cancelled")] = _K["cancelled"]
    kind[cust < 0] = _K["no_customer"]
    kind[no_date] = _K["no_date"]
    return PreparedOrders(
        order_id=orders["order_id"].array,
        customer_ids=uniques,
        cust=cust,
        day=day,
        ordered_at=ordered_at,
        kind=kind,
        amount=amount,
        base=base,
        coupon=coupon,
        refund=refund,
        net=net,
        lines=lines,
        statuses=statuses,
        masked_orders=masked_orders,
        has_coupon=has_coupon,
        rows_read=rows_read,
    )


# --------------------------------------------------------------------------------------------
# 2. Rules and customers


@dataclass(frozen=True)
class Rules:
    """The thresholds a segmentation used, resolved to numbers (days, orders, 元, fractions).

    ``*_source`` says where a number came from: ``"params"`` (the shop's params),
    ``"gaps"`` (quantiles of the shop's inter-purchase gaps), ``"fallback"`` (too few gaps:
    the fallback params), ``"quantile"`` (a quantile of the customers' net spend) or
    ``"lifecycle"`` (the RFM recency cut defaults to the 活跃 threshold of the customer's kind,
    repeat or one-time); ``once_source`` for the one-time buyers' thresholds (below).
    """

    lookback_days: int
    active_days: int
    churn_days: int
    threshold_source: str
    thresholds_from_params: tuple[str, ...]
    n_gaps: int
    active_gap_quantile: float
    churn_gap_quantile: float
    active_gap_days: float
    churn_gap_days: float
    min_gaps: int
    clamped_to_period: bool
    rfm_basis: str
    rfm_recency_days: int
    rfm_recency_source: str
    rfm_frequency_cut: int
    rfm_monetary_cut: float
    rfm_monetary_source: str
    rfm_monetary_quantile: float
    value_min_orders: int
    value_monetary_cut: float
    value_monetary_source: str
    value_monetary_quantile: float
    coupon_share_threshold: float
    # One-time buyers (one purchase day): their own 活跃/流失 thresholds in days since that
    # purchase (``None``: the repeat buyers' ``active_days``/``churn_days``). ``once_source``:
    # ``"params"`` (users.once_*), ``"same_params"`` (the shop set active_days and churn_days:
    # they apply to everyone), ``"survival"`` (time to a second purchase, Kaplan–Meier) or
    # ``"same"`` (too few second purchases: the repeat buyers' thresholds).
    once_active_days: int | None = None
    once_churn_days: int | None = None
    once_source: str = "same"
    once_from_params: tuple[str, ...] = ()
    once_active_quantile: float = 0.5
    once_churn_quantile: float = 0.8
    once_active_estimate: float = math.nan
    once_churn_estimate: float = math.nan
    n_second: int = 0
    n_first: int = 0
    second_share: float = math.nan
    second_within_days: int = 0
    once_clamped: bool = False

    @property
    def once_active(self) -> int:
        """活跃 threshold of one-time buyers (days since their one purchase day)."""
        return self.active_days if self.once_active_days is None else self.once_active_days

    @property
    def once_churn(self) -> int:
        """流失 threshold of one-time buyers (beyond this many days)."""
        return self.churn_days if self.once_churn_days is None else self.once_churn_days


@dataclass
class Layers:
    """A segmentation as of one period's last day.

    Attributes
    ----------
    customers
        One row per customer with a counted order up to ``end`` (:data:`CUSTOMER_COLUMNS`).
    rules
        The thresholds used.
    accounting
        One row per order kind: ``order_treatment, orders, lines, customers, amount,
        net_amount`` — every order and every input line exactly once.
    customer_accounting
        ``group, customers``: every distinct account of the export exactly once
        (``in_table``, ``no_purchase``, ``net_nonpositive``, ``later_only``).
    start, end
        The period's first and last day.
    data_start
        First order day in the export (any status).
    purchases
        Counted orders of the customers in the table: ``row`` (index into ``customers``),
        ``day``, ``net`` — for cohorts.
    masked_orders, no_customer_orders, no_customer_amount
        Orders with a masked account; orders (up to ``end``) without an account and their
        订单金额 (元).
    unknown_statuses
        订单状态 values not recognised (counted as purchases).
    """

    customers: pd.DataFrame
    rules: Rules
    accounting: pd.DataFrame
    customer_accounting: pd.DataFrame
    start: dt.date
    end: dt.date
    data_start: dt.date | None
    purchases: pd.DataFrame
    masked_orders: int = 0
    no_customer_orders: int = 0
    no_customer_amount: float = 0.0
    unknown_statuses: list[str] = field(default_factory=list)

    @property
    def history_days(self) -> int:
        """Days of order history before the period's first day (0 when none)."""
        if self.data_start is None:
            return 0
        return max((self.start - self.data_start).days, 0)


def inter_purchase_gaps(cust: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days between a customer's consecutive purchase days.

    Parameters
    ----------
    cust, day
        Customer index and order day (integer days) of each counted order.

    Returns
    -------
    numpy.ndarray
        One gap (≥ 1 day) per pair of consecutive *distinct* purchase days of one customer:
        two orders on the same day are one purchase day (split orders are not a repurchase).
    """
    if len(day) < 2:
        return np.zeros(0, dtype=np.int64)
    return _gaps(*_customer_days(cust, day))


def _customer_days(cust: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (customer, purchase day) pairs, sorted by customer then day."""
    if not len(day):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lo = int(day.min())
    span = int(day.max()) - lo + 1
    key = _distinct(cust.astype(np.int64) * span + (day.astype(np.int64) - lo))
    return key // span, key % span + lo


def _gaps(who: np.ndarray, d: np.ndarray) -> np.ndarray:
    return np.diff(d)[who[1:] == who[:-1]] if len(d) > 1 else np.zeros(0, dtype=np.int64)


def second_purchase_times(
    cust: np.ndarray, day: np.ndarray, end_day: int, skip: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Days from each customer's first purchase day to their second (or to the period's end).

    Parameters
    ----------
    cust, day
        Customer index and order day (integer days) of each counted order up to ``end_day``.
    end_day
        The period's last day (integer days).
    skip
        Optional boolean per customer index: customers left out (those whose first order in
        the data is not their first purchase, see ``bought_before_data``).

    Returns
    -------
    times, observed
        One element per customer: ``times`` = days from the first to the second distinct
        purchase day when there is one (``observed`` True), else days from the first purchase
        day to ``end_day`` (``observed`` False: still waiting, censored). Two orders on one day
        are one purchase day, as in :func:`inter_purchase_gaps`.
    """
    return _second_times(*_customer_days(cust, day), end_day, skip)


def _second_times(
    who: np.ndarray, d: np.ndarray, end_day: int, skip: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    if not len(d):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    first = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
    nxt = first + 1
    has2 = nxt < len(d)
    has2[has2] = who[nxt[has2]] == who[first[has2]]
    times = np.where(has2, d[np.minimum(nxt, len(d) - 1)] - d[first], end_day - d[first])
    if skip is not None:
        keep = ~skip[who[first]]
        times, has2 = times[keep], has2[keep]
    return times.astype(np.int64), has2


def survival_quantiles(
    times: np.ndarray, observed: np.ndarray, quantiles: tuple[float, ...]
) -> dict[str, object]:
    """When second purchases happen, corrected for customers still waiting (Kaplan–Meier).

    The Kaplan–Meier estimate of the share of first-time buyers who have bought a second time
    *t* days after their first purchase, F(t) = 1 − Π_{u ≤ t} (1 − d(u) / n(u)), with d(u)
    second purchases on day u and n(u) customers still waiting then (second purchase on or
    after u, or followed up for at least u days). A customer whose first purchase was recent
    counts only for the days they have been watched, so a young shop's short history does not
    read as "they all come back fast".

    Parameters
    ----------
    times, observed
        :func:`second_purchase_times`.
    quantiles
        Shares q of the second purchases that happen (0 < q < 1).

    Returns
    -------
    dict
        ``days``: per q, the first day u on which F(u) ≥ q · F(τ), where τ is the last day
        with a second purchase and F(τ) the share of first-time buyers estimated to buy again
        within τ days (``share``, ``tau``); ``n_events`` second purchases observed, ``n``
        first-time buyers. ``days`` are NaN without any second purchase.
    """
    times = np.asarray(times, dtype=np.int64)
    observed = np.asarray(observed, dtype=bool)
    n_events = int(observed.sum())
    out: dict[str, object] = {"n": int(len(times)), "n_events": n_events}
    if not n_events:
        return {**out, "days": [math.nan] * len(quantiles), "share": math.nan, "tau": 0}
    ev, d = np.unique(times[observed], return_counts=True)
    at_risk = len(times) - np.searchsorted(np.sort(times), ev, side="left")
    f = 1.0 - np.cumprod(1.0 - d / at_risk)
    rel = f / f[-1]
    days = [float(ev[min(np.searchsorted(rel, q - 1e-9, side="left"), len(ev) - 1)])
            for q in quantiles]  # fmt: skip
    return {**out, "days": days, "share": float(f[-1]), "tau": int(ev[-1])}


def resolve_rules(
    customers: pd.DataFrame,
    gaps: np.ndarray,
    period_days: int,
    params: UserParams,
    second: tuple[np.ndarray, np.ndarray] | None = None,
) -> Rules:
    """Turn the params into numbers for this shop and period.

    Parameters
    ----------
    customers
        The customer metrics (``frequency``, ``monetary``, ``frequency_window``,
        ``monetary_window``) of the customers in the table.
    gaps
        :func:`inter_purchase_gaps` of their purchases up to the period's last day.
    period_days
        Length of the period in days.
    params
        The shop's :class:`~jdpromo.params.UserParams`.
    second
        :func:`second_purchase_times` of the customers (time from the first purchase to the
        second): the one-time buyers' thresholds. ``None``: they use the repeat buyers'.

    Returns
    -------
    Rules
        Lifecycle of repeat buyers: ``active_days``/``churn_days`` from params when both are
        set; else the ``active_gap_quantile`` (80th) and ``churn_gap_quantile`` (95th)
        percentiles of the gaps, rounded up to whole days, when there are at least
        ``min_gaps`` gaps; else the fallback params. Lifecycle of one-time buyers:
        ``once_active_days``/``once_churn_days`` from params when set; else the repeat
        buyers' thresholds when the shop set both ``active_days`` and ``churn_days``; else the
        days by which ``once_active_quantile`` (50%) and ``once_churn_quantile`` (80%) of the
        second purchases that happen have happened (:func:`survival_quantiles`) when at least
        ``min_gaps`` second purchases are observed; else the repeat buyers' thresholds.
        A derived 活跃 threshold is raised to the period's length (so that everyone who
        bought in the period is 新用户 or 活跃) and 流失 stays above it.
        RFM: recency cut = ``rfm_recency_days`` or the 活跃 threshold; frequency cut from
        params (≥ 2 orders); money cut = ``rfm_monetary_cut`` or the ``rfm_monetary_quantile``
        (median) of net spend. Value tier: ``value_monetary_cut`` or its quantile (80th).
    """
    n_gaps = int(len(gaps))
    q1, q2 = params.active_gap_quantile, params.churn_gap_quantile
    g1 = float(np.quantile(gaps, q1)) if n_gaps else math.nan
    g2 = float(np.quantile(gaps, q2)) if n_gaps else math.nan
    clamped = False
    given = tuple(k for k in ("active_days", "churn_days") if getattr(params, k) is not None)
    if len(given) == 2:
        active, churn, source = params.active_days, params.churn_days, "params"
    else:
        if n_gaps >= params.min_gaps:
            active, churn, source = math.ceil(g1), math.ceil(g2), "gaps"
        else:
            active, churn = params.fallback_active_days, params.fallback_churn_days
            source = "fallback"
        if params.active_days is not None:
            active = params.active_days
        elif active < period_days:
            active, clamped = period_days, True
        if params.churn_days is not None:
            churn = params.churn_days
        churn = max(churn, active + 1)

    # One-time buyers: days since their one purchase day by which most second purchases
    # that happen have happened.
    qa, qc = params.once_active_quantile, params.once_churn_quantile
    times, observed = second if second is not None else (np.zeros(0), np.zeros(0, dtype=bool))
    km = survival_quantiles(times, observed, (qa, qc))
    given_once = tuple(
        k for k in ("once_active_days", "once_churn_days") if getattr(params, k) is not None
    )
    once_clamped = False
    if len(given_once) == 2:
        o_active, o_churn, o_source = params.once_active_days, params.once_churn_days, "params"
    elif not given_once and len(given) == 2:
        o_active, o_churn, o_source = active, churn, "same_params"
    else:
        if second is not None and km["n_events"] >= params.min_gaps:
            o_active, o_churn = (math.ceil(x) for x in km["days"])
            o_source = "survival"
        else:
            o_active, o_churn, o_source = active, churn, "same"
        if params.once_active_days is not None:
            o_active = params.once_active_days
        elif o_source == "survival" and o_active < period_days:
            o_active, once_clamped = period_days, True
        if params.once_churn_days is not None:
            o_churn = params.once_churn_days
        o_churn = max(o_churn, o_active + 1)
    money_col = "monetary" if params.rfm_basis == "history" else "monetary_window"
    money = customers[money_col].to_numpy(dtype=float) if len(customers) else np.zeros(0)

    def cut(value: float | None, q: float, values: np.ndarray) -> tuple[float, str]:
        if value is not None:
            return float(value), "params"
        if not len(values):
            return 0.0, "quantile"
        return round(float(np.quantile(values, q)), 2), "quantile"

    m_cut, m_source = cut(params.rfm_monetary_cut, params.rfm_monetary_quantile, money)
    history = customers["monetary"].to_numpy(dtype=float) if len(customers) else np.zeros(0)
    v_cut, v_source = cut(params.value_monetary_cut, params.value_monetary_quantile, history)
    if params.rfm_recency_days is not None:
        r_days, r_source = params.rfm_recency_days, "params"
    else:
        r_days, r_source = active, "lifecycle"
    return Rules(
        lookback_days=params.lookback_days,
        active_days=int(active),
        churn_days=int(churn),
        threshold_source=source,
        thresholds_from_params=given,
        n_gaps=n_gaps,
        active_gap_quantile=q1,
        churn_gap_quantile=q2,
        active_gap_days=g1,
        churn_gap_days=g2,
        min_gaps=params.min_gaps,
        clamped_to_period=clamped,
        rfm_basis=params.rfm_basis,
        rfm_recency_days=int(r_days),
        rfm_recency_source=r_source,
        rfm_frequency_cut=params.rfm_frequency_cut,
        rfm_monetary_cut=m_cut,
        rfm_monetary_source=m_source,
        rfm_monetary_quantile=params.rfm_monetary_quantile,
        value_min_orders=params.value_min_orders,
        value_monetary_cut=v_cut,
        value_monetary_source=v_source,
        value_monetary_quantile=params.value_monetary_quantile,
        coupon_share_threshold=params.coupon_share_threshold,
        once_active_days=int(o_active),
        once_churn_days=int(o_churn),
        once_source=o_source,
        once_from_params=given_once,
        once_active_quantile=qa,
        once_churn_quantile=qc,
        once_active_estimate=float(km["days"][0]),
        once_churn_estimate=float(km["days"][1]),
        n_second=int(km["n_events"]),
        n_first=int(km["n"]),
        second_share=float(km["share"]),
        second_within_days=int(km["tau"]),
        once_clamped=once_clamped,
    )


def segment(customers: pd.DataFrame, rules: Rules, start: dt.date) -> pd.DataFrame:
    """Label each customer with lifecycle, RFM segment, value tier and price sensitivity.

    Parameters
    ----------
    customers
        Customer metrics: ``first_order_at, recency_days, frequency, monetary,
        frequency_window, monetary_window, coupon_share`` and, when present,
        ``purchase_days`` (else ``frequency`` stands in) and ``bought_before_data`` (else
        False).
    rules
        Thresholds (from :func:`resolve_rules`, or changed by the explorer's sliders).
    start
        The period's first day.

    Returns
    -------
    pandas.DataFrame
        A copy with ``lifecycle``, ``rfm_segment``, ``value_tier``, ``price_sensitivity``
        (categoricals in the order of :data:`LIFECYCLE` …):

        * lifecycle: 新用户 = first counted order on or after ``start`` (none before it in the
          data) and no return record before it (``bought_before_data``: they bought before
          the data starts); else by ``recency_days`` against the thresholds of the
          customer's kind — repeat buyers (≥ 2 purchase days, or ``bought_before_data``):
          活跃 when ``≤ active_days``, 沉默 when ``≤ churn_days``, 流失 beyond; one-time
          buyers (one purchase day): the same with ``once_active``/``once_churn``.
        * rfm_segment: R high = ``recency_days ≤ rfm_recency_days``, or, when that cut is
          the lifecycle's (``rfm_recency_source == "lifecycle"``), ≤ the 活跃 threshold of
          the customer's kind (R high = 新用户 or 活跃); F high = frequency ≥
          ``rfm_frequency_cut``; M high = net spend ≥ ``rfm_monetary_cut`` (F and M over all
          history, or the lookback when ``rfm_basis == "window"``); the 8 R/F/M combinations.
        * value_tier: 高价值 = frequency ≥ ``value_min_orders`` and net spend ≥
          ``value_monetary_cut``; 潜力 = one of the two; 低频 = neither.
        * price_sensitivity: 价格敏感 when coupon_share ≥ ``coupon_share_threshold``, 不敏感
          below, 未知 when the export has no 优惠金额.
    """
    out = customers.copy()
    for col, values in _labels(out, rules, start).items():
        out[col] = values
    return out


def _labels(out, rules: Rules, start: dt.date) -> dict[str, pd.Categorical]:
    """The four labels of :func:`segment` from the metric columns of ``out`` (a frame, or a
    mapping of column name → Series), which is only read."""
    labels = {}
    n = len(out["recency_days"])
    first = pd.to_datetime(out["first_order_at"]).to_numpy(dtype="datetime64[D]")
    before = np.zeros(n, dtype=bool)
    if "bought_before_data" in out:
        flag = out["bought_before_data"]
        if pd.api.types.is_bool_dtype(flag):
            before = flag.to_numpy(dtype=bool)
        else:  # e.g. read back from customer_layers.csv
            before = flag.astype(str).str.strip().str.lower().isin(("true", "1")).to_numpy()
    new = (first >= np.datetime64(start, "D")) & ~before
    days = out["purchase_days" if "purchase_days" in out else "frequency"].to_numpy()
    once = (days <= 1) & ~before
    act = np.where(once, rules.once_active, rules.active_days)
    chn = np.where(once, rules.once_churn, rules.churn_days)
    rec = out["recency_days"].to_numpy(dtype=np.int64)
    life = np.where(new, 0, np.where(rec <= act, 1, np.where(rec <= chn, 2, 3)))
    labels["lifecycle"] = pd.Categorical.from_codes(life.astype(np.int8), LIFECYCLE)

    window = rules.rfm_basis == "window"
    f = out["frequency_window" if window else "frequency"].to_numpy(dtype=float)
    m = out["monetary_window" if window else "monetary"].to_numpy(dtype=float)
    r_cut = act if rules.rfm_recency_source == "lifecycle" else rules.rfm_recency_days
    code = (
        (rec <= r_cut).astype(np.int8) * 4
        + (f >= rules.rfm_frequency_cut).astype(np.int8) * 2
        + (m >= rules.rfm_monetary_cut - 1e-9).astype(np.int8)
    )
    lookup = np.array([RFM_SEGMENTS.index(_RFM_BY_CODE[c]) for c in range(8)], dtype=np.int8)
    labels["rfm_segment"] = pd.Categorical.from_codes(lookup[code] if n else code, RFM_SEGMENTS)

    freq = out["frequency"].to_numpy(dtype=float)
    money = out["monetary"].to_numpy(dtype=float)
    often = freq >= rules.value_min_orders
    big = money >= rules.value_monetary_cut - 1e-9
    tier = np.where(often & big, 0, np.where(often | big, 1, 2)).astype(np.int8)
    labels["value_tier"] = pd.Categorical.from_codes(tier, VALUE_TIERS)

    share = out["coupon_share"].to_numpy(dtype=float)
    sens = np.where(
        np.isnan(share), 2, np.where(share >= rules.coupon_share_threshold - 1e-12, 0, 1)
    ).astype(np.int8)
    labels["price_sensitivity"] = pd.Categorical.from_codes(sens, PRICE_SENSITIVITY)
    return labels


def build_layers(
    prepared: PreparedOrders, period, params: UserParams, rules: Rules | None = None
) -> Layers:
    """One row per customer as of ``period.end``, labelled (see :func:`segment`).

    Parameters
    ----------
    prepared
        :func:`prepare_orders` of the shop's order export.
    period
        A :class:`~jdpromo.periods.Period` (``start``/``end`` dates, ``days``): orders after its
        last day are not seen; 新用户 are those whose first purchase lies in it.
    params
        The shop's user params.
    rules
        Reuse thresholds (e.g. the current period's for the previous period's snapshot, so that
        migration compares like with like); ``None`` resolves them from ``params`` and the data.

    Returns
    -------
    Layers
        Customer columns (:data:`CUSTOMER_COLUMNS`): ``recency_days`` = days from the last
        purchase day to ``period.end``; ``frequency``/``monetary`` = counted orders and net
        spend (元) in all the data up to ``period.end``; ``*_window`` = the same over the
        ``lookback_days`` days ending on ``period.end``; ``aov`` (笔单价) = monetary /
        frequency; ``coupon_share`` = Σ优惠金额 / Σ(实付 + 优惠) over the counted orders;
        ``period_orders``/``period_revenue`` = within the period; ``orders_30d``/
        ``orders_90d`` = counted orders in the trailing 30/90 days; ``purchase_days`` =
        distinct days with a counted order (1: a one-time buyer); ``bought_before_data`` =
        a return record (refund not linked to an order) dated before the first counted
        order: the customer bought before the data starts, so is neither 新用户 nor a
        one-time buyer.
        A customer is in the table when they have a counted order up to ``period.end`` and
        their net spend is above 0 — or 0 without any refund (zero-amount orders). Customers
        whose refunds net their spend to ≤ 0 and those with only cancelled, unpaid or refunded
        orders are counted in ``customer_accounting``.
    """
    start, end = period.start, period.end
    s_day, e_day = _day(start), _day(end)
    p = prepared
    n_c = len(p.customer_ids)
    kind = p.kind.copy()
    dated = kind != _K["no_date"]
    kind[dated & (p.day > e_day)] = _K["after_end"]

    used = np.isin(kind, _USED_KINDS)
    purchase = np.isin(kind, _PURCHASE_KINDS)
    cu, du, nu = p.cust[used], p.day[used], p.net[used]
    freq = np.bincount(p.cust[purchase], minlength=n_c)
    money = np.bincount(cu, weights=nu, minlength=n_c)
    netted = used & np.isin(kind, (_K["partial_refund"], _K["refund_record"]))
    had_refund = np.bincount(p.cust[netted], minlength=n_c) > 0
    in_table = (freq > 0) & ~((money <= _EPS) & had_refund)

    # Customer accounting: every account of the export exactly once.
    has_cust = p.cust >= 0
    seen = np.bincount(p.cust[has_cust], minlength=n_c) > 0
    seen_by_end = np.bincount(p.cust[has_cust & dated & (p.day <= e_day)], minlength=n_c) > 0
    customer_accounting = pd.DataFrame(
        {
            "group": ["in_table", "no_purchase", "net_nonpositive", "later_only"],
            "customers": [
                int(in_table.sum()),
                int((seen_by_end & (freq == 0)).sum()),
                int(((freq > 0) & ~in_table).sum()),
                int((seen & ~seen_by_end).sum()),
            ],
        }
    )
    excluded_order = used & ~in_table[np.maximum(p.cust, 0)]
    kind[excluded_order] = _K["customer_excluded"]
    used &= ~excluded_order
    purchase &= ~excluded_order

    # Metrics per customer (bincount over customer indices; only table rows are kept).
    pc_, pd_ = p.cust[purchase], p.day[purchase]
    t_ns = p.ordered_at[purchase].astype(np.int64)
    first_ns = np.full(n_c, np.iinfo(np.int64).max)
    last_ns = np.full(n_c, np.iinfo(np.int64).min)
    np.minimum.at(first_ns, pc_, t_ns)
    np.maximum.at(last_ns, pc_, t_ns)
    last_day = np.full(n_c, np.iinfo(np.int64).min)
    np.maximum.at(last_day, pc_, pd_)
    # A return record dated before the customer's first counted order returns an order the
    # data does not hold: they bought before the data starts (not new, not a one-time buyer).
    rr = used & (kind == _K["refund_record"])
    first_rr = np.full(n_c, np.iinfo(np.int64).max)
    np.minimum.at(first_rr, p.cust[rr], p.ordered_at[rr].astype(np.int64))
    before_data = first_rr < first_ns
    who_days, days_ = _customer_days(pc_, pd_)
    n_days = np.bincount(who_days, minlength=n_c)

    cu, du, nu = p.cust[used], p.day[used], p.net[used]
    w0 = e_day - params.lookback_days + 1
    in_w = du >= w0
    in_p = du >= s_day
    pw = pd_ >= w0
    pp = pd_ >= s_day

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(pc_[mask], minlength=n_c)

    def total(mask: np.ndarray) -> np.ndarray:
        return np.bincount(cu[mask], weights=nu[mask], minlength=n_c)

    coupon = np.bincount(pc_, weights=p.coupon[purchase], minlength=n_c)
    gross = np.bincount(pc_, weights=p.base[purchase] + p.coupon[purchase], minlength=n_c)

    rows = np.flatnonzero(in_table)
    freq_t = freq[rows].astype(np.int64)
    money_t = np.round(money[rows], 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(gross[rows] > 0, coupon[rows] / gross[rows], np.nan)
    if not p.has_coupon:
        share = np.full(len(rows), np.nan)
    metrics = {
            "customer_id": pd.Series(p.customer_ids.take(rows), dtype="str").to_numpy(),
            "first_order_at": first_ns[rows].view("datetime64[ns]"),
            "last_order_at": last_ns[rows].view("datetime64[ns]"),
            "recency_days": (e_day - last_day[rows]).astype(np.int64),
            "frequency": freq_t,
            "monetary": money_t,
            "frequency_window": count(pw)[rows].astype(np.int64),
            "monetary_window": np.round(total(in_w)[rows], 2),
            "aov": ratio(money_t, freq_t.astype(float)),
            "coupon_share": share,
            "period_orders": count(pp)[rows].astype(np.int64),
            "period_revenue": np.round(total(in_p)[rows], 2),
            "orders_30d": count(pd_ >= e_day - 29)[rows].astype(np.int64),
            "orders_90d": count(pd_ >= e_day - 89)[rows].astype(np.int64),
            "purchase_days": n_days[rows].astype(np.int64),
            "bought_before_data": before_data[rows],
    }  # fmt: skip
    remap = np.full(n_c, -1, dtype=np.int64)
    remap[rows] = np.arange(len(rows))
    purchases = pd.DataFrame({"row": remap[pc_], "day": pd_, "net": p.net[purchase]})

    if rules is None:
        gaps = _gaps(who_days, days_)
        second = _second_times(who_days, days_, e_day, before_data)
        money = {k: metrics[k] for k in ("frequency", "monetary", "frequency_window",
                                         "monetary_window")}  # fmt: skip
        rules = resolve_rules(pd.DataFrame(money), gaps, period.days, params, second)
    # Labelled from the metric arrays and built once in its column order (segment() on a frame
    # copies it, and picking the columns again would copy it once more).
    labels = _labels({k: pd.Series(v, copy=False) for k, v in metrics.items()}, rules, start)
    customers = pd.DataFrame(
        {c: labels[c] if c in labels else metrics[c] for c in CUSTOMER_COLUMNS}
    )
    del metrics, labels

    accounting = _accounting(p, kind)
    nc = kind == _K["no_customer"]
    unknown = sorted(
        str(s) for s in p.statuses.loc[p.statuses["status_class"] == "unknown", "status"]
    )
    return Layers(
        customers=customers,
        rules=rules,
        accounting=accounting,
        customer_accounting=customer_accounting,
        start=start,
        end=end,
        data_start=p.data_start,
        purchases=purchases,
        masked_orders=p.masked_orders,
        no_customer_orders=int(nc.sum()),
        no_customer_amount=round(float(p.amount[nc].sum()), 2),
        unknown_statuses=unknown,
    )


def _accounting(p: PreparedOrders, kind: np.ndarray) -> pd.DataFrame:
    """Orders, input lines, distinct customers and money per order kind.

    ``amount`` is 订单金额 as exported; ``net_amount`` the net money carried into the customer
    table (0 for every kind left out), so its total equals the table's total ``monetary``.
    """
    k = kind.astype(np.int64)
    m = len(KINDS)
    orders = np.bincount(k, minlength=m)
    lines = np.bincount(k, weights=p.lines, minlength=m)
    amount = np.bincount(k, weights=p.amount, minlength=m)
    carried = np.isin(k, _USED_KINDS)  # money that reaches the layers; 0 for the rest
    net = np.bincount(k[carried], weights=p.net[carried], minlength=m)
    has = p.cust >= 0
    span = len(p.customer_ids) + 1
    pairs = _distinct(k[has] * span + p.cust[has])
    customers = np.bincount(pairs // span, minlength=m)
    out = pd.DataFrame(
        {
            "order_treatment": list(KINDS),
            "orders": orders.astype(np.int64),
            "lines": lines.astype(np.int64),
            "customers": customers.astype(np.int64),
            "amount": np.round(amount, 2),
            "net_amount": np.round(net, 2),
        }
    )
    return out


# --------------------------------------------------------------------------------------------
# 3. Tables


def _in_days(ad_daily: pd.DataFrame, start: dt.date, end: dt.date) -> pd.Series:
    days = pd.to_datetime(ad_daily["date"] if "date" in ad_daily else ad_daily["period_start"])
    return (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))


def ad_spend(ad_daily: pd.DataFrame, start: dt.date, end: dt.date) -> float:
    """Ad spend (元, all 京准通 lines) on the days ``start..end``; NaN when there is no ad data.

    Pass rows of one attribution window (``Report.table_in_window("ad_daily")``): spend does
    not depend on the window, but the same day is exported once per window.
    """
    if ad_daily is None or ad_daily.empty or "cost" not in ad_daily:
        return math.nan
    keep = _in_days(ad_daily, start, end)
    if not keep.any():
        return math.nan
    return round(float(ad_daily.loc[keep, "cost"].sum()), 2)


def jd_new_customers(ad_daily: pd.DataFrame | None, start: dt.date, end: dt.date) -> float:
    """京准通's own 新客数 (``ad_daily.new_customers``) summed over the ad rows on the days
    ``start..end``; NaN when no row there carries it (the exports have no 新客数 column, or it
    is empty). Rows without a value count 0 once any row has one."""
    if ad_daily is None or ad_daily.empty or "new_customers" not in ad_daily:
        return math.nan
    values = ad_daily.loc[_in_days(ad_daily, start, end), "new_customers"]
    values = pd.to_numeric(values, errors="coerce")
    return float(values.sum()) if values.notna().any() else math.nan


JD_NEW_CUSTOMERS = "jd_new_customers"
FIRST_TIME_BUYERS = "first_time_buyers"
NEW_CUSTOMER_BASES = (JD_NEW_CUSTOMERS, FIRST_TIME_BUYERS)
"""Bases of 新客成本, shown through the text keys ``kpi_new_customer_cost_<basis>``."""


def new_customer_cost(
    ad_daily: pd.DataFrame | None,
    customers: pd.DataFrame | None,
    start: dt.date,
    end: dt.date,
    basis: str | None = None,
) -> tuple[float, str, float]:
    """新客成本 (元 of ad spend per new customer): the one definition every page uses.

    新客成本 = ad spend of the days ``start..end`` (:func:`ad_spend`, all lines) / new
    customers, where new customers are JD's own 新客数 of those ad rows when the 京准通 exports
    carry it (:func:`jd_new_customers`; basis ``jd_new_customers``), else the customers whose
    first counted order falls in the period (the 新用户 of ``customers``; basis
    ``first_time_buyers``, an approximation labelled "新客成本（按订单首购客户）": not every
    first-time buyer came through ads).

    Parameters
    ----------
    ad_daily
        ``ad_daily`` rows of one attribution window; ``None`` without ad data.
    customers
        :attr:`Layers.customers` built for a period ending on ``end`` (its ``lifecycle``);
        ``None`` without orders.
    start, end
        The period's first and last day.
    basis
        Force a basis (to measure 环比/同比 the way the current period was measured); the
        default picks ``jd_new_customers`` when exported, else ``first_time_buyers``.

    Returns
    -------
    tuple
        ``(value, basis, n)``: value in 元 (NaN without ad spend or when ``n`` is 0), the
        basis, and ``n`` the new customers divided by (NaN when the basis has no data).

    Examples
    --------
    >>> ad = pd.DataFrame({"date": pd.to_datetime(["2026-10-01"]), "cost": [300.0],
    ...                    "new_customers": [2.0]})
    >>> new_customer_cost(ad, None, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    (150.0, 'jd_new_customers', 2.0)
    """
    cost = ad_spend(ad_daily, start, end)
    jd = jd_new_customers(ad_daily, start, end)
    if basis is None:
        basis = JD_NEW_CUSTOMERS if np.isfinite(jd) else FIRST_TIME_BUYERS
    if basis == JD_NEW_CUSTOMERS:
        n = jd
    elif customers is None:
        n = math.nan
    else:
        n = float((customers["lifecycle"] == "新用户").sum()) if len(customers) else 0.0
    return float(ratio(cost, n)), basis, n


NO_NEW_COST = (math.nan, "", math.nan)

DIMENSIONS = ("lifecycle", "value_tier", "rfm_segment", "price_sensitivity")
SUMMARY_COLUMNS = (
    "dimension", "layer", "customers", "share", "buyers", "orders", "revenue", "aov",
    "spend_per_buyer", "repurchase_rate", "repurchase_30d", "repurchase_90d", "period_buyers",
    "period_orders", "period_revenue", "new_customers", "ad_cost", "cost_per_new_customer",
    "new_customer_basis", "cost_new_customers",
)  # fmt: skip


SHOWN_COLUMNS = (
    "layer", "customers", "share", "buyers", "revenue", "aov", "spend_per_buyer",
    "repurchase_rate", "repurchase_90d", "period_revenue",
)  # fmt: skip
"""The columns of :func:`layer_summary` the report shows (the CSV keeps them all)."""


def _sums(customers: pd.DataFrame) -> pd.DataFrame:
    """Per-customer counts that add up to a layer's figures."""
    fw = customers["frequency_window"].to_numpy()
    o30 = customers["orders_30d"].to_numpy()
    o90 = customers["orders_90d"].to_numpy()
    po = customers["period_orders"].to_numpy()
    return pd.DataFrame(
        {
            "customers": np.ones(len(customers), dtype=np.int64),
            "buyers": fw >= 1,
            "repeat": fw >= 2,
            "orders": fw,
            "revenue": customers["monetary_window"].to_numpy(dtype=float),
            "b30": o30 >= 1,
            "r30": o30 >= 2,
            "b90": o90 >= 1,
            "r90": o90 >= 2,
            "period_buyers": po >= 1,
            "period_orders": po,
            "period_revenue": customers["period_revenue"].to_numpy(dtype=float),
        },
        index=customers.index,
    ).astype(
        {
            "buyers": np.int64,
            "repeat": np.int64,
            "b30": np.int64,
            "r30": np.int64,
            "b90": np.int64,
            "r90": np.int64,
            "period_buyers": np.int64,
        }
    )


def _rates(sums: pd.DataFrame, total: int) -> pd.DataFrame:
    out = pd.DataFrame(index=sums.index)
    out["customers"] = sums["customers"].astype(np.int64)
    out["share"] = ratio(sums["customers"].astype(float), float(total))
    out["buyers"] = sums["buyers"].astype(np.int64)
    out["orders"] = sums["orders"].astype(np.int64)
    out["revenue"] = sums["revenue"].round(2)
    out["aov"] = ratio(out["revenue"], sums["orders"].astype(float))
    out["spend_per_buyer"] = ratio(out["revenue"], sums["buyers"].astype(float))
    out["repurchase_rate"] = ratio(sums["repeat"].astype(float), sums["buyers"].astype(float))
    out["repurchase_30d"] = ratio(sums["r30"].astype(float), sums["b30"].astype(float))
    out["repurchase_90d"] = ratio(sums["r90"].astype(float), sums["b90"].astype(float))
    out["period_buyers"] = sums["period_buyers"].astype(np.int64)
    out["period_orders"] = sums["period_orders"].astype(np.int64)
    out["period_revenue"] = sums["period_revenue"].round(2)
    return out


_CATEGORIES = {
    "lifecycle": LIFECYCLE,
    "value_tier": VALUE_TIERS,
    "rfm_segment": RFM_SEGMENTS,
    "price_sensitivity": PRICE_SENSITIVITY,
}


def layer_summary(
    customers: pd.DataFrame,
    ad_cost: float = math.nan,
    dimensions: tuple[str, ...] = DIMENSIONS,
    new_cost: tuple[float, str, float] = NO_NEW_COST,
) -> pd.DataFrame:
    """Customers, money and repurchase per layer (``tables/layer_summary.csv``).

    Parameters
    ----------
    customers
        :attr:`Layers.customers` (or :func:`segment`'s output).
    ad_cost
        Ad spend in the period (元, :func:`ad_spend`); NaN when the folder has no ad data.
    dimensions
        Which labels to summarise (rows appear for every layer, also empty ones).
    new_cost
        :func:`new_customer_cost` of the period (``(value, basis, n)``); without it the
        new-customer cost is NaN.

    Returns
    -------
    pandas.DataFrame
        :data:`SUMMARY_COLUMNS`; a first row ``dimension == "all"``. Over the lookback window:
        ``buyers`` (customers with ≥ 1 order in it), ``orders``, ``revenue`` (net spend, 元),
        ``aov`` 笔单价 = revenue / orders, ``spend_per_buyer`` = revenue / buyers (人均消费,
        net spend per customer over the lookback — not the shop's 客单价, which is 商智 gmv /
        buyers of the period),
        ``repurchase_rate`` 复购率 = customers with ≥ 2 orders / with ≥ 1. ``repurchase_30d``/
        ``_90d`` = the same over the trailing 30/90 days. ``period_*`` = within the period.
        On the ``all`` row only: ``new_customers`` (新用户: first counted order in the period),
        ``ad_cost``, and from ``new_cost``: ``cost_per_new_customer`` (新客成本, 元),
        ``new_customer_basis`` (``jd_new_customers`` / ``first_time_buyers``) and
        ``cost_new_customers`` (the new customers it divides by).
        Rates with a zero denominator are NaN.
    """
    total = len(customers)
    sums = _sums(customers)
    parts = [_rates(sums.sum().to_frame().T, total).assign(dimension="all", layer="全部")]
    for dim in dimensions:
        cats = list(_CATEGORIES[dim])
        col = customers[dim] if total else pd.Series([], dtype=object)
        if not isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(str)  # e.g. read back from customer_layers.csv
        key = pd.Categorical(col, categories=cats)
        grouped = sums.groupby(key, observed=False).sum().reindex(cats, fill_value=0)
        parts.append(_rates(grouped, total).assign(dimension=dim, layer=cats))
    out = pd.concat(parts, ignore_index=True)
    new = int((customers["lifecycle"] == "新用户").sum()) if total else 0
    out["new_customers"] = pd.array([new] + [pd.NA] * (len(out) - 1), dtype="Int64")
    out["ad_cost"] = [ad_cost] + [math.nan] * (len(out) - 1)
    rest = [math.nan] * (len(out) - 1)
    out["cost_per_new_customer"] = [float(new_cost[0])] + rest
    out["new_customer_basis"] = [new_cost[1]] + [""] * (len(out) - 1)
    out["cost_new_customers"] = [float(new_cost[2])] + rest
    return out[list(SUMMARY_COLUMNS)]


def layer_crosstab(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers per lifecycle (rows) × value tier (columns), with a total column."""
    tab = pd.crosstab(
        pd.Categorical(customers["lifecycle"], LIFECYCLE),
        pd.Categorical(customers["value_tier"], VALUE_TIERS),
        dropna=False,
    )
    tab = tab.reindex(index=list(LIFECYCLE), columns=list(VALUE_TIERS), fill_value=0)
    tab["customers"] = tab.sum(axis=1)
    tab.index.name = "lifecycle"
    tab.columns.name = None
    return tab.reset_index()


def _month(day: np.ndarray) -> np.ndarray:
    m = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return m


def cohort_retention(layers: Layers, months: int = 12, max_offset: int = 12) -> pd.DataFrame:
    """Monthly cohort retention: of the customers whose first purchase fell in month M, the
    share who bought (a counted order) in month M + k.

    Parameters
    ----------
    layers
        :func:`build_layers` output (its counted purchases up to the period's last day).
    months
        How many cohorts: the most recent ``months`` first-purchase months that have customers.
    max_offset
        Last month offset shown (``month_0 … month_<max_offset>``).

    Returns
    -------
    pandas.DataFrame
        ``cohort`` (``YYYY-MM``), ``customers``, ``month_0`` (1.0 by definition) …
        ``month_<k>`` as fractions; NaN for months after the period's last month. Month
        ``k`` is a calendar-month offset. ``left_censored`` marks the data's first month:
        it also holds customers who bought before the export starts.
    """
    cols = [f"month_{k}" for k in range(max_offset + 1)]
    cust = layers.customers
    if cust.empty:
        return pd.DataFrame(columns=["cohort", "customers", *cols, "left_censored"])
    first_m = _month(
        pd.to_datetime(cust["first_order_at"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    )
    pur = layers.purchases
    pm = _month(pur["day"].to_numpy())
    row = pur["row"].to_numpy()
    offset = pm - first_m[row]
    keep = (offset >= 0) & (offset <= max_offset)
    span = max_offset + 1
    key = _distinct(row[keep].astype(np.int64) * span + offset[keep])
    r_rows, r_off = key // span, key % span
    end_m = int(np.datetime64(layers.end, "M").astype(np.int64))
    cohorts = np.unique(first_m)
    cohorts = cohorts[cohorts <= end_m][-months:]
    size = pd.Series(first_m).value_counts()
    active = pd.DataFrame({"cohort": first_m[r_rows], "k": r_off}).value_counts()
    data_m = (
        int(np.datetime64(layers.data_start, "M").astype(np.int64)) if layers.data_start else None
    )
    out = []
    for c in cohorts:
        n = int(size.get(c, 0))
        rec = {"cohort": str(np.datetime64(int(c), "M")), "customers": n}
        for k in range(span):
            rec[f"month_{k}"] = ratio(int(active.get((c, k), 0)), n) if c + k <= end_m else math.nan
        rec["left_censored"] = bool(data_m is not None and c == data_m)
        out.append(rec)
    return pd.DataFrame(out, columns=["cohort", "customers", *cols, "left_censored"])


def migration(
    previous: pd.DataFrame, current: pd.DataFrame, column: str = "lifecycle"
) -> pd.DataFrame:
    """Customers moving between layers from the previous period's end to this period's end.

    Parameters
    ----------
    previous, current
        Customer tables of the two snapshots (same rules: pass ``rules=`` of the current one
        to :func:`build_layers` for the previous period).
    column
        The label compared (``lifecycle``, ``value_tier`` …).

    Returns
    -------
    pandas.DataFrame
        One row per (from, to) with customers, including zero cells: ``from_layer`` (the
        layers, or ``此前未购买`` for customers whose first purchase came after the previous
        period), ``to_layer`` (the layers, or ``已移出`` for customers no longer in the table,
        e.g. refunds netted their spend to ≤ 0), ``customers``, ``share`` (of the
        ``from_layer``'s customers) and ``bought_in_period`` (those of the cell with a counted
        order in this period, ``period_orders`` > 0 in ``current``: for last period's 新用户,
        a second purchase; for 沉默/流失, a return).
    """
    cats = {
        "lifecycle": LIFECYCLE,
        "value_tier": VALUE_TIERS,
        "rfm_segment": RFM_SEGMENTS,
        "price_sensitivity": PRICE_SENSITIVITY,
    }[column]
    bought = (
        current["period_orders"].to_numpy() > 0
        if "period_orders" in current
        else np.zeros(len(current), dtype=bool)
    )
    froms, tos = [*cats, NOT_YET], [*cats, LEFT]
    index = pd.MultiIndex.from_product([froms, tos], names=["from_layer", "to_layer"])
    cells = _migration_cells(previous, current, column, cats, bought)
    if cells is None:
        a = previous[["customer_id", column]].rename(columns={column: "from_layer"})
        b = current[["customer_id", column]].rename(columns={column: "to_layer"})
        b = b.assign(bought=bought)
        both = a.merge(b, on="customer_id", how="outer")
        frm = both["from_layer"].astype(object).where(both["from_layer"].notna(), NOT_YET)
        to = both["to_layer"].astype(object).where(both["to_layer"].notna(), LEFT)
        flag = both["bought"].fillna(False).astype(bool).to_numpy()
        keys = pd.MultiIndex.from_arrays([frm.to_numpy(), to.to_numpy()])
        counts = pd.Series(1, index=keys).groupby(level=[0, 1]).sum()
        back = pd.Series(flag.astype(np.int64), index=keys).groupby(level=[0, 1]).sum()
        cells = (
            counts.reindex(index, fill_value=0).to_numpy(dtype=np.int64),
            back.reindex(index, fill_value=0).to_numpy(dtype=np.int64),
        )
    long = pd.DataFrame(
        {"customers": cells[0], "bought_in_period": cells[1]}, index=index
    ).reset_index()
    totals = long.groupby("from_layer", sort=False)["customers"].transform("sum")
    long["share"] = ratio(long["customers"].astype(float), totals.astype(float))
    return long[["from_layer", "to_layer", "customers", "share", "bought_in_period"]]


def _migration_cells(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    column: str,
    cats: tuple[str, ...],
    bought: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Customers and buyers per (from, to) cell of :func:`migration`, in the order of
    ``product([*cats, NOT_YET], [*cats, LEFT])``, from one hash lookup of the current ids in
    the previous ones; ``None`` (the caller merges) when ids repeat or are missing."""
    before, now = pd.Index(previous["customer_id"]), pd.Index(current["customer_id"])
    if before.hasnans or now.hasnans or not before.is_unique or not now.is_unique:
        return None
    k = len(cats)

    def codes(frame: pd.DataFrame, missing: int) -> np.ndarray:
        col = frame[column]
        out = pd.Index(list(cats), dtype=object).get_indexer(col.astype(object).to_numpy())
        out[col.isna().to_numpy()] = missing  # no layer: as if absent from that snapshot
        return out  # -1: a layer outside ``cats`` (no cell)

    src, dst = codes(previous, k), codes(current, k)
    pos = before.get_indexer(now)
    frm = np.full(len(now), k, dtype=np.int64)
    frm[pos >= 0] = src[pos[pos >= 0]]
    gone = np.ones(len(before), dtype=bool)
    gone[pos[pos >= 0]] = False
    frm = np.concatenate([frm, src[gone]])
    to = np.concatenate([dst, np.full(int(gone.sum()), k)])
    flag = np.concatenate([bought.astype(bool), np.zeros(int(gone.sum()), dtype=bool)])
    ok = (frm >= 0) & (to >= 0)
    cell = frm[ok] * (k + 1) + to[ok]
    size = (k + 1) ** 2
    customers = np.bincount(cell, minlength=size).astype(np.int64)
    buyers = np.bincount(cell[flag[ok]], minlength=size).astype(np.int64)
    return customers, buyers


def mask_id(value: object) -> str:
    """A customer account with its middle hidden: ``jd_3fabcdefa1`` → ``jd_3f****a1``.

    Keeps at most the first 5 characters (fewer for short ids: up to a third) and the last
    2 (1 for ids under 8 characters); ids of 4 characters or fewer become ``****`` (showing
    half of a short id would be no mask).
    """
    s = str(value)
    if len(s) <= 4:
        return "****"
    head = max(1, min(5, len(s) // 2 - 1, math.ceil(len(s) / 3)))
    tail = 2 if len(s) >= 8 else 1
    return s[:head] + "****" + s[-tail:]


def action_plan(
    customers: pd.DataFrame,
    lang: str = "zh",
    examples: int = 3,
    *,
    actions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per lifecycle layer: the job description's action (``actions``: text key per layer,
    default :data:`ACTIONS`; :func:`layer_actions` says when a paid win-back does not pay), the
    audience size, masked examples.

    Returns
    -------
    pandas.DataFrame
        ``layer, action, customers, high_value, price_sensitive, examples``: ``high_value`` =
        customers of the layer in the 高价值 tier, ``price_sensitive`` = those 价格敏感
        (coupons work on them), ``examples`` = up to ``examples`` masked accounts (the layer's
        highest spenders; never a full id). The lists themselves go to ``audience_lists.xlsx``.
    """
    rows = []
    life = customers["lifecycle"].astype(str).to_numpy() if len(customers) else np.array([])
    for layer in LIFECYCLE:
        g = customers.loc[life == layer]
        top = g.nlargest(examples, "monetary")["customer_id"] if len(g) else []
        rows.append(
            {
                "layer": layer,
                "action": t((actions or ACTIONS)[layer], lang),
                "customers": len(g),
                "high_value": int((g["value_tier"] == "高价值").sum()),
                "price_sensitive": int((g["price_sensitivity"] == "价格敏感").sum()),
                "examples": join_list((mask_id(v) for v in top), lang) if len(g) else "—",
            }
        )
    return pd.DataFrame(rows)


AUDIENCE_COLUMNS = (
    "customer_id", "lifecycle", "action", "rfm_segment", "value_tier", "price_sensitivity",
    "last_order_at", "recency_days", "frequency", "monetary", "coupon_share",
)  # fmt: skip


UPLOAD_SUFFIX = "_上传"
"""Suffix of a layer's upload sheet in ``audience_lists.xlsx`` (``新用户_上传``)."""


def _as_text(col: pd.Series) -> pd.Series:
    """``col.astype(str)``; for a categorical without missing values, its categories' texts
    taken by code (the same values and dtype, without a Python object per row)."""
    if isinstance(col.dtype, pd.CategoricalDtype) and not col.hasnans:
        names = pd.Index(col.cat.categories).astype(str)
        texts = names.take(col.cat.codes.to_numpy())
        if texts.dtype == pd.Series([], dtype=object).astype(str).dtype:
            return pd.Series(texts.array, index=col.index, name=col.name)
    return col.astype(str)


def audience_lists(
    customers: pd.DataFrame, lang: str = "zh", *, actions: Mapping[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """Per lifecycle layer, the customer lists for JD's crowd tools (``audience_lists.xlsx``;
    each layer's action from ``actions``, as :func:`action_plan`).

    Sheets come in pairs, in the order 新用户, 活跃, 沉默, 流失: the layer's detailed list for
    the analyst (sheet named after the layer: every customer of the layer, highest net spend
    first, with the layer's action in words and :data:`AUDIENCE_COLUMNS`), then its upload
    sheet (``<layer>_上传``, :data:`UPLOAD_SUFFIX`): the same customers, only the account
    column ``customer_id``, the one column JD's 人群 upload (京准通 DMP 人群 上传) takes. A layer
    told to use free channels only (:data:`UNPAID_ACTION`: a paid win-back does not pay) gets
    no upload sheet: an uploaded audience is for paid targeting.
    """
    out = {}
    # One stable sort of everyone, then each layer's rows in that order: the same order as a
    # stable sort of each layer's rows (a stable sort keeps it when rows are left out).
    ranked = customers.sort_values(
        ["monetary", "customer_id"], ascending=[False, True], kind="stable"
    )
    life = ranked["lifecycle"].astype(str).to_numpy() if len(ranked) else np.array([])
    for layer in LIFECYCLE:
        action = (actions or ACTIONS)[layer]
        g = ranked.loc[life == layer]
        g = g.assign(action=t(action, lang))
        cols = [c for c in AUDIENCE_COLUMNS if c in g]
        frame = g[cols].reset_index(drop=True)
        for c in ("lifecycle", "rfm_segment", "value_tier", "price_sensitivity"):
            if c in frame:
                frame[c] = _as_text(frame[c])
        out[layer] = frame
        if action != UNPAID_ACTION:
            out[layer + UPLOAD_SUFFIX] = frame[["customer_id"]].astype({"customer_id": str})
    return out


# --------------------------------------------------------------------------------------------
# 4. Words and display


def label(value: object, lang: str = "zh") -> str:
    """A layer / code value in the report's language (the value itself when it has no text)."""
    key = f"ul_v_{value}"
    return t(key, lang) if key in TEXT else str(value)


def _pct(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1%}"


def _money_text(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.2f}"


# Columns shown under a header of this page (the CSV keeps the plain name); in a layer summary
# (a frame with ``repurchase_rate``) the money and counts are over the lookback window.
HEADERS = {
    "amount": "ul_amount",
    "customers": "ul_customers",
    "action": "ul_action",
    "lines": "ul_lines",
    "status": "ul_status",
    "share": "ul_share",
    "aov": "ul_aov",
    "spend_per_buyer": "ul_spend_per_buyer",
    "orders": "ul_orders_plain",
}
WINDOW_HEADERS = {"revenue": "ul_revenue", "orders": "ul_orders", "buyers": "ul_buyers"}


def display_frame(
    frame: pd.DataFrame, lang: str = "zh", window: bool | None = None
) -> pd.DataFrame:
    """``frame`` for the HTML report: columns renamed to this page's headers (:data:`HEADERS`,
    and :data:`WINDOW_HEADERS` for lookback figures) and a layer used as a column (a crosstab)
    headed by its name in ``lang``. Formats and layer codes come from the column registry
    (:mod:`jdpromo.columns`) when the report draws the table. Write CSVs from the original
    frame, not this one.

    ``window`` labels revenue/orders/buyers as lookback figures; by default when the frame
    is a layer summary (has ``repurchase_rate``).
    """
    from jdpromo import columns

    if window is None:
        window = "repurchase_rate" in frame.columns
    headers = {**HEADERS, **WINDOW_HEADERS} if window else HEADERS
    names = {}
    for col in frame.columns:
        if columns.get(col) is None and f"ul_v_{col}" in TEXT:
            names[col] = label(col, lang)  # a layer as a column (crosstab)
        else:
            names[col] = headers.get(col, col)
    return frame.rename(columns=names).reset_index(drop=True)


def rules_text(
    rules: Rules, start: dt.date, end: dt.date, period_days: int, lang: str = "zh"
) -> list[str]:
    """The segmentation rules as sentences for the report (every number as used)."""
    out = [t("ul_rule_new", lang, start=start, end=end)]
    out.append(
        t(
            "ul_rule_lifecycle",
            lang,
            active=rules.active_days,
            dormant_from=rules.active_days + 1,
            churn=rules.churn_days,
        )
    )
    if rules.threshold_source == "gaps":
        out.append(
            t("ul_rule_gaps", lang, q1=rules.active_gap_quantile * 100,
              q2=rules.churn_gap_quantile * 100, g1=rules.active_gap_days,
              g2=rules.churn_gap_days, n=rules.n_gaps)
        )  # fmt: skip
    elif rules.threshold_source == "fallback":
        out.append(
            t("ul_rule_fallback", lang, n=rules.n_gaps, min_gaps=rules.min_gaps,
              active=rules.active_days, churn=rules.churn_days)
        )  # fmt: skip
    if rules.clamped_to_period:
        out.append(t("ul_rule_clamped", lang, days=period_days))
    same = (rules.once_active, rules.once_churn) == (rules.active_days, rules.churn_days)
    if rules.once_source == "same_params":
        out.append(t("ul_rule_once_same_params", lang))
    elif rules.once_source == "same" and same:
        out.append(t("ul_rule_once_same", lang, n=rules.n_second, min_gaps=rules.min_gaps))
    else:
        out.append(
            t("ul_rule_once", lang, active=rules.once_active,
              dormant_from=rules.once_active + 1, churn=rules.once_churn)
        )  # fmt: skip
        if rules.once_source == "survival":
            out.append(
                t("ul_rule_once_survival", lang, n_first=rules.n_first,
                  share=_pct(rules.second_share), tau=rules.second_within_days,
                  n=rules.n_second, q1=rules.once_active_quantile * 100,
                  q2=rules.once_churn_quantile * 100, g1=rules.once_active_estimate,
                  g2=rules.once_churn_estimate, rq1=rules.active_gap_quantile * 100,
                  rq2=rules.churn_gap_quantile * 100)
            )  # fmt: skip
        elif rules.once_source == "same":
            out.append(t("ul_rule_once_same", lang, n=rules.n_second, min_gaps=rules.min_gaps))
        if rules.once_clamped:
            out.append(t("ul_rule_once_clamped", lang, days=period_days))
    given = (*rules.thresholds_from_params, *rules.once_from_params)
    if given:
        names = " / ".join(f"users.{k}" for k in given)
        out.append(t("ul_rule_params", lang, names=names))
    m_src = (
        t("ul_src_params", lang)
        if rules.rfm_monetary_source == "params"
        else t("ul_src_quantile", lang, q=rules.rfm_monetary_quantile * 100)
    )
    r_rule = (
        t("ul_rfm_r_params", lang, r=rules.rfm_recency_days)
        if rules.rfm_recency_source == "params"
        else t("ul_rfm_r_lifecycle", lang, active=rules.active_days, once=rules.once_active)
    )
    basis = t(
        "ul_basis_history" if rules.rfm_basis == "history" else "ul_basis_window",
        lang,
        days=rules.lookback_days,
    )
    out.append(
        t(
            "ul_rule_rfm",
            lang,
            r_rule=r_rule,
            f=rules.rfm_frequency_cut,
            m=rules.rfm_monetary_cut,
            m_src=m_src,
            basis=basis,
        )
    )
    v_src = (
        t("ul_src_params", lang)
        if rules.value_monetary_source == "params"
        else t("ul_src_quantile", lang, q=rules.value_monetary_quantile * 100)
    )
    out.append(
        t("ul_rule_value", lang, n=rules.value_min_orders, m=rules.value_monetary_cut, m_src=v_src)
    )
    out.append(t("ul_rule_price", lang, threshold=rules.coupon_share_threshold * 100))
    out.append(t("ul_rule_window", lang, days=rules.lookback_days))
    return out


def excluded_text(no_purchase: int, nonpositive: int, lang: str = "zh") -> str:
    """The sentence on customers left out of the layers, naming only the groups that hold
    customers (no "0 位客户…"): those with only cancelled, unpaid or fully refunded orders, and
    those whose net spend is ≤ 0 after refunds. Empty when both are 0."""
    groups = [
        t(key, lang, n=n)
        for key, n in (
            ("ul_excluded_no_purchase", no_purchase),
            ("ul_excluded_nonpositive", nonpositive),
        )
        if n
    ]
    if not groups:
        return ""
    return t("ul_warn_excluded", lang, groups=("，" if lang == "zh" else "; ").join(groups))


def warnings_text(layers: Layers, lang: str = "zh") -> list[str]:
    """What makes the customer-level results less reliable, as sentences (may be empty)."""
    out = []
    if layers.masked_orders:
        out.append(t("ul_warn_masked", lang, orders=layers.masked_orders))
    if layers.no_customer_orders:
        out.append(
            t(
                "ul_warn_no_customer",
                lang,
                orders=layers.no_customer_orders,
                amount=layers.no_customer_amount,
            )
        )
    if layers.data_start is not None and layers.history_days < layers.rules.lookback_days:
        out.append(
            t(
                "ul_warn_history",
                lang,
                data_start=layers.data_start,
                days=layers.history_days,
                lookback=layers.rules.lookback_days,
            )
        )
    if layers.unknown_statuses:
        out.append(t("ul_warn_status", lang, statuses=join_list(layers.unknown_statuses, lang)))
    c = layers.customers
    before = int(c["bought_before_data"].sum()) if "bought_before_data" in c else 0
    if before:
        out.append(t("ul_warn_before_data", lang, customers=before))
    acc = layers.customer_accounting.set_index("group")["customers"]
    excluded = excluded_text(
        int(acc.get("no_purchase", 0)), int(acc.get("net_nonpositive", 0)), lang
    )
    if excluded:
        out.append(excluded)
    return out


def summary_text(
    summary: pd.DataFrame,
    rules: Rules,
    end: dt.date,
    lang: str = "zh",
    target_cost: float | None = None,
) -> list[str]:
    """The headline figures: customers and first-time buyers, repurchase, 人均消费 and 笔单价
    over the lookback, and 新客成本 named by its basis (:func:`new_customer_cost`)."""
    a = summary.iloc[0]
    out = [
        t(
            "ul_kpi_customers",
            lang,
            end=end,
            customers=int(a["customers"]),
            new=int(a["new_customers"]) if pd.notna(a["new_customers"]) else 0,
        ),
        t(
            "ul_kpi_repurchase",
            lang,
            days=rules.lookback_days,
            rate=_pct(a["repurchase_rate"]),
            buyers=int(a["buyers"]),
            r30=_pct(a["repurchase_30d"]),
            r90=_pct(a["repurchase_90d"]),
        ),
        t(
            "ul_kpi_spend",
            lang,
            days=rules.lookback_days,
            spb=_money_text(a["spend_per_buyer"]),
            aov=_money_text(a["aov"]),
        ),
    ]
    if pd.isna(a["ad_cost"]):
        out.append(t("ul_kpi_no_ads", lang))
    elif a["new_customer_basis"] in NEW_CUSTOMER_BASES:
        basis = a["new_customer_basis"]
        name = t(f"kpi_new_customer_cost_{basis}", lang)
        cpn = _money_text(a["cost_per_new_customer"])
        n = 0.0 if pd.isna(a["cost_new_customers"]) else float(a["cost_new_customers"])
        out.append(t(f"ul_kpi_new_cost_{basis}", lang, name=name, cpn=cpn, cost=a["ad_cost"], n=n))
        if target_cost is not None and pd.notna(a["cost_per_new_customer"]):
            out.append(t("ul_kpi_new_cost_target", lang, target=target_cost, name=name, cpn=cpn))
    return out


def migration_text(moves: pd.DataFrame, lang: str = "zh", top: int = 5) -> list[str]:
    """What happened to each layer of last period's customers, as sentences (at most ``top``).

    One sentence per lifecycle layer at the previous end that had customers, in the order of
    :data:`LIFECYCLE`: how many of them bought in this period (for last period's 新用户, a
    second purchase; for 沉默/流失, a return) and how many, without buying, slid to a later
    layer (活跃 → 沉默/流失, 沉默 → 流失, 新用户 → 沉默/流失) or left the table. Moves that hold
    by definition are not stated as findings: a customer new last period is 活跃 this period
    unless the 活跃 threshold is shorter than the time since, so "新用户 → 活跃" says nothing;
    nor are first purchases (``此前未购买 → 新用户``, the new-customer count) or customers who
    stayed.
    """
    out: list[str] = []
    if "bought_in_period" not in moves:
        moves = moves.assign(bought_in_period=0)
    for src in LIFECYCLE:
        rows = moves[moves["from_layer"] == src]
        n = int(rows["customers"].sum())
        if n == 0:
            continue
        stay = rows[rows["to_layer"] != LEFT]
        bought = int(stay["bought_in_period"].sum())
        name = label(src, lang)
        key = "ul_flow_new" if src == "新用户" else "ul_flow_bought"
        parts = [
            t(key, lang, src=name, n=n, bought=bought, rate=_pct(ratio(float(bought), float(n))))
        ]
        rank = LIFECYCLE.index(src)
        for dst in ("沉默", "流失"):
            if LIFECYCLE.index(dst) <= rank:
                continue
            cell = rows[rows["to_layer"] == dst]
            k = int((cell["customers"] - cell["bought_in_period"]).sum())
            if k:
                share = _pct(ratio(float(k), float(n)))
                parts.append(t("ul_flow_lapsed", lang, customers=k, share=share,
                               dst=label(dst, lang)))  # fmt: skip
        gone = int(rows.loc[rows["to_layer"] == LEFT, "customers"].sum())
        if gone:
            share = _pct(ratio(float(gone), float(n)))
            parts.append(t("ul_flow_left", lang, customers=gone, share=share))
        out.append("".join(parts) + t("ul_flow_end", lang))
    return out[:top]


# --------------------------------------------------------------------------------------------
# Findings (ranked with every other analysis's by jdpromo.findings)

LAYERS_AT_RISK = ("沉默", "流失")
"""Lifecycle layers whose customers are drifting away: each is a win-back ``opportunity``
(:func:`layer_findings`)."""


def _isin(values: pd.Series, ids: pd.Series) -> np.ndarray:
    """``values.isin(ids)`` for customer ids, through a hash index (pandas' ``isin`` on Arrow
    text builds a Python list of every id); ids with a missing value take ``isin`` itself."""
    if values.hasnans or ids.hasnans:
        return values.isin(ids).to_numpy(dtype=bool)
    return pd.Index(ids).unique().get_indexer(values) >= 0


def observed_return(previous: pd.DataFrame, current: pd.DataFrame, layer: str) -> dict[str, float]:
    """What the customers of ``layer`` at the previous period's end did in this period.

    ``customers`` in the layer then, ``returned`` of them with a counted order in this period
    (``period_orders`` > 0 in ``current``), ``return_rate`` = returned / customers (NaN when
    none) and ``return_spend`` = their net spend in this period (元, ``period_revenue``).
    """
    ids = previous.loc[previous["lifecycle"] == layer, "customer_id"]
    now = current.loc[_isin(current["customer_id"], ids)]
    back = now.loc[now["period_orders"] > 0]
    n = len(ids)
    return {
        "customers": float(n),
        "returned": float(len(back)),
        "return_rate": ratio(float(len(back)), float(n)),
        "return_spend": float(back["period_revenue"].sum()),
    }


def breakeven_contact_cost(profit: float, customers: float) -> float:
    """The most a win-back can spend on reaching each customer of a layer and still not lose
    money (元 per customer): the profit it is expected to add before any contact cost, divided
    by the customers it contacts. NaN without customers or without a profit estimate.

    >>> round(breakeven_contact_cost(2_429.0, 6_640), 4)
    0.3658
    """
    if not customers or not np.isfinite(profit) or customers <= 0:
        return math.nan
    return float(profit) / float(customers)


def winback_economics(current: Layers, previous: Layers | None, params) -> dict[str, dict]:
    """Per lifecycle layer at risk (:data:`LAYERS_AT_RISK`) with customers: ``customers`` now,
    ``seen`` (:func:`observed_return` of the layer at the previous period's end, None without
    one or when it was empty), ``money`` — the profit a win-back adds before any contact cost
    (their return spend × ``users.winback_uplift`` × contribution margin, 元; NaN unseen) —,
    ``per_contact`` (:func:`breakeven_contact_cost`, 元 per customer) and ``pays``: False
    when ``per_contact`` is below ``users.min_contact_cost`` (what the cheapest paid contact
    costs: a paid win-back of the layer loses money), True when not, None when unknown."""
    out: dict[str, dict] = {}
    cust = current.customers
    if cust.empty:
        return out
    up, floor = params.users.winback_uplift, params.users.min_contact_cost
    for layer in LAYERS_AT_RISK:
        n = int((cust["lifecycle"] == layer).sum())
        if n == 0:
            continue
        seen = observed_return(previous.customers, cust, layer) if previous is not None else None
        if seen is not None and not seen["customers"] > 0:
            seen = None
        money = seen["return_spend"] * up * params.contribution_margin if seen else math.nan
        per = breakeven_contact_cost(money, n)
        pays = None if not np.isfinite(per) else bool(per >= floor)
        out[layer] = {"customers": n, "seen": seen, "money": money, "per_contact": per,
                      "pays": pays}  # fmt: skip
    return out


UNPAID_ACTION = "ul_action_free_only"
"""The action of a layer at risk whose paid win-back does not pay (:func:`winback_economics`)."""


def layer_actions(economics: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, str]:
    """The action text key per lifecycle layer (:data:`ACTIONS`), with :data:`UNPAID_ACTION` for
    a layer whose paid win-back does not pay (``pays`` False in ``economics``,
    :func:`winback_economics`): no coupons, free channels only."""
    out = dict(ACTIONS)
    for layer, e in (economics or {}).items():
        if e.get("pays") is False:
            out[layer] = UNPAID_ACTION
    return out


def _cost_text(per: float) -> str:
    """A break-even contact cost to the fen: "0.07", "<0.01" below half a fen."""
    return f"{per:.2f}" if per >= 0.005 else "<0.01"


def layer_findings(
    current: Layers,
    previous: Layers | None,
    params,
    lang: str = "zh",
) -> list:
    """One win-back ``opportunity`` per lifecycle layer at risk (:data:`LAYERS_AT_RISK`) with
    customers.

    Money at stake comes from observed behaviour, never past spend scaled to the period: the
    customers who were in the layer at the previous period's end and came back in this period
    spent ``return_spend`` (元, :func:`observed_return`); a win-back campaign that brings back
    ``users.winback_uplift`` (a stated parameter, default 10%) more of that is worth
    return_spend × uplift × contribution margin of profit (``observed_return_spend``) — before
    the cost of reaching the customers, so the finding also gives the break-even contact cost,
    that profit ÷ the layer's customers now (:func:`breakeven_contact_cost`, 元 per customer).
    Without a previous snapshot the money is NaN (not shown).

    A layer whose break-even contact cost is below ``users.min_contact_cost`` (what the
    cheapest paid contact costs, :func:`winback_economics`) is told that a paid win-back does
    not pay for it: no coupons, free channels only (:data:`UNPAID_ACTION`), and no money at
    stake (a paid win-back would lose it).
    """
    from jdpromo.findings import Finding, severity

    out: list = []
    cust = current.customers
    total = len(cust)
    up, floor = params.users.winback_uplift, params.users.min_contact_cost
    actions = layer_actions(economics := winback_economics(current, previous, params))
    for layer, e in economics.items():
        n, seen, money, per = e["customers"], e["seen"], e["money"], e["per_contact"]
        name = label(layer, lang)
        evidence = t("fd_layer_no_history", lang)
        share = _pct(ratio(float(n), float(total)))
        title = t("fd_layer_title", lang, layer=name, customers=n, share=share)
        short = t("fd_short_layer", lang, layer=name, customers=n)
        action = t(actions[layer], lang) + t("recap_action_audience", lang)
        basis = "observed_return_spend"
        if seen is not None:
            evidence = t("fd_layer_observed", lang, layer=name, before=int(seen["customers"]),
                         returned=int(seen["returned"]), rate=_pct(seen["return_rate"]),
                         spend=seen["return_spend"], uplift=f"{up:.0%}", money=money)  # fmt: skip
            if np.isfinite(per) and per >= 0.005:  # shown to the fen (0.01 元)
                evidence += t("fd_layer_contact_cost", lang, customers=n, layer=name, cost=per)
                title = t("fd_layer_title_breakeven", lang, layer=name, customers=n, share=share,
                          cost=per)  # fmt: skip
        if e["pays"] is False:
            title = t("fd_layer_title_unpaid", lang, layer=name, customers=n, share=share,
                      cost=_cost_text(per), floor=floor)  # fmt: skip
            short = t("fd_short_layer_unpaid", lang, layer=name, customers=n)
            action = t(UNPAID_ACTION, lang)
            money, basis = math.nan, "none"
        out.append(
            Finding(
                area="users", kind=f"layer_{layer}", subject=name, direction="opportunity",
                title=title, short=short, evidence=evidence, action=action,
                metric="customers", value=float(n), baseline_kind="layer_history",
                n=float(n), money_at_stake=money, money_basis=basis,
                severity=severity(money, params.thresholds.min_money),
            )
        )  # fmt: skip
    return out
