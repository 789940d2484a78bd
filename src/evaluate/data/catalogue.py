"""The bundled equipment catalogue (``data/reference/equipment_catalogue.csv``), checked.

Common machines with every figure a candidate needs and a source for each: footprint,
session minutes and stations, muscles, back-care relevance and evidence grade, supervision,
lifespan, installation and maintenance (placeholders where nothing is published), and a
price with its range, currency, date and source. A club's ``equipment.csv`` lists a
catalogued machine by its ``equipment_id`` alone (:func:`evaluate.data.equipment.load_equipment`
fills the rest); :func:`load_catalogue` is the table itself, for a starting ``equipment.csv``
and for the tests that hold every row to its sources.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluate.data.equipment import (
    CATALOGUE_FILE,
    CATALOGUE_SOURCES,
    CLUB_ONLY,
    COLUMNS,
    CURRENCY,
    PRICE_DATE,
    catalogue_cells,
    check_machines,
)
from evaluate.data.validation import Findings, check_required_filled, parse_date
from evaluate.paths import REFERENCE_DATA_DIR


def load_catalogue(reference_dir: Path | None = None) -> pd.DataFrame:
    """Every catalogued machine, one typed row each, with the currency and date of its price.

    The columns of :func:`evaluate.data.equipment.load_equipment` but the club's own
    (``owned_units``, ``new_joins_per_year``, ``new_joins_source``)
    (money in ``price_currency``, not converted), then ``price_currency`` (ISO code),
    ``price_date`` (the day the price was read, a timestamp), ``muscles_source`` and
    ``supervision_source``. Every figure has its source: a placeholder says so in its source
    and status, and is listed as a warning on ``frame.attrs["warnings"]``.

    Raises
    ------
    DataError
        Listing every problem in the file, each with row, column, rule and fix.
    """
    path = Path(reference_dir or REFERENCE_DATA_DIR) / CATALOGUE_FILE
    cells = catalogue_cells(reference_dir)
    check = Findings(path)
    check_required_filled(cells, check, [*dict.fromkeys(CATALOGUE_SOURCES.values()), CURRENCY,
                                         PRICE_DATE])
    check.rows(~cells[CURRENCY].str.fullmatch(r"[A-Z]{3}"), cells[CURRENCY], CURRENCY,
               "not a currency code", rule="price_currency is an ISO 4217 code such as USD",
               fix="write the code of the currency the price was published in")
    day = parse_date(cells[PRICE_DATE])
    check.rows(day.isna(), cells[PRICE_DATE], PRICE_DATE, "not a date",
               rule="price_date is the day the price was read, YYYY-MM-DD",
               fix="write the date given with the price source")
    typed = check_machines(cells, check)
    check.raise_errors()
    extra = {CURRENCY: cells[CURRENCY], PRICE_DATE: day, "muscles_source": cells["muscles_source"],
             "supervision_source": cells["supervision_source"]}
    catalogue = typed[[c for c in COLUMNS if c not in CLUB_ONLY]].assign(
        **{k: v.reset_index(drop=True) for k, v in extra.items()})
    catalogue.attrs["warnings"] = check.warnings
    catalogue.attrs["file"] = path
    return catalogue
