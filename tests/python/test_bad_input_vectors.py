"""The bad-input catalogue (tests/golden/bad_input_vectors.json, written by
gen_bad_input_vectors.py; issue 10 "A catalogue") through the Python API.

Each entry must raise the class of its kind (a subclass of `nps.NpsError`),
with `.index`, `.argument`, a JSON path in `.problems` and `.event` where
the entry names them. Open entries (the library does not do this yet) are
skipped with the reason; entries whose input Python cannot express and
operations in `not_in.python` are skipped; an unknown operation fails.
docs/bad-input.md must be what the generator writes from the same data.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import nps

ROOT = Path(__file__).resolve().parents[2]
DOC = json.loads((ROOT / "tests/golden/bad_input_vectors.json").read_text(encoding="utf-8"))
ENTRIES = DOC["entries"]


def f(v: Any) -> Any:
    """A float with "NaN", "inf", "-inf" for the non-finite values."""
    if isinstance(v, str) and v in ("NaN", "inf", "-inf"):
        return float(v.replace("NaN", "nan"))
    if isinstance(v, list):
        return [f(x) for x in v]
    return v


def opt(v: list) -> list:
    """None (not given) as NaN, the other values as floats."""
    return [math.nan if x is None else float(f(x)) for x in v]


def tally(c: list) -> nps.Tally:
    return nps.Tally(*c)


def merge(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge(out.get(k), v)
    return out


def opts(i: dict, *names: str) -> dict:
    return {n: f(i[n]) for n in names if n in i}


def run(op: str, i: dict) -> Any:  # noqa: C901 - one branch per operation
    k = nps.kpi
    if op == "tally_from_scores":
        return nps.Tally.from_scores(f(i["scores"]))
    if op == "weighted_tally":
        return nps.Tally.from_scores(f(i["scores"]), weights=f(i["weights"]))
    if op == "interval":
        extra = {"pseudo": tuple(f(i["pseudo"]))} if "pseudo" in i else {}
        return tally(i["categories"]).interval(i.get("method"), f(i.get("confidence")), **extra)
    if op == "test_benchmark":
        return nps.test_benchmark(tally(i["categories"]), f(i["benchmark"]), **opts(i, "method", "confidence"))
    if op == "compare":
        return nps.compare(tally(i["a"]), tally(i["b"]), **opts(i, "method", "confidence"))
    if op == "sample_size":
        return nps.sample_size(f(i["margin"]), f(i["promoters"]), f(i["detractors"]),
                               **opts(i, "confidence", "population"))
    if op == "group_by":
        ts = i.get("timestamps")
        if ts is not None and any(isinstance(x, str) for x in ts):
            import numpy as np

            ts = np.array(f(ts), dtype=np.float64)
        return nps.group_by(i.get("keys"), f(i["scores"]), timestamps=ts, **opts(i, "period", "tz"))
    if op == "track_goal":
        return nps.track_goal([tally(h) for h in i["history"]], target=f(i["target"]), months=i["months"],
                              **opts(i, "confidence"))
    if op == "policy_from_json":
        if "text" in i:
            return nps.Policy.from_json(i["text"])
        doc = merge(json.loads(nps.Policy.default().to_json()), i["patch"])
        return nps.Policy.from_json(json.dumps(doc))
    if op == "calendar_from_json":
        return nps.Calendar.from_json(json.dumps(i["calendar"]))
    if op == "calendar_deadline":
        cal = nps.Calendar.from_json(json.dumps(i["calendar"]))
        d = i["duration"]
        if d["unit"] == "business_days":
            return cal.deadline(i["start"], business_days=d["days"])
        span = dt.timedelta(seconds=d["seconds"])
        key = "hours" if d["unit"] == "wall" else "business_hours"
        return cal.deadline(i["start"], **{key: span})
    if op == "case_from_events":
        return nps.Case.from_events(i["events"])
    if op == "case_apply":
        c = nps.Case.from_events(i["events"])
        before = c.to_json()
        try:
            return c.apply(i["event"])
        finally:
            assert c.to_json() == before, "a rejected event changed the case"
    if op == "rank_open_cases":
        cases = [nps.Case.from_events(c["events"], case_id=c["id"]) for c in i["cases"]]
        return nps.rank_open_cases(cases, f(i["values"]), i["now"])
    if op == "rerated_nps":
        return nps.rerated_nps(f(i["original"]), opt(i["rerated"]))
    if op == "managed_flags":
        return nps.managed_flags(f(i["scores"]), i["keys"], **opts(i, "alpha"))
    if op == "technician_figures":
        return k.technician_figures(f(i["worked_hours"]), f(i["available_hours"]), srt_hours=opt(i["srt_hours"]))
    if op == "hours_per_ro":
        return k.hours_per_ro(f(i["worked_hours"]), srt_hours=opt(i["srt_hours"]), basis=i["basis"])
    if op == "bay_utilization":
        cal = nps.Calendar.from_json(json.dumps(i["calendar"]))
        return k.bay_utilization(f(i["occupied_hours"]), repair_bays=i["repair_bays"], calendar=cal,
                                 start=i["from"], end=i["to"])
    if op == "kpi_rate":
        return k.rate(i["flags"], i.get("eligible"))
    if op == "csat":
        return k.csat(f(i["ratings"]), **opts(i, "satisfied_min"))
    if op == "time_kpi":
        return k.time_kpi(target_seconds=i["target_seconds"], seconds=i["seconds"])
    if op == "first_time_fix_rate":
        return k.first_time_fix_rate(i["vehicles"], i["opened"], i["closed"], **opts(i, "window_days"))
    if op == "effective_labour_rate":
        return k.effective_labour_rate(i["sales_minor"], f(i["hours_sold"]), i["pay_types"])
    if op == "follow_up_completion_rate":
        return k.follow_up_completion_rate(i["service_end"], i["follow_up"], excluded=i.get("excluded"),
                                           **opts(i, "earliest_days", "latest_days"))
    if op == "repeat_complaint_rate":
        return k.repeat_complaint_rate(i["subjects"], i["raised"], i["closed"], **opts(i, "window_days"))
    if op == "heat_map_from_rows":
        return nps.HeatMap.from_rows(i["stages"], i["points"], i["mentions"], i["pain"])
    if op == "erlang_c":
        return nps.erlang_c(arrival_rate=f(i["arrival_rate"]), service_time=f(i["service_time"]),
                            servers=i["servers"], **opts(i, "target_wait"))
    if op == "servers_needed":
        return nps.servers_needed(arrival_rate=f(i["arrival_rate"]), service_time=f(i["service_time"]),
                                  target_wait=f(i["target_wait"]), target_share=f(i["target_share"]),
                                  **opts(i, "max_mean_wait"))
    if op == "triage":
        at = i["submitted_at"]
        if at == "NaT":
            import pandas as pd

            at = pd.NaT
        return nps.Policy.default().triage(i["score"], at)
    if op == "set_max_threads":
        before = nps.max_threads()
        try:
            return nps.set_max_threads(i["n"])
        finally:
            nps.set_max_threads(before)
    raise AssertionError(f"unknown operation `{op}`")


def replay(v: dict) -> None:
    """Raises AssertionError unless the entry fails exactly as catalogued."""
    want = v["error"]
    cls = getattr(nps, DOC["kinds"][want["kind"]]["python"])
    try:
        run(v["operation"], v["inputs"])
    except nps.NpsError as e:
        assert type(e) is cls, f"{type(e).__name__}, expected {cls.__name__}: {e}"
        assert e.kind == want["kind"]
        if "index" in want:
            assert getattr(e, "index", None) == want["index"], f"index {getattr(e, 'index', None)}: {e}"
        if "argument" in want:
            assert getattr(e, "argument", None) == want["argument"], f"argument {getattr(e, 'argument', None)}: {e}"
        if "path" in want:
            paths = [p for p, _ in e.problems]
            assert want["path"] in paths, f"paths {paths}"
        if "event" in want:
            assert e.event == want["event"], f"event {e.event}: {e}"
        assert len(str(e)) <= 2000, "the message is longer than 2,000 characters"
        return
    except AssertionError:
        raise
    except Exception as e:  # outside the hierarchy: OverflowError, plain ValueError, ...
        raise AssertionError(f"{type(e).__name__} outside nps.NpsError: {e}") from e
    raise AssertionError("succeeded; expected an error")


def _skip_reason(v: dict) -> str | None:
    if v["operation"] in DOC["not_in"]["python"]:
        return "not in Python"
    if "python" in v.get("inexpressible", {}):
        return "not expressible in Python: " + v["inexpressible"]["python"]
    return None


def _is_open(v: dict) -> bool:
    return v["status"] == "open" and "python" in v.get("open_in", ["python"])


@pytest.mark.parametrize("v", ENTRIES, ids=[v["id"] for v in ENTRIES])
def test_entry(v: dict) -> None:
    assert v["operation"] in DOC["operations"], f"operation {v['operation']} not declared"
    why = _skip_reason(v)
    if why:
        pytest.skip(why)
    if _is_open(v):
        try:
            replay(v)
        except AssertionError as e:
            pytest.skip(f"open (issue 10 item {v.get('issue_item', '?')}): {v.get('wrong_today', '')} [{e}]")
        pytest.fail(f"{v['id']} is open but now passes: mark it fixed")
    replay(v)


def test_enough_entries_replayed() -> None:
    n = sum(1 for v in ENTRIES if not _skip_reason(v) and not _is_open(v))
    assert n >= 60


def test_the_reader_can_fail() -> None:
    v = copy.deepcopy(next(x for x in ENTRIES if x["id"] == "score_eleven"))
    replay(v)
    v["error"]["index"] = 2
    with pytest.raises(AssertionError):
        replay(v)
    v["error"] = {"kind": "no_data"}
    with pytest.raises(AssertionError):
        replay(v)
    v["operation"] = "no_such_operation"
    with pytest.raises(AssertionError, match="unknown operation"):
        replay(v)


def test_catalogue_and_doc_are_generated() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "tests/golden/gen_bad_input_vectors.py"), "--check"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
