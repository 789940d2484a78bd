"""Published reference data shared by every club, each row with its source and reliability.

Three tables live in ``data/reference/`` (see its README): back-pain prevalence by age band
and sex, odds ratios of low back pain for sedentary work, and fitness-industry benchmarks.
Every row carries its value, unit, population, a short citation (``source``), a ``url``,
a reliability grade (A: primary source; B: reputable secondary; C: third party, check before
relying on it; ``A/B`` or ``B/C`` for a figure from two sources of those grades) and
``derived`` (true when the number was computed from published figures rather than read). The
loaders check each rule once and return tidy typed frames; :func:`sources_table` lists the
citations a report prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluate.data.validation import (
    Findings,
    check_columns,
    check_required_filled,
    parse_category,
    parse_number,
    read_text_table,
)
from evaluate.paths import REFERENCE_DATA_DIR

PREVALENCE_FILE = "back_pain_prevalence.csv"
SEDENTARY_FILE = "sedentary_work.csv"
BENCHMARKS_FILE = "industry_benchmarks.csv"

GRADES = ("A", "A/B", "B", "B/C", "C")  # best first
SEXES = ("all", "F", "M")
PERCENT = "percent"
ODDS_RATIO = "odds ratio"
DESK_WORK_EXPOSURE = "workplace_sitting"  # the odds ratio the model applies to desk work

# Columns every reference table has, in output order after its own key columns.
COMMON_COLUMNS = ("value", "low", "high", "unit", "population", "year", "source", "url",
                  "reliability", "derived", "note")
# Cells that may be empty: a range without a point value, no interval, no year, no note.
BLANK_ALLOWED = ("value", "low", "high", "year", "note")
PREVALENCE_KEYS = ("measure", "age_band", "age_min", "age_max", "sex")
SEDENTARY_KEYS = ("exposure_id", "exposure", "outcome")
BENCHMARK_KEYS = ("metric_id", "metric")
TRUE_WORDS, FALSE_WORDS = ("true", "yes", "1"), ("false", "no", "0")


@dataclass(frozen=True)
class _Table:
    """What one reference file holds: its name, its key columns and its allowed units."""

    file: str
    what: str
    keys: tuple[str, ...]
    unique: tuple[str, ...]
    units: tuple[str, ...] | None = None  # None: any unit

    @property
    def columns(self) -> tuple[str, ...]:
        return self.keys + COMMON_COLUMNS


PREVALENCE = _Table(PREVALENCE_FILE, "back-pain prevalence", PREVALENCE_KEYS,
                    ("measure", "age_band", "sex", "source"), (PERCENT,))
SEDENTARY = _Table(SEDENTARY_FILE, "sedentary-work odds ratios", SEDENTARY_KEYS,
                   ("exposure_id",), (ODDS_RATIO,))
BENCHMARKS = _Table(BENCHMARKS_FILE, "industry benchmarks", BENCHMARK_KEYS, ("metric_id",))


def _check_numbers(frame: pd.DataFrame, table: _Table, check: Findings) -> dict[str, pd.Series]:
    """Parse value/low/high (and ages, year); check ranges and low <= value <= high."""
    parsed = {}
    numeric = ("value", "low", "high", "year") + tuple(c for c in ("age_min", "age_max")
                                                       if c in table.keys)
    for col in numeric:
        parsed[col] = parse_number(frame[col])
        check.rows((frame[col] != "") & parsed[col].isna(), frame[col], col, "not a number",
                   rule=f"{col} is a plain number or blank", fix="write digits only, e.g. 28.4")
    value, low, high = parsed["value"], parsed["low"], parsed["high"]
    check.rows(value.isna() & (low.isna() | high.isna()), frame["value"], "value",
               "no value and no low-high range", rule="a row gives a value, or both low and high",
               fix="copy the published figure, or both ends of the published range")
    check.rows(low.isna() != high.isna(), frame["low"], "low", "only one end of the range",
               rule="low and high are both given or both blank", fix="give both ends")
    order = (low > value) | (value > high) | (low > high)
    check.rows(order, frame["value"], "value", "value outside its low-high range",
               rule="low <= value <= high", fix="check the interval against the source")
    unit = frame["unit"]
    for col in ("value", "low", "high"):
        check.rows(parsed[col] < 0, frame[col], col, "negative figure",
                   rule=f"{col} >= 0", fix="check the sign against the source")
        check.rows((unit == PERCENT) & (parsed[col] > 100), frame[col], col,
                   "percent above 100", rule="percent figures are 0-100",
                   fix="write percent as a number from 0 to 100 (28.4, not 0.284 or 284)")
        check.rows((unit == ODDS_RATIO) & (parsed[col] <= 0), frame[col], col,
                   "odds ratio not positive", rule="odds ratios are > 0",
                   fix="check the figure against the source")
    if "age_min" in parsed:
        check.rows(parsed["age_min"] > parsed["age_max"], frame["age_min"], "age_min",
                   "age band ends before it starts", rule="age_min <= age_max (inclusive years)",
                   fix="check the age band")
    return parsed


def _check_text(frame: pd.DataFrame, table: _Table, check: Findings) -> dict[str, pd.Series]:
    """Check units, grades, derived flags, sexes and URLs; return the parsed categories."""
    parsed = {}
    if table.units is not None:
        check.rows((frame["unit"] != "") & ~frame["unit"].isin(table.units), frame["unit"],
                   "unit", "unexpected unit", rule=f"unit is {' or '.join(table.units)}",
                   fix=f"convert the figure to {table.units[0]}")
    grade = parse_category(frame["reliability"], {}, upper=True).str.replace("_", "/")
    check.rows((frame["reliability"] != "") & ~grade.isin(GRADES), frame["reliability"],
               "reliability", "unknown grade", rule=f"reliability is one of {', '.join(GRADES)}",
               fix="use the grade given in the reference file")
    parsed["reliability"] = grade
    derived = frame["derived"].str.lower()
    check.rows((derived != "") & ~derived.isin(TRUE_WORDS + FALSE_WORDS), frame["derived"],
               "derived", "not true or false", rule="derived is true or false",
               fix="write true if you computed the figure, false if you read it")
    parsed["derived"] = derived.isin(TRUE_WORDS)
    url = frame["url"]
    check.rows((url != "") & ~url.str.match(r"https?://\S+$"), url, "url", "not a web address",
               rule="url starts with http:// or https://", fix="paste the full address")
    if "sex" in frame.columns:
        sex = frame["sex"].map(lambda v: "all" if v.lower() == "all" else v.upper())
        check.rows((frame["sex"] != "") & ~sex.isin(SEXES), frame["sex"], "sex",
                   "unknown value", rule=f"sex is one of {', '.join(SEXES)}",
                   fix="use F, M, or all for both sexes")
        parsed["sex"] = sex
    return parsed


def _typed(frame: pd.DataFrame, table: _Table, numbers: dict[str, pd.Series],
           texts: dict[str, pd.Series]) -> pd.DataFrame:
    """The tidy typed frame: numbers as float (ages, year as Int64), grades as category."""
    out = {}
    for col in table.columns:
        if col in ("age_min", "age_max", "year"):
            out[col] = numbers[col].round().astype("Int64")
        elif col in ("value", "low", "high"):
            out[col] = numbers[col].astype("float64")
        elif col == "reliability":
            out[col] = pd.Categorical(texts[col], categories=list(GRADES), ordered=True)
        elif col == "sex":
            out[col] = pd.Categorical(texts[col], categories=list(SEXES))
        elif col == "derived":
            out[col] = texts[col].astype(bool)
        else:
            out[col] = frame[col].astype("str")
    return pd.DataFrame(out).reset_index(drop=True)


def _load(table: _Table, reference_dir: Path | None) -> pd.DataFrame:
    """Read, check and type one reference table; raise one DataError listing every problem."""
    path = Path(reference_dir or REFERENCE_DATA_DIR) / table.file
    check = Findings(path)
    raw = read_text_table(path, what=f"the {table.what} table",
                          fix_missing="restore it from version control (data/reference/)")
    frame, _ = check_columns(raw, check, required=table.columns)
    check.raise_errors()  # without the columns no row can be checked
    if frame.empty:
        check.add("no rows: the file has a header but no data", rule="at least one row",
                  fix="restore the file from version control")
        check.raise_errors()
    filled = [c for c in table.columns if c not in BLANK_ALLOWED
              and c not in ("age_min", "age_max")]
    check_required_filled(frame, check, filled)
    key = frame[list(table.unique)].agg("|".join, axis=1)
    check.rows(key.duplicated(keep=False), frame[table.unique[0]], table.unique[0],
               "row repeated", rule=f"one row per {', '.join(table.unique)}",
               fix="remove the repeated row")
    numbers = _check_numbers(frame, table, check)
    texts = _check_text(frame, table, check)
    check.raise_errors()
    result = _typed(frame, table, numbers, texts)
    result.attrs["warnings"] = check.warnings
    result.attrs["file"] = path
    return result


def load_back_pain_prevalence(reference_dir: Path | None = None) -> pd.DataFrame:
    """Published back-pain prevalence, in percent, one row per measure, age band, sex and source.

    ``measure`` says which prevalence: ``back_pain_3mo`` (any back pain in the past three
    months, NHIS 2019, the model's main input), ``lower_back_pain_3mo``, ``lbp_point``,
    ``lbp_1mo``, ``lbp_6mo``, ``lbp_lifetime``, ``lbp_chronic``,
    ``lbp_point_age_standardised``. Age bands are inclusive years (``age_max`` <NA> means
    open-ended); ``sex`` is ``all``, ``F`` or ``M``. NHIS gives age and sex as separate
    margins, not crossed.

    Raises
    ------
    DataError
        Listing every problem in the file, each with row, column, rule and fix.
    """
    return _load(PREVALENCE, reference_dir)


def load_sedentary_work(reference_dir: Path | None = None) -> pd.DataFrame:
    """Published odds ratios of low back pain for sedentary exposures, with 95% CIs.

    One row per ``exposure_id``; ``value`` is the odds ratio, ``low``/``high`` its 95%
    confidence interval (NaN where not read). The model applies the ``workplace_sitting``
    row (:data:`DESK_WORK_EXPOSURE`) to desk workers on the odds scale. These are
    associations from cross-sectional studies, not causal effects.
    """
    return _load(SEDENTARY, reference_dir)


def load_benchmarks(reference_dir: Path | None = None) -> pd.DataFrame:
    """Fitness-industry benchmarks: dues, visits, retention, member mix, equipment use, PT, space.

    One row per ``metric_id``; the unit is in ``unit`` (``percent`` is 0-100, money in USD of
    the year given). Range-only figures (e.g. peak share 10-12%) have ``value`` NaN and
    ``low``/``high`` set.
    """
    return _load(BENCHMARKS, reference_dir)


def desk_work_odds_ratio(reference_dir: Path | None = None) -> pd.Series:
    """The odds-ratio row the model applies to desk workers (value, low, high, source...)."""
    table = load_sedentary_work(reference_dir)
    return table.set_index("exposure_id").loc[DESK_WORK_EXPOSURE]


def sources_table(reference_dir: Path | None = None) -> pd.DataFrame:
    """The citations behind all reference data, one row per source, for a report's sources list.

    Columns: ``source``, ``url``, ``reliability`` (the weakest grade among its rows),
    ``tables`` (which reference files use it), ``rows`` (how many figures), ``derived_rows``.
    """
    parts = []
    for name, loader in ((PREVALENCE_FILE, load_back_pain_prevalence),
                         (SEDENTARY_FILE, load_sedentary_work),
                         (BENCHMARKS_FILE, load_benchmarks)):
        table = loader(reference_dir)
        parts.append(table[["source", "url", "reliability", "derived"]].assign(table=name))
    rows = pd.concat(parts, ignore_index=True)
    rows["reliability"] = pd.Categorical(rows["reliability"], categories=list(GRADES),
                                         ordered=True)
    grouped = rows.groupby(["source", "url"], sort=False, observed=True)
    return grouped.agg(reliability=("reliability", "max"),
                       tables=("table", lambda s: ", ".join(dict.fromkeys(s))),
                       rows=("table", "size"),
                       derived_rows=("derived", "sum")).reset_index()
