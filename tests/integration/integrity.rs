//! Integrity of the score (issue 4): the golden vectors of
//! `tests/golden/integrity_vectors.json` (stdlib oracle
//! `gen_integrity_vectors.py`), property tests and bad input.

use std::sync::OnceLock;

use nps_core::group::{GroupKey, Keys};
use nps_core::integrity::{
    ln_binomial_lower_tail, ln_binomial_upper_tail, managed_flags, managed_flags_rerated,
    rerated_nps, rerated_nps_by, Basis, Correction, FlagOptions, FlagStatus, ManagedFlags, Rerated,
    Rerating,
};
use nps_core::{ErrorKind, InvalidPolicy, NpsSample, Tally};
use proptest::prelude::*;
use serde_json::Value;

fn doc() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("golden")
            .join("integrity_vectors.json");
        let text = std::fs::read_to_string(&path).expect("integrity_vectors.json is committed");
        serde_json::from_str(&text).expect("integrity_vectors.json is valid JSON")
    })
}

fn tol(name: &str) -> f64 {
    doc()["tolerances"][name].as_f64().unwrap()
}

fn u8s(v: &Value) -> Vec<u8> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u8)
        .collect()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn check_tally(what: &str, t: &Tally, e: &Value) {
    let counts: Vec<u64> = e["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(t.counts().unwrap().as_slice(), counts.as_slice(), "{what}");
    assert_eq!(t.n(), e["n"].as_u64().unwrap(), "{what}");
    match e["nps"].as_f64() {
        Some(nps) => assert!((t.nps().unwrap() - nps).abs() <= tol("nps"), "{what}"),
        None => assert_eq!(t.nps().unwrap_err().kind(), ErrorKind::NoData, "{what}"),
    }
}

fn check_rerating(what: &str, r: &Rerating, e: &Value) {
    check_tally(&format!("{what}: original"), &r.original, &e["original"]);
    check_tally(
        &format!("{what}: after_recovery"),
        &r.after_recovery,
        &e["after_recovery"],
    );
    assert_eq!(r.basis.name(), e["basis"].as_str().unwrap(), "{what}");
    for (name, got) in [
        ("rerated", r.rerated),
        ("detractors_rerated", r.detractors_rerated),
        ("detractors_moved_up", r.detractors_moved_up),
        ("detractors_to_promoter", r.detractors_to_promoter),
    ] {
        assert_eq!(got, e[name].as_u64().unwrap(), "{what}: {name}");
    }
    match e["reported_nps"].as_f64() {
        Some(v) => assert!(
            (r.reported().nps().unwrap() - v).abs() <= tol("nps"),
            "{what}"
        ),
        None => assert!(r.reported().nps().is_err(), "{what}"),
    }
}

#[test]
fn golden_rerated() {
    let cases = doc()["rerated"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let original = u8s(&c["original"]);
        let rerated = f64s(&c["rerated"]);
        let basis = match c["basis"].as_str() {
            Some(b) => Basis::from_name(b).unwrap(),
            None => Basis::default(),
        };
        let r = rerated_nps(&original, &rerated, None, basis).unwrap();
        check_rerating(name, &r, &c["expected"]);
        // The same through integer columns with a presence mask.
        let ints: Vec<i64> = rerated
            .iter()
            .map(|x| if x.is_nan() { -99 } else { *x as i64 })
            .collect();
        let mask: Vec<bool> = rerated.iter().map(|x| !x.is_nan()).collect();
        let m = rerated_nps(&original, &ints, Some(&mask), basis).unwrap();
        assert_eq!(m, r, "{name}: mask");
    }
}

#[test]
fn rerated_scores_are_excluded_by_default() {
    let c = &doc()["rerated"].as_array().unwrap()[0];
    let original = u8s(&c["original"]);
    let rerated = f64s(&c["rerated"]);
    let r = rerated_nps(&original, &rerated, None, Basis::default()).unwrap();
    let plain = Tally::from_scores(&original).unwrap();
    assert_eq!(r.reported(), &plain);
    // The after-recovery NPS differs, so including re-ratings would show.
    assert_ne!(r.after_recovery.nps().unwrap(), plain.nps().unwrap());
}

#[test]
fn golden_rerated_by() {
    let c = &doc()["rerated_by"];
    let keys = u32s(&c["keys"]);
    let g = rerated_nps_by(
        &u8s(&c["original"]),
        &f64s(&c["rerated"]),
        None,
        Keys::U32(&keys),
        Basis::Original,
    )
    .unwrap();
    let exp = c["expected"].as_array().unwrap();
    assert_eq!(g.len(), exp.len());
    for (got, e) in g.iter().zip(exp) {
        assert_eq!(got.key, GroupKey::UInt(e["key"].as_u64().unwrap()));
        check_rerating(&format!("by key {}", got.key), &got.rerating, e);
    }
}

fn check_ln(what: &str, got: Option<f64>, e: &Value, neg_inf: bool) {
    match (got, e.as_f64()) {
        (Some(g), Some(x)) => {
            let err = (g - x).abs();
            assert!(
                err <= tol("ln_atol") + tol("ln_rtol") * x.abs(),
                "{what}: {g} vs {x}"
            );
        }
        (Some(g), None) if neg_inf => assert_eq!(g, f64::NEG_INFINITY, "{what}"),
        (None, None) => {}
        (g, x) => panic!("{what}: {g:?} vs {x:?}"),
    }
}

fn run_flags(c: &Value) -> ManagedFlags {
    let scores = u8s(&c["scores"]);
    let keys = u32s(&c["keys"]);
    let opts = FlagOptions {
        alpha: c["alpha"].as_f64().unwrap(),
        min_n: c["min_n"].as_u64().unwrap(),
        correction: Correction::from_name(c["correction"].as_str().unwrap()).unwrap(),
        invalid: InvalidPolicy::Raise,
    };
    if c["rerated"].is_null() {
        managed_flags(&scores, Keys::U32(&keys), &opts).unwrap()
    } else {
        let r = f64s(&c["rerated"]);
        managed_flags_rerated(
            &scores,
            Rerated {
                scores: &r,
                present: None,
            },
            Keys::U32(&keys),
            &opts,
        )
        .unwrap()
    }
}

#[test]
fn golden_flags() {
    let cases = doc()["flags"].as_array().unwrap();
    let mut flagged = 0;
    let mut not_flagged = 0;
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let f = run_flags(c);
        let e = &c["expected"];
        assert_eq!(f.comparisons, e["comparisons"].as_u64().unwrap(), "{name}");
        assert!(
            (f.threshold - e["threshold"].as_f64().unwrap()).abs() <= 1e-15 * f.threshold,
            "{name}"
        );
        let rows = e["rows"].as_array().unwrap();
        assert_eq!(f.rows.len(), rows.len(), "{name}");
        for (got, x) in f.rows.iter().zip(rows) {
            let what = format!("{name}: key {} {}", got.key, got.test.name());
            assert_eq!(
                got.key,
                GroupKey::UInt(x["key"].as_u64().unwrap()),
                "{what}"
            );
            assert_eq!(got.test.name(), x["test"].as_str().unwrap(), "{what}");
            assert_eq!(got.n, x["n"].as_u64().unwrap(), "{what}");
            assert_eq!(got.observed, x["observed"].as_u64().unwrap(), "{what}");
            assert_eq!(got.network_n, x["network_n"].as_u64().unwrap(), "{what}");
            assert_eq!(
                got.network_observed,
                x["network_observed"].as_u64().unwrap(),
                "{what}"
            );
            // serde_json's default float parsing may be 1 ulp off: compare closely.
            for (g, v) in [
                (got.share, &x["share"]),
                (got.network_share, &x["network_share"]),
            ] {
                match (g, v.as_f64()) {
                    (Some(g), Some(v)) => assert!((g - v).abs() <= 1e-15, "{what}: {g} vs {v}"),
                    (None, None) => {}
                    (g, v) => panic!("{what}: share {g:?} vs {v:?}"),
                }
            }
            assert_eq!(got.status.name(), x["status"].as_str().unwrap(), "{what}");
            check_ln(
                &format!("{what}: ln_p"),
                got.ln_p_value,
                &x["ln_p_value"],
                x["ln_p_is_neg_inf"].as_bool().unwrap(),
            );
            check_ln(
                &format!("{what}: ln_min_p"),
                got.ln_min_p_value,
                &x["ln_min_p_value"],
                x["ln_min_is_neg_inf"].as_bool().unwrap(),
            );
            match (got.p_value, x["p_value"].as_f64()) {
                (Some(g), Some(v)) => {
                    assert!((g - v).abs() <= 1e-9 * v + 1e-300, "{what}: p {g} vs {v}")
                }
                (None, None) => {}
                (g, v) => panic!("{what}: p {g:?} vs {v:?}"),
            }
            match got.status {
                FlagStatus::Flagged => flagged += 1,
                FlagStatus::NotFlagged => not_flagged += 1,
                _ => {}
            }
        }
    }
    assert!(flagged >= 5 && not_flagged >= 5);
}

#[test]
fn golden_binomial_tails() {
    for b in doc()["binomial"].as_array().unwrap() {
        let (x, n, p) = (
            b["x"].as_u64().unwrap(),
            b["n"].as_u64().unwrap(),
            b["p"].as_f64().unwrap(),
        );
        let got = if b["tail"] == "upper" {
            ln_binomial_upper_tail(x, n, p).unwrap()
        } else {
            ln_binomial_lower_tail(x, n, p).unwrap()
        };
        check_ln(&format!("binomial {b}"), Some(got), &b["ln_p"], false);
    }
}

#[test]
fn golden_errors() {
    for c in doc()["errors"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let original = f64s(&c["original"]);
        let rerated = f64s(&c["rerated"]);
        let err = rerated_nps(&original, &rerated, None, Basis::Original).unwrap_err();
        assert_eq!(err.kind().name(), c["kind"].as_str().unwrap(), "{name}");
        assert_eq!(
            err.index(),
            c["index"].as_u64().map(|i| i as usize),
            "{name}"
        );
        let msg = err.to_string();
        match err.kind() {
            ErrorKind::InvalidScore => {}
            _ => assert!(msg.contains(c["column"].as_str().unwrap()), "{name}: {msg}"),
        }
    }
}

#[test]
fn bad_arguments() {
    let s = [9u8, 10];
    let k = [1u32, 2];
    for alpha in [0.0, 1.0, -0.1, f64::NAN, f64::INFINITY] {
        let o = FlagOptions {
            alpha,
            ..FlagOptions::default()
        };
        let e = managed_flags(&s, Keys::U32(&k), &o).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
    let e = managed_flags(&s, Keys::U32(&[1]), &FlagOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LengthMismatch);
    let e = managed_flags(&[9.0, f64::NAN], Keys::U32(&k), &FlagOptions::default()).unwrap_err();
    assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidScore, Some(1)));
    let e = rerated_nps(&s, &[1.0, 2.0], Some(&[true]), Basis::Original).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LengthMismatch);
    assert!(ln_binomial_upper_tail(3, 2, 0.5).is_err());
    assert!(ln_binomial_lower_tail(1, 2, 1.5).is_err());
    assert!(ln_binomial_lower_tail(1, 2, f64::NAN).is_err());
    assert!(Basis::from_name("after").is_err());
    assert!(Correction::from_name("holm").is_err());
}

#[test]
fn invalid_scores_can_be_skipped() {
    let scores = [10.0, f64::NAN, 9.0, 11.0, 3.0];
    let keys = [1u32, 1, 2, 2, 2];
    let opts = FlagOptions {
        invalid: InvalidPolicy::Skip,
        min_n: 0,
        ..FlagOptions::default()
    };
    let f = managed_flags(&scores, Keys::U32(&keys), &opts).unwrap();
    assert_eq!(f.skipped, 2);
    let clean = managed_flags(&[10.0, 9.0, 3.0], Keys::U32(&[1, 2, 2]), &opts).unwrap();
    assert_eq!(f.rows, clean.rows);
}

#[test]
fn huge_groups_stay_finite() {
    // 10^7 responses in one group: tails in log space, no NaN, no overflow.
    let n = 10_000_000usize;
    let mut scores = vec![10u8; n];
    scores.extend(std::iter::repeat_n(3u8, 1000));
    scores.extend(std::iter::repeat_n(10u8, 500));
    let mut keys = vec![1u32; n + 1000];
    keys.extend(std::iter::repeat_n(2u32, 500));
    let f = managed_flags(&scores, Keys::U32(&keys), &FlagOptions::default()).unwrap();
    for r in &f.rows {
        let p = r.p_value.unwrap();
        assert!((0.0..=1.0).contains(&p), "{r:?}");
        assert!(!r.ln_p_value.unwrap().is_nan(), "{r:?}");
        assert!(!r.ln_min_p_value.unwrap().is_nan(), "{r:?}");
    }
}

fn score_col() -> impl Strategy<Value = Vec<(u8, Option<u8>, u32)>> {
    prop::collection::vec((0u8..=10, prop::option::of(0u8..=10), 0u32..5), 0..200)
}

proptest! {
    #[test]
    fn original_basis_is_the_plain_tally(rows in score_col()) {
        let o: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let r: Vec<f64> = rows.iter().map(|r| r.1.map_or(f64::NAN, f64::from)).collect();
        let x = rerated_nps(&o, &r, None, Basis::Original).unwrap();
        let plain = Tally::from_column(&o, InvalidPolicy::Raise).unwrap().tally;
        prop_assert_eq!(x.reported(), &plain);
        prop_assert_eq!(x.after_recovery.n(), x.original.n());
        prop_assert!(x.detractors_to_promoter <= x.detractors_moved_up);
        prop_assert!(x.detractors_moved_up <= x.detractors_rerated);
        prop_assert!(x.detractors_rerated <= x.rerated);
        prop_assert_eq!(x.rerated, rows.iter().filter(|r| r.1.is_some()).count() as u64);
        // Grouped results add up to the ungrouped one.
        let keys: Vec<u32> = rows.iter().map(|r| r.2).collect();
        let g = rerated_nps_by(&o, &r, None, Keys::U32(&keys), Basis::Rerated).unwrap();
        let mut total = Tally::EMPTY;
        for grp in &g {
            total = total.merge(&grp.rerating.after_recovery).unwrap();
        }
        prop_assert_eq!(total, x.after_recovery);
    }

    #[test]
    fn flags_are_invariant_to_row_order(rows in score_col(), rot in 0usize..200) {
        let o: Vec<u8> = rows.iter().map(|r| r.0).collect();
        let r: Vec<f64> = rows.iter().map(|r| r.1.map_or(f64::NAN, f64::from)).collect();
        let k: Vec<u32> = rows.iter().map(|r| r.2).collect();
        let opts = FlagOptions { min_n: 3, ..FlagOptions::default() };
        let run = |o: &[u8], r: &[f64], k: &[u32]| {
            managed_flags_rerated(o, Rerated { scores: r, present: None }, Keys::U32(k), &opts).unwrap()
        };
        let a = run(&o, &r, &k);
        let mut idx: Vec<usize> = (0..rows.len()).collect();
        idx.reverse();
        if !idx.is_empty() {
            let len = idx.len();
            idx.rotate_left(rot % len);
        }
        let o2: Vec<u8> = idx.iter().map(|&i| o[i]).collect();
        let r2: Vec<f64> = idx.iter().map(|&i| r[i]).collect();
        let k2: Vec<u32> = idx.iter().map(|&i| k[i]).collect();
        let b = run(&o2, &r2, &k2);
        prop_assert_eq!(&a, &b);
        for row in &a.rows {
            if let Some(p) = row.p_value {
                prop_assert!((0.0..=1.0).contains(&p));
                prop_assert!(row.ln_p_value.unwrap() <= 0.0);
                prop_assert!(row.ln_min_p_value.unwrap() <= row.ln_p_value.unwrap() + 1e-12);
            }
        }
    }

    #[test]
    fn tails_are_probabilities(x in 0u64..3000, n in 0u64..3000, p in 0.0f64..=1.0) {
        let x = x.min(n);
        let up = ln_binomial_upper_tail(x, n, p).unwrap();
        let lo = ln_binomial_lower_tail(x, n, p).unwrap();
        prop_assert!(up <= 0.0 && lo <= 0.0 && !up.is_nan() && !lo.is_nan());
        // P(X >= x) + P(X <= x - 1) = 1.
        if x > 0 {
            let below = ln_binomial_lower_tail(x - 1, n, p).unwrap();
            prop_assert!((up.exp() + below.exp() - 1.0).abs() < 1e-9);
        }
    }
}
