//! Recovery cases (`nps_core::case`): `nps.Case` (the event log),
//! `nps.RecoveryStatus` and `nps.StepStatus`; programme analytics over many
//! cases are in `programme`. Events arrive as dicts
//! with an aware `datetime` (or Unix seconds) under `"at"`; they are
//! converted to nps-core's JSON event form and every rule is applied there.

use nps_core::case::{
    format_instant, Case, Event, PackageItem, RecoveryStatus, SavedCase, StepStatus,
};
use nps_core::policy::Policy;
use nps_core::Error;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType, PyTzInfo};
use serde_json::Value;

use crate::errors::{to_py, CoreResult};
use crate::instant::{datetime, instant, opt_datetime, seconds, utc, zone};
use crate::names::repr_str;
use crate::policy::approval::PyApproval;
use crate::policy::deadline::PyCaseStatus;
use crate::policy::PyPolicy;

fn bad_event(index: Option<usize>, kind: &str, reason: impl Into<String>) -> PyErr {
    to_py(Error::InvalidEvent {
        index,
        event: kind.to_owned(),
        reason: reason.into(),
    })
}

/// A plain Python value as JSON (None, bool, int, float, str, list, dict).
fn plain(v: &Bound<'_, PyAny>, index: Option<usize>, kind: &str, key: &str) -> PyResult<Value> {
    if v.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() || v.hasattr("__index__")? && !v.is_instance_of::<PyFloat>() {
        if let Ok(i) = v.extract::<i64>() {
            return Ok(Value::from(i));
        }
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        return serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| bad_event(index, kind, format!("`{key}` is {x}, not a finite number")));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut m = serde_json::Map::new();
        for (k, x) in d.iter() {
            let k: String = k.extract()?;
            m.insert(k.clone(), plain(&x, index, kind, &k)?);
        }
        return Ok(Value::Object(m));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        return v
            .try_iter()?
            .map(|x| plain(&x?, index, kind, key))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    Err(bad_event(
        index,
        kind,
        format!("`{key}` has an unsupported type {}", v.get_type().name()?),
    ))
}

/// A Python event dict as nps-core's JSON event (see `nps_core::case`).
pub(crate) fn event_value(obj: &Bound<'_, PyAny>, index: Option<usize>) -> PyResult<Value> {
    let where_ = index
        .map(|i| format!("events[{i}]"))
        .unwrap_or("event".into());
    let d = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err(format!("{where_} must be a dict")))?;
    let kind = d
        .get_item("kind")?
        .and_then(|k| k.extract::<String>().ok())
        .unwrap_or_else(|| "?".into());
    let mut m = serde_json::Map::new();
    for (k, v) in d.iter() {
        let k: String = k
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("{where_}: keys must be str")))?;
        let val = match k.as_str() {
            // RFC 3339 text passes through: nps-core parses and checks it.
            "at" if v.is_instance_of::<PyString>() => Value::String(v.extract()?),
            "at" => {
                let t = seconds(&v, "at").map_err(|e| bad_event(index, &kind, e.to_string()))?;
                Value::String(format_instant(t))
            }
            "items" if !v.is_instance_of::<PyString>() => {
                let all_dicts = v
                    .try_iter()?
                    .all(|x| x.is_ok_and(|x| x.is_instance_of::<PyDict>()));
                if all_dicts {
                    plain(&v, index, &kind, "items")?
                } else {
                    let items = crate::policy::approval::items(&v)
                        .map_err(|e| bad_event(index, &kind, e.to_string()))?;
                    let items: Vec<PackageItem> = items.into_iter().map(Into::into).collect();
                    serde_json::to_value(items).unwrap_or_default()
                }
            }
            _ => plain(&v, index, &kind, &k)?,
        };
        m.insert(k, val);
    }
    Ok(Value::Object(m))
}

/// JSON back to Python: `at` and other instants as aware datetimes, items
/// as `(value_minor, currency, layer)` tuples.
fn to_python<'py>(py: Python<'py>, v: &Value, tz: &Py<PyTzInfo>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => PyList::new(
            py,
            a.iter()
                .map(|x| to_python(py, x, tz))
                .collect::<PyResult<Vec<_>>>()?,
        )?
        .into_any(),
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("at", Value::String(s)) => {
                        let t = nps_core::case::parse_instant(s).py()?;
                        d.set_item(k, datetime(py, t, tz)?)?;
                    }
                    ("items", Value::Array(items)) => {
                        let tuples = items
                            .iter()
                            .map(|it| {
                                (
                                    it["value"].as_i64().unwrap_or(0),
                                    it["currency"].as_str().unwrap_or("").to_owned(),
                                    it["layer"].as_str().unwrap_or("").to_owned(),
                                )
                            })
                            .collect::<Vec<_>>();
                        d.set_item(k, tuples)?;
                    }
                    _ => d.set_item(k, to_python(py, x, tz)?)?,
                }
            }
            d.into_any()
        }
    })
}

pub(crate) fn policy_of(policy: Option<&Bound<'_, PyPolicy>>) -> Policy {
    policy.map_or_else(Policy::default, |p| p.get().p.clone())
}

/// The display zone: the policy calendar's, else `given`, else UTC.
fn zone_of(
    py: Python<'_>,
    policy: &Policy,
    given: Option<Bound<'_, PyTzInfo>>,
) -> PyResult<Py<PyTzInfo>> {
    match (&policy.calendar, given) {
        (Some(c), _) => zone(py, &c.spec().tz),
        (None, Some(tz)) => Ok(tz.unbind()),
        (None, None) => utc(py),
    }
}

/// A recovery case: the six-step procedure of SPEC §4.5 as an event log.
/// Its state is a pure function of the log; an event that cannot be
/// applied raises `InvalidEventError` (with `index` and the kind) and
/// leaves the case unchanged. The policy is used by `status` and
/// `approvals`; instants come back in its calendar's zone, else in the zone
/// of the opening event's `at`, else UTC.
///
/// >>> import datetime as dt
/// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
/// >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
/// ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
/// >>> c = nps.Case.from_events([opened], case_id="c1")
/// >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
/// >>> len(c), c.original_score, c.dealer, c.is_closed
/// (2, 2, 'D1', False)
#[pyclass(module = "nps", name = "Case")]
pub(crate) struct PyRecoveryCase {
    pub(crate) c: Case,
    policy: Policy,
    tz: Py<PyTzInfo>,
}

impl PyRecoveryCase {
    fn build(
        py: Python<'_>,
        c: Case,
        policy: Policy,
        given: Option<Bound<'_, PyTzInfo>>,
    ) -> PyResult<Self> {
        let tz = zone_of(py, &policy, given)?;
        Ok(PyRecoveryCase { c, policy, tz })
    }
}

#[pymethods]
impl PyRecoveryCase {
    /// Replays `events` (a list of dicts: "kind", "at" — an aware datetime,
    /// Unix seconds or RFC 3339 text with an offset — and the kind's
    /// fields). `case_id` defaults to "case".
    #[classmethod]
    #[pyo3(signature = (events, *, policy = None, case_id = None))]
    fn from_events(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        events: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyPolicy>>,
        case_id: Option<&str>,
    ) -> PyResult<Self> {
        if events.is_instance_of::<PyString>() || events.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err("`events` must be a list of dicts"));
        }
        let mut values = Vec::new();
        let mut tz = None;
        for (i, e) in events.try_iter()?.enumerate() {
            let e = e?;
            if i == 0 {
                if let Ok(d) = e.cast::<PyDict>() {
                    if let Some(at) = d.get_item("at")? {
                        tz = instant(&at, "at").ok().and_then(|(_, z)| z);
                    }
                }
            }
            values.push(event_value(&e, Some(i))?);
        }
        let id = case_id.unwrap_or("case").to_owned();
        let events = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| Event::from_value(v, Some(i)))
            .collect::<nps_core::Result<Vec<Event>>>()
            .py()?;
        let policy = policy_of(policy);
        // Every event checked against the case's policy (a package in
        // another currency is refused here, not later by `status`).
        let mut it = events.into_iter();
        let mut c = match it.next() {
            Some(first) => Case::new(id, first).py()?,
            None => Case::from_events(id, Vec::new()).py()?,
        };
        for e in it {
            c.apply_for(e, &policy).py()?;
        }
        PyRecoveryCase::build(py, c, policy, tz)
    }

    /// A case from `to_json()` text (the log is replayed and checked) with
    /// the policy it carries; `policy` given must equal it (a mismatch is an
    /// `InvalidArgumentError` naming `policy`, never a silent switch).
    /// Without either: the default policy.
    #[classmethod]
    #[pyo3(signature = (text, *, policy = None))]
    fn from_json(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &str,
        policy: Option<&Bound<'_, PyPolicy>>,
    ) -> PyResult<Self> {
        let given = policy.map(|p| &p.get().p);
        let (c, policy) = Case::from_json_with_policy(text, given).py()?;
        PyRecoveryCase::build(py, c, policy, None)
    }

    /// Applies one event (a dict). Atomic: on error the case is unchanged.
    /// A `solution_proposed` package must be in the policy's currency.
    fn apply(&mut self, event: &Bound<'_, PyAny>) -> PyResult<()> {
        let idx = self.c.events().len();
        let v = event_value(event, Some(idx))?;
        let e = Event::from_value(v, Some(idx)).py()?;
        self.c.apply_for(e, &self.policy).py()
    }

    /// The status at `now` (aware datetime or Unix seconds): current step,
    /// every step's window and lateness, the triage deadlines, approvals.
    fn status(&self, now: &Bound<'_, PyAny>) -> PyResult<PyRecoveryStatus> {
        let py = now.py();
        let now = seconds(now, "now")?;
        Ok(PyRecoveryStatus {
            s: self.c.status(&self.policy, now).py()?,
            tz: self.tz.clone_ref(py),
        })
    }

    /// Approval of every proposed package, in order (the case's tier; the
    /// packages accepted earlier count toward the case's cumulative total).
    fn approvals(&self) -> PyResult<Vec<PyApproval>> {
        Ok(self
            .c
            .approvals(&self.policy, &[])
            .py()?
            .into_iter()
            .map(|a| PyApproval { a })
            .collect())
    }

    /// The case and its policy as JSON: {"id": ..., "events": [...],
    /// "policy": {...}} (instants in UTC; floats exact). `Case.from_json`
    /// reads it back with the same policy.
    fn to_json(&self) -> String {
        self.c.to_json_with_policy(&self.policy)
    }

    /// The case id.
    #[getter]
    fn id(&self) -> &str {
        self.c.id()
    }
    /// The policy used by `status`.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            p: self.policy.clone(),
        }
    }
    /// The event log as dicts (instants as aware datetimes).
    #[getter]
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.c
            .events()
            .iter()
            .map(|e| to_python(py, &serde_json::to_value(e).unwrap_or_default(), &self.tz))
            .collect()
    }
    /// The original score (never replaced by a re-rating).
    #[getter]
    fn original_score(&self) -> u8 {
        self.c.original_score()
    }
    /// The re-rated score, or None.
    #[getter]
    fn rerated_score(&self) -> Option<u8> {
        self.c.rerated_score()
    }
    /// "recovered", "converted", "lost", or None while open.
    #[getter]
    fn outcome(&self) -> Option<&'static str> {
        self.c.outcome().map(|o| o.name())
    }
    /// Whether the case is closed.
    #[getter]
    fn is_closed(&self) -> bool {
        self.c.is_closed()
    }
    /// The low-score reason.
    #[getter]
    fn reason(&self) -> &str {
        &self.c.state().reason
    }
    /// The dealer, or None.
    #[getter]
    fn dealer(&self) -> Option<&str> {
        self.c.state().dealer.as_deref()
    }
    /// When the case opened (the alert).
    #[getter]
    fn opened_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        datetime(py, self.c.opened_at(), &self.tz)
    }
    /// First contact, or None.
    #[getter]
    fn contacted_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_datetime(py, self.c.state().contacted_at, &self.tz)
    }
    /// Channel of the first contact ("visit", "video", "phone", "message"), or None.
    #[getter]
    fn channel(&self) -> Option<&'static str> {
        self.c.state().channel.map(|c| c.name())
    }
    /// The strongest channel of every contact (visit > video > phone >
    /// message): the apology channel of `recovery_stats` by default; or None.
    #[getter]
    fn strongest_channel(&self) -> Option<&'static str> {
        self.c.state().strongest_channel.map(|c| c.name())
    }
    /// Root-cause responsibility, or None.
    #[getter]
    fn responsibility(&self) -> Option<&'static str> {
        self.c.state().responsibility.map(|r| r.name())
    }

    fn __len__(&self) -> usize {
        self.c.events().len()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.borrow();
        let saved = SavedCase {
            case: me.c.clone(),
            policy: me.policy.clone(),
        };
        let tz = me.tz.bind(slf.py()).clone().into_any();
        crate::state::reduce_with(slf.as_any(), &saved, vec![tz])
    }

    /// The case of a state written by pickling (`pickle.loads`): its log
    /// (replayed and checked) and its policy (validated), shown in zone
    /// `tz`.
    #[staticmethod]
    fn _from_state(state: &[u8], tz: Bound<'_, PyTzInfo>) -> PyResult<Self> {
        let s: SavedCase = crate::state::load(state)?;
        Ok(PyRecoveryCase {
            c: s.case,
            policy: s.policy,
            tz: tz.unbind(),
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyRecoveryCase>()
            .is_ok_and(|o| o.borrow().c == self.c)
    }

    fn __repr__(&self) -> String {
        format!(
            "Case(id={}, events={}, original_score={}, rerated_score={}, outcome={})",
            repr_str(self.c.id()),
            self.c.events().len(),
            self.c.original_score(),
            self.c
                .rerated_score()
                .map_or("None".into(), |s| s.to_string()),
            self.c
                .outcome()
                .map_or("None".into(), |o| repr_str(o.name())),
        )
    }
}

/// One procedure step at an instant.
///
/// >>> import datetime as dt
/// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
/// >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
/// ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
/// >>> c = nps.Case.from_events([opened], case_id="c1")
/// >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
/// >>> s = c.status(at + dt.timedelta(hours=1)).steps[0]
/// >>> s.name, s.state, s.late_seconds
/// ('identify_and_grade', 'done', 0)
#[pyclass(frozen, module = "nps", name = "StepStatus")]
pub(crate) struct PyStepStatus {
    s: StepStatus,
    tz: Py<PyTzInfo>,
}

#[pymethods]
impl PyStepStatus {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let tz = me.tz.bind(slf.py()).clone().into_any();
        crate::state::reduce_with(slf.as_any(), &me.s, vec![tz])
    }

    /// The step status of a state written by pickling (`pickle.loads`), shown
    /// in zone `tz`.
    #[staticmethod]
    fn _from_state(state: &[u8], tz: Bound<'_, PyTzInfo>) -> PyResult<Self> {
        Ok(PyStepStatus {
            s: crate::state::load(state)?,
            tz: tz.unbind(),
        })
    }

    /// Step name from the policy ("identify_and_grade", ...).
    #[getter]
    fn name(&self) -> &str {
        &self.s.name
    }
    /// Window start.
    #[getter]
    fn start<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        datetime(py, self.s.start, &self.tz)
    }
    /// Window end, or None (open-ended).
    #[getter]
    fn due<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_datetime(py, self.s.due, &self.tz)
    }
    /// When it was completed, or None.
    #[getter]
    fn completed_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_datetime(py, self.s.completed_at, &self.tz)
    }
    /// "pending", "due", "late", "done" or "done_late".
    #[getter]
    fn state(&self) -> &'static str {
        self.s.state.name()
    }
    /// Wall-clock seconds late (0 unless late or done late).
    #[getter]
    fn late_seconds(&self) -> i64 {
        self.s.late_seconds
    }

    fn __repr__(&self) -> String {
        format!(
            "StepStatus(name={}, state={}, late_seconds={})",
            repr_str(&self.s.name),
            repr_str(self.s.state.name()),
            self.s.late_seconds
        )
    }
}

/// Status of a recovery case at an instant.
///
/// >>> import datetime as dt
/// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
/// >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
/// ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
/// >>> c = nps.Case.from_events([opened], case_id="c1")
/// >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
/// >>> s = c.status(at + dt.timedelta(hours=1))
/// >>> s.current_step, s.late_steps
/// ('first_contact', [])
#[pyclass(frozen, module = "nps", name = "RecoveryStatus")]
pub(crate) struct PyRecoveryStatus {
    s: RecoveryStatus,
    tz: Py<PyTzInfo>,
}

#[pymethods]
impl PyRecoveryStatus {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let tz = me.tz.bind(slf.py()).clone().into_any();
        crate::state::reduce_with(slf.as_any(), &me.s, vec![tz])
    }

    /// The recovery status of a state written by pickling (`pickle.loads`), shown
    /// in zone `tz`.
    #[staticmethod]
    fn _from_state(state: &[u8], tz: Bound<'_, PyTzInfo>) -> PyResult<Self> {
        Ok(PyRecoveryStatus {
            s: crate::state::load(state)?,
            tz: tz.unbind(),
        })
    }

    /// The instant.
    #[getter]
    fn now<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        datetime(py, self.s.now, &self.tz)
    }
    /// The first step not completed, or None when all are.
    #[getter]
    fn current_step(&self) -> Option<&str> {
        self.s.current_step.as_deref()
    }
    /// Every step, in order.
    #[getter]
    fn steps(&self, py: Python<'_>) -> Vec<PyStepStatus> {
        self.s
            .steps
            .iter()
            .map(|s| PyStepStatus {
                s: s.clone(),
                tz: self.tz.clone_ref(py),
            })
            .collect()
    }
    /// The follow-up ("follow_up") in its own window from the delivery
    /// (`executed`; the policy's recovery.follow_up, default 3-7 days), or
    /// None before the delivery.
    #[getter]
    fn follow_up(&self, py: Python<'_>) -> Option<PyStepStatus> {
        self.s.follow_up.as_ref().map(|s| PyStepStatus {
            s: s.clone(),
            tz: self.tz.clone_ref(py),
        })
    }
    /// Names of the steps late or done late (the follow-up included).
    #[getter]
    fn late_steps(&self) -> Vec<&str> {
        self.s.late_steps()
    }
    /// The triage deadlines (alert and tier clocks).
    #[getter]
    fn deadlines(&self, py: Python<'_>) -> PyCaseStatus {
        PyCaseStatus {
            s: self.s.deadlines.clone(),
            tz: self.tz.clone_ref(py),
        }
    }
    /// Approval of every proposal, in order.
    #[getter]
    fn approvals(&self) -> Vec<PyApproval> {
        self.s
            .approvals
            .iter()
            .map(|a| PyApproval { a: a.clone() })
            .collect()
    }
    /// Approval of the last proposal, or None.
    #[getter]
    fn last_approval(&self) -> Option<PyApproval> {
        self.s.last_approval.clone().map(|a| PyApproval { a })
    }
    /// Outcome if closed by then, else None.
    #[getter]
    fn outcome(&self) -> Option<&'static str> {
        self.s.closed.map(|o| o.name())
    }

    fn __repr__(&self) -> String {
        format!(
            "RecoveryStatus(current_step={}, late_steps={:?})",
            self.s
                .current_step
                .as_deref()
                .map_or("None".into(), repr_str),
            self.s.late_steps()
        )
    }
}
