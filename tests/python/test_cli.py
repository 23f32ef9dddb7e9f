"""The `nps` command line end to end (`python -m nps` and the console
script): the report, group and triage subcommands on the bundled sample and
on a CSV with other column names, and every bad-input path with its exit
code (0 ok, 1 data error, 2 usage) and a message naming what is wrong."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest

import nps
import nps.cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
SURVEY = SAMPLE / "survey_responses.csv"
MIRO = ROOT.parent / "shared" / "data" / "miro-nps" / "nps.csv"
SAMPLE_OPTS = ["--score", "score", "--time", "submitted_at", "--tz", "Asia/Shanghai",
               "--dealer", "dealer", "--advisor", "advisor", "--respondent", "respondent_id"]


def run(*args: Any, stdin: bytes | None = None) -> Any:
    """`nps ARGS` in this process (fast): exit code, standard output and error."""
    if stdin is not None:
        return run_process(*args, stdin=stdin)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = nps.cli.main([str(a) for a in args])
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def run_process(*args: Any, stdin: bytes | None = None) -> Any:
    """`python -m nps ARGS` in a new process."""
    p = subprocess.run([sys.executable, "-m", "nps", *map(str, args)], capture_output=True,
                       input=stdin, cwd=ROOT / "tests", timeout=120)
    return SimpleNamespace(returncode=p.returncode, stdout=p.stdout.decode("utf-8"),
                           stderr=p.stderr.decode("utf-8"))


def test_console_script_is_installed_beside_the_interpreter() -> None:
    script = Path(sys.executable).parent / "nps"
    assert script.exists(), f"{script}: the [project.scripts] entry was not installed"
    p = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == f"nps {nps.__version__}"


@pytest.mark.parametrize("cmd", [[], ["report"], ["group"], ["triage"]])
def test_help_documents_every_option_and_the_exit_codes(cmd: list[str]) -> None:
    p = run_process(*cmd, "--help")
    assert p.returncode == 0, p.stderr
    assert "exit codes:" in p.stdout and "2  usage error" in p.stdout
    parser = nps.cli._parser()
    if cmd:
        sub = next(a for a in parser._actions if a.dest == "command")
        parser = sub.choices[cmd[0]]
    for action in parser._actions:
        assert action.help, f"{cmd}: {action.option_strings or action.dest} has no help"
        for opt in action.option_strings:
            assert opt in p.stdout


def test_report_on_the_bundled_sample(tmp_path: Path) -> None:
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    p = run_process("report", SURVEY, *SAMPLE_OPTS, "--cases", SAMPLE / "cases_events.json",
            "--complaints", SAMPLE / "heat_complaints.csv", "--jobs",
            SAMPLE / "kpi_repair_orders.csv", "--goal", "65", "--html", html, "--json", js,
            "--no-charts", "--ledger", SAMPLE / "econ_ledger.csv", "--region-measures",
            SAMPLE / "econ_region_measures.csv", "--fleet", SAMPLE / "econ_fleet_units.csv",
            SAMPLE / "econ_fleet_events.csv", "--outcomes", SAMPLE / "loyalty_outcomes.csv",
            "--milestones", SAMPLE / "flow_milestones.csv")
    assert p.returncode == 0, p.stderr
    f = json.loads(js.read_text(encoding="utf-8"))
    assert f["not_included"] == []
    # What NPS is worth: 8 or more repurchase about 2.7x as often as below 8.
    rep = next(o for o in f["loyalty"]["outcomes"] if o["outcome"] == "repurchased")
    assert 2.4 < rep["eight_or_more"]["lift"] < 3.0 and rep["censored"] > 0
    # Workshop flow: dealer 102 keeps customers waiting at reception.
    assert f["flow"]["repair_orders"] > 100 and f["flow"]["bottleneck"] is not None
    # Service economics: the remote West region loses money (the source's province).
    west = next(x for x in f["economics"]["pnl"] if x["region"] == "West")
    assert west["profit_minor"] < 0 and west["input_output_ratio"] < 1
    assert {r["region"] for r in f["economics"]["matrix"]["latest"]} == {"East", "South",
                                                                          "North", "West"}
    assert str(html.resolve()) in p.stdout and str(js.resolve()) in p.stdout
    assert p.stdout.startswith(f"NPS {f['headline']['nps']:.1f} ")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_without_optional_inputs_says_what_would_add_sections(tmp_path: Path) -> None:
    js = tmp_path / "r.json"
    p = run("report", SURVEY, "--score", "score", "--json", js)
    assert p.returncode == 0, p.stderr
    f = json.loads(js.read_text(encoding="utf-8"))
    needs = " ".join(m["needs"] for m in f["not_included"])
    for option in ("--time", "--dealer", "--advisor", "--goal", "--cases", "--complaints",
                   "--jobs"):
        assert option in needs
    for section in ("trend", "dealers", "grid", "changes", "goal", "kpi", "recovery", "journey"):
        assert section not in f
    assert "Not included" in p.stdout


def test_report_on_a_csv_with_other_column_names(tmp_path: Path) -> None:
    df = pl.read_csv(SURVEY).rename({"score": "likelihood", "dealer": "site", "advisor": "sa",
                                     "submitted_at": "ts", "respondent_id": "customer"})
    # Times as ISO 8601 text with the dealers' offset, as many DMS exports write them.
    df = df.with_columns(pl.from_epoch("ts").dt.convert_time_zone("Asia/Shanghai")
                         .dt.strftime("%Y-%m-%dT%H:%M:%S%:z"))
    path = tmp_path / "export.csv"
    df.write_csv(path)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run("report", SURVEY, *SAMPLE_OPTS, "--json", a).returncode == 0
    p = run("report", path, "--score", "likelihood", "--time", "ts", "--tz", "Asia/Shanghai",
            "--dealer", "site", "--advisor", "sa", "--respondent", "customer", "--json", b)
    assert p.returncode == 0, p.stderr
    fa, fb = json.loads(a.read_text()), json.loads(b.read_text())
    for key in ("counts", "headline", "dealers", "trend", "changes", "integrity"):
        assert fa[key] == fb[key], key


def test_report_reads_parquet_and_stdin(tmp_path: Path) -> None:
    pq = tmp_path / "export.parquet"
    pl.read_csv(SURVEY).write_parquet(pq)
    p = run("report", pq, "--score", "score", "--dealer", "dealer", "--json", "-")
    assert p.returncode == 0, p.stderr
    p2 = run("report", "-", "--score", "score", "--dealer", "dealer", "--json", "-",
             stdin=SURVEY.read_bytes())
    assert p2.returncode == 0, p2.stderr
    a, b = json.loads(p.stdout), json.loads(p2.stdout)
    assert a["dealers"] == b["dealers"] and a["counts"] == b["counts"]


def test_report_on_the_miro_export_without_respondent_or_time(tmp_path: Path) -> None:
    if not MIRO.exists():
        assert os.environ.get("NPS_REQUIRE_DATA") != "1", f"{MIRO} is absent"
        pytest.skip(f"{MIRO} is absent")
    js = tmp_path / "m.json"
    p = run("report", MIRO, "--score", "NPS_Score", "--json", js, "--html", tmp_path / "m.html")
    assert p.returncode == 0, p.stderr
    f = json.loads(js.read_text())
    scores = pl.read_csv(MIRO)["NPS_Score"].to_numpy()
    t = nps.Tally.from_scores(scores)
    assert f["counts"]["rows"] == len(scores) and f["headline"]["n"] == t.n
    assert f["headline"]["nps"] == t.nps


def test_group_writes_csv_parquet_and_json(tmp_path: Path) -> None:
    expected = nps.group_by(pl.read_csv(SURVEY), by="dealer", score="score", time="submitted_at",
                            tz="Asia/Shanghai", period="month", invalid="skip").to_polars()
    opts = ["--by", "dealer", "--score", "score", "--time", "submitted_at", "--tz",
            "Asia/Shanghai", "--period", "month"]
    for name, read in (("g.csv", lambda p: pl.read_csv(p, try_parse_dates=True)),
                       ("g.parquet", pl.read_parquet),
                       ("g.json", lambda p: pl.DataFrame(json.loads(Path(p).read_text())))):
        out = tmp_path / name
        p = run("group", SURVEY, *opts, "-o", out)
        assert p.returncode == 0, p.stderr
        got = read(out)
        assert got["n"].to_list() == expected["n"].to_list()
        assert got["nps"].to_list() == pytest.approx(expected["nps"].to_list(), abs=1e-12)
    p = run("group", SURVEY, *opts)  # standard output, CSV
    assert p.returncode == 0 and p.stdout.startswith("dealer,period,n,")
    assert "42 invalid scores" in p.stderr


def test_triage_appends_the_policy_columns(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    p = run("triage", SURVEY, "--score", "score", "--time", "submitted_at", "--high-value",
            "high_value", "-o", out)
    assert p.returncode == 0, p.stderr
    got = pl.read_csv(out)
    src = pl.read_csv(SURVEY).filter(pl.col("score").is_between(0, 10))
    want = nps.Policy.default().triage_many(src["score"], src["submitted_at"],
                                            high_value=src["high_value"].cast(pl.Boolean))
    assert got["response_id"].to_list() == src["response_id"].to_list()
    assert got["tier"].to_list() == want.to_polars()["tier"].to_list()


# --- bad input -------------------------------------------------------------------------


def test_missing_file_is_a_data_error() -> None:
    p = run("report", "no/such.csv", "--score", "score", "--json", "-")
    assert p.returncode == 1 and "'no/such.csv' does not exist" in p.stderr


def test_missing_column_names_it_and_lists_the_columns() -> None:
    p = run("report", SURVEY, "--score", "score", "--dealer", "branch", "--json", "-")
    assert p.returncode == 1
    assert "no column 'branch' (given by --dealer)" in p.stderr
    assert "response_id, respondent_id, dealer, advisor, submitted_at, score" in p.stderr


def test_text_in_the_score_column_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("dealer,score\na,10\na,9\nb,ten\n", encoding="utf-8")
    p = run("group", path, "--by", "dealer", "--score", "score")
    assert p.returncode == 1
    assert "row 3, column 'score': 'ten' is not a score" in p.stderr


def test_out_of_range_score_with_invalid_raise_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("dealer,rating\na,10\na,9\nb,11\n", encoding="utf-8")
    p = run("group", path, "--by", "dealer", "--score", "rating", "--invalid", "raise")
    assert p.returncode == 1
    assert "row 3" in p.stderr and "rating" in p.stderr
    assert run("group", path, "--by", "dealer", "--score", "rating").returncode == 0


def test_a_time_that_is_not_a_date_time_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("score,at\n10,2025-03-14T09:30:00+08:00\n9,2025-03-15T09:30:00+08:00\n"
                    "8,yesterday\n", encoding="utf-8")
    p = run("group", path, "--score", "score", "--time", "at", "--period", "month")
    assert p.returncode == 1
    assert "row 3, column 'at': 'yesterday' is not a date-time" in p.stderr


def test_unknown_time_zone_is_a_usage_error() -> None:
    p = run("group", SURVEY, "--score", "score", "--time", "submitted_at", "--period", "month",
            "--tz", "Mars/Olympus")
    assert p.returncode == 2 and "--tz" in p.stderr and "Mars/Olympus" in p.stderr


@pytest.mark.parametrize("name,content", [("export.xlsx", b"PK\x03\x04 not a csv"),
                                          ("export.parquet", b"not parquet at all")])
def test_unreadable_format_is_a_data_error(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    p = run("group", path, "--score", "score")
    assert p.returncode == 1 and "cannot read" in p.stderr and name in p.stderr


@pytest.mark.parametrize("args,message", [
    (["report", str(SURVEY), "--json", "-"], "--score"),
    (["triage", str(SURVEY), "--score", "score"], "--time"),
    (["report", str(SURVEY), "--score", "score"], "--html FILE and/or --json FILE"),
    (["report", str(SURVEY), "--score", "score", "--respondent", "respondent_id", "--json", "-"],
     "--respondent needs --time"),
    (["group", str(SURVEY), "--score", "score", "--period", "month"], "--period needs --time"),
    (["group", str(SURVEY), "--score", "score", "-o", "out.xlsx"], "output format"),
    (["report", str(SURVEY), "--score", "score", "--adjust", "bonferroni", "--json", "-"],
     "--adjust"),
    (["frobnicate"], "invalid choice"),
    ([], "COMMAND"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    p = run(*args)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr


def test_bad_policy_and_cases_are_data_errors(tmp_path: Path) -> None:
    bad = tmp_path / "policy.json"
    bad.write_text('{"version": "nope"}', encoding="utf-8")
    p = run("report", SURVEY, "--score", "score", "--policy", bad, "--json", "-")
    assert p.returncode == 1 and "policy" in p.stderr
    cases = tmp_path / "cases.json"
    cases.write_text('{"id": 1}', encoding="utf-8")
    p = run("report", SURVEY, "--score", "score", "--cases", cases, "--json", "-")
    assert p.returncode == 1 and "a list of" in p.stderr


def test_no_progress_bar_when_standard_error_is_not_a_terminal() -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert nps.cli._with_progress("reading", lambda: 42) == 42
    assert err.getvalue() == ""
    with pytest.raises(ValueError, match="boom"):
        nps.cli._with_progress("reading", lambda: (_ for _ in ()).throw(ValueError("boom")))


def test_triage_reads_local_times_in_tz_and_writes_deadlines_there(tmp_path: Path) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    path = tmp_path / "local.csv"
    path.write_text("score,at\n2,2025-06-13 09:00:00\n9,2025-06-13 10:00:00\n", encoding="utf-8")
    p = run("triage", path, "--score", "score", "--time", "at", "--tz", "Asia/Shanghai",
            "-o", tmp_path / "t.parquet")
    assert p.returncode == 0, p.stderr
    got = pl.read_parquet(tmp_path / "t.parquet")
    want = nps.Policy.default().triage(2, dt.datetime(2025, 6, 13, 9,
                                                      tzinfo=ZoneInfo("Asia/Shanghai")))
    assert got["acknowledge_by"][0] == want.acknowledge_by
    assert str(got["acknowledge_by"].dtype.time_zone) == "Asia/Shanghai"
    assert got["tier"].to_list() == [want.tier, None]
