//! `nps.Policy` (the recovery policy as data). Every rule is nps-core's:
//! this file converts Python values, maps errors and picks the zone results
//! are shown in. Submodules mirror `nps_core::policy`: `triage` (`nps.Triage`,
//! `nps.TriageTable`), `approval` (`nps.Approval`, `nps.CapCheck`),
//! `deadline` (case-clock status) and `warning` (early warnings during a visit).

pub(crate) mod approval;
pub(crate) mod deadline;
pub(crate) mod triage;
pub(crate) mod warning;

use crate::errors::Int;
use nps_core::policy::{Policy, PolicySpec, Progress, Response, Visit};
use nps_core::{Error, ScoreValue};
use numpy::prelude::*;
use numpy::{PyArray1, PyReadonlyArray1, PyUntypedArray};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBool, PyString, PyTuple, PyType, PyTzInfo};

use crate::calendar::PyCalendar;
use crate::column::{numbers, timestamps, Numbers, Visit as ColumnVisit};
use crate::errors::{invalid_argument, to_py, CoreResult};
use crate::group::{frame_column, is_frame};
use crate::instant::{instant, opt_seconds, seconds, utc, zone};
use crate::names::repr_str;
use crate::policy::deadline::PyCaseStatus;
use crate::policy::warning::PyVisitAssessment;
use crate::state;
use approval::PyApproval;
use triage::{PyTriage, PyTriageTable};

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
        crate::column::adapt::numbers(obj, name)?
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
///
/// >>> p = nps.Policy.default()
/// >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
/// >>> p.currency, t.tier
/// ('CNY', 'S')
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
    /// optional boolean flag columns. Or a DataFrame (pandas, polars,
    /// pyarrow Table) first, with `score=` and `time=` naming its score and
    /// submission-time columns and `high_value=` / `public_opinion_risk=`
    /// naming its flag columns; the table's score column is then named
    /// after the DataFrame's. Runs without the GIL.
    ///
    /// >>> import pandas as pd
    /// >>> df = pd.DataFrame({"nps": [2, 9], "at": [1749819600, 1749819600], "vip": [False, True]})
    /// >>> t = nps.Policy.default().triage_many(df, score="nps", time="at", high_value="vip")
    /// >>> list(t.to_pandas().columns[:3]), [x.alert for x in t]
    /// (['nps', 'alert', 'tier'], ['red', None])
    ///
    /// Without a `high_value` column, customer attributes decide it by the
    /// policy's high-value rule (`high_value` section; by default above
    /// 5,000 kWh a year or at least 6,600 CNY of service a year):
    /// `annual_kwh` and `annual_spend_minor` (columns, or names in the
    /// DataFrame form; NaN = not known).
    ///
    /// >>> t = nps.Policy.default().triage_many([6, 6], [1749819600] * 2, annual_kwh=[5200, 100])
    /// >>> [x.tier for x in t]
    /// ['A', 'B']
    #[pyo3(signature = (scores, submitted_at = None, *, score = None, time = None, high_value = None, public_opinion_risk = None, annual_kwh = None, annual_spend_minor = None))]
    #[allow(clippy::too_many_arguments)]
    fn triage_many(
        &self,
        py: Python<'_>,
        scores: &Bound<'_, PyAny>,
        submitted_at: Option<&Bound<'_, PyAny>>,
        score: Option<&str>,
        time: Option<&str>,
        high_value: Option<&Bound<'_, PyAny>>,
        public_opinion_risk: Option<&Bound<'_, PyAny>>,
        annual_kwh: Option<&Bound<'_, PyAny>>,
        annual_spend_minor: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTriageTable> {
        // The DataFrame form: columns by name.
        let frame = submitted_at.is_none() && is_frame(scores)?;
        let customers: (Option<Bound<'_, PyAny>>, Option<Bound<'_, PyAny>>);
        let (scores, submitted_at, high_value, public_opinion_risk, score_name) = if frame {
            let df = scores;
            let score = score.ok_or_else(|| {
                invalid_argument("score", "the DataFrame form needs score= (a column name)")
            })?;
            let time = time.ok_or_else(|| {
                invalid_argument("time", "the DataFrame form needs time= (a column name)")
            })?;
            let named = |c: Option<&Bound<'_, PyAny>>, arg: &'static str| {
                c.filter(|c| !c.is_none())
                    .map(|c| {
                        let name: String = c.extract().map_err(|_| {
                            invalid_argument(arg, "with a DataFrame, name its column (a str)")
                        })?;
                        frame_column(df, &name)
                    })
                    .transpose()
            };
            customers = (
                named(annual_kwh, "annual_kwh")?,
                named(annual_spend_minor, "annual_spend_minor")?,
            );
            (
                frame_column(df, score)?,
                frame_column(df, time)?,
                named(high_value, "high_value")?,
                named(public_opinion_risk, "public_opinion_risk")?,
                Some(score.to_owned()),
            )
        } else {
            if score.is_some() || time.is_some() {
                return Err(invalid_argument(
                    "score",
                    "score= and time= name the columns of a DataFrame passed first",
                ));
            }
            let at = submitted_at.ok_or_else(|| invalid_argument("submitted_at", "is required"))?;
            customers = (
                annual_kwh.filter(|c| !c.is_none()).cloned(),
                annual_spend_minor.filter(|c| !c.is_none()).cloned(),
            );
            (
                scores.clone(),
                at.clone(),
                high_value.cloned(),
                public_opinion_risk.cloned(),
                None,
            )
        };
        let (scores, submitted_at) = (&scores, &submitted_at);
        let (high_value, public_opinion_risk) = (high_value.as_ref(), public_opinion_risk.as_ref());
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
        // No high-value column: the policy's rule over the customers'
        // attributes, when given.
        let by_rule: Option<Vec<bool>> =
            match (&customers, high_value.is_some_and(|c| !c.is_none())) {
                ((None, None), _) | (_, true) => None,
                ((kwh, spend), false) => {
                    let col = |c: &Option<Bound<'_, PyAny>>,
                               name: &'static str|
                     -> PyResult<Option<Vec<f64>>> {
                        c.as_ref()
                            .map(|c| Ok(numbers(c, name)?.to_f64()?.into_owned()))
                            .transpose()
                    };
                    let kwh = col(kwh, "annual_kwh")?;
                    let spend = col(spend, "annual_spend_minor")?
                        .map(|s| nps_core::loyalty::minor_amounts(&s, "annual_spend_minor"))
                        .transpose()
                        .py()?;
                    Some(
                        self.p
                            .high_value_customers(kwh.as_deref(), spend.as_deref())
                            .py()?,
                    )
                }
            };
        let hv: &[bool] = by_rule.as_deref().unwrap_or(hv);
        let risk: &[bool] = risk
            .as_ref()
            .map(Flags::as_slice)
            .transpose()?
            .unwrap_or(&[]);
        let policy = &self.p;
        let table = py
            .detach(|| policy.triage_many(scores, ts, hv, risk))
            .py()?;
        Ok(PyTriageTable {
            table,
            currency: self.p.currency,
            tz: self.zone_for(py, None)?,
            score_name,
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
        let items = approval::items(items)?;
        let tier = tier
            .map(nps_core::policy::Tier::from_name)
            .transpose()
            .py()?;
        let rates = approval::rates(rates)?;
        let granted = approval::granted(granted, self.p.currency)?;
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
    #[pyo3(signature = (*, now, promised_at = None, progress_inquiries = Int(0), messages = None, ratings = None))]
    #[pyo3(
        text_signature = "(self, *, now, promised_at=None, progress_inquiries=0, messages=(), ratings=())"
    )]
    fn assess_visit(
        &self,
        now: &Bound<'_, PyAny>,
        promised_at: Option<&Bound<'_, PyAny>>,
        progress_inquiries: Int,
        messages: Option<&Bound<'_, PyAny>>,
        ratings: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyVisitAssessment> {
        let progress_inquiries = u32::try_from(progress_inquiries.0).map_err(|_| {
            invalid_argument(
                "progress_inquiries",
                format!("must be an integer >= 0, got {}", progress_inquiries.0),
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
                let v: i64 = match item.extract::<Int>() {
                    // Beyond i64: as wide as any other out-of-scale rating.
                    Ok(Int(v)) => v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
                    Err(_) => {
                        return Err(PyTypeError::new_err(format!(
                            "ratings[{index}] must be an int"
                        )))
                    }
                };
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

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().p)
    }

    /// The policy of a state written by pickling (`pickle.loads`); the
    /// state is validated as policy JSON is.
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyPolicy {
            p: state::load(state)?,
        })
    }
}
