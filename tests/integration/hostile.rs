//! Hostile input (issue 10): properties with sizes — extreme weights,
//! extreme timestamps, large size arguments — and exact round-trips of
//! weighted tallies, policies and cases. Every input either gives finite
//! results or a typed error; nothing saturates, allocates without bound or
//! returns NaN.

use nps_core::case::Case;
use nps_core::policy::Policy;
use nps_core::{
    sample_size, IntervalOptions, InvalidPolicy, NpsSample, SampleSizeOptions, WeightedTally,
    CONFIDENCE_RANGE, MAX_SAMPLE_SIZE, WEIGHT_RANGE,
};
use proptest::prelude::*;

/// Weights from every corner of [`WEIGHT_RANGE`] (log-uniform, the exact
/// bounds, 0, ugly mantissas), plus some outside it.
fn extreme_weight() -> impl Strategy<Value = f64> {
    let (lo, hi) = (*WEIGHT_RANGE.start(), *WEIGHT_RANGE.end());
    prop_oneof![
        Just(0.0),
        Just(lo),
        Just(hi),
        Just(1.0),
        (-230.0f64..230.0).prop_map(move |e| 10f64.powf(e).clamp(lo, hi)),
        // Any bit pattern whose value is in range (ugly mantissas).
        any::<u64>().prop_map(move |b| {
            let v = f64::from_bits(b).abs();
            if WEIGHT_RANGE.contains(&v) {
                v
            } else {
                7e-100
            }
        }),
    ]
}

/// A weight that is anything at all: in range, out of range, NaN, ±inf.
fn any_weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => extreme_weight(),
        1 => any::<f64>(),
        1 => prop_oneof![Just(1e155), Just(3.1e-214), Just(f64::MIN_POSITIVE), Just(5e-324)],
    ]
}

/// Extreme instants: the ends of the i64 range, of chrono's and of
/// RFC 3339 years 0001–9999, and ordinary ones.
fn extreme_timestamp() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(-62_135_596_800i64), // 0001-01-01
        Just(253_402_300_799i64), // 9999-12-31T23:59:59
        Just(0i64),
        any::<i64>(),
        1_700_000_000i64..1_800_000_000,
    ]
}

/// Size arguments from small to far beyond every documented bound.
fn size_argument() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..10,
        Just(u64::from(u32::MAX)),
        Just(u64::MAX),
        Just(1u64 << 53),
        any::<u64>(),
    ]
}

/// A policy with random floats wherever the document has floats: driver
/// weights (summing to 1), success rates and benchmark bounds.
fn policy_with_floats() -> impl Strategy<Value = Policy> {
    (
        proptest::collection::vec(1e-3f64..1.0, 1..6),
        proptest::collection::vec(0.0f64..=1.0, 3),
        proptest::collection::vec((-1e12f64..1e12, 0.0f64..1e12), 0..4),
        0i64..=366 * 86_400,
    )
        .prop_map(|(raw, success, bounds, lead)| {
            let mut p = Policy::default();
            let sum: f64 = raw.iter().sum();
            for (d, w) in p.drivers.iter_mut().zip(raw.iter().cycle()) {
                d.weight = w / sum;
            }
            let total: f64 = p.drivers.iter().map(|d| d.weight).sum();
            if let Some(last) = p.drivers.last_mut() {
                last.weight += 1.0 - total; // sum within 1e-9 of 1
            }
            for (s, v) in p.recovery.success_by_speed.iter_mut().zip(&success) {
                s.success = *v;
            }
            for (b, (lo, width)) in p.benchmarks.iter_mut().zip(&bounds) {
                if b.min.is_some() {
                    b.min = Some(*lo);
                }
                if b.max.is_some() {
                    b.max = Some(lo + width);
                }
                if let (Some(a), Some(c)) = (b.min, b.max) {
                    if a > c {
                        b.max = Some(a);
                    }
                }
            }
            p.warning_lead_seconds = lead;
            p
        })
        .prop_filter("valid policy", |p| Policy::from_json(&p.to_json()).is_ok())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A weighted tally of weights in range round-trips through JSON
    /// exactly (serde_json `float_roundtrip`) and every statistic is finite.
    #[test]
    fn weighted_tally_round_trip_is_exact(
        rows in proptest::collection::vec((0u8..=10, extreme_weight()), 1..60),
    ) {
        let (scores, weights): (Vec<u8>, Vec<f64>) = rows.into_iter().unzip();
        let t = WeightedTally::from_columns(&scores, &weights, InvalidPolicy::Raise)
            .unwrap()
            .tally;
        let text = serde_json::to_string(&t).unwrap();
        let back: WeightedTally = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, t);
        for (a, b) in back.weights.iter().zip(&t.weights) {
            prop_assert_eq!(a.to_bits(), b.to_bits());
        }
        let n_eff = t.effective_n();
        prop_assert!(n_eff.is_finite() && n_eff <= scores.len() as f64 * (1.0 + 1e-9));
        if t.total_weight() > 0.0 {
            prop_assert!((1.0 - 1e-9..).contains(&n_eff), "{}", n_eff);
            let nps = t.nps().unwrap();
            prop_assert!((-100.0..=100.0).contains(&nps));
            prop_assert!(t.se().unwrap().is_finite());
            let ci = t.interval_with(&IntervalOptions::default()).unwrap();
            prop_assert!(ci.low.is_finite() && ci.high.is_finite());
            prop_assert!(t.mean_score().unwrap().is_finite());
        }
        let m = t.merge(&t).unwrap();
        prop_assert!(m.effective_n().is_finite());
    }

    /// Any weight column: a typed error naming a row, or finite statistics.
    #[test]
    fn any_weights_are_rejected_or_finite(
        rows in proptest::collection::vec((0u8..=10, any_weight()), 1..40),
    ) {
        let (scores, weights): (Vec<u8>, Vec<f64>) = rows.into_iter().unzip();
        match WeightedTally::from_columns(&scores, &weights, InvalidPolicy::Skip) {
            Err(e) => {
                let i = e.index().unwrap();
                let w = weights[i];
                prop_assert!(w != 0.0 && !WEIGHT_RANGE.contains(&w), "{} at {}", w, i);
            }
            Ok(c) => {
                let t = c.tally;
                prop_assert!(t.effective_n().is_finite());
                if let Ok(nps) = t.nps() {
                    prop_assert!(nps.is_finite());
                } else {
                    prop_assert_eq!(t.total_weight(), 0.0);
                }
            }
        }
    }

    /// A policy with arbitrary floats round-trips through JSON exactly, and
    /// so does a case saved with it.
    #[test]
    fn policy_and_case_round_trip_is_exact(p in policy_with_floats(), log in super::cases::valid_log()) {
        let back = Policy::from_json(&p.to_json()).unwrap();
        prop_assert_eq!(&back, &p);
        prop_assert_eq!(back.fingerprint(), p.fingerprint());
        let c = Case::from_events("p", log).unwrap();
        let text = c.to_json_with_policy(&p);
        let (c2, p2) = Case::from_json_with_policy(&text, None).unwrap();
        prop_assert_eq!(&c2, &c);
        prop_assert_eq!(&p2, &p);
        prop_assert_eq!(&c2.to_json_with_policy(&p2), &text);
        if p != Policy::default() {
            prop_assert!(Case::from_json(&text).is_err());
            prop_assert!(Case::from_json_with_policy(&text, Some(&Policy::default())).is_err());
        }
    }

    /// Confidence levels anywhere in [0, 1] and beyond: inside
    /// CONFIDENCE_RANGE every interval is finite, outside it a typed error.
    #[test]
    fn any_confidence_is_rejected_or_finite(
        conf in prop_oneof![any::<f64>(), 0.0f64..=1.0, Just(1.0 - 1e-16), Just(1e-16)],
        (d, pa, p) in (0u64..50, 0u64..50, 1u64..50),
    ) {
        let t = nps_core::Tally::from_categories(d, pa, p).unwrap();
        for kind in nps_core::IntervalKind::ALL {
            let o = IntervalOptions { method: kind, confidence: conf, ..IntervalOptions::default() };
            match t.interval_with(&o) {
                Ok(ci) => {
                    prop_assert!(CONFIDENCE_RANGE.contains(&conf));
                    prop_assert!(ci.low.is_finite() && ci.high.is_finite() && ci.low <= ci.high);
                }
                Err(e) => {
                    prop_assert!(!CONFIDENCE_RANGE.contains(&conf), "{}", e);
                    prop_assert_eq!(e.argument(), Some("confidence"));
                }
            }
        }
    }

    /// Sample sizes never saturate: a bounded number or a typed error.
    #[test]
    fn sample_size_is_bounded(
        margin in prop_oneof![any::<f64>(), 1e-300f64..200.0, Just(5e-324)],
        conf in prop_oneof![Just(*CONFIDENCE_RANGE.end()), 0.5f64..0.999],
        population in proptest::option::of(size_argument()),
    ) {
        let o = SampleSizeOptions { confidence: conf, population };
        if let Ok(n) = sample_size(margin, 0.5, 0.2, &o) {
            prop_assert!((1..=MAX_SAMPLE_SIZE).contains(&n));
            if let Some(pop) = population {
                prop_assert!(n <= pop.max(1));
            }
        }
    }

    /// Goal tracking with any horizon: bounded or a typed error, and the
    /// responses per month never saturate.
    #[test]
    fn goal_months_are_bounded(months in size_argument(), target in -100.0f64..=100.0) {
        let t = nps_core::Tally::from_categories(3, 4, 5).unwrap();
        let months = u32::try_from(months).unwrap_or(u32::MAX);
        match nps_core::goal::track(&[t, t], target, months, &Default::default()) {
            Ok(r) => {
                prop_assert!(months <= nps_core::goal::MAX_MONTHS);
                prop_assert_eq!(r.path.len(), months as usize);
                prop_assert!(r.n_per_month_to_detect_step.is_none_or(|n| n <= MAX_SAMPLE_SIZE));
            }
            Err(e) => prop_assert_eq!(e.kind(), nps_core::ErrorKind::InvalidArgument),
        }
    }

    /// Case events at extreme instants: applied or a typed error, never a
    /// panic; a case that loads round-trips.
    #[test]
    fn cases_at_extreme_instants(at in extreme_timestamp(), dt in extreme_timestamp()) {
        let opened = serde_json::json!({
            "kind": "opened", "at": format_or_raw(at), "score": 3, "reason": "r",
            "high_value": false, "public_opinion_risk": false,
        });
        if let Ok(mut c) = Case::from_json_events(&serde_json::json!([opened]).to_string(), "x") {
            let later = at.saturating_add(dt.unsigned_abs().min(i64::MAX as u64) as i64);
            let ack = serde_json::json!({"kind": "acknowledged", "at": format_or_raw(later)});
            let _ = c.apply_json(&ack.to_string());
            let back = Case::from_json(&c.to_json()).unwrap();
            prop_assert_eq!(&back, &c);
            let _ = c.status(&Policy::default(), later);
        }
    }
}

/// RFC 3339 text of `ts` where it has one, else its digits (which the
/// parser must reject with a typed error).
fn format_or_raw(ts: i64) -> serde_json::Value {
    nps_core::case::format_instant(ts).into()
}
