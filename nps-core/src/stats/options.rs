//! The options of every statistic, with their defaults and their rules.
//!
//! These are the **one** place where a default value (95 %, the score
//! interval, adjusted Wald for tests, the pseudo-counts 0.75 / 1.5 / 0.75,
//! the flat Dirichlet prior) or a range check of the statistics is written.
//! The C `nps_*_options_default()` functions and `NULL` options are these
//! `Default`s converted; Python keyword arguments that are not given take
//! the same `Default`s.
//!
//! Options are *flat* (every field of every method side by side, as in the
//! C structs). The rule for a field that the chosen method does not use is
//! the same in the three languages: **it must keep its default value**;
//! any other value is [`Error::InvalidArgument`] naming the field (a
//! `pseudo` with the score method, a `prior` with Wald, ...), never silently
//! ignored.

use serde::{Deserialize, Serialize};

use super::{AdjustedWald, Alternative, Bayes, Credible, IntervalMethod, TestMethod};
use crate::error::{Error, Result};

/// The default confidence (or credible) level of every interval, test,
/// margin of error and sample size: 0.95.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// The valid confidence (or credible) levels of every interval, test,
/// margin of error, sample size and goal: **[1e−6, 1 − 1e−12]**.
///
/// This is the one place the range is written: [`z_value`](crate::z_value)
/// and every options type's `validate()` ([`IntervalOptions`],
/// [`TestOptions`], [`SampleSizeOptions`], and the goal and table options
/// that build on them) check it, and the C and Python bindings inherit it.
/// Outside it the normal quantile is no longer meaningful in `f64`: at
/// 1 − 1e−16 (`0.9999999999999999`) `0.5 + c/2` rounds to 1 and z is
/// infinite (Wald intervals of [−∞, ∞], sample sizes that saturate); below
/// 1e−16 `0.5 + c/2` rounds to 0.5 and z is 0, so the score interval
/// collapses onto a one-sided search. At the bounds z is about 1.25e−6 and
/// 7.13, and every method returns a finite, ordered interval.
/// Any level outside (including NaN) is [`Error::InvalidArgument`] naming
/// `confidence`.
///
/// ```
/// use nps_core::{z_value, CONFIDENCE_RANGE};
/// assert!(z_value(*CONFIDENCE_RANGE.end()).unwrap().is_finite());
/// assert!(z_value(0.999_999_999_999_999_9).is_err());
/// assert!(z_value(1e-16).is_err());
/// ```
pub const CONFIDENCE_RANGE: std::ops::RangeInclusive<f64> = 1e-6..=1.0 - 1e-12;

/// Checks a confidence level against [`CONFIDENCE_RANGE`].
pub(crate) fn check_confidence(confidence: f64) -> Result<()> {
    if CONFIDENCE_RANGE.contains(&confidence) {
        Ok(())
    } else {
        Err(Error::arg(
            "confidence",
            format!(
                "must be in [{:e}, 1 - 1e-12] (CONFIDENCE_RANGE), got {confidence}",
                CONFIDENCE_RANGE.start()
            ),
        ))
    }
}

/// The interval methods without their options (the `method` field of
/// [`IntervalOptions`]). Default: [`IntervalKind::Score`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalKind {
    /// NPS ± z·SE.
    Wald,
    /// Wald after adding pseudo-counts.
    AdjustedWald,
    /// Tango's score interval (the default).
    #[default]
    Score,
    /// Bayesian credible interval under a Dirichlet prior.
    Bayes,
}

impl IntervalKind {
    /// Every kind, in the order of the C enum values (0, 1, 2, 3).
    pub const ALL: [IntervalKind; 4] = [
        IntervalKind::Wald,
        IntervalKind::AdjustedWald,
        IntervalKind::Score,
        IntervalKind::Bayes,
    ];

    /// `"wald"`, `"adjusted_wald"`, `"score"` or `"bayes"` (the names of
    /// [`IntervalMethod::name`]).
    pub fn name(self) -> &'static str {
        match self {
            IntervalKind::Wald => "wald",
            IntervalKind::AdjustedWald => "adjusted_wald",
            IntervalKind::Score => "score",
            IntervalKind::Bayes => "bayes",
        }
    }

    /// Parses a name of [`IntervalKind::name`]; anything else is
    /// [`Error::InvalidArgument`] naming `method`.
    pub fn from_name(name: &str) -> Result<IntervalKind> {
        Ok(IntervalMethod::from_name(name)?.kind())
    }
}

impl IntervalMethod {
    /// The method without its options.
    pub fn kind(&self) -> IntervalKind {
        match self {
            IntervalMethod::Wald => IntervalKind::Wald,
            IntervalMethod::AdjustedWald(_) => IntervalKind::AdjustedWald,
            IntervalMethod::Score => IntervalKind::Score,
            IntervalMethod::Bayes(_) => IntervalKind::Bayes,
        }
    }
}

/// Options of a confidence (or credible) interval: the flat form of
/// [`IntervalMethod`] plus the level, mirroring the C `NpsIntervalOptions`.
///
/// Defaults ([`IntervalOptions::default`]):
///
/// | field        | default                     | used by         |
/// |--------------|-----------------------------|-----------------|
/// | `method`     | [`IntervalKind::Score`]     | —               |
/// | `confidence` | 0.95 ([`DEFAULT_CONFIDENCE`]) | every method  |
/// | `pseudo`     | (0.75, 1.5, 0.75)           | adjusted Wald   |
/// | `clip`       | `false`                     | adjusted Wald   |
/// | `prior`      | (1, 1, 1)                   | Bayes           |
/// | `credible`   | [`Credible::EqualTailed`]   | Bayes           |
///
/// [`validate`](IntervalOptions::validate) checks the ranges (confidence in
/// [`CONFIDENCE_RANGE`]; pseudo-counts finite and ≥ 0; prior components finite and > 0)
/// and **rejects a field that the method does not use when it differs from
/// its default** ([`Error::InvalidArgument`] naming the field).
///
/// ```
/// use nps_core::{IntervalKind, IntervalOptions, NpsSample, Tally};
/// let t = Tally::from_categories(1, 2, 3).unwrap();
/// let ci = t.interval_with(&IntervalOptions::default()).unwrap();
/// assert_eq!((ci.method, ci.confidence), ("score", 0.95));
///
/// let adjusted = IntervalOptions { method: IntervalKind::AdjustedWald, clip: true,
///                                  ..IntervalOptions::default() };
/// assert!(adjusted.validate().is_ok());
/// // A pseudo-count that the score method would ignore is an error, not a no-op.
/// let misplaced = IntervalOptions { pseudo: [1.0, 1.0, 1.0], ..IntervalOptions::default() };
/// assert_eq!(misplaced.validate().unwrap_err().argument(), Some("pseudo"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntervalOptions {
    /// The method (default [`IntervalKind::Score`]).
    pub method: IntervalKind,
    /// Confidence (or credible) level in [`CONFIDENCE_RANGE`] (default 0.95).
    pub confidence: f64,
    /// Adjusted Wald: pseudo-counts added to detractors, passives, promoters
    /// (default 0.75, 1.5, 0.75; finite and ≥ 0).
    pub pseudo: [f64; 3],
    /// Adjusted Wald: clip the bounds to [−100, 100] (default `false`).
    pub clip: bool,
    /// Bayes: Dirichlet prior of detractors, passives, promoters (default
    /// 1, 1, 1; finite and > 0).
    pub prior: [f64; 3],
    /// Bayes: equal-tailed or HPD (default [`Credible::EqualTailed`]).
    pub credible: Credible,
}

impl Default for IntervalOptions {
    fn default() -> IntervalOptions {
        let a = AdjustedWald::default();
        let b = Bayes::default();
        IntervalOptions {
            method: IntervalKind::default(),
            confidence: DEFAULT_CONFIDENCE,
            pseudo: a.pseudo,
            clip: a.clip,
            prior: b.prior,
            credible: b.credible,
        }
    }
}

/// `Err` naming `field` when `differs` (a field the method does not use).
fn unused(field: &'static str, differs: bool, wants: &str, method: &str) -> Result<()> {
    if differs {
        Err(Error::arg(
            field,
            format!("applies to method \"{wants}\" only, not \"{method}\""),
        ))
    } else {
        Ok(())
    }
}

impl IntervalOptions {
    /// The options of `method` at `confidence` (the other fields at their
    /// defaults): the inverse of [`validate`](IntervalOptions::validate).
    pub fn new(method: &IntervalMethod, confidence: f64) -> IntervalOptions {
        let mut o = IntervalOptions {
            method: method.kind(),
            confidence,
            ..IntervalOptions::default()
        };
        match method {
            IntervalMethod::AdjustedWald(a) => {
                o.pseudo = a.pseudo;
                o.clip = a.clip;
            }
            IntervalMethod::Bayes(b) => {
                o.prior = b.prior;
                o.credible = b.credible;
            }
            IntervalMethod::Wald | IntervalMethod::Score => {}
        }
        o
    }

    /// Checks every field and builds the [`IntervalMethod`]. Errors
    /// ([`Error::InvalidArgument`], naming the field): `confidence` outside
    /// [`CONFIDENCE_RANGE`]; `pseudo` not finite or negative; `prior` not finite or not
    /// positive; `pseudo` / `clip` different from their defaults when the
    /// method is not adjusted Wald; `prior` / `credible` different from
    /// their defaults when the method is not Bayes.
    pub fn validate(&self) -> Result<IntervalMethod> {
        check_confidence(self.confidence)?;
        let d = IntervalOptions::default();
        let name = self.method.name();
        let adjusted = self.method == IntervalKind::AdjustedWald;
        let bayes = self.method == IntervalKind::Bayes;
        // `!=` on floats: NaN differs from the default, so it is rejected too.
        unused(
            "pseudo",
            !adjusted && self.pseudo != d.pseudo,
            "adjusted_wald",
            name,
        )?;
        unused(
            "clip",
            !adjusted && self.clip != d.clip,
            "adjusted_wald",
            name,
        )?;
        unused("prior", !bayes && self.prior != d.prior, "bayes", name)?;
        unused(
            "credible",
            !bayes && self.credible != d.credible,
            "bayes",
            name,
        )?;
        Ok(match self.method {
            IntervalKind::Wald => IntervalMethod::Wald,
            IntervalKind::Score => IntervalMethod::Score,
            IntervalKind::AdjustedWald => {
                let a = AdjustedWald {
                    pseudo: self.pseudo,
                    clip: self.clip,
                };
                a.validate()?;
                IntervalMethod::AdjustedWald(a)
            }
            IntervalKind::Bayes => {
                let b = Bayes {
                    prior: self.prior,
                    credible: self.credible,
                };
                b.validate()?;
                IntervalMethod::Bayes(b)
            }
        })
    }
}

/// The test methods without their options (the `method` field of
/// [`TestOptions`]). Default: [`TestKind::AdjustedWald`] (see
/// [`TestOptions`] for why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    /// z test with the plain standard error.
    Wald,
    /// z test after adding pseudo-counts to each sample (the default).
    #[default]
    AdjustedWald,
}

impl TestKind {
    /// Both kinds, in the order of the C enum values (0, 1).
    pub const ALL: [TestKind; 2] = [TestKind::Wald, TestKind::AdjustedWald];

    /// `"wald"` or `"adjusted_wald"`.
    pub fn name(self) -> &'static str {
        match self {
            TestKind::Wald => "wald",
            TestKind::AdjustedWald => "adjusted_wald",
        }
    }

    /// Parses a name of [`TestKind::name`]; anything else is
    /// [`Error::InvalidArgument`] naming `method`.
    pub fn from_name(name: &str) -> Result<TestKind> {
        Ok(TestMethod::from_name(name)?.kind())
    }
}

impl TestMethod {
    /// The method without its options.
    pub fn kind(&self) -> TestKind {
        match self {
            TestMethod::Wald => TestKind::Wald,
            TestMethod::AdjustedWald(_) => TestKind::AdjustedWald,
        }
    }
}

/// Options of [`test_benchmark`](crate::test_benchmark) and
/// [`compare`](crate::compare), mirroring the C `NpsTestOptions`.
///
/// Defaults ([`TestOptions::default`]):
///
/// | field         | default                        | used by       |
/// |---------------|--------------------------------|---------------|
/// | `method`      | [`TestKind::AdjustedWald`]     | —             |
/// | `pseudo`      | (0.75, 1.5, 0.75)              | adjusted Wald |
/// | `alternative` | [`Alternative::TwoSided`]      | every method  |
/// | `confidence`  | 0.95 ([`DEFAULT_CONFIDENCE`])  | every method  |
///
/// **Why adjusted Wald by default.** The plain Wald test divides by the
/// standard error √(V/n), which is 0 whenever a sample has all its
/// responses in one category (every small dealer with five promoters):
/// the test is then undefined ([`Error::Degenerate`]). Adding the
/// pseudo-counts (0.75, 1.5, 0.75) — 3 responses, with the per-respondent
/// variance of a 25 / 50 / 25 split — keeps the statistic defined for every
/// non-empty sample and gives a coverage much closer to the nominal level at
/// small n, in the manner of Agresti & Caffo's "add two successes and two
/// failures" for a difference of proportions (A. Agresti and B. Caffo,
/// *Simple and effective confidence intervals for proportions and
/// differences of proportions result from adding two successes and two
/// failures*, The American Statistician 54(4), 2000, 280–288). At large n
/// the two methods agree. Wald stays available (`method: TestKind::Wald`).
///
/// [`validate`](TestOptions::validate) checks confidence in [`CONFIDENCE_RANGE`],
/// pseudo-counts finite and ≥ 0, and rejects a `pseudo` different from its
/// default with the Wald method ([`Error::InvalidArgument`] naming
/// `pseudo`).
///
/// ```
/// use nps_core::{compare, Tally, TestKind, TestMethod, TestOptions};
/// let a = Tally::from_categories(20, 28, 77).unwrap();
/// let b = Tally::from_categories(25, 30, 70).unwrap();
/// let r = compare(&a, &b, &TestOptions::default()).unwrap(); // adjusted Wald
/// assert!((r.difference - 9.375).abs() < 1e-9);
/// assert!((r.p_value - 0.3332).abs() < 1e-4);
/// let w = compare(&a, &b, &TestOptions::from(TestMethod::Wald)).unwrap();
/// assert!((w.difference - 9.6).abs() < 1e-9);
/// let bad = TestOptions { method: TestKind::Wald, pseudo: [1.0, 1.0, 1.0],
///                         ..TestOptions::default() };
/// assert_eq!(bad.validate().unwrap_err().argument(), Some("pseudo"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestOptions {
    /// The method (default [`TestKind::AdjustedWald`]).
    pub method: TestKind,
    /// Adjusted Wald: pseudo-counts added to each sample's detractors,
    /// passives, promoters (default 0.75, 1.5, 0.75; finite and ≥ 0).
    pub pseudo: [f64; 3],
    /// The alternative of the p-value (default [`Alternative::TwoSided`]).
    pub alternative: Alternative,
    /// Confidence level of the interval of the difference, in
    /// [`CONFIDENCE_RANGE`] (default 0.95).
    pub confidence: f64,
}

impl Default for TestOptions {
    fn default() -> TestOptions {
        TestOptions {
            method: TestKind::default(),
            pseudo: AdjustedWald::default().pseudo,
            alternative: Alternative::default(),
            confidence: DEFAULT_CONFIDENCE,
        }
    }
}

impl From<TestMethod> for TestOptions {
    /// The options of an explicit method, the other fields at their defaults.
    fn from(method: TestMethod) -> TestOptions {
        let mut o = TestOptions {
            method: method.kind(),
            ..TestOptions::default()
        };
        if let TestMethod::AdjustedWald(a) = method {
            o.pseudo = a.pseudo;
        }
        o
    }
}

impl TestOptions {
    /// Checks every field and builds the [`TestMethod`] (see the type's
    /// documentation for the rules).
    pub fn validate(&self) -> Result<TestMethod> {
        check_confidence(self.confidence)?;
        let adjusted = self.method == TestKind::AdjustedWald;
        unused(
            "pseudo",
            !adjusted && self.pseudo != TestOptions::default().pseudo,
            "adjusted_wald",
            self.method.name(),
        )?;
        Ok(match self.method {
            TestKind::Wald => TestMethod::Wald,
            TestKind::AdjustedWald => {
                let a = AdjustedWald {
                    pseudo: self.pseudo,
                    ..AdjustedWald::default()
                };
                a.validate()?;
                TestMethod::AdjustedWald(a)
            }
        })
    }
}

/// Options of [`sample_size`](crate::sample_size).
///
/// Defaults: `confidence` 0.95 ([`DEFAULT_CONFIDENCE`]), `population`
/// `None` (an infinite population: no finite-population correction).
/// [`validate`](SampleSizeOptions::validate): confidence in
/// [`CONFIDENCE_RANGE`], population at least 1.
///
/// ```
/// use nps_core::{sample_size, SampleSizeOptions};
/// let o = SampleSizeOptions::default();
/// assert_eq!((o.confidence, o.population), (0.95, None));
/// assert_eq!(sample_size(5.0, 0.5, 0.2, &o).unwrap(), 938);
/// let zero = SampleSizeOptions { population: Some(0), ..o };
/// assert_eq!(zero.validate().unwrap_err().argument(), Some("population"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SampleSizeOptions {
    /// Confidence level in [`CONFIDENCE_RANGE`] (default 0.95).
    pub confidence: f64,
    /// Size of a finite population (at least 1), or `None` (default).
    pub population: Option<u64>,
}

impl Default for SampleSizeOptions {
    fn default() -> SampleSizeOptions {
        SampleSizeOptions {
            confidence: DEFAULT_CONFIDENCE,
            population: None,
        }
    }
}

impl SampleSizeOptions {
    /// Checks the confidence and the population.
    pub fn validate(&self) -> Result<()> {
        check_confidence(self.confidence)?;
        if self.population == Some(0) {
            return Err(Error::arg("population", "must be at least 1"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_defaults() {
        let o = IntervalOptions::default();
        assert_eq!(o.method, IntervalKind::Score);
        assert_eq!(o.confidence, 0.95);
        assert_eq!(o.pseudo, [0.75, 1.5, 0.75]);
        assert!(!o.clip);
        assert_eq!(o.prior, [1.0, 1.0, 1.0]);
        assert_eq!(o.credible, Credible::EqualTailed);
        assert_eq!(o.validate().unwrap(), IntervalMethod::Score);
    }

    #[test]
    fn interval_validation_names_the_field() {
        let d = IntervalOptions::default();
        let cases: [(IntervalOptions, &str); 9] = [
            (
                IntervalOptions {
                    confidence: 1.0,
                    ..d
                },
                "confidence",
            ),
            (
                IntervalOptions {
                    confidence: f64::NAN,
                    ..d
                },
                "confidence",
            ),
            (
                IntervalOptions {
                    pseudo: [1.0; 3],
                    ..d
                },
                "pseudo",
            ),
            (IntervalOptions { clip: true, ..d }, "clip"),
            (
                IntervalOptions {
                    prior: [2.0; 3],
                    ..d
                },
                "prior",
            ),
            (
                IntervalOptions {
                    method: IntervalKind::Wald,
                    credible: Credible::Hpd,
                    ..d
                },
                "credible",
            ),
            (
                IntervalOptions {
                    method: IntervalKind::AdjustedWald,
                    pseudo: [-1.0, 0.0, 0.0],
                    ..d
                },
                "pseudo",
            ),
            (
                IntervalOptions {
                    method: IntervalKind::Bayes,
                    prior: [0.0, 1.0, 1.0],
                    ..d
                },
                "prior",
            ),
            (
                IntervalOptions {
                    method: IntervalKind::Bayes,
                    pseudo: [f64::NAN; 3],
                    ..d
                },
                "pseudo",
            ),
        ];
        for (o, field) in cases {
            assert_eq!(o.validate().unwrap_err().argument(), Some(field), "{o:?}");
        }
    }

    #[test]
    fn interval_options_round_trip_methods() {
        let methods = [
            IntervalMethod::Wald,
            IntervalMethod::Score,
            IntervalMethod::AdjustedWald(AdjustedWald {
                pseudo: [1.0, 2.0, 1.0],
                clip: true,
            }),
            IntervalMethod::Bayes(Bayes {
                prior: [0.5; 3],
                credible: Credible::Hpd,
            }),
        ];
        for m in methods {
            assert_eq!(IntervalOptions::new(&m, 0.9).validate().unwrap(), m);
        }
        for k in IntervalKind::ALL {
            assert_eq!(IntervalKind::from_name(k.name()).unwrap(), k);
        }
        assert!(IntervalKind::from_name("exact").is_err());
    }

    #[test]
    fn test_defaults_and_validation() {
        let o = TestOptions::default();
        assert_eq!(o.method, TestKind::AdjustedWald);
        assert_eq!(o.pseudo, [0.75, 1.5, 0.75]);
        assert_eq!(o.alternative, Alternative::TwoSided);
        assert_eq!(o.confidence, 0.95);
        assert_eq!(o.validate().unwrap(), TestMethod::default());
        let wald = TestOptions::from(TestMethod::Wald);
        assert_eq!(wald.validate().unwrap(), TestMethod::Wald);
        let bad = [
            (
                TestOptions {
                    confidence: 0.0,
                    ..o
                },
                "confidence",
            ),
            (
                TestOptions {
                    pseudo: [f64::INFINITY, 0.0, 0.0],
                    ..o
                },
                "pseudo",
            ),
            (
                TestOptions {
                    pseudo: [0.0; 3],
                    ..wald
                },
                "pseudo",
            ),
        ];
        for (o, field) in bad {
            assert_eq!(o.validate().unwrap_err().argument(), Some(field), "{o:?}");
        }
        for k in TestKind::ALL {
            assert_eq!(TestKind::from_name(k.name()).unwrap(), k);
        }
    }

    #[test]
    fn sample_size_defaults_and_validation() {
        let o = SampleSizeOptions::default();
        assert!(o.validate().is_ok());
        let bad = SampleSizeOptions {
            confidence: 1.5,
            ..o
        };
        assert_eq!(bad.validate().unwrap_err().argument(), Some("confidence"));
    }
}
