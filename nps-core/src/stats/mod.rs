//! Statistics of the Net Promoter Score: shares, variance, standard error,
//! confidence intervals, tests and sample sizes.
//!
//! Everything public is in **points** (−100…+100); variances in points²
//! (the ×100 scale multiplies a variance by 10⁴). Internally the ±1 scale is
//! used. With counts D, Pa, P, n = D + Pa + P, d = D/n and p = P/n, the
//! per-respondent variance is `V = p + d − (p − d)²` — it includes the
//! promoter/detractor covariance — and `SE = √(V/n)`.

mod bayes;
mod change;
mod many;
mod options;
mod score_interval;

pub use change::{
    compare_counts, compare_counts_many, compare_shares, compare_shares_many, AdjustedChange,
    ChangeManyOptions, ChangeOptions, CountChange, CountExposure, ShareChange, ShareCounts,
};
pub(crate) use change::{ratio_score_interval, wilson};
pub use many::{compare_many, Adjust, AdjustedComparison, CompareManyOptions};
pub(crate) use options::check_confidence;
pub use options::{
    IntervalKind, IntervalOptions, SampleSizeOptions, TestKind, TestOptions, CONFIDENCE_RANGE,
    DEFAULT_CONFIDENCE,
};

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::{Error, Result};
use crate::tally::{CategoryCounts, Tally, WeightedTally};

/// Counts (possibly fractional: effective counts of a weighted sample) of the
/// three categories: the input of every statistic.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Effective {
    /// (Effective) number of detractors.
    pub detractors: f64,
    /// (Effective) number of passives.
    pub passives: f64,
    /// (Effective) number of promoters.
    pub promoters: f64,
}

impl Effective {
    /// (Effective) sample size.
    pub fn n(&self) -> f64 {
        self.detractors + self.passives + self.promoters
    }

    /// The counts, checked: each finite and ≥ 0 (else
    /// [`Error::InvalidArgument`] naming `sample`), and not all 0 (else
    /// [`Error::NoData`] about `what`).
    fn require(&self, what: &'static str) -> Result<Effective> {
        let parts = [self.detractors, self.passives, self.promoters];
        if let Some(v) = parts.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(Error::arg(
                "sample",
                format!("(effective) category counts must be finite and >= 0, got {v}"),
            ));
        }
        if self.n() > 0.0 && self.n().is_finite() {
            Ok(*self)
        } else if self.n() > 0.0 {
            Err(Error::arg(
                "sample",
                "the (effective) category counts sum to more than f64 can hold",
            ))
        } else {
            Err(Error::NoData { what })
        }
    }

    /// Detractor and promoter shares (d, p).
    fn dp(&self) -> (f64, f64) {
        let n = self.n();
        (self.detractors / n, self.promoters / n)
    }

    /// Per-respondent variance on the ±1 scale.
    fn unit_variance(&self) -> f64 {
        let (d, p) = self.dp();
        // Clamp tiny negative rounding (e.g. p = 1 exactly) to 0.
        (p + d - (p - d) * (p - d)).max(0.0)
    }

    fn unit_nps(&self) -> f64 {
        (self.promoters - self.detractors) / self.n()
    }

    fn unit_se(&self) -> f64 {
        (self.unit_variance() / self.n()).sqrt()
    }

    fn with_pseudo(&self, pseudo: [f64; 3]) -> Effective {
        Effective {
            detractors: self.detractors + pseudo[0],
            passives: self.passives + pseudo[1],
            promoters: self.promoters + pseudo[2],
        }
    }
}

/// Shares of the three categories (fractions 0..=1 that sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    /// Share of detractors.
    pub detractors: f64,
    /// Share of passives.
    pub passives: f64,
    /// Share of promoters.
    pub promoters: f64,
}

/// How to compute a confidence (or credible) interval for the NPS.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum IntervalMethod {
    /// NPS ± z·SE. Collapses to a point when only one category occurs
    /// (e.g. n = 1) and can leave [−100, 100]; shown for comparison.
    Wald,
    /// Wald after adding pseudo-counts to D / Pa / P.
    AdjustedWald(AdjustedWald),
    /// Tango's score interval for a difference of two proportions of one
    /// multinomial (root finding to ~1e−12). The recommended default.
    #[default]
    Score,
    /// Bayesian credible interval under a Dirichlet prior.
    Bayes(Bayes),
}

impl IntervalMethod {
    /// The method's stable name: `"wald"`, `"adjusted_wald"`, `"score"`, `"bayes"`.
    pub fn name(&self) -> &'static str {
        match self {
            IntervalMethod::Wald => "wald",
            IntervalMethod::AdjustedWald(_) => "adjusted_wald",
            IntervalMethod::Score => "score",
            IntervalMethod::Bayes(_) => "bayes",
        }
    }

    /// The method with default options, from its name.
    pub fn from_name(name: &str) -> Result<IntervalMethod> {
        Ok(match name {
            "wald" => IntervalMethod::Wald,
            "adjusted_wald" => IntervalMethod::AdjustedWald(AdjustedWald::default()),
            "score" => IntervalMethod::Score,
            "bayes" => IntervalMethod::Bayes(Bayes::default()),
            other => {
                return Err(Error::arg(
                    "method",
                    format!(
                        "unknown interval method `{other}` (expected wald, adjusted_wald, score or bayes)"
                    ),
                ))
            }
        })
    }
}

/// Options of the adjusted Wald interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdjustedWald {
    /// Pseudo-counts added to detractors, passives, promoters (default 0.75, 1.5, 0.75).
    pub pseudo: [f64; 3],
    /// Clip the bounds to [−100, 100] (default false: the raw bounds).
    pub clip: bool,
}

impl Default for AdjustedWald {
    fn default() -> AdjustedWald {
        AdjustedWald {
            pseudo: [0.75, 1.5, 0.75],
            clip: false,
        }
    }
}

impl AdjustedWald {
    fn validate(&self) -> Result<()> {
        if self.pseudo.iter().all(|&c| c.is_finite() && c >= 0.0) {
            Ok(())
        } else {
            Err(Error::arg(
                "pseudo",
                format!(
                    "pseudo-counts must be finite and >= 0, got {:?}",
                    self.pseudo
                ),
            ))
        }
    }
}

/// Kind of Bayesian credible interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Credible {
    /// Equal posterior mass (1 − confidence)/2 in each tail.
    #[default]
    EqualTailed,
    /// Highest posterior density: the shortest interval with the mass.
    Hpd,
}

/// Options of the Bayesian interval: posterior Dirichlet(prior + counts) of
/// (detractor, passive, promoter) shares, interval for p − d.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bayes {
    /// Dirichlet prior for detractors, passives, promoters (default 1, 1, 1).
    pub prior: [f64; 3],
    /// Equal-tailed or HPD.
    pub credible: Credible,
}

impl Default for Bayes {
    fn default() -> Bayes {
        Bayes {
            prior: [1.0, 1.0, 1.0],
            credible: Credible::EqualTailed,
        }
    }
}

impl Bayes {
    fn validate(&self) -> Result<()> {
        if self.prior.iter().all(|&a| a.is_finite() && a > 0.0) {
            Ok(())
        } else {
            Err(Error::arg(
                "prior",
                format!(
                    "every Dirichlet prior component must be finite and > 0, got {:?}",
                    self.prior
                ),
            ))
        }
    }
}

/// A confidence or credible interval in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Centre: the NPS for Wald and score, the adjusted centre for adjusted
    /// Wald, the posterior mean for Bayes.
    pub center: f64,
    /// The confidence level (e.g. 0.95).
    pub confidence: f64,
    /// The method's name (see [`IntervalMethod::name`]).
    pub method: &'static str,
}

impl Interval {
    /// Half the width: the margin of error for symmetric intervals.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }
}

/// The two-sided normal quantile for a confidence level in
/// [`CONFIDENCE_RANGE`] (anything else, NaN included, is
/// [`Error::InvalidArgument`] naming `confidence`). Always finite and > 0.
pub fn z_value(confidence: f64) -> Result<f64> {
    options::check_confidence(confidence)?;
    Ok(standard_normal().inverse_cdf(0.5 + confidence / 2.0))
}

fn standard_normal() -> Normal {
    // Normal::new(0, 1) only fails for a non-positive or NaN sd.
    Normal::standard()
}

/// The upper normal tail, from erfc so tiny values do not underflow to 0
/// before they must. `libm::erfc` (a port of musl's, accurate to about
/// 1 ulp) is used because statrs' erfc is only good to ~1e−10 relative.
fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// Natural log of the upper normal tail, accurate far beyond f64 underflow.
fn ln_upper_tail(z: f64) -> f64 {
    let p = upper_tail(z);
    if p > 1e-300 {
        return p.ln();
    }
    // Asymptotic expansion of erfc for large x = z/√2.
    let x = z / std::f64::consts::SQRT_2;
    let x2 = x * x;
    let series = 1.0 - 1.0 / (2.0 * x2) + 3.0 / (4.0 * x2 * x2) - 15.0 / (8.0 * x2 * x2 * x2);
    std::f64::consts::LN_2.mul_add(
        -1.0,
        -x2 - (x * std::f64::consts::PI.sqrt()).ln() + series.ln(),
    )
}

impl Credible {
    /// Parses `"equal_tailed"` or `"hpd"`.
    pub fn from_name(name: &str) -> Result<Credible> {
        match name {
            "equal_tailed" => Ok(Credible::EqualTailed),
            "hpd" => Ok(Credible::Hpd),
            other => Err(Error::arg(
                "credible",
                format!("unknown credible interval `{other}` (expected equal_tailed or hpd)"),
            )),
        }
    }
}

impl Alternative {
    /// Parses `"two_sided"`, `"greater"` or `"less"`.
    pub fn from_name(name: &str) -> Result<Alternative> {
        match name {
            "two_sided" => Ok(Alternative::TwoSided),
            "greater" => Ok(Alternative::Greater),
            "less" => Ok(Alternative::Less),
            other => Err(Error::arg(
                "alternative",
                format!("unknown alternative `{other}` (expected two_sided, greater or less)"),
            )),
        }
    }
}

/// Which alternative a test considers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alternative {
    /// The difference is not zero.
    #[default]
    TwoSided,
    /// The difference is greater than zero.
    Greater,
    /// The difference is less than zero.
    Less,
}

/// Method of a one-sample test or two-sample comparison. The default is
/// adjusted Wald with the default pseudo-counts: see [`TestOptions`] for why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum TestMethod {
    /// z test with the plain standard error.
    Wald,
    /// z test after adding pseudo-counts to each sample (robust at the edges;
    /// the default).
    AdjustedWald(AdjustedWald),
}

impl Default for TestMethod {
    fn default() -> TestMethod {
        TestMethod::AdjustedWald(AdjustedWald::default())
    }
}

impl TestMethod {
    /// `"wald"` or `"adjusted_wald"`.
    pub fn name(&self) -> &'static str {
        match self {
            TestMethod::Wald => "wald",
            TestMethod::AdjustedWald(_) => "adjusted_wald",
        }
    }

    /// The method with default options, from its name.
    pub fn from_name(name: &str) -> Result<TestMethod> {
        match name {
            "wald" => Ok(TestMethod::Wald),
            "adjusted_wald" => Ok(TestMethod::AdjustedWald(AdjustedWald::default())),
            other => Err(Error::arg(
                "method",
                format!("unknown test method `{other}` (expected wald or adjusted_wald)"),
            )),
        }
    }

    fn prepare(&self, e: &Effective) -> Result<Effective> {
        match self {
            TestMethod::Wald => Ok(*e),
            TestMethod::AdjustedWald(a) => {
                a.validate()?;
                Ok(e.with_pseudo(a.pseudo))
            }
        }
    }
}

/// Result of a one-sample test or a two-sample comparison, in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestResult {
    /// Estimate minus benchmark (one sample) or a − b (two samples), signed.
    pub difference: f64,
    /// Standard error of the difference.
    pub se: f64,
    /// z statistic: difference / se.
    pub statistic: f64,
    /// p-value under the chosen alternative.
    pub p_value: f64,
    /// Natural log of the p-value, finite even where `p_value` underflows to 0.
    pub ln_p_value: f64,
    /// Two-sided confidence interval for the difference.
    pub interval: Interval,
    /// The alternative hypothesis used for `p_value`.
    pub alternative: Alternative,
}

fn finish_test(
    difference: f64,
    se: f64,
    confidence: f64,
    alternative: Alternative,
    method: &'static str,
) -> Result<TestResult> {
    let z = z_value(confidence)?;
    if se <= 0.0 {
        return Err(Error::Degenerate {
            reason: "the standard error is 0 (every response in one category); \
                     use method adjusted_wald"
                .into(),
        });
    }
    let statistic = difference / se;
    let ln_p = match alternative {
        Alternative::TwoSided => std::f64::consts::LN_2 + ln_upper_tail(statistic.abs()),
        Alternative::Greater => ln_upper_tail(statistic),
        Alternative::Less => ln_upper_tail(-statistic),
    }
    .min(0.0);
    let p = match alternative {
        Alternative::TwoSided => (2.0 * upper_tail(statistic.abs())).min(1.0),
        Alternative::Greater => upper_tail(statistic),
        Alternative::Less => upper_tail(-statistic),
    };
    Ok(TestResult {
        difference: difference * 100.0,
        se: se * 100.0,
        statistic,
        p_value: p,
        ln_p_value: ln_p,
        interval: Interval {
            low: (difference - z * se) * 100.0,
            high: (difference + z * se) * 100.0,
            center: difference * 100.0,
            confidence,
            method,
        },
        alternative,
    })
}

/// Anything the NPS statistics can be computed on.
///
/// Implemented by [`Tally`], [`CategoryCounts`], [`WeightedTally`] (with Kish
/// effective counts) and [`Effective`].
///
/// ```
/// use nps_core::{IntervalMethod, NpsSample, Tally};
/// let t = Tally::from_categories(1, 2, 3).unwrap();
/// assert!((t.nps().unwrap() - 100.0 / 3.0).abs() < 1e-12);
/// assert!((t.variance().unwrap() - 5.0 / 9.0 * 1e4).abs() < 1e-9);
/// assert!((t.se().unwrap() - 30.4290309725).abs() < 1e-8);
/// let ci = t.interval(&IntervalMethod::Score, 0.95).unwrap();
/// assert!(ci.low < 33.4 && 33.3 < ci.high);
/// assert!(Tally::EMPTY.nps().is_err()); // no data, never NaN
/// ```
pub trait NpsSample {
    /// The category counts the statistics are computed on.
    fn effective(&self) -> Effective;

    /// The category counts, checked for `what`: the sample itself is valid
    /// (a [`WeightedTally`] is [validated](WeightedTally::validate)), its
    /// counts are finite and ≥ 0, and not all 0 ([`Error::NoData`]). Every
    /// statistic starts here.
    fn checked_effective(&self, what: &'static str) -> Result<Effective> {
        self.effective().require(what)
    }

    /// NPS in points (−100…+100); [`Error::NoData`] without responses.
    fn nps(&self) -> Result<f64> {
        let e = self.checked_effective("NPS")?;
        // 100·(P − D)/n: exact for integer counts whenever the result is.
        // Fractional (weighted) counts can round 1 ULP past ±100: clamp.
        Ok((100.0 * (e.promoters - e.detractors) / e.n()).clamp(-100.0, 100.0))
    }

    /// Category shares; [`Error::NoData`] without responses.
    fn shares(&self) -> Result<Shares> {
        let e = self.checked_effective("shares")?;
        let n = e.n();
        Ok(Shares {
            detractors: e.detractors / n,
            passives: e.passives / n,
            promoters: e.promoters / n,
        })
    }

    /// Per-respondent variance of the NPS score (+100 / 0 / −100), points².
    fn variance(&self) -> Result<f64> {
        Ok(self.checked_effective("variance")?.unit_variance() * 1e4)
    }

    /// Standard error of the NPS in points: √(V/n).
    fn se(&self) -> Result<f64> {
        Ok(self.checked_effective("standard error")?.unit_se() * 100.0)
    }

    /// Margin of error (half-width of the Wald interval) in points.
    fn margin_of_error(&self, confidence: f64) -> Result<f64> {
        let z = z_value(confidence)?;
        Ok(z * self.se()?)
    }

    /// A confidence (or credible) interval with [`IntervalOptions`]
    /// (validated first; `&IntervalOptions::default()` is the score
    /// interval at 95 %).
    fn interval_with(&self, options: &IntervalOptions) -> Result<Interval> {
        let method = options.validate()?;
        self.interval(&method, options.confidence)
    }

    /// A confidence (or credible) interval of an explicit method at
    /// `confidence` (e.g. 0.95).
    fn interval(&self, method: &IntervalMethod, confidence: f64) -> Result<Interval> {
        let e = self.checked_effective("confidence interval")?;
        let z = z_value(confidence)?;
        let name = method.name();
        let (low, high, center) = match method {
            IntervalMethod::Wald => {
                let c = e.unit_nps();
                let h = z * e.unit_se();
                (c - h, c + h, c)
            }
            IntervalMethod::AdjustedWald(a) => {
                a.validate()?;
                let adj = e.with_pseudo(a.pseudo);
                let c = adj.unit_nps();
                let h = z * adj.unit_se();
                let (mut lo, mut hi) = (c - h, c + h);
                if a.clip {
                    lo = lo.max(-1.0);
                    hi = hi.min(1.0);
                }
                (lo, hi, c)
            }
            IntervalMethod::Score => {
                let (lo, hi) = score_interval::tango(&e, z)?;
                (lo, hi, e.unit_nps())
            }
            IntervalMethod::Bayes(b) => bayes::interval(&e, b, confidence)?,
        };
        Ok(Interval {
            low: low * 100.0,
            high: high * 100.0,
            center: center * 100.0,
            confidence,
            method: name,
        })
    }
}

impl NpsSample for Effective {
    fn effective(&self) -> Effective {
        *self
    }
}

impl NpsSample for CategoryCounts {
    fn effective(&self) -> Effective {
        Effective {
            detractors: self.detractors as f64,
            passives: self.passives as f64,
            promoters: self.promoters as f64,
        }
    }
}

impl NpsSample for Tally {
    fn effective(&self) -> Effective {
        self.categories().effective()
    }
}

impl NpsSample for WeightedTally {
    /// [Validates](WeightedTally::validate) the tally first: a hand-built
    /// tally with weight and no responses is an error, not NPS 100.
    fn checked_effective(&self, what: &'static str) -> Result<Effective> {
        self.validate()?;
        self.effective().require(what)
    }

    /// Weighted shares scaled to Kish's effective n.
    fn effective(&self) -> Effective {
        let [d, pa, p] = self.category_weights();
        let sw = d + pa + p;
        if sw <= 0.0 {
            return Effective::default();
        }
        let k = self.effective_n() / sw;
        Effective {
            detractors: d * k,
            passives: pa * k,
            promoters: p * k,
        }
    }
}

/// One-sample test of the NPS against a benchmark (points, any value in
/// [−100, 100], not only 0). `options` are validated first;
/// `&TestOptions::default()` is the two-sided adjusted-Wald test at 95 %
/// (see [`TestOptions`]); `&TestOptions::from(method)` picks a method.
///
/// ```
/// use nps_core::{test_benchmark, Alternative, TestMethod, TestOptions, Tally};
/// let t = Tally::from_categories(20, 30, 50).unwrap(); // NPS 30
/// let r = test_benchmark(&t, 20.0, &TestOptions::from(TestMethod::Wald)).unwrap();
/// assert!((r.difference - 10.0).abs() < 1e-12);
/// assert!((r.statistic - 1.2803688).abs() < 1e-6); // 0.1 / sqrt(0.61/100)
/// assert!((r.p_value - 0.2004).abs() < 1e-3);
/// let greater = TestOptions { alternative: Alternative::Greater, ..TestOptions::default() };
/// assert_eq!(test_benchmark(&t, 20.0, &greater).unwrap().interval.method, "adjusted_wald");
/// ```
pub fn test_benchmark<S: NpsSample + ?Sized>(
    sample: &S,
    benchmark: f64,
    options: &TestOptions,
) -> Result<TestResult> {
    let method = options.validate()?;
    let (confidence, alternative) = (options.confidence, options.alternative);
    if !(-100.0..=100.0).contains(&benchmark) {
        return Err(Error::arg(
            "benchmark",
            format!("must be an NPS in [-100, 100] points, got {benchmark}"),
        ));
    }
    let e = method.prepare(&sample.checked_effective("test")?)?;
    finish_test(
        e.unit_nps() - benchmark / 100.0,
        e.unit_se(),
        confidence,
        alternative,
        method.name(),
    )
}

/// Two-sample comparison of the **signed** difference a − b of two
/// independent samples (e.g. this month vs last month). `options` as in
/// [`test_benchmark`]; the default is adjusted Wald (see [`TestOptions`]).
///
/// ```
/// use nps_core::{compare, Tally, TestOptions};
/// let last = Tally::from_categories(25, 30, 70).unwrap();
/// let this = Tally::from_categories(20, 28, 77).unwrap();
/// let r = compare(&this, &last, &TestOptions::default()).unwrap();
/// assert!(r.difference > 0.0);
/// assert!(r.interval.low < 0.0); // not distinguishable from noise at these sizes
/// ```
pub fn compare<A: NpsSample + ?Sized, B: NpsSample + ?Sized>(
    a: &A,
    b: &B,
    options: &TestOptions,
) -> Result<TestResult> {
    let method = options.validate()?;
    let (confidence, alternative) = (options.confidence, options.alternative);
    let ea = method.prepare(&a.checked_effective("comparison (sample a)")?)?;
    let eb = method.prepare(&b.checked_effective("comparison (sample b)")?)?;
    let se = (ea.unit_variance() / ea.n() + eb.unit_variance() / eb.n()).sqrt();
    finish_test(
        ea.unit_nps() - eb.unit_nps(),
        se,
        confidence,
        alternative,
        method.name(),
    )
}

/// The largest sample size [`sample_size`] (and the goal tracker's
/// responses per month) reports: 2^53, the largest count every `f64` up to
/// which is an integer. A margin so small that more responses would be
/// needed is [`Error::InvalidArgument`] naming `margin`, never a saturated
/// `u64::MAX`.
pub const MAX_SAMPLE_SIZE: u64 = 1 << 53;

/// Sample size for a margin of error (points) at planned promoter and
/// detractor shares: `n = z²·V/E²`, with an optional finite-population
/// correction `n / (1 + (n − 1)/N)`; rounded up. Confidence and population
/// are [`SampleSizeOptions`] (default 95 %, infinite population).
///
/// The result is at most [`MAX_SAMPLE_SIZE`]; a margin that would need more
/// (with no population small enough to cap it) is
/// [`Error::InvalidArgument`] naming `margin`.
///
/// ```
/// use nps_core::{sample_size, SampleSizeOptions};
/// // Planned 50 % promoters, 20 % detractors, ±5 points at 95 %:
/// let n = sample_size(5.0, 0.5, 0.2, &SampleSizeOptions::default()).unwrap();
/// assert_eq!(n, 938);
/// let finite = SampleSizeOptions { population: Some(2000), ..SampleSizeOptions::default() };
/// let n_small = sample_size(5.0, 0.5, 0.2, &finite).unwrap();
/// assert!(n_small < n);
/// ```
pub fn sample_size(
    margin: f64,
    promoters: f64,
    detractors: f64,
    options: &SampleSizeOptions,
) -> Result<u64> {
    let (confidence, population) = (options.confidence, options.population);
    if !(margin > 0.0 && margin <= 200.0) {
        return Err(Error::arg(
            "margin",
            format!("must be in (0, 200] points, got {margin}"),
        ));
    }
    for (name, v) in [("promoters", promoters), ("detractors", detractors)] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::arg(
                name,
                format!("a planned share must be in [0, 1], got {v}"),
            ));
        }
    }
    if promoters + detractors > 1.0 + 1e-12 {
        return Err(Error::arg(
            "promoters",
            format!(
                "promoters + detractors must not exceed 1, got {}",
                promoters + detractors
            ),
        ));
    }
    options.validate()?;
    let z = z_value(confidence)?;
    let v = promoters + detractors - (promoters - detractors).powi(2);
    if v <= 0.0 {
        return Err(Error::Degenerate {
            reason: "the planned shares put everyone in one category: the variance is 0".into(),
        });
    }
    let e = margin / 100.0;
    // z ≤ 7.2 and V ≤ 1, so n is finite unless the margin is tiny; an
    // infinite n with a finite population is that population.
    let mut n = z * z * v / (e * e);
    if let Some(pop) = population {
        let big_n = pop as f64;
        if n.is_finite() {
            n /= 1.0 + (n - 1.0) / big_n;
        }
        n = n.min(big_n);
    }
    // Guard the ceiling against representation noise (e.g. 384.00000000000006).
    let n = (n - 1e-9).ceil().max(1.0);
    if n > MAX_SAMPLE_SIZE as f64 {
        return Err(Error::arg(
            "margin",
            format!(
                "a margin of {margin} points needs {n:e} responses, more than \
                 MAX_SAMPLE_SIZE ({MAX_SAMPLE_SIZE})"
            ),
        ));
    }
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_123() {
        let t = Tally::from_categories(1, 2, 3).unwrap();
        assert!((t.nps().unwrap() - 33.333_333_333_333_33).abs() < 1e-12);
        assert!((t.variance().unwrap() - 5_555.555_555_555_556).abs() < 1e-9);
        assert!((t.se().unwrap() - 30.429_030_972_509_23).abs() < 1e-10);
    }

    #[test]
    fn ln_p_is_continuous_across_underflow_switch() {
        // Just below and above the switch point the two formulas agree.
        let z1 = 37.0;
        let a = upper_tail(z1).ln();
        let x = z1 / std::f64::consts::SQRT_2;
        let x2 = x * x;
        let series = 1.0 - 1.0 / (2.0 * x2) + 3.0 / (4.0 * x2 * x2) - 15.0 / (8.0 * x2 * x2 * x2);
        let b = -std::f64::consts::LN_2 - x2 - (x * std::f64::consts::PI.sqrt()).ln() + series.ln();
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        assert!(ln_upper_tail(60.0).is_finite());
        assert!(ln_upper_tail(60.0) < -1700.0);
    }

    /// Issue 10 (6): confidence levels outside [`CONFIDENCE_RANGE`] are
    /// rejected everywhere; inside it every interval is finite and ordered,
    /// and a sample size never saturates.
    #[test]
    fn extreme_confidence_levels_are_rejected_or_finite() {
        let t = Tally::from_categories(3, 4, 5).unwrap();
        let methods = [
            IntervalMethod::Wald,
            IntervalMethod::AdjustedWald(AdjustedWald::default()),
            IntervalMethod::Score,
            IntervalMethod::Bayes(Bayes::default()),
        ];
        for bad in [0.999_999_999_999_999_9, 1e-16, 1e-300, 0.0, 1.0, f64::NAN] {
            assert_eq!(z_value(bad).unwrap_err().argument(), Some("confidence"));
            for m in &methods {
                let e = t.interval(m, bad).unwrap_err();
                assert_eq!(e.argument(), Some("confidence"), "{m:?} {bad}");
                let o = IntervalOptions::new(m, bad);
                assert_eq!(o.validate().unwrap_err().argument(), Some("confidence"));
            }
            let so = SampleSizeOptions {
                confidence: bad,
                ..SampleSizeOptions::default()
            };
            let e = sample_size(5.0, 0.5, 0.2, &so).unwrap_err();
            assert_eq!(e.argument(), Some("confidence"));
            let to = TestOptions {
                confidence: bad,
                ..TestOptions::default()
            };
            assert_eq!(to.validate().unwrap_err().argument(), Some("confidence"));
            assert!(compare(&t, &t, &to).is_err());
            assert!(t.margin_of_error(bad).is_err());
        }
        let nps = t.nps().unwrap();
        for ok in [
            *CONFIDENCE_RANGE.start(),
            0.5,
            0.95,
            *CONFIDENCE_RANGE.end(),
        ] {
            let z = z_value(ok).unwrap();
            assert!(z.is_finite() && z > 0.0, "{ok}: {z}");
            for m in &methods {
                let ci = t.interval(m, ok).unwrap();
                assert!(
                    ci.low.is_finite() && ci.high.is_finite(),
                    "{m:?} {ok}: {ci:?}"
                );
                assert!(
                    ci.low <= ci.high && ci.low >= -100.0 - 1e-9
                        || !matches!(m, IntervalMethod::Score),
                    "{m:?} {ok}: {ci:?}"
                );
                if matches!(m, IntervalMethod::Wald | IntervalMethod::Score) {
                    assert!(
                        ci.low <= nps + 1e-9 && nps - 1e-9 <= ci.high,
                        "{m:?} {ok}: {ci:?}"
                    );
                }
            }
            let n = sample_size(
                5.0,
                0.5,
                0.2,
                &SampleSizeOptions {
                    confidence: ok,
                    population: None,
                },
            );
            assert!(n.unwrap() < MAX_SAMPLE_SIZE);
        }
        // At the smallest level the score interval is a point, not [16.67, 100].
        let ci = t
            .interval(&IntervalMethod::Score, *CONFIDENCE_RANGE.start())
            .unwrap();
        assert!(ci.high - ci.low < 1e-3, "{ci:?}");
    }

    /// Issue 10 (6): a sample size beyond [`MAX_SAMPLE_SIZE`] is an error,
    /// never `u64::MAX`; a finite population caps it.
    #[test]
    fn sample_size_never_saturates() {
        let top = SampleSizeOptions {
            confidence: *CONFIDENCE_RANGE.end(),
            population: None,
        };
        for margin in [1e-300, 1e-6, f64::MIN_POSITIVE, 5e-324] {
            let e = sample_size(margin, 0.5, 0.2, &top).unwrap_err();
            assert_eq!(e.argument(), Some("margin"), "{margin}");
        }
        let capped = SampleSizeOptions {
            population: Some(u64::MAX),
            ..top
        };
        assert_eq!(
            sample_size(5e-324, 0.5, 0.2, &capped)
                .unwrap_err()
                .argument(),
            Some("margin")
        );
        let small = SampleSizeOptions {
            population: Some(2000),
            ..top
        };
        assert_eq!(sample_size(5e-324, 0.5, 0.2, &small).unwrap(), 2000);
        assert_eq!(sample_size(1e-300, 0.5, 0.2, &small).unwrap(), 2000);
    }

    #[test]
    fn sample_size_textbook() {
        // 1.96^2 * 0.25 / 0.05^2 = 384.1 -> 385 for a proportion; for NPS with
        // p = .5, d = .2: V = .7 - .09 = .61 -> 937.4 with z=1.96; exact z gives 937.3.
        let n = sample_size(5.0, 0.5, 0.2, &SampleSizeOptions::default()).unwrap();
        let z = z_value(0.95).unwrap();
        let expected = (z * z * 0.61 / 0.0025).ceil() as u64;
        assert_eq!(n, expected);
    }
}
