//! Results of `Policy.case_status` (`nps.CaseStatus`, `nps.DeadlineStatus`,
//! `nps.CaseEvent`): the case clocks at an instant. Instants come out as
//! aware datetimes in the zone of the triage they belong to.

use nps_core::policy::{CaseEvent, CaseStatus, DeadlineStatus};
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyTzInfo};

use crate::instant::{datetime, opt_datetime};
use crate::names::repr_str;

pub(crate) fn opt_repr(v: Option<&str>) -> String {
    v.map_or("None".into(), repr_str)
}

fn dt_repr(v: Option<Bound<'_, PyAny>>) -> PyResult<String> {
    Ok(match v {
        Some(d) => d.repr()?.to_string(),
        None => "None".into(),
    })
}

/// One deadline of a case at an instant.
///
/// >>> p = nps.Policy.default()
/// >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
/// >>> s = p.case_status(t, 1749819600 + 6 * 3600, acknowledged_at=1749819600 + 600)
/// >>> d = s.deadlines[0]
/// >>> d.name, d.due.isoformat(), d.met_at.isoformat()
/// ('acknowledge', '2025-06-13T15:00:00+00:00', '2025-06-13T13:10:00+00:00')
#[pyclass(frozen, eq, module = "nps", name = "DeadlineStatus")]
pub(crate) struct PyDeadlineStatus {
    d: DeadlineStatus,
    tz: Py<PyTzInfo>,
}

/// Equal when the statuses are; the display zone does not matter.
impl PartialEq for PyDeadlineStatus {
    fn eq(&self, other: &Self) -> bool {
        self.d == other.d
    }
}

#[pymethods]
impl PyDeadlineStatus {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let tz = me.tz.bind(slf.py()).clone().into_any();
        crate::state::reduce_with(slf.as_any(), &me.d, vec![tz])
    }

    /// The deadline status of a state written by pickling (`pickle.loads`), shown
    /// in zone `tz`.
    #[staticmethod]
    fn _from_state(state: &[u8], tz: Bound<'_, PyTzInfo>) -> PyResult<Self> {
        Ok(PyDeadlineStatus {
            d: crate::state::load(state)?,
            tz: tz.unbind(),
        })
    }

    /// "acknowledge" (the alert clock) or "contact" (the tier clock).
    #[getter]
    fn name(&self) -> &str {
        &self.d.name
    }
    /// When it is due.
    #[getter]
    fn due<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        datetime(py, self.d.due, &self.tz)
    }
    /// When it becomes "warned".
    #[getter]
    fn warn_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        datetime(py, self.d.warn_at, &self.tz)
    }
    /// "pending", "warned", "breached", "met" or "met_late".
    #[getter]
    fn state(&self) -> &'static str {
        self.d.state.name()
    }
    /// When it was met, or None.
    #[getter]
    fn met_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_datetime(py, self.d.met_at, &self.tz)
    }
    /// Role escalated to on breach, or None.
    #[getter]
    fn escalate_to(&self) -> Option<&str> {
        self.d.escalate_to.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "DeadlineStatus(name={}, due={}, warn_at={}, state={}, met_at={}, escalate_to={})",
            repr_str(&self.d.name),
            self.due(py)?.repr()?,
            self.warn_at(py)?.repr()?,
            repr_str(self.state()),
            dt_repr(self.met_at(py)?)?,
            opt_repr(self.escalate_to()),
        ))
    }
}

/// Something that happened by "now" and that a host system acts on; `key`
/// is stable (`"{case_id}:{deadline}:{kind}"`), so retries do not duplicate it.
///
/// >>> p = nps.Policy.default()
/// >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
/// >>> s = p.case_status(t, 1749819600 + 6 * 3600, acknowledged_at=1749819600 + 600)
/// >>> e = s.events[0]
/// >>> e.key, e.kind, e.at.isoformat()
/// ('case:contact:warned', 'warned', '2025-06-13T14:30:00+00:00')
#[pyclass(frozen, eq, module = "nps", name = "CaseEvent")]
pub(crate) struct PyCaseEvent {
    e: CaseEvent,
    tz: Py<PyTzInfo>,
}

/// Equal when the events are; the display zone does not matter.
impl PartialEq for PyCaseEvent {
    fn eq(&self, other: &Self) -> bool {
        self.e == other.e
    }
}

#[pymethods]
impl PyCaseEvent {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let tz = me.tz.bind(slf.py()).clone().into_any();
        crate::state::reduce_with(slf.as_any(), &me.e, vec![tz])
    }

    /// The case event of a state written by pickling (`pickle.loads`), shown
    /// in zone `tz`.
    #[staticmethod]
    fn _from_state(state: &[u8], tz: Bound<'_, PyTzInfo>) -> PyResult<Self> {
        Ok(PyCaseEvent {
            e: crate::state::load(state)?,
            tz: tz.unbind(),
        })
    }

    /// Stable key.
    #[getter]
    fn key(&self) -> &str {
        &self.e.key
    }
    /// "warned", "breached" or "escalated".
    #[getter]
    fn kind(&self) -> &str {
        &self.e.kind
    }
    /// The deadline concerned ("acknowledge", "contact", "public_opinion").
    #[getter]
    fn deadline(&self) -> &str {
        &self.e.deadline
    }
    /// When it happened.
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        datetime(py, self.e.at, &self.tz)
    }
    /// Role to notify (escalations), or None.
    #[getter]
    fn to(&self) -> Option<&str> {
        self.e.to.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "CaseEvent(key={}, kind={}, deadline={}, at={}, to={})",
            repr_str(&self.e.key),
            repr_str(&self.e.kind),
            repr_str(&self.e.deadline),
            self.at(py)?.repr()?,
            opt_repr(self.to()),
        ))
    }
}

/// The status of a triaged case at an instant.
///
/// >>> p = nps.Policy.default()
/// >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
/// >>> s = p.case_status(t, 1749819600 + 6 * 3600, acknowledged_at=1749819600 + 600)
/// >>> [(d.name, d.state) for d in s.deadlines]
/// [('acknowledge', 'met'), ('contact', 'breached')]
#[pyclass(frozen, eq, module = "nps", name = "CaseStatus")]
pub(crate) struct PyCaseStatus {
    pub(crate) s: CaseStatus,
    pub(crate) tz: Py<PyTzInfo>,
}

/// Equal when the statuses are; the display zone does not matter.
impl PartialEq for PyCaseStatus {
    fn eq(&self, other: &Self) -> bool {
        self.s == other.s
    }
}

#[pymethods]
impl PyCaseStatus {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let tz = me.tz.bind(slf.py()).clone().into_any();
        crate::state::reduce_with(slf.as_any(), &me.s, vec![tz])
    }

    /// The case status of a state written by pickling (`pickle.loads`), shown
    /// in zone `tz`.
    #[staticmethod]
    fn _from_state(state: &[u8], tz: Bound<'_, PyTzInfo>) -> PyResult<Self> {
        Ok(PyCaseStatus {
            s: crate::state::load(state)?,
            tz: tz.unbind(),
        })
    }

    /// Each deadline (acknowledge first, then contact).
    #[getter]
    fn deadlines(&self, py: Python<'_>) -> Vec<PyDeadlineStatus> {
        self.s
            .deadlines
            .iter()
            .map(|d| PyDeadlineStatus {
                d: d.clone(),
                tz: self.tz.clone_ref(py),
            })
            .collect()
    }
    /// Events fired by "now", in time order.
    #[getter]
    fn events(&self, py: Python<'_>) -> Vec<PyCaseEvent> {
        self.s
            .events
            .iter()
            .map(|e| PyCaseEvent {
                e: e.clone(),
                tz: self.tz.clone_ref(py),
            })
            .collect()
    }
    /// The next instant after "now" at which anything changes, or None.
    #[getter]
    fn next_fire_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_datetime(py, self.s.next_fire_at, &self.tz)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let states: Vec<String> = self
            .s
            .deadlines
            .iter()
            .map(|d| format!("{}={}", d.name, d.state.name()))
            .collect();
        Ok(format!(
            "<CaseStatus: {}, {} events, next_fire_at={}>",
            states.join(", "),
            self.s.events.len(),
            dt_repr(self.next_fire_at(py)?)?
        ))
    }
}
