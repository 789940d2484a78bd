"""A chain of clubs: where each machine pays off best, from the clubs' own decisions.

A chain plan (see :mod:`evaluate.build.plan`) builds one decision report per club and then the
roll-up. The roll-up reads the clubs' decision ``summary.json`` files of the same build
(:func:`read_club_summaries`), so its figures are the clubs' reports' figures by
construction; clubs built elsewhere (one build per club, each into its own output folder, as a
scheduler runs them) join through ``summaries_from`` (:func:`summary_folders`). Without a build
(in JupyterLab) it runs the same decision for each club folder (:func:`summaries_from_data`),
with the same parameters and seed, which gives the same numbers.

:func:`outcomes_table` puts every club × machine figure in one tidy table and
:func:`payoff_ranking` ranks the machines by where they pay off best: each machine's best
club by median NPV, how many clubs would buy it first, and in how many its NPV is more
likely positive than not.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from evaluate.reports.summary_schema import DecisionSummary


def summary_folders(entries: Iterable[str | Path], base: Path | None = None) -> list[Path]:
    """The build folders whose club summaries join a roll-up, from its ``summaries_from``.

    Each entry is an output folder of another build (its ``latest`` build is read), a build
    folder (holding ``*.summary.json``), or a glob of either (``out/club-*``); relative
    entries are relative to ``base`` (default: the working directory). Each folder once, in
    the order given (a glob's matches in name order). Raises ``ValueError`` naming an entry
    that matches nothing or a folder that holds no build.
    """
    base = Path.cwd() if base is None else Path(base)
    found: list[Path] = []
    for entry in entries:
        pattern = Path(entry).expanduser()
        pattern = pattern if pattern.is_absolute() else base / pattern
        if glob.has_magic(str(pattern)):
            matches = [Path(m) for m in sorted(glob.glob(str(pattern)))]
        else:
            matches = [pattern] if pattern.exists() else []
        folders = [m for m in matches if m.is_dir()]
        if not folders:
            raise ValueError(f"summaries_from: {entry!r} ({pattern}) is no folder: give the "
                             "output folder (--out) of a build of the clubs, or one of its "
                             "dated build folders")
        for folder in folders:
            build = (folder / "latest").resolve() if (folder / "latest").is_dir() else folder
            if not any(build.glob("*.summary.json")):
                raise ValueError(f"summaries_from: {folder} holds no build (no latest/ and "
                                 "no *.summary.json): build the clubs into it first "
                                 "(evaluate build --out FOLDER), or correct the path")
            resolved = build.resolve()
            if resolved not in found:
                found.append(resolved)
    return found


def _folder_summaries(folder: Path, where: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The successful decision summaries of ``folder``, checked; the reports that failed."""
    found, failed = [], []
    for path in sorted(Path(folder).glob("*.summary.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: cannot be read as a summary ({exc}); build {where} "
                             "again") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a summary is a JSON object; build {where} again")
        if data.get("status") != "ok":
            if "decision" in str(data.get("report", "")):
                failed.append(str(data.get("report")))
            continue
        if data.get("kind") != "decision":
            continue
        try:
            DecisionSummary(**{k: v for k, v in data.items()
                               if k in DecisionSummary.model_fields})
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"{path}: not a decision summary of this suite's schema "
                             f"({exc.error_count()} problem(s), the first: {field}: "
                             f"{first['msg']}); build {where} again with this version of "
                             "the suite") from None
        found.append({**data, "_file": str(path)})
    return found, failed


def read_club_summaries(folder: str | Path, others: Iterable[str | Path] = ()
                        ) -> list[dict[str, Any]]:
    """Every successful decision report's ``summary.json`` in ``folder``, in name order.

    ``others``: build folders of other builds (:func:`summary_folders`) whose clubs join,
    after this build's. Each summary is checked against
    :class:`evaluate.reports.summary_schema.DecisionSummary`; other reports (member profiles)
    are skipped. Raises ``ValueError`` naming the file or folder when a club's decision
    report failed (the roll-up would silently leave the club out), when a summary is not of
    this schema, when a club comes twice, or when there is none.
    """
    found: list[dict[str, Any]] = []
    folders = ([(Path(folder), "the clubs' reports")] if str(folder) else []) + [
        (Path(other), f"the clubs in {other}") for other in others]
    for path, where in folders:
        summaries, failed = _folder_summaries(path, where)
        if failed:
            place = "in this build" if where == "the clubs' reports" else f"in {path}"
            raise ValueError(f"the decision report of {', '.join(failed)} failed {place}, so "
                             "the roll-up would leave those clubs out; fix them (see their "
                             "failure pages) and build again")
        found += summaries
    seen: dict[str, str] = {}
    for summary in found:
        club, file = str(summary.get("club") or summary.get("report")), summary.pop("_file")
        if club in seen:
            raise ValueError(f"club {club!r} comes twice, in {seen[club]} and {file}: give "
                             "each club's build once (summaries_from)")
        seen[club] = file
    if not found:
        raise ValueError(f"no club decision summary in {folder or ', '.join(map(str, others))}"
                         ": build the clubs' decision reports in the same build as the "
                         "roll-up (not --only with the roll-up alone), or name their builds "
                         "in summaries_from")
    return found


def summaries_from_data(club_dirs: Iterable[str], params: Mapping[str, Any]
                        ) -> list[dict[str, Any]]:
    """Run each club's decision for the roll-up.

    Each club's :func:`evaluate.reports.decision.analysis.analyse_decision`, as its own
    decision report would.

    ``params`` are the decision parameters shared by every club (without ``data_dir``).
    """
    from evaluate.reports.decision.analysis import analyse_decision
    from evaluate.reports.decision.sections import summary_fields
    from evaluate.reports.notebook_params import DecisionReportParams

    found = []
    for club_dir in club_dirs:
        analysis = analyse_decision(DecisionReportParams(**{**params, "data_dir": club_dir}))
        found.append({**summary_fields(analysis), "report": Path(club_dir).name or "demo"})
    return found


#: A club's recommendation when no machine fits its budget and free floor.
NOTHING_FITS = "Nothing fits the club's budget and free floor"


def outcomes_table(summaries: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per club and machine: the club's decision figures for that machine (tidy).

    Columns: ``club`` (its name), ``report``, ``equipment_id``, ``name``, ``rank``,
    ``p_best``, ``p_npv_positive``, ``npv_p10``, ``npv_p50``, ``npv_p90``,
    ``weekly_uses_p50``, ``recommended`` (what the club's decision says to buy: its
    ``recommendation_within_limits``, the best-scoring machine within its budget and free
    floor; none when nothing fits; the rank-1 machine for a summary older than that field)
    and ``currency``.
    """
    rows = []
    for summary in summaries:
        chosen = summary.get("recommendation_within_limits", summary["recommendation"])
        for equipment_id, c in summary["candidates"].items():
            rows.append({
                "club": summary.get("club") or summary.get("report", ""),
                "report": summary.get("report", ""), "equipment_id": equipment_id,
                "name": c["name"], "rank": c["rank"], "p_best": c["p_best"],
                "p_npv_positive": c["p_npv_positive"], "npv_p10": c["npv"]["p10"],
                "npv_p50": c["npv"]["p50"], "npv_p90": c["npv"]["p90"],
                "weekly_uses_p50": c["weekly_uses"]["p50"],
                "recommended": equipment_id == chosen,
                "currency": summary["currency"]})
    return pd.DataFrame(rows)


def payoff_ranking(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The machines ranked by where they pay off best across the chain (one row each).

    Columns: ``equipment_id``, ``name``, ``clubs`` (clubs that compared it),
    ``recommended_in`` (clubs whose decision puts it first), ``npv_positive_in`` (clubs
    where P(NPV > 0) ≥ 0.5), ``best_club`` and ``best_npv_p50`` (the club where its median
    NPV is highest, and that NPV), ``median_npv_p50`` (median over the clubs). Ordered by
    ``recommended_in``, then ``best_npv_p50``, descending; ``rank`` 1 = pays off best.
    """
    if len(set(outcomes["currency"])) > 1:
        raise ValueError("the clubs report in different currencies: "
                         + ", ".join(sorted(set(outcomes["currency"])))
                         + "; a chain roll-up needs one currency (parameter currency)")
    rows = []
    for equipment_id, group in outcomes.groupby("equipment_id", sort=False):
        best = group.loc[group["npv_p50"].idxmax()]
        rows.append({"equipment_id": equipment_id, "name": best["name"],
                     "clubs": len(group), "recommended_in": int(group["recommended"].sum()),
                     "npv_positive_in": int((group["p_npv_positive"] >= 0.5).sum()),
                     "best_club": best["club"], "best_npv_p50": float(best["npv_p50"]),
                     "median_npv_p50": float(group["npv_p50"].median())})
    table = pd.DataFrame(rows).sort_values(["recommended_in", "best_npv_p50"],
                                           ascending=False, kind="stable", ignore_index=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def leaders(ranking: pd.DataFrame, currency: str) -> int:
    """How many machines of :func:`payoff_ranking` tie for first (at least 1).

    Tied: first choice in as many clubs, and a best median NPV the report prints the same
    (:func:`evaluate.reports.formatting.tied_with_first`).
    """
    from evaluate.reports.formatting import money, tied_with_first

    same = ranking[ranking["recommended_in"] == ranking["recommended_in"].iloc[0]]
    return tied_with_first(same["best_npv_p50"].to_numpy(float),
                           lambda v: money(v, currency, signed=True))


def _tie(ranking: pd.DataFrame, count: int) -> str:
    """The machines tied for first, in words: "The rower and the leg press tie"."""
    from evaluate.reports.formatting import in_sentence, joined

    both = joined([f"the {in_sentence(n)}" for n in ranking["name"].iloc[:count]])
    return f"{both[0].upper()}{both[1:]} tie"


def headline_markdown(ranking: pd.DataFrame, outcomes: pd.DataFrame) -> str:
    """The roll-up's answer first: the machine that pays off best, and where (or the tie)."""
    from evaluate.reports.formatting import in_sentence, markdown_text, money

    currency = str(outcomes["currency"].iloc[0])
    clubs = outcomes["club"].nunique()
    top = ranking.iloc[0]
    tied = leaders(ranking, currency)
    best = money(top["best_npv_p50"], currency, signed=True)
    if tied > 1:
        bold = f"{_tie(ranking, tied)} across the chain:"
        rest = (f"each is the first choice of {top['recommended_in']} of {clubs} clubs, with "
                f"a median NPV of {best} where it pays off most.")
    else:
        bold = f"The {in_sentence(top['name'])} pays off best across the chain:"
        rest = (f"{top['recommended_in']} of {clubs} clubs would buy it first, and its NPV is "
                f"more likely positive than not in {top['npv_positive_in']}. It pays off most "
                f"at {top['best_club']} (median NPV {best}).")
    lines = [f"**{markdown_text(bold)}** {markdown_text(rest)}"]
    for row in ranking.iloc[1 if tied == 1 else 0:].itertuples(index=False):
        lines.append("- " + markdown_text(
            f"{row.name}: first in {row.recommended_in} of {row.clubs} clubs; best at "
            f"{row.best_club} ({money(row.best_npv_p50, currency, signed=True)})."))
    return "\n".join(lines[:1]) + ("\n\n" + "\n".join(lines[1:]) if len(lines) > 1 else "")


def payoff_display(ranking: pd.DataFrame, currency: str) -> pd.DataFrame:
    """:func:`payoff_ranking` as text for the report."""
    from evaluate.reports.formatting import money

    return pd.DataFrame({
        "Rank": ranking["rank"].to_numpy(),
        "First choice in": [f"{r} of {c} clubs" for r, c in
                            zip(ranking["recommended_in"], ranking["clubs"], strict=True)],
        "NPV more likely positive in": [f"{n} clubs" for n in ranking["npv_positive_in"]],
        "Pays off best at": ranking["best_club"].to_numpy(),
        "Median NPV there": [money(v, currency, signed=True) for v in ranking["best_npv_p50"]],
        "Median NPV, all clubs": [money(v, currency, signed=True)
                                  for v in ranking["median_npv_p50"]],
    }, index=pd.Index(ranking["name"].to_numpy(), name="Machine"))


def clubs_display(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Each club's recommendation and its chance of ranking first (text).

    A club where no machine fits its budget and free floor says so.
    """
    from evaluate.reports.formatting import MISSING, money, share

    first = outcomes[outcomes["recommended"]]
    table = pd.DataFrame({
        "Recommendation": first["name"].to_numpy(),
        "Ranks first in": [share(v) for v in first["p_best"]],
        "Median NPV": [money(v, c, signed=True) for v, c in
                       zip(first["npv_p50"], first["currency"], strict=True)],
    }, index=pd.Index(first["club"].to_numpy(), name="Club"))
    none = [c for c in dict.fromkeys(outcomes["club"]) if c not in set(first["club"])]
    if none:
        nothing = pd.DataFrame({"Recommendation": NOTHING_FITS, "Ranks first in": MISSING,
                                "Median NPV": MISSING}, index=pd.Index(none, name="Club"))
        table = pd.concat([table, nothing])
    return table


def outcomes_export(outcomes: pd.DataFrame) -> pd.DataFrame:
    """:func:`outcomes_table` with headers for a spreadsheet: the roll-up's outcomes CSV.

    One row per club and machine (never per member); money in each club's currency.
    """
    columns = {"club": "Club", "report": "Club report", "equipment_id": "Equipment id",
               "name": "Machine", "rank": "Rank at the club", "p_best": "Chance of ranking "
               "first (0-1)", "p_npv_positive": "Chance NPV > 0 (0-1)", "npv_p10": "NPV P10",
               "npv_p50": "NPV P50", "npv_p90": "NPV P90",
               "weekly_uses_p50": "Weekly uses P50", "recommended": "Recommended at the club",
               "currency": "Currency"}
    return outcomes[list(columns)].rename(columns=columns).reset_index(drop=True)


def summary_fields(ranking: pd.DataFrame, outcomes: pd.DataFrame) -> dict[str, Any]:
    """The roll-up's ``summary.json`` fields: the ranking and the index headline."""
    from evaluate.reports.formatting import in_sentence, money

    top = ranking.iloc[0]
    currency = str(outcomes["currency"].iloc[0])
    clubs = int(outcomes["club"].nunique())
    tied = leaders(ranking, currency)
    headline = (f"{_tie(ranking, tied)}: first choice in {top['recommended_in']} of {clubs} "
                "clubs each." if tied > 1 else
                f"The {in_sentence(top['name'])} pays off best: first choice in "
                f"{top['recommended_in']} of {clubs} clubs.")
    return {
        "kind": "chain_rollup", "clubs": clubs, "currency": currency,
        "ranking": [{"equipment_id": r.equipment_id, "rank": int(r.rank),
                     "recommended_in": int(r.recommended_in),
                     "npv_positive_in": int(r.npv_positive_in), "best_club": r.best_club,
                     "best_npv_p50": r.best_npv_p50} for r in ranking.itertuples()],
        "recommendations": {str(r.club): r.equipment_id for r in
                            outcomes[outcomes["recommended"]].itertuples()},
        "headline": headline,
        "key_figures": [
            {"label": "Clubs", "text": f"{clubs}"},
            {"label": "Pays off most at",
             "text": f"{top['best_club']} ({money(top['best_npv_p50'], currency, signed=True)})"},
        ]}
