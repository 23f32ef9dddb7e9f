//! Service KPIs (SPEC §6): the golden vectors of `golden/kpi_vectors.json`
//! (written by `gen_kpi_vectors.py`, an independent stdlib oracle), the
//! proptest invariants and bad input.

use std::sync::OnceLock;

use nps_core::calendar::Calendar;
use nps_core::group::{GroupKey, Keys};
use nps_core::kpi::{
    bay_utilization, comeback_rate, effective_labour_rate, first_time_fix_rate,
    follow_up_completion_rate, job_outcomes, rate, ready_when_promised, scorecard,
    technician_figures, technician_figures_by, time_kpi, time_kpi_durations, ComebackOptions,
    CsatOptions, FollowUpOptions, Grouping, JobOutcome, Jobs, Kpi, PayType, SrtCatalog, Status,
};
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
        assert_eq!(
            line.benchmark.as_ref().and_then(|b| b.min),
            c["min"].as_f64(),
            "{}",
            line.kpi
        );
        assert_eq!(
            line.benchmark.as_ref().and_then(|b| b.max),
            c["max"].as_f64(),
            "{}",
            line.kpi
        );
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
    let ten = FollowUpOptions { window_seconds: 10 };
    let e = follow_up_completion_rate(&[100], &[Some(i64::MIN)], &ten, &g).unwrap_err();
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
        let t = follow_up_completion_rate(
            &ints(&v["service_end"]),
            &opt_ints(&v["follow_up"]),
            &FollowUpOptions {
                window_seconds: v["window_seconds"].as_i64().unwrap(),
            },
            &g,
        )
        .unwrap();
        check_kpi("follow_up", &t.overall, &v["expected"]);
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
