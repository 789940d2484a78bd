"""The ``evaluate`` command: thin, it parses, calls the library and turns errors into exit codes.

Exit status (documented in the README):

- 0: every report was built, or not built for want of data the club does not keep (a usage
  review without a usage log: build.json, the index and the log say why);
- 1: at least one report failed (the build is published, ``latest`` is not moved);
- 2: bad input or usage (plan, parameter, data, option); nothing ran;
- 3: not now: another build is writing to the same output folder, or the Dask scheduler of
  ``--scheduler`` cannot be reached or lost a worker; nothing was published, try later;
- 4: a file of the output folder could not be written (disk full, a quota, permissions);
  the message names it and the fix; nothing was published, ``latest`` is unchanged;
- 130: interrupted (Ctrl-C or SIGTERM); nothing was published.

Whatever stops a build (a fault, a signal), it leaves no half-written build under a final
name, ``latest`` where it was, no staging folder and the lock released; a build killed
outright (``kill -9``, a crash) leaves its staging folder and lock record, which the next
build clears with a message.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

import click

from evaluate import __version__
from evaluate.errors import EvaluateError
from evaluate.paths import DEFAULT_PLAN, REPORTS_DIR

EXIT_OK, EXIT_REPORT_FAILED, EXIT_BAD_INPUT, EXIT_LOCKED = 0, 1, 2, 3
EXIT_WRITE_FAILED, EXIT_INTERRUPTED = 4, 130


class _DiskErrorsInOneLine(logging.Filter):
    """A log record of a full disk (or quota, file-size limit) says so in one line.

    Such an error stops the build with a message naming the file and the fix; a
    traceback would only bury it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from evaluate.build.publish import refused_write

        error = record.exc_info[1] if record.exc_info else None
        if refused_write(error):
            record.msg, record.args = f"{record.getMessage()}: {error}", ()
            record.exc_info, record.exc_text = None, None
        return True


def _configure_logging(verbose: bool) -> None:
    """Timestamped lines on stderr; only the command line configures logging."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)-7s %(message)s",
                        datefmt="%Y-%m-%d %H:%M:%S")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_DiskErrorsInOneLine())
    for noisy in ("papermill", "traitlets", "nbclient", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _fail(exc: EvaluateError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


_stopping: list[str] = []  # the signal that is stopping the build, once one came


def _interrupt(signum: int, frame: object) -> None:
    """SIGINT (Ctrl-C) and SIGTERM stop a build the same way, once.

    The first raises KeyboardInterrupt: the build kills its kernels and removes its
    unfinished folder. A second one while that clean-up runs (a second or so) is
    noted, not raised, so it cannot cut the clean-up short and leave half a build.
    """
    name = signal.Signals(signum).name
    if _stopping:
        logging.getLogger("evaluate.build.run").warning(
            "%s: already stopping, cleaning up (kill -9 %d stops at once, leaving a staging "
            "folder the next build removes)", name, os.getpid())
        return
    _stopping.append(name)
    raise KeyboardInterrupt(name)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evaluate (club-equipment-suite)")
def cli() -> None:
    """Club equipment decision suite: build reports, check data, inspect notebooks."""


@cli.command()
@click.option("--plan", "plan_path", type=click.Path(path_type=Path), default=DEFAULT_PLAN,
              show_default=True, help="Build plan (YAML): which notebooks, which parameters.")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Club data folder. Default: the plan's data_dir, else the demo club.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=REPORTS_DIR,
              show_default=True, help="Output folder: dated builds, latest and index.html.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Reports run at once. Default: the number of CPUs.")
@click.option("--only", multiple=True, metavar="NAME",
              help="Build only this report or plan entry (repeatable).")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="Override a notebook parameter in every report that declares it "
                   "(repeatable). Checked against the notebooks before anything runs.")
@click.option("--cell-timeout", type=click.FloatRange(min=1), default=None,
              help="Seconds one cell may run. Default: the plan's cell_timeout (600).")
@click.option("--dry-run", is_flag=True, help="Check the plan and parameters; run nothing.")
@click.option("--pdf", is_flag=True,
              help="Also print each report to <report>.pdf (A4) with Debian's Chromium "
                   "(apt-get install -y chromium).")
@click.option("--shared-plotly/--self-contained", "shared_plotly", default=None,
              help="Reports load one copy of plotly.js from --out's assets/ (each under 1 MB, "
                   "offline while --out is kept whole) instead of each embedding it (5 MB). "
                   "Default: the plan's shared_plotly, else self-contained.")
@click.option("--force", is_flag=True,
              help="Run every report, even those whose notebook, parameters, data and suite "
                   "are unchanged since a build of --out (which are otherwise reused).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run each report on a worker of the Dask distributed cluster whose "
                   "scheduler is at ADDRESS (tcp://HOST:PORT); its files come back here, "
                   "where they are checked, cached and published. Needs the dask extra.")
@click.option("--verbose", "-v", is_flag=True, help="Log debug detail.")
def build(plan_path: Path, data_dir: Path | None, out_dir: Path, jobs: int | None,
          only: tuple[str, ...], params: tuple[str, ...], cell_timeout: float | None,
          dry_run: bool, pdf: bool, shared_plotly: bool | None, force: bool,
          scheduler: str | None, verbose: bool) -> None:
    """Build every report of the plan into a new dated folder of --out."""
    _configure_logging(verbose)
    from evaluate.build.manifest import FAILED, NOT_BUILT
    from evaluate.build.parameters import parse_assignments
    from evaluate.build.prepare import BuildOptions
    from evaluate.build.progress import LiveProgress, for_stream
    from evaluate.build.run import build_reports

    log = logging.getLogger("evaluate.build.run")
    progress = None
    try:
        options = BuildOptions(plan_path=plan_path, data_dir=data_dir, out_dir=out_dir,
                               jobs=jobs, only=only, params=parse_assignments(params),
                               cell_timeout=cell_timeout, dry_run=dry_run, pdf=pdf,
                               shared_plotly=shared_plotly, force=force,
                               scheduler=scheduler)
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)
        progress = for_stream(sys.stderr)
        result = build_reports(options, progress)
    except EvaluateError as exc:
        _fail(exc)
    except KeyboardInterrupt as exc:
        how = f" by {exc.args[0]}" if exc.args else ""
        log.error("interrupted%s: running kernels stopped, the unfinished build removed, "
                  "nothing published, latest unchanged", how)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        if isinstance(progress, LiveProgress):
            progress.stop()
    warnings = result.prepared.data_warnings
    if warnings:
        log.warning("the data has %d warning(s), kept in build.json; list them with: "
                    "evaluate validate --data-dir %s", len(warnings), result.prepared.data_dir)
    if dry_run:
        click.echo(f"plan {result.prepared.plan.path}: {len(result.prepared.jobs)} report(s), "
                   f"data {result.prepared.data_dir}")
        reusable = result.prepared.reusable
        for job in result.prepared.jobs:
            hit = reusable.get(job.report.name)
            plan = f"reuse from build {hit.build} (unchanged)" if hit else (
                f"not built: {job.not_built}" if job.not_built else "run")
            click.echo(f"  {job.report.name}: {job.report.notebook.name} "
                       f"{job.parameters}  ({job.title}): {plan}")
        click.echo(f"dry run: parameters checked, nothing executed; {len(reusable)} of "
                   f"{len(result.prepared.jobs)} report(s) would be reused")
        return
    failed = [r for r in result.reports if r.status == FAILED]
    where = result.folder
    assert where is not None  # a build that ran (not a dry run) has its folder
    if failed:
        log.error("%d of %d report(s) failed; build %s published as failed, latest unchanged",
                  len(failed), len(result.reports), result.build_id)
        for r in failed:
            assert r.failure is not None and r.executed is not None  # a failed report ran
            log.error("  %s: %s; executed notebook: %s", r.name, r.failure.describe(),
                      where / r.executed)
        sys.exit(EXIT_REPORT_FAILED)
    reused = sum(1 for r in result.reports if r.cache and r.cache.get("hit"))
    not_built = [r for r in result.reports if r.status == NOT_BUILT]
    log.info("built %d report(s) into %s (%d reused, unchanged)%s; index: %s",
             len(result.reports) - len(not_built), where, reused,
             f"; {len(not_built)} not built: the club's data lacks what they need"
             if not_built else "", where.parent / "index.html")


@cli.command()
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Club data folder. Default: the demo club (data/demo).")
def validate(data_dir: Path | None) -> None:
    """Check every file of a club data folder and list every problem at once.

    Exit status 0 when the data can be used (warnings allowed), 2 when it has errors.
    """
    from evaluate.data.checks import check_club, format_report
    from evaluate.paths import resolve_data_dir

    result = check_club(resolve_data_dir(data_dir))
    click.echo(format_report(result), err=bool(result.errors))
    sys.exit(EXIT_BAD_INPUT if result.errors else EXIT_OK)


def _currency_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not (len(value) == 3 and value.isalpha()):
        raise click.BadParameter(f"'{value}' is not an ISO 4217 code such as USD, GBP or EUR")
    return value.upper() if value else None


@cli.command()
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--members", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The club system's member export (CSV).")
@click.option("--checkins", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Its check-in (visit) export, if the club has one.")
@click.option("--usage", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Its machine-usage export, if the club has one.")
@click.option("--currency", callback=_currency_code, default=None, metavar="CODE",
              help="ISO code of the fees (USD, GBP, EUR...) when they carry no currency sign.")
@click.option("--force", is_flag=True,
              help="Overwrite columns.yml, club.yml, equipment.csv and the exports' copies "
                   "already in DATA_DIR.")
def init(data_dir: Path, members: Path, checkins: Path | None, usage: Path | None,
         currency: str | None, force: bool) -> None:
    """Start the club data folder DATA_DIR from a club system's exports, then check it.

    Copies the exports into DATA_DIR and writes columns.yml, club.yml and equipment.csv,
    then lists what is left to decide. Exit status 0 when the folder can be used as it is,
    2 when the check finds errors (or an export cannot be read; nothing is written then).
    """
    from evaluate.data.checks import check_club, format_report
    from evaluate.data.init_club import init_club

    try:
        result = init_club(data_dir, members, checkins, usage, force=force, currency=currency)
    except EvaluateError as exc:
        _fail(exc)
    copied = f"; copied {', '.join(p.name for p in result.copied)}" if result.copied else ""
    click.echo(f"wrote {', '.join(p.name for p in result.written)} into {data_dir}{copied}")
    click.echo("left to decide (edit the files, then run evaluate validate --data-dir "
               f"{data_dir}):")
    for decision in result.decisions:
        click.echo(f"  - {decision}")
    if result.other_equipment:
        click.echo("  - other machines of the catalogue (a row each in equipment.csv): "
                   + ", ".join(result.other_equipment))
    check = check_club(data_dir)
    click.echo(format_report(check), err=bool(check.errors))
    if check.errors:
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"next: evaluate build --data-dir {data_dir}")


@cli.command()
@click.option("--source", "source", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="source.yml: the database (PostgreSQL or a DuckDB file) and "
                                  "the tables or queries of members, check-ins and usage.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Club data folder to write (its other files are kept).")
def extract(source: Path, out_dir: Path) -> None:
    """Write a club data folder's members, check-ins and usage from a database, then check it.

    Only the contract's columns are selected, so personal columns never leave the
    database; the password comes from the environment variable source.yml's password_env
    names. Exit status 0 when the folder can be used, 2 for a mistake in source.yml, a
    missing table or column, or bad data (--out is then left as it was).
    """
    from evaluate.data.checks import format_report
    from evaluate.data.extract import extract_club

    try:
        result = extract_club(source, out_dir)
    except EvaluateError as exc:
        _fail(exc)
    rows = ", ".join(f"{name} ({count:,} rows)" for name, count in result.rows.items())
    others = [n for n in result.written if n not in result.rows]
    click.echo(f"wrote {rows}{'; ' + ', '.join(others) if others else ''} into "
               f"{result.out_dir}")
    if result.replaced:
        click.echo(f"replaced: {', '.join(result.replaced)}")
    if result.decisions:
        click.echo("left to decide:")
        for decision in result.decisions:
            click.echo(f"  - {decision}")
    click.echo(format_report(result.check))
    click.echo(f"next: evaluate build --data-dir {result.out_dir}")


@cli.command()
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def params(notebook: Path) -> None:
    """List NOTEBOOK's parameters: name, type, default and help."""
    from evaluate.build.parameters import inspect_parameters

    declared = inspect_parameters(notebook)
    if not declared:
        click.echo(f"{notebook} declares no parameters (no cell tagged 'parameters')")
        return
    width = max(len(p.name) for p in declared.values())
    for p in declared.values():
        click.echo(f"{p.name:<{width}}  {p.type_name:<5}  default {p.default!r:<12}  {p.help}")


@cli.command("demo-data")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder to write the synthetic club into.")
@click.option("--members", type=click.IntRange(min=10), default=3000, show_default=True,
              help="Number of members.")
@click.option("--seed", type=int, default=2026, show_default=True,
              help="Random seed; the same seed and date give the same club.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The roster's export date, YYYY-MM-DD. Default: today. The committed "
                   "demo in data/demo uses 2026-11-01.")
@click.option("--clubs", type=click.IntRange(min=1), default=None,
              help="Write a chain: this many clubs into --out/club-01 ..., each with up to "
                   "--members members (for a chain plan).")
def demo_data(out_dir: Path, members: int, seed: int, today: datetime | None,
              clubs: int | None) -> None:
    """Generate a synthetic demo club, or a chain of them (clearly marked as synthetic)."""
    from evaluate.data.demo import write_demo_chain, write_demo_club

    day = today.date() if today else None
    if clubs:
        for folder in write_demo_chain(out_dir, clubs, members=members, seed=seed, today=day):
            click.echo(f"wrote {folder}")
        return
    for path in write_demo_club(out_dir, members=members, seed=seed, today=day):
        click.echo(f"wrote {path}")


def main() -> None:
    """Entry point of the ``evaluate`` console script."""
    cli()


if __name__ == "__main__":
    main()
