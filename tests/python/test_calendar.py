"""`nps.Calendar`: construction from Python values, deadlines, elapsed
business time and the boundary rules of SPEC §4.4.

Expected instants are worked out by hand (opening hours, holidays, DST) and
written with the standard library's datetime / zoneinfo.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.timezone.utc
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def nine_to_five(tz: str) -> nps.Calendar:
    return nps.Calendar(tz, {d: [("09:00", "17:00")] for d in WEEKDAYS})


def lunch() -> nps.Calendar:
    return nps.Calendar("Asia/Shanghai", {d: [("09:00", "12:00"), ("13:30", "18:00")] for d in WEEKDAYS})


def national_day() -> nps.Calendar:
    # SPEC §4.4: holidays Oct 1-8 2025; Sun Sep 28 and Sat Oct 11 are working days.
    return nps.Calendar(
        "Asia/Shanghai",
        {d: [("09:00", "18:00")] for d in WEEKDAYS},
        holidays=[dt.date(2025, 10, d) for d in range(1, 9)],
        working_days={dt.date(2025, 9, 28): [("09:00", "18:00")], dt.date(2025, 10, 11): [("09:00", "18:00")]},
    )


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# ---------------------------------------------------------------------------
# construction


def test_constructor_matches_json() -> None:
    cal = national_day()
    doc = {
        "tz": "Asia/Shanghai",
        "weekly": {d: [["09:00", "18:00"]] for d in WEEKDAYS},
        "holidays": [f"2025-10-0{d}" for d in range(1, 9)],
        "working_days": {"2025-09-28": [["09:00", "18:00"]], "2025-10-11": [["09:00", "18:00"]]},
    }
    assert cal == nps.Calendar.from_json(json.dumps(doc))
    assert nps.Calendar.from_json(cal.to_json()) == cal
    assert json.loads(cal.to_json()) == doc
    assert cal.tz == "Asia/Shanghai"
    assert cal.weekly == {d: [("09:00", "18:00")] for d in WEEKDAYS}
    assert cal.holidays == [dt.date(2025, 10, d) for d in range(1, 9)]
    assert cal.working_days == {
        dt.date(2025, 9, 28): [("09:00", "18:00")],
        dt.date(2025, 10, 11): [("09:00", "18:00")],
    }
    assert cal.schedules == []


def test_repr_pickle_equality() -> None:
    cal = nps.Calendar(
        "UTC",
        {"wed": [("09:00", "17:00")], "mon": [("13:00", "18:00"), ("08:30", "12:00")]},
        holidays=[dt.date(2025, 12, 25), (dt.date(2025, 12, 31), [("12:00", "24:00")]), (dt.date(2026, 1, 1), None)],
        working_days={dt.date(2025, 12, 27): [("09:00", "12:00")]},
        schedules=[(dt.date(2026, 1, 5), {"mon": [("10:00", "16:00")]})],
    )
    again = eval(repr(cal), {"Calendar": nps.Calendar, "datetime": dt})
    assert again == cal
    assert repr(cal).startswith("Calendar('UTC', {'mon': [('13:00', '18:00'), ('08:30', '12:00')], 'wed'")
    assert pickle.loads(pickle.dumps(cal)) == cal
    assert cal != nine_to_five("UTC")
    with pytest.raises(TypeError):
        hash(cal)


def test_times_of_day_as_time_objects() -> None:
    cal = nps.Calendar("Europe/Berlin", {d: [(dt.time(9), dt.time(17))] for d in WEEKDAYS})
    assert cal.weekly["mon"] == [("09:00:00", "17:00:00")]
    start = dt.datetime(2025, 6, 13, 17, tzinfo=BERLIN)
    assert cal.deadline(start, business_hours=8) == nine_to_five("Europe/Berlin").deadline(start, business_hours=8)
    with pytest.raises(nps.InvalidArgumentError):
        nps.Calendar("UTC", {"mon": [(dt.time(9, 0, 0, 5), dt.time(17))]})


def test_every_problem_with_its_path() -> None:
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Calendar(
            "Mars/Base",
            {"mon": [("10:00", "09:00")], "tue": [("09:00", "17:00")], "funday": [("09:00", "10:00")]},
            holidays=[dt.date(2025, 10, 1), dt.date(2025, 10, 1), dt.date(2025, 9, 28)],
            working_days={dt.date(2025, 9, 28): [("09:00", "25:00")]},
        )
    assert {p for p, _ in e.value.problems} == {
        "tz",  # unknown zone
        "weekly.mon[0]",  # ends before it starts
        "weekly.funday",  # unknown weekday
        "holidays[1]",  # listed twice
        "holidays[2]",  # also a working-day override
        "working_days.2025-09-28[0]",  # 25:00 is not a time of day
    }
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Calendar("UTC", {"mon": [("09:00", "12:00"), ("11:00", "13:00")]})
    assert [p for p, _ in e.value.problems] == ["weekly.mon"]  # overlap
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Calendar.from_json('{"tz": "UTC", "weekly": {"mon": [["09:00"]]}}')
    assert e.value.problems[0][0] == "weekly.mon[0]"


def test_type_errors() -> None:
    with pytest.raises(TypeError):
        nps.Calendar("UTC", [("mon", [("09:00", "17:00")])])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        nps.Calendar("UTC", {"mon": [("09:00", "12:00", "17:00")]})  # type: ignore[list-item]
    with pytest.raises(TypeError):
        nps.Calendar("UTC", {"mon": "09:00-17:00"})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        nps.Calendar("UTC", {1: [("09:00", "17:00")]})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        nps.Calendar("UTC", {"mon": [("09:00", "17:00")]}, holidays=[dt.datetime(2025, 1, 1)])


# ---------------------------------------------------------------------------
# deadlines


def test_closing_time_rule_and_zone() -> None:
    cal = nine_to_five("Europe/Berlin")
    fri_17 = dt.datetime(2025, 6, 13, 17, tzinfo=BERLIN)
    due = cal.deadline(fri_17, business_hours=8)
    # SPEC §4.4: Fri 17:00 + 8 business hours on 09-17 is Mon 17:00, not Mon 09:00.
    assert due == dt.datetime(2025, 6, 16, 17, tzinfo=BERLIN)
    assert due.tzinfo == BERLIN and (due.hour, due.minute) == (17, 0)
    # The start may be in any zone, or Unix seconds.
    assert cal.deadline(fri_17.astimezone(UTC), business_hours=8) == due
    assert cal.deadline(int(fri_17.timestamp()), business_hours=8) == due
    # A start outside opening hours counts from the next opening.
    sat = dt.datetime(2025, 6, 14, 11, tzinfo=BERLIN)
    assert cal.deadline(sat, business_hours=1) == dt.datetime(2025, 6, 16, 10, tzinfo=BERLIN)


def test_lunch_break_and_landing_on_closing() -> None:
    cal = lunch()
    assert cal.deadline(sh(2025, 6, 16, 11, 30), business_hours=1) == sh(2025, 6, 16, 14, 0)
    assert cal.deadline(sh(2025, 6, 16, 17, 0), business_hours=1) == sh(2025, 6, 16, 18, 0)
    assert cal.deadline(sh(2025, 6, 16, 11, 0), business_hours=1) == sh(2025, 6, 16, 12, 0)


def test_duration_forms() -> None:
    cal = lunch()
    mon_9 = sh(2025, 6, 16, 9, 0)
    assert cal.deadline(mon_9, business_hours=1.5) == sh(2025, 6, 16, 10, 30)
    assert cal.deadline(mon_9, business_hours=dt.timedelta(minutes=90)) == sh(2025, 6, 16, 10, 30)
    assert cal.deadline(mon_9, business_hours=0) == mon_9
    # Wall-clock hours ignore opening hours.
    assert cal.deadline(mon_9, hours=24) == sh(2025, 6, 17, 9, 0)
    assert cal.deadline(mon_9, hours=0.25) == sh(2025, 6, 16, 9, 15)
    # Business days: due at the close of the n-th working day (Mon before opening counts).
    assert cal.deadline(sh(2025, 6, 16, 8, 0), business_days=1) == sh(2025, 6, 16, 18, 0)
    assert cal.deadline(mon_9 + dt.timedelta(minutes=1), business_days=1) == sh(2025, 6, 17, 18, 0)


def test_pauses() -> None:
    cal = lunch()
    mon_9 = sh(2025, 6, 16, 9, 0)
    assert cal.deadline(mon_9, business_hours=2, pauses=[(sh(2025, 6, 16, 10), sh(2025, 6, 16, 10, 30))]) == sh(
        2025, 6, 16, 11, 30
    )
    # Every pause counts, not only the last; here the deadline lands on the 12:00 closing.
    two = [(sh(2025, 6, 16, 9, 30), sh(2025, 6, 16, 10)), (sh(2025, 6, 16, 10, 30), sh(2025, 6, 16, 11))]
    assert cal.deadline(mon_9, business_hours=2, pauses=two) == sh(2025, 6, 16, 12, 0)
    # A pause outside opening hours (Sunday, the lunch break) changes nothing.
    outside = [(sh(2025, 6, 15, 10), sh(2025, 6, 15, 16)), (sh(2025, 6, 16, 12), sh(2025, 6, 16, 13, 30))]
    assert cal.deadline(mon_9, business_hours=2, pauses=outside) == sh(2025, 6, 16, 11, 0)
    # Wall-clock hours with the pause left out: 11:30 + 1.5 h + a 30-minute pause.
    assert cal.deadline(
        sh(2025, 6, 16, 11, 30), hours=1.5, pauses=[(sh(2025, 6, 16, 12), sh(2025, 6, 16, 12, 30))]
    ) == sh(2025, 6, 16, 13, 30)
    # Pauses as Unix seconds.
    p = [(int(sh(2025, 6, 16, 10).timestamp()), int(sh(2025, 6, 16, 10, 30).timestamp()))]
    assert cal.deadline(mon_9, business_hours=2, pauses=p) == sh(2025, 6, 16, 11, 30)


def test_national_day_2025() -> None:
    cal = national_day()
    # Sat Sep 27 10:00 + 9 business hours: Sunday Sep 28 is a working day (09-18).
    assert cal.deadline(sh(2025, 9, 27, 10, 0), business_hours=9) == sh(2025, 9, 28, 18, 0)
    # Tue Sep 30 17:00 + 2 business hours: 1 h on Tuesday, then Thu Oct 9 09:00-10:00.
    assert cal.deadline(sh(2025, 9, 30, 17, 0), business_hours=2) == sh(2025, 10, 9, 10, 0)
    # Fri Oct 10 18:00 + 1 business day: the close of Saturday Oct 11.
    assert cal.deadline(sh(2025, 10, 10, 18, 0), business_days=1) == sh(2025, 10, 11, 18, 0)
    assert cal.is_working_day(dt.date(2025, 9, 28))
    assert cal.is_working_day(dt.date(2025, 10, 11))
    assert not cal.is_working_day(dt.date(2025, 10, 1))
    assert not cal.is_working_day(dt.date(2025, 10, 12))
    assert cal.is_working_day(dt.date(2025, 10, 9))
    # Sep 30 17:00 to Oct 9 10:00: 1 h + 1 h of business time.
    assert cal.elapsed(sh(2025, 9, 30, 17, 0), sh(2025, 10, 9, 10, 0)) == dt.timedelta(hours=2)


def test_deadline_argument_errors() -> None:
    cal = lunch()
    mon_9 = sh(2025, 6, 16, 9, 0)
    for kwargs in ({}, {"hours": 1, "business_hours": 1}, {"business_days": 1, "hours": None, "business_hours": 2}):
        with pytest.raises(nps.InvalidArgumentError) as e:
            cal.deadline(mon_9, **kwargs)
        if len([v for v in kwargs.values() if v is not None]) != 1:
            assert e.value.argument == "duration"
    with pytest.raises(nps.InvalidArgumentError) as e:
        cal.deadline(mon_9, hours=1 / 7)  # 514.28... s: not a whole number of seconds
    assert e.value.argument == "hours"
    assert cal.deadline(mon_9, hours=1 / 3) == sh(2025, 6, 16, 9, 20)  # 1200 s
    with pytest.raises(nps.InvalidArgumentError):
        cal.deadline(mon_9, business_hours=dt.timedelta(microseconds=1))
    with pytest.raises(nps.InvalidArgumentError):
        cal.deadline(mon_9, business_hours=-1)
    with pytest.raises(nps.InvalidArgumentError):
        cal.deadline(mon_9, business_days=0)
    with pytest.raises(nps.InvalidArgumentError) as e:
        cal.deadline(mon_9, business_days=-1)
    assert e.value.argument == "business_days"
    with pytest.raises(TypeError):
        cal.deadline(mon_9, business_days=1.5)  # type: ignore[arg-type]
    with pytest.raises(nps.InvalidArgumentError) as e:
        cal.deadline(dt.datetime(2025, 6, 16, 9), business_hours=1)
    assert e.value.argument == "start"
    with pytest.raises(nps.InvalidArgumentError):
        cal.deadline(mon_9, business_hours=1, pauses=[(sh(2025, 6, 16, 11), sh(2025, 6, 16, 10))])
    with pytest.raises(TypeError):
        cal.deadline(mon_9, business_hours=1, pauses=[mon_9])  # type: ignore[list-item]


# ---------------------------------------------------------------------------
# elapsed, opening hours, DST


def test_elapsed() -> None:
    cal = lunch()
    mon_9, tue_9 = sh(2025, 6, 16, 9, 0), sh(2025, 6, 17, 9, 0)
    assert cal.elapsed(mon_9, tue_9) == dt.timedelta(hours=7, minutes=30)
    assert cal.elapsed(mon_9, tue_9, pauses=[(sh(2025, 6, 16, 13, 30), sh(2025, 6, 16, 14, 30))]) == dt.timedelta(
        hours=6, minutes=30
    )
    assert cal.elapsed(mon_9, mon_9) == dt.timedelta(0)
    with pytest.raises(nps.InvalidArgumentError):
        cal.elapsed(tue_9, mon_9)
    # deadline and elapsed are inverse.
    due = cal.deadline(sh(2025, 6, 13, 16, 0), business_hours=dt.timedelta(hours=5, minutes=17, seconds=3))
    assert cal.elapsed(sh(2025, 6, 13, 16, 0), due) == dt.timedelta(hours=5, minutes=17, seconds=3)


def test_is_open_and_part_day_holiday() -> None:
    cal = nps.Calendar(
        "UTC", {"wed": [("09:00", "17:00")]}, holidays=[(dt.date(2025, 12, 31), [("12:00", "24:00")])]
    )
    assert cal.holidays == [(dt.date(2025, 12, 31), [("12:00", "24:00")])]
    assert cal.opening_hours(dt.date(2025, 12, 31)) == [
        (dt.datetime(2025, 12, 31, 9, tzinfo=UTC), dt.datetime(2025, 12, 31, 12, tzinfo=UTC))
    ]
    assert cal.is_open(dt.datetime(2025, 12, 31, 11, 59, 59, tzinfo=UTC))
    assert not cal.is_open(dt.datetime(2025, 12, 31, 12, 0, tzinfo=UTC))
    assert cal.is_open(dt.datetime(2025, 12, 24, 16, 59, 59, tzinfo=UTC))
    assert not cal.is_open(int(dt.datetime(2025, 12, 24, 17, tzinfo=UTC).timestamp()))
    with pytest.raises(nps.InvalidArgumentError) as e:
        cal.is_open(dt.datetime(2025, 12, 31, 11))
    assert e.value.argument == "t"
    with pytest.raises(TypeError):
        cal.opening_hours(dt.datetime(2025, 12, 31, 11, tzinfo=UTC))  # type: ignore[arg-type]


def test_schedules_take_effect() -> None:
    cal = nps.Calendar(
        "UTC",
        {"mon": [("09:00", "17:00")]},
        schedules=[(dt.date(2025, 7, 1), {"mon": [("10:00", "16:00")]})],
    )
    assert cal.schedules == [(dt.date(2025, 7, 1), {"mon": [("10:00", "16:00")]})]
    assert cal.opening_hours(dt.date(2025, 6, 30))[0][0].hour == 9
    assert cal.opening_hours(dt.date(2025, 7, 7)) == [
        (dt.datetime(2025, 7, 7, 10, tzinfo=UTC), dt.datetime(2025, 7, 7, 16, tzinfo=UTC))
    ]


def test_dst() -> None:
    # Europe/Berlin springs forward on Sun 2025-03-30 (02:00 -> 03:00): a 23-hour day.
    cal = nps.Calendar("Europe/Berlin", {"sun": [("00:00", "24:00")]})
    [(open_, close)] = cal.opening_hours(dt.date(2025, 3, 30))
    assert open_ == dt.datetime(2025, 3, 30, 0, tzinfo=BERLIN)
    assert close == dt.datetime(2025, 3, 31, 0, tzinfo=BERLIN)
    assert close.timestamp() - open_.timestamp() == 23 * 3600
    assert cal.elapsed(open_, close) == dt.timedelta(hours=23)
    # An opening at 02:30 (inside the gap) starts when the gap ends, 03:00 CEST.
    gap = nps.Calendar("Europe/Berlin", {"sun": [("02:30", "05:00")]})
    assert gap.opening_hours(dt.date(2025, 3, 30)) == [
        (dt.datetime(2025, 3, 30, 1, tzinfo=UTC), dt.datetime(2025, 3, 30, 3, tzinfo=UTC))
    ]
    # America/New_York falls back on Sun 2025-11-02: 00:00-02:00 lasts 3 hours.
    ny = nps.Calendar("America/New_York", {"sun": [("00:00", "02:00")]})
    start = dt.datetime(2025, 11, 2, 0, tzinfo=NEW_YORK)
    assert ny.deadline(start, business_hours=3) == dt.datetime(2025, 11, 2, 7, tzinfo=UTC)
    assert ny.elapsed(start, dt.datetime(2025, 11, 3, tzinfo=NEW_YORK)) == dt.timedelta(hours=3)


# ---------------------------------------------------------------------------
# properties

# Instants from 2025-01-01 to 2026-12-31 (Asia/Shanghai has no DST; Berlin has).
INSTANTS = st.integers(min_value=1_735_689_600, max_value=1_798_675_200)
BUSINESS_SECONDS = st.integers(min_value=0, max_value=200 * 3600)


@settings(max_examples=200, deadline=None)
@given(
    start=INSTANTS,
    seconds=BUSINESS_SECONDS,
    extra=st.integers(min_value=1, max_value=3600),
    tz=st.sampled_from(["Asia/Shanghai", "Europe/Berlin"]),
)
def test_deadline_and_elapsed_are_inverse_and_monotone(start: int, seconds: int, extra: int, tz: str) -> None:
    cal = nps.Calendar(tz, {d: [("09:00", "12:00"), ("13:30", "18:00")] for d in WEEKDAYS})
    due = cal.deadline(start, business_hours=dt.timedelta(seconds=seconds))
    assert cal.elapsed(start, due) == dt.timedelta(seconds=seconds)
    later = cal.deadline(start, business_hours=dt.timedelta(seconds=seconds + extra))
    assert later > due
    assert due >= dt.datetime.fromtimestamp(start, UTC)
