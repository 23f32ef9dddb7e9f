//! Repair-order timelines (issue 14): the golden vectors of
//! `golden/flow_vectors.json` (written by `gen_flow_vectors.py`, an
//! independent stdlib oracle with fractions), invariants and bad input.

use std::sync::OnceLock;

use nps_core::calendar::Calendar;
use nps_core::flow::{
    promises, silence, stages, Anomalies, Distribution, FlowOptions, FlowPolicy, Milestones,
    OnAnomaly, StageReport,
};
use nps_core::group::{GroupKey, Grouping, Keys};
use nps_core::period::Period;
use nps_core::Error;
use nps_tests::Value;
use proptest::prelude::*;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let p =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/flow_vectors.json");
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
    })
}

fn close(what: &str, got: Option<f64>, want: &Value) {
    let tol = vectors()["tolerance"].as_f64().unwrap();
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= tol * w.abs().max(1.0),
            "{what}: {g} != {w}"
        ),
        _ => panic!("{what}: {got:?} != {want}"),
    }
}

fn dist(what: &str, d: &Distribution, want: &Value) {
    assert_eq!(d.n, want["n"].as_u64().unwrap(), "{what}.n");
    close(&format!("{what}.mean"), d.mean, &want["mean"]);
    close(&format!("{what}.median"), d.median, &want["median"]);
    close(&format!("{what}.p90"), d.p90, &want["p90"]);
}

fn options(c: &Value) -> FlowOptions {
    let text = |k: &str| c.get(k).map(Value::to_string);
    let mut o = FlowOptions {
        policy: FlowPolicy::from_parts_json(
            text("milestones").as_deref(),
            text("stages").as_deref(),
        )
        .unwrap(),
        ..FlowOptions::default()
    };
    if let Some(cal) = c.get("calendar") {
        o.calendar = Some(Calendar::from_json(&cal.to_string()).unwrap());
    }
    if let Some(a) = c.get("on_anomaly") {
        o.on_anomaly = OnAnomaly::from_name(a.as_str().unwrap()).unwrap();
    }
    if let Some(e) = c.get("promise_end") {
        o.promise_end = e.as_str().unwrap().to_owned();
    }
    if let Some(v) = c.get("silence_threshold_s") {
        o.silence_threshold_s = v.as_i64().unwrap();
    }
    if let Some(v) = c.get("update_lead_s") {
        o.update_lead_s = v.as_i64().unwrap();
    }
    o
}

/// Runs `f` with the columns and grouping of a case.
fn with_case<R>(c: &Value, f: impl FnOnce(&Milestones<'_>, &Grouping<'_>) -> R) -> R {
    let ro = c["ro"].as_array().unwrap();
    let ints: Vec<i64> = ro.iter().filter_map(Value::as_i64).collect();
    let strs: Vec<&str> = ro.iter().filter_map(Value::as_str).collect();
    let m: Vec<&str> = c["milestone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let at: Vec<i64> = c["at"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let by: Option<Vec<&str>> = c.get("by").map(|b| {
        b.as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect()
    });
    let cols = Milestones {
        ro: if ints.len() == ro.len() {
            Keys::I64(&ints)
        } else {
            Keys::Str(&strs)
        },
        milestone: Keys::Str(&m),
        at: &at,
    };
    let g = Grouping {
        keys: by.as_deref().map(Keys::Str),
        timestamps: None,
        period: c
            .get("period")
            .map(|p| Period::from_name(p.as_str().unwrap()).unwrap()),
        tz: c.get("tz").and_then(Value::as_str),
    };
    f(&cols, &g)
}

fn key_is(key: &GroupKey, period: Option<chrono::NaiveDate>, want: &Value) {
    match want["key"].as_str() {
        Some(k) => assert_eq!(key, &GroupKey::Str(k.to_owned())),
        None => assert!(matches!(key, GroupKey::All), "{key:?}"),
    }
    assert_eq!(
        period.map(|d| d.to_string()),
        want["period"].as_str().map(str::to_owned)
    );
}

fn check_stage_group(what: &str, g: &nps_core::flow::FlowGroup, want: &Value) {
    assert_eq!(
        g.repair_orders,
        want["repair_orders"].as_u64().unwrap(),
        "{what}"
    );
    dist(&format!("{what} lead"), &g.lead_time, &want["lead_time"]);
    assert_eq!(
        g.lead_time_missing,
        want["lead_time_missing"].as_u64().unwrap()
    );
    close(
        &format!("{what} pce"),
        g.process_cycle_efficiency,
        &want["process_cycle_efficiency"],
    );
    assert_eq!(
        g.bottleneck.as_deref(),
        want["bottleneck"].as_str(),
        "{what}"
    );
    let ws = want["stages"].as_array().unwrap();
    assert_eq!(g.stages.len(), ws.len());
    for (s, w) in g.stages.iter().zip(ws) {
        let what = format!("{what} {}", s.stage);
        assert_eq!(s.stage, w["stage"].as_str().unwrap());
        assert_eq!(
            (s.n, s.missing),
            (w["n"].as_u64().unwrap(), w["missing"].as_u64().unwrap()),
            "{what}"
        );
        close(&format!("{what} mean"), s.mean_s, &w["mean_s"]);
        close(&format!("{what} median"), s.median_s, &w["median_s"]);
        close(&format!("{what} p90"), s.p90_s, &w["p90_s"]);
        assert_eq!(s.target_s, w["target_s"].as_i64(), "{what}");
        close(
            &format!("{what} within"),
            s.within_target,
            &w["within_target"],
        );
        close(
            &format!("{what} share"),
            s.share_of_lead_time,
            &w["share_of_lead_time"],
        );
        assert_eq!(s.value_added, w["value_added"].as_bool().unwrap());
    }
}

fn check_anomalies(a: &Anomalies, want: &Value) {
    for (got, k) in [
        (a.missing, "missing"),
        (a.repeated, "repeated"),
        (a.out_of_order, "out_of_order"),
        (a.skipped_ros, "skipped_ros"),
    ] {
        assert_eq!(got, want[k].as_u64().unwrap(), "{k}");
    }
    let list: Vec<(String, String, String)> = a
        .list
        .iter()
        .map(|x| {
            (
                x.ro.to_string(),
                x.milestone.clone(),
                x.kind.name().to_owned(),
            )
        })
        .collect();
    let wl: Vec<(String, String, String)> = want["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let ro = match &x[0] {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            (
                ro,
                x[1].as_str().unwrap().to_owned(),
                x[2].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(list, wl);
}

#[test]
fn golden_cases() {
    let cases = vectors()["cases"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let o = options(c);
        let e = &c["expected"];
        if let Some(err) = e.get("error") {
            let got = with_case(c, |cols, g| stages(cols, &o, g)).unwrap_err();
            let (_, ro, inner) = got.case().expect("an error about a repair order");
            assert_eq!(ro, err["ro"].as_str().unwrap(), "{name}: {got}");
            assert_eq!(inner.kind().name(), err["kind"].as_str().unwrap(), "{name}");
            assert!(
                got.to_string()
                    .contains(&format!("`{}`", err["milestone"].as_str().unwrap())),
                "{got}"
            );
            continue;
        }
        let r = with_case(c, |cols, g| stages(cols, &o, g)).unwrap();
        check_stage_group(name, &r.overall, &e["stages"]["overall"]);
        let wg = e["stages"]["groups"].as_array().unwrap();
        assert_eq!(r.groups.len(), wg.len(), "{name}");
        for (g, w) in r.groups.iter().zip(wg) {
            key_is(&g.key, g.period_start, w);
            check_stage_group(name, g, w);
        }
        check_anomalies(&r.anomalies, &e["anomalies"]);
        assert_eq!(r.business_time, c.get("calendar").is_some());

        let p = with_case(c, |cols, g| promises(cols, &o, g)).unwrap();
        let wp = &e["promises"];
        for (g, w) in std::iter::once(&p.overall)
            .chain(&p.groups)
            .zip(std::iter::once(&wp["overall"]).chain(wp["groups"].as_array().unwrap()))
        {
            assert_eq!(
                (g.n, g.missing),
                (w["n"].as_u64().unwrap(), w["missing"].as_u64().unwrap()),
                "{name}"
            );
            close(&format!("{name} on_time"), g.on_time, &w["on_time"]);
            dist(&format!("{name} overrun"), &g.overrun_s, &w["overrun_s"]);
            dist(
                &format!("{name} relative"),
                &g.overrun_relative,
                &w["overrun_relative"],
            );
        }
        assert_eq!(p.groups.len(), wp["groups"].as_array().unwrap().len());

        let s = with_case(c, |cols, g| silence(cols, &o, g)).unwrap();
        let ws = &e["silence"];
        for (g, w) in std::iter::once(&s.overall)
            .chain(&s.groups)
            .zip(std::iter::once(&ws["overall"]).chain(ws["groups"].as_array().unwrap()))
        {
            assert_eq!(
                (g.n, g.missing),
                (w["n"].as_u64().unwrap(), w["missing"].as_u64().unwrap()),
                "{name}"
            );
            dist(
                &format!("{name} gap"),
                &g.longest_gap_s,
                &w["longest_gap_s"],
            );
            close(
                &format!("{name} above"),
                g.above_threshold,
                &w["above_threshold"],
            );
            close(&format!("{name} told"), g.told_ahead, &w["told_ahead"]);
        }
    }
}

#[test]
fn source_numbers() {
    // 15 minutes against the 3-minute target; promised 2 h, took 4 h → +100 %.
    let ro = ["vsm", "vsm", "p", "p", "p"];
    let m = [
        "arrived",
        "greeted",
        "arrived",
        "promised",
        "repair_finished",
    ];
    let at = [0, 900, 0, 7_200, 14_400];
    let cols = Milestones {
        ro: Keys::Str(&ro),
        milestone: Keys::Str(&m),
        at: &at,
    };
    let o = FlowOptions::default();
    let r = stages(&cols, &o, &Grouping::default()).unwrap();
    let rec = &r.overall.stages[0];
    assert_eq!(
        (rec.n, rec.median_s, rec.within_target),
        (1, Some(900.0), Some(0.0))
    );
    let p = promises(&cols, &o, &Grouping::default()).unwrap();
    assert_eq!(p.overall.overrun_relative.median, Some(1.0));
    assert_eq!(p.overall.overrun_s.median, Some(7_200.0));
}

#[test]
fn defaults_match_the_documented_values() {
    let d = &vectors()["defaults"];
    let o = FlowOptions::default();
    let p: FlowPolicy = serde_json::from_value(serde_json::json!({
        "milestones": d["milestones"],
        "stages": d["stages"],
        "lead_time": d["lead_time"],
    }))
    .unwrap();
    assert_eq!(o.policy, p);
    assert_eq!(o.on_anomaly.name(), d["on_anomaly"].as_str().unwrap());
    assert_eq!(o.promise_end, d["promise_end"].as_str().unwrap());
    assert_eq!(
        o.silence_threshold_s,
        d["silence_threshold_s"].as_i64().unwrap()
    );
    assert_eq!(o.update_lead_s, d["update_lead_s"].as_i64().unwrap());
    assert!(o.calendar.is_none());
}

fn run(ro: &[&str], m: &[&str], at: &[i64]) -> Result<StageReport, Error> {
    let cols = Milestones {
        ro: Keys::Str(ro),
        milestone: Keys::Str(m),
        at,
    };
    stages(&cols, &FlowOptions::default(), &Grouping::default())
}

#[test]
fn bad_input_names_where() {
    // Unknown milestone: the row, the column and the repair order.
    let e = run(&["a", "a"], &["arrived", "waved"], &[0, 5]).unwrap_err();
    let (row, ro, inner) = e.case().unwrap();
    assert_eq!((row, ro), (1, "a"));
    assert!(
        matches!(inner, Error::InvalidValue { name, index: 1, .. } if name == "milestone"),
        "{e}"
    );
    // A missing instant.
    let e = run(&["a", "b"], &["arrived", "left"], &[0, i64::MIN]).unwrap_err();
    assert_eq!(e.case().map(|(r, id, _)| (r, id)), Some((1, "b")));
    assert!(e.to_string().contains("missing instant"), "{e}");
    // Lengths.
    let e = run(&["a"], &["arrived", "left"], &[0]).unwrap_err();
    assert!(
        matches!(
            e,
            Error::LengthMismatch {
                name: "milestone",
                ..
            }
        ),
        "{e}"
    );
    // Integer milestone names are not names.
    let codes = [1i64];
    let e = stages(
        &Milestones {
            ro: Keys::Str(&["a"]),
            milestone: Keys::I64(&codes),
            at: &[0],
        },
        &FlowOptions::default(),
        &Grouping::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown milestone"), "{e}");
    // One repair order in two groups.
    let dealer = ["d1", "d2"];
    let e = stages(
        &Milestones {
            ro: Keys::Str(&["a", "a"]),
            milestone: Keys::Str(&["arrived", "left"]),
            at: &[0, 60],
        },
        &FlowOptions::default(),
        &Grouping {
            keys: Some(Keys::Str(&dealer)),
            ..Grouping::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidValue { name, index: 1, .. } if name == "by"),
        "{e}"
    );
    assert!(e.to_string().contains("`a`"), "{e}");
    // Policy problems name their path.
    let e = FlowPolicy::from_parts_json(
        None,
        Some(r#"[{"name": "x", "from": "left", "to": "nowhere"}]"#),
    )
    .unwrap_err();
    let paths: Vec<&str> = e.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["stages[0].to"], "{e}");
    let o = FlowOptions {
        promise_end: "updated".into(),
        ..FlowOptions::default()
    };
    assert_eq!(o.validate().unwrap_err().argument(), Some("promise_end"));
    let o = FlowOptions {
        silence_threshold_s: -1,
        ..FlowOptions::default()
    };
    assert_eq!(
        o.validate().unwrap_err().argument(),
        Some("silence_threshold_s")
    );
    // Empty input: no data, not an error.
    let r = run(&[], &[], &[]).unwrap();
    assert_eq!(
        (r.overall.repair_orders, r.overall.bottleneck.clone()),
        (0, None)
    );
    assert_eq!(r.overall.stages[0].mean_s, None);
}

#[test]
fn raise_names_the_repair_order_and_milestone() {
    let cols = Milestones {
        ro: Keys::Str(&["k", "k", "k"]),
        milestone: Keys::Str(&["arrived", "greeted", "greeted"]),
        at: &[0, 60, 120],
    };
    let o = FlowOptions {
        on_anomaly: OnAnomaly::Raise,
        policy: FlowPolicy::from_parts_json(
            None,
            Some(r#"[{"name": "reception", "from": "arrived", "to": "greeted"}]"#),
        )
        .map(|mut p| {
            p.lead_time = ["arrived".into(), "greeted".into()];
            p
        })
        .unwrap(),
        ..FlowOptions::default()
    };
    let e = stages(&cols, &o, &Grouping::default()).unwrap_err();
    assert!(
        matches!(e.case(), Some((0, "k", Error::InvalidEvent { event, .. })) if event == "greeted"),
        "{e}"
    );
    assert!(e.to_string().contains("repeated"), "{e}");
}

/// A random set of repair orders: (ro, milestone, at) rows.
fn timelines() -> impl Strategy<Value = Vec<(u8, usize, i64)>> {
    proptest::collection::vec((0u8..12, 0usize..12, 0i64..200_000), 0..120)
}

const NAMES: [&str; 12] = [
    "booked",
    "arrived",
    "greeted",
    "inspected",
    "diagnosed",
    "authorized",
    "repair_started",
    "repair_finished",
    "delivered",
    "left",
    "promised",
    "updated",
];

fn report(rows: &[(u8, usize, i64)], o: &FlowOptions) -> (StageReport, String, String) {
    let ro: Vec<i64> = rows.iter().map(|r| i64::from(r.0)).collect();
    let m: Vec<&str> = rows.iter().map(|r| NAMES[r.1]).collect();
    let at: Vec<i64> = rows.iter().map(|r| r.2).collect();
    let cols = Milestones {
        ro: Keys::I64(&ro),
        milestone: Keys::Str(&m),
        at: &at,
    };
    let g = Grouping::default();
    let s = stages(&cols, o, &g).unwrap();
    let p = promises(&cols, o, &g).unwrap();
    let q = silence(&cols, o, &g).unwrap();
    (
        s,
        serde_json::to_string(&p).unwrap(),
        serde_json::to_string(&q).unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Row order never matters; durations are never negative; the shares
    /// of the (chained) default stages sum to at most 1 and the
    /// process-cycle efficiency is the sum of the value-added shares.
    #[test]
    fn invariants(rows in timelines(), seed in any::<u64>()) {
        let o = FlowOptions::default();
        let (a, pa, sa) = report(&rows, &o);
        let mut shuffled = rows.clone();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let (b, pb, sb) = report(&shuffled, &o);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(pa, pb);
        prop_assert_eq!(sa, sb);
        let g = &a.overall;
        let mut total = 0.0;
        let mut va = 0.0;
        for s in &g.stages {
            prop_assert_eq!(s.n + s.missing, g.repair_orders);
            for v in [s.mean_s, s.median_s, s.p90_s].into_iter().flatten() {
                prop_assert!(v >= 0.0);
            }
            if let (Some(m), Some(p)) = (s.median_s, s.p90_s) { prop_assert!(m <= p); }
            if let Some(x) = s.share_of_lead_time {
                prop_assert!(x >= 0.0);
                total += x;
                if s.value_added { va += x; }
            }
            if let Some(w) = s.within_target { prop_assert!((0.0..=1.0).contains(&w)); }
        }
        prop_assert!(total <= 1.0 + 1e-12, "shares sum to {}", total);
        if let Some(p) = g.process_cycle_efficiency {
            prop_assert!((p - va).abs() <= 1e-12);
        }
        for v in [g.lead_time.mean, g.lead_time.median].into_iter().flatten() {
            prop_assert!(v >= 0.0);
        }
        let kinds = a.anomalies.missing + a.anomalies.repeated + a.anomalies.out_of_order;
        prop_assert_eq!(kinds, a.anomalies.list.len() as u64);
    }

    /// Business time never exceeds wall-clock time.
    #[test]
    fn business_time_is_at_most_wall_clock(rows in timelines()) {
        let cal = Calendar::from_json(r#"{"tz": "UTC", "weekly": {"mon": [["08:00", "12:00"], ["13:00", "18:00"]],
            "tue": [["08:00", "18:00"]], "thu": [["08:00", "18:00"]], "fri": [["08:00", "18:00"]]}}"#).unwrap();
        let wall = report(&rows, &FlowOptions::default()).0;
        let business = report(&rows, &FlowOptions { calendar: Some(cal), ..FlowOptions::default() }).0;
        for (w, b) in wall.overall.stages.iter().zip(&business.overall.stages) {
            prop_assert_eq!(w.n, b.n);
            if let (Some(w), Some(b)) = (w.mean_s, b.mean_s) { prop_assert!(b <= w + 1e-9); }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Grouping by a key of the repair order splits the repair orders: the
    /// groups' counts add up to the overall ones, and a group's figures
    /// equal those of its repair orders alone.
    #[test]
    fn groups_partition_the_repair_orders(rows in timelines()) {
        let ro: Vec<i64> = rows.iter().map(|r| i64::from(r.0)).collect();
        let dealer: Vec<i64> = ro.iter().map(|r| r % 3).collect();
        let m: Vec<&str> = rows.iter().map(|r| NAMES[r.1]).collect();
        let at: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let cols = Milestones { ro: Keys::I64(&ro), milestone: Keys::Str(&m), at: &at };
        let o = FlowOptions::default();
        let g = Grouping { keys: Some(Keys::I64(&dealer)), ..Grouping::default() };
        let r = stages(&cols, &o, &g).unwrap();
        let total: u64 = r.groups.iter().map(|g| g.repair_orders).sum();
        prop_assert_eq!(total, r.overall.repair_orders);
        for (j, s) in r.overall.stages.iter().enumerate() {
            let n: u64 = r.groups.iter().map(|g| g.stages[j].n).sum();
            prop_assert_eq!(n, s.n);
        }
        for grp in &r.groups {
            let GroupKey::Int(d) = grp.key else { panic!("{:?}", grp.key) };
            let keep: Vec<usize> = (0..rows.len()).filter(|&i| dealer[i] == d).collect();
            let ro1: Vec<i64> = keep.iter().map(|&i| ro[i]).collect();
            let m1: Vec<&str> = keep.iter().map(|&i| m[i]).collect();
            let at1: Vec<i64> = keep.iter().map(|&i| at[i]).collect();
            let alone = stages(
                &Milestones { ro: Keys::I64(&ro1), milestone: Keys::Str(&m1), at: &at1 },
                &o,
                &Grouping::default(),
            )
            .unwrap();
            prop_assert_eq!(&alone.overall.stages, &grp.stages);
            prop_assert_eq!(alone.overall.lead_time, grp.lead_time);
            prop_assert_eq!(&alone.overall.bottleneck, &grp.bottleneck);
        }
    }
}

/// One row of a milestone table with a dealer: (repair order, milestone,
/// instant); the dealer is the repair order's `ro % 3`.
fn dated_timelines() -> impl Strategy<Value = Vec<(u8, usize, i64)>> {
    // Up to 12 days from Monday 2024-03-04 00:00 UTC, across the US daylight
    // saving change of 2024-03-10.
    proptest::collection::vec((0u8..16, 0usize..12, 0i64..1_036_800), 0..120).prop_map(|v| {
        v.into_iter()
            .map(|(r, m, t)| (r, m, 1_709_510_400 + t))
            .collect()
    })
}

/// The three reports of some rows, grouped by dealer and by day in New
/// York.
fn reports_by_dealer_day(
    rows: &[(u8, usize, i64)],
    o: &FlowOptions,
) -> Result<
    (
        StageReport,
        nps_core::flow::PromiseReport,
        nps_core::flow::SilenceReport,
    ),
    Error,
> {
    let ro: Vec<i64> = rows.iter().map(|r| i64::from(r.0)).collect();
    let dealer: Vec<String> = rows.iter().map(|r| format!("d{}", r.0 % 3)).collect();
    let dealer: Vec<&str> = dealer.iter().map(String::as_str).collect();
    let m: Vec<&str> = rows.iter().map(|r| NAMES[r.1]).collect();
    let at: Vec<i64> = rows.iter().map(|r| r.2).collect();
    let cols = Milestones {
        ro: Keys::I64(&ro),
        milestone: Keys::Str(&m),
        at: &at,
    };
    let g = Grouping {
        keys: Some(Keys::Str(&dealer)),
        timestamps: None,
        period: Some(Period::Day),
        tz: Some("America/New_York"),
    };
    Ok((
        stages(&cols, o, &g)?,
        promises(&cols, o, &g)?,
        silence(&cols, o, &g)?,
    ))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Reports of a random partition of the repair orders into three parts
    /// merge (in either tree) into the report of one pass — mean, median
    /// and p90 included, bit for bit — and every report saves and loads
    /// exactly.
    #[test]
    fn merge_of_a_split_equals_one_pass(rows in dated_timelines(), seed in any::<u64>()) {
        use nps_core::state::Saved;
        let o = FlowOptions::default();
        let part_of = |ro: u8| (seed >> (2 * (ro as u64 % 32))) % 3;
        let pick = |k: u64| -> Vec<(u8, usize, i64)> {
            rows.iter().copied().filter(|r| part_of(r.0) == k).collect()
        };
        let whole = reports_by_dealer_day(&rows, &o).unwrap();
        let parts: Vec<_> = (0..3).map(|k| reports_by_dealer_day(&pick(k), &o).unwrap()).collect();
        let (a, b, c) = (&parts[0], &parts[1], &parts[2]);
        let left = a.0.merge(&b.0).unwrap().merge(&c.0).unwrap();
        let right = a.0.merge(&b.0.merge(&c.0).unwrap()).unwrap();
        prop_assert_eq!(&left, &whole.0);
        prop_assert_eq!(&right, &whole.0);
        let p = a.1.merge(&b.1).unwrap().merge(&c.1).unwrap();
        prop_assert_eq!(&p, &whole.1);
        prop_assert_eq!(&a.1.merge(&b.1.merge(&c.1).unwrap()).unwrap(), &whole.1);
        let s = a.2.merge(&b.2).unwrap().merge(&c.2).unwrap();
        prop_assert_eq!(&s, &whole.2);
        prop_assert_eq!(&a.2.merge(&b.2.merge(&c.2).unwrap()).unwrap(), &whole.2);
        // Saved states load back equal, and merge as the originals.
        let load = StageReport::from_state(&a.0.to_state()).unwrap();
        prop_assert_eq!(&load, &a.0);
        prop_assert_eq!(&load.merge(&b.0).unwrap(), &a.0.merge(&b.0).unwrap());
        let pl = nps_core::flow::PromiseReport::from_state(&whole.1.to_state()).unwrap();
        prop_assert_eq!(&pl, &whole.1);
        let sl = nps_core::flow::SilenceReport::from_state(&whole.2.to_state()).unwrap();
        prop_assert_eq!(&sl, &whole.2);
    }
}

#[test]
fn merge_needs_the_repair_orders_partitioned_and_the_same_options() {
    // Promised 2 h, took 4 h (the source's +100 %), one repair order split
    // across two parts: its timeline cannot be judged.
    let rows_a = [(7u8, 1usize, 1_709_510_400i64), (7, 10, 1_709_517_600)];
    let rows_b = [(7u8, 7usize, 1_709_524_800i64)];
    let o = FlowOptions::default();
    let a = reports_by_dealer_day(&rows_a, &o).unwrap();
    let b = reports_by_dealer_day(&rows_b, &o).unwrap();
    for e in [
        a.0.merge(&b.0).unwrap_err(),
        a.1.merge(&b.1).unwrap_err(),
        a.2.merge(&b.2).unwrap_err(),
    ] {
        let text = e.to_string();
        assert!(
            matches!(e, Error::InvalidArgument { name: "other", .. }),
            "{text}"
        );
        assert!(text.contains("repair order `7`"), "{text}");
    }
    // Other options, another period, another zone: each named.
    let other = FlowOptions {
        silence_threshold_s: 1_800,
        promise_end: "delivered".into(),
        ..FlowOptions::default()
    };
    let rows_c = [(8u8, 1usize, 1_709_510_400i64)];
    let c = reports_by_dealer_day(&rows_c, &other).unwrap();
    assert!(a
        .1
        .merge(&c.1)
        .unwrap_err()
        .to_string()
        .contains("promise ends"));
    assert!(a
        .2
        .merge(&c.2)
        .unwrap_err()
        .to_string()
        .contains("silence thresholds"));
    // The stages do not depend on the promise end or the silence threshold.
    assert!(a.0.merge(&c.0).is_ok());
    let mut p = FlowPolicy::default();
    p.stages[0].target_s = Some(300);
    let d = reports_by_dealer_day(
        &rows_c,
        &FlowOptions {
            policy: p,
            ..FlowOptions::default()
        },
    )
    .unwrap();
    assert!(a
        .0
        .merge(&d.0)
        .unwrap_err()
        .to_string()
        .contains("stages differ"));
    let ro = [8i64];
    let m = ["arrived"];
    let at = [1_709_510_400i64];
    let cols = Milestones {
        ro: Keys::I64(&ro),
        milestone: Keys::Str(&m),
        at: &at,
    };
    let utc = stages(
        &cols,
        &o,
        &Grouping {
            keys: Some(Keys::Str(&["d2"])),
            period: Some(Period::Day),
            tz: Some("UTC"),
            timestamps: None,
        },
    )
    .unwrap();
    assert!(a
        .0
        .merge(&utc)
        .unwrap_err()
        .to_string()
        .contains("time zone"));
    let by_int = stages(
        &cols,
        &o,
        &Grouping {
            keys: Some(Keys::I64(&[2])),
            period: Some(Period::Day),
            tz: Some("America/New_York"),
            timestamps: None,
        },
    )
    .unwrap();
    assert!(a
        .0
        .merge(&by_int)
        .unwrap_err()
        .to_string()
        .contains("differ in type"));
}

#[test]
fn saved_reports_are_checked_on_load() {
    use nps_core::state::Saved;
    let rows = [
        (1u8, 1usize, 1_709_510_400i64),
        (1, 9, 1_709_517_600),
        (2, 1, 1_709_510_400),
    ];
    let (s, p, q) = reports_by_dealer_day(&rows, &FlowOptions::default()).unwrap();
    let text = String::from_utf8(s.to_state()).unwrap();
    // A promise report does not load as a stage report.
    let e = StageReport::from_state(&p.to_state()).unwrap_err();
    assert!(e.to_string().contains("does not load as"), "{e}");
    assert!(nps_core::flow::SilenceReport::from_state(&q.to_state()).is_ok());
    let missing = format!("\"missing\":{}", s.anomalies.missing);
    let fewer = format!("\"missing\":{}", s.anomalies.missing - 1);
    // Each an error naming `state`.
    for (from, to) in [
        // A repair order listed twice.
        ("\"ros\":[{", "\"ros\":[{\"int\":1},{"),
        // A negative duration.
        ("[7200,1]", "[-7200,1]"),
        // More repair orders in the groups than listed.
        ("\"repair_orders\":1", "\"repair_orders\":2"),
        // Anomaly counts that are not those of the list.
        (missing.as_str(), fewer.as_str()),
        // A stage's time within lead times above its durations.
        ("\"in_lead_s\":0", "\"in_lead_s\":5"),
        // Another number of stages than the policy's.
        ("{\"durations\":[],\"in_lead_s\":0},", ""),
        // No period start though grouped by day.
        ("\"period_start\":\"2024-03-03\"", "\"period_start\":null"),
    ] {
        assert!(text.contains(from), "{from}: {text}");
        let bad = text.replacen(from, to, 1);
        let e = StageReport::from_state(bad.as_bytes()).unwrap_err();
        assert!(
            matches!(e, Error::InvalidArgument { name: "state", .. }),
            "{e}"
        );
    }
}
