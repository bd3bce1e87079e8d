"""The one schema of report parameters: types, allowed values and defaults.

The CLI validates with it before any kernel starts, and the notebooks load their parameters
through it, so an unknown or ill-typed parameter fails the same way everywhere. Shop parameters
come from YAML files: ``params/defaults.yaml`` (if present), then the shop's own file
(``params/<shop>.yaml`` or ``--params FILE``), then the command line.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from jdpromo.contract import Limits
from jdpromo.errors import ParameterError, ShopIdError

SHOP_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
ATTRIBUTION_DAYS = (0, 1, 3, 7, 15, 30)


def check_shop_id(shop: str) -> str:
    """Return ``shop`` if it is a safe shop id (letters, digits, ``-``, ``_``), else raise.

    A shop id names a folder under the data and output folders, so anything that could write
    elsewhere (``../x``, ``/abs``, ``a/b``, ``.``) is refused.
    """
    if not isinstance(shop, str) or not SHOP_ID.fullmatch(shop) or shop in {".", ".."}:
        raise ShopIdError(
            f"shop id {shop!r} is not allowed: use 1-64 letters, digits, '-' or '_' "
            "(no slashes, dots or spaces), e.g. 'demo' or 'shop_01'"
        )
    return shop


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Phase(_Strict):
    """A promotion phase: first and last day, inclusive."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.end < self.start:
            raise ValueError(f"phase ends ({self.end}) before it starts ({self.start})")
        return self


class Promotion(_Strict):
    """A named promotion window (e.g. ``1111-2026``) with its 预热/爆发/返场 phases.

    ``last_year`` names the same promotion a year earlier for 同比; by default the name with its
    year lowered by one (``1111-2025``). ``label`` is its name on pages (``2026年双11``),
    ``label_en`` on English pages (default: from the window's name, ``Double 11 2026``).
    """

    label: str | None = None
    label_en: str | None = None
    warmup: Phase | None = None
    peak: Phase
    encore: Phase | None = None
    last_year: str | None = None

    @property
    def start(self) -> dt.date:
        return (self.warmup or self.peak).start

    @property
    def end(self) -> dt.date:
        return (self.encore or self.peak).end


class Benchmark(_Strict):
    """A benchmark value the user supplied, with where it comes from and when."""

    value: float
    source: str
    date: str


class Thresholds(_Strict):
    """When a difference becomes a finding (money in 元, rates in percentage points)."""

    min_money: float = Field(500.0, ge=0)
    min_relative_change: float = Field(0.10, ge=0)
    min_rate_change_pp: float = Field(0.5, ge=0)
    alpha: float = Field(0.05, gt=0, lt=1)
    power: float = Field(0.8, gt=0, lt=1)
    min_detectable_effect: float = Field(0.10, gt=0)
    min_clicks_verdict: int = Field(100, ge=1)
    max_test_weeks: float = Field(8.0, gt=0)
    """Weeks a creative/audience/placement comparison may still need, at the pace its items
    had, before the report stops advising to wait for it and leads with ROI against 保本."""


class UserParams(_Strict):
    """User-layer (用户分层) rules; see ``docs/user-layers.md``. Days are calendar days, money 元.

    ``None`` thresholds are derived from the shop's own data when the report runs: the lifecycle
    thresholds of repeat buyers from the gaps (days) between a customer's consecutive purchase
    days — the ``active_gap_quantile`` (80th) and ``churn_gap_quantile`` (95th) percentiles —,
    those of one-time buyers (``once_*``) from the time from a first to a second purchase (a
    Kaplan–Meier estimate; ``once_active_quantile`` 50th and ``once_churn_quantile`` 80th
    percentile of the second purchases that happen), and the money cut points from quantiles of
    the customers' net spend.
    """

    lookback_days: int = Field(365, ge=28, le=3660)
    active_days: int | None = Field(None, ge=1)
    churn_days: int | None = Field(None, ge=2)
    active_gap_quantile: float = Field(0.80, gt=0, lt=1)
    churn_gap_quantile: float = Field(0.95, gt=0, lt=1)
    min_gaps: int = Field(30, ge=1)
    fallback_active_days: int = Field(90, ge=1)
    fallback_churn_days: int = Field(180, ge=2)
    rfm_basis: Literal["history", "window"] = "history"
    rfm_recency_days: int | None = Field(None, ge=0)
    rfm_frequency_cut: int = Field(2, ge=1)
    rfm_monetary_cut: float | None = Field(None, ge=0)
    rfm_monetary_quantile: float = Field(0.5, gt=0, lt=1)
    value_min_orders: int = Field(2, ge=1)
    value_monetary_cut: float | None = Field(None, ge=0)
    value_monetary_quantile: float = Field(0.8, gt=0, lt=1)
    coupon_share_threshold: float = Field(0.05, gt=0, le=1)
    cohort_months: int = Field(12, ge=1, le=36)
    winback_uplift: float = Field(0.10, gt=0, le=1)
    min_contact_cost: float = Field(0.20, ge=0)
    """What the cheapest paid win-back costs per customer reached (元): an SMS (≈ 0.05 元)
    plus the coupons it gives away (a 10 元 coupon used by 1.5% of those reached ≈ 0.15 元).
    A 沉默/流失 layer whose break-even contact cost is below it gets no paid win-back."""
    once_active_days: int | None = Field(None, ge=1)
    once_churn_days: int | None = Field(None, ge=2)
    once_active_quantile: float = Field(0.50, gt=0, lt=1)
    once_churn_quantile: float = Field(0.80, gt=0, lt=1)

    @model_validator(mode="after")
    def _ordered(self) -> UserParams:
        if self.active_days is not None and self.churn_days is not None:
            if self.churn_days <= self.active_days:
                raise ValueError("churn_days must be greater than active_days")
        if self.once_active_days is not None and self.once_churn_days is not None:
            if self.once_churn_days <= self.once_active_days:
                raise ValueError("once_churn_days must be greater than once_active_days")
        if self.once_churn_quantile <= self.once_active_quantile:
            raise ValueError("once_churn_quantile must be greater than once_active_quantile")
        if self.fallback_churn_days <= self.fallback_active_days:
            raise ValueError("fallback_churn_days must be greater than fallback_active_days")
        if self.churn_gap_quantile <= self.active_gap_quantile:
            raise ValueError("churn_gap_quantile must be greater than active_gap_quantile")
        return self


IRRELEVANT_WORDS = (
    # accessories and consumables of the appliance, not the appliance
    "专用纸", "吸油纸", "烘焙纸", "锡纸", "油纸", "硅胶垫", "配件", "密封圈",
    # how-to, recipes, repairs: information, not a purchase
    "怎么用", "怎么清洗", "怎么洗", "怎么拆", "怎么做", "如何使用", "如何清洗", "使用方法",
    "说明书", "步骤", "教程", "食谱", "菜谱", "做法", "维修", "故障", "除垢剂",
    # not buying a new one
    "二手", "回收",
    # the same in English ("manual" is left out: a manual juicer is a product)
    "how to", "recipe", "cookbook", "liner", "parchment", "replacement", "spare part",
    "repair",
)  # fmt: skip
"""Words that make a search term irrelevant to a keyword it contains (空气炸锅专用纸 is not a
search for an air fryer): used unless ``KeywordParams.default_irrelevant_words`` is false.
Matched whole for Latin words (``liner`` matches "liners", not "streamliner")."""


class KeywordParams(_Strict):
    """Keyword-review (关键词复盘) rules; see ``docs/keyword-actions.md``.

    Counts are clicks, impressions or order lines over the report period; probabilities are
    fractions; money is 元. Rates of a word are shrunk toward its campaign's (or the account's)
    rate: ``prior_clicks`` and ``prior_impressions`` say how much data the prior is worth.
    """

    min_clicks_negative: int = Field(20, ge=1)
    min_expected_order_lines: float = Field(2.0, ge=0)
    min_cost_negative: float = Field(0.0, ge=0)
    min_clicks_pause: int = Field(30, ge=1)
    max_probability: float = Field(0.10, gt=0, lt=0.5)
    max_negatives_per_unit: int = Field(20, ge=1)
    irrelevant_words: list[str] = Field(default_factory=list)
    default_irrelevant_words: bool = True
    prior_clicks: float = Field(100.0, gt=0)
    prior_impressions: float = Field(1000.0, gt=0)
    prior_order_lines: float = Field(5.0, ge=0)
    shrink_to: Literal["campaign", "account"] = "campaign"
    quadrant_probability: float = Field(0.80, gt=0.5, lt=1)
    min_clicks_quadrant: int = Field(10, ge=0)
    head_rule: Literal["clicks_share", "length"] = "clicks_share"
    head_clicks_share: float = Field(0.80, gt=0, le=1)
    long_tail_min_chars: int = Field(7, ge=2)
    ngram_max: int = Field(3, ge=1, le=3)
    ngram_min_terms: int = Field(3, ge=1)
    ngram_min_clicks: int = Field(30, ge=0)
    min_clicks_bid: int = Field(20, ge=0)
    min_bid_change: float = Field(0.05, ge=0, lt=1)
    min_bid: float = Field(0.1, gt=0)
    max_bid: float = Field(9999.0, gt=0)
    bid_decimals: int = Field(2, ge=0, le=2)
    min_clicks_new_word: int = Field(20, ge=1)
    competitor_new_words: bool = False
    """Propose words containing a competitor's brand (``ShopParams.competitor_brands``) as new
    words too; off by default: buying a rival's brand name is a choice the shop makes itself."""
    product_words: list[str] = Field(default_factory=list)
    pause_loss_share: float = Field(0.05, gt=0, le=1)
    """A keyword failing break-even is paused, even with order lines, when its loss (spend −
    revenue × contribution margin) is at least this share of the account's keyword spend and its
    ROI is below half of 保本ROI."""


MARGIN_FIELDS = ("gross_margin", "commission_rate", "refund_rate")


class WatchParams(_Strict):
    """The daily watch (``jdpromo watch``, :mod:`jdpromo.watch`): baseline and alert thresholds.
    Money in 元, rates and changes as fractions."""

    weeks: int = Field(4, ge=1, le=26)
    """Trailing weeks of the baseline (the same weekday in each)."""
    min_baseline_days: int = Field(3, ge=2)
    z: float = Field(3.5, gt=0)
    """Robust z (median / MAD) beyond which a day is outside day-to-day variation."""
    min_change: float = Field(0.5, gt=0)
    """Spend spikes and drops: at least this relative change from the baseline median."""
    min_money: float = Field(100.0, ge=0)
    """Spend spikes and drops: at least this many 元 away from the median; ROI checks need it."""
    high_money: float = Field(1000.0, ge=0)
    """An alert about at least this many 元 is ``high``."""
    rate_drop: float = Field(0.3, gt=0, lt=1)
    min_impressions: int = Field(2000, ge=1)
    min_clicks: int = Field(50, ge=1)
    alpha: float = Field(0.01, gt=0, lt=1)
    term_min_spend: float = Field(100.0, ge=0)
    term_spike: float = Field(3.0, ge=1)
    max_terms: int = Field(5, ge=1)
    daily_caps: dict[str, float] = Field(default_factory=dict)
    """Daily budget caps (元) by line (``海投``) or line/campaign (``海投/海投-全店智能推广``)."""
    cap_tolerance: float = Field(0.02, ge=0, lt=1)
    line_presence: float = Field(0.75, gt=0, le=1)
    partial_rows: float = Field(0.5, gt=0, le=1)
    """An export with fewer rows for the day than this × its median rows a baseline day is cut off."""


class ActionParams(_Strict):
    """How the next recap decides whether last period's actions were applied (:mod:`jdpromo.actionlog`)."""

    min_cpc_move: float = Field(0.05, ge=0, lt=1)
    """A bid change counts as applied when CPC moved its way by at least this fraction."""
    budget_band: float = Field(0.15, ge=0, lt=1)
    """A line's budget counts as followed when its spend is within ± this fraction of the plan."""


class ShopParams(_Strict):
    """Everything a report needs to know about a shop beyond its export files.

    Money is in 元; margins and rates are fractions (0.35 = 35%).
    """

    shop_name: str | None = None
    attribution_days: int = 15
    attribution_basis: Literal["click", "order"] = "click"
    gross_margin: float = Field(0.35, gt=0, le=1)
    commission_rate: float = Field(0.05, ge=0, lt=1)
    refund_rate: float = Field(0.03, ge=0, lt=1)
    targets: dict[str, float] = Field(default_factory=dict)
    benchmarks: dict[str, Benchmark] = Field(default_factory=dict)
    brand_terms: list[str] = Field(default_factory=list)
    promotions: dict[str, Promotion] = Field(default_factory=dict)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    spend_outlier_window_days: int = Field(28, ge=7, le=120)
    spend_outlier_z: float = Field(3.5, gt=0)
    bid_step_cap: float = Field(0.3, gt=0, le=1)
    target_roi: float | None = Field(None, gt=0)
    examples: bool = False
    users: UserParams = Field(default_factory=UserParams)
    keywords: KeywordParams = Field(default_factory=KeywordParams)
    limits: Limits = Field(default_factory=Limits)
    """Bounds on each input file (sizes, ZIP archives, cells, header lines): past one the
    file is an error saying which; see ``docs/data-contract.md``."""
    watch: WatchParams = Field(default_factory=WatchParams)
    actions: ActionParams = Field(default_factory=ActionParams)
    competitor_brands: list[str] = Field(default_factory=list)
    """Competitors' brand words (美的, 九阳 …), matched like ``brand_terms`` (any case, spaces
    ignored): keywords, search terms, themes and hot words containing one are tagged
    ``is_competitor``, and they are not proposed as new words unless
    ``keywords.competitor_new_words``."""

    @field_validator("attribution_days")
    @classmethod
    def _window(cls, v: int) -> int:
        if v not in ATTRIBUTION_DAYS:
            raise ValueError(f"must be one of {ATTRIBUTION_DAYS} (JD's 转化周期)")
        return v

    @field_validator("competitor_brands")
    @classmethod
    def _competitors(cls, v: list[str], info: ValidationInfo) -> list[str]:
        own = {re.sub(r"\s+", "", b).lower() for b in info.data.get("brand_terms", [])}
        both = [c for c in v if re.sub(r"\s+", "", c).lower() in own]
        if both:
            raise ValueError(
                f"{both} also in brand_terms: a word is the shop's own brand or a competitor's"
            )
        return [c for c in v if c.strip()]

    @model_validator(mode="after")
    def _margin(self) -> ShopParams:
        roi = self.targets.get("roi")
        if roi is not None and self.target_roi is not None and float(roi) != self.target_roi:
            raise ValueError(
                f"targets.roi ({roi}) and target_roi ({self.target_roi}) differ: a shop has one "
                "target ROI; set targets.roi (target_roi is its older name)"
            )
        if self.contribution_margin <= 0:
            raise ValueError(
                "gross_margin − commission_rate − refund_rate must be above 0 "
                f"(it is {self.contribution_margin:.3f}); check the shop's margins"
            )
        return self

    @property
    def contribution_margin(self) -> float:
        """Gross margin less platform commission (扣点) and expected refund loss, a fraction."""
        return self.gross_margin - self.commission_rate - self.refund_rate

    @property
    def breakeven_roi(self) -> float:
        """保本ROI = 1 / contribution margin."""
        return 1.0 / self.contribution_margin

    @property
    def defaulted(self) -> list[str]:
        """The judgement inputs the shop's params did not set: the margins behind 保本ROI
        (``gross_margin``, ``commission_rate``, ``refund_rate``) and ``targets`` when empty.
        Every page announces them: a verdict on 保本 is only as good as the margin."""
        margins = [k for k in MARGIN_FIELDS if k not in self.model_fields_set]
        return margins + ([] if self.targets else ["targets"])

    @property
    def roi_target(self) -> tuple[float, str]:
        """The shop's one target ROI and where it comes from: ``targets.roi``, else
        ``target_roi`` (its older name), else 保本ROI (``breakeven``). Every page, the recap's
        targets, the keyword bids and the budget tilt use this value."""
        if "roi" in self.targets:
            return float(self.targets["roi"]), "targets.roi"
        if self.target_roi is not None:
            return float(self.target_roi), "target_roi"
        return self.breakeven_roi, "breakeven"


NOTEBOOKS = ("data_health", "channel_comparison", "keyword_review", "user_layers", "recap")
"""Notebooks the runner knows, in the order they run (the recap, when present, comes last)."""


class RunParams(_Strict):
    """Parameters of one report run (one shop, one period), as the CLI and notebooks take them."""

    shop: str
    period: str
    data_dir: Path | None = None
    out_dir: Path = Path("reports")
    params_file: Path | None = None
    lang: Literal["zh", "en"] = "zh"
    notebooks: tuple[str, ...] = NOTEBOOKS

    @field_validator("shop")
    @classmethod
    def _shop(cls, v: str) -> str:
        try:
            return check_shop_id(v)
        except ShopIdError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("notebooks")
    @classmethod
    def _notebooks(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [n for n in v if n not in NOTEBOOKS]
        if unknown:
            raise ValueError(f"unknown notebook(s) {unknown}; choose from {list(NOTEBOOKS)}")
        if not v:
            raise ValueError("name at least one notebook")
        return v


_PYDANTIC_PREFIX = re.compile(r"^(?:Value error|Assertion failed), |^Input should be ")


def _format_validation(exc: ValidationError, where: str) -> str:
    """Pydantic's errors as one plain line: ``where: name: problem; name: problem`` (no
    "Value error, …" prefixes, no links to pydantic's docs)."""
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"])
        msg = "unknown parameter" if err["type"] == "extra_forbidden" else err["msg"]
        msg = _PYDANTIC_PREFIX.sub(lambda m: "should be " if "should" in m[0] else "", msg)
        parts.append(f"{loc}: {msg}" if loc else msg)
    return f"{where}: " + "; ".join(parts)


def project_root(start: Path | None = None) -> Path:
    """The folder holding ``params/`` and ``notebooks/`` (the repo), found from ``start`` upward.

    ``JDPROMO_HOME`` overrides the search. Falls back to the current folder.
    """
    import os

    env = os.environ.get("JDPROMO_HOME")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "params").is_dir() and (folder / "notebooks").is_dir():
            return folder
    return here


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping, with a clear error for a missing file or bad YAML."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParameterError(f"params file {path} does not exist") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"params file {path} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"params file {path} must hold a mapping of parameter: value")
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_shop_params(
    shop: str, params_file: Path | None = None, root: Path | None = None
) -> ShopParams:
    """Validated shop parameters: defaults, then ``params/defaults.yaml``, then the shop's file.

    The shop's file is ``params_file`` when given, else ``params/<shop>.yaml`` when it exists.
    With neither, the defaults apply (a folder of exports is enough to run a report).
    """
    check_shop_id(shop)
    root = root or project_root()
    data: dict[str, Any] = {}
    sources = []
    defaults = root / "params" / "defaults.yaml"
    if defaults.is_file():
        data = _merge(data, read_yaml(defaults))
        sources.append(str(defaults))
    shop_file = Path(params_file) if params_file else root / "params" / f"{shop}.yaml"
    if params_file or shop_file.is_file():
        data = _merge(data, read_yaml(shop_file))
        sources.append(str(shop_file))
    try:
        return ShopParams(**data)
    except ValidationError as exc:
        raise ParameterError(_format_validation(exc, " + ".join(sources) or "defaults")) from None


def validate_run(**values: Any) -> RunParams:
    """Validate run parameters (CLI or notebook) and return them, or raise ParameterError."""
    try:
        return RunParams(**values)
    except ValidationError as exc:
        raise ParameterError(_format_validation(exc, "parameters")) from None
