"""Numbers as managers read them."""

from __future__ import annotations

import ast
import math
from datetime import date, timedelta

import pandas as pd
import pytest

from evaluate.model.finance import ASSUMPTIONS_USED, JOINS_ASSUMPTIONS
from evaluate.paths import PACKAGE_DIR
from evaluate.reports.formatting import (
    INPUT_LABELS,
    MISSING,
    OVER_CAPACITY,
    STALE_ROSTER_DAYS,
    UNSTABLE_QUEUE,
    count_phrase,
    count_text,
    demo_banner,
    in_sentence,
    money,
    months,
    number,
    over_capacity,
    peak_load,
    peak_note,
    plural,
    roster_date_notice,
    share,
    utilisation,
    utilisation_range,
)
from support import rendered

NOT_NUMBERS = [math.inf, -math.inf, math.nan, None, pd.NA, float("nan")]


@pytest.mark.parametrize(("value", "kwargs", "text"), [
    (1234.4, {}, "$1,234"), (-1234.6, {}, "−$1,235"), (6400, {"signed": True}, "+$6,400"),
    (0.48, {}, "$0.48"), (math.inf, {}, "–"), (float("nan"), {}, "–"),
    (0.0, {"signed": True}, "$0"),
])
def test_money(value, kwargs, text):
    assert money(value, "USD", **kwargs) == text


def test_money_in_other_currencies():
    assert money(1500, "EUR") == "€1,500"
    assert money(1500, "CHF") == "CHF 1,500"


@pytest.mark.parametrize(("value", "text"), [
    (0.72, "72%"), (0.0, "0%"), (1.0, "100%"), (0.003, "<1%"), (0.998, ">99%"),
    (float("nan"), "–")])
def test_share_never_rounds_a_possibility_away(value, text):
    assert share(value) == text


@pytest.mark.parametrize(("years", "text"), [
    (0.21, "3 months"), (1 / 12, "1 month"), (0.01, "1 month"), (1.58, "19 months"),
    (2.5, "2.5 years"), (math.inf, "not within the horizon")])
def test_months(years, text):
    assert months(years) == text


def test_names_in_sentences_keep_acronyms():
    assert in_sentence("Reverse hyperextension") == "reverse hyperextension"
    assert in_sentence("GHD bench") == "GHD bench"
    assert in_sentence("Glute-ham developer (GHD)") == "glute-ham developer (GHD)"


def test_hidden_counts_and_the_demo_banner():
    assert count_text(float("nan")) == "not shown"  # not "fewer than 10": see HIDDEN_COUNT
    assert count_text(1585.0) == "1,585"
    assert count_phrase(1585.0, "desk workers") == "1,585 desk workers"
    assert count_phrase(float("nan"), "desk workers") == "desk workers (number not shown)"
    assert "Demo data" in demo_banner(True)
    assert demo_banner(False) == ""


def test_plural():
    from evaluate.reports.formatting import plural

    assert plural(1.2, "session") == "1 session"
    assert plural(92.4, "session") == "92 sessions"
    assert plural(1, "member", "people") == "1 member"
    assert plural(2, "member", "people") == "2 people"


@pytest.mark.parametrize(("p", "text"), [(0.0, "0%"), (0.003, "<1%"), (0.42, "42%"),
                                         (0.9991, ">99%"), (1.0, "100%")])
def test_probabilities_never_round_to_certainty(p, text):
    assert share(p) == text


# --- Markdown: what the report writes is what the manager reads ------------------------------

def test_dollar_signs_stay_money_and_the_bold_between_them_stays_bold():
    from evaluate.reports.formatting import literal_dollars, markdown

    text = "Within $5,000, the best set is: **the rower**, for $1,628 up front."
    assert "**" in rendered(text)  # unescaped, the two amounts open a maths span
    html = rendered(literal_dollars(text))
    assert "<strong>the rower</strong>" in html and "**" not in html
    assert "$5,000" in html and "$1,628" in html and "\\$" not in html
    assert markdown(text).data == literal_dollars(text)  # what the notebooks display
    assert literal_dollars(literal_dollars(text)) == literal_dollars(text)  # escaped once
    assert literal_dollars("\\\\$1") == "\\\\\\$1"  # a backslash, then a dollar sign


@pytest.mark.parametrize("name", [
    "Row*er_2", "**Leg press**", "Bench [x](y)", "Cable $5 and $6", "a | b", "~~gone~~",
    "GHD & co &amp;", "`code`", "\\begin{x}y\\end{x}", "\\[x\\]", "# Rower", "1. Rower",
    "- Rower", "> Rower", "<b>Rower</b>", "Row\ning\nmachine",
])
def test_a_name_from_the_club_reads_as_written(name):
    import html

    from evaluate.reports.formatting import literal_dollars, markdown_text

    page = rendered(literal_dollars(f"- **{markdown_text(name)}** costs $1,200 and **saves** "
                                    "$3,400."))
    assert page.startswith("<ul>\n<li><strong>") and page.count("<li>") == 1
    shown = html.unescape(page.split("<strong>", 1)[1].split("</strong>", 1)[0])
    assert shown == " ".join(name.split())  # line breaks read as the spaces a page shows
    assert "<strong>saves</strong> $3,400." in page and "costs $1,200 and" in page
    item = rendered(literal_dollars(f"- {markdown_text(name)}: uptakes × 0.88"))  # line start
    assert item.startswith("<ul>\n<li>") and item.count("<li>") == 1
    text = html.unescape(item.split("<li>", 1)[1].split("</li>", 1)[0])
    assert text == " ".join(name.split()) + ": uptakes × 0.88"


def test_markdown_text_leaves_plain_words_plain():
    from evaluate.reports.formatting import markdown_text

    for plain in ("Glute-ham developer (GHD), 4.3 m²", "45-degree back extension"):
        assert markdown_text(plain) == plain


@pytest.mark.parametrize(("values", "tied"), [
    ([0.62, 0.62, 0.5], 2),            # the same figure
    ([0.6249, 0.6151, 0.5], 2),        # printed the same: 62 and 62
    ([0.62, 0.62 - 1e-15, 0.62], 3),   # floating-point noise
    ([0.625, 0.6149], 1),              # 62 against 61 (rounded half to even: 62)
    ([0.9, 0.5], 1), ([0.7], 1), ([], 0),
])
def test_ties_are_figures_the_page_prints_the_same(values, tied):
    from evaluate.reports.formatting import tied_with_first

    assert tied_with_first(values, lambda v: f"{v * 100:.0f}") == tied


def test_names_joined_as_a_sentence_lists_them():
    from evaluate.reports.formatting import joined

    assert joined(["the rower"]) == "the rower"
    assert joined(["the rower", "the GHD"]) == "the rower and the GHD"
    assert joined(["a", "b", "c"]) == "a, b and c"
TODAY = date(2026, 12, 6)


def test_a_roster_date_far_from_today_is_stated_with_its_distance():
    assert roster_date_notice(date(2019, 3, 3), today=TODAY) == (
        "> **These figures are for the roster on 3 March 2019**, 7 years before this report was "
        "made (6 December 2026): set as_of or export a newer roster.")
    assert "13 months before" in roster_date_notice(date(2025, 11, 1), today=TODAY)
    assert "3 months before" in roster_date_notice(date(2026, 9, 6), today=TODAY)
    later = roster_date_notice(date(2030, 1, 1), as_of_set=True, today=TODAY)
    assert later.endswith("3 years after this report was made (6 December 2026): the date set "
                          "by as_of.")


def test_a_roster_date_near_today_says_nothing():
    near = TODAY - timedelta(days=STALE_ROSTER_DAYS - 1)
    assert roster_date_notice(near, today=TODAY) == ""
    assert roster_date_notice(TODAY, today=TODAY) == ""
    assert roster_date_notice(near - timedelta(days=1), today=TODAY) != ""
    assert roster_date_notice(TODAY + timedelta(days=STALE_ROSTER_DAYS - 1), today=TODAY) == ""


# ---------------------------------------------------------------- the gate: never inf or nan

@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_no_formatter_prints_inf_or_nan(value):
    texts = [number(value), number(value, ".1f"), number(value, ".0%"), number(value, "g"),
             money(value, "USD"), share(value), months(value), plural(value, "session"),
             count_text(value), count_phrase(value, "members"), utilisation(value),
             utilisation_range(value, value)]
    for text in texts:
        assert not any(word in text.lower() for word in ("inf", "nan", "<na>", "none")), text
    assert number(value) == MISSING and number(value, missing="not available") == (
        "not available")


def test_number_formats_finite_values_by_its_spec():
    assert number(1234.5) == "1,234" and number(0.4567, ".0%") == "46%"
    assert number(7.25, ".1f") == "7.2" and number(12, ",") == "12" and number(0.5, "g") == "0.5"


def test_report_modules_format_numbers_only_through_the_formatters():
    """An f-string format of a number ({x:.0f}, {x:,}, {x:.0%}) prints "inf" or "nan" for a
    value that is not a finite number; formatting.number() and the formatters built on it
    never do. So no report module formats a number itself: every f-string spec that formats
    a number is in formatting.py. (results.py writes no report text, only errors about a
    notebook's own calls.)"""
    numeric = set("eEfFgGn%")
    found = []
    for path in sorted((PACKAGE_DIR / "reports").rglob("*.py")):
        if path.name in ("formatting.py", "results.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FormattedValue) or node.format_spec is None:
                continue
            spec = "".join(v.value if isinstance(v, ast.Constant) else "{}"
                           for v in node.format_spec.values)
            if spec[-1:] in numeric or "," in spec or "_" in spec:
                found.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno}: "
                             f"{{{ast.unparse(node.value)}:{spec}}}")
    assert not found, "use formatting.number() or a formatter:\n" + "\n".join(found)


# ---------------------------------------------------------------- a machine over capacity

@pytest.mark.parametrize(("value", "text"), [(0.32, "32%"), (0.998, ">99%"),
                                             (1.0, OVER_CAPACITY), (15.4, OVER_CAPACITY)])
def test_utilisation_from_100_percent_is_over_capacity(value, text):
    assert utilisation(value) == text


def test_utilisation_ranges():
    assert utilisation_range(0.2, 0.45) == "20%–45%"
    assert utilisation_range(0.8, 1.3) == "80% to over capacity"
    assert utilisation_range(1.2, 2.3) == "over capacity"


def test_the_busiest_hour_in_words():
    """Before, the decision's first screen read "it is busy 1540% of the time, so the average
    wait then is about inf minutes" for a machine over capacity."""
    assert peak_load(0.31, 0.1, 1.2) == "it is busy 31% of the time, so members rarely wait"
    assert peak_load(0.62, 0.45, 4.4) == ("it is busy 62% of the time, so the average wait "
                                          "then is about 4 minutes")
    over = peak_load(15.4, 1.0, math.inf)
    assert over == (f"{UNSTABLE_QUEUE} (forecast demand 15 times its capacity)")
    assert UNSTABLE_QUEUE == ("more members want the machine than it can serve: the queue "
                              "grows without limit")
    assert over_capacity(1.23) == f"{UNSTABLE_QUEUE} (forecast demand 1.2 times its capacity)"
    assert "%" not in over and "inf" not in over


def test_the_peak_note_says_when_the_log_was_not_used():
    assert peak_note({"peak_note": None}, 0.02) == ""
    assert peak_note({}, 0.02) == ""
    assert peak_note({"peak_note": "it covers 2 days, fewer than 28 (four full weeks)"},
                     0.02) == (
        "The busiest hour is taken to carry 2% of a week's sessions (the documented "
        "assumption peak_hour_share): the check-in log cannot measure it, as it covers 2 "
        "days, fewer than 28 (four full weeks).")


def test_every_input_of_the_money_has_a_short_label():
    """A tornado names each drawn input of the money in a few words, not its whole meaning."""
    for name in (*ASSUMPTIONS_USED, *JOINS_ASSUMPTIONS):
        assert name in INPUT_LABELS and len(INPUT_LABELS[name]) <= 60, name
