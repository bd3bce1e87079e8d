"""The pages a manager reads, rendered end to end for a tiny seeded shop in both languages:
one language per page (no Chinese prose in English pages, no English sentences in Chinese
ones), titles and ``lang``, a table of contents, and snapshots of the recap and one detail page.

Snapshots (in the style of great_tables) live in ``tests/snapshots``: the page's own markup,
normalised (no nbconvert styling, images and version replaced by placeholders) and one element
per line, so a layout change shows as a readable diff. After an intended change, refresh them
with ``JDPROMO_UPDATE_SNAPSHOTS=1 pytest tests/test_pages.py`` and review the diff in git.
"""

from __future__ import annotations

import difflib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from jdpromo.cli import main
from jdpromo.params import NOTEBOOKS

pytestmark = pytest.mark.e2e

SNAPSHOTS = ROOT / "tests" / "snapshots"
UPDATE = os.environ.get("JDPROMO_UPDATE_SNAPSHOTS") == "1"
SHOP_NAME = "澄禾厨房电器旗舰店（示例）"

# JD's own names for its back-office tools, ad products, export columns and the workbook's
# sheets: English pages name them as JD's (Chinese-only) back office and files show them, so a
# reader can find them there.
JD_NAMES = (
    "京准通", "京东商智", "商智", "快车", "京东快车", "展位", "海投", "购物触点", "站外广告", "京挑客",
    "京东直投", "推荐广告", "转化周期", "新客数", "人群", "精确词建议", "大促后执行", "商品明细",
    "关键词购买类型", "优惠金额", "总订单金额",
)  # fmt: skip


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """One run per language of a tiny demo shop: ``{"zh": folder, "en": folder, "data": …}``."""
    from jdpromo.sample import write_demo_shop

    base = tmp_path_factory.mktemp("pages")
    data = base / "data" / "demo"
    write_demo_shop(data, shop="demo", seed=7, scale=0.05)
    out = {"data": data}
    for lang in ("zh", "en"):
        reports = base / f"reports-{lang}"
        code = main(
            ["run", "--shop", "demo", "--period", "2026-10", "--data", str(data),
             "--out", str(reports), "--lang", lang]
        )  # fmt: skip
        assert code == 0
        out[lang] = reports
    return out


# --------------------------------------------------------------------------------------------
# Page text


class _Text(HTMLParser):
    """The visible text of a page, without styles, scripts and the cells of data columns."""

    SKIP = {"style", "script", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def page_text(path: Path) -> list[str]:
    return page_text_of(path.read_text(encoding="utf-8"))


def data_values(folder: Path) -> list[str]:
    """Names that come from the shop's data (campaigns, units, keywords, search terms, SKUs,
    creatives …): kept as exported in every language. Longest first, for removal."""
    from jdpromo import ingest
    from jdpromo.params import load_shop_params

    dataset = ingest.load_folder(folder)
    values = set(_strings(load_shop_params("demo", None, ROOT).model_dump()))
    if dataset.has("orders"):
        values.update(dataset.table("orders")["status"].dropna().astype(str).unique())
    for name in ("ad_daily", "keyword_daily", "sku_daily", "industry_keywords", "traffic_daily"):
        if not dataset.has(name):
            continue
        frame = dataset.table(name)
        for col in frame.columns:
            if col in {"date", "period_start", "period_end"}:
                continue
            if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
                values.update(str(v) for v in frame[col].dropna().unique() if str(v).strip())
    values.update(p.name for p in folder.rglob("*") if p.is_file())
    return sorted(values, key=len, reverse=True)


def _strings(obj) -> list[str]:
    """Every string in the shop's parameters (promotion names, benchmark sources, brand and
    irrelevant words …): the shop's own words, shown as they are."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in _strings(k) + _strings(v)]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in _strings(v)]
    return []


def page_text_of(markup: str) -> list[str]:
    parser = _Text()
    parser.feed(markup)
    return parser.parts


CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _strip(text: str, values: list[str]) -> str:
    for v in values:
        if v in text:
            text = text.replace(v, " ")
    return text


CJK_RUN = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+")
QUOTED = re.compile(r"“[^”]*”|'[^']*'")


def _chinese_prose(text: str, values: list[str]) -> list[str]:
    """The CJK runs of an English text that are not data: values, parts of values (search-term
    themes are pieces of search terms), JD's names, or quoted (a quote cites the data)."""
    rest = _strip(QUOTED.sub(" ", text), values)
    return [run for run in CJK_RUN.findall(rest) if not any(run in v for v in values)]


def test_english_pages_have_no_chinese_prose(pages):
    values = data_values(pages["data"]) + list(JD_NAMES)
    values.sort(key=len, reverse=True)
    leaks = []
    folder = pages["en"] / "demo" / "2026-10"
    for name in NOTEBOOKS:
        for text in page_text(folder / f"{name}.html"):
            if _chinese_prose(text, values):
                leaks.append(f"{name}: {text[:120]}")
    index = pages["en"] / "index.html"
    leaks += [f"index: {x}" for x in page_text(index) if _chinese_prose(x, values)]
    assert not leaks, "Chinese in English pages:\n" + "\n".join(dict.fromkeys(leaks))


CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
"""「」、，。：；（）… and other CJK or full-width punctuation."""


def test_english_pages_use_english_punctuation(pages):
    """No 「」、，（） … in the prose of an English page (findings, notes, tables' text): the
    shop's own names from the data and params (its name 澄禾厨房电器旗舰店（示例） …) may hold
    them, nothing the report writes does."""
    values = data_values(pages["data"])
    leaks = []
    folder = pages["en"] / "demo" / "2026-10"
    for name in NOTEBOOKS:
        for text in page_text(folder / f"{name}.html"):
            if CJK_PUNCTUATION.search(_strip(text, values)):
                leaks.append(f"{name}: {text[:160]}")
    index = pages["en"] / "index.html"
    leaks += [f"index: {x}" for x in page_text(index) if CJK_PUNCTUATION.search(_strip(x, values))]
    assert not leaks, "CJK punctuation in English pages:\n" + "\n".join(dict.fromkeys(leaks))


def test_english_pages_gloss_jds_line_names_once(pages):
    """An English reader gets each 京准通 line explained at its first mention, once per page;
    the Chinese pages never."""
    from jdpromo.text import LINE_GLOSS_EN

    glosses = {f"{name} ({gloss})" for name, gloss in LINE_GLOSS_EN.items()}
    seen_any = False
    for lang in ("en", "zh"):
        folder = pages[lang] / "demo" / "2026-10"
        for name in NOTEBOOKS:
            text = " ".join(page_text(folder / f"{name}.html"))
            for gloss in glosses:
                count = text.count(gloss)
                assert count <= (1 if lang == "en" else 0), (lang, name, gloss, count)
                seen_any |= count > 0
    assert seen_any
    channel = " ".join(page_text(pages["en"] / "demo" / "2026-10" / "channel_comparison.html"))
    assert "快车 (search ads)" in channel


def test_gloss_page_leaves_markup_alone():
    from jdpromo.runner import gloss_page

    page = (
        "<html><head><title>快车</title><style>.快车 {}</style></head><body>"
        "<nav><a href='#s1'>快车 words</a></nav><img alt='快车 chart'>"
        "<p>展位-首焦 and <b>展位</b>: ROI 1.55</p><td>快车</td><p>快车 again</p>"
        "<script>var s = '快车 < 展位';</script></body></html>"
    )
    assert gloss_page(page) == (
        "<html><head><title>快车</title><style>.快车 {}</style></head><body>"
        "<nav><a href='#s1'>快车 words</a></nav><img alt='快车 chart'>"
        "<p>展位-首焦 and <b>展位 (display banner ads)</b>: ROI 1.55</p>"
        "<td>快车 (search ads)</td><p>快车 again</p>"
        "<script>var s = '快车 < 展位';</script></body></html>"
    )


LATIN_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,}){3,}")
IDENTIFIER = re.compile(r"(?<![/\w.])[a-z]+(?:_[a-z0-9]+)+(?![\w*]*\.(?:csv|xlsx))")
LATIN_OK = ("jdpromo", "JupyterLab")
# Shown on purpose: a parameter the analyst sets (参数 min_bid, targets.cost), masked accounts
# (jd_1b****95); a sentence about a tables/*.csv file may name its (snake_case) columns.
ALLOWED = re.compile(r"参数\s*[a-z_.]+(?:[、,，]\s*[a-z_.]+)*|targets\.[a-z_]+|jd_\w\w\*{4}\w\w")


def test_chinese_pages_have_no_english_sentences_or_identifiers(pages):
    values = data_values(pages["data"])
    leaks = []
    folder = pages["zh"] / "demo" / "2026-10"
    for name in NOTEBOOKS:
        for text in page_text(folder / f"{name}.html"):
            rest = _strip(text, values)
            for ok in LATIN_OK:
                rest = rest.replace(ok, " ")
            rest = ALLOWED.sub(" ", rest)
            if LATIN_SENTENCE.search(rest) or ("tables/" not in rest and IDENTIFIER.search(rest)):
                leaks.append(f"{name}: {text[:120]}")
    assert not leaks, "English in Chinese pages:\n" + "\n".join(dict.fromkeys(leaks))


# --------------------------------------------------------------------------------------------
# Page shell


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_titles_lang_viewport_and_contents(pages, lang):
    folder = pages[lang] / "demo" / "2026-10"
    report = "复盘报告" if lang == "zh" else "Recap"
    recap = (folder / "recap.html").read_text(encoding="utf-8")
    # English pages write the demo shop's "（示例）" as "(demo)", no full-width parentheses
    shop = SHOP_NAME if lang == "zh" else "澄禾厨房电器旗舰店 (demo)"
    assert f"<title>{report} · {shop} · 2026-10</title>" in recap
    assert f"<h1>{report} · {shop} · 2026-10</h1>" in recap
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in recap
    assert 'name="viewport"' in recap
    assert "<nav class='jd-report jd-toc'>" not in recap  # the recap needs no contents
    for name in ("channel_comparison", "keyword_review", "user_layers"):
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        toc = re.search(r"<nav class='jd-report jd-toc'>.*?</nav>", page, re.S)
        assert toc, name
        if name != "keyword_review":  # (the keyword page opens with its own 本期要点 section)
            summary = page.find('class="jd-report jd-summary"')
            assert 0 < summary < page.find("<nav class='jd-report jd-toc'>"), name
        sections = re.findall(r"<h2 class='jd-report jd-h2' id='(jd-s\d+)'>", page)
        links = re.findall(r"href='#(jd-s\d+)'", toc[0])
        assert links == sections and len(sections) >= 3
        if re.search(r"id=['\"]jd-method['\"]", page):  # the folded 方法说明 is listed last
            last = re.findall(r"<li><a href='#([\w-]+)'>", toc[0])[-1]
            assert last == "jd-method", name
    index = (pages[lang] / "index.html").read_text(encoding="utf-8")
    assert SHOP_NAME in index and "<span class='id'>demo</span>" in index
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in index


def test_no_link_leaves_the_report_folder(pages):
    """Links work in a forwarded report folder: other pages of the run, anchors, nothing else."""
    folder = pages["zh"] / "demo" / "2026-10"
    for name in NOTEBOOKS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        for href in re.findall(r"href=['\"]([^'\"]+)['\"]", page):
            assert href.startswith("#") or re.fullmatch(r"[a-z_]+\.html", href), (name, href)
            if not href.startswith("#"):
                assert (folder / href).is_file(), (name, href)


# --------------------------------------------------------------------------------------------
# Snapshots


class _Outline(HTMLParser):
    """The page's own markup (``jd-``, ``rc-``, ``fd-`` blocks), one element or text per line."""

    KEEP_ATTRS = ("class", "id", "href", "for", "type", "media", "alt", "lang")
    VOID = {"img", "input", "source", "br", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.depth = 0  # depth inside our own markup
        self.skip = 0

    @staticmethod
    def _ours(attrs: dict) -> bool:
        return bool(re.search(r"\b(jd|rc|fd)-", attrs.get("class") or ""))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in {"style", "script"}:
            self.skip += 1
            return
        inside = self.depth > 0 or self._ours(a)
        if not inside:
            if tag not in self.VOID:
                self.stack.append((tag, False))
            return
        shown = " ".join(
            f'{k}="{_placeholder(k, a[k])}"' for k in self.KEEP_ATTRS if a.get(k) is not None
        )
        self.lines.append("  " * self.depth + f"<{tag}{' ' + shown if shown else ''}>")
        if tag not in self.VOID:
            self.stack.append((tag, True))
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in {"style", "script"}:
            self.skip = max(self.skip - 1, 0)
            return
        while self.stack:
            open_tag, ours = self.stack.pop()
            if ours:
                self.depth -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.skip or self.depth == 0 or not data.strip():
            return
        self.lines.append("  " * self.depth + _normalise_text(data.strip()))


def _placeholder(key: str, value: str) -> str:
    return "IMAGE" if key in {"src", "srcset"} or value.startswith("data:") else value


def _normalise_text(text: str) -> str:
    text = re.sub(r"jdpromo \d+\.\d+\.\d+\S*", "jdpromo VERSION", text)
    return re.sub(r"\s+", " ", text)


def outline(path: Path) -> str:
    parser = _Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return "\n".join(parser.lines) + "\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["recap", "data_health"])
def test_snapshot(pages, name, lang):
    got = outline(pages[lang] / "demo" / "2026-10" / f"{name}.html")
    path = SNAPSHOTS / f"{name}.{lang}.html.txt"
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {path.name} was missing and has been written: review it")
        return
    want = path.read_text(encoding="utf-8")
    if got != want:
        diff = "".join(
            difflib.unified_diff(
                want.splitlines(keepends=True), got.splitlines(keepends=True),
                fromfile=f"snapshots/{path.name}", tofile="rendered", n=2,
            )
        )  # fmt: skip
        pytest.fail(
            f"{name} ({lang}) differs from its snapshot; if intended, rerun with "
            f"JDPROMO_UPDATE_SNAPSHOTS=1 and review the diff:\n{diff[:6000]}"
        )


JARGON = ("Welch", "Benjamini", "q = ", "α", "把握度", "MAD", "稳健 z", "稳健z", "jieba", "n-gram", "花费^b", "Kaplan",
          "收缩后", "泊松")  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_statistics_in_plain_words_methods_folded(pages, lang):
    """Test names, q, α, power and models only inside folded <details> (the page's 方法说明 or a
    finding's method note), never in the main text."""
    folder = pages[lang] / "demo" / "2026-10"
    for name in NOTEBOOKS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        main = re.sub(r"<details.*?</details>", "", page, flags=re.S)
        text = "\n".join(page_text_of(main))
        assert not [j for j in JARGON if j in text], (name, [j for j in JARGON if j in text])
    channel = (folder / "channel_comparison.html").read_text(encoding="utf-8")
    method = re.search(r"<details class=\"jd-report jd-method\".*?</details>", channel, re.S)
    assert method and "Welch" in method[0] and "Benjamini" in method[0]
