"""Recovery statistics from a DataFrame of case events (one row per event):
``nps.recovery_stats(df, case=..., event=..., at=..., ...)``.

Expected figures are worked out by hand in the comments; the property test
compares with the same cases built event by event (``nps.Case``), the
object form this table form must equal.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

NAMES = dict(case="case_id", event="event", at="at", score="score", reason="reason",
             channel="channel", outcome="outcome")

# Three cases, rows interleaved and out of time order. By hand: a (score 3)
# contacted by visit at 1 h, recovered; b (score 5) contacted by phone at
# 30 h, lost; c (score 8) is not a low score. low_scores 2, launched 2,
# responded_24h 1, recovered 1, converted 0, lost 1; success 1/2.
ROWS = [
    ("a", "closed", 7200, None, None, None, "recovered"),
    ("a", "opened", 0, 3, "waiting", None, None),
    ("b", "opened", 0, 5, "price", None, None),
    ("a", "acknowledged", 600, None, None, None, None),
    ("a", "contacted", 3600, None, None, "visit", None),
    ("c", "opened", 10, 8, "price", None, None),
    ("b", "acknowledged", 600, None, None, None, None),
    ("b", "contacted", 30 * 3600, None, None, "phone", None),
    ("b", "closed", 31 * 3600, None, None, None, "lost"),
]
COLUMNS = ["case_id", "event", "at", "score", "reason", "channel", "outcome"]


def pandas_table(rows: list[tuple[Any, ...]] = ROWS) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["at"] = pd.to_datetime(df["at"], unit="s", utc=True)
    return df


class Stream:
    """Nothing but ``__arrow_c_stream__`` (a DataFrame library unknown to nps)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self.inner.__arrow_c_stream__(requested_schema)

    @property
    def column_names(self) -> list[str]:
        return self.inner.column_names

    def __getitem__(self, name: str) -> Any:
        return self.inner[name]


FORMS = {
    "pandas": pandas_table,
    "polars": lambda: pl.from_pandas(pandas_table()),
    "pyarrow": lambda: pa.Table.from_pandas(pandas_table(), preserve_index=False),
    "seconds": lambda: pandas_table().assign(at=[r[2] for r in ROWS]),
}


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_hand_worked_statistics(make: Any) -> None:
    s = nps.recovery_stats(make(), **NAMES)
    assert (s.low_scores, s.launched, s.responded_24h, s.recovered, s.converted, s.lost) == \
        (2, 2, 1, 1, 0, 1)
    assert s.success_rate.value == 0.5 and s.response_24h_rate.value == 0.5
    # Splits by hand: a contacted at 1 h (<= 6h band), b at 30 h (> 24h band).
    speed = {b.label: (b.success.numerator, b.success.denominator) for b in s.by_speed}
    assert speed["<= 6h"] == (1, 1) and speed["> 24h"] == (0, 1)
    assert {b.label: b.success.denominator for b in s.by_channel} == \
        {"visit": 1, "video": 0, "phone": 1, "message": 0}


def test_grouped_by_dealer_and_integer_case_ids() -> None:
    df = pandas_table()
    df["dealer"] = ["D1" if r[0] == "a" else "D2" if r[1] == "opened" else None for r in ROWS]
    df["case_id"] = [{"a": 7, "b": 8, "c": 9}[r[0]] for r in ROWS]
    t = nps.recovery_stats(df, by="dealer", dealer="dealer", **{**NAMES, "case": "case_id"})
    got = {row["dealer"]: (row["low_scores"], row["recovered"])
           for row in t.to_pandas().to_dict("records")}
    # By hand: D1 = a (low, recovered); D2 = b (low, lost) and c (not low).
    assert got == {"D1": (1, 1), "D2": (1, 0)}


def test_arrow_stream_form() -> None:
    s = nps.recovery_stats(Stream(pa.Table.from_pandas(pandas_table(), preserve_index=False)),
                           **NAMES)
    assert (s.low_scores, s.recovered) == (2, 1)


def test_packages_and_every_field() -> None:
    t0 = 1_750_000_000
    rows = [
        dict(case_id="p", event="opened", at=t0, score=2, reason="quality", high_value=True,
             public_opinion_risk=False, dealer="D9"),
        dict(case_id="p", event="acknowledged", at=t0 + 60),
        dict(case_id="p", event="contacted", at=t0 + 120, channel="message"),
        dict(case_id="p", event="investigated", at=t0 + 180, responsibility="shared"),
        # One package of two items (same instant), then acceptance.
        dict(case_id="p", event="solution_proposed", at=t0 + 240, value=20000, currency="CNY",
             layer="loss_compensation"),
        dict(case_id="p", event="solution_proposed", at=t0 + 240, value=5000, currency="CNY",
             layer="emotional_repair"),
        dict(case_id="p", event="solution_accepted", at=t0 + 300),
        dict(case_id="p", event="executed", at=t0 + 360),
        dict(case_id="p", event="followed_up", at=t0 + 420),
        dict(case_id="p", event="rerated", at=t0 + 480, score=10),
        dict(case_id="p", event="closed", at=t0 + 540, outcome="converted"),
        dict(case_id="p", event="reviewed", at=t0 + 600),
    ]
    df = pd.DataFrame(rows)
    names = {k: k for k in ("event", "at", "score", "reason", "high_value", "dealer", "channel",
                            "responsibility", "value", "currency", "layer", "outcome")}
    df["high_value"] = df["high_value"].fillna(False).astype(bool)
    got = nps.recovery_stats(df, case="case_id", **names)
    by_hand = nps.Case.from_events([
        {"kind": "opened", "at": t0, "score": 2, "reason": "quality", "high_value": True,
         "public_opinion_risk": False, "dealer": "D9"},
        {"kind": "acknowledged", "at": t0 + 60},
        {"kind": "contacted", "at": t0 + 120, "channel": "message"},
        {"kind": "investigated", "at": t0 + 180, "responsibility": "shared"},
        {"kind": "solution_proposed", "at": t0 + 240, "items": [
            {"value": 20000, "currency": "CNY", "layer": "loss_compensation"},
            {"value": 5000, "currency": "CNY", "layer": "emotional_repair"}]},
        {"kind": "solution_accepted", "at": t0 + 300},
        {"kind": "executed", "at": t0 + 360},
        {"kind": "followed_up", "at": t0 + 420},
        {"kind": "rerated", "at": t0 + 480, "score": 10},
        {"kind": "closed", "at": t0 + 540, "outcome": "converted"},
        {"kind": "reviewed", "at": t0 + 600},
    ], case_id="p")
    assert got == nps.recovery_stats([by_hand])
    # By hand: one low score, converted (so recovered); accepted 250.00 CNY.
    assert (got.low_scores, got.recovered, got.converted) == (1, 1, 1)
    assert [b.label for b in got.by_compensation if b.success.denominator] == ["<= 500.00 CNY"]


# --- Errors name the case id, the row and the column -----------------------------------------


def opened_then(*more: tuple[Any, ...]) -> pd.DataFrame:
    rows = [("k", "opened", 0, 2, "w", None, None), *more]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_unknown_event() -> None:
    df = opened_then(("k", "waved", 60, None, None, None, None))
    with pytest.raises(nps.InvalidValueError, match="waved") as e:
        nps.recovery_stats(df, **NAMES)
    assert (e.value.case_id, e.value.index, e.value.argument) == ("k", 1, "event")


def test_bad_instant() -> None:
    df = opened_then(("k", "acknowledged", 60, None, None, None, None))
    df["at"] = pd.to_datetime(df["at"], unit="s", utc=True)
    df.loc[1, "at"] = pd.NaT
    with pytest.raises(nps.InvalidValueError, match="missing instant") as e:
        nps.recovery_stats(df, **NAMES)
    assert (e.value.case_id, e.value.index, e.value.argument) == ("k", 1, "at")


def test_missing_column() -> None:
    df = opened_then(("k", "acknowledged", 60, None, None, None, None),
                     ("k", "contacted", 70, None, None, None, None))
    # A column named but absent from the table.
    with pytest.raises(nps.InvalidArgumentError, match="no column") as a:
        nps.recovery_stats(df, **{**NAMES, "channel": "how"})
    assert a.value.argument == "channel"
    # A field a row needs whose column is not given.
    names = {k: v for k, v in NAMES.items() if k != "channel"}
    with pytest.raises(nps.InvalidValueError, match="column `channel`") as e:
        nps.recovery_stats(df, **names)
    assert (e.value.case_id, e.value.index, e.value.argument) == ("k", 2, "channel")
    # The three columns every table needs.
    with pytest.raises(nps.InvalidArgumentError) as a:
        nps.recovery_stats(df, event="event", at="at")
    assert a.value.argument == "case"


def test_duplicate_event() -> None:
    ack = ("k", "acknowledged", 60, None, None, None, None)
    with pytest.raises(nps.InvalidEventError, match="once") as e:
        nps.recovery_stats(opened_then(ack, ack), **NAMES)
    assert (e.value.case_id, e.value.index, e.value.event) == ("k", 2, "acknowledged")
    # A repeated contact is allowed (the first one counts).
    visit = ("k", "contacted", 70, None, None, "visit", None)
    s = nps.recovery_stats(opened_then(ack, visit, visit), **NAMES)
    assert s.launched == 1


def test_forms_do_not_mix() -> None:
    with pytest.raises(nps.InvalidArgumentError) as a:
        nps.recovery_stats([], event="event")
    assert a.value.argument == "event"
    with pytest.raises(nps.InvalidArgumentError) as a:
        nps.recovery_stats(pandas_table(), keys=["x"] * 9, **NAMES)
    assert a.value.argument == "keys"


# --- Equal to the cases built by hand ---------------------------------------------------------

STEPS = ["acknowledged", "contacted", "investigated", "solution_proposed",
         "solution_accepted", "executed", "followed_up"]

case_specs = st.lists(st.tuples(
    st.integers(0, 10),                      # score
    st.sampled_from(["waiting", "price"]),   # reason
    st.booleans(),                           # high value
    st.integers(0, len(STEPS)),              # steps taken
    st.integers(1, 2),                       # package items
    st.sampled_from(["phone", "visit", "message"]),
    st.sampled_from([None, "lost", "recovered"]),
), max_size=6)


def log_of(i: int, spec: tuple[Any, ...], gaps: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of case i and the events a caller would apply by hand."""
    score, reason, high_value, steps, items, channel, close = spec
    t = 1_750_000_000
    times = iter(gaps * 20)
    case_id = f"c{i}"
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []

    def add(kind: str, **fields: Any) -> None:
        nonlocal t
        t += next(times)
        rows.append(dict(case_id=case_id, event=kind, at=t, **fields))
        events.append({"kind": kind, "at": t, **fields})

    add("opened", score=score, reason=reason, high_value=high_value, public_opinion_risk=False)
    for kind in STEPS[:steps]:
        if kind == "contacted":
            add(kind, channel=channel)
        elif kind == "investigated":
            add(kind, responsibility="company")
        elif kind == "solution_proposed":
            t += next(times)
            package = [{"value": 10000 * (k + 1), "currency": "CNY", "layer": "loss_compensation"}
                       for k in range(items)]
            rows.extend(dict(case_id=case_id, event=kind, at=t, **item) for item in package)
            events.append({"kind": kind, "at": t, "items": package})
        else:
            add(kind)
    if close is not None:
        add("closed", outcome=close if steps >= 2 else "lost")
    return rows, events


@settings(max_examples=40, deadline=None)
@given(specs=case_specs, gaps=st.lists(st.integers(0, 40_000), min_size=1, max_size=4),
       seed=st.integers(0, 2**32 - 1))
def test_equals_cases_built_by_hand(specs, gaps, seed) -> None:
    logs = [log_of(i, spec, gaps) for i, spec in enumerate(specs)]
    cases = [nps.Case.from_events(events, case_id=f"c{i}") for i, (_, events) in enumerate(logs)]
    # Interleave the logs, each keeping its own row order.
    rng = random.Random(seed)
    pending = [list(rows) for rows, _ in logs]
    rows: list[dict[str, Any]] = []
    while any(pending):
        rows.append(rng.choice([p for p in pending if p]).pop(0))
    columns = ["case_id", "event", "at", "score", "reason", "high_value", "channel",
               "responsibility", "value", "currency", "layer", "outcome"]
    df = pd.DataFrame(rows, columns=columns)
    df["high_value"] = df["high_value"].fillna(False).astype(bool)
    df["case_id"] = df["case_id"].astype(object)
    names = {c: c for c in columns if c != "case_id"}
    if not rows:  # an empty table: no cases
        df = df.astype({"event": object, "at": "int64"})
    got = nps.recovery_stats(df, case="case_id", **names)
    assert got == nps.recovery_stats(cases)
    # Also per dealer-less month: the cases the table describes, grouped.
    if rows:
        t = nps.recovery_stats(pl.from_pandas(df), period="month", case="case_id", **names)
        assert t.to_dict() == nps.recovery_stats(cases, period="month").to_dict()


def golden_event_table(cases: list[dict[str, Any]]) -> pd.DataFrame:
    """The golden case logs as an event table: one row per event, one row
    per item of a package (its flag and stated expectation on every row)."""
    rows = []
    for c in cases:
        for e in c["events"]:
            base = dict(case_id=c["id"], event=e["kind"],
                        at=int(dt.datetime.fromisoformat(e["at"]).timestamp()),
                        score=e.get("score"), reason=e.get("reason"), channel=e.get("channel"),
                        outcome=e.get("outcome"), high_value=e.get("high_value", False),
                        responsibility=e.get("responsibility"),
                        over_expectation=e.get("over_expectation", False),
                        expectation=e.get("expectation"))
            if e["kind"] == "solution_proposed":
                for it in e["items"]:
                    rows.append(dict(base, value=it["value"], currency=it["currency"],
                                     layer=it["layer"]))
            else:
                rows.append(dict(base, value=None, currency=None, layer=None))
    df = pd.DataFrame(rows)
    df["expectation"] = df["expectation"].astype(float)
    return df


def test_golden_showcase_and_month_from_a_table() -> None:
    """The event table form takes execution_started, video contacts and the
    over-expectation columns: the statistics equal the object form's."""
    import json
    from pathlib import Path
    v = json.loads((Path(__file__).resolve().parents[1] / "golden" / "cases_vectors.json")
                   .read_text(encoding="utf-8"))
    names = dict(NAMES, high_value="high_value", value="value", currency="currency",
                 responsibility="responsibility",
                 layer="layer", over_expectation="over_expectation", expectation="expectation")
    for cases, key in ((v["showcase"]["cases"], v["showcase"]["stats"]),
                       (v["month"]["cases"], v["month"]["stats"])):
        df = golden_event_table(cases)
        s = nps.recovery_stats(df, **names)
        for split in ("by_channel", "by_expectation", "by_compensation", "by_speed"):
            got = [(b.label, b.success.numerator, b.success.denominator) for b in getattr(s, split)]
            want = [(x["label"], x["success"]["numerator"], x["success"]["denominator"])
                    for x in key[split]]
            assert got == want, split
    first = nps.recovery_stats(golden_event_table(v["month"]["cases"]), **names,
                               channel_rule="first_contact")
    assert [(b.label, b.success.denominator) for b in first.by_channel] == [
        (x["label"], x["success"]["denominator"]) for x in v["month_first_contact"]["by_channel"]]
    # A package whose rows state different expectations is named by its row.
    df = golden_event_table(v["showcase"]["cases"][:1])
    rows = df.index[df["event"] == "solution_proposed"]
    df.loc[rows[0], "expectation"] = 100.0
    df.loc[rows[1], "expectation"] = 200.0
    with pytest.raises(nps.InvalidValueError) as e:
        nps.recovery_stats(df, **names)
    assert (e.value.argument, e.value.index) == ("expectation", rows[1])
