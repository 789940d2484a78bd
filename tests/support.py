"""Helpers shared by the tests: paths to the small fixture notebooks and plans, a CLI runner,
the texts of a chart."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOKS = FIXTURES / "notebooks"
PLANS = FIXTURES / "plans"
CLUB = FIXTURES / "club"
DRAWS = 500  # Monte Carlo draws in the decision's tests: quick, and stable enough to assert on


def run_cli(*args: str | Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run ``evaluate ARGS`` in a new process, as cron or a terminal would."""
    return subprocess.run([sys.executable, "-m", "evaluate", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def execute_notebook(stem: str, tmp_path: Path, **parameters):
    """Run ``notebooks/<stem>.ipynb`` with papermill as the build does; the executed notebook."""
    import nbformat
    import papermill

    from evaluate.paths import NOTEBOOKS_DIR

    out = tmp_path / f"{stem}.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / f"{stem}.ipynb"), str(out),
                               parameters=parameters, kernel_name="python3",
                               progress_bar=False, cwd=str(NOTEBOOKS_DIR))
    return nbformat.read(str(out), as_version=4)


def rendered(markdown: str) -> str:
    """``markdown`` as a report page's HTML: nbconvert's renderer, maths spans included."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown)


def visible(markdown: str) -> str:
    """The text a reader sees of report Markdown shown as the notebooks show it."""
    import html
    import re

    from evaluate.reports.formatting import markdown as report_markdown

    page = rendered(report_markdown(markdown).data)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def notes(fig) -> str:
    """Every annotation's text of a Plotly figure, joined (footnotes, column headers, labels).

    Line breaks (``<br>``) read as the space a reader sees: footnotes are wrapped to the
    chart's width (``charts.wrap_note``), wherever their words fall.
    """
    return " | ".join(a.text.replace("<br>", " ") for a in fig.layout.annotations)


def code_outputs(nb) -> list[dict]:
    """Every output of every code cell of an executed notebook."""
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


# URL schemes a report may load in a browser: everything else is the network.
LOCAL = ("file:", "data:", "about:", "blob:")


def open_offline(browser, path: Path):
    """Open ``path`` with every network request refused; the page, refused URLs, errors."""
    page = browser.new_page()
    refused: list[str] = []
    errors: list[str] = []

    def route(route) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.goto(path.as_uri(), wait_until="load")
    return page, refused, errors


def broken_club(tmp_path: Path) -> Path:
    """A copy of the demo club with a bad status (spreadsheet row 5), a duplicate member id
    and a currency that is not a code."""
    from evaluate.paths import DEMO_DATA_DIR

    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    lines = (club / "members.csv").read_text().splitlines()
    lines[4] = lines[4].replace(",active,", ",actve,")  # spreadsheet row 5
    lines[5] = lines[2]  # a duplicate member id
    (club / "members.csv").write_text("\n".join(lines) + "\n")
    (club / "club.yml").write_text("name: Broken\ncurrency: euros\n")
    return club


def edited_club(tmp_path: Path, cells: dict[str, dict[str, str]] | None = None, *,
                drop: tuple[str, ...] = (), club_yml: str = "") -> Path:
    """A copy of the demo club with some of its roster changed.

    ``cells``: member id -> column -> the new text of that cell of members.csv; ``drop``:
    columns left out of members.csv; ``club_yml``: lines added to club.yml (e.g.
    ``"export_date: 2026-11-01\n"``).
    """
    import pandas as pd

    from evaluate.paths import DEMO_DATA_DIR

    club = tmp_path / "edited-club"
    shutil.copytree(DEMO_DATA_DIR, club)
    roster = pd.read_csv(club / "members.csv", dtype=str, keep_default_na=False)
    for member, values in (cells or {}).items():
        row = roster.index[roster["member_id"] == member]
        assert len(row) == 1, member
        for column, value in values.items():
            roster.loc[row, column] = value
    roster.drop(columns=list(drop)).to_csv(club / "members.csv", index=False)
    with (club / "club.yml").open("a", encoding="utf-8") as handle:
        handle.write(club_yml)
    return club


def shared_plan(tmp_path: Path) -> Path:
    """The small plan, asking for shared plotly.js."""
    plan = (PLANS / "small.yml").read_text(encoding="utf-8")
    path = tmp_path / "plan.yml"
    path.write_text(plan.replace("cell_timeout: 60\n", "cell_timeout: 60\nshared_plotly: true\n")
                    .replace("../club", str(PLANS.parent / "club"))
                    .replace("../notebooks", str(PLANS.parent / "notebooks")), encoding="utf-8")
    return path



# The stale club (stale_club): its roster last changed on this day; its logs end on LOGS_END.
STALE_ROSTER = "2019-03-03"
LOGS_END = "2026-10-31"  # the demo club's last check-in and machine session
STALE_BIRTH_SHIFT = 8  # years: every member born this much earlier, none under 14 in 2019


def stale_club(tmp_path: Path, weeks_back: int = 0) -> Path:
    """A copy of the demo club whose roster has had no join or cancellation since 3 March 2019
    (:data:`STALE_ROSTER`) while its members check in and train to 31 October 2026.

    Every join and cancel date after that day is moved back to it, and every member is born
    :data:`STALE_BIRTH_SHIFT` years earlier, so that the roster also reads on its own (every
    member 14 or over on 3 March 2019). ``weeks_back`` moves both logs that many weeks
    earlier (the same weekdays): a club whose last check-in is long before today.
    """
    import pandas as pd
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from evaluate.paths import DEMO_DATA_DIR

    club = tmp_path / "stale-club"
    shutil.copytree(DEMO_DATA_DIR, club)
    roster = pd.read_csv(club / "members.csv", dtype=str, keep_default_na=False)
    for column in ("join_date", "cancel_date"):
        late = roster[column] > STALE_ROSTER
        roster.loc[late, column] = STALE_ROSTER
    roster["birth_year"] = (roster["birth_year"].astype(int) - STALE_BIRTH_SHIFT).astype(str)
    roster.to_csv(club / "members.csv", index=False)
    if weeks_back:
        for name in ("checkins.parquet", "equipment_usage.parquet"):
            table = pq.read_table(club / name)
            shift = pd.Timedelta(weeks=weeks_back).to_pytimedelta()
            at = table.schema.get_field_index("timestamp")
            table = table.set_column(at, "timestamp",
                                     pc.subtract(table["timestamp"], shift))
            pq.write_table(table, club / name)
    return club


def many_candidates_club(tmp_path: Path, candidates: int) -> Path:
    """A copy of the demo club with ``candidates`` machines it does not own in equipment.csv.

    The demo's three are repeated as published variants (price from 65% of the original up,
    floor area from 82% up, 5% and 2% more each), so every row passes validation, names and
    scores differ and the best sets are not all of one kind.
    """
    import csv

    from evaluate.paths import DEMO_DATA_DIR

    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    path = club / "equipment.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    new = [r for r in rows if r["owned_units"] == "0"]
    for k in range(1, candidates - len(new) + 1):
        row = dict(new[(k - 1) % len(new)])
        row.update(equipment_id=f"{row['equipment_id']}_{k}", name=f"{row['name']} variant {k}",
                   price=f"{float(row['price']) * (0.6 + 0.05 * k):.2f}", price_low="",
                   price_high="", price_status="published",
                   footprint_m2=f"{float(row['footprint_m2']) * (0.8 + 0.02 * k):.2f}")
        rows.append(row)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return club


# A figure that is not a number, as Python, pandas, JSON or JavaScript print it: "inf",
# "-inf", "nan", "NaN", "Infinity" (a whole word: "info" and "finance" are not one).
NON_FINITE = re.compile(r"(?<![\w.])[-−]?(?:inf(?:inity)?|nan)(?![\w])", re.IGNORECASE)
_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
# plotly.js itself, inlined once per page: its code says NaN and Infinity; the charts'
# Plotly JSON is in the small scripts after it, which the scan reads.
_PLOTLY_JS = re.compile(r"<script\b[^>]*>\s*/\*\*?\s*\*?\s*plotly\.js v.*?</script>",
                        re.DOTALL | re.IGNORECASE)


def page_figures(page: str) -> str:
    """What a report page shows as figures: its text and its charts' Plotly JSON, unescaped.

    Style sheets and the plotly.js library are left out: they are code, not figures.
    """
    return html.unescape(_STYLE.sub(" ", _PLOTLY_JS.sub(" ", page)))


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def non_finite_figures(out: Path) -> list[str]:
    """Every "inf", "nan", "NaN" or "Infinity" a build shows as a figure, one line each.

    Reads every page (``*.html``: text and the Plotly JSON of its charts, see
    :func:`page_figures`), every exported table (``*.csv``) and every ``*.json`` (the
    summaries, ``build.json``): a JSON file must parse as strict JSON (no NaN or Infinity
    literals) and its strings must hold no such word. Empty when the build is clean.
    """
    found = []
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".csv"):
            text = path.read_text(encoding="utf-8-sig")
            texts = [page_figures(text) if path.suffix == ".html" else text]
        elif path.suffix == ".json":
            try:
                texts = list(_strings(_strict_json(path.read_text(encoding="utf-8"))))
            except ValueError as exc:
                found.append(f"{path.relative_to(out)}: {exc}")
                continue
        else:
            continue
        for text in texts:
            for m in NON_FINITE.finditer(text):
                context = " ".join(text[max(0, m.start() - 80):m.end() + 40].split())
                found.append(f"{path.relative_to(out)}: {m.group(0)!r} in ...{context}...")
    return found


def normal(text: str) -> str:
    """Page or PDF text as tests compare it: ligatures (ﬁ) undone, tags dropped, whitespace
    collapsed.

    A tag starts with a letter or '/': a page's "<1%" is text, not the start of a tag that
    a later "NPV > 0" would close (which once dropped every chart title in between).
    """
    text = re.sub(r"<[A-Za-z/][^>]*>", " ", unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", " ", text).strip()
