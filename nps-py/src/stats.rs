//! Intervals, tests, comparisons and sample sizes.

use nps_core::{Alternative, Credible, Interval, IntervalMethod, TestMethod, TestResult};
use pyo3::prelude::*;

use crate::errors::{invalid_argument, CoreResult};
use crate::names::{name_of, parse_name};
use crate::tally::{repr_f64, repr_str, PyTally};

/// A confidence (or credible) interval of the NPS, in points.
#[pyclass(frozen, eq, from_py_object, module = "nps", name = "Interval")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyInterval {
    /// Lower bound.
    #[pyo3(get)]
    low: f64,
    /// Upper bound.
    #[pyo3(get)]
    high: f64,
    /// Centre: the NPS (Wald, score), the adjusted centre (adjusted Wald) or the posterior mean (Bayes).
    #[pyo3(get)]
    center: f64,
    /// The method's name.
    #[pyo3(get)]
    method: String,
    /// The confidence level.
    #[pyo3(get)]
    confidence: f64,
}

impl From<Interval> for PyInterval {
    fn from(i: Interval) -> PyInterval {
        PyInterval {
            low: i.low,
            high: i.high,
            center: i.center,
            method: i.method.to_owned(),
            confidence: i.confidence,
        }
    }
}

#[pymethods]
impl PyInterval {
    #[new]
    fn new(low: f64, high: f64, center: f64, method: String, confidence: f64) -> Self {
        PyInterval {
            low,
            high,
            center,
            method,
            confidence,
        }
    }

    /// Half the width (the margin of error of a symmetric interval).
    #[getter]
    fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }

    fn __repr__(&self) -> String {
        format!(
            "Interval(low={}, high={}, center={}, method={}, confidence={})",
            repr_f64(self.low),
            repr_f64(self.high),
            repr_f64(self.center),
            repr_str(&self.method),
            repr_f64(self.confidence)
        )
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, pyo3::types::PyType>,
        (f64, f64, f64, String, f64),
    ) {
        (
            py.get_type::<PyInterval>(),
            (
                self.low,
                self.high,
                self.center,
                self.method.clone(),
                self.confidence,
            ),
        )
    }
}

/// Builds an interval method from its name and options; options that do not
/// apply to the method are rejected rather than ignored.
pub(crate) fn interval_method(
    method: &str,
    pseudo: Option<[f64; 3]>,
    clip: bool,
    prior: Option<[f64; 3]>,
    credible: &str,
) -> PyResult<IntervalMethod> {
    let mut m = IntervalMethod::from_name(method).py()?;
    let credible: Credible = parse_name("credible", credible)?;
    let not_for = |arg: &'static str, wants: &str| {
        invalid_argument(
            arg,
            format!("applies to method \"{wants}\" only, not \"{method}\""),
        )
    };
    match &mut m {
        IntervalMethod::AdjustedWald(a) => {
            if let Some(p) = pseudo {
                a.pseudo = p;
            }
            a.clip = clip;
        }
        IntervalMethod::Bayes(b) => {
            if let Some(p) = prior {
                b.prior = p;
            }
            b.credible = credible;
        }
        _ => {}
    }
    let adjusted = matches!(m, IntervalMethod::AdjustedWald(_));
    let bayes = matches!(m, IntervalMethod::Bayes(_));
    if !adjusted && pseudo.is_some() {
        return Err(not_for("pseudo", "adjusted_wald"));
    }
    if !adjusted && clip {
        return Err(not_for("clip", "adjusted_wald"));
    }
    if !bayes && prior.is_some() {
        return Err(not_for("prior", "bayes"));
    }
    if !bayes && credible != Credible::default() {
        return Err(not_for("credible", "bayes"));
    }
    Ok(m)
}

fn test_method(method: &str, pseudo: Option<[f64; 3]>) -> PyResult<TestMethod> {
    let mut m = TestMethod::from_name(method).py()?;
    match (&mut m, pseudo) {
        (TestMethod::AdjustedWald(a), Some(p)) => a.pseudo = p,
        (_, Some(_)) => {
            return Err(invalid_argument(
                "pseudo",
                format!("applies to method \"adjusted_wald\" only, not \"{method}\""),
            ))
        }
        _ => {}
    }
    Ok(m)
}

/// Result of a one-sample test or a two-sample comparison, in points.
#[pyclass(frozen, eq, module = "nps", name = "TestResult")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyTestResult {
    /// Estimate minus benchmark, or a - b (signed).
    #[pyo3(get)]
    difference: f64,
    /// Standard error of the difference.
    #[pyo3(get)]
    se: f64,
    /// z statistic.
    #[pyo3(get)]
    statistic: f64,
    /// p-value under `alternative`.
    #[pyo3(get)]
    p_value: f64,
    /// Natural log of the p-value (finite where `p_value` underflows to 0).
    #[pyo3(get)]
    ln_p_value: f64,
    /// Two-sided confidence interval of the difference.
    #[pyo3(get)]
    interval: PyInterval,
    /// "two_sided", "greater" or "less".
    #[pyo3(get)]
    alternative: String,
    /// "wald" or "adjusted_wald".
    #[pyo3(get)]
    method: String,
}

impl From<TestResult> for PyTestResult {
    fn from(r: TestResult) -> PyTestResult {
        PyTestResult {
            difference: r.difference,
            se: r.se,
            statistic: r.statistic,
            p_value: r.p_value,
            ln_p_value: r.ln_p_value,
            method: r.interval.method.to_owned(),
            interval: r.interval.into(),
            alternative: name_of(&r.alternative),
        }
    }
}

#[pymethods]
impl PyTestResult {
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        difference: f64,
        se: f64,
        statistic: f64,
        p_value: f64,
        ln_p_value: f64,
        interval: PyInterval,
        alternative: String,
        method: String,
    ) -> Self {
        PyTestResult {
            difference,
            se,
            statistic,
            p_value,
            ln_p_value,
            interval,
            alternative,
            method,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "TestResult(difference={}, se={}, statistic={}, p_value={}, ln_p_value={}, interval={}, alternative={}, method={})",
            repr_f64(self.difference),
            repr_f64(self.se),
            repr_f64(self.statistic),
            repr_f64(self.p_value),
            repr_f64(self.ln_p_value),
            self.interval.__repr__(),
            repr_str(&self.alternative),
            repr_str(&self.method)
        )
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, pyo3::types::PyType>,
        (f64, f64, f64, f64, f64, PyInterval, String, String),
    ) {
        (
            py.get_type::<PyTestResult>(),
            (
                self.difference,
                self.se,
                self.statistic,
                self.p_value,
                self.ln_p_value,
                self.interval.clone(),
                self.alternative.clone(),
                self.method.clone(),
            ),
        )
    }
}

/// One-sample test of the NPS against a benchmark (points).
#[pyfunction(name = "test")]
#[pyo3(signature = (tally, benchmark = 0.0, method = "wald", confidence = 0.95, alternative = "two_sided", *, pseudo = None))]
pub(crate) fn test_benchmark(
    tally: &Bound<'_, PyTally>,
    benchmark: f64,
    method: &str,
    confidence: f64,
    alternative: &str,
    pseudo: Option<[f64; 3]>,
) -> PyResult<PyTestResult> {
    let m = test_method(method, pseudo)?;
    let alt: Alternative = parse_name("alternative", alternative)?;
    let r = nps_core::test_benchmark(tally.get().sample.stats(), benchmark, &m, confidence, alt)
        .py()?;
    Ok(r.into())
}

/// Two-sample comparison of the signed difference a - b.
#[pyfunction]
#[pyo3(signature = (a, b, method = "adjusted_wald", confidence = 0.95, alternative = "two_sided", *, pseudo = None))]
pub(crate) fn compare(
    a: &Bound<'_, PyTally>,
    b: &Bound<'_, PyTally>,
    method: &str,
    confidence: f64,
    alternative: &str,
    pseudo: Option<[f64; 3]>,
) -> PyResult<PyTestResult> {
    let m = test_method(method, pseudo)?;
    let alt: Alternative = parse_name("alternative", alternative)?;
    let r = nps_core::compare(
        a.get().sample.stats(),
        b.get().sample.stats(),
        &m,
        confidence,
        alt,
    )
    .py()?;
    Ok(r.into())
}

/// Sample size for a margin of error (points) at planned promoter and
/// detractor shares, with an optional finite population.
#[pyfunction]
#[pyo3(signature = (margin, promoters, detractors, confidence = 0.95, population = None))]
pub(crate) fn sample_size(
    margin: f64,
    promoters: f64,
    detractors: f64,
    confidence: f64,
    population: Option<i128>,
) -> PyResult<u64> {
    let population = population
        .map(|p| {
            u64::try_from(p).map_err(|_| {
                invalid_argument("population", format!("must be an integer >= 1, got {p}"))
            })
        })
        .transpose()?;
    nps_core::sample_size(margin, promoters, detractors, confidence, population).py()
}
