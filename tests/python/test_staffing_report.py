"""Staffing by the hour in the report and its chart (`nps.plot.staffing`,
`nps._report_staffing`): the arrivals of the bundled milestone sample are
counted here by hand (csv, zoneinfo), the advisors needed come from an
Erlang C written here from the textbook formula, and the report's JSON,
HTML table and chart must show exactly those."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import json
import math
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

import nps
from nps import _report_staffing

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
MILESTONES = SAMPLE / "flow_milestones.csv"
TZ = "Asia/Shanghai"
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# The source's reception: 15 minutes of service, 90 % of customers waiting
# at most 3 minutes (issue 14; 004 "第一站").
SERVICE_S, TARGET_S, SHARE = 900.0, 180.0, 0.9
ROSTER = 1  # one advisor on duty every hour


def hand_counts() -> tuple[Counter, dict[str, int], int]:
    """Arrivals per (weekday, hour) in Shanghai: each repair order's first
    `arrived`; how many times each weekday occurs from the first arrival's
    date to the last's; the number of dates."""
    first: dict[str, int] = {}
    with MILESTONES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["milestone"] == "arrived":
                t = int(row["at"])
                first[row["ro"]] = min(t, first.get(row["ro"], t))
    zone = ZoneInfo(TZ)
    local = [dt.datetime.fromtimestamp(t, zone) for t in first.values()]
    counts = Counter((DAYS[x.weekday()], x.hour) for x in local)
    d0, d1 = min(x.date() for x in local), max(x.date() for x in local)
    span = (d1 - d0).days + 1
    occurs = Counter(DAYS[(d0 + dt.timedelta(days=i)).weekday()] for i in range(span))
    return counts, dict(occurs), span


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting with c servers and a erlangs (a < c)."""
    term, total = 1.0, 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c * c / (c - a)
    return last / (total + last)


def servers_needed(rate_per_hour: float) -> int:
    a = rate_per_hour * SERVICE_S / 3600
    if a == 0:
        return 0
    c = math.floor(a) + 1
    while 1 - erlang_c(c, a) * math.exp(-(c - a) * TARGET_S / SERVICE_S) < SHARE:
        c += 1
    return c


@pytest.fixture(scope="module")
def milestones() -> pl.DataFrame:
    return pl.read_csv(MILESTONES)


@pytest.fixture(scope="module")
def hand() -> tuple[Counter, dict[str, int], int]:
    return hand_counts()


def test_defaults_are_the_source_standard() -> None:
    t = nps.staffing([0])
    assert (t.service_time_s, t.target_wait_s, t.target_share) == (SERVICE_S, TARGET_S, SHARE)


def test_figures_are_the_hand_counts(milestones, hand) -> None:
    counts, occurs, span = hand
    f, res = _report_staffing.figures(milestones, tz=TZ, roster=ROSTER)
    assert f["days"] == span and f["tz"] == TZ and f["outside_hours"] == 0
    assert f["arrivals"] == sum(counts.values()) > 100
    rows = {(r["weekday"], r["hour"]): r for r in f["rows"]}
    assert len(rows) == 7 * 24  # no calendar: every hour is open
    for (day, hour), r in rows.items():
        n = counts.get((day, hour), 0)
        assert r["arrivals"] == n, (day, hour)
        assert math.isclose(r["arrival_rate"], n / occurs[day], rel_tol=1e-12), (day, hour)
        assert r["servers"] == servers_needed(n / occurs[day]), (day, hour)
        assert r["roster"] == ROSTER
    # Unstable: offered load (rate x 15 min) at or above the advisor on duty.
    want = sorted((d, h) for (d, h), n in counts.items() if n / occurs[d] * SERVICE_S / 3600 >= ROSTER)
    got = sorted((u["weekday"], u["hour"]) for u in f["unstable"])
    assert got == want and want, "the sample has hours one advisor cannot carry"
    assert all(rows[k]["stable"] is False and rows[k]["prob_wait"] is None for k in want)
    peak = max(counts, key=lambda k: counts[k] / occurs[k[0]])
    assert (f["peak"]["weekday"], f["peak"]["hour"]) == peak
    assert f["max_servers"] == max(servers_needed(n / occurs[d]) for (d, _), n in counts.items())
    json.dumps(f)  # plain JSON


def test_plot_draws_the_hand_counts(milestones, hand) -> None:
    plot = importlib.import_module("nps.plot")
    counts, occurs, _ = hand
    t = nps.staffing(_report_staffing.arrivals(milestones), tz=TZ, roster=ROSTER)
    ax = plot.staffing(t)
    assert type(ax).__name__ == "Axes"
    image = next(im for im in ax.get_images() if im.get_gid() == "rate")
    data = image.get_array()
    assert data.shape == (7, 24)
    assert [x.get_text() for x in ax.get_yticklabels()] == DAYS
    for r, day in enumerate(DAYS):
        for hour in range(24):
            assert math.isclose(float(data[r, hour]), counts.get((day, hour), 0) / occurs[day],
                                rel_tol=1e-12)
    texts = {(round(x.get_position()[1]), round(x.get_position()[0])): x.get_text()
             for x in ax.texts if x.get_gid() == "servers"}
    want = {(DAYS.index(d), h): str(servers_needed(n / occurs[d])) for (d, h), n in counts.items()}
    assert texts == want
    unstable = [p for p in ax.patches if p.get_gid() == "unstable"]
    assert len(unstable) == sum(1 for (d, _), n in counts.items()
                                if n / occurs[d] * SERVICE_S / 3600 >= ROSTER)
    # Without a roster: no outlines; another result is a TypeError.
    ax2 = plot.staffing(nps.staffing(_report_staffing.arrivals(milestones), tz=TZ))
    assert not [p for p in ax2.patches if p.get_gid() == "unstable"]
    with pytest.raises(TypeError):
        plot.staffing(nps.flow.stages(milestones))


def test_plot_on_quarter_hours_and_a_calendar() -> None:
    plot = importlib.import_module("nps.plot")
    mon9 = dt.datetime(2025, 6, 2, 9, tzinfo=dt.timezone.utc)
    cal = nps.Calendar.from_json('{"tz": "UTC", "weekly": {"mon": [["08:00", "18:00"]]}}')
    t = nps.staffing([mon9 + dt.timedelta(minutes=5 * i) for i in range(6)], interval="15min",
                     calendar=cal)
    ax = plot.staffing(t)
    data = next(im for im in ax.get_images() if im.get_gid() == "rate").get_array()
    assert data.shape == (1, 40)  # Monday 08:00-18:00 in quarter hours
    # 09:00-09:15 saw 3 arrivals in a quarter hour: 12 an hour.
    assert float(data[0, 4]) == 12.0 and float(data[0, 6]) == 0.0


def test_report_section(milestones, hand) -> None:
    from nps import report

    counts, occurs, _ = hand
    survey = pl.DataFrame({"score": [10, 9, 3, 8]})
    r = report.build(survey, score="score", tz=TZ, flow=milestones, roster=ROSTER)
    f = r.figures["staffing"]
    assert f["arrivals"] == sum(counts.values())
    assert json.loads(r.to_json())["staffing"]["unstable"] == f["unstable"]
    page = r.to_html(charts=True)
    assert 'id="staffing"' in page and '<figure data-chart="staffing-profile">' in page
    assert "could not be drawn" not in page
    # The HTML table: one row per hour with arrivals, the counts by hand.
    from test_report import _Page  # the report tests' table reader

    p = _Page()
    p.feed(page)
    rows = p.tables["staffing"]
    assert len(rows) == len(counts)
    busy = sorted(counts.items(), key=lambda kv: (DAYS.index(kv[0][0]), kv[0][1]))
    for row, ((day, hour), n) in zip(rows, busy):
        assert row[2] == str(n)
    # Without milestones the section is listed as not included.
    r2 = report.build(survey, score="score")
    assert "staffing" not in r2.figures
    assert any("Staffing" in m["section"] for m in r2.figures["not_included"])


def test_report_uses_the_policy_calendar(milestones, hand) -> None:
    """With a business calendar in the policy (weekdays 09:00-17:00 in
    Shanghai) the section counts only open hours, and the arrivals outside
    them are left out and counted."""
    from nps import report

    counts, occurs, _ = hand
    policy = json.loads(nps.Policy.default().to_json())
    policy["calendar"] = {"tz": TZ, "weekly": {d: [["09:00", "17:00"]] for d in DAYS[:5]}}
    r = report.build(pl.DataFrame({"score": [10, 9, 3, 8]}), score="score", flow=milestones,
                     policy=nps.Policy.from_json(json.dumps(policy)))
    f = r.figures["staffing"]
    assert f["business_calendar"] and f["tz"] == TZ
    open_hours = {(d, h) for d in DAYS[:5] for h in range(9, 17)}
    assert {(x["weekday"], x["hour"]) for x in f["rows"]} == open_hours
    assert f["outside_hours"] == sum(n for k, n in counts.items() if k not in open_hours)
    for x in f["rows"]:
        n = counts.get((x["weekday"], x["hour"]), 0)
        assert x["arrivals"] == n
        assert math.isclose(x["arrival_rate"], n / occurs[x["weekday"]], rel_tol=1e-12)
    assert "business hours of the policy" in r.to_html(charts=False)


def test_report_roster_from_a_file(milestones, tmp_path) -> None:
    from nps import cli

    roster = tmp_path / "roster.csv"
    roster.write_text("weekday,hour,servers\n" + "".join(
        f"{d},{h},{3 if 9 <= h < 18 else 1}\n" for d in DAYS for h in range(24)), encoding="utf-8")
    got = cli._read_roster(str(roster))
    assert got[("mon", 9)] == 3 and got[("sun", 3)] == 1 and len(got) == 168
    assert cli._read_roster("4") == 4 and cli._read_roster(None) is None
    f, _ = _report_staffing.figures(milestones, tz=TZ, roster=got)
    assert f["roster"] == "per hour"
    assert all(r["roster"] == (3 if 9 <= r["hour"] < 18 else 1) for r in f["rows"])
    bad = tmp_path / "bad.csv"
    bad.write_text("day,hour,servers\nmon,9,2\n", encoding="utf-8")
    with pytest.raises(cli.DataError, match="weekday"):
        cli._read_roster(str(bad))


def test_chromium_draws_the_staffing_chart(milestones, tmp_path) -> None:
    """The staffing chart of the report, alone in a page in headless
    Chromium: drawn (not blank), no console errors."""
    import test_report as tr

    exe = tr._chromium()
    import numpy as np
    from PIL import Image

    r = nps.report.build(pl.DataFrame({"score": [10, 9, 3, 8]}), score="score", tz=TZ,
                         flow=milestones, roster=ROSTER)
    page = r.to_html()
    a = page.index('<figure data-chart="staffing-profile">')
    svg = page[page.index("<svg", a):page.index("</svg>", a) + 6]
    sheet = tmp_path / "staffing.html"
    sheet.write_text(f"<!DOCTYPE html><html><body style='margin:0'>{svg}</body></html>",
                     encoding="utf-8")
    shot = tmp_path / "staffing.png"
    log = tr._screenshot(exe, sheet, shot, tr.BOX)
    assert tr._console_errors(log) == []
    img = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert img.std() > 10 and (img < 128).mean() > 0.005, "the staffing chart looks blank"
