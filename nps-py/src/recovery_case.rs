//! Recovery cases and programme analytics (`nps.Case`, `nps.RecoveryStatus`,
//! `nps.recovery_stats`, `nps.rank_open_cases`). Events arrive as dicts
//! with an aware `datetime` (or Unix seconds) under `"at"`; they are
//! converted to nps-core's JSON event form and every rule is applied there.

use nps_core::case::{format_instant, Case, PackageItem, Status, StepStatus};
use nps_core::period::{parse_tz, Period};
use nps_core::policy::Policy;
use nps_core::programme::{
    rank_open_cases as core_rank, recovery_stats as core_stats, recovery_stats_by, Band,
    GroupStats, Grouping, Ranked, Rate, RecoveryStats, StatsOptions,
};
use nps_core::Error;
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType, PyTzInfo};
use serde_json::Value;

use crate::approval::PyApproval;
use crate::case::PyCaseStatus;
use crate::column::numbers;
use crate::errors::{to_py, CoreResult};
use crate::instant::{datetime, instant, opt_datetime, seconds, utc, zone};
use crate::policy::PyPolicy;
use crate::tally::repr_str;

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
                    let items = crate::approval::items(&v)
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

fn policy_of(policy: Option<&Bound<'_, PyPolicy>>) -> Policy {
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
        let text = Value::Array(values).to_string();
        let id = case_id.unwrap_or("case").to_owned();
        let c = Case::from_json_events(&text, id).py()?;
        PyRecoveryCase::build(py, c, policy_of(policy), tz)
    }

    /// A case from `to_json()` text (the log is replayed and checked).
    #[classmethod]
    #[pyo3(signature = (text, *, policy = None))]
    fn from_json(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &str,
        policy: Option<&Bound<'_, PyPolicy>>,
    ) -> PyResult<Self> {
        let c = Case::from_json(text).py()?;
        PyRecoveryCase::build(py, c, policy_of(policy), None)
    }

    /// Applies one event (a dict). Atomic: on error the case is unchanged.
    fn apply(&mut self, event: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = event_value(event, Some(self.c.events().len()))?;
        self.c.apply_json(&v.to_string()).py()
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

    /// The case as JSON: {"id": ..., "events": [...]} (instants in UTC).
    fn to_json(&self) -> String {
        self.c.to_json()
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
    /// Channel of the first contact ("phone", "visit", "message"), or None.
    #[getter]
    fn channel(&self) -> Option<&'static str> {
        self.c.state().channel.map(|c| c.name())
    }
    /// Root-cause responsibility, or None.
    #[getter]
    fn responsibility(&self) -> Option<&'static str> {
        self.c.state().responsibility.map(|r| r.name())
    }

    fn __len__(&self) -> usize {
        self.c.events().len()
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
#[pyclass(frozen, module = "nps", name = "StepStatus")]
pub(crate) struct PyStepStatus {
    s: StepStatus,
    tz: Py<PyTzInfo>,
}

#[pymethods]
impl PyStepStatus {
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
#[pyclass(frozen, module = "nps", name = "RecoveryStatus")]
pub(crate) struct PyRecoveryStatus {
    s: Status,
    tz: Py<PyTzInfo>,
}

#[pymethods]
impl PyRecoveryStatus {
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
    /// Names of the steps late or done late.
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

/// A rate with its numerator and denominator; `value` is None ("no data")
/// when the denominator is 0.
#[pyclass(frozen, eq, module = "nps", name = "Rate")]
#[derive(PartialEq)]
pub(crate) struct PyRate(Rate);

#[pymethods]
impl PyRate {
    /// numerator / denominator (a fraction 0–1), or None.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.0.value
    }
    /// Numerator.
    #[getter]
    fn numerator(&self) -> u64 {
        self.0.numerator
    }
    /// Denominator.
    #[getter]
    fn denominator(&self) -> u64 {
        self.0.denominator
    }

    fn __repr__(&self) -> String {
        format!(
            "Rate(value={}, numerator={}, denominator={})",
            self.0.value.map_or("None".into(), |v| v.to_string()),
            self.0.numerator,
            self.0.denominator
        )
    }
}

/// One band of a success split.
#[pyclass(frozen, module = "nps", name = "RecoveryBand")]
pub(crate) struct PyBand(Band);

#[pymethods]
impl PyBand {
    /// Band label ("<= 6h", "not_contacted", "none", "<= 500.00 CNY", "phone", ...).
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }
    /// Success: recovered / cases in the band.
    #[getter]
    fn success(&self) -> PyRate {
        PyRate(self.0.success)
    }
    /// The policy's expected success for a speed band, else None.
    #[getter]
    fn expected(&self) -> Option<f64> {
        self.0.expected
    }

    fn __repr__(&self) -> String {
        format!(
            "RecoveryBand(label={}, success={})",
            repr_str(&self.0.label),
            PyRate(self.0.success).__repr__()
        )
    }
}

/// Programme statistics of one group of recovery cases (SPEC §4.5). Every
/// rate is over `low_scores`.
#[pyclass(frozen, module = "nps", name = "RecoveryStats")]
pub(crate) struct PyRecoveryStats(RecoveryStats);

#[pymethods]
impl PyRecoveryStats {
    /// Low scores received (cases with an original score 0–6).
    #[getter]
    fn low_scores(&self) -> u64 {
        self.0.low_scores
    }
    /// Cases where a contact was made.
    #[getter]
    fn launched(&self) -> u64 {
        self.0.launched
    }
    /// First contact within 24 h of opening.
    #[getter]
    fn responded_24h(&self) -> u64 {
        self.0.responded_24h
    }
    /// Closed recovered or converted.
    #[getter]
    fn recovered(&self) -> u64 {
        self.0.recovered
    }
    /// Closed converted (a subset of recovered).
    #[getter]
    fn converted(&self) -> u64 {
        self.0.converted
    }
    /// Closed lost.
    #[getter]
    fn lost(&self) -> u64 {
        self.0.lost
    }
    /// launched / low_scores.
    #[getter]
    fn launch_rate(&self) -> PyRate {
        PyRate(self.0.launch_rate)
    }
    /// responded_24h / low_scores.
    #[getter]
    fn response_24h_rate(&self) -> PyRate {
        PyRate(self.0.response_24h_rate)
    }
    /// recovered / low_scores.
    #[getter]
    fn success_rate(&self) -> PyRate {
        PyRate(self.0.success_rate)
    }
    /// converted / low_scores.
    #[getter]
    fn conversion_rate(&self) -> PyRate {
        PyRate(self.0.conversion_rate)
    }
    /// lost / low_scores.
    #[getter]
    fn lost_rate(&self) -> PyRate {
        PyRate(self.0.lost_rate)
    }
    /// Top reasons as (reason, Rate) pairs, most frequent first.
    #[getter]
    fn reasons(&self) -> Vec<(String, PyRate)> {
        self.0
            .reasons
            .iter()
            .map(|r| (r.reason.clone(), PyRate(r.share)))
            .collect()
    }
    /// Success by response speed (the policy's bands, then "not_contacted").
    #[getter]
    fn by_speed(&self) -> Vec<PyBand> {
        self.0.by_speed.iter().cloned().map(PyBand).collect()
    }
    /// Success by compensation level (none, up to each tier cap, above).
    #[getter]
    fn by_compensation(&self) -> Vec<PyBand> {
        self.0.by_compensation.iter().cloned().map(PyBand).collect()
    }
    /// Success by channel of the first contact (phone, visit, message).
    #[getter]
    fn by_channel(&self) -> Vec<PyBand> {
        self.0.by_channel.iter().cloned().map(PyBand).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "RecoveryStats(low_scores={}, launched={}, responded_24h={}, recovered={}, converted={}, lost={})",
            self.0.low_scores, self.0.launched, self.0.responded_24h, self.0.recovered,
            self.0.converted, self.0.lost
        )
    }
}

/// Programme statistics per period and/or dealer.
#[pyclass(frozen, module = "nps", name = "RecoveryStatsTable")]
pub(crate) struct PyRecoveryStatsTable {
    rows: Vec<GroupStats>,
}

const COUNTS: [&str; 6] = [
    "low_scores",
    "launched",
    "responded_24h",
    "recovered",
    "converted",
    "lost",
];
const RATES: [&str; 5] = [
    "launch_rate",
    "response_24h_rate",
    "success_rate",
    "conversion_rate",
    "lost_rate",
];

fn counts(s: &RecoveryStats) -> [u64; 6] {
    [
        s.low_scores,
        s.launched,
        s.responded_24h,
        s.recovered,
        s.converted,
        s.lost,
    ]
}

fn rates(s: &RecoveryStats) -> [Rate; 5] {
    [
        s.launch_rate,
        s.response_24h_rate,
        s.success_rate,
        s.conversion_rate,
        s.lost_rate,
    ]
}

#[pymethods]
impl PyRecoveryStatsTable {
    fn __len__(&self) -> usize {
        self.rows.len()
    }

    /// Row `index` as (period, dealer, RecoveryStats).
    fn __getitem__(
        &self,
        index: isize,
    ) -> PyResult<(Option<String>, Option<String>, PyRecoveryStats)> {
        let n = self.rows.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if !(0..n).contains(&i) {
            return Err(PyIndexError::new_err("row index out of range"));
        }
        let r = &self.rows[i as usize];
        Ok((
            r.period.clone(),
            r.dealer.clone(),
            PyRecoveryStats(r.stats.clone()),
        ))
    }

    /// The table as a dict of equal-length lists: period, dealer, the six
    /// counts and the five rates' values (None = no data).
    #[allow(clippy::wrong_self_convention)] // Python methods take `&self`
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item(
            "period",
            self.rows
                .iter()
                .map(|r| r.period.clone())
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "dealer",
            self.rows
                .iter()
                .map(|r| r.dealer.clone())
                .collect::<Vec<_>>(),
        )?;
        for (i, name) in COUNTS.iter().enumerate() {
            d.set_item(
                name,
                self.rows
                    .iter()
                    .map(|r| counts(&r.stats)[i])
                    .collect::<Vec<_>>(),
            )?;
        }
        for (i, name) in RATES.iter().enumerate() {
            d.set_item(
                name,
                self.rows
                    .iter()
                    .map(|r| rates(&r.stats)[i].value)
                    .collect::<Vec<_>>(),
            )?;
        }
        Ok(d)
    }

    /// The table as a pandas DataFrame (nullable Float64 rates).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("nps._cases_frames")?
            .call_method1("stats_to_pandas", (self.to_dict(py)?,))
    }

    /// The table as a polars DataFrame (nulls where there is no data).
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("nps._cases_frames")?
            .call_method1("stats_to_polars", (self.to_dict(py)?,))
    }

    fn __repr__(&self) -> String {
        format!("<RecoveryStatsTable: {} rows>", self.rows.len())
    }
}

fn core_cases(cases: &Bound<'_, PyAny>) -> PyResult<Vec<Case>> {
    if cases.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err("`cases` must be a list of nps.Case"));
    }
    cases
        .try_iter()?
        .enumerate()
        .map(|(i, c)| {
            let c = c?;
            c.cast::<PyRecoveryCase>()
                .map(|c| c.borrow().c.clone())
                .map_err(|_| PyTypeError::new_err(format!("cases[{i}] must be an nps.Case")))
        })
        .collect()
}

/// Programme statistics (SPEC §4.5) of `cases` (a list of `nps.Case`):
/// one `RecoveryStats`, or with `period` ("day", "week", "month",
/// "quarter"; a case falls in the period of its opening instant in `tz`)
/// and/or `by="dealer"` a `RecoveryStatsTable`.
#[pyfunction]
#[pyo3(signature = (cases, *, policy = None, period = None, by = None, tz = "UTC", top_reasons = 5))]
pub(crate) fn recovery_stats(
    py: Python<'_>,
    cases: &Bound<'_, PyAny>,
    policy: Option<&Bound<'_, PyPolicy>>,
    period: Option<&str>,
    by: Option<&str>,
    tz: &str,
    top_reasons: usize,
) -> PyResult<Py<PyAny>> {
    let cases = core_cases(cases)?;
    let policy = policy_of(policy);
    let options = StatsOptions { top_reasons };
    let dealer = match by {
        None => false,
        Some("dealer") => true,
        Some(other) => {
            return Err(crate::errors::invalid_argument(
                "by",
                format!("unknown grouping `{other}` (expected \"dealer\" or None)"),
            ))
        }
    };
    let period = period.map(Period::from_name).transpose().py()?;
    let zone = parse_tz(tz).py()?;
    if period.is_none() && !dealer {
        let s = py.detach(|| core_stats(&cases, &policy, &options)).py()?;
        return Ok(Py::new(py, PyRecoveryStats(s))?.into_any());
    }
    let grouping = Grouping {
        dealer,
        period: period.map(|p| (p, zone)),
    };
    let rows = py
        .detach(|| recovery_stats_by(&cases, &policy, &options, &grouping))
        .py()?;
    Ok(Py::new(py, PyRecoveryStatsTable { rows })?.into_any())
}

/// An open case ranked by expected recovered value.
#[pyclass(frozen, module = "nps", name = "RankedCase")]
pub(crate) struct PyRanked(Ranked);

#[pymethods]
impl PyRanked {
    /// Position of the case in the input list.
    #[getter]
    fn index(&self) -> usize {
        self.0.index
    }
    /// Case id.
    #[getter]
    fn case_id(&self) -> &str {
        &self.0.case_id
    }
    /// Speed band (index into the policy's success_by_speed).
    #[getter]
    fn band(&self) -> usize {
        self.0.band
    }
    /// Its label ("<= 6h", ...).
    #[getter]
    fn band_label(&self) -> &str {
        &self.0.band_label
    }
    /// Success probability of the band.
    #[getter]
    fn probability(&self) -> f64 {
        self.0.probability
    }
    /// The customer value given.
    #[getter]
    fn value(&self) -> f64 {
        self.0.value
    }
    /// probability × value.
    #[getter]
    fn expected(&self) -> f64 {
        self.0.expected
    }

    fn __repr__(&self) -> String {
        format!(
            "RankedCase(case_id={}, band={}, probability={}, expected={})",
            repr_str(&self.0.case_id),
            repr_str(&self.0.band_label),
            self.0.probability,
            self.0.expected
        )
    }
}

/// Open cases ranked by expected recovered value (success probability of
/// the response-speed band × `values[i]`), descending, ties by case id.
/// `values` is a column (list, numpy, pandas, polars) of the same length.
#[pyfunction]
#[pyo3(signature = (cases, values, now, *, policy = None))]
pub(crate) fn rank_open_cases(
    py: Python<'_>,
    cases: &Bound<'_, PyAny>,
    values: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    policy: Option<&Bound<'_, PyPolicy>>,
) -> PyResult<Vec<PyRanked>> {
    let cases = core_cases(cases)?;
    let values = numbers(values, "values")?;
    let values = values.to_f64()?.into_owned();
    let now = seconds(now, "now")?;
    let policy = policy_of(policy);
    let ranked = py
        .detach(|| core_rank(&cases, &values, &policy, now))
        .py()?;
    Ok(ranked.into_iter().map(PyRanked).collect())
}
