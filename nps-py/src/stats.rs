//! Intervals, tests, comparisons and sample sizes.

use nps_core::{
    Alternative, Credible, Interval, IntervalKind, IntervalMethod, IntervalOptions,
    SampleSizeOptions, TestKind, TestOptions, TestResult,
};
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

/// The core interval options: keyword arguments not given (`None`) take
/// nps-core's `IntervalOptions::default()`; the options are then validated
/// by nps-core (ranges, and options that do not apply to the method).
pub(crate) fn interval_options(
    method: Option<&str>,
    confidence: Option<f64>,
    pseudo: Option<[f64; 3]>,
    clip: Option<bool>,
    prior: Option<[f64; 3]>,
    credible: Option<&str>,
) -> PyResult<(IntervalMethod, IntervalOptions)> {
    let d = IntervalOptions::default();
    let o = IntervalOptions {
        method: method.map_or(Ok(d.method), IntervalKind::from_name).py()?,
        confidence: confidence.unwrap_or(d.confidence),
        pseudo: pseudo.unwrap_or(d.pseudo),
        clip: clip.unwrap_or(d.clip),
        prior: prior.unwrap_or(d.prior),
        credible: credible.map_or(Ok(d.credible), |c| parse_name::<Credible>("credible", c))?,
    };
    Ok((o.validate().py()?, o))
}

/// The core test options: keyword arguments not given (`None`) take
/// nps-core's `TestOptions::default()`.
fn test_options(
    method: Option<&str>,
    confidence: Option<f64>,
    alternative: Option<&str>,
    pseudo: Option<[f64; 3]>,
) -> PyResult<TestOptions> {
    let d = TestOptions::default();
    Ok(TestOptions {
        method: method.map_or(Ok(d.method), TestKind::from_name).py()?,
        pseudo: pseudo.unwrap_or(d.pseudo),
        alternative: alternative.map_or(Ok(d.alternative), |a| {
            parse_name::<Alternative>("alternative", a)
        })?,
        confidence: confidence.unwrap_or(d.confidence),
    })
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

/// One-sample test of the NPS against a benchmark (points). Options not
/// given take nps-core's `TestOptions::default()` (adjusted Wald, 0.95,
/// two-sided).
#[pyfunction(name = "test")]
#[pyo3(signature = (tally, benchmark = 0.0, method = None, confidence = None, alternative = None, *, pseudo = None))]
pub(crate) fn test_benchmark(
    tally: &Bound<'_, PyTally>,
    benchmark: f64,
    method: Option<&str>,
    confidence: Option<f64>,
    alternative: Option<&str>,
    pseudo: Option<[f64; 3]>,
) -> PyResult<PyTestResult> {
    let o = test_options(method, confidence, alternative, pseudo)?;
    let r = nps_core::test_benchmark(tally.get().sample.stats(), benchmark, &o).py()?;
    Ok(r.into())
}

/// Two-sample comparison of the signed difference a - b. Options not given
/// take nps-core's `TestOptions::default()`.
#[pyfunction]
#[pyo3(signature = (a, b, method = None, confidence = None, alternative = None, *, pseudo = None))]
pub(crate) fn compare(
    a: &Bound<'_, PyTally>,
    b: &Bound<'_, PyTally>,
    method: Option<&str>,
    confidence: Option<f64>,
    alternative: Option<&str>,
    pseudo: Option<[f64; 3]>,
) -> PyResult<PyTestResult> {
    let o = test_options(method, confidence, alternative, pseudo)?;
    let r = nps_core::compare(a.get().sample.stats(), b.get().sample.stats(), &o).py()?;
    Ok(r.into())
}

/// Sample size for a margin of error (points) at planned promoter and
/// detractor shares, with an optional finite population.
#[pyfunction]
#[pyo3(signature = (margin, promoters, detractors, confidence = None, population = None))]
pub(crate) fn sample_size(
    margin: f64,
    promoters: f64,
    detractors: f64,
    confidence: Option<f64>,
    population: Option<i128>,
) -> PyResult<u64> {
    let population = population
        .map(|p| {
            u64::try_from(p).map_err(|_| {
                invalid_argument("population", format!("must be an integer >= 1, got {p}"))
            })
        })
        .transpose()?;
    let d = SampleSizeOptions::default();
    let options = SampleSizeOptions {
        confidence: confidence.unwrap_or(d.confidence),
        population,
    };
    nps_core::sample_size(margin, promoters, detractors, &options).py()
}
