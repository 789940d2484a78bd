"""Load the candidate machines (``equipment.csv``), checked once, with a source for every figure.

Each cost figure (price, installation, maintenance) and the lifespan carries a status:
``published`` (a published list price or specification), ``vendor_quote``, or
``placeholder`` (an estimate to replace with a vendor quote, never to be shown as fact).
A placeholder price needs a basis in ``price_source`` and a ``price_low``-``price_high``
range. Installation cost, annual maintenance and lifespan may be left blank only as a
placeholder: the model then uses the documented defaults in ``assumptions.yml``
(``installation_share_of_price``, ``maintenance_share_of_price``, ``lifespan_years_strength``
or ``lifespan_years_cardio``). The file itself is required.

A machine of the bundled catalogue (``data/reference/equipment_catalogue.csv``) needs only
its ``equipment_id`` (and ``owned_units``): every column the club leaves out, or leaves blank,
takes the catalogue's figure with its source; a cell the club fills replaces it. A club's
``price`` is its own quote in its own currency: the catalogue's price range, status and source
then no longer apply. The catalogue's money figures are in its ``price_currency`` (USD) and
are converted with ``club.yml``'s ``exchange_rates``, the source saying so, or refused when the
club's currency has no rate. A machine not in the catalogue gives every column.
Every placeholder is reported as a warning on ``frame.attrs["warnings"]``.

Two optional columns are the club's own, never in the catalogue: ``new_joins_per_year``
(members a year who join because the club has the machine; a number >= 0, blank for none
given) and ``new_joins_source`` (how the club knows; a figure without it is refused). The
money model credits those joins within a cap (:mod:`evaluate.model.finance`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from evaluate.data.club import rate_fix, readable_club
from evaluate.data.limits import check_csv_size
from evaluate.data.validation import (
    Findings,
    check_columns,
    check_required_filled,
    check_unique,
    load_column_mapping,
    normalise_name,
    parse_category,
    parse_number,
    read_text_table,
)
from evaluate.errors import DataError, did_you_mean
from evaluate.paths import REFERENCE_DATA_DIR

EQUIPMENT_FILE = "equipment.csv"
CATALOGUE_FILE = "equipment_catalogue.csv"  # in data/reference/

ID, NAME, MODEL, TYPE = "equipment_id", "name", "model", "equipment_type"
PRICE, PRICE_LOW, PRICE_HIGH = "price", "price_low", "price_high"
INSTALLATION, MAINTENANCE, LIFESPAN = "installation_cost", "annual_maintenance", "lifespan_years"
FOOTPRINT, SESSION_MINUTES, STATIONS = "footprint_m2", "session_minutes", "stations"
MUSCLES, BACK_CARE, EVIDENCE = "muscles", "back_care_relevance", "evidence_grade"
SUPERVISION, OWNED, NOTES = "supervision", "owned_units", "notes"
NEW_JOINS, NEW_JOINS_SOURCE = "new_joins_per_year", "new_joins_source"

# Each figure with a status and a source: figure -> (status column, source column).
FIGURES = {
    PRICE: ("price_status", "price_source"),
    INSTALLATION: ("installation_status", "installation_source"),
    MAINTENANCE: ("maintenance_status", "maintenance_source"),
    LIFESPAN: ("lifespan_status", "lifespan_source"),
}

REQUIRED_COLUMNS = (
    ID, NAME, TYPE, PRICE, "price_status", "price_source", INSTALLATION, "installation_status",
    "installation_source", MAINTENANCE, "maintenance_status", "maintenance_source", LIFESPAN,
    "lifespan_status", "lifespan_source", FOOTPRINT, "footprint_source", SESSION_MINUTES,
    STATIONS, "usage_source", MUSCLES, BACK_CARE, EVIDENCE, "evidence_source", SUPERVISION)
OPTIONAL_COLUMNS = (MODEL, PRICE_LOW, PRICE_HIGH, OWNED, NOTES, NEW_JOINS, NEW_JOINS_SOURCE)
COLUMNS = (ID, NAME, MODEL, TYPE, PRICE, PRICE_LOW, PRICE_HIGH, "price_status", "price_source",
           INSTALLATION, "installation_status", "installation_source", MAINTENANCE,
           "maintenance_status", "maintenance_source", LIFESPAN, "lifespan_status",
           "lifespan_source", FOOTPRINT, "footprint_source", SESSION_MINUTES, STATIONS,
           "usage_source", MUSCLES, BACK_CARE, EVIDENCE, "evidence_source", SUPERVISION, OWNED,
           NOTES, NEW_JOINS, NEW_JOINS_SOURCE)
# The club's own columns: never in the bundled catalogue, never filled from it.
CLUB_ONLY = (OWNED, NEW_JOINS, NEW_JOINS_SOURCE)
# Blank cells allowed only when the figure's status is placeholder (the model's default applies).
BLANK_AS_PLACEHOLDER = (INSTALLATION, MAINTENANCE, LIFESPAN)

STATUSES = ("published", "vendor_quote", "placeholder")
STATUS_ALIASES = {"list_price": "published", "list": "published", "quote": "vendor_quote",
                  "estimate": "placeholder", "placeholder_estimate": "placeholder"}
CATEGORIES = {  # column -> allowed values, best or most first
    TYPE: ("strength", "cardio"),
    BACK_CARE: ("high", "medium", "low"),
    EVIDENCE: ("high", "moderate", "low", "very_low"),  # for the machine's back-care claim
    SUPERVISION: ("none", "brief", "trainer"),
}
MUSCLE_NAMES = ("erector_spinae", "gluteus_maximus", "hamstrings", "quadriceps", "calves",
                "core", "latissimus_dorsi", "upper_back", "chest", "shoulders", "arms")
MONEY = (PRICE, PRICE_LOW, PRICE_HIGH, INSTALLATION, MAINTENANCE)
CURRENCY, PRICE_DATE = "price_currency", "price_date"
# The catalogue holds every column but the club's own, and the currency and date of its prices
# and the sources of its muscles and supervision (a club's file need not give those).
CATALOGUE_COLUMNS = tuple(c for c in COLUMNS if c not in CLUB_ONLY) + (
    CURRENCY, PRICE_DATE, "muscles_source", "supervision_source")
# Each catalogue figure and the column naming its source: every one must be filled.
CATALOGUE_SOURCES = {
    PRICE: "price_source", INSTALLATION: "installation_source",
    MAINTENANCE: "maintenance_source", LIFESPAN: "lifespan_source",
    FOOTPRINT: "footprint_source", SESSION_MINUTES: "usage_source", STATIONS: "usage_source",
    MUSCLES: "muscles_source", BACK_CARE: "evidence_source", EVIDENCE: "evidence_source",
    SUPERVISION: "supervision_source"}
# Figures a club may replace, each group with its source (and status) column: a figure the
# club gives without a source is said to be the club's.
GROUPS = {
    "price_source": (PRICE, PRICE_LOW, PRICE_HIGH),
    "installation_source": (INSTALLATION,),
    "maintenance_source": (MAINTENANCE,),
    "lifespan_source": (LIFESPAN,),
    "footprint_source": (FOOTPRINT,),
    "usage_source": (SESSION_MINUTES, STATIONS),
    "evidence_source": (BACK_CARE, EVIDENCE),
}
CLUB_SOURCE = "the club's figure in equipment.csv"
DEMO_IDS = ("reverse_hyper", "glute_ham_developer", "back_extension_45", "cable_tower",
            "rower", "leg_press")


def equipment_ids(data_dir: Path) -> list[str] | None:
    """The ``equipment_id`` of each machine in ``equipment.csv``, reading that column only.

    For checking a parameter that names a machine before a report runs. None when the
    file or its header cannot be read: :func:`load_equipment` then says why.
    """
    path = Path(data_dir) / EQUIPMENT_FILE
    try:
        check_csv_size(path)  # a file too large is refused by load_equipment, in words
        mapping = {normalise_name(k): v for k, v in
                   (load_column_mapping(data_dir).get(EQUIPMENT_FILE) or {}).items()}
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            header = [mapping.get(normalise_name(c), normalise_name(c)) for c in next(rows)]
            column = header.index(ID)
            return [row[column].strip() for row in rows
                    if len(row) > column and row[column].strip()]
    except (OSError, UnicodeDecodeError, StopIteration, ValueError, csv.Error, DataError):
        return None


def _check_ids(frame: pd.DataFrame, check: Findings) -> None:
    check_unique(frame, check, ID, "machine")
    ids = frame[ID]
    check.rows((ids != "") & ~ids.str.fullmatch(r"[a-z0-9_]+"), ids, ID, "not a plain identifier",
               rule="equipment_id is lowercase letters, digits and underscores",
               fix="write it like reverse_hyper or leg_press")


def _check_statuses(frame: pd.DataFrame, check: Findings) -> dict[str, pd.Series]:
    statuses = {}
    for figure, (status_col, _source) in FIGURES.items():
        status = parse_category(frame[status_col], STATUS_ALIASES)
        check.rows((frame[status_col] != "") & ~status.isin(STATUSES), frame[status_col],
                   status_col, "unknown status", rule=f"{status_col} is one of "
                   f"{', '.join(STATUSES)} (list_price and quote are accepted)",
                   fix="published for a list price, vendor_quote for a quote, placeholder for "
                       "an estimate")
        statuses[figure] = status
        blank = frame[figure] == ""
        check.rows(blank & (status != "placeholder") & status.isin(STATUSES), frame[figure],
                   figure, "blank but not a placeholder",
                   rule=f"{figure} may be blank only when {status_col} is placeholder",
                   fix=f"enter the figure, or set {status_col} to placeholder to use the default")
        placeholder = status == "placeholder"
        shown = "placeholder estimate, not a published figure or a quote"
        if figure in BLANK_AS_PLACEHOLDER:
            shown += "; blank cells use the default in assumptions.yml"
        check.rows(placeholder, frame[figure], figure, shown, rule=f"{status_col} is placeholder",
                   fix=f"enter a vendor quote (or the maker's published figure) and set "
                       f"{status_col} to vendor_quote (or published)",
                   severity="warning")
    return statuses


def _check_numbers(frame: pd.DataFrame, statuses: dict[str, pd.Series],
                   check: Findings) -> dict[str, pd.Series]:
    """Parse the numeric columns and check each against its range."""
    rules = {  # column -> (test for a bad value, rule, fix)
        PRICE: (lambda v: v < 0, "price >= 0", "write the price without a sign"),
        PRICE_LOW: (lambda v: v < 0, "price_low >= 0", "write the price without a sign"),
        PRICE_HIGH: (lambda v: v < 0, "price_high >= 0", "write the price without a sign"),
        INSTALLATION: (lambda v: v < 0, "installation_cost >= 0", "write 0 if installation is "
                       "free"),
        MAINTENANCE: (lambda v: v < 0, "annual_maintenance >= 0", "write 0 if there is none"),
        LIFESPAN: (lambda v: v <= 0, "lifespan_years > 0", "give the expected years of use"),
        FOOTPRINT: (lambda v: v <= 0, "footprint_m2 > 0", "give the floor area with clearance"),
        SESSION_MINUTES: (lambda v: v <= 0, "session_minutes > 0", "give minutes per use"),
        STATIONS: (lambda v: (v < 1) | (v != v.round()), "stations is a whole number >= 1",
                   "give how many members can use one unit at once, e.g. 1"),
        OWNED: (lambda v: (v < 0) | (v != v.round()), "owned_units is a whole number >= 0",
                "give how many the club already has, 0 if none"),
        NEW_JOINS: (lambda v: v < 0, "new_joins_per_year >= 0", "give the members a year who "
                    "join because the club has the machine, or leave it blank for none"),
    }
    parsed = {}
    for col, (bad, rule, fix) in rules.items():
        if col not in frame.columns:
            continue
        raw = frame[col]
        value = parse_number(raw)
        check.rows((raw != "") & value.isna(), raw, col, "not a number",
                   rule=f"{col} is a plain number", fix="remove currency signs, units and "
                                                       "thousands separators")
        check.rows(bad(value), raw, col, "value out of range", rule=rule, fix=fix)
        parsed[col] = value
    low, high = parsed.get(PRICE_LOW), parsed.get(PRICE_HIGH)
    if low is None or high is None:
        low = high = pd.Series(float("nan"), index=frame.index)
    check.rows(low.isna() != high.isna(), frame[PRICE], PRICE_LOW, "only one end of the range",
               rule="price_low and price_high are both given or both blank", fix="give both")
    check.rows((low > parsed[PRICE]) | (parsed[PRICE] > high), frame[PRICE], PRICE,
               "price outside its low-high range", rule="price_low <= price <= price_high",
               fix="check the range against its basis in price_source")
    if NEW_JOINS in frame.columns:
        unsourced = frame.get(NEW_JOINS_SOURCE, pd.Series("", index=frame.index)).str.strip()
        check.rows((frame[NEW_JOINS] != "") & (unsourced == ""), frame[NEW_JOINS], NEW_JOINS,
                   "new joins without a source",
                   rule="a new_joins_per_year figure needs its basis in new_joins_source",
                   fix="say in new_joins_source how the club knows (e.g. 'measured: join "
                       "survey 2025, 3 of 250 joiners named the machine'), or write "
                       "'assumption', or leave new_joins_per_year blank for none")
    check.rows((statuses[PRICE] == "placeholder") & (low.isna() | high.isna()), frame[PRICE],
               PRICE_LOW, "a placeholder price without a range",
               rule="a placeholder price has price_low and price_high and a basis",
               fix="give the range the estimate rests on, or enter a vendor quote")
    parsed[PRICE_LOW], parsed[PRICE_HIGH] = low, high
    return parsed


def _check_categories(frame: pd.DataFrame, check: Findings) -> dict[str, pd.Series]:
    parsed = {}
    for col, allowed in CATEGORIES.items():
        values = parse_category(frame[col], {"very low": "very_low"})
        check.rows((frame[col] != "") & ~values.isin(allowed), frame[col], col, "unknown value",
                   rule=f"{col} is one of {', '.join(allowed)} (any case)",
                   fix=f"use one of {', '.join(allowed)}")
        parsed[col] = values
    tokens = frame[MUSCLES].str.lower().str.replace(r"[ \-]+", "_", regex=True).str.split(";")
    tokens = tokens.map(lambda names: [n.strip("_") for n in names if n.strip("_")])
    unknown = tokens.map(lambda names: [n for n in names if n not in MUSCLE_NAMES])
    for position in unknown[unknown.map(bool)].index:
        first = unknown[position][0]
        hint = did_you_mean(first, MUSCLE_NAMES)
        check.add("unknown muscle name", row=int(frame.index.get_loc(position)) + 2,
                  column=MUSCLES, value=first,
                  rule="muscles is a ;-separated list of: " + ", ".join(MUSCLE_NAMES),
                  fix=f"{hint}use the names listed in data/README.md")
    parsed[MUSCLES] = tokens.map(";".join)
    return parsed


def _typed(frame: pd.DataFrame, numbers: dict[str, pd.Series], statuses: dict[str, pd.Series],
           categories: dict[str, pd.Series]) -> pd.DataFrame:
    out: dict[str, object] = {}
    for col in COLUMNS:
        if col in (STATIONS, OWNED):
            out[col] = numbers.get(col, pd.Series(0, index=frame.index)).astype("int64")
        elif col == NEW_JOINS:
            out[col] = numbers.get(col, pd.Series(float("nan"), index=frame.index)).astype(float)
        elif col in numbers:
            out[col] = numbers[col].astype("float64")
        elif col in CATEGORIES:
            out[col] = pd.Categorical(categories[col], categories=list(CATEGORIES[col]))
        elif col == MUSCLES:
            out[col] = categories[col].astype("str")
        elif col in [s for s, _ in FIGURES.values()]:
            figure = next(f for f, (s, _) in FIGURES.items() if s == col)
            out[col] = pd.Categorical(statuses[figure], categories=list(STATUSES))
        else:
            out[col] = (frame[col] if col in frame.columns
                        else pd.Series("", index=frame.index)).astype("str")
    return pd.DataFrame(out).reset_index(drop=True)


def catalogue_cells(reference_dir: Path | None = None) -> pd.DataFrame:
    """The bundled catalogue as written: one row per machine, every cell text.

    Only its columns and ids are checked here; :func:`evaluate.data.catalogue.load_catalogue`
    checks every figure and its source (the tests run it on the shipped file).
    """
    path = Path(reference_dir or REFERENCE_DATA_DIR) / CATALOGUE_FILE
    check = Findings(path)
    raw = read_text_table(path, what="the bundled equipment catalogue",
                          fix_missing="restore it from version control (data/reference/)")
    frame, _ = check_columns(raw, check, required=CATALOGUE_COLUMNS)
    check.raise_errors()
    check_unique(frame, check, ID, "machine")
    check.raise_errors()
    return frame


def _check_header(frame: pd.DataFrame, extra: list[str], catalogue: pd.DataFrame,
                  check: Findings) -> None:
    """A column named like a missing one is an error; so is a new machine that lacks columns."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    for col in missing:
        hint = did_you_mean(col, extra)
        if hint:  # its values would be left unread and the catalogue's figure used instead
            check.add("required column is missing", row=1, column=col,
                      rule="a column is read only under its contract name",
                      fix=f"{hint}Rename that column to '{col}', or map it in columns.yml")
    check.raise_errors()
    if not missing:
        return
    ids = list(catalogue[ID])
    for position, machine in frame[ID].items():
        if machine in ids or machine == "":
            continue
        check.add("machine not in the catalogue: every column is needed",
                  row=int(position) + 2, column=ID, value=machine,
                  rule=f"a machine not in data/reference/{CATALOGUE_FILE} gives every column; "
                       f"missing: {', '.join(missing)}",
                  fix=f"{did_you_mean(machine, ids)}use a catalogue id ({', '.join(ids)}), "
                      f"or add the missing columns (see data/README.md)")


def _fill_row(row: pd.Series, listed: pd.Series) -> tuple[pd.Series, list[str]]:
    """One catalogued machine: the club's cells over the catalogue's; the money taken from it."""
    out = row.copy()
    given = {c for c in row.index if row[c] != ""}
    kept_money = []
    for source, figures in GROUPS.items():
        club = [f for f in figures if f in given]
        status = next((s for f, (s, _) in FIGURES.items() if f == figures[0]), None)
        whole = source == "price_source" and bool(club)  # a club price: its range is its own
        for figure in figures:
            if figure not in given and not whole:
                out[figure] = listed[figure]
                if figure in MONEY and listed[figure] != "":
                    kept_money.append(figure)
        if not club:  # the catalogue's status and source go with its figures
            for col in (status, source):
                if col is not None and col not in given:
                    out[col] = listed[col]
            continue
        if status is not None and status not in given:
            out[status] = "vendor_quote"
        if source not in given:
            rest = [f for f in figures if f not in club and not whole]
            out[source] = (f"{', '.join(club)}: {CLUB_SOURCE}; otherwise {listed[source]}"
                           if rest else CLUB_SOURCE)
    grouped = {c for cols in GROUPS.values() for c in cols} | set(GROUPS) | {
        s for s, _ in FIGURES.values()}
    for col in COLUMNS:
        if col not in grouped and col != ID and col not in CLUB_ONLY and col not in given:
            out[col] = listed[col]
    return out, kept_money


def _with_catalogue(frame: pd.DataFrame, extra: list[str], data_dir: Path,
                    check: Findings) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Fill what a catalogued machine leaves out; convert the catalogue's money to the club's.

    Returns the frame with every column and, per money column, the factor that turns each
    row's figure into the club's currency (the rate where the figure is the catalogue's).
    """
    catalogue = catalogue_cells()
    _check_header(frame, extra, catalogue, check)
    frame = frame.assign(**{c: "" for c in COLUMNS if c not in frame.columns and c != OWNED})
    by_id = catalogue.set_index(ID)
    scale = {col: pd.Series(1.0, index=frame.index) for col in MONEY}
    catalogued = frame.index[frame[ID].isin(by_id.index)]
    club = readable_club(data_dir) if len(catalogued) else None
    # (catalogue currency, club currency) -> rows whose catalogue price has no rate
    unrated: dict[tuple[str, str], list[int]] = {}
    for position in catalogued:
        listed = by_id.loc[frame.at[position, ID]]
        filled, money = _fill_row(frame.loc[position], listed)
        currency = listed[CURRENCY]
        if money and club is not None and currency != club.currency:
            rate = club.exchange_rates.get(currency)
            if rate is None:
                unrated.setdefault((currency, club.currency), []).append(position)
                continue
            for col in money:
                scale[col].at[position] = rate.rate
                source = "price_source" if col in (PRICE, PRICE_LOW, PRICE_HIGH) else next(
                    s for f, (_, s) in FIGURES.items() if f == col)
                if col != PRICE_LOW and col != PRICE_HIGH:
                    amount = listed[col] + (f" (range {listed[PRICE_LOW]}-{listed[PRICE_HIGH]})"
                                            if col == PRICE and PRICE_LOW in money else "")
                    filled[source] = (f"{filled[source]}; "
                                      f"{rate.note(currency, amount, club.currency)}")
        frame.loc[position] = filled
    for (currency, own), positions in unrated.items():  # one problem, every row named
        check.rows(pd.Series(frame.index.isin(positions), index=frame.index), frame[ID], PRICE,
                   f"the catalogue's price is in {currency}, the club's currency is {own}, "
                   f"and club.yml gives no {currency} rate",
                   rule="a figure held in another currency is converted with club.yml's "
                        "exchange_rates, never shown as the club's",
                   fix=f"{rate_fix(currency)}, or give the price in {own} in equipment.csv")
    return frame, scale


def load_equipment(data_dir: Path) -> pd.DataFrame:
    """Read and check ``equipment.csv`` in ``data_dir``; return one typed row per machine.

    A machine of the bundled catalogue takes the catalogue's figure for every cell the club
    leaves out or blank (see the module's docstring); money from the catalogue is converted
    into the club's currency with ``club.yml``'s ``exchange_rates``.
    Money columns (``price``, ``price_low``/``price_high``, ``installation_cost``,
    ``annual_maintenance``) are floats in the club's currency (``club.yml``), per unit
    (maintenance per year); ``lifespan_years`` in years; ``footprint_m2`` in m² including
    clearance; ``session_minutes`` per use; ``stations`` and ``owned_units`` integers;
    ``new_joins_per_year`` members/year (NaN where blank) with its ``new_joins_source``.
    Blank placeholders are NaN. Statuses and ``equipment_type``, ``back_care_relevance``,
    ``evidence_grade``, ``supervision`` are categoricals; ``muscles`` a normalised
    ``;``-separated string. Placeholder warnings are on ``frame.attrs["warnings"]``.

    Raises
    ------
    DataError
        Listing every problem found, each with file, spreadsheet row, column, rule and fix.
    """
    path = Path(data_dir) / EQUIPMENT_FILE
    check = Findings(path)
    raw = read_text_table(path, what="the equipment catalogue",
                          fix_missing="put the candidate machines in equipment.csv "
                                      "(see data/README.md), or copy data/demo/equipment.csv",
                          findings=check)
    frame, extra = check_columns(raw, check, required=(ID,),
                                 optional=tuple(c for c in COLUMNS if c != ID),
                                 mapping=load_column_mapping(data_dir).get(EQUIPMENT_FILE))
    check.raise_errors()  # the rules below need the ids
    if frame.empty:
        raise DataError.single("no machines: the file has a header but no rows", file=path,
                               rule="at least one candidate", fix="add a row per machine")
    attrs = dict(frame.attrs)
    frame, scale = _with_catalogue(frame, extra, Path(data_dir), check)
    frame.attrs = attrs  # how the club's numbers are written (a ';' file: decimal commas)
    check.raise_errors()  # a machine without its figures cannot be checked further
    equipment = check_machines(frame, check, scale)
    equipment.attrs["warnings"] = check.warnings
    return equipment


def check_machines(frame: pd.DataFrame, check: Findings,
                   scale: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Check machine rows given as text (every column) and return them typed.

    ``scale`` multiplies money columns (a rate per row) once they are read. Every broken
    rule is recorded in ``check``, which raises them all at once before typing.
    """
    filled = [c for c in REQUIRED_COLUMNS if c not in BLANK_AS_PLACEHOLDER]
    check_required_filled(frame, check, filled)
    _check_ids(frame, check)
    statuses = _check_statuses(frame, check)
    numbers = _check_numbers(frame, statuses, check)
    categories = _check_categories(frame, check)
    check.raise_errors()
    for col, factor in (scale or {}).items():
        numbers[col] = numbers[col] * factor
    return _typed(frame, numbers, statuses, categories)


def placeholder_figures(equipment: pd.DataFrame) -> pd.DataFrame:
    """Every placeholder figure as a tidy table a report prints next to the numbers.

    Columns: ``equipment_id``, ``figure`` (e.g. ``price``), ``value`` (NaN when blank: the
    model's default applies), ``source`` (the stated basis).
    """
    parts = []
    for figure, (status_col, source_col) in FIGURES.items():
        rows = equipment[equipment[status_col] == "placeholder"]
        parts.append(pd.DataFrame({ID: rows[ID], "figure": figure, "value": rows[figure],
                                   "source": rows[source_col]}))
    return pd.concat(parts, ignore_index=True)


def muscles_long(equipment: pd.DataFrame) -> pd.DataFrame:
    """One row per machine and muscle it trains: columns ``equipment_id``, ``muscle``."""
    long = equipment[[ID, MUSCLES]].assign(muscle=equipment[MUSCLES].str.split(";"))
    return long.explode("muscle")[[ID, "muscle"]].reset_index(drop=True)
