//! Invariants checked with proptest: the merge algebra of tallies, ranges
//! and containment of the statistics, column tallies against a naive count
//! (all element types, the SIMD kernel and the threaded split), incremental
//! correctness, serde round-trips and the antisymmetry of comparisons.

use nps_core::{
    compare, AdjustedWald, Alternative, IntervalMethod, InvalidPolicy, NpsSample, ScoreValue,
    Tally, TestMethod, TestOptions,
};
use proptest::prelude::*;

/// Counts below 2^40, so sums of three never overflow.
fn counts() -> impl Strategy<Value = [u64; 11]> {
    proptest::array::uniform11(0u64..(1u64 << 40))
}

/// A tally with per-score counts or category counts only.
fn any_tally() -> impl Strategy<Value = Tally> {
    prop_oneof![
        counts().prop_map(|c| Tally::from_counts(c).expect("counts < 2^40 cannot overflow")),
        (0u64..(1 << 40), 0u64..(1 << 40), 0u64..(1 << 40)).prop_map(|(d, pa, p)| {
            Tally::from_categories(d, pa, p).expect("counts < 2^40 cannot overflow")
        }),
    ]
}

/// Small non-empty category counts (including single-category samples).
fn small_sample() -> impl Strategy<Value = (u64, u64, u64)> {
    (0u64..400, 0u64..400, 0u64..400).prop_filter("non-empty", |(d, pa, p)| d + pa + p > 0)
}

fn confidence() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.8), Just(0.9), Just(0.95), Just(0.99), 0.5f64..0.999]
}

/// The naive count: valid scores per value, and the number of invalid rows.
fn naive<T: Copy>(values: &[T], score: impl Fn(T) -> Option<u8>) -> ([u64; 11], u64) {
    let mut c = [0u64; 11];
    let mut bad = 0;
    for &v in values {
        match score(v) {
            Some(s) => c[s as usize] += 1,
            None => bad += 1,
        }
    }
    (c, bad)
}

fn score_of_i64(v: i64) -> Option<u8> {
    (0..=10).contains(&v).then_some(v as u8)
}

fn score_of_f64(v: f64) -> Option<u8> {
    // Spelled out independently of nps-core: a finite integer in 0..=10.
    if v.is_finite() && v.floor() == v && (0.0..=10.0).contains(&v) {
        Some(v as u8)
    } else {
        None
    }
}

/// Checks `Tally::from_column` against the naive count under both policies.
fn agrees_with_naive<T: ScoreValue + std::fmt::Debug>(
    values: &[T],
    score: impl Fn(T) -> Option<u8>,
) -> Result<(), TestCaseError> {
    let (c, bad) = naive(values, &score);
    let skip = Tally::from_column(values, InvalidPolicy::Skip).expect("skip never fails");
    prop_assert_eq!(skip.tally.counts(), Some(&c));
    prop_assert_eq!(skip.skipped, bad);
    let raise = Tally::from_column(values, InvalidPolicy::Raise);
    match values.iter().position(|&v| score(v).is_none()) {
        None => {
            let t = raise.expect("no invalid value");
            prop_assert_eq!(t.tally.counts(), Some(&c));
            prop_assert_eq!(t.skipped, 0);
        }
        Some(first) => {
            let e = raise.expect_err("an invalid value must raise");
            prop_assert_eq!(e.kind(), nps_core::ErrorKind::InvalidScore);
            prop_assert_eq!(e.index(), Some(first));
        }
    }
    Ok(())
}

fn f64_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => (-3i32..15).prop_map(f64::from),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-0.0),
        1 => 0.0f64..10.0,
        1 => Just(6.5),
        1 => Just(1e300),
    ]
}

fn i64_value() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => -3i64..15,
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
        1 => any::<i64>(),
    ]
}

proptest! {
    #[test]
    fn merge_is_associative(a in any_tally(), b in any_tally(), c in any_tally()) {
        let left = a.merge(&b).unwrap().merge(&c).unwrap();
        let right = a.merge(&b.merge(&c).unwrap()).unwrap();
        prop_assert_eq!(left, right);
    }

    #[test]
    fn merge_is_commutative(a in any_tally(), b in any_tally()) {
        prop_assert_eq!(a.merge(&b).unwrap(), b.merge(&a).unwrap());
    }

    #[test]
    fn empty_is_the_identity(a in any_tally()) {
        prop_assert_eq!(a.merge(&Tally::EMPTY).unwrap(), a);
        prop_assert_eq!(Tally::EMPTY.merge(&a).unwrap(), a);
    }

    #[test]
    fn merge_adds_counts(a in counts(), b in counts()) {
        let ta = Tally::from_counts(a).unwrap();
        let tb = Tally::from_counts(b).unwrap();
        let m = ta.merge(&tb).unwrap();
        let sum: Vec<u64> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        prop_assert_eq!(m.counts().map(|c| c.to_vec()), Some(sum));
        prop_assert_eq!(m.n(), ta.n() + tb.n());
    }

    #[test]
    fn nps_is_within_bounds(t in any_tally()) {
        match t.nps() {
            Ok(x) => prop_assert!((-100.0..=100.0).contains(&x), "nps {}", x),
            Err(e) => {
                prop_assert_eq!(t.n(), 0);
                prop_assert_eq!(e.kind(), nps_core::ErrorKind::NoData);
            }
        }
    }

    #[test]
    fn intervals_contain_the_estimate((d, pa, p) in small_sample(), conf in confidence()) {
        let t = Tally::from_categories(d, pa, p).unwrap();
        let nps = t.nps().unwrap();
        let slack = 1e-9;

        let w = t.interval(&IntervalMethod::Wald, conf).unwrap();
        prop_assert!(w.low <= nps + slack && nps <= w.high + slack, "wald {:?} nps {}", w, nps);
        prop_assert!((w.center - nps).abs() <= 1e-12, "centre {} nps {}", w.center, nps);

        for clip in [false, true] {
            let m = IntervalMethod::AdjustedWald(AdjustedWald { clip, ..AdjustedWald::default() });
            let a = t.interval(&m, conf).unwrap();
            prop_assert!(a.low <= a.center + slack && a.center <= a.high + slack, "{:?}", a);
            if clip {
                prop_assert!(a.low >= -100.0 && a.high <= 100.0, "{:?}", a);
            }
        }

        let s = t.interval(&IntervalMethod::Score, conf).unwrap();
        prop_assert!(s.low <= nps + slack && nps <= s.high + slack, "score {:?} nps {}", s, nps);
        prop_assert!(s.low >= -100.0 && s.high <= 100.0, "score {:?}", s);
        prop_assert!(s.low < s.high, "score interval of non-zero width {:?}", s);
    }

    #[test]
    fn u8_columns_agree_with_naive(v in proptest::collection::vec(any::<u8>(), 0..300)) {
        agrees_with_naive(&v, |x| (x <= 10).then_some(x))?;
    }

    #[test]
    fn i64_columns_agree_with_naive(v in proptest::collection::vec(i64_value(), 0..300)) {
        agrees_with_naive(&v, score_of_i64)?;
    }

    #[test]
    fn f64_columns_agree_with_naive(v in proptest::collection::vec(f64_value(), 0..300)) {
        agrees_with_naive(&v, score_of_f64)?;
    }

    #[test]
    fn f32_and_i16_columns_agree_with_naive(v in proptest::collection::vec(-3i16..15, 0..300)) {
        agrees_with_naive(&v, |x| score_of_i64(i64::from(x)))?;
        let f: Vec<f32> = v.iter().map(|&x| f32::from(x) + if x == 4 { 0.5 } else { 0.0 }).collect();
        agrees_with_naive(&f, |x| score_of_f64(f64::from(x)))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Long byte columns go through the SIMD kernel (blocks of 255 lanes).
    #[test]
    fn long_u8_columns_agree_with_naive(v in proptest::collection::vec(0u8..=15, 0..20_000)) {
        agrees_with_naive(&v, |x| (x <= 10).then_some(x))?;
    }

    /// Tallying two halves and merging equals tallying the whole.
    #[test]
    fn split_and_merge_is_incremental(
        v in proptest::collection::vec(0u8..=12, 0..5_000),
        cut in any::<proptest::sample::Index>(),
    ) {
        let k = cut.index(v.len() + 1);
        let (left, right) = v.split_at(k);
        let whole = Tally::from_column(&v, InvalidPolicy::Skip).unwrap();
        let l = Tally::from_column(left, InvalidPolicy::Skip).unwrap();
        let r = Tally::from_column(right, InvalidPolicy::Skip).unwrap();
        prop_assert_eq!(l.tally.merge(&r.tally).unwrap(), whole.tally);
        prop_assert_eq!(l.skipped + r.skipped, whole.skipped);
        // The same with f64 columns.
        let f: Vec<f64> = v.iter().map(|&x| f64::from(x)).collect();
        let (fl, fr) = f.split_at(k);
        let fw = Tally::from_column(&f, InvalidPolicy::Skip).unwrap();
        let merged = Tally::from_column(fl, InvalidPolicy::Skip).unwrap().tally
            .merge(&Tally::from_column(fr, InvalidPolicy::Skip).unwrap().tally).unwrap();
        prop_assert_eq!(merged, fw.tally);
        prop_assert_eq!(fw.tally, whole.tally);
    }

    #[test]
    fn tally_serde_round_trip(t in any_tally()) {
        let json = serde_json::to_string(&t).unwrap();
        let back: Tally = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, t);
    }

    #[test]
    fn compare_is_antisymmetric(
        a in small_sample(),
        b in small_sample(),
        adjusted in any::<bool>(),
        conf in confidence(),
    ) {
        let ta = Tally::from_categories(a.0, a.1, a.2).unwrap();
        let tb = Tally::from_categories(b.0, b.1, b.2).unwrap();
        let m = TestOptions {
            confidence: conf,
            ..TestOptions::from(if adjusted {
                TestMethod::AdjustedWald(AdjustedWald::default())
            } else {
                TestMethod::Wald
            })
        };
        let ab = compare(&ta, &tb, &m);
        let ba = compare(&tb, &ta, &m);
        match (ab, ba) {
            (Ok(ab), Ok(ba)) => {
                prop_assert_eq!(ab.difference, -ba.difference);
                prop_assert_eq!(ab.statistic, -ba.statistic);
                prop_assert!((ab.p_value - ba.p_value).abs() <= 1e-12 * ab.p_value.max(1e-300));
                prop_assert!((ab.se - ba.se).abs() <= 1e-12 * ab.se);
                // One-sided alternatives swap.
                let g = compare(&ta, &tb, &TestOptions { alternative: Alternative::Greater, ..m }).unwrap();
                let l = compare(&tb, &ta, &TestOptions { alternative: Alternative::Less, ..m }).unwrap();
                prop_assert!((g.p_value - l.p_value).abs() <= 1e-12 * g.p_value.max(1e-300));
            }
            (Err(x), Err(y)) => {
                // Wald with every response of both samples in one category.
                prop_assert_eq!(x.kind(), nps_core::ErrorKind::Degenerate);
                prop_assert_eq!(y.kind(), nps_core::ErrorKind::Degenerate);
                prop_assert!(!adjusted);
            }
            (x, y) => prop_assert!(false, "one direction failed: {:?} / {:?}", x, y),
        }
    }
}

/// A column longer than the 2^20-row split, so it is tallied in several
/// parts (threads); a deterministic pattern with every byte value.
#[test]
fn threaded_split_of_a_long_byte_column() {
    let len = 3 * (1usize << 20) + 17;
    let mut x: u32 = 0x9E37_79B9;
    let v: Vec<u8> = (0..len)
        .map(|_| {
            // xorshift32: deterministic, no dependencies.
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8 % 16
        })
        .collect();
    let (c, bad) = naive(&v, |b| (b <= 10).then_some(b));
    let t = Tally::from_column(&v, InvalidPolicy::Skip).unwrap();
    assert_eq!(t.tally.counts(), Some(&c));
    assert_eq!(t.skipped, bad);
    assert!(bad > 0);
    // Raise reports the first byte > 10.
    let first = v.iter().position(|&b| b > 10).unwrap();
    let e = Tally::from_column(&v, InvalidPolicy::Raise).unwrap_err();
    assert_eq!(e.index(), Some(first));
    // The valid bytes only: no error, same counts.
    let valid: Vec<u8> = v.iter().copied().filter(|&b| b <= 10).collect();
    let t = Tally::from_scores(&valid).unwrap();
    assert_eq!(t.counts(), Some(&c));
    // An invalid value in the last part is found too.
    let mut late = valid.clone();
    late.push(200);
    let e = Tally::from_scores(&late).unwrap_err();
    assert_eq!(e.index(), Some(valid.len()));
}

/// Pairs of small samples, including huge differences (p far below f64's
/// range) and identical pairs (tied p-values).
/// Category counts (D, Pa, P).
type Counts3 = (u64, u64, u64);

fn family() -> impl Strategy<Value = Vec<(Counts3, Counts3)>> {
    let big = prop_oneof![
        small_sample(),
        Just((9000, 0, 1000)),
        Just((1000, 0, 9000)),
        Just((0, 0, 1)),
    ];
    proptest::collection::vec((small_sample(), big), 0..12).prop_flat_map(|v| {
        let n = v.len();
        // Duplicate some pairs to get ties.
        (Just(v), proptest::collection::vec(0..n.max(1), 0..3)).prop_map(|(mut v, dup)| {
            for i in dup {
                if let Some(&p) = v.get(i) {
                    v.push(p);
                }
            }
            v
        })
    })
}

proptest! {
    /// Adjusted p-values: ≥ the raw ones, ≤ 1, monotone in the order of
    /// the raw p (and of ln p where p underflows), equal for equal raw
    /// values, Holm ≥ BH, and `none` is the raw p.
    #[test]
    fn compare_many_adjustment_invariants(pairs in family(), alt in prop_oneof![
        Just(Alternative::TwoSided), Just(Alternative::Greater), Just(Alternative::Less)]) {
        use nps_core::{compare_many, Adjust, CompareManyOptions};
        let tallies: Vec<(Tally, Tally)> = pairs
            .iter()
            .map(|&((d, pa, p), (d2, pa2, p2))| {
                (Tally::from_categories(d, pa, p).unwrap(), Tally::from_categories(d2, pa2, p2).unwrap())
            })
            .collect();
        let refs: Vec<(&Tally, &Tally)> = tallies.iter().map(|(a, b)| (a, b)).collect();
        let run = |adjust| {
            let o = CompareManyOptions {
                test: TestOptions { alternative: alt, ..TestOptions::default() },
                adjust,
            };
            compare_many(&refs, &o).unwrap()
        };
        let (holm, bh, none) = (run(Adjust::Holm), run(Adjust::BenjaminiHochberg), run(Adjust::None));
        prop_assert_eq!(holm.len(), pairs.len());
        for (i, n) in none.iter().enumerate() {
            prop_assert_eq!(n.p_adjusted, n.result.p_value);
            prop_assert_eq!(n.ln_p_adjusted, n.result.ln_p_value);
            let direct = compare(refs[i].0, refs[i].1, &TestOptions { alternative: alt, ..TestOptions::default() }).unwrap();
            prop_assert_eq!(holm[i].result, direct);
        }
        for r in [&holm, &bh] {
            for x in r.iter() {
                prop_assert!(x.p_adjusted >= x.result.p_value && x.p_adjusted <= 1.0, "{:?}", x);
                prop_assert!(x.ln_p_adjusted >= x.result.ln_p_value && x.ln_p_adjusted <= 0.0, "{:?}", x);
                prop_assert_eq!(x.significant, x.p_adjusted <= 0.05 + 1e-15);
            }
            for a in r.iter() {
                for b in r.iter() {
                    let (pa, pb) = ((a.result.p_value, a.result.ln_p_value), (b.result.p_value, b.result.ln_p_value));
                    if pa < pb {
                        prop_assert!(a.p_adjusted <= b.p_adjusted);
                        prop_assert!(a.ln_p_adjusted <= b.ln_p_adjusted);
                    }
                    if pa == pb {
                        prop_assert_eq!(a.p_adjusted, b.p_adjusted);
                        prop_assert_eq!(a.ln_p_adjusted, b.ln_p_adjusted);
                    }
                }
            }
        }
        for (h, b) in holm.iter().zip(&bh) {
            prop_assert!(h.p_adjusted >= b.p_adjusted, "{:?} {:?}", h, b);
            prop_assert!(h.ln_p_adjusted >= b.ln_p_adjusted, "{:?} {:?}", h, b);
        }
    }
}
