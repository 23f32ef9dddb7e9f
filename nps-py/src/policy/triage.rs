//! `nps.Triage` and the vectorised `nps.TriageTable`: the triage of each
//! response (`nps_core::policy` triage). Conversion only.

use nps_core::money::Currency;
use nps_core::policy::{Triage, TriageTable, NO_DEADLINE, TRIAGE_CLASSES};
use numpy::prelude::*;
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple, PyTzInfo};

use crate::instant::{datetime, opt_datetime, utc};
use crate::money::PyMoney;
use crate::names::repr_str;

fn opt_str(s: &Option<String>) -> Option<&str> {
    s.as_deref()
}

/// The triage of one response: alert, tier, owner, deadlines, cap.
///
/// >>> p = nps.Policy.default()
/// >>> t = p.triage(2, 1749819600)  # a 2, submitted at 2025-06-13 13:00 UTC
/// >>> t.alert, t.tier, t.owner
/// ('red', 'S', 'service_manager')
/// >>> t.acknowledge_by.isoformat()  # two hours later
/// '2025-06-13T15:00:00+00:00'
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

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let tz = me.tz.bind(slf.py()).clone().into_any();
        crate::state::reduce_with(slf.as_any(), &me.t, vec![tz])
    }

    /// The triage of a state written by pickling (`pickle.loads`), shown
    /// in zone `tz`.
    #[staticmethod]
    fn _from_state(state: &[u8], tz: Bound<'_, PyTzInfo>) -> PyResult<Self> {
        Ok(PyTriage {
            t: crate::state::load(state)?,
            tz: tz.unbind(),
        })
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

/// A per-class string column: the code of each class into `categories`
/// (-1 = None), `categories` in first-seen order after the `fixed` ones.
fn class_codes<'a>(
    templates: &'a [Triage],
    value: impl Fn(&'a Triage) -> Option<&'a str>,
    fixed: &[&'a str],
) -> ([i8; TRIAGE_CLASSES], Vec<&'a str>) {
    let mut categories = fixed.to_vec();
    let mut codes = [-1i8; TRIAGE_CLASSES];
    for (c, t) in templates.iter().enumerate() {
        if let Some(v) = value(t) {
            let k = categories.iter().position(|x| *x == v).unwrap_or_else(|| {
                categories.push(v);
                categories.len() - 1
            });
            // At most 44 categories beyond the fixed ones: fits an i8.
            codes[c] = i8::try_from(k).unwrap_or(i8::MAX);
        }
    }
    (codes, categories)
}

/// `numpy.datetime64`'s NaT, the marker of a missing deadline (the core's
/// `NO_DEADLINE`).
const NAT: i64 = NO_DEADLINE;

/// A column of one value per row looked up by class.
fn per_row<T: Copy>(classes: &[u8], of_class: &[T; TRIAGE_CLASSES]) -> Vec<T> {
    classes.iter().map(|&c| of_class[usize::from(c)]).collect()
}

/// The columns of a triage table, built without the GIL from the class
/// column and the class templates (no `Triage` per row).
struct Columns<'a> {
    score: Vec<u8>,
    alert: (Vec<i8>, Vec<&'a str>),
    tier: (Vec<i8>, Vec<&'a str>),
    owner: (Vec<i8>, Vec<&'a str>),
    acknowledge_by: Vec<i64>,
    contact_by: Vec<i64>,
    cap_minor: Vec<i64>,
    cap_missing: Vec<bool>,
    currency: (Vec<i8>, Vec<&'a str>),
    escalate_immediately: Vec<bool>,
}

fn columns(table: &TriageTable, currency: Currency) -> Columns<'_> {
    let (templates, classes) = (table.templates(), table.classes());
    let coded = |value: fn(&Triage) -> Option<&str>, fixed: &[&'static str]| {
        let (codes, categories) = class_codes(templates, value, fixed);
        (per_row(classes, &codes), categories)
    };
    let by_class = |f: &dyn Fn(&Triage) -> i64| -> [i64; TRIAGE_CLASSES] {
        std::array::from_fn(|c| f(&templates[c]))
    };
    let flag = |f: &dyn Fn(&Triage) -> bool| -> [bool; TRIAGE_CLASSES] {
        std::array::from_fn(|c| f(&templates[c]))
    };
    Columns {
        score: classes.iter().map(|c| c >> 2).collect(),
        alert: coded(|t| t.alert.map(|a| a.name()), &["red", "yellow", "orange"]),
        tier: coded(|t| t.tier.map(|a| a.name()), &["S", "A", "B"]),
        owner: coded(|t| t.owner.as_deref(), &[]),
        acknowledge_by: table.acknowledge_by().to_vec(),
        contact_by: table.contact_by().to_vec(),
        cap_minor: per_row(
            classes,
            &by_class(&|t| t.compensation_cap.map_or(0, |m| m.minor)),
        ),
        cap_missing: per_row(classes, &flag(&|t| t.compensation_cap.is_none())),
        currency: coded(
            |t| t.compensation_cap.map(|m| m.currency.code()),
            &[currency.code()],
        ),
        escalate_immediately: per_row(classes, &flag(&|t| t.escalate_immediately)),
    }
}

/// Triage of many responses (`Policy.triage_many`): a table with
/// `to_dict()`, `to_pandas()` and `to_polars()`; `table[i]` is a `Triage`.
///
/// >>> tt = nps.Policy.default().triage_many([2, 9, 7], [1749819600] * 3)
/// >>> len(tt), [t.alert for t in tt]
/// (3, ['red', None, 'orange'])
#[pyclass(frozen, sequence, module = "nps", name = "TriageTable")]
pub(crate) struct PyTriageTable {
    pub(crate) table: TriageTable,
    pub(crate) currency: Currency,
    /// Zone of the `Triage` rows (the calendar's, else UTC).
    pub(crate) tz: Py<PyTzInfo>,
    /// The name of the score column of a DataFrame triaged, else None
    /// ("score").
    pub(crate) score_name: Option<String>,
}

/// What a pickled `TriageTable` holds (its zone is pickled beside it).
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedTriageTable {
    table: TriageTable,
    currency: Currency,
    score_name: Option<String>,
}

impl nps_core::state::Saved for SavedTriageTable {
    const KIND: &'static str = "TriageTable";
    /// The table is a valid triage table (nps-core's check of a saved
    /// `TriageTable`).
    fn check(&self) -> nps_core::Result<()> {
        nps_core::state::Saved::check(&self.table)
    }
}

#[pymethods]
impl PyTriageTable {
    /// The name of the score column (`score`, or the DataFrame's column
    /// triaged).
    #[getter]
    fn _score_name(&self) -> &str {
        self.score_name.as_deref().unwrap_or("score")
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedTriageTable {
            table: me.table.clone(),
            currency: me.currency,
            score_name: me.score_name.clone(),
        };
        let tz = me.tz.bind(slf.py()).clone().into_any();
        crate::state::reduce_with(slf.as_any(), &saved, vec![tz])
    }

    /// The table of a state written by pickling (`pickle.loads`), its rows
    /// shown in zone `tz`.
    #[staticmethod]
    fn _from_state(state: &[u8], tz: Bound<'_, PyTzInfo>) -> PyResult<Self> {
        let s: SavedTriageTable = crate::state::load(state)?;
        Ok(PyTriageTable {
            table: s.table,
            currency: s.currency,
            tz: tz.unbind(),
            score_name: s.score_name,
        })
    }

    /// The columns as numpy arrays (no Python object per row), for the
    /// DataFrames `nps._policy` builds: strings as `(codes, categories)`,
    /// deadlines as int64 Unix seconds (int64 minimum = none), the cap as
    /// `(values, missing)`.
    fn _arrays<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let (table, currency) = (&self.table, self.currency);
        let c = py.detach(|| columns(table, currency));
        let d = PyDict::new(py);
        let code = |(codes, cats): (Vec<i8>, Vec<&str>)| -> PyResult<Bound<'py, PyTuple>> {
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

    fn __len__(&self) -> usize {
        self.table.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: isize) -> PyResult<PyTriage> {
        let n = self.table.len() as isize;
        let i = if index < 0 { index + n } else { index };
        let t = usize::try_from(i)
            .ok()
            .and_then(|i| self.table.get(i))
            .ok_or_else(|| PyIndexError::new_err("triage index out of range"))?;
        Ok(PyTriage {
            t,
            tz: self.tz.clone_ref(py),
        })
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let rows = me
            .table
            .iter()
            .map(|t| PyTriage {
                t,
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
        let (templates, classes) = (self.table.templates(), self.table.classes());
        let of = |c: &u8| &templates[usize::from(*c)];
        let times = |col: &[i64]| -> PyResult<Vec<Option<Bound<'py, PyAny>>>> {
            col.iter()
                .map(|&t| opt_datetime(py, (t != NAT).then_some(t), &tz))
                .collect()
        };
        let d = PyDict::new(py);
        // u16, not u8: a Vec<u8> would become `bytes`.
        d.set_item(
            self._score_name(),
            classes
                .iter()
                .map(|c| u16::from(c >> 2))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "alert",
            classes
                .iter()
                .map(|c| of(c).alert.map(|a| a.name()))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "tier",
            classes
                .iter()
                .map(|c| of(c).tier.map(|a| a.name()))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "owner",
            classes
                .iter()
                .map(|c| of(c).owner.as_deref())
                .collect::<Vec<_>>(),
        )?;
        d.set_item("acknowledge_by", times(self.table.acknowledge_by())?)?;
        d.set_item("contact_by", times(self.table.contact_by())?)?;
        d.set_item(
            "compensation_cap_minor",
            classes
                .iter()
                .map(|c| of(c).compensation_cap.map(|m| m.minor))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "currency",
            classes
                .iter()
                .map(|c| of(c).compensation_cap.map(|m| m.currency.code()))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "escalate_immediately",
            classes
                .iter()
                .map(|c| of(c).escalate_immediately)
                .collect::<Vec<_>>(),
        )?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!("<TriageTable: {} rows>", self.table.len())
    }
}
