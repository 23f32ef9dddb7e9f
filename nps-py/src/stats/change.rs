//! Change tests for shares and counts (`nps.compare_shares`,
//! `nps.compare_counts`, `nps.compare_shares_many`,
//! `nps.compare_counts_many`): nps-core's `stats::change`, converted.
//! Every default is nps-core's `ChangeOptions::default()` /
//! `ChangeManyOptions::default()`.

use nps_core::{
    Alternative, ChangeManyOptions, ChangeOptions, CountChange, CountExposure, ShareChange,
    ShareCounts,
};
use pyo3::prelude::*;

use super::interval::PyInterval;
use super::AdjustArg;
use crate::errors::CoreResult;
use crate::names::{name_of, parse_name, repr_f64};

fn change_options(confidence: Option<f64>, alternative: Option<&str>) -> PyResult<ChangeOptions> {
    let d = ChangeOptions::default();
    Ok(ChangeOptions {
        confidence: confidence.unwrap_or(d.confidence),
        alternative: alternative.map_or(Ok(d.alternative), |a| {
            parse_name::<Alternative>("alternative", a)
        })?,
    })
}

/// The result of `nps.compare_shares`: first - second, as proportions
/// (0..1), with Newcombe's hybrid score interval, the pooled score test
/// and the ratio of the shares. Pickles (by its inputs).
///
/// >>> c = nps.compare_shares(38, 100, 15, 100)  # negative posts 38 % vs 15 %
/// >>> round(c.difference, 2), round(c.interval.low, 4), round(c.interval.high, 4)
/// (0.23, 0.1084, 0.3433)
/// >>> c.p_value < 0.001, round(c.ratio, 3)
/// (True, 2.533)
#[pyclass(frozen, eq, module = "nps", name = "ShareChange")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyShareChange {
    inputs: ([u64; 4], f64, String),
    /// k1 / n1.
    #[pyo3(get)]
    first: f64,
    /// k2 / n2.
    #[pyo3(get)]
    second: f64,
    /// first - second.
    #[pyo3(get)]
    difference: f64,
    /// Newcombe's hybrid score interval of the difference (method "newcombe").
    #[pyo3(get)]
    interval: PyInterval,
    /// The pooled score statistic z (0 when both shares are 0 or both 1).
    #[pyo3(get)]
    statistic: f64,
    /// p-value of the test under `alternative`.
    #[pyo3(get)]
    p_value: f64,
    /// Natural log of the p-value (finite where `p_value` underflows to 0).
    #[pyo3(get)]
    ln_p_value: f64,
    /// "two_sided", "greater" (the first is larger) or "less".
    #[pyo3(get)]
    alternative: String,
    /// first / second, or None when the second share is 0.
    #[pyo3(get)]
    ratio: Option<f64>,
}

impl PyShareChange {
    fn of(inputs: [u64; 4], o: &ChangeOptions, r: ShareChange) -> PyShareChange {
        PyShareChange {
            inputs: (inputs, o.confidence, name_of(&o.alternative)),
            first: r.first,
            second: r.second,
            difference: r.difference,
            interval: r.interval.into(),
            statistic: r.statistic,
            p_value: r.p_value,
            ln_p_value: r.ln_p_value,
            alternative: name_of(&r.alternative),
            ratio: r.ratio,
        }
    }
}

#[pymethods]
impl PyShareChange {
    /// Unpickling: the comparison recomputed from its inputs.
    #[new]
    fn new(
        k1: u64,
        n1: u64,
        k2: u64,
        n2: u64,
        confidence: f64,
        alternative: &str,
    ) -> PyResult<Self> {
        compare_shares(k1, n1, k2, n2, Some(confidence), Some(alternative))
    }

    fn __repr__(&self) -> String {
        format!(
            "ShareChange(difference={}, low={}, high={}, p_value={}, ratio={})",
            repr_f64(self.difference),
            repr_f64(self.interval.bounds().0),
            repr_f64(self.interval.bounds().1),
            repr_f64(self.p_value),
            self.ratio.map_or("None".to_owned(), repr_f64),
        )
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, pyo3::types::PyType>,
        (u64, u64, u64, u64, f64, String),
    ) {
        let ([k1, n1, k2, n2], c, a) = self.inputs.clone();
        (py.get_type::<PyShareChange>(), (k1, n1, k2, n2, c, a))
    }
}

/// The result of `nps.compare_counts`: the rate ratio first / second of two
/// counts over exposures, with the exact conditional interval and test.
/// `ratio` and `interval.high` are `inf` when the second count is 0.
/// Pickles (by its inputs).
///
/// >>> c = nps.compare_counts(227, 100)  # complaints this year vs last
/// >>> round(c.change, 2), round(c.interval.low, 3), round(c.interval.high, 3)
/// (1.27, 1.786, 2.902)
/// >>> c.p_value < 1e-10
/// True
#[pyclass(frozen, eq, module = "nps", name = "CountChange")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyCountChange {
    inputs: (u64, u64, f64, f64, f64, String),
    /// count1 / exposure1.
    #[pyo3(get)]
    first_rate: f64,
    /// count2 / exposure2.
    #[pyo3(get)]
    second_rate: f64,
    /// The rate ratio first_rate / second_rate (inf when count2 is 0).
    #[pyo3(get)]
    ratio: f64,
    /// ratio - 1: the relative change (1.27 is +127 %).
    #[pyo3(get)]
    change: f64,
    /// The exact conditional interval of the ratio (method "exact_conditional").
    #[pyo3(get)]
    interval: PyInterval,
    /// Exact conditional p-value of ratio = 1 under `alternative`.
    #[pyo3(get)]
    p_value: f64,
    /// Natural log of the p-value (finite where `p_value` underflows to 0).
    #[pyo3(get)]
    ln_p_value: f64,
    /// "two_sided", "greater" (the first rate is larger) or "less".
    #[pyo3(get)]
    alternative: String,
}

impl PyCountChange {
    fn of(a: CountExposure, b: CountExposure, o: &ChangeOptions, r: CountChange) -> PyCountChange {
        PyCountChange {
            inputs: (
                a.count,
                b.count,
                a.exposure,
                b.exposure,
                o.confidence,
                name_of(&o.alternative),
            ),
            first_rate: r.first_rate,
            second_rate: r.second_rate,
            ratio: r.ratio,
            change: r.change,
            interval: r.interval.into(),
            p_value: r.p_value,
            ln_p_value: r.ln_p_value,
            alternative: name_of(&r.alternative),
        }
    }
}

#[pymethods]
impl PyCountChange {
    /// Unpickling: the comparison recomputed from its inputs.
    #[new]
    fn new(
        c1: u64,
        c2: u64,
        exposure1: f64,
        exposure2: f64,
        confidence: f64,
        alternative: &str,
    ) -> PyResult<Self> {
        compare_counts(
            c1,
            c2,
            exposure1,
            exposure2,
            Some(confidence),
            Some(alternative),
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "CountChange(ratio={}, low={}, high={}, p_value={})",
            repr_f64(self.ratio),
            repr_f64(self.interval.bounds().0),
            repr_f64(self.interval.bounds().1),
            repr_f64(self.p_value),
        )
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, pyo3::types::PyType>,
        (u64, u64, f64, f64, f64, String),
    ) {
        (py.get_type::<PyCountChange>(), self.inputs.clone())
    }
}

/// One comparison of `nps.compare_shares_many` or `nps.compare_counts_many`:
/// the comparison (a `ShareChange` or `CountChange`) and its p-value
/// adjusted for the family.
///
/// >>> r = nps.compare_counts_many([((227, 1.0), (100, 1.0)), ((60, 1.0), (50, 1.0))])
/// >>> [x.significant for x in r], round(r[1].p_adjusted, 4)
/// ([True, False], 0.3909)
#[pyclass(frozen, module = "nps", name = "AdjustedChange")]
pub(crate) struct PyAdjustedChange {
    /// The comparison with its raw p-value.
    #[pyo3(get)]
    result: Py<PyAny>,
    /// The adjusted p-value (>= the raw one, <= 1).
    #[pyo3(get)]
    p_adjusted: f64,
    /// Natural log of the adjusted p-value.
    #[pyo3(get)]
    ln_p_adjusted: f64,
    /// `p_adjusted <= 1 - confidence`.
    #[pyo3(get)]
    significant: bool,
}

#[pymethods]
impl PyAdjustedChange {
    #[new]
    fn new(result: Py<PyAny>, p_adjusted: f64, ln_p_adjusted: f64, significant: bool) -> Self {
        PyAdjustedChange {
            result,
            p_adjusted,
            ln_p_adjusted,
            significant,
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "AdjustedChange(result={}, p_adjusted={}, significant={})",
            self.result.bind(py).repr()?,
            repr_f64(self.p_adjusted),
            if self.significant { "True" } else { "False" }
        ))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(o) = other.cast::<PyAdjustedChange>() else {
            return Ok(false);
        };
        let o = o.get();
        Ok(self.p_adjusted == o.p_adjusted
            && self.ln_p_adjusted == o.ln_p_adjusted
            && self.significant == o.significant
            && self.result.bind(py).eq(o.result.bind(py))?)
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, pyo3::types::PyType>, (Py<PyAny>, f64, f64, bool)) {
        (
            py.get_type::<PyAdjustedChange>(),
            (
                self.result.clone_ref(py),
                self.p_adjusted,
                self.ln_p_adjusted,
                self.significant,
            ),
        )
    }
}

/// first - second for two shares, k1 of n1 against k2 of n2 (e.g. the
/// negative share of posts, 38 of 100 this year against 15 of 100 last
/// year). Shares are proportions (0..1). The interval is Newcombe's hybrid
/// score interval (two-sided at `confidence`, default 0.95); the test is
/// the pooled score test under `alternative` ("two_sided" by default,
/// "greater" = the first share is larger, "less"). n = 0 is `NoDataError`;
/// k > n is `InvalidArgumentError` naming `first` or `second`.
///
/// >>> c = nps.compare_shares(56, 70, 48, 80)  # Newcombe (1998), example (a)
/// >>> round(c.interval.low, 4), round(c.interval.high, 4)
/// (0.0524, 0.3339)
/// >>> nps.compare_shares(0, 10, 0, 20).ratio is None
/// True
#[pyfunction]
#[pyo3(signature = (k1, n1, k2, n2, confidence = None, alternative = None))]
pub(crate) fn compare_shares(
    k1: u64,
    n1: u64,
    k2: u64,
    n2: u64,
    confidence: Option<f64>,
    alternative: Option<&str>,
) -> PyResult<PyShareChange> {
    let o = change_options(confidence, alternative)?;
    let r = nps_core::compare_shares(
        ShareCounts { k: k1, n: n1 },
        ShareCounts { k: k2, n: n2 },
        &o,
    )
    .py()?;
    Ok(PyShareChange::of([k1, n1, k2, n2], &o, r))
}

/// The rate ratio first / second of two counts over exposures (e.g.
/// complaints this year, 227, against last year, 100: +127 %), with the
/// exact conditional (Clopper-Pearson) interval and test: given the total,
/// the first count is binomial. `exposure1` / `exposure2` (default 1.0)
/// are the volumes the counts were observed over (visits, months). Both
/// counts 0 is `NoDataError`; an exposure that is not finite and > 0 is
/// `InvalidArgumentError`.
///
/// >>> c = nps.compare_counts(30, 20, exposure1=1200, exposure2=1500)
/// >>> round(c.ratio, 3), round(c.interval.low, 4), round(c.p_value, 4)
/// (1.875, 1.0302, 0.0389)
#[pyfunction]
#[pyo3(signature = (c1, c2, *, exposure1 = 1.0, exposure2 = 1.0, confidence = None, alternative = None))]
pub(crate) fn compare_counts(
    c1: u64,
    c2: u64,
    exposure1: f64,
    exposure2: f64,
    confidence: Option<f64>,
    alternative: Option<&str>,
) -> PyResult<PyCountChange> {
    let o = change_options(confidence, alternative)?;
    let (a, b) = (
        CountExposure {
            count: c1,
            exposure: exposure1,
        },
        CountExposure {
            count: c2,
            exposure: exposure2,
        },
    );
    let r = nps_core::compare_counts(a, b, &o).py()?;
    Ok(PyCountChange::of(a, b, &o, r))
}

fn many_options(
    adjust: AdjustArg,
    confidence: Option<f64>,
    alternative: Option<&str>,
) -> PyResult<ChangeManyOptions> {
    Ok(ChangeManyOptions {
        change: change_options(confidence, alternative)?,
        adjust: adjust.0,
    })
}

fn adjusted<T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>>(
    py: Python<'_>,
    result: T,
    p_adjusted: f64,
    ln_p_adjusted: f64,
    significant: bool,
) -> PyResult<PyAdjustedChange> {
    Ok(PyAdjustedChange {
        result: Py::new(py, result)?.into_any(),
        p_adjusted,
        ln_p_adjusted,
        significant,
    })
}

/// Many share comparisons at once, `pairs` of `((k1, n1), (k2, n2))`, with
/// the p-values adjusted for the family as in `nps.compare_many`
/// (`adjust="holm"` by default, `"bh"`, or `None`). An error about one
/// pair has its position in `pair_index`.
///
/// >>> r = nps.compare_shares_many([((38, 100), (15, 100)), ((16, 100), (15, 100))])
/// >>> [x.significant for x in r], r[0].p_adjusted == 2 * r[0].result.p_value
/// ([True, False], True)
#[pyfunction]
#[pyo3(signature = (pairs, adjust = AdjustArg(nps_core::Adjust::default()), confidence = None, alternative = None))]
pub(crate) fn compare_shares_many(
    py: Python<'_>,
    pairs: Vec<((u64, u64), (u64, u64))>,
    adjust: AdjustArg,
    confidence: Option<f64>,
    alternative: Option<&str>,
) -> PyResult<Vec<PyAdjustedChange>> {
    let o = many_options(adjust, confidence, alternative)?;
    let core: Vec<_> = pairs
        .iter()
        .map(|&((k1, n1), (k2, n2))| (ShareCounts { k: k1, n: n1 }, ShareCounts { k: k2, n: n2 }))
        .collect();
    let r = nps_core::compare_shares_many(&core, &o).py()?;
    r.into_iter()
        .zip(&pairs)
        .map(|(a, &((k1, n1), (k2, n2)))| {
            let result = PyShareChange::of([k1, n1, k2, n2], &o.change, a.result);
            adjusted(py, result, a.p_adjusted, a.ln_p_adjusted, a.significant)
        })
        .collect()
}

/// Many count comparisons at once, `pairs` of `((c1, exposure1), (c2,
/// exposure2))`, with the p-values adjusted for the family as in
/// `nps.compare_many`. An error about one pair has its position in
/// `pair_index`.
///
/// >>> try:
/// ...     nps.compare_counts_many([((1, 1.0), (2, 1.0)), ((0, 1.0), (0, 1.0))])
/// ... except nps.NoDataError as e:
/// ...     print(e.pair_index)
/// 1
#[pyfunction]
#[pyo3(signature = (pairs, adjust = AdjustArg(nps_core::Adjust::default()), confidence = None, alternative = None))]
pub(crate) fn compare_counts_many(
    py: Python<'_>,
    pairs: Vec<((u64, f64), (u64, f64))>,
    adjust: AdjustArg,
    confidence: Option<f64>,
    alternative: Option<&str>,
) -> PyResult<Vec<PyAdjustedChange>> {
    let o = many_options(adjust, confidence, alternative)?;
    let core: Vec<_> = pairs
        .iter()
        .map(|&((c1, e1), (c2, e2))| {
            (
                CountExposure {
                    count: c1,
                    exposure: e1,
                },
                CountExposure {
                    count: c2,
                    exposure: e2,
                },
            )
        })
        .collect();
    let r = nps_core::compare_counts_many(&core, &o).py()?;
    r.into_iter()
        .zip(&core)
        .map(|(a, &(x, y))| {
            let result = PyCountChange::of(x, y, &o.change, a.result);
            adjusted(py, result, a.p_adjusted, a.ln_p_adjusted, a.significant)
        })
        .collect()
}
