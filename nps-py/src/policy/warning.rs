//! Results of `Policy.assess_visit` (`nps.VisitAssessment`, `nps.VisitWarning`):
//! early warnings during a visit. Instants come out as aware datetimes in the
//! zone of the triage they belong to.

use crate::names::repr_str;
use crate::policy::deadline::opt_repr;
use nps_core::policy::{VisitAssessment, Warning};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// One early warning during a visit.
///
/// >>> v = nps.Policy.default().assess_visit(now=1749819600, promised_at=1749819600 - 1800)
/// >>> w = v.warnings[0]
/// >>> w.level, w.rule, w.detail
/// ('yellow', 'waiting', '30 min past the promised time')
#[pyclass(frozen, eq, module = "nps", name = "VisitWarning")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyVisitWarning {
    w: Warning,
}

#[pymethods]
impl PyVisitWarning {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        crate::state::reduce(slf.as_any(), &slf.get().w)
    }

    /// The warning of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyVisitWarning {
            w: crate::state::load(state)?,
        })
    }

    /// "red", "orange" or "yellow".
    #[getter]
    fn level(&self) -> &'static str {
        self.w.level.name()
    }
    /// "waiting", "progress_inquiries" or "angry_wording".
    #[getter]
    fn rule(&self) -> &str {
        &self.w.rule
    }
    /// Details (minutes late, matched keyword, ...).
    #[getter]
    fn detail(&self) -> &str {
        &self.w.detail
    }

    fn __repr__(&self) -> String {
        format!(
            "VisitWarning(level={}, rule={}, detail={})",
            repr_str(self.w.level.name()),
            repr_str(&self.w.rule),
            repr_str(&self.w.detail)
        )
    }
}

/// Early-warning assessment of a visit in progress.
///
/// >>> v = nps.Policy.default().assess_visit(
/// ...     now=1749819600, promised_at=1749819600 - 1800, progress_inquiries=3)
/// >>> v.level, [w.rule for w in v.warnings]
/// ('orange', ['progress_inquiries', 'waiting'])
#[pyclass(frozen, eq, module = "nps", name = "VisitAssessment")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyVisitAssessment {
    pub(crate) a: VisitAssessment,
}

#[pymethods]
impl PyVisitAssessment {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        crate::state::reduce(slf.as_any(), &slf.get().a)
    }

    /// The assessment of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyVisitAssessment {
            a: crate::state::load(state)?,
        })
    }

    /// The most severe level (red > orange > yellow during a visit), or None.
    #[getter]
    fn level(&self) -> Option<&'static str> {
        self.a.level.map(|l| l.name())
    }
    /// Warnings, most severe first.
    #[getter]
    fn warnings(&self) -> Vec<PyVisitWarning> {
        self.a
            .warnings
            .iter()
            .map(|w| PyVisitWarning { w: w.clone() })
            .collect()
    }
    /// Role to make a retention call after consecutive low ratings, or None.
    #[getter]
    fn retention_call(&self) -> Option<&str> {
        self.a.retention_call.as_deref()
    }

    fn __repr__(&self) -> String {
        let warnings: Vec<String> = self
            .a
            .warnings
            .iter()
            .map(|w| PyVisitWarning { w: w.clone() }.__repr__())
            .collect();
        format!(
            "VisitAssessment(level={}, warnings=[{}], retention_call={})",
            opt_repr(self.level()),
            warnings.join(", "),
            opt_repr(self.retention_call())
        )
    }
}
