//! `nps.Interval` and the interval methods' names and options (`Tally.interval`).
//! A leaf: `tally` uses it, and it uses no other binding of a statistic.

use nps_core::{Credible, Interval, IntervalKind, IntervalMethod, IntervalOptions};
use pyo3::prelude::*;

use crate::errors::CoreResult;
use crate::names::{parse_name, repr_f64, repr_str};

/// A confidence (or credible) interval of the NPS, in points.
///
/// >>> i = nps.Tally(20, 30, 50).interval("wald")
/// >>> i.center, i.method  # NPS = 50 - 20
/// (30.0, 'wald')
/// >>> round(i.half_width, 2)  # 1.96 * sqrt((0.5 + 0.2 - 0.3 ** 2) / 100) * 100
/// 15.31
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

impl PyInterval {
    /// (low, high), for the reprs of results that hold an interval.
    pub(crate) fn bounds(&self) -> (f64, f64) {
        (self.low, self.high)
    }
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

    pub(crate) fn __repr__(&self) -> String {
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
    pseudo: Option<crate::errors::Pseudo>,
    clip: Option<bool>,
    prior: Option<crate::errors::Prior>,
    credible: Option<&str>,
) -> PyResult<(IntervalMethod, IntervalOptions)> {
    let d = IntervalOptions::default();
    let o = IntervalOptions {
        method: method.map_or(Ok(d.method), IntervalKind::from_name).py()?,
        confidence: confidence.unwrap_or(d.confidence),
        pseudo: pseudo.map_or(d.pseudo, |p| p.0),
        clip: clip.unwrap_or(d.clip),
        prior: prior.map_or(d.prior, |p| p.0),
        credible: credible.map_or(Ok(d.credible), |c| parse_name::<Credible>("credible", c))?,
    };
    Ok((o.validate().py()?, o))
}
