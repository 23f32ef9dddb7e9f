//! `nps.group_by`, `nps.GroupResult`, `nps.Group`, `nps.track_goal`, `nps.GoalReport`.

use chrono::NaiveDate;
use nps_core::group::{
    group_by as core_group_by, GroupKey, GroupOptions, Grouped, Keys, Respondents,
};
use nps_core::period::Period;
use nps_core::{Error, IntervalMethod, InvalidPolicy, NpsSample, ScoreValue};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::column::{labels, numbers, IntLabels, Labels, Visit};
use crate::errors::{invalid_argument, to_py, CoreResult};
use crate::names::parse_name;
use crate::tally::PyTally;

pub(crate) fn key_to_py<'py>(py: Python<'py>, key: &GroupKey) -> PyResult<Bound<'py, PyAny>> {
    Ok(match key {
        GroupKey::All => py.None().into_bound(py),
        GroupKey::Int(k) => k.into_pyobject(py)?.into_any(),
        GroupKey::UInt(k) => k.into_pyobject(py)?.into_any(),
        GroupKey::Str(k) => k.into_pyobject(py)?.into_any(),
        GroupKey::Tuple(ks) => {
            let items = ks
                .iter()
                .map(|k| key_to_py(py, k))
                .collect::<PyResult<Vec<_>>>()?;
            pyo3::types::PyTuple::new(py, items)?.into_any()
        }
    })
}

/// One group of a `GroupResult`.
///
/// >>> g = nps.group_by(["a", "b", "a"], [10, 0, 9])[0]
/// >>> g.key, g.tally.n, g.thin  # thin: fewer than min_n = 30 responses
/// ('a', 2, True)
#[pyclass(frozen, module = "nps", name = "Group")]
pub(crate) struct PyGroup {
    key: Py<PyAny>,
    /// Period label ("2025-03", "2025-W09", "2025-Q1", "2025-03-14") or None.
    #[pyo3(get)]
    period: Option<String>,
    /// Local first day of the period (of the window's last period when rolling), or None.
    #[pyo3(get)]
    period_start: Option<NaiveDate>,
    /// The group's responses.
    #[pyo3(get)]
    tally: PyTally,
    /// True when n < min_n.
    #[pyo3(get)]
    thin: bool,
}

#[pymethods]
impl PyGroup {
    /// The key (int or str), or None when grouping without keys.
    #[getter]
    fn key(&self, py: Python<'_>) -> Py<PyAny> {
        self.key.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let period = match &self.period {
            Some(p) => format!("'{p}'"),
            None => "None".into(),
        };
        Ok(format!(
            "Group(key={}, period={period}, tally={}, thin={})",
            self.key.bind(py).repr()?,
            self.tally.__repr__()?,
            if self.thin { "True" } else { "False" }
        ))
    }
}

/// The result of `group_by`: groups sorted by key, then period.
///
/// >>> r = nps.group_by([1, 2, 1], [10, 0, 9])
/// >>> len(r), r.to_dict()["nps"]
/// (2, [100.0, -100.0])
#[pyclass(frozen, sequence, module = "nps", name = "GroupResult")]
pub(crate) struct PyGroupResult {
    grouped: Grouped,
}

impl PyGroupResult {
    fn group(&self, py: Python<'_>, i: usize) -> PyResult<PyGroup> {
        let g = &self.grouped.groups[i];
        Ok(PyGroup {
            key: key_to_py(py, &g.key)?.unbind(),
            period: g.period_start.map(|_| g.label(self.grouped.period)),
            period_start: g.period_start,
            tally: PyTally::plain(g.tally),
            thin: g.thin,
        })
    }
}

/// Score interval at 95 % of a group, None when it has no data.
fn stat_or_none(r: nps_core::Result<f64>) -> PyResult<Option<f64>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Error::NoData { .. }) => Ok(None),
        Err(e) => Err(to_py(e)),
    }
}

#[pymethods]
impl PyGroupResult {
    fn __len__(&self) -> usize {
        self.grouped.groups.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: isize) -> PyResult<PyGroup> {
        let n = self.grouped.groups.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if !(0..n).contains(&i) {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "group index out of range",
            ));
        }
        self.group(py, i as usize)
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let groups = (0..me.grouped.groups.len())
            .map(|i| me.group(py, i))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, groups)?.try_iter().map(|it| it.into_any())
    }

    /// Invalid scores skipped (invalid="skip").
    #[getter]
    fn skipped(&self) -> u64 {
        self.grouped.skipped
    }

    /// Rows dropped because the respondent answered again later.
    #[getter]
    fn dropped_repeats(&self) -> u64 {
        self.grouped.dropped_repeats
    }

    /// The period grouped by ("day", "week", "month", "quarter") or None.
    #[getter]
    fn period(&self) -> Option<&'static str> {
        self.grouped.period.map(Period::name)
    }

    /// The thin-sample threshold.
    #[getter]
    fn min_n(&self) -> u64 {
        self.grouped.min_n
    }

    /// Rolling window length in periods (1 without rolling).
    #[getter]
    fn window(&self) -> usize {
        self.grouped.window
    }

    /// Tallies by group: keyed by key, by period label, or by `(key, period)`
    /// when grouping by both (by None when grouping by neither).
    #[getter]
    fn tallies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for g in &self.grouped.groups {
            let key = key_to_py(py, &g.key)?;
            let label = g.period_start.map(|_| g.label(self.grouped.period));
            let k = match (&g.key, label) {
                (GroupKey::All, Some(l)) => l.into_pyobject(py)?.into_any(),
                (_, Some(l)) => {
                    PyTuple::new(py, [key, l.into_pyobject(py)?.into_any()])?.into_any()
                }
                (_, None) => key,
            };
            d.set_item(k, PyTally::plain(g.tally))?;
        }
        Ok(d)
    }

    /// All groups merged into one tally.
    fn total(&self) -> PyResult<PyTally> {
        Ok(PyTally::plain(self.grouped.total().py()?))
    }

    /// The table as a dict of equal-length lists: key, period, n, detractors,
    /// passives, promoters, nps, se, low, high (score interval, 95 %), thin.
    /// Statistics of a group without data are None.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let groups = &self.grouped.groups;
        let mut key = Vec::with_capacity(groups.len());
        let mut period = Vec::with_capacity(groups.len());
        let (mut n, mut det, mut pas, mut pro) = (vec![], vec![], vec![], vec![]);
        let (mut nps, mut se, mut low, mut high, mut thin) =
            (vec![], vec![], vec![], vec![], vec![]);
        for g in groups {
            key.push(key_to_py(py, &g.key)?);
            period.push(g.period_start.map(|_| g.label(self.grouped.period)));
            let c = g.tally.categories();
            n.push(g.tally.n());
            det.push(c.detractors);
            pas.push(c.passives);
            pro.push(c.promoters);
            nps.push(stat_or_none(g.tally.nps())?);
            se.push(stat_or_none(g.tally.se())?);
            let ci = match g.tally.interval(&IntervalMethod::Score, 0.95) {
                Ok(i) => Some(i),
                Err(Error::NoData { .. }) => None,
                Err(e) => return Err(to_py(e)),
            };
            low.push(ci.map(|i| i.low));
            high.push(ci.map(|i| i.high));
            thin.push(g.thin);
        }
        let d = PyDict::new(py);
        d.set_item("key", key)?;
        d.set_item("period", period)?;
        d.set_item("n", n)?;
        d.set_item("detractors", det)?;
        d.set_item("passives", pas)?;
        d.set_item("promoters", pro)?;
        d.set_item("nps", nps)?;
        d.set_item("se", se)?;
        d.set_item("low", low)?;
        d.set_item("high", high)?;
        d.set_item("thin", thin)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "<GroupResult: {} groups, period={}, min_n={}, window={}, skipped={}, dropped_repeats={}>",
            self.grouped.groups.len(),
            self.grouped.period.map_or("None".into(), |p| format!("'{}'", p.name())),
            self.grouped.min_n,
            self.grouped.window,
            self.grouped.skipped,
            self.grouped.dropped_repeats
        )
    }
}

struct GroupColumn<'a, 'b> {
    py: Python<'a>,
    opts: &'a GroupOptions<'b>,
    window: Option<usize>,
}

impl Visit for GroupColumn<'_, '_> {
    type Out = PyResult<Grouped>;
    fn visit<T: ScoreValue>(self, values: &[T]) -> PyResult<Grouped> {
        let (opts, window) = (self.opts, self.window);
        self.py
            .detach(|| {
                let g = core_group_by(values, opts)?;
                match window {
                    Some(w) => g.rolling(w),
                    None => Ok(g),
                }
            })
            .py()
    }
}

fn non_negative(name: &'static str, v: i128) -> PyResult<u64> {
    u64::try_from(v)
        .map_err(|_| invalid_argument(name, format!("must be an integer >= 0, got {v}")))
}

/// Groups a score column into tallies in one pass, by key and/or calendar
/// period, optionally keeping each respondent's latest response only.
///
/// >>> r = nps.group_by(["a", "b", "a"], [10, 0, 9])
/// >>> [(g.key, g.tally.nps) for g in r]
/// [('a', 100.0), ('b', -100.0)]
#[pyfunction]
#[pyo3(signature = (keys, scores, *, timestamps = None, period = None, tz = "UTC", respondents = None, min_n = 30, invalid = "raise", window = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn group_by(
    py: Python<'_>,
    keys: Option<&Bound<'_, PyAny>>,
    scores: &Bound<'_, PyAny>,
    timestamps: Option<&Bound<'_, PyAny>>,
    period: Option<&str>,
    tz: &str,
    respondents: Option<&Bound<'_, PyAny>>,
    min_n: i128,
    invalid: &str,
    window: Option<i128>,
) -> PyResult<PyGroupResult> {
    let min_n = non_negative("min_n", min_n)?;
    let window = window
        .map(|w| non_negative("window", w).map(|w| usize::try_from(w).unwrap_or(usize::MAX)))
        .transpose()?;
    let period = period.map(Period::from_name).transpose().py()?;
    let invalid: InvalidPolicy = parse_name("invalid", invalid)?;
    let scores = numbers(scores, "scores")?;
    let key_col: Option<Labels<'_>> = keys.map(|k| labels(k, "keys")).transpose()?;
    let ts_col = timestamps.map(crate::column::timestamps).transpose()?;
    let resp_col: Option<Labels<'_>> = respondents.map(|r| labels(r, "respondents")).transpose()?;

    let key_strs = key_col.as_ref().and_then(Labels::strs);
    let keys: Option<Keys<'_>> = match (&key_col, &key_strs) {
        (_, Some(s)) => Some(Keys::Str(s)),
        (Some(k), None) => match k.ints()? {
            Some(IntLabels::U32(v)) => Some(Keys::U32(v)),
            Some(IntLabels::U64(v)) => Some(Keys::U64(v)),
            Some(IntLabels::I64(v)) => Some(Keys::I64(v)),
            None => None,
        },
        (None, None) => None,
    };
    let resp_strs = resp_col.as_ref().and_then(Labels::strs);
    let resp_ints = match &resp_col {
        Some(r) => r.ints()?,
        None => None,
    };
    let resp_u64: Option<Vec<u64>> = match &resp_ints {
        Some(IntLabels::U32(v)) => Some(v.iter().map(|&x| u64::from(x)).collect()),
        _ => None,
    };
    let respondents: Option<Respondents<'_>> = match (&resp_strs, &resp_ints, &resp_u64) {
        (Some(s), _, _) => Some(Respondents::Str(s)),
        (_, _, Some(v)) => Some(Respondents::U64(v)),
        (_, Some(IntLabels::U64(v)), _) => Some(Respondents::U64(v)),
        (_, Some(IntLabels::I64(v)), _) => Some(Respondents::I64(v)),
        _ => None,
    };
    let ts = ts_col.as_ref().map(|t| t.as_slice()).transpose()?;
    let opts = GroupOptions {
        keys,
        timestamps: ts,
        period,
        tz: Some(tz),
        respondents,
        min_n,
        invalid,
    };
    let grouped = scores.visit(GroupColumn {
        py,
        opts: &opts,
        window,
    })??;
    Ok(PyGroupResult { grouped })
}
