//! Goal tracking against a plan (`goal::track` with
//! `GoalOptions::plan_start`): the golden vectors of
//! `golden/goal_vectors.json` (written by `gen_goal_vectors.py`, an
//! independent oracle; shared with the C and Python suites) and properties.

use std::sync::OnceLock;

use nps_core::goal::{track, GoalOptions, PlanStatus, ProjectionStatus};
use nps_core::{ErrorKind, Tally};
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let p =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/goal_vectors.json");
        serde_json::from_str(&std::fs::read_to_string(p).expect("goal_vectors.json")).expect("JSON")
    })
}

fn history(v: &Value) -> Vec<Tally> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let c: Vec<u64> = t
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            Tally::from_categories(c[0], c[1], c[2]).unwrap()
        })
        .collect()
}

fn close(what: &str, got: Option<f64>, want: &Value, tol: f64) {
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!((g - w).abs() <= tol, "{what}: {g} != {w}"),
        (g, _) => panic!("{what}: got {g:?}, expected {want}"),
    }
}

fn opt_u32(v: &Value) -> Option<u32> {
    v.as_u64().map(|x| x as u32)
}

#[test]
fn golden_plans() {
    let v = vectors();
    let tol = v["tolerance"]["value"].as_f64().unwrap();
    let tol_ci = v["tolerance"]["interval"].as_f64().unwrap();
    for p in v["plans"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let o = GoalOptions {
            confidence: p["confidence"].as_f64().unwrap(),
            plan_start: Some(p["plan_start"].as_u64().unwrap() as usize),
        };
        let r = track(
            &history(&p["history"]),
            p["target"].as_f64().unwrap(),
            p["months"].as_u64().unwrap() as u32,
            &o,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let plan = r.plan.unwrap();
        let w = &p["plan"];
        assert_eq!(plan.start as u64, w["start"].as_u64().unwrap(), "{name}");
        assert_eq!(u64::from(plan.due), w["due"].as_u64().unwrap(), "{name}");
        close(name, Some(plan.start_value), &w["start_value"], tol);
        close(&format!("{name} trend"), plan.trend, &w["trend"], tol);
        let months = w["months"].as_array().unwrap();
        assert_eq!(plan.months.len(), months.len(), "{name}");
        for (g, e) in plan.months.iter().zip(months) {
            let at = format!("{name} month {}", g.month);
            assert_eq!(u64::from(g.month), e["month"].as_u64().unwrap(), "{at}");
            close(&at, Some(g.planned), &e["planned"], tol);
            close(&at, g.actual, &e["actual"], tol);
            close(&at, g.low, &e["low"], tol_ci);
            close(&at, g.high, &e["high"], tol_ci);
            assert_eq!(g.n, e["n"].as_u64().unwrap(), "{at}");
            assert_eq!(g.status.name(), e["status"], "{at}");
        }
        let pr = &w["projected"];
        assert_eq!(plan.projected.status.name(), pr["status"], "{name}");
        assert_eq!(plan.projected.month, opt_u32(&pr["month"]), "{name}");
        assert_eq!(plan.projected.low, opt_u32(&pr["low"]), "{name}");
        assert_eq!(plan.projected.high, opt_u32(&pr["high"]), "{name}");
    }
}

#[test]
fn golden_defaults_and_invalid() {
    let v = vectors();
    let d = &v["defaults"];
    let o = GoalOptions::default();
    assert_eq!(o.confidence, d["confidence"].as_f64().unwrap());
    assert!(o.plan_start.is_none() && d["plan_start"].is_null());
    let c = &d["call"];
    let r = track(
        &history(&c["history"]),
        c["target"].as_f64().unwrap(),
        c["months"].as_u64().unwrap() as u32,
        &o,
    )
    .unwrap();
    assert!(r.plan.is_none() && d["plan"].is_null());
    for b in v["invalid"].as_array().unwrap() {
        let o = GoalOptions {
            plan_start: Some(b["plan_start"].as_u64().unwrap() as usize),
            ..GoalOptions::default()
        };
        let e = track(
            &history(&b["history"]),
            b["target"].as_f64().unwrap(),
            b["months"].as_u64().unwrap() as u32,
            &o,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{}", b["name"]);
        assert_eq!(e.argument(), b["argument"].as_str(), "{}", b["name"]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Invariants of the plan: one row per month since the start, planned
    /// values on the straight path (the start value, then the target from
    /// the due month on), statuses that agree with the intervals, a
    /// projection interval that contains its month, and "not reachable"
    /// exactly when the trend does not rise (below the target).
    #[test]
    fn plan_invariants(
        months in proptest::collection::vec((0u64..80, 0u64..80, 1u64..80), 1..10),
        start_frac in 0.0f64..1.0,
        target in -100i32..=100,
        horizon in 1u32..24,
    ) {
        let h: Vec<Tally> = months
            .iter()
            .map(|&(d, pa, p)| Tally::from_categories(d, pa, p).unwrap())
            .collect();
        let start = ((h.len() as f64) * start_frac) as usize;
        let o = GoalOptions { plan_start: Some(start), ..GoalOptions::default() };
        let r = track(&h, f64::from(target), horizon, &o).unwrap();
        let plan = r.plan.unwrap();
        prop_assert_eq!(plan.months.len(), h.len() - start);
        prop_assert_eq!(plan.months[0].planned, plan.start_value);
        for m in &plan.months {
            if m.month >= horizon {
                prop_assert_eq!(m.planned, f64::from(target));
            }
            let (lo, hi) = (m.low.unwrap(), m.high.unwrap());
            prop_assert!(lo <= m.actual.unwrap() && m.actual.unwrap() <= hi);
            let want = if lo > m.planned {
                PlanStatus::Ahead
            } else if hi < m.planned {
                PlanStatus::Behind
            } else {
                PlanStatus::OnTrack
            };
            prop_assert_eq!(m.status, want);
        }
        let last = plan.months.last().unwrap();
        let p = plan.projected;
        match p.status {
            ProjectionStatus::Reached => prop_assert!(last.actual.unwrap() >= f64::from(target)),
            ProjectionStatus::NoTrend => prop_assert_eq!(plan.months.len(), 1),
            ProjectionStatus::NotReachable => {
                // Falling, or so slow the target is beyond 1200 months.
                prop_assert!(plan.trend.unwrap() <= 200.0 / 1200.0);
                prop_assert!(p.month.is_none());
            }
            ProjectionStatus::Projected => {
                let (k, lo) = (p.month.unwrap(), p.low.unwrap());
                prop_assert!(plan.trend.unwrap() > 0.0);
                prop_assert!(k > last.month && lo > last.month && lo <= k);
                if let Some(hi) = p.high {
                    prop_assert!(k <= hi);
                }
            }
        }
    }
}
