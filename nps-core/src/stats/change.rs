//! Change tests for a share and a count between two periods, groups or
//! channels (issue 16): "the negative share of posts went from 15 % to
//! 38 %", "complaints rose 127 % year on year".
//!
//! - [`compare_shares`]: k₁/n₁ − k₂/n₂ with Newcombe's hybrid score
//!   interval, the pooled score (z) test and the ratio of the shares.
//! - [`compare_counts`]: the rate ratio (c₁/e₁) / (c₂/e₂) of two counts
//!   over exposures, with the exact conditional interval and test (given
//!   c₁ + c₂, c₁ is binomial).
//! - [`compare_shares_many`] and [`compare_counts_many`] adjust a family of
//!   them for multiplicity exactly as [`compare_many`](super::compare_many)
//!   does (Holm by default).
//!
//! Shares here are proportions in [0, 1] (not NPS points).

use serde::{Deserialize, Serialize};
use statrs::function::gamma::ln_gamma;

use super::many::adjust_p_values;
use super::options::check_confidence;
use super::{ln_upper_tail, upper_tail, z_value, Adjust, Alternative, Interval};
use crate::error::{Error, Result};

/// Options of [`compare_shares`] and [`compare_counts`].
///
/// | field         | default                        |
/// |---------------|--------------------------------|
/// | `confidence`  | 0.95 ([`DEFAULT_CONFIDENCE`](super::DEFAULT_CONFIDENCE)) |
/// | `alternative` | [`Alternative::TwoSided`]      |
///
/// The interval is always two-sided at `confidence`; `alternative` is the
/// test's: `greater` means "the first is larger" (difference > 0, ratio > 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChangeOptions {
    /// Confidence level of the interval, in [`CONFIDENCE_RANGE`](super::CONFIDENCE_RANGE).
    pub confidence: f64,
    /// The alternative of the test.
    pub alternative: Alternative,
}

impl Default for ChangeOptions {
    fn default() -> ChangeOptions {
        ChangeOptions {
            confidence: super::DEFAULT_CONFIDENCE,
            alternative: Alternative::TwoSided,
        }
    }
}

impl ChangeOptions {
    /// Checks the confidence level.
    pub fn validate(&self) -> Result<()> {
        check_confidence(self.confidence)
    }
}

/// Options of [`compare_shares_many`] and [`compare_counts_many`]: each
/// comparison's options and the multiplicity adjustment (default Holm).
/// The significance level is `1 − change.confidence`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChangeManyOptions {
    /// Options of every comparison.
    pub change: ChangeOptions,
    /// The multiplicity adjustment (default [`Adjust::Holm`]).
    pub adjust: Adjust,
}

/// A share k of n (n > 0, k ≤ n): one side of [`compare_shares`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareCounts {
    /// Cases with the property (e.g. negative posts).
    pub k: u64,
    /// All cases (e.g. posts).
    pub n: u64,
}

/// A count over an exposure: one side of [`compare_counts`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CountExposure {
    /// Events counted (e.g. complaints).
    pub count: u64,
    /// The exposure they were counted over (e.g. visits, or 1.0 for "a
    /// year"): finite and > 0.
    pub exposure: f64,
}

/// The result of [`compare_shares`]: first − second.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShareChange {
    /// k₁/n₁.
    pub first: f64,
    /// k₂/n₂.
    pub second: f64,
    /// first − second, in [−1, 1].
    pub difference: f64,
    /// Newcombe's hybrid score interval of the difference (method
    /// `"newcombe"`, centre = the difference).
    pub interval: Interval,
    /// The pooled score statistic z = d / √(p̄(1 − p̄)(1/n₁ + 1/n₂)); 0 when
    /// both shares are 0 or both are 1.
    pub statistic: f64,
    /// p-value of the test under `alternative`.
    pub p_value: f64,
    /// Natural log of the p-value, finite where `p_value` underflows.
    pub ln_p_value: f64,
    /// The alternative of the test.
    pub alternative: Alternative,
    /// first / second; `None` when the second share is 0.
    pub ratio: Option<f64>,
}

/// The result of [`compare_counts`]: the rate ratio first / second.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CountChange {
    /// c₁/e₁.
    pub first_rate: f64,
    /// c₂/e₂.
    pub second_rate: f64,
    /// The rate ratio (c₁/e₁)/(c₂/e₂); +∞ when c₂ = 0.
    pub ratio: f64,
    /// ratio − 1: the relative change (+1.27 = "+127 %"); +∞ when c₂ = 0.
    pub change: f64,
    /// The exact conditional interval of the ratio (Clopper–Pearson on
    /// c₁ | c₁ + c₂, method `"exact_conditional"`, centre = the ratio):
    /// low is 0 when c₁ = 0, high is +∞ when c₂ = 0.
    pub interval: Interval,
    /// Exact conditional p-value of ratio = 1 under `alternative`
    /// (two-sided: twice the smaller tail, at most 1).
    pub p_value: f64,
    /// Natural log of the p-value, finite where `p_value` underflows.
    pub ln_p_value: f64,
    /// The alternative of the test.
    pub alternative: Alternative,
}

/// One comparison of a family ([`compare_shares_many`],
/// [`compare_counts_many`]) with its adjusted p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AdjustedChange<T> {
    /// The comparison itself (raw p-value).
    pub result: T,
    /// The adjusted p-value (≥ the raw one, ≤ 1).
    pub p_adjusted: f64,
    /// Natural log of the adjusted p-value.
    pub ln_p_adjusted: f64,
    /// `p_adjusted ≤ 1 − confidence`.
    pub significant: bool,
}

fn check_share(s: ShareCounts, which: &'static str) -> Result<f64> {
    if s.n == 0 {
        return Err(Error::NoData {
            what: if which == "first" {
                "first share (n = 0)"
            } else {
                "second share (n = 0)"
            },
        });
    }
    if s.k > s.n {
        return Err(Error::arg(
            which,
            format!("k = {} is larger than n = {}", s.k, s.n),
        ));
    }
    Ok(s.k as f64 / s.n as f64)
}

/// Wilson's score interval of one share at normal quantile `z`.
pub(crate) fn wilson(k: u64, n: u64, z: f64) -> (f64, f64) {
    let (k, n) = (k as f64, n as f64);
    let z2 = z * z;
    let centre = (k + z2 / 2.0) / (n + z2);
    let half = z / (n + z2) * (k * (n - k) / n + z2 / 4.0).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// first − second for two shares (k₁ of n₁ against k₂ of n₂).
///
/// - The interval is Newcombe's hybrid score interval (his method 10):
///   with Wilson intervals (l₁, u₁) and (l₂, u₂) at the same level,
///   `d − √((p₁ − l₁)² + (u₂ − p₂)²) … d + √((u₁ − p₁)² + (p₂ − l₂)²)`.
///   It stays inside [−1, 1] and behaves at 0 % and 100 %.
/// - The test is the pooled score test (the z test of two proportions,
///   equal to Pearson's χ² without continuity correction when two-sided).
/// - The ratio is first / second (`None` when the second share is 0).
///
/// A side with n = 0 is [`Error::NoData`]; k > n is
/// [`Error::InvalidArgument`] naming `first` or `second`.
///
/// ```
/// use nps_core::{compare_shares, ChangeOptions, ShareCounts};
/// // Negative posts: 38 of 100 this year against 15 of 100 last year.
/// let c = compare_shares(
///     ShareCounts { k: 38, n: 100 },
///     ShareCounts { k: 15, n: 100 },
///     &ChangeOptions::default(),
/// ).unwrap();
/// assert!((c.difference - 0.23).abs() < 1e-12);
/// assert!(c.interval.low > 0.0 && c.p_value < 0.001);
/// assert!((c.ratio.unwrap() - 38.0 / 15.0).abs() < 1e-12);
/// ```
pub fn compare_shares(
    first: ShareCounts,
    second: ShareCounts,
    options: &ChangeOptions,
) -> Result<ShareChange> {
    options.validate()?;
    let p1 = check_share(first, "first")?;
    let p2 = check_share(second, "second")?;
    let z = z_value(options.confidence)?;
    let d = p1 - p2;
    let (l1, u1) = wilson(first.k, first.n, z);
    let (l2, u2) = wilson(second.k, second.n, z);
    let low = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let high = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();

    let (n1, n2) = (first.n as f64, second.n as f64);
    let pooled = (first.k + second.k) as f64 / (n1 + n2);
    let var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    // Both shares 0 (or both 1): no evidence of a difference.
    let statistic = if var > 0.0 { d / var.sqrt() } else { 0.0 };
    let (p_value, ln_p_value) = normal_p(statistic, options.alternative);
    Ok(ShareChange {
        first: p1,
        second: p2,
        difference: d,
        interval: Interval {
            low: low.max(-1.0),
            high: high.min(1.0),
            center: d,
            confidence: options.confidence,
            method: "newcombe",
        },
        statistic,
        p_value,
        ln_p_value,
        alternative: options.alternative,
        ratio: (second.k > 0).then(|| p1 / p2),
    })
}

/// p and ln p of a z statistic under an alternative.
fn normal_p(z: f64, alternative: Alternative) -> (f64, f64) {
    let (p, ln_p) = match alternative {
        Alternative::TwoSided => (
            (2.0 * upper_tail(z.abs())).min(1.0),
            std::f64::consts::LN_2 + ln_upper_tail(z.abs()),
        ),
        Alternative::Greater => (upper_tail(z), ln_upper_tail(z)),
        Alternative::Less => (upper_tail(-z), ln_upper_tail(-z)),
    };
    (p, ln_p.min(0.0))
}

fn check_count(c: CountExposure, which: &'static str) -> Result<()> {
    if !(c.exposure.is_finite() && c.exposure > 0.0) {
        return Err(Error::arg(
            which,
            format!("the exposure must be finite and > 0, got {}", c.exposure),
        ));
    }
    Ok(())
}

/// The Stirling-series remainder ln n! − ((n + ½) ln n − n + ½ ln 2π),
/// n ≥ 1 (Loader's `stirlerr`): small, and accurate to a few ulps.
fn stirlerr(n: f64) -> f64 {
    if n <= 15.0 {
        ln_gamma(n + 1.0) - (n + 0.5) * n.ln() + n - 0.5 * (2.0 * std::f64::consts::PI).ln()
    } else {
        let n2 = n * n;
        (1.0 / 12.0
            - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / (1188.0 * n2)) / n2) / n2) / n2)
            / n
    }
}

/// x ln(x/m) + m − x without cancellation (Loader's `bd0`), x, m > 0.
fn bd0(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let v = (x - m) / (x + m);
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        let v2 = v * v;
        for j in 1..1000 {
            ej *= v2;
            let next = s + ej / f64::from(2 * j + 1);
            if next == s {
                return next;
            }
            s = next;
        }
        s
    } else {
        x * (x / m).ln() + m - x
    }
}

/// ln P(X = k) for X ~ Binomial(n, p), 0 < p < 1, by Loader's saddle-point
/// form: relative accuracy near 1e−15 at any n (no cancellation of
/// ln-gamma terms of size n ln n).
fn ln_binomial_pmf(k: u64, n: u64, p: f64) -> f64 {
    let q = 1.0 - p;
    if k == 0 {
        return n as f64 * (-p).ln_1p();
    }
    if k == n {
        return n as f64 * p.ln();
    }
    let (kf, nf, mf) = (k as f64, n as f64, (n - k) as f64);
    stirlerr(nf) - stirlerr(kf) - stirlerr(mf) - bd0(kf, nf * p) - bd0(mf, nf * q)
        + 0.5 * (nf / (2.0 * std::f64::consts::PI * kf * mf)).ln()
}

/// ln of Σ pmf(j) for j from `k` away from the mode (down when `down`),
/// where the terms only fall: summed relative to pmf(k) until a term no
/// longer changes the sum.
fn ln_tail_sum(k: u64, n: u64, p: f64, down: bool) -> f64 {
    let odds = p / (1.0 - p);
    let (mut term, mut sum, mut j) = (1.0f64, 1.0f64, k);
    loop {
        // pmf(j − 1)/pmf(j) = j / ((n − j + 1)·odds); pmf(j + 1)/pmf(j) =
        // (n − j)·odds / (j + 1).
        let r = if down {
            if j == 0 {
                break;
            }
            let r = j as f64 / ((n - j + 1) as f64 * odds);
            j -= 1;
            r
        } else {
            if j == n {
                break;
            }
            let r = (n - j) as f64 * odds / (j + 1) as f64;
            j += 1;
            r
        };
        term *= r;
        let next = sum + term;
        if next == sum {
            break;
        }
        sum = next;
    }
    ln_binomial_pmf(k, n, p) + sum.ln()
}

/// (ln P(X ≤ k), ln P(X ≥ k)) for X ~ Binomial(n, p), 0 < p < 1. Each
/// tail is summed directly where its terms fall away from k, and otherwise
/// is one minus the other side's (then small) tail.
fn ln_binomial_tails(k: u64, n: u64, p: f64) -> (f64, f64) {
    let mean = n as f64 * p;
    let ln_lower = if k as f64 <= mean {
        ln_tail_sum(k, n, p, true)
    } else if k == n {
        0.0
    } else {
        (-ln_tail_sum(k + 1, n, p, false).exp()).ln_1p()
    };
    let ln_upper = if k as f64 >= mean {
        ln_tail_sum(k, n, p, false)
    } else if k == 0 {
        0.0
    } else {
        (-ln_tail_sum(k - 1, n, p, true).exp()).ln_1p()
    };
    (ln_lower.min(0.0), ln_upper.min(0.0))
}

/// The x in [0, 1] where the increasing function `f` crosses `target`,
/// found by bisection on the ordered bit patterns of non-negative `f64`s:
/// 64 steps reach the neighbouring float, whatever the scale of x.
fn bisect_unit(target: f64, f: impl Fn(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (0u64, 1.0f64.to_bits());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if f(f64::from_bits(mid)) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    f64::from_bits(hi)
}

/// The rate ratio first / second of two counts over exposures.
///
/// Given N = c₁ + c₂ events, c₁ is Binomial(N, π) with
/// π = R·e₁ / (R·e₁ + e₂), so the exact (Clopper–Pearson) interval of π
/// maps to the ratio R = π/(1 − π) · e₂/e₁, and R = 1 is tested with the
/// binomial tails at π₀ = e₁/(e₁ + e₂) (two-sided: twice the smaller tail,
/// at most 1 — the test that agrees with the interval). This is the
/// standard exact comparison of two Poisson counts.
///
/// c₁ + c₂ = 0 is [`Error::NoData`]; an exposure that is not positive and
/// finite is [`Error::InvalidArgument`] naming `first` or `second`. c₂ = 0
/// gives an infinite ratio and upper bound (never NaN).
///
/// ```
/// use nps_core::{compare_counts, ChangeOptions, CountExposure};
/// // Complaints: 227 this year against 100 last year, same volume.
/// let c = compare_counts(
///     CountExposure { count: 227, exposure: 1.0 },
///     CountExposure { count: 100, exposure: 1.0 },
///     &ChangeOptions::default(),
/// ).unwrap();
/// assert!((c.change - 1.27).abs() < 1e-12); // +127 %
/// assert!(c.interval.low > 1.0 && c.p_value < 1e-10);
/// ```
pub fn compare_counts(
    first: CountExposure,
    second: CountExposure,
    options: &ChangeOptions,
) -> Result<CountChange> {
    options.validate()?;
    check_count(first, "first")?;
    check_count(second, "second")?;
    let (c1, c2) = (first.count, second.count);
    let n = c1.checked_add(c2).ok_or_else(|| {
        Error::arg(
            "first",
            "the two counts add up to more than 2^64 - 1".to_string(),
        )
    })?;
    if n == 0 {
        return Err(Error::NoData {
            what: "counts (both are 0)",
        });
    }
    let (e1, e2) = (first.exposure, second.exposure);
    let to_ratio = |pi: f64| {
        if pi >= 1.0 {
            f64::INFINITY
        } else {
            pi / (1.0 - pi) * (e2 / e1)
        }
    };
    let ln_half_alpha = ((1.0 - options.confidence) / 2.0).ln();
    // π_L: P(X ≥ c₁ | π_L) = α/2 (rises with π); π_U: P(X ≤ c₁ | π_U) =
    // α/2 (falls with π).
    let pi_low = if c1 == 0 {
        0.0
    } else {
        bisect_unit(ln_half_alpha, |x| {
            if x <= 0.0 {
                f64::NEG_INFINITY
            } else if x >= 1.0 {
                0.0
            } else {
                ln_binomial_tails(c1, n, x).1
            }
        })
    };
    let pi_high = if c1 == n {
        1.0
    } else {
        bisect_unit(-ln_half_alpha, |x| {
            if x <= 0.0 {
                0.0
            } else if x >= 1.0 {
                f64::INFINITY
            } else {
                -ln_binomial_tails(c1, n, x).0
            }
        })
    };
    let pi0 = e1 / (e1 + e2);
    if !(pi0 > 0.0 && pi0 < 1.0) {
        return Err(Error::arg(
            "second",
            format!("the exposures {e1} and {e2} are too unbalanced to compare"),
        ));
    }
    let (ln_lower, ln_upper) = ln_binomial_tails(c1, n, pi0);
    let ln_p = match options.alternative {
        Alternative::Greater => ln_upper,
        Alternative::Less => ln_lower,
        Alternative::TwoSided => (std::f64::consts::LN_2 + ln_upper.min(ln_lower)).min(0.0),
    };
    let r1 = c1 as f64 / e1;
    let r2 = c2 as f64 / e2;
    let ratio = if c2 == 0 { f64::INFINITY } else { r1 / r2 };
    Ok(CountChange {
        first_rate: r1,
        second_rate: r2,
        ratio,
        change: ratio - 1.0,
        interval: Interval {
            low: to_ratio(pi_low),
            high: to_ratio(pi_high),
            center: ratio,
            confidence: options.confidence,
            method: "exact_conditional",
        },
        p_value: ln_p.exp(),
        ln_p_value: ln_p,
        alternative: options.alternative,
    })
}

fn adjust_family<T>(
    results: Vec<T>,
    ps: impl Fn(&T) -> (f64, f64),
    options: &ChangeManyOptions,
) -> Vec<AdjustedChange<T>> {
    let raw: Vec<(f64, f64)> = results.iter().map(ps).collect();
    let alpha = 1.0 - options.change.confidence;
    results
        .into_iter()
        .zip(adjust_p_values(&raw, options.adjust))
        .map(|(result, (p, ln_p))| AdjustedChange {
            result,
            p_adjusted: p,
            ln_p_adjusted: ln_p,
            significant: p <= alpha,
        })
        .collect()
}

/// [`compare_shares`] for many pairs (first, second), with the p-values
/// adjusted for the family (see [`compare_many`](super::compare_many) for
/// the adjustments). An error about one pair is [`Error::InPair`] with its
/// index.
///
/// ```
/// use nps_core::{compare_shares_many, ChangeManyOptions, ShareCounts as S};
/// let pairs = [(S { k: 38, n: 100 }, S { k: 15, n: 100 }), (S { k: 16, n: 100 }, S { k: 15, n: 100 })];
/// let r = compare_shares_many(&pairs, &ChangeManyOptions::default()).unwrap();
/// assert!(r[0].significant && !r[1].significant);
/// assert_eq!(r[0].p_adjusted, 2.0 * r[0].result.p_value); // Holm, m = 2
/// ```
pub fn compare_shares_many(
    pairs: &[(ShareCounts, ShareCounts)],
    options: &ChangeManyOptions,
) -> Result<Vec<AdjustedChange<ShareChange>>> {
    options.change.validate()?;
    let results = pairs
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| compare_shares(a, b, &options.change).map_err(|e| e.in_pair(i)))
        .collect::<Result<Vec<_>>>()?;
    Ok(adjust_family(
        results,
        |r| (r.p_value, r.ln_p_value),
        options,
    ))
}

/// [`compare_counts`] for many pairs (first, second), with the p-values
/// adjusted for the family. An error about one pair is [`Error::InPair`]
/// with its index.
pub fn compare_counts_many(
    pairs: &[(CountExposure, CountExposure)],
    options: &ChangeManyOptions,
) -> Result<Vec<AdjustedChange<CountChange>>> {
    options.change.validate()?;
    let results = pairs
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| compare_counts(a, b, &options.change).map_err(|e| e.in_pair(i)))
        .collect::<Result<Vec<_>>>()?;
    Ok(adjust_family(
        results,
        |r| (r.p_value, r.ln_p_value),
        options,
    ))
}

/// Koopman's score statistic of the ratio θ = p₁/p₂ of two shares (k₁ of
/// n₁, k₂ of n₂): Pearson's χ² at the maximum-likelihood shares under the
/// constraint p₁ = θ·p₂ (the smaller root of a quadratic, in its stable
/// form). Zero at θ = p̂₁/p̂₂ and rising on either side.
fn koopman_u(k1: u64, n1: u64, k2: u64, n2: u64, theta: f64) -> f64 {
    let (x1, m1, x2, m2) = (k1 as f64, n1 as f64, k2 as f64, n2 as f64);
    let a = (m1 + m2) * theta;
    let b = -(theta * (m1 + x2) + x1 + m2);
    let c = x1 + x2;
    let disc = (b * b - 4.0 * a * c).max(0.0);
    let p2 = (2.0 * c / (-b + disc.sqrt())).clamp(0.0, 1.0);
    let p1 = (theta * p2).clamp(0.0, 1.0);
    let term = |x: f64, n: f64, p: f64| {
        let d = x - n * p;
        let v = n * p * (1.0 - p);
        if d == 0.0 {
            0.0
        } else if v > 0.0 {
            d * d / v
        } else {
            f64::INFINITY
        }
    };
    term(x1, m1, p1) + term(x2, m2, p2)
}

/// Koopman's (1984) asymptotic score interval of the ratio of two shares
/// p₁/p₂ (k₁ of n₁ over k₂ of n₂, n₁, n₂ > 0, k₁ + k₂ > 0) at normal
/// quantile `z`: every θ whose score statistic ([`koopman_u`]) is at most
/// z². Unlike Katz's log interval it needs no correction at zero counts:
/// k₁ = 0 gives a lower bound of 0, k₂ = 0 an unbounded upper one
/// (`None`). Bounds are found by bisection on ln θ to the neighbouring
/// float.
pub(crate) fn ratio_score_interval(
    k1: u64,
    n1: u64,
    k2: u64,
    n2: u64,
    z: f64,
) -> (f64, Option<f64>) {
    let crit = z * z;
    let u = |t: f64| koopman_u(k1, n1, k2, n2, t.exp());
    // A point inside the interval: the estimate, or for k₂ = 0 (estimate
    // +∞) or k₁ = 0 (estimate 0) the estimate with half a count added.
    let est = |x: u64, n: u64| (x as f64).max(0.5) / n as f64;
    let mut centre = (est(k1, n1) / est(k2, n2)).ln();
    // With a zero count the statistic falls to 0 towards that end.
    let toward = match (k1, k2) {
        (0, _) => -1.0,
        (_, 0) => 1.0,
        _ => 0.0,
    };
    while toward != 0.0 && u(centre) > crit && centre.abs() < 700.0 {
        centre += toward;
    }
    // The crossing between `inside` (u ≤ crit) and `outside` (u > crit).
    let cross = |mut inside: f64, mut outside: f64| {
        for _ in 0..200 {
            let mid = 0.5 * (inside + outside);
            if mid == inside || mid == outside {
                break;
            }
            if u(mid) <= crit {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        0.5 * (inside + outside)
    };
    // Walks from the centre in `step`s until outside; None past e^±700.
    let bracket = |step: f64| {
        let mut inside = centre;
        loop {
            let next = inside + step;
            if next.abs() > 700.0 {
                return None;
            }
            if u(next) > crit {
                return Some(cross(inside, next));
            }
            inside = next;
        }
    };
    let low = if k1 == 0 {
        0.0
    } else {
        bracket(-1.0).map_or(0.0, f64::exp)
    };
    let high = if k2 == 0 {
        None
    } else {
        bracket(1.0).map(f64::exp)
    };
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(k: u64, n: u64) -> ShareCounts {
        ShareCounts { k, n }
    }

    fn c(count: u64, exposure: f64) -> CountExposure {
        CountExposure { count, exposure }
    }

    #[test]
    fn newcombe_worked_example() {
        // Newcombe (1998), table II, example (a): 56/70 − 48/80,
        // method 10: 0.0524 to 0.3339.
        let r = compare_shares(s(56, 70), s(48, 80), &ChangeOptions::default()).unwrap();
        assert!((r.interval.low - 0.0524).abs() < 5e-5, "{r:?}");
        assert!((r.interval.high - 0.3339).abs() < 5e-5, "{r:?}");
        // Example (g): 0/10 − 0/20: −0.1611 to 0.2775.
        let r = compare_shares(s(0, 10), s(0, 20), &ChangeOptions::default()).unwrap();
        assert!((r.interval.low + 0.1611).abs() < 5e-5, "{r:?}");
        assert!((r.interval.high - 0.2775).abs() < 5e-5, "{r:?}");
        assert_eq!((r.statistic, r.p_value, r.ratio), (0.0, 1.0, None));
    }

    #[test]
    fn bad_shares_and_counts_are_typed_errors() {
        let o = ChangeOptions::default();
        let e = compare_shares(s(3, 2), s(1, 2), &o).unwrap_err();
        assert_eq!(e.argument(), Some("first"));
        assert!(compare_shares(s(0, 0), s(1, 2), &o).is_err());
        assert!(compare_counts(c(0, 1.0), c(0, 1.0), &o).is_err());
        let e = compare_counts(c(1, 1.0), c(1, f64::NAN), &o).unwrap_err();
        assert_eq!(e.argument(), Some("second"));
        let bad = ChangeOptions {
            confidence: 1.5,
            ..o
        };
        assert!(compare_counts(c(1, 1.0), c(1, 1.0), &bad).is_err());
    }

    #[test]
    fn counts_edges_are_never_nan() {
        let o = ChangeOptions::default();
        let r = compare_counts(c(5, 1.0), c(0, 1.0), &o).unwrap();
        assert!(r.ratio.is_infinite() && r.interval.high.is_infinite());
        assert!(r.interval.low > 0.0 && r.p_value > 0.0 && r.p_value <= 1.0);
        let r = compare_counts(c(0, 1.0), c(5, 1.0), &o).unwrap();
        assert_eq!((r.ratio, r.interval.low), (0.0, 0.0));
        // Far in the tail the log p-value stays finite and ordered.
        let a = compare_counts(c(3_000_000, 1.0), c(1_000_000, 1.0), &o).unwrap();
        let b = compare_counts(c(3_000_000, 1.0), c(2_000_000, 1.0), &o).unwrap();
        assert_eq!((a.p_value, b.p_value), (0.0, 0.0));
        assert!(a.ln_p_value.is_finite() && a.ln_p_value < b.ln_p_value);
    }

    #[test]
    fn many_pairs_name_the_bad_pair() {
        let e = compare_counts_many(
            &[(c(1, 1.0), c(2, 1.0)), (c(0, 1.0), c(0, 1.0))],
            &ChangeManyOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.index(), Some(1));
    }
}
