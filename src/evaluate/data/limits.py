"""How large an input may be: checked before it is read, so a huge file is refused in words.

The loaders read ``members.csv`` and the other CSV files whole (pandas), and a Parquet log
whole when its quick scan finds something to report. A file far beyond what the suite is made
for would exhaust the machine's memory, or take the whole night, before saying anything.
Each input is therefore checked first with ``stat`` (and a Parquet log with its footer),
against the limits below, and refused with a :class:`~evaluate.errors.DataError` (exit status
2 from ``evaluate build`` and ``evaluate validate``) naming the file, its size, the limit and
what to do.

The limits come from what the suite is measured on (README, "Speed"): a club of 1,000,000
members, whose ``members.csv`` holds 60 MB in the contract's columns and whose year of
check-ins is 78 million rows, a 199 MB ``checkins.parquet`` (``bench/data_scale.py``).
Reading a CSV file takes about nine times its size in memory (measured: 250 MB of
``members.csv`` for 4,000,000 members, 2.4 GiB).
"""

from __future__ import annotations

from pathlib import Path

from evaluate.errors import DataError, InputError

MiB = 2**20
GiB = 2**30

#: ``members.csv``: 8 times the 1,000,000-member roster in the contract's columns, or about 3
#: times one whose export also carries names, addresses and e-mails (dropped on reading);
#: reading it takes about 4.5 GiB.
MEMBERS_CSV_MAX = 512 * MiB
#: A log as CSV (check-ins, equipment usage): read whole like the roster, so the same memory
#: limit; about 19 million check-ins. Larger logs belong in Parquet, which is scanned in
#: batches.
LOG_CSV_MAX = 512 * MiB
#: A check-in log exported as CSV and mapped by columns.yml with a date format: read in
#: batches (evaluate.data.logs), into 12 bytes a row. 8 GiB holds about 200 million rows of
#: a real export's shape (40 bytes a row: the 1,000,000-member year, 78 million rows, is
#: 3 GB), the rows limit of a Parquet log below, read into 2.4 GiB.
STREAMED_LOG_CSV_MAX = 8 * GiB
#: A log as Parquet: 5 times the 1,000,000-member year of check-ins.
LOG_PARQUET_MAX = 1 * GiB
#: Rows of a Parquet log: about 2.5 years of check-ins of 1,000,000 members. When its quick
#: scan finds a problem, the log is read whole at about 12 bytes a row (2.4 GiB).
LOG_ROWS_MAX = 200_000_000
#: Bytes a Parquet log's row takes unpacked (its row groups' uncompressed size over its
#: rows): a check-in takes 3 to 5, a usage session about 20. Far more means values that
#: compress away on disk and would fill the memory once read (a compression bomb).
LOG_ROW_BYTES_MAX = 256
#: Any other CSV file (``equipment.csv``): a few kB for a club's machines.
TABLE_CSV_MAX = 16 * MiB
#: A YAML file (build plan, ``club.yml``, ``assumptions.yml``, ``columns.yml``): each is a
#: few kB; a plan listing 1,000 clubs is under 50 kB.
YAML_MAX = 1 * MiB
#: Values in a YAML file once its aliases are expanded. An alias repeats an anchored value,
#: so ten lines can stand for a billion values ("billion laughs"); the suite's files hold a
#: few hundred.
YAML_VALUES_MAX = 100_000
#: Levels of nesting in a YAML file (the suite's files have at most 6).
YAML_DEPTH_MAX = 64

#: File name -> limit, for the CSV files with a limit of their own.
CSV_LIMITS = {"members.csv": MEMBERS_CSV_MAX, "checkins.csv": LOG_CSV_MAX,
              "equipment_usage.csv": LOG_CSV_MAX}


def size_text(size: int) -> str:
    """A file size for a message: "1.5 GiB", "600 MiB", "12 kB"."""
    if size >= GiB:
        return f"{size / GiB:.1f} GiB"
    if size >= MiB:
        return f"{size / MiB:.0f} MiB"
    return f"{size / 1000:.0f} kB" if size >= 1000 else f"{size} bytes"


def check_size(path: Path, limit: int, *, fix: str, error: type[InputError] = DataError) -> None:
    """Raise ``error`` if the file ``path`` is larger than ``limit`` bytes; read nothing.

    The message names the file, its size, the limit and ``fix``. A file that cannot be
    stat'ed is left to the reader, which says why.
    """
    try:
        size = Path(path).stat().st_size
    except OSError:
        return
    if size > limit:
        raise error.single(f"the file is too large to read: {size_text(size)}", file=path,
                           rule=f"{Path(path).name} is at most {size_text(limit)} "
                                "(evaluate.data.limits, README 'Security')",
                           fix=fix)


def check_csv_size(path: Path, name: str | None = None) -> None:
    """Refuse a CSV file beyond its limit before pandas reads it whole.

    The limit is the file's in :data:`CSV_LIMITS`, else :data:`TABLE_CSV_MAX`; ``name`` is
    the contract file's name when ``path`` is a club system's export that ``columns.yml``
    maps onto it (``Member_List_2026.csv`` for ``members.csv``).
    """
    limit = CSV_LIMITS.get(name or Path(path).name, TABLE_CSV_MAX)
    if limit == LOG_CSV_MAX and (name or Path(path).name) != "members.csv":
        fix = (f"export the log as Parquet ({Path(path).stem}.parquet), which is read in "
               "batches, or only its last year")
    elif (name or Path(path).name) == "members.csv":
        fix = ("export only the contract's columns (data/README.md) and the members the "
               "reports are about; a larger club needs a machine and limits of its own")
    else:
        fix = "check that this is the right file: it should hold one row per machine"
    check_size(path, limit, fix=fix)


def check_parquet_log(path: Path) -> None:
    """Refuse a Parquet log too large to read; reads only the file's footer.

    Too large: beyond :data:`LOG_PARQUET_MAX`, :data:`LOG_ROWS_MAX` rows or
    :data:`LOG_ROW_BYTES_MAX` unpacked bytes a row.
    """
    fix = "export a shorter period (the last year), or check the export's settings"
    check_size(path, LOG_PARQUET_MAX, fix=fix)
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except Exception:  # not a readable Parquet file: the log's reader says so
        return
    rows = meta.num_rows
    if rows > LOG_ROWS_MAX:
        raise DataError.single(f"the log has too many rows to read: {rows:,}", file=path,
                               rule=f"a log has at most {LOG_ROWS_MAX:,} rows "
                                    "(evaluate.data.limits, README 'Security')", fix=fix)
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if rows and unpacked / rows > LOG_ROW_BYTES_MAX:
        raise DataError.single(
            f"the log unpacks to {size_text(unpacked)}, {unpacked / rows:,.0f} bytes a row",
            file=path, rule=f"a log's row unpacks to at most {LOG_ROW_BYTES_MAX} bytes "
            "(a check-in takes about 4; evaluate.data.limits)",
            fix="check the export: its columns should hold ids, times and numbers only")
