//! One-sample tests, two-sample comparisons and sample sizes
//! (`nps.test_benchmark`, `nps.compare`, `nps.compare_many`, `nps.sample_size`,
//! `nps.TestResult`, `nps.AdjustedComparison`);
//! intervals are in `interval`.

pub(crate) mod change;
pub(crate) mod interval;

use crate::errors::Int;
use nps_core::{
    Adjust, AdjustedComparison, Alternative, CompareManyOptions, NpsSample, SampleSizeOptions,
    TestKind, TestOptions, TestResult,
};
use pyo3::prelude::*;

use crate::errors::{invalid_argument, CoreResult};
use crate::names::{name_of, parse_name, repr_f64, repr_str};
use crate::tally::PyTally;
use interval::PyInterval;

/// The core test options: keyword arguments not given (`None`) take
/// nps-core's `TestOptions::default()`.
fn test_options(
    method: Option<&str>,
    confidence: Option<f64>,
    alternative: Option<&str>,
    pseudo: Option<crate::errors::Pseudo>,
) -> PyResult<TestOptions> {
    let d = TestOptions::default();
    Ok(TestOptions {
        method: method.map_or(Ok(d.method), TestKind::from_name).py()?,
        pseudo: pseudo.map_or(d.pseudo, |p| p.0),
        alternative: alternative.map_or(Ok(d.alternative), |a| {
            parse_name::<Alternative>("alternative", a)
        })?,
        confidence: confidence.unwrap_or(d.confidence),
    })
}

/// Result of a one-sample test or a two-sample comparison, in points.
///
/// >>> r = nps.test_benchmark(nps.Tally(20, 30, 50), benchmark=20.0, method="wald")
/// >>> round(r.difference, 6), round(r.se, 4)  # 30 - 20; sqrt(0.61 / 100) * 100
/// (10.0, 7.8102)
/// >>> r.p_value > 0.05
/// True
#[pyclass(frozen, eq, from_py_object, module = "nps", name = "TestResult")]
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
///
/// Options not given take nps-core's `TestOptions::default()` (adjusted
/// Wald, 95 %, two-sided).
///
/// >>> r = nps.test_benchmark(nps.Tally(20, 30, 50), benchmark=20.0, method="wald")
/// >>> round(r.difference, 6), r.method, r.alternative
/// (10.0, 'wald', 'two_sided')
#[pyfunction]
#[pyo3(signature = (tally, benchmark = 0.0, method = None, confidence = None, alternative = None, *, pseudo = None))]
pub(crate) fn test_benchmark(
    tally: &Bound<'_, PyTally>,
    benchmark: f64,
    method: Option<&str>,
    confidence: Option<f64>,
    alternative: Option<&str>,
    pseudo: Option<crate::errors::Pseudo>,
) -> PyResult<PyTestResult> {
    let o = test_options(method, confidence, alternative, pseudo)?;
    let r = nps_core::test_benchmark(tally.get().sample.stats(), benchmark, &o).py()?;
    Ok(r.into())
}

/// Two-sample comparison of the signed difference a - b.
///
/// >>> r = nps.compare(nps.Tally(10, 20, 70), nps.Tally(30, 20, 50))  # NPS 60 vs 20
/// >>> r.method, r.difference > 0, r.p_value < 0.001
/// ('adjusted_wald', True, True)
#[pyfunction]
#[pyo3(signature = (a, b, method = None, confidence = None, alternative = None, *, pseudo = None))]
pub(crate) fn compare(
    a: &Bound<'_, PyTally>,
    b: &Bound<'_, PyTally>,
    method: Option<&str>,
    confidence: Option<f64>,
    alternative: Option<&str>,
    pseudo: Option<crate::errors::Pseudo>,
) -> PyResult<PyTestResult> {
    let o = test_options(method, confidence, alternative, pseudo)?;
    let r = nps_core::compare(a.get().sample.stats(), b.get().sample.stats(), &o).py()?;
    Ok(r.into())
}

/// One comparison of `nps.compare_many`: the comparison a - b and its
/// p-value adjusted for the family.
///
/// >>> base = nps.Tally(30, 20, 50)
/// >>> r = nps.compare_many([(nps.Tally(10, 20, 70), base), (nps.Tally(28, 20, 52), base)])
/// >>> r[0].significant, r[0].p_adjusted == 2 * r[0].result.p_value
/// (True, True)
#[pyclass(frozen, eq, module = "nps", name = "AdjustedComparison")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyAdjustedComparison {
    /// The comparison a - b with its raw p-value (as `nps.compare`).
    #[pyo3(get)]
    result: PyTestResult,
    /// The adjusted p-value (>= the raw one, <= 1).
    #[pyo3(get)]
    p_adjusted: f64,
    /// Natural log of the adjusted p-value (finite where `p_adjusted` underflows to 0).
    #[pyo3(get)]
    ln_p_adjusted: f64,
    /// `p_adjusted <= 1 - confidence`.
    #[pyo3(get)]
    significant: bool,
}

impl From<&AdjustedComparison> for PyAdjustedComparison {
    fn from(r: &AdjustedComparison) -> PyAdjustedComparison {
        PyAdjustedComparison {
            result: r.result.into(),
            p_adjusted: r.p_adjusted,
            ln_p_adjusted: r.ln_p_adjusted,
            significant: r.significant,
        }
    }
}

#[pymethods]
impl PyAdjustedComparison {
    #[new]
    fn new(result: PyTestResult, p_adjusted: f64, ln_p_adjusted: f64, significant: bool) -> Self {
        PyAdjustedComparison {
            result,
            p_adjusted,
            ln_p_adjusted,
            significant,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "AdjustedComparison(result={}, p_adjusted={}, ln_p_adjusted={}, significant={})",
            self.result.__repr__(),
            repr_f64(self.p_adjusted),
            repr_f64(self.ln_p_adjusted),
            if self.significant { "True" } else { "False" }
        )
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, pyo3::types::PyType>,
        (PyTestResult, f64, f64, bool),
    ) {
        (
            py.get_type::<PyAdjustedComparison>(),
            (
                self.result.clone(),
                self.p_adjusted,
                self.ln_p_adjusted,
                self.significant,
            ),
        )
    }
}

/// The `adjust` argument of `nps.compare_many`: a name of nps-core's
/// `Adjust::name` (`"holm"`, `"bh"`, `"none"`), or `None` for no
/// adjustment. Not given: nps-core's `Adjust::default()`.
pub(crate) struct AdjustArg(Adjust);

impl<'a, 'py> FromPyObject<'a, 'py> for AdjustArg {
    type Error = PyErr;

    fn extract(ob: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if ob.is_none() {
            return Ok(AdjustArg(Adjust::None));
        }
        let name: &str = ob.extract().map_err(|_| {
            invalid_argument(
                "adjust",
                "must be \"holm\", \"bh\", \"none\" or None".to_owned(),
            )
        })?;
        Adjust::from_name(name).py().map(AdjustArg)
    }
}

/// Many two-sample comparisons at once (a - b for each `(a, b)` pair, as
/// `nps.compare`), with p-values adjusted for the family of `len(pairs)`
/// tests: `adjust="holm"` (step-down, family-wise error rate; the default),
/// `"bh"` (Benjamini-Hochberg step-up, false discovery rate) or `None` /
/// `"none"` (raw p-values). The other options are those of `nps.compare`;
/// `significant` is `p_adjusted <= 1 - confidence`. An empty list gives an
/// empty list; an error about one pair (e.g. `NoDataError`) has its
/// position in `pair_index`.
///
/// >>> base = nps.Tally(30, 20, 50)  # NPS 20
/// >>> stores = [nps.Tally(10, 20, 70), nps.Tally(28, 20, 52), nps.Tally(18, 22, 60)]
/// >>> r = nps.compare_many([(s, base) for s in stores])
/// >>> [x.significant for x in r]
/// [True, False, False]
/// >>> [round(x.p_adjusted, 4) for x in r]
/// [0.001, 0.7468, 0.1259]
/// >>> [round(x.p_adjusted, 4) for x in nps.compare_many([(s, base) for s in stores], adjust="bh")]
/// [0.001, 0.7468, 0.0945]
/// >>> try:
/// ...     nps.compare_many([(base, base), (nps.Tally(0, 0, 0), base)])
/// ... except nps.NoDataError as e:
/// ...     print(e.pair_index)
/// 1
#[pyfunction]
#[pyo3(signature = (pairs, adjust = AdjustArg(Adjust::default()), method = None, confidence = None, alternative = None, *, pseudo = None))]
pub(crate) fn compare_many(
    pairs: Vec<(Bound<'_, PyTally>, Bound<'_, PyTally>)>,
    adjust: AdjustArg,
    method: Option<&str>,
    confidence: Option<f64>,
    alternative: Option<&str>,
    pseudo: Option<crate::errors::Pseudo>,
) -> PyResult<Vec<PyAdjustedComparison>> {
    let options = CompareManyOptions {
        test: test_options(method, confidence, alternative, pseudo)?,
        adjust: adjust.0,
    };
    let samples: Vec<(&dyn NpsSample, &dyn NpsSample)> = pairs
        .iter()
        .map(|(a, b)| (a.get().sample.stats(), b.get().sample.stats()))
        .collect();
    let r = nps_core::compare_many(&samples, &options).py()?;
    Ok(r.iter().map(PyAdjustedComparison::from).collect())
}

/// Sample size for a margin of error (points) at planned promoter and
/// detractor shares, with an optional finite population.
///
/// >>> nps.sample_size(5.0, 0.5, 0.2)  # 1.96² * (0.5 + 0.2 - 0.3²) / 0.05², rounded up
/// 938
#[pyfunction]
#[pyo3(signature = (margin, promoters, detractors, confidence = None, population = None))]
pub(crate) fn sample_size(
    margin: f64,
    promoters: f64,
    detractors: f64,
    confidence: Option<f64>,
    population: Option<Int>,
) -> PyResult<u64> {
    let population = population
        .map(|p| {
            u64::try_from(p.0).map_err(|_| {
                invalid_argument(
                    "population",
                    format!("must be an integer >= 1, got {}", p.0),
                )
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
