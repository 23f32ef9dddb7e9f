"""The `defaults` golden vectors (tests/golden/defaults_vectors.json, see
tests/golden/README.md): every option-taking operation called with its
defaults only gives the oracle's result, and the documented defaults are the
ones the functions use — keyword arguments not given are `None` in the
signature and take nps-core's default, which equals passing the documented
value explicitly."""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path
from typing import Any

import pytest

import nps
import nps.kpi as kpi

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "golden" / "defaults_vectors.json").read_text(encoding="utf-8")
)
DEFAULTS = VECTORS["defaults"]
OPS = VECTORS["operations"]


def near(actual: Any, expected: Any, tol: float, rtol: float | None = None) -> bool:
    if expected is None or actual is None:
        return actual is expected
    if isinstance(expected, str):
        return actual == expected
    if rtol is not None and expected != 0.0:
        return abs(actual - expected) <= rtol * abs(expected)
    return abs(actual - expected) <= tol


def check(actual: dict[str, Any], expected: dict[str, Any], op: dict[str, Any]) -> None:
    tol = op.get("tol", 0.0)
    for k, v in expected.items():
        rtol = op.get("p_rtol") if k == "p_value" else None
        assert near(actual[k], v, tol, rtol), f"{op['name']}: {k} = {actual[k]!r}, expected {v!r}"


def kpi_dict(k: Any) -> dict[str, Any]:
    return {"value": k.value, "numerator": k.numerator, "denominator": k.denominator,
            "coverage": k.coverage}


def result_dict(r: Any) -> dict[str, Any]:
    return {"difference": r.difference, "se": r.se, "statistic": r.statistic,
            "p_value": r.p_value, "low": r.interval.low, "high": r.interval.high,
            "method": r.method, "alternative": r.alternative,
            "confidence": r.interval.confidence}


def run(op: dict[str, Any]) -> dict[str, Any]:
    i = op["inputs"]
    name = op["operation"]
    if name == "interval":
        iv = nps.Tally(*i["categories"]).interval()
        return {"low": iv.low, "high": iv.high, "center": iv.center, "method": iv.method,
                "confidence": iv.confidence}
    if name == "test_benchmark":
        return result_dict(nps.test_benchmark(nps.Tally(*i["categories"]), i["benchmark"]))
    if name == "compare":
        return result_dict(nps.compare(nps.Tally(*i["a"]), nps.Tally(*i["b"])))
    if name == "compare_many":
        pairs = [(nps.Tally(*p["a"]), nps.Tally(*p["b"])) for p in i["pairs"]]
        return {"results": nps.compare_many(pairs)}
    if name == "sample_size":
        return {"n": nps.sample_size(i["margin"], i["promoters"], i["detractors"])}
    if name == "margin_of_error":
        return {"margin": nps.Tally(*i["categories"]).margin_of_error()}
    if name == "job_outcomes":
        return {"outcomes": kpi.job_outcomes(i["vehicles"], i["opened"], i["closed"],
                                             complaints=i["complaints"])}
    if name in ("first_time_fix_rate", "comeback_rate"):
        f = getattr(kpi, name)
        return kpi_dict(f(i["vehicles"], i["opened"], i["closed"], complaints=i["complaints"]))
    if name == "diagnosis_accuracy":
        return kpi_dict(kpi.diagnosis_accuracy(i["vehicles"], i["opened"], i["closed"],
                                               i["operations"], complaints=i["complaints"]))
    if name == "visits_per_resolution":
        return kpi_dict(kpi.visits_per_resolution(i["vehicles"], i["opened"], i["closed"],
                                                  complaints=i["complaints"]))
    if name == "repeat_complaint_rate":
        return kpi_dict(kpi.repeat_complaint_rate(i["subjects"], i["raised"], i["closed"]))
    if name == "csat":
        return kpi_dict(kpi.csat(i["ratings"]))
    if name == "follow_up_completion_rate":
        return kpi_dict(kpi.follow_up_completion_rate(i["service_end"], i["follow_up"]))
    if name == "time_target":
        f = getattr(kpi, i["kpi"])
        t = f([0], [1])  # a time KPI without target_seconds: the benchmark's
        bench = {"reception_response_time": "reception_response_minutes",
                 "delivery_time": "delivery_minutes"}[i["kpi"]]
        return {"benchmark": bench, "target_seconds": t.overall.target_seconds}
    if name == "scorecard":
        results: list[tuple[str, Any]] = []
        for r in i["results"]:
            if "rate" in r:
                num, den = r["rate"]
                v: Any = kpi.rate([1] * num + [0] * (den - num))
            elif "seconds" in r:
                # A time KPI with the default target: its per-visit standard.
                f = kpi.reception_response_time if r["kpi"].startswith("reception") else kpi.delivery_time
                v = f([0] * len(r["seconds"]), r["seconds"])
            else:
                v = r["value"]
            results.append((r["kpi"], v))
        lines = []
        for name_, v in results:  # one line each (names may repeat)
            (line,) = kpi.scorecard({name_: v})
            lines.append(line)
        return {"lines": lines}
    raise AssertionError(f"unknown operation {name}")


@pytest.mark.parametrize("op", OPS, ids=[f"{o['operation']}: {o['name']}" for o in OPS])
def test_defaults_vector(op: dict[str, Any]) -> None:
    actual = run(op)
    if op["operation"] == "scorecard":
        tol = op.get("tol", 0.0)
        assert len(actual["lines"]) == len(op["expected"]["lines"])
        for line, want in zip(actual["lines"], op["expected"]["lines"]):
            got = {"kpi": line.kpi, "value": line.value, "min": line.min, "max": line.max,
                   "standard_minutes": line.standard_minutes, "status": line.status}
            for k, v in want.items():
                assert near(got[k], v, tol), f"{want['kpi']}: {k} = {got[k]!r}, expected {v!r}"
        return
    if op["operation"] == "job_outcomes":
        assert actual == op["expected"]
        return
    if op["operation"] == "compare_many":
        got, want = actual["results"], op["expected"]["results"]
        assert len(got) == len(want)
        for r, w in zip(got, want):
            t = r.result
            flat = {"difference": t.difference, "se": t.se, "statistic": t.statistic,
                    "p_value": t.p_value, "ln_p_value": t.ln_p_value, "low": t.interval.low,
                    "high": t.interval.high, "p_adjusted": r.p_adjusted,
                    "ln_p_adjusted": r.ln_p_adjusted, "significant": r.significant}
            for k, v in w.items():
                if k == "significant":
                    assert flat[k] is v, f"{op['name']}: significant"
                    continue
                rtol = op["p_rtol"] if k in ("p_value", "p_adjusted") else None
                tol = op["ln_tol"] if k.startswith("ln_") else op["tol"]
                assert near(flat[k], v, tol, rtol), f"{op['name']}: {k} = {flat[k]!r}, expected {v!r}"
        return
    check(actual, op["expected"], op)


def test_benchmarks_are_the_default_policy() -> None:
    lines = kpi.scorecard({name: None for name in VECTORS["benchmarks"]})
    for line in lines:
        b = VECTORS["benchmarks"][line.kpi]
        if b["target_share"] is None:
            assert (line.min, line.max, line.standard_minutes) == (b["min"], b["max"], None)
        else:  # a per-visit standard: the share of visits within `max` minutes
            assert (line.min, line.max, line.standard_minutes) == (b["target_share"], None, b["max"])
    spec = {b["kpi"]: b for b in json.loads(nps.Policy.default().to_json())["benchmarks"]}
    for name, b in VECTORS["benchmarks"].items():
        assert (spec[name]["min"], spec[name]["max"], spec[name]["target_share"]) == (
            b["min"], b["max"], b["target_share"]), name


def test_time_benchmark_without_target_share_requires_the_default_share() -> None:
    spec = json.loads(nps.Policy.default().to_json())
    for b in spec["benchmarks"]:
        b.pop("target_share")
    bare = nps.Policy.from_json(json.dumps(spec))
    (line,) = kpi.scorecard({"delivery_minutes": 0.89}, policy=bare)
    assert (line.min, line.status) == (DEFAULTS["target_share"], "misses")


# Options whose default comes from nps-core: `None` in the signature.
NONE_DEFAULTS: list[tuple[Any, list[str]]] = [
    (nps.test_benchmark, ["method", "confidence", "alternative", "pseudo"]),
    (nps.compare, ["method", "confidence", "alternative", "pseudo"]),
    # adjust: None means no adjustment; not given is the core default (Holm),
    # checked in test_documented_defaults_equal_explicit_values.
    (nps.compare_many, ["method", "confidence", "alternative", "pseudo"]),
    (nps.sample_size, ["confidence", "population"]),
    (nps.Tally.interval, ["method", "confidence", "pseudo", "clip", "prior", "credible"]),
    (nps.Tally.margin_of_error, ["confidence"]),
    (nps.group_by, ["tz", "period", "window"]),
    (nps.managed_flags, ["alpha", "min_n", "correction", "invalid"]),
    (kpi.first_time_fix_rate, ["window_days", "as_of", "exclude_incomplete", "tz"]),
    (kpi.comeback_rate, ["window_days", "as_of", "exclude_incomplete", "tz"]),
    (kpi.job_outcomes, ["window_days", "as_of"]),
    (kpi.repeat_complaint_rate, ["window_days", "as_of", "tz"]),
    (kpi.follow_up_completion_rate, ["earliest_days", "latest_days"]),
    (kpi.csat, ["satisfied_min"]),
    (kpi.reception_response_time, ["target_seconds", "policy"]),
    (kpi.delivery_time, ["target_seconds", "policy"]),
    (nps.track_goal, ["confidence"]),
]


@pytest.mark.parametrize("f,names", NONE_DEFAULTS, ids=[f.__qualname__ for f, _ in NONE_DEFAULTS])
def test_defaults_are_none_in_signatures(f: Any, names: list[str]) -> None:
    params = inspect.signature(f).parameters
    for n in names:
        assert params[n].default is None, f"{f.__qualname__}({n}=...) default is {params[n].default!r}"


def test_documented_defaults_equal_explicit_values() -> None:
    d = DEFAULTS
    t, u = nps.Tally(20, 28, 77), nps.Tally(25, 30, 70)
    iv = d["interval"]
    assert t.interval() == t.interval(iv["method"], iv["confidence"])
    te = d["test"]
    assert nps.compare(t, u) == nps.compare(t, u, te["method"], te["confidence"], te["alternative"],
                                            pseudo=tuple(te["pseudo"]))
    assert nps.test_benchmark(t, 20.0) == nps.test_benchmark(
        t, 20.0, te["method"], te["confidence"], te["alternative"], pseudo=tuple(te["pseudo"]))
    assert nps.sample_size(5.0, 0.5, 0.2) == nps.sample_size(5.0, 0.5, 0.2, d["sample_size"]["confidence"])
    assert t.margin_of_error() == t.margin_of_error(d["confidence"])
    # compare_many: not given = the core default (Holm); None = no adjustment.
    pairs = [(t, u), (u, t), (t, t)]
    assert nps.compare_many(pairs) == nps.compare_many(
        pairs, d["compare_many"]["adjust"], te["method"], te["confidence"], te["alternative"],
        pseudo=tuple(te["pseudo"]))
    assert nps.compare_many(pairs, None) == nps.compare_many(pairs, "none")

    day = 86_400
    veh, opened, closed = ["V1", "V1", "V2"], [0, 31 * day, 0], [day, 32 * day, day]
    cb = d["comeback"]
    for f in (kpi.first_time_fix_rate, kpi.comeback_rate):
        a = kpi_dict(f(veh, opened, closed))
        b = kpi_dict(f(veh, opened, closed, window_days=cb["window_days"], as_of=cb["as_of"],
                       exclude_incomplete=cb["exclude_incomplete"]))
        assert a == b
    assert kpi.job_outcomes(veh, opened, closed) == kpi.job_outcomes(veh, opened, closed,
                                                                   window_days=cb["window_days"])
    assert kpi_dict(kpi.repeat_complaint_rate([1, 1], [0, 29 * day], [0, 30 * day])) == kpi_dict(
        kpi.repeat_complaint_rate([1, 1], [0, 29 * day], [0, 30 * day], window_days=cb["window_days"]))
    ends, calls = [0, 0, 0, 0], [day, 3 * day, 7 * day, 7 * day + 1]
    fu = d["follow_up"]
    assert kpi_dict(kpi.follow_up_completion_rate(ends, calls)) == kpi_dict(
        kpi.follow_up_completion_rate(ends, calls, earliest_days=fu["earliest_days"],
                                      latest_days=fu["latest_days"]))
    assert kpi.follow_up_completion_rate(ends, calls).numerator == 2.0
    ratings = [5, 4, 3.9, 1]
    assert kpi_dict(kpi.csat(ratings)) == kpi_dict(kpi.csat(ratings, satisfied_min=d["csat"]["satisfied_min"]))
    for name, target in d["time_targets"].items():
        f = getattr(kpi, name)
        assert f([0], [1]).overall.target_seconds == target
        assert f([0], [1], target_seconds=target).overall == f([0], [1]).overall
    flags_default = nps.managed_flags([10] * 40 + [5] * 40, ["a"] * 40 + ["b"] * 40)
    assert (flags_default.alpha, flags_default.correction) == (0.001, "bonferroni")


def test_time_target_without_benchmark_is_a_typed_error() -> None:
    policy = nps.Policy.default()
    spec = json.loads(policy.to_json())
    spec["benchmarks"] = [b for b in spec["benchmarks"] if b["kpi"] != "delivery_minutes"]
    bare = nps.Policy.from_json(json.dumps(spec))
    with pytest.raises(nps.InvalidArgumentError) as e:
        kpi.delivery_time([0], [60], policy=bare)
    assert e.value.argument == "target_seconds" and "delivery_minutes" in str(e.value)
    assert kpi.delivery_time([0], [60], policy=bare, target_seconds=60).value == 1.0


def test_rate_kpis_go_through_the_core_registry() -> None:
    assert kpi.first_contact_resolution_rate([1, 0, 0], [1, 1, 0]).value == 0.5
    assert math.isclose(kpi.repeat_visit_rate([1, 0, 0]).value, 1 / 3)
