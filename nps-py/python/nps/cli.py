"""The ``nps`` command line (also ``python -m nps``): ``nps report``,
``nps group`` and ``nps triage`` on a CSV or Parquet export.

Reading needs polars (``pip install "nps[cli]"``); charts in the HTML
report need matplotlib (``pip install "nps[plot]"``); a progress bar on a
slow read needs rich (optional). Every computation is the library's; this
module reads files, names columns, maps errors to exit codes and writes.

Exit codes: 0 success, 1 data error (file missing or unreadable, a named
column missing, a bad value), 2 usage error (unknown or missing option, an
option value that cannot be used, such as an unknown time zone).

>>> from nps import cli
>>> cli.main(["--version"]) == 0
nps ...
True
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time as _time
from pathlib import Path
from typing import Any, Callable, Sequence

import nps

__all__ = ["main", "DataError", "UsageError", "read_table", "write_table"]

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2

EPILOG = """exit codes:
  0  success
  1  data error: input file missing or unreadable, a named column missing
     (the message lists the columns that exist), a bad value (the message
     names its row and column)
  2  usage error: unknown or missing option, or an option value that
     cannot be used (for example an unknown time zone)

Input files are CSV (.csv, .tsv, .txt) or Parquet (.parquet, .pq); "-" reads
CSV from standard input. Rows are numbered from 1, not counting the header
line (row 1 is line 2 of a CSV file)."""


class DataError(Exception):
    """The data cannot be used (exit code 1)."""


class UsageError(Exception):
    """The command line cannot be used (exit code 2)."""


# ---------------------------------------------------------------------------
# Reading and writing

CSV_EXT = {".csv", ".tsv", ".txt"}
PARQUET_EXT = {".parquet", ".pq"}


def _polars() -> Any:
    try:
        import polars as pl
    except ImportError as e:  # pragma: no cover - polars is in the test environment
        raise UsageError('reading files needs polars: pip install "nps[cli]"') from e
    return pl


def _with_progress(label: str, work: Callable[[], Any]) -> Any:
    """Runs `work`; when it takes more than a second and standard error is a
    terminal, shows a progress bar (rich, when installed) until it ends."""
    if not sys.stderr.isatty():
        return work()
    try:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    except ImportError:
        return work()
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as e:  # re-raised in the caller's thread
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(1.0)
    if t.is_alive():
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                      TimeElapsedColumn(), transient=True,
                      console=None) as progress:
            progress.add_task(label, total=None)
            while t.is_alive():
                t.join(0.1)
    if "error" in box:
        raise box["error"]
    return box["value"]


def read_table(path: str, what: str = "input") -> Any:
    """A CSV or Parquet file (or "-": CSV on standard input) as a polars
    DataFrame. Missing or unreadable files are a `DataError`."""
    pl = _polars()
    if path == "-":
        data = sys.stdin.buffer.read()
        return _read_csv(pl, data, what, "standard input")
    p = Path(path)
    if not p.exists():
        raise DataError(f"{what} file {path!r} does not exist")
    if p.is_dir():
        raise DataError(f"{what} {path!r} is a directory, not a file")
    ext = p.suffix.lower()
    if ext in PARQUET_EXT:
        try:
            return _with_progress(f"reading {p.name}", lambda: pl.read_parquet(p))
        except Exception as e:
            raise DataError(f"cannot read {what} file {path!r} as Parquet: {e}") from e
    if ext not in CSV_EXT:
        raise DataError(f"cannot read {what} file {path!r}: unknown format {ext or '(none)'!r}; "
                        "give a CSV (.csv, .tsv, .txt) or Parquet (.parquet, .pq) file")
    return _with_progress(f"reading {p.name}", lambda: _read_csv(pl, p, what, repr(path)))


def _read_csv(pl: Any, source: Any, what: str, name: str) -> Any:
    sep = "\t" if isinstance(source, Path) and source.suffix.lower() == ".tsv" else ","
    try:
        return pl.read_csv(source, separator=sep, try_parse_dates=True,
                           infer_schema_length=None)
    except Exception as e:
        raise DataError(f"cannot read {what} {name} as CSV: {e}") from e


def write_table(df: Any, path: str, fmt: str | None) -> None:
    """Writes a polars DataFrame as CSV, Parquet or JSON (a list of rows);
    "-" writes to standard output (CSV unless `fmt` says otherwise)."""
    fmt = fmt or _format_of(path)
    if path == "-":
        if fmt == "parquet":
            df.write_parquet(sys.stdout.buffer)
        elif fmt == "json":
            sys.stdout.write(df.write_json() + "\n")
        else:
            sys.stdout.write(df.write_csv())
        sys.stdout.flush()
        return
    try:
        if fmt == "parquet":
            df.write_parquet(path)
        elif fmt == "json":
            Path(path).write_text(df.write_json() + "\n", encoding="utf-8")
        else:
            df.write_csv(path)
    except OSError as e:
        raise DataError(f"cannot write {path!r}: {e}") from e


def _format_of(path: str) -> str:
    ext = Path(path).suffix.lower()
    if path == "-" or ext in CSV_EXT or not ext:
        return "csv"
    if ext in PARQUET_EXT:
        return "parquet"
    if ext == ".json":
        return "json"
    raise UsageError(f"cannot tell the output format of {path!r}: use .csv, .parquet or .json, "
                     "or --format")


def _write_text(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise DataError(f"cannot write {path!r}: {e}") from e


# ---------------------------------------------------------------------------
# Columns and values


def _need_columns(df: Any, columns: dict[str, str | None], what: str = "input") -> None:
    """Every named column exists, else a `DataError` naming the option, the
    column and the columns that exist."""
    have = list(df.columns)
    for option, col in columns.items():
        if col is not None and col not in have:
            raise DataError(f"{what}: no column {col!r} (given by {option}); the columns are: "
                            + ", ".join(have))


def _numeric_score(df: Any, col: str) -> Any:
    """The score column as numbers: a text cell that is not a number is a
    `DataError` naming its row and column; blank cells stay missing (the
    library counts them as invalid scores)."""
    pl = _polars()
    s = df[col]
    if s.dtype.is_numeric() or s.dtype == pl.Null:
        return df if s.dtype.is_numeric() else df.with_columns(s.cast(pl.Float64))
    if s.dtype != pl.String:
        raise DataError(f"column {col!r} holds {s.dtype}, not scores")
    stripped = s.str.strip_chars()
    num = stripped.cast(pl.Float64, strict=False)
    bad = (stripped.is_not_null() & (stripped != "") & num.is_null()).arg_true()
    if len(bad):
        i = int(bad[0])
        raise DataError(f"row {i + 1}, column {col!r}: {s[i]!r} is not a score (a number)")
    return df.with_columns(num.alias(col))


def _datetime_column(df: Any, col: str | None) -> Any:
    """A time column read as text (dates the CSV reader did not recognise)
    parsed as date-times; a cell that is not one is a `DataError` naming
    its row and column. Numbers (Unix seconds) and date-times pass."""
    pl = _polars()
    if col is None or df[col].dtype != pl.String:
        return df
    s = df[col].str.strip_chars()
    try:
        parsed = s.str.to_datetime(strict=False)
    except Exception as e:  # no format fits any cell
        raise DataError(f"column {col!r}: cannot read its values as date-times: {e}") from e
    bad = (s.is_not_null() & (s != "") & parsed.is_null()).arg_true()
    if len(bad):
        i = int(bad[0])
        raise DataError(f"row {i + 1}, column {col!r}: {df[col][i]!r} is not a date-time "
                        "(give ISO 8601, e.g. 2025-03-14T09:30:00+08:00, or Unix seconds)")
    return df.with_columns(parsed.alias(col))


def _library_error(e: nps.NpsError, columns: dict[str, str | None],
                   row_of: Callable[[int], int] | None = None) -> Exception:
    """A library error as the CLI's error: an unknown time zone is a usage
    error; a bad value names its row (from 1, as in the file) and column.
    `columns` maps the library's argument names (``scores``,
    ``timestamps``, ``respondents``, ``keys``) to the file's columns."""
    if isinstance(e, nps.UnknownTimeZoneError):
        return UsageError(f"--tz: {e}")
    index = getattr(e, "index", None)
    if index is not None:
        arg = "scores" if isinstance(e, nps.InvalidScoreError) else getattr(e, "argument", None)
        col = columns.get(arg or "", arg)
        msg = re.sub(r" at row \d+", "", str(e))
        if row_of is not None:
            index = row_of(index)
        return DataError(f"row {index + 1}" + (f", column {col!r}" if col else "") + f": {msg}")
    return DataError(str(e))


# ---------------------------------------------------------------------------
# Subcommands


def _report(a: argparse.Namespace) -> int:
    from nps import report as _report_mod

    if not a.html and not a.json:
        raise UsageError("give --html FILE and/or --json FILE (\"-\" for standard output)")
    if a.html == "-" and a.json == "-":
        raise UsageError("only one of --html and --json can be \"-\"")
    if a.respondent and not a.time:
        raise UsageError("--respondent needs --time: keeping each respondent's latest answer "
                         "needs the submission time")
    if a.goal_months is not None and a.goal is None:
        raise UsageError("--goal-months needs --goal")
    if a.goal_plan_start is not None and a.goal is None:
        raise UsageError("--goal-plan-start needs --goal")
    df = read_table(a.file)
    cols = {"--score": a.score, "--time": a.time, "--dealer": a.dealer,
            "--advisor": a.advisor, "--respondent": a.respondent}
    _need_columns(df, cols)
    df = _datetime_column(_numeric_score(df, a.score), a.time)
    policy = _read_policy(a.policy)
    cases = _read_cases(a.cases, policy) if a.cases else None
    complaints = read_table(a.complaints, "complaints") if a.complaints else None
    jobs = read_table(a.jobs, "jobs") if a.jobs else None
    economics = None
    if a.ledger:  # service economics (nps.econ)
        economics = {"ledger": read_table(a.ledger, "ledger"),
                     "measures": (read_table(a.region_measures, "region measures")
                                  if a.region_measures else None),
                     "units": read_table(a.fleet[0], "fleet units") if a.fleet else None,
                     "events": read_table(a.fleet[1], "fleet events") if a.fleet else None}
    try:
        r = _report_mod.build(df, score=a.score, time=a.time, tz=a.tz, dealer=a.dealer,
                              advisor=a.advisor, respondent=a.respondent, policy=policy,
                              cases=cases, complaints=complaints, jobs=jobs, goal=a.goal,
                              goal_months=a.goal_months or 12,
                              goal_plan_start=a.goal_plan_start,
                              adjust=None if a.adjust == "none" else a.adjust,
                              invalid=a.invalid, source=a.file, economics=economics,
                              loyalty=({"outcomes": read_table(a.outcomes, "outcomes")}
                                       if a.outcomes else None),
                              flow=(read_table(a.milestones, "milestones")
                                    if a.milestones else None),
                              roster=_read_roster(a.roster))
    except nps.NpsError as e:
        raise _library_error(e, {"scores": a.score, "timestamps": a.time,
                                 "respondents": a.respondent, "keys": a.dealer}) from e
    except ValueError as e:
        if a.goal_plan_start is None or "goal_plan_start" not in str(e):
            raise
        raise UsageError(f"--goal-plan-start: {e}") from e
    if a.json:
        _write_text(a.json, r.to_json() + "\n")
    if a.html:
        _write_text(a.html, r.to_html(charts=not a.no_charts))
    if not a.quiet and "-" not in (a.html, a.json):
        print(r.summary())
        for label, path in (("HTML report", a.html), ("JSON figures", a.json)):
            if path:
                print(f"{label}: {os.path.abspath(path)}")
    return EXIT_OK


def _read_policy(path: str | None) -> nps.Policy:
    if not path:
        return nps.Policy.default()
    p = Path(path)
    if not p.exists():
        raise DataError(f"policy file {path!r} does not exist")
    try:
        return nps.Policy.from_json(p.read_text(encoding="utf-8"))
    except nps.NpsError as e:
        raise DataError(f"policy {path!r}: {e}") from e


def _read_roster(value: str | None) -> Any:
    """--roster: a number of advisors for every hour, or a table of weekday,
    hour, servers (`nps._report_staffing.roster_of`)."""
    if value is None:
        return None
    if value.strip().isdigit():
        return int(value)
    from nps import _report_staffing

    try:
        return _report_staffing.roster_of(read_table(value, "roster"))
    except (nps.NpsError, ValueError, TypeError) as e:
        raise DataError(f"roster {value!r}: {e}") from e


def _read_cases(path: str, policy: nps.Policy) -> list[nps.Case]:
    p = Path(path)
    if not p.exists():
        raise DataError(f"cases file {path!r} does not exist")
    try:
        logs = json.loads(p.read_text(encoding="utf-8"))
    except ValueError as e:
        raise DataError(f"cases {path!r}: not JSON: {e}") from e
    if not isinstance(logs, list):
        raise DataError(f"cases {path!r}: expected a list of {{\"id\", \"events\"}} objects")
    out = []
    for i, c in enumerate(logs):
        if not isinstance(c, dict) or "events" not in c:
            raise DataError(f"cases {path!r}, case {i + 1}: no \"events\" list")
        try:
            out.append(nps.Case.from_events(c["events"], case_id=str(c.get("id", i + 1)),
                                            policy=policy))
        except nps.NpsError as e:
            raise DataError(f"cases {path!r}, case {c.get('id', i + 1)}: {e}") from e
    return out


def _group(a: argparse.Namespace) -> int:
    if a.window and not a.period:
        raise UsageError("--window needs --period")
    if a.period and not a.time:
        raise UsageError("--period needs --time")
    if a.respondent and not a.time:
        raise UsageError("--respondent needs --time")
    fmt = a.format or _format_of(a.output)
    df = read_table(a.file)
    by = a.by or []
    cols = {"--score": a.score, "--time": a.time, "--respondent": a.respondent}
    cols.update({f"--by {b}": b for b in by})
    _need_columns(df, cols)
    df = _datetime_column(_numeric_score(df, a.score), a.time)
    try:
        g = nps.group_by(df, by=by or None, score=a.score, time=a.time, period=a.period,
                         tz=a.tz, respondent=a.respondent, min_n=a.min_n, window=a.window,
                         invalid=a.invalid)
        out = g.to_polars()
    except nps.NpsError as e:
        raise _library_error(e, {"scores": a.score, "timestamps": a.time,
                                 "respondents": a.respondent}) from e
    if a.invalid == "skip" and not a.quiet:
        skipped = g.skipped + g.skipped_keys + g.skipped_timestamps + g.skipped_respondents
        if skipped or g.dropped_repeats:
            print(f"nps: {g.skipped} invalid scores, {g.skipped_keys} rows without a key, "
                  f"{g.skipped_timestamps} without a time, {g.skipped_respondents} without a "
                  f"respondent skipped; {g.dropped_repeats} earlier answers of repeat "
                  "respondents dropped", file=sys.stderr)
    write_table(out, a.output, fmt)
    return EXIT_OK


def _triage(a: argparse.Namespace) -> int:
    from nps.report import ROW

    pl = _polars()
    fmt = a.format or _format_of(a.output)
    df = read_table(a.file)
    cols = {"--score": a.score, "--time": a.time, "--high-value": a.high_value,
            "--public-opinion-risk": a.public_opinion_risk}
    _need_columns(df, cols)
    df = _datetime_column(_numeric_score(df, a.score), a.time).with_row_index(ROW)
    if a.tz and isinstance(df[a.time].dtype, pl.Datetime) and df[a.time].dtype.time_zone is None:
        # Local times without an offset are times in --tz.
        try:
            df = df.with_columns(df[a.time].dt.replace_time_zone(a.tz))
        except Exception as e:
            raise UsageError(f"--tz: unknown time zone {a.tz!r}") from e
    policy = _read_policy(a.policy)
    try:
        if a.invalid == "skip":
            # The library decides which scores are valid (one group per row).
            g = nps.group_by(df, by=ROW, score=a.score, invalid="skip")
            keep = [x.key for x in g]
            if g.skipped and not a.quiet:
                print(f"nps: {g.skipped} rows with an invalid score skipped", file=sys.stderr)
            df = df.filter(pl.col(ROW).is_in(keep))
        flags = {}
        for name, col in (("high_value", a.high_value),
                          ("public_opinion_risk", a.public_opinion_risk)):
            if col:
                flags[name] = df[col].cast(pl.Boolean, strict=False)
                if flags[name].null_count():
                    i = int(flags[name].is_null().arg_true()[0])
                    raise DataError(f"row {int(df[ROW][i]) + 1}, column {col!r}: "
                                    f"{df[col][i]!r} is not a yes/no flag (0/1, true/false)")
        t = policy.triage_many(df[a.score], df[a.time], **flags)
    except nps.NpsError as e:
        # Rows are numbered as in the file, not among the kept rows.
        raise _library_error(e, {"scores": a.score, "submitted_at": a.time},
                             lambda i: int(df[ROW][i])) from e
    table = t.to_polars()
    if a.tz:  # deadlines shown in the dealers' time zone
        table = table.with_columns(pl.col(pl.Datetime("us", "UTC"), pl.Datetime("ns", "UTC"),
                                          pl.Datetime("ms", "UTC"))
                                   .dt.convert_time_zone(a.tz))
    rest = df.drop(ROW)
    rest = rest.drop([c for c in rest.columns if c in table.columns])
    write_table(pl.concat([rest, table], how="horizontal"), a.output, fmt)
    return EXIT_OK


# ---------------------------------------------------------------------------
# Parser


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(
        prog="nps", formatter_class=fmt, epilog=EPILOG,
        description="Net Promoter Score analytics on a survey export (CSV or Parquet).")
    p.add_argument("--version", action="version", version=f"nps {nps.__version__}",
                   help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True,
                           help="report, group or triage; nps COMMAND --help for its options")

    def common(sp: argparse.ArgumentParser, time_required: bool = False) -> None:
        sp.add_argument("file", metavar="FILE",
                        help='the survey export: CSV or Parquet; "-" reads CSV from standard input')
        sp.add_argument("--score", required=True, metavar="COL",
                        help="column of the 0-10 scores (required)")
        sp.add_argument("--time", required=time_required, metavar="COL",
                        help="column of submission times: Unix seconds, or date-times "
                             "(without an offset they are local times in --tz)"
                             + (" (required)" if time_required else ""))
        sp.add_argument("--tz", metavar="ZONE",
                        help="IANA time zone of the calendar months and local times, "
                             "e.g. Asia/Shanghai (default UTC)")
        sp.add_argument("--invalid", choices=("skip", "raise"), default="skip",
                        help="invalid or blank scores: skip and count them (default), or stop "
                             "with an error naming the first one's row")
        sp.add_argument("-q", "--quiet", action="store_true",
                        help="print nothing but errors")

    r = sub.add_parser("report", formatter_class=fmt, epilog=EPILOG,
                       help="the NPS report as self-contained HTML and/or JSON",
                       description="The NPS report for a service director: network NPS, trend, "
                       "dealers, changes, goal, and the sections the optional inputs add. "
                       "Prints a short summary and where the files are.")
    common(r)
    r.add_argument("--dealer", metavar="COL", help="column of the dealer (adds the dealer "
                   "comparison, the dealer by month grid and month-on-month changes)")
    r.add_argument("--advisor", metavar="COL", help="column of the service advisor (adds the "
                   "advisor appendix and advisor integrity checks)")
    r.add_argument("--respondent", metavar="COL", help="column of the respondent id: only each "
                   "respondent's latest answer is counted (needs --time)")
    r.add_argument("--policy", metavar="FILE", help="policy JSON (docs/policy.schema.json) "
                   "with the KPI benchmarks and recovery rules (default: the built-in policy)")
    r.add_argument("--cases", metavar="FILE", help="recovery case event logs, JSON: a list of "
                   '{"id", "events"} (adds the recovery funnel)')
    r.add_argument("--complaints", metavar="FILE", help="complaint records, CSV or Parquet with "
                   "columns stage, pain_point, pain [, dealer] (adds the journey heat map "
                   "and Pareto)")
    r.add_argument("--jobs", metavar="FILE", help="repair orders, CSV or Parquet with columns "
                   "vehicle, opened_at, closed_at [, dealer, complaint, arrived_at, greeted_at, "
                   "finished_at, left_at] (adds the KPI scorecard)")
    r.add_argument("--ledger", metavar="FILE", help="service ledger, CSV or Parquet with columns "
                   "region, category, amount_minor, booked_at, engineers (adds the service "
                   "economics section)")
    r.add_argument("--region-measures", metavar="FILE", help="per region and quarter: region, "
                   "quarter, nps, first_visit_resolution (with --ledger: adds the strategic "
                   "value matrix)")
    r.add_argument("--fleet", nargs=2, metavar=("UNITS", "EVENTS"), help="machines sold (unit, "
                   "product_line, sold, manufacturing_cost_minor) and their service cost events "
                   "(unit, at, amount_minor) (with --ledger: adds the lifecycle service cost)")
    r.add_argument("--outcomes", metavar="FILE", help="what respondents did after the survey, "
                   "CSV or Parquet with columns score, repurchased and/or referred (0/1) "
                   "[, observed_until, submitted_at] (adds \"What NPS is worth here\")")
    r.add_argument("--milestones", metavar="FILE", help="repair-order milestones, CSV or Parquet "
                   "with columns ro, milestone, at [, dealer] (adds the workshop-flow section: "
                   "value stream, promises, progress updates)")
    r.add_argument("--roster", metavar="N|FILE", help="advisors on duty: a number for every "
                   "hour, or CSV / Parquet with columns weekday (mon … sun), hour, servers "
                   "(with --milestones: adds the predicted waits and the hours the roster "
                   "cannot carry to the staffing section)")
    r.add_argument("--goal", type=float, metavar="NPS", help="target network NPS (adds goal "
                   "tracking; needs --time)")
    r.add_argument("--goal-months", type=int, metavar="N",
                   help="months to reach --goal (default 12)")
    r.add_argument("--goal-plan-start", metavar="YYYY-MM",
                   help="the month the goal plan started (adds planned against actual per "
                        "month and the projected month of reaching --goal)")
    r.add_argument("--adjust", choices=("holm", "bh", "none"), default="holm",
                   help="multiple-comparison adjustment of the dealers' month-on-month "
                        "changes: holm (default), bh (Benjamini-Hochberg) or none")
    r.add_argument("--html", metavar="FILE", help='write the HTML report here ("-": standard '
                   "output)")
    r.add_argument("--json", metavar="FILE", help='write the figures as JSON here ("-": '
                   "standard output)")
    r.add_argument("--no-charts", action="store_true", help="leave the charts out of the HTML")
    r.set_defaults(run=_report)

    g = sub.add_parser("group", formatter_class=fmt, epilog=EPILOG,
                       help="NPS with intervals by key and/or period, as a table",
                       description="NPS, counts and the 95%% score interval by key columns "
                       "and/or calendar period.")
    common(g)
    g.add_argument("--by", action="append", metavar="COL",
                   help="key column to group by; repeat for several (one group per "
                        "combination); none: the whole file")
    g.add_argument("--period", choices=("day", "week", "month", "quarter", "year"),
                   help="calendar period in --tz (needs --time)")
    g.add_argument("--window", type=int, metavar="N",
                   help="rolling windows of N periods (needs --period)")
    g.add_argument("--respondent", metavar="COL",
                   help="respondent id column: keep each respondent's latest answer (needs --time)")
    g.add_argument("--min-n", type=int, metavar="N",
                   help="groups with fewer responses are flagged thin (default 30)")
    g.add_argument("-o", "--output", default="-", metavar="FILE",
                   help='output file, .csv, .parquet or .json ("-", the default: CSV on standard '
                        "output)")
    g.add_argument("--format", choices=("csv", "parquet", "json"),
                   help="output format (default: from the output file's extension)")
    g.set_defaults(run=_group)

    t = sub.add_parser("triage", formatter_class=fmt, epilog=EPILOG,
                       help="alert level, recovery tier and deadlines of each response",
                       description="Triage of each response under the recovery policy: alert "
                       "level, tier, owner and deadlines, appended to the input's columns.")
    common(t, time_required=True)
    t.add_argument("--policy", metavar="FILE",
                   help="policy JSON (default: the built-in policy)")
    t.add_argument("--high-value", metavar="COL",
                   help="yes/no column: high-value customer (0/1 or true/false)")
    t.add_argument("--public-opinion-risk", metavar="COL",
                   help="yes/no column: risk of a public complaint (0/1 or true/false)")
    t.add_argument("-o", "--output", default="-", metavar="FILE",
                   help='output file, .csv, .parquet or .json ("-", the default: CSV on standard '
                        "output)")
    t.add_argument("--format", choices=("csv", "parquet", "json"),
                   help="output format (default: from the output file's extension)")
    t.set_defaults(run=_triage)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit code (0, 1 or 2)."""
    parser = _parser()
    try:
        a = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help / --version (0) or a usage error (2)
        return int(e.code or 0)
    try:
        return int(a.run(a))
    except UsageError as e:
        print(f"nps {a.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except DataError as e:
        print(f"nps {a.command}: error: {e}", file=sys.stderr)
        return EXIT_DATA
    except nps.UnknownTimeZoneError as e:
        print(f"nps {a.command}: error: --tz: {e}", file=sys.stderr)
        return EXIT_USAGE
    except nps.NpsError as e:
        print(f"nps {a.command}: error: {e}", file=sys.stderr)
        return EXIT_DATA
    except BrokenPipeError:  # e.g. `nps group ... | head`
        return EXIT_OK


def _entry() -> None:  # pragma: no cover - the console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    _entry()
