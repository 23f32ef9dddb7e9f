//! Service KPIs (SPEC §6): the golden vectors of `golden/kpi_vectors.json`
//! (written by `gen_kpi_vectors.py`, an independent stdlib oracle), the
//! proptest invariants and bad input.

use std::sync::OnceLock;

use nps_core::calendar::Calendar;
use nps_core::group::{GroupKey, Keys};
use nps_core::kpi::{
    bay_utilization, comeback_rate, diagnosis_accuracy, effective_labour_rate, first_time_fix_rate,
    follow_up_completion_rate, job_outcomes, rate, ready_when_promised, scorecard,
    technician_figures, technician_figures_by, time_kpi, time_kpi_durations, visits_per_resolution,
    ComebackOptions, CsatOptions, FollowUpOptions, Grouping, JobOutcome, Jobs, Kpi, PayType,
    SrtCatalog, Status,
};
use nps_core::kpi::{scorecard_of, TimeMeasure, Unit};
use nps_core::policy::Policy;
use nps_core::ErrorKind;
use nps_tests::Value;
use proptest::prelude::*;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let p =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/kpi_vectors.json");
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
    })
}

fn section(name: &str) -> &'static [Value] {
    vectors()[name].as_array().unwrap()
}

const TOL: f64 = 1e-9;

fn close(what: &str, got: Option<f64>, want: &Value) {
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= TOL * w.abs().max(1.0),
            "{what}: {g} != {w}"
        ),
        _ => panic!("{what}: {got:?} != {want}"),
    }
}

fn check_kpi(what: &str, k: &Kpi, e: &Value) {
    close(&format!("{what}.value"), k.value, &e["value"]);
    close(
        &format!("{what}.numerator"),
        Some(k.numerator),
        &e["numerator"],
    );
    close(
        &format!("{what}.denominator"),
        Some(k.denominator),
        &e["denominator"],
    );
    close(&format!("{what}.coverage"), k.coverage, &e["coverage"]);
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// String or integer ids as owned strings (integers keep their decimal form).
fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
        .collect()
}

/// Diagnosis accuracy and visits per resolution, overall and by the
/// dealer of the first visit, merged from a split by vehicle, and after a
/// save and load.
#[test]
fn golden_episodes() {
    for v in section("episodes") {
        let name = v["name"].as_str().unwrap();
        let (veh, ops, dealers) = (
            labels(&v["vehicles"]),
            labels(&v["operations"]),
            labels(&v["dealers"]),
        );
        let comp = (!v["complaints"].is_null()).then(|| labels(&v["complaints"]));
        let (opened, closed) = (ints(&v["opened"]), ints(&v["closed"]));
        let opts = ComebackOptions {
            window_seconds: v["window_seconds"].as_i64().unwrap(),
            as_of: v["as_of"].as_i64(),
            exclude_incomplete: v["exclude_incomplete"].as_bool().unwrap(),
        };
        let e = &v["expected"];
        // The tables of the rows `keep` selects (a vehicle partition, or all).
        let run = |keep: &dyn Fn(usize) -> bool| {
            let idx: Vec<usize> = (0..veh.len()).filter(|&i| keep(i)).collect();
            fn pick<'a>(idx: &[usize], x: &'a [String]) -> Vec<&'a str> {
                idx.iter().map(|&i| x[i].as_str()).collect()
            }
            let (vv, oo, dd) = (pick(&idx, &veh), pick(&idx, &ops), pick(&idx, &dealers));
            let cc = comp.as_ref().map(|c| pick(&idx, c));
            let (op, cl): (Vec<i64>, Vec<i64>) =
                idx.iter().map(|&i| (opened[i], closed[i])).unzip();
            let jobs = Jobs {
                vehicles: Keys::Str(&vv),
                complaints: cc.as_deref().map(Keys::Str),
                opened: &op,
                closed: &cl,
            };
            let g = Grouping {
                keys: Some(Keys::Str(&dd)),
                ..Default::default()
            };
            (
                diagnosis_accuracy(&jobs, Keys::Str(&oo), &opts, &g).unwrap(),
                visits_per_resolution(&jobs, &opts, &g).unwrap(),
            )
        };
        let (d, w) = run(&|_| true);
        check_kpi(name, &d.overall, &e["diagnosis_accuracy"]);
        check_kpi(name, &w.overall, &e["visits_per_resolution"]);
        let by = e["by_dealer"].as_array().unwrap();
        assert_eq!(d.groups.len(), by.len(), "{name}");
        assert_eq!(w.groups.len(), by.len(), "{name}");
        for ((dg, wg), x) in d.groups.iter().zip(&w.groups).zip(by) {
            let key = GroupKey::Str(x["key"].as_str().unwrap().to_owned());
            assert_eq!((&dg.key, &wg.key), (&key, &key), "{name}");
            check_kpi(name, &dg.kpi, &x["diagnosis_accuracy"]);
            check_kpi(name, &wg.kpi, &x["visits_per_resolution"]);
        }
        // Partitioned by vehicle, the parts merge to the whole.
        if let Some(first) = veh.first() {
            let (d1, w1) = run(&|i| veh[i] == *first);
            let (d2, w2) = run(&|i| veh[i] != *first);
            assert_eq!(d1.merge(&d2).unwrap(), d, "{name}");
            assert_eq!(w1.merge(&w2).unwrap(), w, "{name}");
            if veh.iter().any(|x| x != first) {
                assert!(d1.merge(&d1).is_err(), "{name}: a vehicle in both parts");
            }
        }
        let back: nps_core::kpi::KpiTable =
            serde_json::from_value(serde_json::to_value(&w).unwrap()).unwrap();
        assert_eq!(back, w, "{name}");
    }
}

#[test]
fn golden_first_time_fix() {
    for v in section("first_time_fix") {
        let name = v["name"].as_str().unwrap();
        let veh = labels(&v["vehicles"]);
        let veh: Vec<&str> = veh.iter().map(String::as_str).collect();
        let comp = (!v["complaints"].is_null()).then(|| labels(&v["complaints"]));
        let comp: Option<Vec<&str>> = comp
            .as_ref()
            .map(|c| c.iter().map(String::as_str).collect());
        let (opened, closed) = (ints(&v["opened"]), ints(&v["closed"]));
        let jobs = Jobs {
            vehicles: Keys::Str(&veh),
            complaints: comp.as_deref().map(Keys::Str),
            opened: &opened,
            closed: &closed,
        };
        let opts = ComebackOptions {
            window_seconds: v["window_seconds"].as_i64().unwrap(),
            as_of: v["as_of"].as_i64(),
            exclude_incomplete: v["exclude_incomplete"].as_bool().unwrap(),
        };
        let e = &v["expected"];
        let want: Vec<JobOutcome> = serde_json::from_value(e["outcomes"].clone()).unwrap();
        assert_eq!(job_outcomes(&jobs, &opts).unwrap(), want, "{name}");
        let g = Grouping::default();
        check_kpi(
            name,
            &first_time_fix_rate(&jobs, &opts, &g).unwrap().overall,
            &e["first_time_fix_rate"],
        );
        check_kpi(
            name,
            &comeback_rate(&jobs, &opts, &g).unwrap().overall,
            &e["comeback_rate"],
        );
    }
}

#[test]
fn golden_bay_utilization() {
    for v in section("bay_utilization") {
        let name = v["name"].as_str().unwrap();
        let cal = Calendar::from_json(&v["calendar"].to_string()).unwrap();
        let (from, to) = (v["from"].as_i64().unwrap(), v["to"].as_i64().unwrap());
        let e = &v["expected"];
        assert_eq!(
            cal.elapsed(from, to, &[]).unwrap(),
            e["open_seconds"].as_i64().unwrap(),
            "{name}"
        );
        let repair: Option<Vec<bool>> = v["repair_bay"]
            .as_array()
            .map(|a| a.iter().map(|b| b.as_bool().unwrap()).collect());
        let k = bay_utilization(
            &floats(&v["occupied_hours"]),
            repair.as_deref(),
            v["repair_bays"].as_u64().unwrap() as u32,
            &cal,
            from,
            to,
        )
        .unwrap();
        check_kpi(name, &k, e);
    }
}

#[test]
fn golden_technician() {
    for v in section("technician") {
        let name = v["name"].as_str().unwrap();
        let srt: Vec<Option<f64>> = v["srt_hours"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::as_f64)
            .collect();
        let f = technician_figures(
            &floats(&v["worked_hours"]),
            &srt,
            v["available_hours"].as_f64().unwrap(),
        )
        .unwrap();
        let e = &v["expected"];
        check_kpi(name, &f.efficiency, &e["efficiency"]);
        check_kpi(name, &f.productivity, &e["productivity"]);
        check_kpi(name, &f.proficiency, &e["proficiency"]);
    }
}

#[test]
fn golden_time() {
    for v in section("time") {
        let name = v["name"].as_str().unwrap();
        let secs = ints(&v["seconds"]);
        let target = v["target_seconds"].as_i64().unwrap();
        let e = &v["expected"];
        let t = time_kpi_durations(&secs, target, &Grouping::default())
            .unwrap()
            .overall;
        assert_eq!(t.n, e["n"].as_u64().unwrap(), "{name}");
        close(name, t.mean, &e["mean"]);
        close(name, t.median, &e["median"]);
        close(name, t.p90, &e["p90"]);
        check_kpi(name, &t.within_target, &e["within_target"]);
        // The same through timestamps (start 0, end = duration).
        let starts = vec![1_700_000_000; secs.len()];
        let ends: Vec<i64> = secs.iter().map(|s| 1_700_000_000 + s).collect();
        let t2 = time_kpi(&starts, &ends, target, &Grouping::default())
            .unwrap()
            .overall;
        assert_eq!(t, t2, "{name}");
    }
}

#[test]
fn golden_scorecard() {
    let p = Policy::default();
    let cases = section("scorecard");
    let input: Vec<(&str, Option<f64>)> = cases
        .iter()
        .map(|c| (c["kpi"].as_str().unwrap(), c["value"].as_f64()))
        .collect();
    for (line, c) in scorecard(&input, &p.benchmarks).iter().zip(cases) {
        assert_eq!(
            line.status.name(),
            c["status"].as_str().unwrap(),
            "{}",
            line.kpi
        );
        assert_eq!(line.min, c["min"].as_f64(), "{}", line.kpi);
        assert_eq!(line.max, c["max"].as_f64(), "{}", line.kpi);
        assert_eq!(
            line.standard_minutes,
            c["standard_minutes"].as_f64(),
            "{}",
            line.kpi
        );
    }
}

/// Reception and delivery time are per-visit standards: a time KPI is
/// judged by its share of visits within the standard, not by its mean
/// (kpi_vectors.json "scorecard_time").
#[test]
fn golden_scorecard_time() {
    let p = Policy::default();
    let g = Grouping::default();
    for c in section("scorecard_time") {
        let name = c["name"].as_str().unwrap();
        let kpi = c["kpi"].as_str().unwrap();
        let e = &c["expected"];
        let target = c["target_seconds"].as_i64().unwrap();
        let measure = TimeMeasure::ALL
            .into_iter()
            .find(|m| m.benchmark() == kpi)
            .unwrap();
        assert_eq!(measure.target_seconds(&p.benchmarks).unwrap(), target);
        let t = time_kpi_durations(&ints(&c["seconds"]), target, &g).unwrap();
        let lines = scorecard_of(&[(kpi, (&t).into())], &p.benchmarks).unwrap();
        let l = &lines[0];
        assert_eq!(l.status.name(), e["status"].as_str().unwrap(), "{name}");
        match (l.value, e["value"].as_f64()) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "{name}: {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "{name}"),
        }
        assert_eq!(l.unit.map(Unit::name), Some("fraction"), "{name}");
        assert_eq!(
            (l.min, l.max),
            (e["min"].as_f64(), e["max"].as_f64()),
            "{name}"
        );
        assert_eq!(l.standard_minutes, e["standard_minutes"].as_f64(), "{name}");
        // The mean says something else in these cases: the old rule.
        match (t.overall.mean_minutes(), e["mean_minutes"].as_f64()) {
            (Some(a), Some(b)) => {
                assert!((a - b).abs() < 1e-12, "{name}");
                let by_mean = a <= l.standard_minutes.unwrap();
                assert_eq!(Some(by_mean), e["mean_within_standard"].as_bool(), "{name}");
            }
            (a, b) => assert_eq!(a, b, "{name}"),
        }
        // Computed with another target, the time KPI is refused.
        let other = time_kpi_durations(&ints(&c["seconds"]), target + 1, &g).unwrap();
        let err = scorecard_of(&[(kpi, (&other).into())], &p.benchmarks).unwrap_err();
        assert_eq!(err.argument(), Some("target_seconds"), "{name}");
    }
}

#[test]
fn srt_catalog_and_wheel_alignment() {
    let cat = SrtCatalog::new([("WHEEL_ALIGN", 0.8), ("OIL", 0.5)]).unwrap();
    let srt = cat.lookup(&["WHEEL_ALIGN", "UNKNOWN"]);
    let f = technician_figures(&[0.75, 1.0], &srt, 8.0).unwrap();
    // 0.8 / 0.75 = 106.67 %; the unknown code is left out (coverage 1/2).
    assert!((f.efficiency.value.unwrap() - 0.8 / 0.75).abs() < 1e-12);
    assert_eq!(f.efficiency.coverage, Some(0.5));
    let back = SrtCatalog::from_json(&cat.to_json()).unwrap();
    assert_eq!(back, cat);
}

#[test]
fn grouped_by_technician_and_dealer() {
    let t = technician_figures_by(
        &[2.0, 3.2, 2.0, 1.0],
        &[Some(2.5), Some(4.0), Some(2.5), None],
        Keys::Str(&["ann", "ann", "ann", "bob"]),
        &[4.0, 4.0, 8.0],
        Keys::Str(&["ann", "ann", "bob"]),
    )
    .unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].1.productivity.value, Some(7.2 / 8.0));
    assert_eq!(t[0].1.efficiency.value, Some(9.0 / 7.2));
    assert_eq!(t[1].1.efficiency.value, None);
    assert_eq!(t[1].1.efficiency.coverage, Some(0.0));
    let by = rate(
        &[true, false, true],
        None,
        &Grouping {
            keys: Some(Keys::U32(&[2, 1, 2])),
            ..Grouping::default()
        },
    )
    .unwrap();
    assert_eq!(by.groups[0].key, GroupKey::UInt(1));
    assert_eq!(by.groups[0].kpi.value, Some(0.0));
    assert_eq!(by.groups[1].kpi.value, Some(1.0));
}

#[test]
fn labour_rate_per_pay_type() {
    let pay = PayType::parse_column(&["customer", "warranty", "customer", "internal"]).unwrap();
    let r = effective_labour_rate(
        &[40_000, 15_000, 20_000, 5_000],
        &[2.0, 1.5, 1.0, 1.0],
        &pay,
    )
    .unwrap();
    assert_eq!(
        r.by_pay_type[0],
        (PayType::Customer, Kpi::ratio(60_000.0, 3.0, Some(1.0)))
    );
    assert_eq!(r.by_pay_type[1].1.value, Some(10_000.0));
    assert_eq!(r.by_pay_type[2].1.value, Some(5_000.0));
    assert_eq!(r.overall.value, Some(80_000.0 / 5.5));
}

/// Jobs opened at the same instant are not comebacks of each other, and
/// each of them is judged against the first job opened strictly later (a
/// chain of ties is linear, not quadratic).
#[test]
fn comebacks_with_ties() {
    const DAY: i64 = 86_400;
    let n = 20_000;
    // n jobs of one vehicle opened at t = 0 (closed at 1 h), then one more
    // at 10 days: every tied job came back, the last one did not.
    let mut opened = vec![0i64; n];
    opened.push(10 * DAY);
    let closed: Vec<i64> = opened.iter().map(|t| t + 3600).collect();
    let vehicles = vec![7u64; n + 1];
    let jobs = Jobs {
        vehicles: Keys::U64(&vehicles),
        complaints: None,
        opened: &opened,
        closed: &closed,
    };
    let out = job_outcomes(&jobs, &ComebackOptions::default()).unwrap();
    assert!(out[..n].iter().all(|o| *o == JobOutcome::CameBack));
    assert_eq!(out[n], JobOutcome::Fixed);
    // as_of is checked by job_outcomes itself.
    let opts = ComebackOptions {
        as_of: Some(i64::MIN),
        ..ComebackOptions::default()
    };
    assert_eq!(
        job_outcomes(&jobs, &opts).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
}

#[test]
fn optional_timestamps_are_checked() {
    let g = Grouping::default();
    let e = ready_when_promised(&[100, 200], &[Some(100), Some(i64::MAX)], &g).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
    let ten = FollowUpOptions {
        earliest_seconds: 0,
        latest_seconds: 10,
    };
    let e = follow_up_completion_rate(&[100], &[Some(i64::MIN)], None, &ten, &g).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(0)));
}

#[test]
fn bad_input() {
    let g = Grouping::default();
    let kind = |r: nps_core::Error| r.kind();
    // Negative hours, NaN, mismatched lengths, unknown pay type.
    let e = technician_figures(&[1.0, -2.0], &[None, None], 8.0).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
    let e = technician_figures(&[f64::NAN], &[None], 8.0).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(0)));
    assert_eq!(
        kind(technician_figures(&[1.0], &[], 8.0).unwrap_err()),
        ErrorKind::LengthMismatch
    );
    assert_eq!(
        kind(technician_figures(&[1.0], &[None], -1.0).unwrap_err()),
        ErrorKind::InvalidArgument
    );
    let e = PayType::parse_column(&["customer", "goodwill"]).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
    let cal = Calendar::from_json(r#"{"tz":"UTC","weekly":{"mon":[["09:00","17:00"]]}}"#).unwrap();
    assert_eq!(
        kind(bay_utilization(&[f64::INFINITY], None, 6, &cal, 0, 86_400).unwrap_err()),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        kind(bay_utilization(&[1.0], Some(&[]), 6, &cal, 0, 86_400).unwrap_err()),
        ErrorKind::LengthMismatch
    );
    assert_eq!(
        kind(bay_utilization(&[1.0], None, 6, &cal, 86_400, 0).unwrap_err()),
        ErrorKind::InvalidArgument
    );
    let e = time_kpi(&[10, 10], &[20, 5], 60, &g).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
    assert_eq!(
        kind(time_kpi_durations(&[1], -1, &g).unwrap_err()),
        ErrorKind::InvalidArgument
    );
    let jobs = Jobs {
        vehicles: Keys::U32(&[1, 2]),
        complaints: None,
        opened: &[10, 10],
        closed: &[20, 5],
    };
    let e = first_time_fix_rate(&jobs, &ComebackOptions::default(), &g).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(1)));
    let jobs = Jobs {
        vehicles: Keys::U32(&[1, 2]),
        complaints: None,
        opened: &[i64::MIN, 10],
        closed: &[20, 20],
    };
    let e = first_time_fix_rate(&jobs, &ComebackOptions::default(), &g).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidValue, Some(0)));
    assert_eq!(
        kind(SrtCatalog::new([("A", 1.0), ("A", 2.0)]).unwrap_err()),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        kind(SrtCatalog::from_json("[1]").unwrap_err()),
        ErrorKind::InvalidArgument
    );
    let bad = Grouping {
        period: Some(nps_core::period::Period::Month),
        ..Grouping::default()
    };
    assert_eq!(
        kind(rate(&[true], None, &bad).unwrap_err()),
        ErrorKind::InvalidArgument
    );
    assert_eq!(Status::of(None, None), Status::NoData);
}

/// Vehicles, complaint keys, opened offsets, durations, dealers.
type JobCols = (Vec<u32>, Vec<u8>, Vec<i64>, Vec<i64>, Vec<u8>);

fn jobs_strategy() -> impl Strategy<Value = JobCols> {
    (1usize..40).prop_flat_map(|n| {
        (
            prop::collection::vec(0u32..5, n),
            prop::collection::vec(0u8..3, n),
            prop::collection::vec(0i64..120 * 86_400, n),
            prop::collection::vec(0i64..3 * 86_400, n),
            prop::collection::vec(0u8..3, n),
        )
    })
}

proptest! {
    #[test]
    fn ftfr_invariants((veh, comp, opened, dur, dealer) in jobs_strategy(), window in 0i64..40, as_of in prop::option::of(0i64..130 * 86_400)) {
        let base = 1_600_000_000;
        let opened: Vec<i64> = opened.iter().map(|o| base + o).collect();
        let closed: Vec<i64> = opened.iter().zip(&dur).map(|(o, d)| o + d).collect();
        let comp: Vec<u32> = comp.iter().map(|&c| u32::from(c)).collect();
        let dealer: Vec<u32> = dealer.iter().map(|&c| u32::from(c)).collect();
        let jobs = Jobs { vehicles: Keys::U32(&veh), complaints: Some(Keys::U32(&comp)), opened: &opened, closed: &closed };
        let opts = ComebackOptions { window_seconds: window * 86_400, as_of: as_of.map(|a| base + a), exclude_incomplete: true };
        let g = Grouping { keys: Some(Keys::U32(&dealer)), ..Grouping::default() };
        let f = first_time_fix_rate(&jobs, &opts, &g).unwrap();
        let c = comeback_rate(&jobs, &opts, &g).unwrap();
        // FTFR + comeback = 1 whenever defined.
        if let (Some(a), Some(b)) = (f.overall.value, c.overall.value) {
            prop_assert!((a + b - 1.0).abs() < 1e-12);
        }
        prop_assert_eq!(f.overall.value.is_some(), c.overall.value.is_some());
        // Grouped numerators and denominators sum to the overall ones.
        let num: f64 = f.groups.iter().map(|g| g.kpi.numerator).sum();
        let den: f64 = f.groups.iter().map(|g| g.kpi.denominator).sum();
        prop_assert_eq!(num, f.overall.numerator);
        prop_assert_eq!(den, f.overall.denominator);
        // Invariant to row order (reversed).
        let rev = |v: &[u32]| v.iter().rev().copied().collect::<Vec<_>>();
        let (rv, rc) = (rev(&veh), rev(&comp));
        let ro: Vec<i64> = opened.iter().rev().copied().collect();
        let rcl: Vec<i64> = closed.iter().rev().copied().collect();
        let rj = Jobs { vehicles: Keys::U32(&rv), complaints: Some(Keys::U32(&rc)), opened: &ro, closed: &rcl };
        let f2 = first_time_fix_rate(&rj, &opts, &Grouping::default()).unwrap();
        prop_assert_eq!(f2.overall, f.overall);
    }

    #[test]
    fn time_kpi_invariants(secs in prop::collection::vec(0i64..10_000, 0..50), keys in prop::collection::vec(0u32..4, 50), target in 0i64..10_000) {
        let keys = &keys[..secs.len()];
        let g = Grouping { keys: Some(Keys::U32(keys)), ..Grouping::default() };
        let t = time_kpi_durations(&secs, target, &g).unwrap();
        let mut rev = secs.clone();
        rev.reverse();
        let t2 = time_kpi_durations(&rev, target, &Grouping::default()).unwrap();
        prop_assert_eq!(t.overall, t2.overall);
        let num: f64 = t.groups.iter().map(|g| g.kpi.within_target.numerator).sum();
        prop_assert_eq!(num, t.overall.within_target.numerator);
        if let (Some(m), Some(p)) = (t.overall.median, t.overall.p90) {
            prop_assert!(m <= p);
        }
    }
}

fn opt_ints(v: &Value) -> Vec<Option<i64>> {
    v.as_array().unwrap().iter().map(Value::as_i64).collect()
}

#[test]
fn golden_money_and_rates() {
    use nps_core::kpi::{
        csat, follow_up_completion_rate, hours_per_ro, ready_when_promised, repeat_complaint_rate,
        service_revenue_per_engineer, HoursBasis,
    };
    let g = Grouping::default();
    for v in section("labour_rate") {
        let pay: Vec<&str> = v["pay_types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let r = effective_labour_rate(
            &ints(&v["sales_minor"]),
            &floats(&v["hours_sold"]),
            &PayType::parse_column(&pay).unwrap(),
        )
        .unwrap();
        let e = &v["expected"];
        check_kpi("labour.overall", &r.overall, &e["overall"]);
        for p in PayType::ALL {
            let want = &e["by_pay_type"][p.name()];
            match r.by_pay_type.iter().find(|(t, _)| *t == p) {
                Some((_, k)) => check_kpi(p.name(), k, want),
                None => assert!(want.is_null(), "{}: missing", p.name()),
            }
        }
    }
    for v in section("hours_per_ro") {
        let srt: Vec<Option<f64>> = v["srt_hours"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::as_f64)
            .collect();
        let w = floats(&v["worked_hours"]);
        for (basis, name) in [(HoursBasis::Srt, "srt"), (HoursBasis::Worked, "worked")] {
            let k = hours_per_ro(&srt, &w, basis).unwrap();
            check_kpi(name, &k, &v["expected"][name]);
        }
    }
    for v in section("ready_when_promised") {
        let t = ready_when_promised(&ints(&v["delivered"]), &opt_ints(&v["promised"]), &g).unwrap();
        check_kpi("rwp", &t.overall, &v["expected"]);
    }
    for v in section("follow_up") {
        let excluded: Option<Vec<bool>> = v["excluded"]
            .as_array()
            .map(|x| x.iter().map(|b| b.as_bool().unwrap()).collect());
        let t = follow_up_completion_rate(
            &ints(&v["service_end"]),
            &opt_ints(&v["follow_up"]),
            excluded.as_deref(),
            &FollowUpOptions {
                earliest_seconds: v["earliest_seconds"].as_i64().unwrap(),
                latest_seconds: v["latest_seconds"].as_i64().unwrap(),
            },
            &g,
        )
        .unwrap();
        check_kpi(v["name"].as_str().unwrap(), &t.overall, &v["expected"]);
    }
    for v in section("csat") {
        let t = csat(
            &floats(&v["ratings"]),
            &CsatOptions {
                satisfied_min: v["satisfied_min"].as_f64().unwrap(),
            },
            &g,
        )
        .unwrap();
        check_kpi("csat", &t.overall, &v["expected"]);
    }
    for v in section("revenue_per_engineer") {
        let k = service_revenue_per_engineer(
            &ints(&v["revenue_minor"]),
            u32::try_from(v["engineers"].as_u64().unwrap()).unwrap(),
        )
        .unwrap();
        check_kpi("revenue", &k, &v["expected"]);
    }
    for v in section("repeat_complaint") {
        let s: Vec<u64> = ints(&v["subjects"]).into_iter().map(|x| x as u64).collect();
        let t = repeat_complaint_rate(
            Keys::U64(&s),
            &ints(&v["raised"]),
            &ints(&v["closed"]),
            &ComebackOptions {
                as_of: v["as_of"].as_i64(),
                ..ComebackOptions::window_days(
                    u32::try_from(v["window_days"].as_u64().unwrap()).unwrap(),
                )
            },
            &g,
        )
        .unwrap();
        check_kpi("repeat", &t.overall, &v["expected"]);
    }
}

#[test]
fn golden_grouped_rate() {
    for v in section("grouped_rate") {
        let flags: Vec<bool> = ints(&v["flags"]).into_iter().map(|f| f == 1).collect();
        let keys: Vec<u32> = ints(&v["keys"]).into_iter().map(|k| k as u32).collect();
        let ts = ints(&v["timestamps"]);
        let g = Grouping {
            keys: Some(Keys::U32(&keys)),
            timestamps: Some(&ts),
            period: Some(nps_core::period::Period::Month),
            tz: v["tz"].as_str(),
        };
        let t = rate(&flags, None, &g).unwrap();
        check_kpi("overall", &t.overall, &v["expected"]["overall"]);
        let want = v["expected"]["groups"].as_array().unwrap();
        assert_eq!(t.groups.len(), want.len());
        for (got, w) in t.groups.iter().zip(want) {
            assert_eq!(got.key, GroupKey::UInt(w["key"].as_u64().unwrap()));
            assert_eq!(
                got.period_start.unwrap().to_string(),
                w["period_start"].as_str().unwrap()
            );
            check_kpi("group", &got.kpi, &w["kpi"]);
        }
    }
}

// ---- Partial results: merging and saved states ----

/// The parts of `0..n` cut at `cuts` (each an index into the positions
/// `0..=n`; empty parts allowed when `empty`, else each part non-empty).
pub(crate) fn parts_of(
    n: usize,
    cuts: &[prop::sample::Index],
    empty: bool,
) -> Vec<std::ops::Range<usize>> {
    let mut at: Vec<usize> = if empty {
        cuts.iter().map(|c| c.index(n + 1)).collect()
    } else if n >= 2 {
        cuts.iter().map(|c| 1 + c.index(n - 1)).collect()
    } else {
        Vec::new()
    };
    at.extend([0, n]);
    at.sort_unstable();
    if !empty {
        at.dedup();
    }
    at.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Merges `parts` (in order) as a binary tree whose shape `choices` picks:
/// at each node the left subtree takes `1 + choice % (len − 1)` parts.
pub(crate) fn tree<T: Clone, E>(
    parts: &[T],
    choices: &[usize],
    next: &mut usize,
    merge: &dyn Fn(&T, &T) -> Result<T, E>,
) -> Result<T, E> {
    if parts.len() == 1 {
        return Ok(parts[0].clone());
    }
    let c = choices
        .get(*next % choices.len().max(1))
        .copied()
        .unwrap_or(0);
    *next += 1;
    let k = 1 + c % (parts.len() - 1);
    let left = tree(&parts[..k], choices, next, merge)?;
    let right = tree(&parts[k..], choices, next, merge)?;
    merge(&left, &right)
}

fn saved<T: nps_core::state::Saved + PartialEq + std::fmt::Debug>(x: &T) -> T {
    T::from_state(&x.to_state()).expect("a saved state loads")
}

/// One rate row: flag, eligible, dealer, day offset.
type RateRow = (bool, bool, u8, i64);

fn rate_rows() -> impl Strategy<Value = Vec<RateRow>> {
    prop::collection::vec((any::<bool>(), any::<bool>(), 0u8..4, 0i64..200), 0..40)
}

const BASE: i64 = 1_735_000_000; // 2024-12-24

proptest! {
    /// Rate tables of any split, merged in any tree, equal the table of the
    /// whole input; saved states load back equal.
    #[test]
    fn rate_tables_merge_exactly(rows in rate_rows(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
                                 choices in prop::collection::vec(any::<usize>(), 0..8), by_period in any::<bool>()) {
        let dealer: Vec<String> = rows.iter().map(|r| format!("D{}", r.2)).collect();
        let ts: Vec<i64> = rows.iter().map(|r| BASE + r.3 * 86_400).collect();
        let table = |r: std::ops::Range<usize>| {
            let d: Vec<&str> = dealer[r.clone()].iter().map(String::as_str).collect();
            let g = Grouping {
                keys: Some(Keys::Str(&d)),
                timestamps: Some(&ts[r.clone()]),
                period: by_period.then_some(nps_core::period::Period::Month),
                tz: Some("Asia/Shanghai"),
            };
            let f: Vec<bool> = rows[r.clone()].iter().map(|x| x.0).collect();
            let e: Vec<bool> = rows[r].iter().map(|x| x.1).collect();
            rate(&f, Some(&e), &g).unwrap()
        };
        let whole = table(0..rows.len());
        let parts: Vec<_> = parts_of(rows.len(), &cuts, true).into_iter().map(table).collect();
        let merged = tree(&parts, &choices, &mut 0, &|a, b| a.merge(b)).unwrap();
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(saved(&whole), whole.clone());
        prop_assert_eq!(saved(&whole.overall), whole.overall);
        // Oracle: the overall counts.
        let num = rows.iter().filter(|r| r.0 && r.1).count() as f64;
        let den = rows.iter().filter(|r| r.1).count() as f64;
        prop_assert_eq!((merged.overall.numerator, merged.overall.denominator), (num, den));
    }

    /// Follow-up completion with a window and an exclusion column: any
    /// split merges to the one-pass table, a saved state loads back equal,
    /// and the counts are those of the rule written out (excluded rows in
    /// neither count; earliest <= call − end <= latest).
    #[test]
    fn follow_up_tables_merge_exactly(rows in prop::collection::vec((0i64..12 * 86_400, prop::option::of(-86_400i64..12 * 86_400), any::<bool>(), 0u8..3), 0..40),
                                      earliest in 0i64..8 * 86_400, span in 0i64..8 * 86_400,
                                      cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
                                      choices in prop::collection::vec(any::<usize>(), 0..8)) {
        let o = FollowUpOptions { earliest_seconds: earliest, latest_seconds: earliest + span };
        let end: Vec<i64> = rows.iter().map(|r| BASE + r.0).collect();
        let call: Vec<Option<i64>> = rows.iter().map(|r| r.1.map(|d| BASE + r.0 + d)).collect();
        let excluded: Vec<bool> = rows.iter().map(|r| r.2).collect();
        let keys: Vec<u32> = rows.iter().map(|r| u32::from(r.3)).collect();
        let table = |r: std::ops::Range<usize>| {
            let g = Grouping { keys: Some(Keys::U32(&keys[r.clone()])), ..Grouping::default() };
            follow_up_completion_rate(&end[r.clone()], &call[r.clone()], Some(&excluded[r]), &o, &g).unwrap()
        };
        let whole = table(0..rows.len());
        let parts: Vec<_> = parts_of(rows.len(), &cuts, true).into_iter().map(table).collect();
        let merged = tree(&parts, &choices, &mut 0, &|a, b| a.merge(b)).unwrap();
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(saved(&whole), whole.clone());
        let due: Vec<&(i64, Option<i64>, bool, u8)> = rows.iter().filter(|r| !r.2).collect();
        let done = due.iter().filter(|r| r.1.is_some_and(|d| earliest <= d && d <= earliest + span)).count();
        prop_assert_eq!((whole.overall.numerator, whole.overall.denominator), (done as f64, due.len() as f64));
        let cov = (!rows.is_empty()).then(|| due.len() as f64 / rows.len() as f64);
        prop_assert_eq!(whole.overall.coverage, cov);
    }

    /// Time tables merge exactly (median and p90 included), and the
    /// quantiles equal numpy's linear interpolation on the sorted durations.
    #[test]
    fn time_tables_merge_exactly(secs in prop::collection::vec(0i64..2_000, 0..50), keys in prop::collection::vec(0u32..3, 50),
                                 cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
                                 choices in prop::collection::vec(any::<usize>(), 0..8), target in 0i64..2_000) {
        let keys = &keys[..secs.len()];
        let table = |r: std::ops::Range<usize>| {
            let g = Grouping { keys: Some(Keys::U32(&keys[r.clone()])), ..Grouping::default() };
            time_kpi_durations(&secs[r], target, &g).unwrap()
        };
        let whole = table(0..secs.len());
        let parts: Vec<_> = parts_of(secs.len(), &cuts, true).into_iter().map(table).collect();
        let merged = tree(&parts, &choices, &mut 0, &|a, b| a.merge(b)).unwrap();
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(saved(&whole), whole.clone());
        prop_assert_eq!(saved(&whole.overall), whole.overall);
        let mut sorted = secs.clone();
        sorted.sort_unstable();
        let q = |p: f64| {
            let n = sorted.len();
            (n > 0).then(|| {
                let h = (n - 1) as f64 * p;
                let lo = h.floor() as usize;
                let hi = (lo + 1).min(n - 1);
                sorted[lo] as f64 + (h - lo as f64) * (sorted[hi] - sorted[lo]) as f64
            })
        };
        prop_assert_eq!(merged.overall.median, q(0.5));
        prop_assert_eq!(merged.overall.p90, q(0.9));
    }

    /// First-time fix of an input partitioned by vehicle merges exactly;
    /// when a vehicle is in two parts the merge is an error, never a rate.
    #[test]
    fn ftfr_merges_when_partitioned_by_vehicle((veh, comp, opened, dur, dealer) in jobs_strategy(),
                                               part_of in prop::collection::vec(0usize..3, 5),
                                               choices in prop::collection::vec(any::<usize>(), 0..8),
                                               window in 0i64..40) {
        let opened: Vec<i64> = opened.iter().map(|o| BASE + o).collect();
        let closed: Vec<i64> = opened.iter().zip(&dur).map(|(o, d)| o + d).collect();
        let vins: Vec<String> = veh.iter().map(|v| format!("VIN{v}")).collect();
        let opts = ComebackOptions::window_days(window as u32);
        let table = |rows: &[usize]| {
            let v: Vec<&str> = rows.iter().map(|&i| vins[i].as_str()).collect();
            let c: Vec<u32> = rows.iter().map(|&i| u32::from(comp[i])).collect();
            let o: Vec<i64> = rows.iter().map(|&i| opened[i]).collect();
            let cl: Vec<i64> = rows.iter().map(|&i| closed[i]).collect();
            let d: Vec<u32> = rows.iter().map(|&i| u32::from(dealer[i])).collect();
            let jobs = Jobs { vehicles: Keys::Str(&v), complaints: Some(Keys::U32(&c)), opened: &o, closed: &cl };
            let g = Grouping { keys: Some(Keys::U32(&d)), ..Grouping::default() };
            first_time_fix_rate(&jobs, &opts, &g).unwrap()
        };
        // Rows of each part (vehicle v in part part_of[v]), in input order.
        let parts_rows: Vec<Vec<usize>> = (0..3)
            .map(|p| (0..veh.len()).filter(|&i| part_of[veh[i] as usize] == p).collect())
            .collect();
        let concat: Vec<usize> = parts_rows.concat();
        let whole = table(&concat);
        let parts: Vec<_> = parts_rows.iter().map(|r| table(r)).collect();
        let merged = tree(&parts, &choices, &mut 0, &|a, b| a.merge(b)).unwrap();
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(saved(&whole), whole.clone());
        // A vehicle split between two parts: an error naming `other`.
        let (first, rest): (Vec<usize>, Vec<usize>) = (0..veh.len()).partition(|&i| i % 2 == 0);
        let shared = first.iter().any(|&i| rest.iter().any(|&j| veh[i] == veh[j]));
        match table(&first).merge(&table(&rest)) {
            Ok(m) => {
                prop_assert!(!shared);
                prop_assert_eq!(m, table(&[first, rest].concat()));
            }
            Err(e) => {
                prop_assert!(shared);
                prop_assert_eq!(e.argument(), Some("other"));
                prop_assert!(e.to_string().contains("partitioned by vehicle"), "{}", e);
            }
        }
    }
}

#[test]
fn merging_tables_of_other_options_is_an_error() {
    let g = Grouping::default();
    let csat = |min: f64| {
        nps_core::kpi::csat(&[5.0, 3.0], &CsatOptions { satisfied_min: min }, &g).unwrap()
    };
    let e = csat(4.0).merge(&csat(3.0)).unwrap_err();
    assert_eq!(e.argument(), Some("other"));
    assert!(e.to_string().contains("satisfied_min"), "{e}");
    let e = csat(4.0)
        .merge(&rate(&[true], None, &g).unwrap())
        .unwrap_err();
    assert!(
        e.to_string().contains("csat") && e.to_string().contains("rate"),
        "{e}"
    );
    let follow = |earliest: f64, latest: f64| {
        follow_up_completion_rate(
            &[0],
            &[Some(86_400)],
            None,
            &FollowUpOptions::window_days(earliest, latest).unwrap(),
            &g,
        )
        .unwrap()
    };
    assert!(follow(0.0, 3.0).merge(&follow(0.0, 3.0)).is_ok());
    assert!(follow(0.0, 3.0)
        .merge(&follow(0.0, 2.0))
        .unwrap_err()
        .to_string()
        .contains("latest_seconds"));
    assert!(follow(1.0, 3.0)
        .merge(&follow(0.0, 3.0))
        .unwrap_err()
        .to_string()
        .contains("earliest_seconds"));
    // Another period, another zone, another key type.
    let ts = [BASE];
    let by = |period, tz| Grouping {
        timestamps: Some(&ts),
        period,
        tz,
        keys: None,
    };
    let month = rate(
        &[true],
        None,
        &by(Some(nps_core::period::Period::Month), None),
    )
    .unwrap();
    let week = rate(
        &[true],
        None,
        &by(Some(nps_core::period::Period::Week), None),
    )
    .unwrap();
    let tokyo = rate(
        &[true],
        None,
        &by(Some(nps_core::period::Period::Month), Some("Asia/Tokyo")),
    )
    .unwrap();
    assert!(month
        .merge(&week)
        .unwrap_err()
        .to_string()
        .contains("period"));
    assert!(month
        .merge(&tokyo)
        .unwrap_err()
        .to_string()
        .contains("Asia/Tokyo"));
    let (a, b) = (
        rate(
            &[true],
            None,
            &Grouping {
                keys: Some(Keys::U32(&[1])),
                ..g
            },
        )
        .unwrap(),
        rate(
            &[true],
            None,
            &Grouping {
                keys: Some(Keys::Str(&["1"])),
                ..g
            },
        )
        .unwrap(),
    );
    assert!(a.merge(&b).unwrap_err().to_string().contains("type"));
    let t = |target| time_kpi_durations(&[5], target, &g).unwrap();
    assert!(t(10)
        .merge(&t(20))
        .unwrap_err()
        .to_string()
        .contains("target_seconds"));
    // Comeback options: window, as_of, exclude_incomplete.
    let jobs = Jobs {
        vehicles: Keys::U32(&[1]),
        complaints: None,
        opened: &[BASE],
        closed: &[BASE],
    };
    let o = ComebackOptions::default();
    let f = |o: ComebackOptions| first_time_fix_rate(&jobs, &o, &g).unwrap();
    let jobs2 = Jobs {
        vehicles: Keys::U32(&[2]),
        ..jobs
    };
    let f2 = first_time_fix_rate(&jobs2, &o, &g).unwrap();
    assert!(f(o).merge(&f2).is_ok());
    for (other, name) in [
        (
            ComebackOptions {
                as_of: Some(BASE),
                ..o
            },
            "as_of",
        ),
        (
            ComebackOptions {
                exclude_incomplete: false,
                ..o
            },
            "exclude_incomplete",
        ),
        (ComebackOptions::window_days(7), "window_seconds"),
    ] {
        let e = f(o)
            .merge(&first_time_fix_rate(&jobs2, &other, &g).unwrap())
            .unwrap_err();
        assert!(e.to_string().contains(name), "{e}");
    }
    assert!(f(o).merge(&comeback_rate(&jobs2, &o, &g).unwrap()).is_err());
    let e = f(o).merge(&f(o)).unwrap_err();
    assert!(e.to_string().contains("vehicle `1`"), "{e}");
}

#[test]
fn tampered_kpi_states_are_errors() {
    use nps_core::kpi::{KpiTable, TimeTable};
    use nps_core::state::Saved;
    let g = Grouping {
        keys: Some(Keys::U32(&[1, 2, 1])),
        ..Grouping::default()
    };
    let t = rate(&[true, false, true], None, &g).unwrap();
    let text = String::from_utf8(t.to_state()).unwrap();
    assert!(text.contains(r#""uint":1"#), "{text}"); // unsigned keys stay unsigned
    for (from, to) in [
        (r#""numerator":2"#, r#""numerator":3"#),
        (r#""rows":2"#, r#""rows":0"#),
        (r#""uint":2"#, r#""uint":0"#),
        (r#""uint":2"#, r#""str":"x""#),
        (r#""kpi":null"#, r#""kpi":"csat""#),
    ] {
        assert!(text.contains(from), "{from} in {text}");
        let bad = text.replacen(from, to, 1);
        let e = KpiTable::from_state(bad.as_bytes()).unwrap_err();
        assert_eq!(e.argument(), Some("state"), "{from} -> {to}: {e}");
    }
    let tt = time_kpi_durations(&[5, 5, 9], 6, &Grouping::default()).unwrap();
    let text = String::from_utf8(tt.to_state()).unwrap();
    for (from, to) in [
        ("[5,2]", "[5,0]"),
        ("[5,2],[9,1]", "[9,1],[5,2]"),
        ("[5,2]", "[-5,2]"),
    ] {
        assert!(text.contains(from), "{from} in {text}");
        let e = TimeTable::from_state(text.replacen(from, to, 1).as_bytes()).unwrap_err();
        assert_eq!(e.argument(), Some("state"), "{from}: {e}");
    }
    let k = Kpi::ratio(1.0, 2.0, Some(1.0));
    let text = String::from_utf8(k.to_state()).unwrap();
    let e = Kpi::from_state(text.replace("0.5", "0.7").as_bytes()).unwrap_err();
    assert_eq!(e.argument(), Some("state"));
    assert!(KpiTable::from_state(&tt.to_state()).is_err()); // another kind
    let c = SrtCatalog::new([("OIL", 0.5)]).unwrap();
    assert_eq!(saved(&c), c);
}
