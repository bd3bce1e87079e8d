"""The text layer's own format specs (:class:`jdpromo.text.TextFormatter`): probabilities that
never read 0.00%, estimated counts as whole numbers, clauses left out when empty, and no
signed zero — checked on values worked out by hand."""

import math
import re

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


# --------------------------------------------------------------------------------------------
# English text: English punctuation, JD's line names glossed once


CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
"""「」、，。：；（）… and the other CJK and full-width punctuation: never in English text."""


def test_english_texts_use_no_cjk_punctuation():
    """Every English text of the reports — text keys, column headers, category and inventory
    terms, line glosses — and the list joins of the text layer use English punctuation."""
    from jdpromo import columns

    english = [(f"TEXT[{k!r}][{lang!r}]", v) for k, e in text.TEXT.items()
               for lang, v in e.items() if lang.startswith("en")]  # fmt: skip
    english += [(f"column {name}", columns.label(name, "en")) for name in columns.REGISTRY]
    english += [(f"CATEGORIES_EN[{k!r}]", v) for k, v in text.CATEGORIES_EN.items()]
    english += [(f"INVENTORY_TERMS[{k!r}]", v["en"]) for k, v in text.INVENTORY_TERMS.items()]
    english += [(f"LINE_GLOSS_EN[{k!r}]", v) for k, v in text.LINE_GLOSS_EN.items()]
    english += [
        ("join_list", text.join_list(["a", "b"], "en")),
        ("NameList", text.NameList((("计划A", "ROI 1.00"), ("计划B", "")), more=3).text("en")),
        ("partial_text", text.partial_text(["no dated data", "data covers x..y"], "en")),
    ]
    bad = [f"{where}: {value!r}" for where, value in english if CJK_PUNCTUATION.search(value)]
    assert not bad, "CJK punctuation in English text:\n" + "\n".join(bad)


def test_name_lists_are_written_in_the_language_of_the_text():
    """A finding's list of campaigns stays language-free until a text shows it: the demo's
    losing 快车 campaigns, four named and two more."""
    names = text.NameList((("空气炸锅-核心词", "ROI 2.24"), ("大促-双11专项", "ROI 2.40")), more=2)
    assert names.text("zh") == "「空气炸锅-核心词」ROI 2.24、「大促-双11专项」ROI 2.40 等"
    assert names.text("en") == "“空气炸锅-核心词” ROI 2.24, “大促-双11专项” ROI 2.40 and 2 more"
    # str/repr are the Chinese text (tables of a finding's fields keep their bytes)
    assert str(names) == names.text("zh") and repr(names) == repr(names.text("zh"))
    plain = text.NameList((("首焦", ""), ("日常", "")))
    assert (plain.text("zh"), plain.text("en")) == ("「首焦」、「日常」", "“首焦”, “日常”")
    assert not text.NameList(()) and (text.NameList(()) or "—") == "—"
    # t() renders it in its own language, clauses included
    assert "(“首焦”, “日常”)" in t("kw_campaign_covered", "en", n=2, campaigns=plain)
    assert "判为「首焦」、「日常」：" in t("kw_campaign_covered", "zh", n=2, campaigns=plain)
    assert text.FORMATTER.format("{a:?暂停 @；}", a=str(plain)) == "暂停 「首焦」、「日常」；"


def test_line_names_are_glossed_once_where_they_stand_alone():
    seen: set[str] = set()
    first = text.gloss_first(
        "展位-首焦-大促 and “展位” aside, 展位: ROI 1.55; 快车 (list in the review) and 快车 ROI",
        seen,
    )
    # a campaign name, a quoted name and a name followed by its own bracket are left alone
    assert first == (
        "展位-首焦-大促 and “展位” aside, 展位 (display banner ads): ROI 1.55; 快车 (list in the "
        "review) and 快车 (search ads) ROI"
    )
    # once per page: the next texts keep the names bare, 京东快车 is the same line as 快车
    assert text.gloss_first("展位 and 京东快车 again; 购物触点 first", seen) == (
        "展位 and 京东快车 again; 购物触点 (recommendation-slot ads) first"
    )
    # file names, longer names and unknown lines stay as they are
    fresh: set[str] = set()
    assert text.gloss_first("京东展位_创意报表.csv, 快车-商品推荐, 品牌专区", fresh) == (
        "京东展位_创意报表.csv, 快车-商品推荐, 品牌专区"
    )
    assert not fresh


# --- zero counts, parameter names and English wording a manager reads -----------------------


def test_counts_or_none_leaves_zero_clauses_out():
    fields = text.counts_or_none(
        {"files": 22, "ok": 22, "ignored": 0, "errors": 0, "rows_read": 605153,
         "rows_used": 604134, "rows_skipped": 1019},
        "ignored", "errors", "rows_skipped",
    )  # fmt: skip
    assert fields["ignored"] is None and fields["errors"] is None
    assert fields["rows_skipped"] == "1,019"
    assert t("health_summary", "zh", **fields) == (
        "共 22 个文件：22 个已读入；读入 605,153 行，使用 604,134 行，跳过 1,019 行。"
    )
    assert t("health_summary", "en", **fields) == (
        "22 files: 22 read; 605,153 rows read, 604,134 used, 1,019 skipped."
    )
    some = text.counts_or_none(
        {"files": 5, "ok": 3, "ignored": 1, "errors": 1, "rows_read": 10, "rows_used": 10,
         "rows_skipped": 0},
        "ignored", "errors", "rows_skipped",
    )  # fmt: skip
    assert t("health_summary", "zh", **some) == (
        "共 5 个文件：3 个已读入，1 个已忽略，1 个无法读取；读入 10 行，使用 10 行。"
    )


def test_keyword_actions_note_names_only_sheets_with_rows():
    # the demo's October: 3 negatives, 0 pauses, 0 bid changes, 19 new words
    fields = text.counts_or_none(
        {"neg": 3, "pause": 0, "bids": 0, "new": 19}, "neg", "pause", "bids", "new"
    )
    zh = t("kw_actions_note", "zh", **fields)
    assert zh.startswith(
        "keyword_actions.xlsx：否定关键词 3 行、新词建议 19 行、精确词建议（见上文）；"
    )
    assert " 0 行" not in zh
    en = t("kw_actions_note", "en", **fields)
    assert en.startswith(
        "keyword_actions.xlsx: negatives 3 rows, new words 19 rows, the exact words"
    )
    assert " 0 " not in en


def test_no_parameter_names_in_texts_a_manager_reads():
    # the texts of target / budget sources, layer findings and the pause note say it in words
    keys = [
        "target_source_targets.roi", "target_basis_targets.roi", "target_basis_target_roi",
        "budget_target_targets_roi", "ch_budget_source_param",
        "ch_budget_source_season_promotion", "ch_budget_source_season_ordinary",
        "ch_budget_source_season", "ch_budget_source_cost_target", "fd_layer_title_unpaid",
        "fd_layer_observed", "kw_pauses_note",
    ]  # fmt: skip
    raw = re.compile(r"targets\.(roi|cost)|target_roi|budget_total|users\.\w+|pause_loss_share")
    for key in keys:
        for lang in ("zh", "en"):
            assert not raw.search(text.TEXT[key][lang]), (key, lang)
    assert t("kw_pauses_note", "zh", min_clicks=30, share=0.05).count("全部关键词花费的 5%") == 1


def test_shop_label_in_english_has_no_full_width_parentheses():
    assert text.shop_label("澄禾厨房电器旗舰店（示例）", "en") == "澄禾厨房电器旗舰店 (demo)"
    assert text.shop_label("某店（北京）", "en") == "某店 (北京)"
    assert text.shop_label("澄禾厨房电器旗舰店（示例）", "zh") == "澄禾厨房电器旗舰店（示例）"


def test_english_wording_of_promotion_phases():
    assert t("phase_encore", "en") == "post-sale"
    assert "encore" not in " ".join(v["en"] for v in text.TEXT.values())
    assert "turn into orders at the peak" in text.TEXT["kw_account_warmup"]["en"]
    for key in ("compare_crosses_promotion", "compare_crosses_promotion_no_ly"):
        assert "boundary" not in text.TEXT[key]["en"]
        assert "not in the same promotion phase" in text.TEXT[key]["en"]


def test_recap_health_line_leaves_zero_counts_out():
    from jdpromo import recap

    line = recap.health_line(
        {"files": 22, "ok": 22, "ignored": 0, "errors": 0, "rows_skipped": 1019}, [], "zh"
    )
    assert line == "数据体检：共 22 个文件，22 个已读取；跳过 1,019 行。本期数据完整。"
    line = recap.health_line(
        {"files": 4, "ok": 2, "ignored": 1, "errors": 1, "rows_skipped": 0}, [], "en"
    )
    assert (
        line
        == "Data health: 4 files, 2 read, 1 ignored, 1 unreadable. The period is fully covered."
    )


def test_two_counts_leave_out_a_zero():
    from jdpromo.text import t, two_counts

    def pauses(a, b, lang="zh"):
        return t("kw_summary_pauses", lang, **two_counts(a, b), cost=545)

    assert pauses(3, 5) == "3 个关键词建议暂停、5 个建议降价（合计花费 545 元）。"
    assert pauses(1, 0) == "1 个关键词建议暂停（合计花费 545 元）。"
    assert pauses(0, 2) == "2 个关键词建议降价（合计花费 545 元）。"
    assert pauses(1, 0, "en") == "1 keyword to pause (545 yuan of spend)."
    assert pauses(3, 5, "en") == "3 keywords to pause and 5 to bid down (545 yuan of spend)."
