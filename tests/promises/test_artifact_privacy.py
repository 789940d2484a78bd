"""No member-level data in anything a build writes; no group of fewer than 10 members shown.

Three builds, each with ``--force`` into its own folder, and every file they leave is
scanned, whatever its type (``scan_folder``): the pages, the executed notebooks, the
summaries, ``build.json``, the kernel logs, the index, the cache index, the lock, any table
export and plotly.js under ``assets/``, and the command's own output (what cron mails). A
file that is neither UTF-8 text nor a PDF fails the scan: a new kind of artifact must be
taught to the scanner, never skipped unread.

1. The default plan (all five reports, ``--pdf`` when Chromium is installed) on a copy of
   the demo club whose roster carries personal columns for every member (names, e-mail,
   phone, address, a free-text note) and three *canary* members, whose id, dates, dues,
   visits and year of birth are values no input file holds anywhere else.
2. The chain plan (three clubs and the roll-up), ``--shared-plotly``.
3. A tiny club (30 members, ``evaluate demo-data --members 30``) on the default plan: every
   group in it is small, so every table and chart must show suppression, not a count of 3.
4. The demo club whose back extension only 3 of its 3,000 members use (its sessions in the
   usage log handed to 3 member ids): the usage review, the decision and the candidate
   profile (``--only``), which calibrates on that machine's log.
5. A club of 10 members (the demo roster's first 10, the logs cut to them) on the default
   plan: each report is of fewer than 10 members (6 active, 4 cancelled).

What counts as member-level (the rule ``roster_secrets`` applies to any roster):

- **Identifying values never appear**: every ``member_id``, and every value of a column
  the loader does not know (names, e-mails, phones, addresses, notes: it drops them).
- **A date only one member has** (join or cancel date, written as in the roster,
  YYYY-MM-DD) never appears: with the roster at hand, it names that member. Exceptions,
  each printed by design: the roster date (the latest date in a roster, the date every
  report is "as of"), and dates that an input other than the roster also holds (a source's
  date in the reference data, e.g. "2020-01-03"), and the build's own date. A date shared
  by several members, and a date followed by a time (a timestamp on a usage chart's axis,
  from the logs), identify no one.
- **Numbers and categories are not searched in a real roster**: a year of birth (1986),
  dues (45.00), visits (1.1), a sex or a goal are each held by many members or are ordinary
  numbers a report prints for other reasons; searching them would always fail. The canary
  members stand for them: their dues, visits and year of birth are numbers nothing else
  holds, so finding one means a member's value was printed (or plotted: the numbers in
  Plotly's binary arrays are decoded and searched too).

A value is *found* where it occurs with no letter or digit right before or after it
(``M000001`` is not found in ``M0000012``, nor ``2019-03-04`` in ``2019-03-04T07:00``).

Groups under 10 (build 3): every table column of member counts (headed "members", or by
sex in an age-and-sex table) holds 0, 10 or more, or "fewer than 10"; every chart trace
whose hover text counts members plots 0, 10 or more, or nothing; a share of members
(women, desk workers) is not shown when the members it counts, or the rest, number 1 to 9.
Counts the model expects (members likely to have back pain, expected users) are estimates,
not members, and are not checked here. The count of the members a report is about (the
club's active members, its cancelled members) is shown even when small: it is the
population every figure is of, not a group within it. When that population is under 10
(build 5), no count of a group in it is shown, not even 0 ("none of the 4 is a woman" says
all 4 are men).

Figures of a log rest on the members behind its rows (builds 4 and 5): a machine used by
fewer than 10 members shows none of its use. Its sessions a week, minutes per session,
busiest hour's busy share and the uptake factor a calibration on it would give (computed
here from the log, as the reports would write them) appear nowhere; every figure of the
usage review's ``summary.json`` taken from the usage log is null; the review draws no chart
of the log and says why; and no other report calibrates on that machine.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.build.pdf import chromium_path
from evaluate.data.club_data import load_club_data
from evaluate.data.usage import peak_hour_utilisation
from evaluate.model.calibration import calibrate_uptake, observed_weekly_sessions
from evaluate.paths import DEFAULT_PLAN, DEMO_DATA_DIR, NOTEBOOKS_DIR, REFERENCE_DATA_DIR
from evaluate.reports.formatting import HIDDEN_COUNT
from evaluate.reports.privacy import MIN_GROUP_SIZE
from support import non_finite_figures, run_cli

pytestmark = pytest.mark.notebooks

CHAIN_PLAN = NOTEBOOKS_DIR / "chain-plan.yml"
ROSTER = "members.csv"
USAGE = "equipment_usage.parquet"
LOGS = ("checkins.parquet", USAGE)
FEW_USERS = "back_extension_45"  # the machine the usage review reviews (notebooks/plan.yml)
LEANS_ON_IT = "reverse_hyper"  # the candidate the decision calibrates on it


class UnknownArtifact(Exception):
    """A file the scanner cannot read as text: teach it the type, never skip it."""


@dataclass(frozen=True)
class Finding:
    """A member-level value found in an artifact."""

    file: str
    value: str
    what: str


ALNUM = re.compile(r"[A-Za-z0-9]+")
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
BINARY_ARRAY = re.compile(r"\{[^{}]*\"bdata\"[^{}]*\}")


def _plotly_library() -> str:
    """plotly.js as the build inlines it: third-party code, the same in every page."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _numbers(bdata: str, dtype: str) -> list[str]:
    """The numbers of one of Plotly's binary arrays (``{"bdata": ..., "dtype": "f8"}``)."""
    values = np.frombuffer(base64.b64decode(bdata), dtype=np.dtype(dtype).newbyteorder("<"))
    return [format(float(v), ".15g") for v in values if np.isfinite(v)]


def _json_strings(value: object) -> Iterator[str]:
    """Every key, string and number of a JSON document, with binary arrays decoded."""
    if isinstance(value, dict):
        if isinstance(value.get("bdata"), str) and isinstance(value.get("dtype"), str):
            yield from _numbers(value["bdata"], value["dtype"])
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif value is not None:
        yield str(value)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def artifact_text(path: Path, library: str) -> str:
    """The text a person or a program could read in ``path``: what the scan searches.

    JSON (``.json``, ``.ipynb``): every key, string and number, binary arrays decoded.
    PDF: the text of every page. Any other file must be UTF-8 text (HTML, CSV, logs,
    JavaScript): HTML entities and JSON escapes are decoded, binary arrays appended, and
    plotly.js, inlined or under ``assets/``, left out (it is the library, not data).
    Raises :class:`UnknownArtifact` for anything else.
    """
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return _pdf_text(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnknownArtifact(f"{path}: not UTF-8 text and not a known binary type") from None
    if path.suffix in (".json", ".ipynb"):
        return html.unescape("\n".join(_json_strings(json.loads(text))))
    text = text.replace(library, "")
    arrays = []
    for match in BINARY_ARRAY.finditer(text):
        try:
            found = json.loads(match.group(0))
        except ValueError:
            continue
        arrays += list(_json_strings(found))
    text = JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(text) + "\n" + "\n".join(arrays)


def artifact_texts(out_dir: Path) -> dict[str, str]:
    """Every file under ``out_dir`` (hidden ones too, links not followed) -> its text."""
    library = _plotly_library()
    texts = {}
    for root, dirs, files in os.walk(out_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            if path.is_symlink():
                continue
            texts[str(path.relative_to(out_dir))] = artifact_text(path, library)
    return texts


def _bounded(text: str, start: int, end: int) -> bool:
    """No letter or digit right before ``start`` nor right at ``end``."""
    return ((start == 0 or not text[start - 1].isascii() or not text[start - 1].isalnum())
            and (end == len(text) or not text[end].isascii() or not text[end].isalnum()))


def scan(texts: dict[str, str], secrets: dict[str, str]) -> list[Finding]:
    """Each secret (value -> what it is) found in a text, bounded by no letter or digit.

    A secret is looked for only where its first run of letters and digits is a whole word
    of the text, and only if all its runs are, so 20,000 secrets scan a build in a second.
    """
    runs = {value: ALNUM.findall(value) for value in secrets}
    offset = {value: ALNUM.search(value).start() for value in secrets if runs[value]}
    findings = []
    for name, text in texts.items():
        where: dict[str, list[int]] = {}
        for match in ALNUM.finditer(text):
            where.setdefault(match.group(), []).append(match.start())
        for value, what in secrets.items():
            if not runs[value]:  # no letter or digit: look for it everywhere
                starts = [m.start() for m in re.finditer(re.escape(value), text)]
            elif all(r in where for r in runs[value]):
                starts = [p - offset[value] for p in where[runs[value][0]]]
            else:
                continue
            if any(start >= 0 and text.startswith(value, start)
                   and _bounded(text, start, start + len(value)) for start in starts):
                findings.append(Finding(name, value, what))
    return findings


def report(findings: list[Finding]) -> str:
    return "\n".join(f"{f.file}: {f.what} {f.value!r}" for f in findings[:40])


# ---------------------------------------------------------------------------------------
# What counts as member-level in a roster
# ---------------------------------------------------------------------------------------

CONTRACT = ("member_id", "birth_year", "sex", "join_date", "status", "cancel_date",
            "monthly_dues", "occupation_activity", "training_goal", "visits_per_week")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_roster(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / ROSTER, dtype=str, keep_default_na=False)


def input_texts(data_dirs: list[Path]) -> str:
    """Every input but the rosters, as text: where a report may take a date from."""
    paths = [p for d in [*data_dirs, REFERENCE_DATA_DIR] for p in sorted(d.rglob("*"))
             if p.is_file() and p.name != ROSTER and p.suffix in (".csv", ".yml", ".yaml")]
    paths += sorted(NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(NOTEBOOKS_DIR.glob("*.yml"))
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def roster_dates(roster: pd.DataFrame) -> pd.Series:
    """Every join and cancel date of ``roster``, as written (YYYY-MM-DD)."""
    dates = pd.concat([roster["join_date"], roster.get("cancel_date", pd.Series(dtype=str))])
    return dates[dates.str.fullmatch(ISO_DATE)]


def roster_secrets(roster: pd.DataFrame, exempt: set[str]) -> dict[str, str]:
    """The values of ``roster`` no artifact may hold (value -> why), by the module's rule.

    ``exempt``: the dates a report prints by design (roster dates, the build's date,
    dates in the other inputs).
    """
    secrets = {v: "member_id" for v in roster["member_id"] if v}
    for col in roster.columns:
        if col.strip().lower().replace(" ", "_") not in CONTRACT:  # dropped by the loader
            secrets.update({v: f"personal column {col}" for v in roster[col] if v.strip()})
    counts = roster_dates(roster).value_counts()
    for day in counts.index[counts == 1]:
        if day not in exempt:
            secrets.setdefault(day, "a date only one member has")
    return secrets


def exempt_dates(out_dir: Path, rosters: list[pd.DataFrame], other_inputs: str) -> set[str]:
    """Dates a report prints by design: each roster's latest date (the date the reports of
    its club are as of), the builds' dates (their ids start with it), any date the other
    inputs hold."""
    dates = {roster_dates(r).max() for r in rosters}
    dates |= {p.name[:10] for p in out_dir.iterdir() if ISO_DATE.match(p.name)}
    return dates | set(ISO_DATE.findall(other_inputs))


# The canary members: values no input holds anywhere (checked before the build), in the
# roster's own formats. Their ids keep the demo's form (M + six digits).
CANARIES = (
    {"member_id": "M777001", "birth_year": "1917", "join_date": "2011-02-17",
     "status": "active", "cancel_date": "", "monthly_dues": "123.45",
     "visits_per_week": "13.37", "occupation_activity": "desk", "training_goal": "strength"},
    {"member_id": "M777002", "join_date": "2016-08-23", "status": "cancelled",
     "cancel_date": "2022-01-05", "monthly_dues": "187.65", "visits_per_week": "9.87"},
    {"member_id": "M777003", "join_date": "2013-10-29", "status": "frozen",
     "cancel_date": "", "monthly_dues": "211.13", "visits_per_week": "11.13"},
)
PERSONAL = {  # column -> the value of member number i (each one distinct)
    "first_name": "Quillon{i:04d}",
    "Last Name": "Vantablack{i:04d}",
    "email": "m{i:04d}.canary@mail.example",
    "phone": "+1 (555) 01{i:04d}",
    "address": "{i} Larkspur Close, Flat {i:04d}b",
    "notes": "prefers evenings; left knee surgery 2019, ask for ticket K{i:05d}",
}


def plant_canaries(club: Path) -> pd.DataFrame:
    """Give the demo roster in ``club`` personal columns and three canary members.

    The canaries replace three members of the demo (their ids renamed in the logs as
    well); the club's file of facts no longer counts members (it holds the demo's 3000).
    """
    roster = read_roster(club)
    for col, form in PERSONAL.items():
        roster[col] = [form.format(i=i) for i in range(len(roster))]
    renamed = {}
    for k, canary in enumerate(CANARIES):
        row = 100 + 700 * k
        renamed[roster.loc[row, "member_id"]] = canary["member_id"]
        for col, value in canary.items():
            roster.loc[row, col] = value
    roster.to_csv(club / ROSTER, index=False)
    for log in ("checkins.parquet", "equipment_usage.parquet"):
        frame = pd.read_parquet(club / log)
        ids = frame["member_id"].astype("string")
        frame["member_id"] = ids.replace(renamed).astype("category")
        frame.to_parquet(club / log, index=False)
    return roster


def canary_values() -> dict[str, str]:
    values = {}
    for canary in CANARIES:
        for col, value in canary.items():
            if col not in ("status", "occupation_activity", "training_goal") and value:
                values[value] = f"canary {col}"
    return values


@dataclass
class Build:
    out: Path
    rosters: list[pd.DataFrame]
    data_dirs: list[Path]
    log: str  # the command's stdout and stderr
    texts: dict[str, str]

    def secrets(self) -> dict[str, str]:
        exempt = exempt_dates(self.out, self.rosters, input_texts(self.data_dirs))
        found: dict[str, str] = {}
        for roster in self.rosters:
            found |= roster_secrets(roster, exempt)
        return found

    def all_texts(self) -> dict[str, str]:
        return self.texts | {"(the build's output: stdout and stderr)": self.log}


def run_build(out: Path, *args: str | Path) -> str:
    result = run_cli("build", "--out", out, "--force", *args, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def canary_build(tmp_path_factory) -> Build:
    """The default plan on the demo club with canaries and personal columns."""
    tmp = tmp_path_factory.mktemp("canary")
    club = tmp / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    originals = {"inputs": input_texts([club]), "roster": (club / ROSTER).read_text()}
    clash = scan(originals, canary_values())
    assert not clash, f"canary values already in an input, pick others: {report(clash)}"
    roster = plant_canaries(club)
    out = tmp / "reports"
    pdf = ["--pdf"] if chromium_path() else []
    log = run_build(out, "--plan", DEFAULT_PLAN, "--data-dir", club, *pdf)
    return Build(out, [roster], [club], log, artifact_texts(out))


@pytest.fixture(scope="module")
def chain_build(tmp_path_factory) -> Build:
    out = tmp_path_factory.mktemp("chain") / "reports"
    log = run_build(out, "--plan", CHAIN_PLAN, "--shared-plotly")
    clubs = sorted(p for p in (NOTEBOOKS_DIR / "../data/demo-chain").resolve().iterdir()
                   if (p / ROSTER).is_file())
    return Build(out, [read_roster(c) for c in clubs], clubs, log, artifact_texts(out))


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> Build:
    """The default plan on a club of 30 members: every group in it is small."""
    tmp = tmp_path_factory.mktemp("tiny")
    club = tmp / "club"
    made = run_cli("demo-data", "--out", club, "--members", "30", "--today", "2026-11-01")
    assert made.returncode == 0, made.stderr
    out = tmp / "reports"
    log = run_build(out, "--plan", DEFAULT_PLAN, "--data-dir", club)
    return Build(out, [read_roster(club)], [club], log, artifact_texts(out))


def write_log(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    frame["member_id"] = frame["member_id"].astype("string").astype("category")
    frame.to_parquet(path, index=False)


@pytest.fixture(scope="module")
def three_user_build(tmp_path_factory) -> Build:
    """The usage review, decision and candidate of the demo club whose back extension only 3
    of its 3,000 members use."""
    tmp = tmp_path_factory.mktemp("three-users")
    club = tmp / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    roster = read_roster(club)
    usage = pd.read_parquet(club / USAGE)
    ids = usage["member_id"].astype("string")
    mine = (usage["equipment_id"] == FEW_USERS).to_numpy()
    three = roster["member_id"].iloc[:3].tolist()
    ids[mine] = [three[i % 3] for i in range(int(mine.sum()))]
    write_log(usage.assign(member_id=ids), club / USAGE)
    out = tmp / "reports"
    log = run_build(out, "--plan", DEFAULT_PLAN, "--data-dir", club, "--only", "usage-review",
                    "--only", "decision", "--only", "candidate")
    return Build(out, [roster], [club], log, artifact_texts(out))


@pytest.fixture(scope="module")
def ten_member_build(tmp_path_factory) -> Build:
    """The default plan on a club of 10 members: the demo roster's first 10 and their logs."""
    tmp = tmp_path_factory.mktemp("ten-members")
    club = tmp / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    lines = (club / ROSTER).read_text(encoding="utf-8").splitlines(keepends=True)
    (club / ROSTER).write_text("".join(lines[:11]), encoding="utf-8")
    roster = read_roster(club)
    for name in LOGS:
        frame = pd.read_parquet(club / name)
        write_log(frame.loc[frame["member_id"].isin(roster["member_id"])], club / name)
    out = tmp / "reports"
    log = run_build(out, "--plan", DEFAULT_PLAN, "--data-dir", club)
    return Build(out, [roster], [club], log, artifact_texts(out))


def test_every_file_of_the_build_is_read(canary_build):
    texts = canary_build.texts
    suffixes = {Path(name).suffix for name in texts}
    assert {".html", ".ipynb", ".json", ".log"} <= suffixes, suffixes
    assert "index.html" in texts and ".cache/index.json" in texts
    latest = os.readlink(canary_build.out / "latest")
    for name in ("build.json", "decision.summary.json", "logs/decision.kernel.log"):
        assert f"{latest}/{name}" in texts
    # The scan reads what a manager reads: each page's words and its charts' numbers.
    page = texts[f"{latest}/decision.html"]
    assert "Which machine to buy" in page and "reverse hyperextension" in page
    assert re.search(r"\n0\.\d+\n", page)  # the numbers of its charts' binary arrays
    if chromium_path():
        pdf = texts[f"{latest}/decision.pdf"]
        assert "Which machine to buy" in pdf, pdf[:500]


def test_no_member_id_nor_personal_value_in_any_artifact(canary_build):
    secrets = canary_build.secrets() | canary_values()
    assert set(canary_build.rosters[0]["member_id"]) <= set(secrets)  # all 3,000
    assert {w for w in secrets.values() if w.startswith("personal")} == {
        f"personal column {c}" for c in PERSONAL}
    findings = scan(canary_build.all_texts(), secrets)
    assert not findings, report(findings)


def test_no_header_of_a_personal_column_reaches_any_artifact(canary_build):
    """The loader drops the columns; nothing even says which (their names stay out)."""
    findings = scan(canary_build.all_texts(), {"first_name": "a personal column's name",
                                               "Last Name": "a personal column's name"})
    assert not findings, report(findings)
    summary = json.loads((canary_build.out / "latest" / "member-profile-active.summary.json")
                         .read_text(encoding="utf-8"))
    assert summary["figures"]["members"]["value"] > 1000  # the reports did use the roster


def test_dates_only_one_member_has_are_searched(canary_build):
    secrets = canary_build.secrets()
    dates = [v for v, w in secrets.items() if w == "a date only one member has"]
    assert len(dates) > 500  # the demo roster has over 900 such join and cancel dates
    assert "2011-02-17" in dates and "2022-01-05" in dates  # canaries
    assert "2020-01-03" not in dates  # a source's date in the reference data
    roster_date = max(canary_build.rosters[0]["join_date"].max(),
                      canary_build.rosters[0]["cancel_date"].max())
    assert roster_date not in dates


def test_the_chain_build_holds_no_member_value(chain_build):
    secrets = chain_build.secrets()
    for roster in chain_build.rosters:
        assert set(roster["member_id"]) <= set(secrets)
    assert any(name.startswith("assets/") for name in chain_build.texts)  # --shared-plotly
    findings = scan(chain_build.all_texts(), secrets)
    assert not findings, report(findings)


def test_the_tiny_club_build_holds_no_member_value(tiny_build):
    findings = scan(tiny_build.all_texts(), tiny_build.secrets())
    assert not findings, report(findings)


def test_the_scan_finds_a_member_value_planted_in_a_copy_of_each_artifact(canary_build,
                                                                           tmp_path):
    copy = tmp_path / "reports"
    shutil.copytree(canary_build.out, copy, symlinks=True)
    folder = copy / os.readlink(copy / "latest")
    roster = canary_build.rosters[0]
    member, other = roster["member_id"].iloc[5], roster["member_id"].iloc[6]
    email = roster["email"].iloc[7]

    page = folder / "member-profile-active.html"
    text = page.read_text(encoding="utf-8")
    cell = text.index("<td>", text.index("<table"))
    page.write_text(text[:cell] + f"<td>{member} " + text[cell + 4:], encoding="utf-8")
    nb = json.loads((folder / "decision.ipynb").read_text(encoding="utf-8"))
    nb["cells"][-1]["source"] = f"seen: {html.escape(email)}"
    (folder / "decision.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    summary = json.loads((folder / "candidate.summary.json").read_text(encoding="utf-8"))
    summary["headline"] += f" ({other})"
    (folder / "candidate.summary.json").write_text(json.dumps(summary), encoding="utf-8")
    # A chart's numbers, as Plotly stores them: the canary's visits a week.
    plotted = base64.b64encode(np.array([1.5, 13.37]).tobytes()).decode()
    (folder / "usage-review.html").write_text(
        (folder / "usage-review.html").read_text(encoding="utf-8").replace(
            "</body>", f'<script>{{"bdata":"{plotted}","dtype":"f8"}}</script></body>'),
        encoding="utf-8")
    (folder / "logs" / "decision.kernel.log").write_text(f"KeyError: '{member}'\n")

    found = {(Path(f.file).name, f.value) for f in scan(
        artifact_texts(copy), canary_build.secrets() | canary_values())}
    assert found == {("member-profile-active.html", member), ("decision.ipynb", email),
                     ("candidate.summary.json", other), ("usage-review.html", "13.37"),
                     ("decision.kernel.log", member)}


@pytest.mark.parametrize("build", ["canary_build", "chain_build", "tiny_build"])
def test_no_page_table_or_summary_of_a_build_shows_inf_or_nan(request, build):
    """The same three builds, read for figures that are not numbers ("inf", "nan", "NaN",
    "Infinity"): the tiny club's log is too short to measure the busiest hour."""
    assert non_finite_figures(request.getfixturevalue(build).out) == []


def test_the_scan_reads_what_a_browser_shows(tmp_path):
    (tmp_path / "page.html").write_text("<p>O&#39;Brien &amp; M000001</p>")
    (tmp_path / "data.json").write_text(json.dumps({"note": "M000002\u00a0x"}))
    texts = artifact_texts(tmp_path)
    secrets = {"O'Brien": "name", "M000001": "member_id", "M000002": "member_id",
               "M00000": "member_id"}
    found = {(f.file, f.value) for f in scan(texts, secrets)}
    assert found == {("page.html", "O'Brien"), ("page.html", "M000001"),
                     ("data.json", "M000002")}  # M00000 is no whole value here


def test_an_unknown_binary_artifact_fails_the_scan(tmp_path):
    (tmp_path / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    with pytest.raises(UnknownArtifact, match="chart.png"):
        artifact_texts(tmp_path)


# ---------------------------------------------------------------------------------------
# Groups of fewer than 10 members (the tiny club)
# ---------------------------------------------------------------------------------------

SEX_COLUMNS = {"women", "men", "another or not stated"}
HIDDEN = {"", "–", "-", HIDDEN_COUNT}


class _Tables(HTMLParser):
    """Every ``<table>`` of a page as rows of (is header, cell text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[list[str]]]] = []
        self._part = ""
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"thead": [], "tbody": []})
        elif tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "tr" and self.tables:
            self.tables[-1][self._part or "tbody"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables:
            rows = self.tables[-1][self._part or "tbody"]
            rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in ("thead", "tbody"):
            self._part = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def member_count_cells(page: str) -> list[tuple[str, str]]:
    """(column, cell) for every cell of a column of member counts in the page's tables."""
    parser = _Tables()
    parser.feed(page)
    cells = []
    for table in parser.tables:
        header = max(table["thead"], key=len, default=[])
        columns = [i for i, name in enumerate(header)
                   if name.lower() == "members" or name.lower() in SEX_COLUMNS]
        for row in table["tbody"]:
            if len(row) != len(header):
                continue
            cells += [(header[i], row[i]) for i in columns]
    return cells


def allowed_count(cell: str) -> bool:
    if cell.lower() in HIDDEN:
        return True
    number = cell.replace(",", "")
    if not number.isdigit():
        return False
    return int(number) == 0 or int(number) >= MIN_GROUP_SIZE


def plotly_figures(notebook: dict) -> Iterator[dict]:
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            figure = output.get("data", {}).get("application/vnd.plotly.v1+json")
            if figure:
                yield figure


COUNT_AXIS = re.compile(r"%\{([xy])(?::[^}]*)?\} members")


def _values(raw) -> list:
    if isinstance(raw, dict) and "bdata" in raw:
        return [float(v) for v in _numbers(raw["bdata"], raw["dtype"])]
    return list(raw or [])


def plotted_member_counts(notebook: dict) -> list[tuple[str, object]]:
    """(chart title, value) for every value a chart's hover text calls a count of members."""
    found = []
    for figure in plotly_figures(notebook):
        title = (figure.get("layout", {}).get("title") or {}).get("text", "")
        for trace in figure["data"]:
            axis = COUNT_AXIS.search(trace.get("hovertemplate") or "")
            if axis:
                found += [(title, v) for v in _values(trace.get(axis.group(1)))]
                found += [(title, t) for t in (trace.get("text") or []) if t]
    return found


def test_tiny_club_tables_show_no_group_under_ten(tiny_build):
    latest = os.readlink(tiny_build.out / "latest")
    pages = {k: v for k, v in tiny_build.texts.items()
             if k.startswith(latest) and k.endswith(".html")}
    raw = {k: (tiny_build.out / k).read_text(encoding="utf-8") for k in pages}
    checked, bad = 0, []
    for name, page in raw.items():
        for column, cell in member_count_cells(page):
            checked += 1
            if not allowed_count(cell):
                bad.append(f"{name}: column {column!r} shows {cell!r}")
    assert not bad, "\n".join(bad)
    assert checked >= 30  # the age-and-sex, visits, tenure, goal and audience tables
    for name in ("member-profile-active", "candidate", "decision"):
        assert f">{HIDDEN_COUNT}<" in pages[f"{latest}/{name}.html"], name  # a hidden cell


def test_tiny_club_charts_plot_no_group_under_ten(tiny_build):
    folder = tiny_build.out / "latest"
    checked, bad = 0, []
    for path in sorted(folder.glob("*.ipynb")):
        for title, value in plotted_member_counts(json.loads(path.read_text("utf-8"))):
            checked += 1
            if isinstance(value, str):
                ok = allowed_count(value)
            else:
                ok = value is None or not np.isfinite(value) or value == 0 or value >= 10
            if not ok:
                bad.append(f"{path.name}: chart {title!r} plots {value!r} members")
    assert not bad, "\n".join(bad)
    assert checked > 0


@pytest.mark.parametrize("club", ["tiny_build", "ten_member_build"])
def test_tiny_club_shares_hide_small_groups(club, request):
    """The member profiles' shares (women, desk workers) give away both sides of them."""
    from evaluate.data.members import load_members
    from evaluate.reports.member_profile import select_members

    tiny_build = request.getfixturevalue(club)
    club = tiny_build.data_dirs[0]
    members = load_members(club)
    folder = tiny_build.out / "latest"
    hidden_somewhere = False
    for status in ("active", "cancelled"):
        chosen = select_members(members, status)
        summary = json.loads((folder / f"member-profile-{status}.summary.json").read_text())
        shown = {f["label"]: f["text"] for f in summary["key_figures"]}
        page = tiny_build.texts[f"{os.readlink(folder)}/member-profile-{status}.html"]
        women = int((chosen["sex"] == "F").sum())
        known = chosen["occupation_activity"].dropna()
        desk = int((known == "desk").sum())
        for label, part, whole in (("Women", women, len(chosen)),
                                   ("Desk workers", desk, len(known))):
            small = any(0 < n < MIN_GROUP_SIZE for n in (part, whole - part))
            if small:
                hidden_somewhere = True
                assert shown[label].startswith("not shown"), (status, label, shown[label])
                assert f"{label}:" not in page, (status, label)
        if 0 < len(chosen) - len(known) < MIN_GROUP_SIZE:  # members without an occupation
            assert f"of the {len(known)} whose occupation" not in page
    assert hidden_somewhere  # the tiny club has such groups: the check checked something


# ---------------------------------------------------------------------------------------
# A machine of fewer than 10 members (builds 4 and 5), and a club of 10 (build 5)
# ---------------------------------------------------------------------------------------

def log_figures(club: Path, machine: str, candidate: str) -> dict[str, str]:
    """What a report could show of ``machine``'s log (value -> what), as reports write it.

    Its sessions a week (over the whole log, as the review's average and the calibration
    take it), minutes per session and busy share at its busiest hour, and the uptake factor
    a calibration of ``candidate`` on it gives: each at full precision (``summary.json``, the
    notebooks' records) and as a sentence rounds it where that is distinctive enough to
    search for (4 digits or more, or with its words: "uptakes × 0.88").
    """
    data = load_club_data(club)
    mine = data.usage.loc[data.usage["equipment_id"] == machine]
    units = dict(zip(data.equipment["equipment_id"], data.equipment["owned_units"].clip(lower=1),
                     strict=True))
    busy = peak_hour_utilisation(data.usage, units).set_index("equipment_id")
    weekly = observed_weekly_sessions(data.usage, machine)
    days = (data.usage["timestamp"].max().normalize()
            - data.usage["timestamp"].min().normalize()).days + 1
    factor = calibrate_uptake(data.members, data.equipment, data.usage, data.assumptions,
                              candidate, data.checkins).factor
    values = {"sessions a week": weekly, "minutes per session": mine["duration_min"].mean(),
              "busiest hour's busy share": busy.loc[machine, "busy_share"],
              "uptake factor": factor}
    written = [(repr(float(v)), what) for what, v in values.items()]
    written.append((repr(len(mine) * (7.0 / days)), "sessions a week"))  # as the review sums
    written += [(f"{weekly:.1f}", "sessions a week"), (f"{factor:.3f}", "uptake factor"),
                (f"{factor:.2f}", "uptake factor")]
    found = {v: f"{machine}'s {what}" for v, what in written
             if sum(c.isdigit() for c in v) >= 4}  # "5.6" minutes is also a floor area
    found[f"uptakes × {factor:.2f}"] = f"a calibration on {machine}"
    return found


def assert_usage_review_withholds_the_log(build: Build) -> None:
    """The review of a machine of fewer than 10 members shows only its forecast, and why."""
    folder = build.out / "latest"
    summary = json.loads((folder / "usage-review.summary.json").read_text(encoding="utf-8"))
    from_log = {name: f["value"] for name, f in summary["figures"].items()
                if "usage log" in f["source"]}
    assert set(from_log) >= {"actual_weekly_sessions", "peak_busy_share", "uptake_factor"}
    assert all(v is None for v in from_log.values()), from_log
    assert summary["figures"]["forecast_most_likely"]["value"] > 0  # the forecast stays
    assert summary["key_figures"][0]["text"].startswith(HIDDEN_COUNT)
    notebook = json.loads((folder / "usage-review.ipynb").read_text(encoding="utf-8"))
    assert not list(plotly_figures(notebook))  # no week, no hour of theirs
    page = build.texts[f"{os.readlink(folder)}/usage-review.html"]
    assert ("Fewer than 10 members used the 45-degree back extension (the figures of so few "
            "members are not shown)") in page


def test_a_machine_of_three_members_in_a_big_club_shows_nothing_of_theirs(three_user_build):
    build = three_user_build
    secrets = build.secrets() | log_figures(build.data_dirs[0], FEW_USERS, LEANS_ON_IT)
    findings = scan(build.all_texts(), secrets)
    assert not findings, report(findings)
    assert_usage_review_withholds_the_log(build)
    folder = build.out / "latest"
    for name in ("decision", "candidate"):  # built, and calibrated on no machine of theirs
        assert (folder / f"{name}.summary.json").is_file()
    # Pooled on the two machines many members use, never on the back extension's log.
    assert ("pooled from the usage logs of 2 owned machines (rowing machine, leg press; "
            "empirical Bayes)") in build.texts[f"{os.readlink(folder)}/candidate.html"]


def test_a_club_of_ten_members_holds_no_member_value(ten_member_build):
    build = ten_member_build
    secrets = build.secrets() | log_figures(build.data_dirs[0], FEW_USERS, LEANS_ON_IT)
    findings = scan(build.all_texts(), secrets)
    assert not findings, report(findings)
    assert_usage_review_withholds_the_log(build)


def test_a_club_of_ten_members_shows_no_group_count_not_even_zero(ten_member_build):
    """Each report is of 6 active or 4 cancelled members: a 0 there says where the rest are.

    The count of all of them (the population) is shown, as everywhere.
    """
    build = ten_member_build
    folder = build.out / "latest"
    sizes = build.rosters[0]["status"].value_counts()
    assert (sizes["active"], sizes["cancelled"]) == (6, 4)
    for status in ("active", "cancelled"):
        summary = json.loads((folder / f"member-profile-{status}.summary.json").read_text())
        assert summary["figures"]["members"]["value"] == sizes[status]

    def allowed(report_file: str, value: object) -> bool:
        whole = sizes["cancelled" if "cancelled" in report_file else "active"]
        if isinstance(value, str):
            return value.lower() in HIDDEN or value.replace(",", "") == str(whole)
        return value is None or not np.isfinite(value) or value == whole

    latest = os.readlink(folder)
    checked, bad = 0, []
    for name in sorted(n for n in build.texts if n.startswith(latest) and n.endswith(".html")):
        for column, cell in member_count_cells((build.out / name).read_text(encoding="utf-8")):
            checked += 1
            if not allowed(name, cell):
                bad.append(f"{name}: column {column!r} shows {cell!r}")
    for path in sorted(folder.glob("*.ipynb")):
        for title, value in plotted_member_counts(json.loads(path.read_text("utf-8"))):
            checked += 1
            if not allowed(path.name, value):
                bad.append(f"{path.name}: chart {title!r} plots {value!r} members")
    assert not bad, "\n".join(bad)
    assert checked >= 30
