"""The text layer's own format specs (:class:`jdpromo.text.TextFormatter`): probabilities that
never read 0.00%, estimated counts as whole numbers, clauses left out when empty, and no
signed zero — checked on values worked out by hand."""

import math

import pytest
from jdpromo import text
from jdpromo.text import t


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (0.0031, "0.31%"),
        (0.00004, "<0.01%"),  # 0.004% rounds to 0.00%: below the smallest step shown
        (0.00005, "0.01%"),  # 0.005% rounds up to the step
        (0.0, "<0.01%"),
        (0.99996, ">99.99%"),
        (1.0, ">99.99%"),
        ("0.00%", "<0.01%"),  # formatted upstream: 0.00% means below 0.005%
        ("100.00%", ">99.99%"),
        ("12.34%", "12.34%"),
        ("—", "—"),
        (math.nan, "—"),
    ],
)
def test_probability_never_reads_zero_or_certain(p, shown):
    assert text.probability_text(p) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(9.0, "9"), (9.04, "9"), (84.1, "84"), (84.5, "85"), (0.5, "1"), (0.3, "<1"),
     (1234.6, "1,235"), (math.nan, "—")],
)  # fmt: skip
def test_estimated_counts_are_whole_numbers(value, shown):
    assert text.about_count(value) == shown


def test_breakeven_evidence_reads_whole_lines_and_a_bounded_probability():
    # 248 clicks × break-even conversion 3.63% = 9.0 order lines due; none came
    fields = {"clicks": 248.0, "cost": 621.22, "breakeven_cvr": "3.63%",
              "expected": 248 * 0.0363, "p": "0.00%"}  # fmt: skip
    zh = t("kw_neg_no_orders", "zh", **fields)
    assert "应有约 9 行，达到保本的概率 <0.01%" in zh
    en = t("kw_neg_no_orders", "en", **fields)
    assert "about 9 were due; probability of reaching break-even <0.01%" in en


def test_clauses_are_left_out_when_empty():
    fields = {"pause": "「展位-品牌日常曝光」", "cut": "—", "keep": "「展位-新品首发」"}
    assert t("action_cut_campaigns", "zh", **fields) == (
        "建议：不要整条产品线暂停，按计划处理：暂停 「展位-品牌日常曝光」；保留 「展位-新品首发」"
        "（这些计划的 ROI 在保本线以上）。"
    )
    en = t("action_cut_campaigns", "en", **{**fields, "pause": "", "cut": "「a」"})
    assert en.startswith(
        "Action: do not pause the whole line; act per campaign: bid down 「a」; keep"
    )
    assert t("action_cut_campaigns_all", "zh", pause="—", cut="「a」").startswith(
        "建议：按计划处理：降价 「a」（"
    )


def test_no_signed_zero():
    assert text.unsigned_zero("-0.0%") == "0.0%"
    assert text.unsigned_zero("+0.00pp") == "0.00pp"
    assert text.unsigned_zero("-0.1%") == "-0.1%"
    assert text.unsigned_zero("+10.0%") == "+10.0%"
    # a template's signed spec: −0.04% of a change shows as 0.0%
    assert (
        t("fd_short_warmup", "zh", now=12.31, change=-0.0004)
        == "预热加购成本 12.31 元（同比 0.0%）"
    )
    assert (
        t("fd_short_warmup", "zh", now=12.31, change=-0.0008)
        == "预热加购成本 12.31 元（同比 -0.1%）"
    )
