//! `nps.Policy` (the recovery policy as data), `nps.Triage` and the
//! vectorised `nps.TriageTable`. Every rule is nps-core's: this file converts
//! Python values, maps errors and picks the zone results are shown in.

use nps_core::money::Currency;
use nps_core::policy::{Policy, PolicySpec, Progress, Response, Triage, Visit};
use nps_core::{Error, ScoreValue};
use numpy::prelude::*;
use numpy::{PyArray1, PyReadonlyArray1, PyUntypedArray};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBool, PyDict, PyList, PyString, PyTuple, PyType, PyTzInfo};

use crate::approval::PyApproval;
use crate::calendar::PyCalendar;
use crate::case::{PyCaseStatus, PyVisitAssessment};
use crate::column::{numbers, timestamps, Numbers, Visit as ColumnVisit};
use crate::errors::{invalid_argument, to_py, CoreResult};
use crate::instant::{datetime, instant, opt_datetime, opt_seconds, seconds, utc, zone};
use crate::money::PyMoney;
use crate::tally::repr_str;

/// One score from Python (an int, or a float holding an integer).
fn score_u8(v: &Bound<'_, PyAny>) -> PyResult<u8> {
    let bad = |value: f64| {
        to_py(Error::InvalidScore {
            index: 0,
            value,
            min: 0,
            max: 10,
        })
    };
    if v.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err("a score must be a number, got bool"));
    }
    if let Ok(i) = v.extract::<i64>() {
        return i.to_score().ok_or_else(|| bad(i as f64));
    }
    match v.extract::<f64>() {
        Ok(f) => f.to_score().ok_or_else(|| bad(f)),
        Err(_) => Err(PyTypeError::new_err(format!(
            "a score must be a number, got {}",
            v.get_type().name()?
        ))),
    }
}

/// Scores of any numeric column as `u8`; the first invalid row is
/// `InvalidScoreError` with its index (as nps-core reports it).
fn scores_u8<T: ScoreValue>(values: &[T]) -> nps_core::Result<Vec<u8>> {
    values
        .iter()
        .enumerate()
        .map(|(index, v)| {
            v.to_score().ok_or(Error::InvalidScore {
                index,
                value: v.to_report(),
                min: 0,
                max: 10,
            })
        })
        .collect()
}

struct ToScores<'py> {
    py: Python<'py>,
}

impl ColumnVisit for ToScores<'_> {
    type Out = PyResult<Vec<u8>>;
    fn visit<T: ScoreValue>(self, values: &[T]) -> PyResult<Vec<u8>> {
        self.py.detach(|| scores_u8(values)).py()
    }
}

/// A boolean column: numpy bool arrays are borrowed; other columns (pandas,
/// polars, lists, 0/1 integers) are converted, a missing value is an error.
enum Flags<'py> {
    Borrowed(PyReadonlyArray1<'py, bool>),
    Owned(Vec<bool>),
}

impl Flags<'_> {
    fn as_slice(&self) -> PyResult<&[bool]> {
        Ok(match self {
            Flags::Borrowed(a) => a.as_slice()?,
            Flags::Owned(v) => v,
        })
    }
}

struct ToFlags {
    name: &'static str,
}

impl ColumnVisit for ToFlags {
    type Out = PyResult<Vec<bool>>;
    fn visit<T: ScoreValue>(self, values: &[T]) -> PyResult<Vec<bool>> {
        values
            .iter()
            .enumerate()
            .map(|(row, v)| match v.to_int() {
                Some(0) => Ok(false),
                Some(1) => Ok(true),
                _ => Err(invalid_argument(
                    self.name,
                    format!(
                        "row {row} holds {} (expected True / False; None and NaN are missing values)",
                        v.to_report()
                    ),
                )),
            })
            .collect()
    }
}

fn flags<'py>(obj: &Bound<'py, PyAny>, name: &'static str) -> PyResult<Flags<'py>> {
    let py = obj.py();
    let arr = if obj.is_exact_instance_of::<PyUntypedArray>() {
        obj.clone()
    } else {
        py.import("nps._columns")?
            .getattr("numbers")?
            .call1((obj, name))?
    };
    // A view when the array already is contiguous.
    let arr = py
        .import("numpy")?
        .getattr("ascontiguousarray")?
        .call1((arr,))?;
    if let Ok(a) = arr.cast::<PyArray1<bool>>() {
        return Ok(Flags::Borrowed(a.try_readonly()?));
    }
    Ok(Flags::Owned(numbers(&arr, name)?.visit(ToFlags { name })??))
}

/// The recovery policy: alert levels, detractor tiers, the compensation
/// authority ladder and caps, the business calendar, early-warning rules,
/// driver weights, KPI benchmarks and recovery targets.
#[pyclass(frozen, eq, from_py_object, module = "nps", name = "Policy")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyPolicy {
    pub(crate) p: Policy,
}

impl PyPolicy {
    /// The zone results are shown in: the calendar's when the policy has one,
    /// else `given` (the tzinfo of the input), else UTC.
    fn zone_for(
        &self,
        py: Python<'_>,
        given: Option<Bound<'_, PyTzInfo>>,
    ) -> PyResult<Py<PyTzInfo>> {
        match (&self.p.calendar, given) {
            (Some(c), _) => zone(py, &c.spec().tz),
            (None, Some(tz)) => Ok(tz.unbind()),
            (None, None) => utc(py),
        }
    }
}

#[pymethods]
impl PyPolicy {
    /// The default policy (SPEC §4: CNY, wall-clock deadlines, no calendar).
    #[staticmethod]
    fn default() -> PyPolicy {
        PyPolicy {
            p: Policy::default(),
        }
    }

    /// Loads and validates policy JSON; `InvalidPolicyError.problems` lists
    /// every problem with its JSON path.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Self> {
        Ok(PyPolicy {
            p: Policy::from_json(text).py()?,
        })
    }

    /// The policy as JSON (loads back to an equal policy).
    #[allow(clippy::wrong_self_convention)] // Python methods take `&self`
    fn to_json(&self) -> String {
        self.p.to_json()
    }

    /// The JSON Schema of policy documents, every field documented.
    #[staticmethod]
    fn json_schema() -> String {
        Policy::json_schema()
    }

    /// ISO 4217 code of every cap and limit.
    #[getter]
    fn currency(&self) -> &'static str {
        self.p.currency.code()
    }

    /// The business calendar, or None.
    #[getter]
    fn calendar(&self) -> Option<PyCalendar> {
        self.p.calendar.clone().map(|cal| PyCalendar { cal })
    }

    /// The roles of the authority ladder, lowest first.
    #[getter]
    fn roles(&self) -> Vec<String> {
        self.p
            .authority
            .ladder
            .iter()
            .map(|r| r.role.clone())
            .collect()
    }

    /// Triage of one response. `submitted_at` is a timezone-aware datetime
    /// or Unix seconds; the deadlines come back in the calendar's zone (or
    /// the zone of `submitted_at` without a calendar; UTC for seconds).
    #[pyo3(signature = (score, submitted_at, *, high_value = false, public_opinion_risk = false))]
    fn triage(
        &self,
        py: Python<'_>,
        score: &Bound<'_, PyAny>,
        submitted_at: &Bound<'_, PyAny>,
        high_value: bool,
        public_opinion_risk: bool,
    ) -> PyResult<PyTriage> {
        let score = score_u8(score)?;
        let (ts, given) = instant(submitted_at, "submitted_at")?;
        let t = self
            .p
            .triage(&Response {
                score,
                submitted_at: ts,
                high_value,
                public_opinion_risk,
            })
            .py()?;
        Ok(PyTriage {
            t,
            tz: self.zone_for(py, given)?,
        })
    }

    /// Triage of columns: `scores` (any numeric dtype), `submitted_at`
    /// (int64 Unix seconds, datetime64, tz-aware pandas / polars datetimes),
    /// optional boolean flag columns. Runs without the GIL.
    #[pyo3(signature = (scores, submitted_at, *, high_value = None, public_opinion_risk = None))]
    fn triage_many(
        &self,
        py: Python<'_>,
        scores: &Bound<'_, PyAny>,
        submitted_at: &Bound<'_, PyAny>,
        high_value: Option<&Bound<'_, PyAny>>,
        public_opinion_risk: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTriageTable> {
        let scores = numbers(scores, "scores")?;
        let owned;
        let scores: &[u8] = match &scores {
            Numbers::U8(a) => a.as_slice()?,
            other => {
                owned = other.visit(ToScores { py })??;
                &owned
            }
        };
        let ts = timestamps(submitted_at)?;
        let ts = ts.as_slice()?;
        let hv = high_value
            .filter(|c| !c.is_none())
            .map(|c| flags(c, "high_value"))
            .transpose()?;
        let risk = public_opinion_risk
            .filter(|c| !c.is_none())
            .map(|c| flags(c, "public_opinion_risk"))
            .transpose()?;
        let hv: &[bool] = hv.as_ref().map(Flags::as_slice).transpose()?.unwrap_or(&[]);
        let risk: &[bool] = risk
            .as_ref()
            .map(Flags::as_slice)
            .transpose()?
            .unwrap_or(&[]);
        let policy = &self.p;
        let rows = py
            .detach(|| policy.triage_many(scores, ts, hv, risk))
            .py()?;
        Ok(PyTriageTable {
            rows,
            currency: self.p.currency,
            tz: self.zone_for(py, None)?,
        })
    }

    /// Who must approve a compensation package for a case of `tier`
    /// ("S", "A", "B" or None). `items` are `Item`s or `(value_minor,
    /// currency, layer)` tuples; `rates` are `(from, to, "7.1234")` exchange
    /// rates; `granted` maps "case", "customer", "vehicle" to amounts
    /// already granted (ints in the policy currency, or `Money`).
    #[pyo3(signature = (items, *, tier, rates = None, granted = None))]
    fn required_approver(
        &self,
        items: &Bound<'_, PyAny>,
        tier: Option<&str>,
        rates: Option<&Bound<'_, PyAny>>,
        granted: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyApproval> {
        let items = crate::approval::items(items)?;
        let tier = tier
            .map(nps_core::policy::Tier::from_name)
            .transpose()
            .py()?;
        let rates = crate::approval::rates(rates)?;
        let granted = crate::approval::granted(granted, self.p.currency)?;
        Ok(PyApproval {
            a: self
                .p
                .required_approver(&items, tier, &rates, &granted)
                .py()?,
        })
    }

    /// Deadline states, events (with stable keys) and `next_fire_at` of a
    /// triaged case at `now`, given when it was acknowledged / contacted.
    #[pyo3(signature = (triage, now, *, acknowledged_at = None, contacted_at = None, case_id = "case"))]
    fn case_status(
        &self,
        py: Python<'_>,
        triage: &Bound<'_, PyTriage>,
        now: &Bound<'_, PyAny>,
        acknowledged_at: Option<&Bound<'_, PyAny>>,
        contacted_at: Option<&Bound<'_, PyAny>>,
        case_id: &str,
    ) -> PyResult<PyCaseStatus> {
        let t = triage.get();
        let progress = Progress {
            acknowledged_at: opt_seconds(acknowledged_at, "acknowledged_at")?,
            contacted_at: opt_seconds(contacted_at, "contacted_at")?,
        };
        let now = seconds(now, "now")?;
        Ok(PyCaseStatus {
            s: self.p.case_status(&t.t, &progress, now, case_id).py()?,
            tz: t.tz.clone_ref(py),
        })
    }

    /// Early warnings during a visit: waiting past the promised time,
    /// progress inquiries, angry wording in `messages`, consecutive low
    /// on-site `ratings` (1..=5 stars by default).
    #[pyo3(signature = (*, now, promised_at = None, progress_inquiries = 0, messages = None, ratings = None))]
    #[pyo3(
        text_signature = "(self, *, now, promised_at=None, progress_inquiries=0, messages=(), ratings=())"
    )]
    fn assess_visit(
        &self,
        now: &Bound<'_, PyAny>,
        promised_at: Option<&Bound<'_, PyAny>>,
        progress_inquiries: i128,
        messages: Option<&Bound<'_, PyAny>>,
        ratings: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyVisitAssessment> {
        let progress_inquiries = u32::try_from(progress_inquiries).map_err(|_| {
            invalid_argument(
                "progress_inquiries",
                format!("must be an integer >= 0, got {progress_inquiries}"),
            )
        })?;
        let mut texts: Vec<PyBackedStr> = Vec::new();
        if let Some(m) = messages.filter(|m| !m.is_none()) {
            if m.is_instance_of::<PyString>() {
                return Err(PyTypeError::new_err(
                    "`messages` must be a sequence of strings, not one string",
                ));
            }
            for (i, item) in m.try_iter()?.enumerate() {
                let item = item?;
                let s = item
                    .cast::<PyString>()
                    .map_err(|_| PyTypeError::new_err(format!("messages[{i}] must be a str")))?;
                texts.push(s.clone().try_into()?);
            }
        }
        let texts: Vec<&str> = texts.iter().map(|s| &**s).collect();
        let mut stars: Vec<u8> = Vec::new();
        if let Some(r) = ratings.filter(|r| !r.is_none()) {
            let max = i64::from(self.p.early_warnings.rating_scale_max);
            for (index, item) in r.try_iter()?.enumerate() {
                let item = item?;
                if item.is_instance_of::<PyBool>() {
                    return Err(PyTypeError::new_err(format!(
                        "ratings[{index}] must be an int, got bool"
                    )));
                }
                let v: i64 = item.extract().map_err(|_| {
                    PyTypeError::new_err(format!("ratings[{index}] must be an int"))
                })?;
                // Wider than a star rating: outside every scale nps-core accepts.
                let star = u8::try_from(v).map_err(|_| {
                    to_py(Error::InvalidScore {
                        index,
                        value: v as f64,
                        min: 1,
                        max,
                    })
                })?;
                stars.push(star);
            }
        }
        let visit = Visit {
            promised_at: opt_seconds(promised_at, "promised_at")?,
            now: seconds(now, "now")?,
            progress_inquiries,
            messages: &texts,
            ratings: &stars,
        };
        Ok(PyVisitAssessment {
            a: self.p.assess_visit(&visit).py()?,
        })
    }

    fn __repr__(&self) -> String {
        if self.p == Policy::default() {
            return "Policy.default()".into();
        }
        // Plain data: serializing cannot fail.
        let json = serde_json::to_string(&PolicySpec::from(self.p.clone())).unwrap_or_default();
        format!("Policy.from_json({})", repr_str(&json))
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<PyPolicy>().getattr("from_json")?;
        Ok((from_json, (self.p.to_json(),)))
    }
}

fn opt_str(s: &Option<String>) -> Option<&str> {
    s.as_deref()
}

/// The triage of one response: alert, tier, owner, deadlines, cap.
#[pyclass(frozen, eq, module = "nps", name = "Triage")]
pub(crate) struct PyTriage {
    pub(crate) t: Triage,
    /// The zone deadlines are shown in.
    pub(crate) tz: Py<PyTzInfo>,
}

/// Equal when the triages are; the display zone does not matter.
impl PartialEq for PyTriage {
    fn eq(&self, other: &Self) -> bool {
        self.t == other.t
    }
}

#[pymethods]
impl PyTriage {
    /// The score triaged.
    #[getter]
    fn score(&self) -> u8 {
        self.t.response.score
    }

    /// When the response was submitted.
    #[getter]
    fn submitted_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        datetime(py, self.t.response.submitted_at, &self.tz)
    }

    /// The high-value flag of the response.
    #[getter]
    fn high_value(&self) -> bool {
        self.t.response.high_value
    }

    /// The public-opinion-risk flag of the response.
    #[getter]
    fn public_opinion_risk(&self) -> bool {
        self.t.response.public_opinion_risk
    }

    /// "detractor", "passive" or "promoter".
    #[getter]
    fn category(&self) -> &'static str {
        self.t.category.name()
    }

    /// "red", "yellow", "orange" or None.
    #[getter]
    fn alert(&self) -> Option<&'static str> {
        self.t.alert.map(|a| a.name())
    }

    /// "S", "A", "B" or None (passives and promoters).
    #[getter]
    fn tier(&self) -> Option<&'static str> {
        self.t.tier.map(|t| t.name())
    }

    /// The role owning the case, or None.
    #[getter]
    fn owner(&self) -> Option<&str> {
        opt_str(&self.t.owner)
    }

    /// Roles notified by the alert.
    #[getter]
    fn notify(&self) -> Vec<String> {
        self.t.notify.clone()
    }

    /// Acknowledge-by deadline of the alert (for orange: the follow-up), or None.
    #[getter]
    fn acknowledge_by<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_datetime(py, self.t.acknowledge_by, &self.tz)
    }

    /// Contact-by deadline of the tier, or None.
    #[getter]
    fn contact_by<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_datetime(py, self.t.contact_by, &self.tz)
    }

    /// The tier's compensation cap, or None.
    #[getter]
    fn compensation_cap(&self) -> Option<PyMoney> {
        self.t.compensation_cap.map(PyMoney)
    }

    /// Whether to escalate at once (public-opinion risk).
    #[getter]
    fn escalate_immediately(&self) -> bool {
        self.t.escalate_immediately
    }

    /// Role escalated to (at once, or when the alert is not acknowledged in time).
    #[getter]
    fn escalate_to(&self) -> Option<&str> {
        opt_str(&self.t.escalate_to)
    }

    /// Case marking ("urgent", "important") or None.
    #[getter]
    fn mark(&self) -> Option<&str> {
        opt_str(&self.t.mark)
    }

    /// Rebuilds a triage from its pickled state.
    #[classmethod]
    fn _from_state(
        _cls: &Bound<'_, PyType>,
        json: &str,
        tz: Bound<'_, PyTzInfo>,
    ) -> PyResult<Self> {
        let t: Triage = serde_json::from_str(json)
            .map_err(|e| invalid_argument("json", format!("not a serialized Triage: {e}")))?;
        Ok(PyTriage { t, tz: tz.unbind() })
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (String, Py<PyTzInfo>))> {
        let json = serde_json::to_string(&self.t)
            .map_err(|e| invalid_argument("triage", e.to_string()))?;
        Ok((
            py.get_type::<PyTriage>().getattr("_from_state")?,
            (json, self.tz.clone_ref(py)),
        ))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let s = |v: Option<&str>| v.map_or("None".into(), repr_str);
        let dt = |v: Option<Bound<'_, PyAny>>| -> PyResult<String> {
            Ok(match v {
                Some(d) => d.repr()?.to_string(),
                None => "None".into(),
            })
        };
        Ok(format!(
            "Triage(score={}, category={}, alert={}, tier={}, owner={}, acknowledge_by={}, contact_by={}, compensation_cap={}, escalate_immediately={}, escalate_to={})",
            self.t.response.score,
            repr_str(self.t.category.name()),
            s(self.alert()),
            s(self.tier()),
            s(self.owner()),
            dt(self.acknowledge_by(py)?)?,
            dt(self.contact_by(py)?)?,
            self.compensation_cap()
                .map_or("None".into(), |m| m.__repr__()),
            if self.t.escalate_immediately { "True" } else { "False" },
            s(self.escalate_to()),
        ))
    }
}

/// Codes of a string column: `codes[row]` indexes `categories`, -1 = None.
fn coded<'a>(
    values: impl Iterator<Item = Option<&'a str>>,
    categories: &mut Vec<&'a str>,
) -> Vec<i32> {
    values
        .map(|v| match v {
            None => -1,
            Some(s) => match categories.iter().position(|c| *c == s) {
                Some(i) => i as i32,
                None => {
                    categories.push(s);
                    (categories.len() - 1) as i32
                }
            },
        })
        .collect()
}

/// `numpy.datetime64`'s NaT, the marker of a missing deadline.
const NAT: i64 = i64::MIN;

/// The columns of a triage table, built without the GIL.
struct Columns<'a> {
    score: Vec<u8>,
    alert: (Vec<i32>, Vec<&'a str>),
    tier: (Vec<i32>, Vec<&'a str>),
    owner: (Vec<i32>, Vec<&'a str>),
    acknowledge_by: Vec<i64>,
    contact_by: Vec<i64>,
    cap_minor: Vec<i64>,
    cap_missing: Vec<bool>,
    currency: (Vec<i32>, Vec<&'a str>),
    escalate_immediately: Vec<bool>,
}

fn columns<'a>(rows: &'a [Triage], currency: Currency) -> Columns<'a> {
    let mut alert = vec!["red", "yellow", "orange"];
    let mut tier = vec!["S", "A", "B"];
    let mut owner = Vec::new();
    let mut cur = vec![currency.code()];
    Columns {
        score: rows.iter().map(|t| t.response.score).collect(),
        alert: (
            coded(rows.iter().map(|t| t.alert.map(|a| a.name())), &mut alert),
            alert,
        ),
        tier: (
            coded(rows.iter().map(|t| t.tier.map(|a| a.name())), &mut tier),
            tier,
        ),
        owner: (
            coded(rows.iter().map(|t| t.owner.as_deref()), &mut owner),
            owner,
        ),
        acknowledge_by: rows
            .iter()
            .map(|t| t.acknowledge_by.unwrap_or(NAT))
            .collect(),
        contact_by: rows.iter().map(|t| t.contact_by.unwrap_or(NAT)).collect(),
        cap_minor: rows
            .iter()
            .map(|t| t.compensation_cap.map_or(0, |m| m.minor))
            .collect(),
        cap_missing: rows.iter().map(|t| t.compensation_cap.is_none()).collect(),
        currency: (
            coded(
                rows.iter()
                    .map(|t| t.compensation_cap.map(|m| m.currency.code())),
                &mut cur,
            ),
            cur,
        ),
        escalate_immediately: rows.iter().map(|t| t.escalate_immediately).collect(),
    }
}

/// Triage of many responses (`Policy.triage_many`): a table with
/// `to_dict()`, `to_pandas()` and `to_polars()`; `table[i]` is a `Triage`.
#[pyclass(frozen, sequence, module = "nps", name = "TriageTable")]
pub(crate) struct PyTriageTable {
    rows: Vec<Triage>,
    currency: Currency,
    /// Zone of the `Triage` rows (the calendar's, else UTC).
    tz: Py<PyTzInfo>,
}

impl PyTriageTable {
    fn arrays<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let (rows, currency) = (&self.rows, self.currency);
        let c = py.detach(|| columns(rows, currency));
        let d = PyDict::new(py);
        let code = |(codes, cats): (Vec<i32>, Vec<&str>)| -> PyResult<Bound<'py, PyTuple>> {
            PyTuple::new(
                py,
                [
                    codes.into_pyarray(py).into_any(),
                    PyList::new(py, cats)?.into_any(),
                ],
            )
        };
        d.set_item("score", c.score.into_pyarray(py))?;
        d.set_item("alert", code(c.alert)?)?;
        d.set_item("tier", code(c.tier)?)?;
        d.set_item("owner", code(c.owner)?)?;
        d.set_item("acknowledge_by", c.acknowledge_by.into_pyarray(py))?;
        d.set_item("contact_by", c.contact_by.into_pyarray(py))?;
        d.set_item(
            "compensation_cap_minor",
            (c.cap_minor.into_pyarray(py), c.cap_missing.into_pyarray(py)),
        )?;
        d.set_item("currency", code(c.currency)?)?;
        d.set_item(
            "escalate_immediately",
            c.escalate_immediately.into_pyarray(py),
        )?;
        Ok(d)
    }

    fn frame<'py>(&self, py: Python<'py>, function: &str) -> PyResult<Bound<'py, PyAny>> {
        py.import("nps._policy_frames")?
            .getattr(function)?
            .call1((self.arrays(py)?,))
    }
}

#[pymethods]
impl PyTriageTable {
    fn __len__(&self) -> usize {
        self.rows.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: isize) -> PyResult<PyTriage> {
        let n = self.rows.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if !(0..n).contains(&i) {
            return Err(PyIndexError::new_err("triage index out of range"));
        }
        Ok(PyTriage {
            t: self.rows[i as usize].clone(),
            tz: self.tz.clone_ref(py),
        })
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let rows = me
            .rows
            .iter()
            .map(|t| PyTriage {
                t: t.clone(),
                tz: me.tz.clone_ref(py),
            })
            .collect::<Vec<_>>();
        PyList::new(py, rows)?.try_iter().map(|it| it.into_any())
    }

    /// The table as a dict of equal-length lists: score, alert, tier, owner,
    /// acknowledge_by, contact_by (aware UTC datetimes), compensation_cap_minor,
    /// currency, escalate_immediately; None where a row has no value.
    #[allow(clippy::wrong_self_convention)] // Python methods take `&self`
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let tz = utc(py)?;
        let rows = &self.rows;
        let times = |f: fn(&Triage) -> Option<i64>| -> PyResult<Vec<Option<Bound<'py, PyAny>>>> {
            rows.iter().map(|t| opt_datetime(py, f(t), &tz)).collect()
        };
        let d = PyDict::new(py);
        // u16, not u8: a Vec<u8> would become `bytes`.
        d.set_item(
            "score",
            rows.iter()
                .map(|t| u16::from(t.response.score))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "alert",
            rows.iter()
                .map(|t| t.alert.map(|a| a.name()))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "tier",
            rows.iter()
                .map(|t| t.tier.map(|a| a.name()))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "owner",
            rows.iter().map(|t| t.owner.as_deref()).collect::<Vec<_>>(),
        )?;
        d.set_item("acknowledge_by", times(|t| t.acknowledge_by)?)?;
        d.set_item("contact_by", times(|t| t.contact_by)?)?;
        d.set_item(
            "compensation_cap_minor",
            rows.iter()
                .map(|t| t.compensation_cap.map(|m| m.minor))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "currency",
            rows.iter()
                .map(|t| t.compensation_cap.map(|m| m.currency.code()))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "escalate_immediately",
            rows.iter()
                .map(|t| t.escalate_immediately)
                .collect::<Vec<_>>(),
        )?;
        Ok(d)
    }

    /// The table (columns of `to_dict`) as a pandas DataFrame: categorical
    /// strings, `datetime64[s, UTC]` deadlines (NaT when none), a nullable
    /// Int64 cap. pandas is imported only now.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "triage_to_pandas")
    }

    /// The table (columns of `to_dict`) as a polars DataFrame: Enum strings,
    /// `Datetime(time_zone="UTC")` deadlines, nulls where a row has no value.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "triage_to_polars")
    }

    fn __repr__(&self) -> String {
        format!("<TriageTable: {} rows>", self.rows.len())
    }
}
