//! `nps.group_by`, `nps.GroupResult`, `nps.Group`, `nps.track_goal`, `nps.GoalReport`.

use crate::errors::Int;
use chrono::NaiveDate;
use nps_core::group::{
    group_by as core_group_by, Dedupe, GroupKey, GroupOptions, Grouped, Keys, Missing, Respondents,
};
use nps_core::period::Period;
use nps_core::{IntervalKind, IntervalOptions};
use nps_core::{InvalidPolicy, ScoreValue};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::column::{
    labels, labels_or_missing, numbers, timestamps_or_missing, Categories, IntLabels, Labels, Visit,
};
use crate::errors::{invalid_argument, CoreResult};
use crate::names::parse_name;
use crate::state;
use crate::stats::interval::interval_options;
use crate::table;
use crate::tally::PyTally;

pub(crate) fn key_to_py<'py>(py: Python<'py>, key: &GroupKey) -> PyResult<Bound<'py, PyAny>> {
    Ok(match key {
        GroupKey::All | GroupKey::Null => py.None().into_bound(py),
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
    saved: SavedGroup,
    key: Py<PyAny>,
}

/// What a pickled `Group` holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedGroup {
    group: nps_core::group::Group,
    period: Option<Period>,
}

impl nps_core::state::Saved for SavedGroup {
    const KIND: &'static str = "Group";
    fn check(&self) -> nps_core::Result<()> {
        if self.group.period_start.is_some() != self.period.is_some() {
            return Err(nps_core::Error::InvalidArgument {
                name: "state",
                reason: "a period start is needed exactly with a period".into(),
            });
        }
        Ok(())
    }
}

impl PyGroup {
    fn new(
        py: Python<'_>,
        group: nps_core::group::Group,
        period: Option<Period>,
    ) -> PyResult<PyGroup> {
        Ok(PyGroup {
            key: key_to_py(py, &group.key)?.unbind(),
            saved: SavedGroup { group, period },
        })
    }
}

#[pymethods]
impl PyGroup {
    /// The key (int or str; a tuple for several key columns; None when
    /// grouping without keys or for a missing key kept with dropna=False).
    #[getter]
    fn key(&self, py: Python<'_>) -> Py<PyAny> {
        self.key.clone_ref(py)
    }

    /// Period label ("2025-03", "2025-W09", "2025-Q1", "2025-03-14") or None.
    #[getter]
    fn period(&self) -> Option<String> {
        let g = &self.saved.group;
        g.period_start.map(|_| g.label(self.saved.period))
    }

    /// Local first day of the period (of the window's last period when rolling), or None.
    #[getter]
    fn period_start(&self) -> Option<NaiveDate> {
        self.saved.group.period_start
    }

    /// The group's responses.
    #[getter]
    fn tally(&self) -> PyTally {
        PyTally::plain(self.saved.group.tally)
    }

    /// True when n < min_n.
    #[getter]
    fn thin(&self) -> bool {
        self.saved.group.thin
    }

    /// False for a rolling window that starts before the data's first
    /// period (fewer than `window` periods observed); True otherwise.
    #[getter]
    fn complete(&self) -> bool {
        self.saved.group.complete
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().saved)
    }

    /// The group of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(py: Python<'_>, state: &[u8]) -> PyResult<Self> {
        let s: SavedGroup = state::load(state)?;
        PyGroup::new(py, s.group, s.period)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyGroup>().is_ok_and(|o| {
            o.get().saved.group == self.saved.group && o.get().saved.period == self.saved.period
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let period = match self.period() {
            Some(p) => format!("'{p}'"),
            None => "None".into(),
        };
        let g = &self.saved.group;
        Ok(format!(
            "Group(key={}, period={period}, tally={}, thin={}{})",
            self.key.bind(py).repr()?,
            PyTally::plain(g.tally).__repr__()?,
            if g.thin { "True" } else { "False" },
            if g.complete { "" } else { ", complete=False" }
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
    /// The names of the key columns, when known (DataFrame columns, named Series).
    key_names: Vec<Option<String>>,
    /// The interval of the table's `low` / `high` unless `to_*` says otherwise.
    interval: IntervalOptions,
    /// The categories of categorical key columns, whose keys in `grouped`
    /// are codes (category order).
    categories: table::KeyCategories,
}

/// What a pickled `GroupResult` holds: the core result, the key names and
/// the categories of categorical key columns.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedGroupResult {
    grouped: Grouped,
    key_names: Vec<Option<String>>,
    interval: IntervalOptions,
    #[serde(default)]
    categories: Vec<Option<Categories>>,
}

impl nps_core::state::Saved for SavedGroupResult {
    const KIND: &'static str = "GroupResult";
    fn check(&self) -> nps_core::Result<()> {
        self.grouped.check()?;
        self.interval.validate().map(|_| ())
    }
}

impl PyGroupResult {
    fn saved(&self) -> SavedGroupResult {
        SavedGroupResult {
            grouped: self.grouped.clone(),
            key_names: self.key_names.clone(),
            interval: self.interval,
            categories: table::saved_categories(&self.categories),
        }
    }

    fn group(&self, py: Python<'_>, i: usize) -> PyResult<PyGroup> {
        let g = &self.grouped.groups[i];
        let group = nps_core::group::Group {
            key: table::relabel(&g.key, &self.categories),
            ..g.clone()
        };
        PyGroup::new(py, group, self.grouped.period)
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

    /// Rows skipped for a missing key (None / NaN / pd.NA / null;
    /// invalid="skip"). A row missing several values counts once, under the
    /// first of keys, timestamps, respondents, scores.
    #[getter]
    fn skipped_keys(&self) -> u64 {
        self.grouped.skipped_keys
    }

    /// Rows skipped for a missing timestamp (NaT / NaN / None / null;
    /// invalid="skip").
    #[getter]
    fn skipped_timestamps(&self) -> u64 {
        self.grouped.skipped_timestamps
    }

    /// Rows skipped for a missing respondent id (invalid="skip").
    #[getter]
    fn skipped_respondents(&self) -> u64 {
        self.grouped.skipped_respondents
    }

    /// Rows dropped because the respondent answered again later.
    #[getter]
    fn dropped_repeats(&self) -> u64 {
        self.grouped.dropped_repeats
    }

    /// The period grouped by ("day", "week", "month", "quarter", "year") or None.
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
            let key = key_to_py(py, &table::relabel(&g.key, &self.categories))?;
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

    /// The table as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
    /// `to_polars`, `to_dict`): key columns (named after the columns grouped
    /// by when known), `period` (the local first day), `n`, `detractors`,
    /// `passives`, `promoters`, `nps`, `se`, `low`, `high` (the interval of
    /// `interval` at `confidence`; options not given take nps-core's
    /// `IntervalOptions::default()`: the score interval at 95 %), `thin`.
    #[pyo3(signature = (interval = None, confidence = None, *, pseudo = None, clip = None, prior = None, credible = None))]
    #[allow(clippy::too_many_arguments)]
    fn _table<'py>(
        &self,
        py: Python<'py>,
        interval: Option<&str>,
        confidence: Option<f64>,
        pseudo: Option<crate::errors::Pseudo>,
        clip: Option<bool>,
        prior: Option<crate::errors::Prior>,
        credible: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        // Options not given here are those given to group_by (nps-core's
        // defaults unless it said otherwise).
        let base = self.interval;
        let o = IntervalOptions {
            method: interval
                .map_or(Ok(base.method), IntervalKind::from_name)
                .py()?,
            confidence: confidence.unwrap_or(base.confidence),
            pseudo: pseudo.map_or(base.pseudo, |p| p.0),
            clip: clip.unwrap_or(base.clip),
            prior: prior.map_or(base.prior, |p| p.0),
            credible: match credible {
                Some(c) => parse_name("credible", c)?,
                None => base.credible,
            },
        };
        let t = self.grouped.to_table(&o).py()?;
        let t = table::named(t, &self.key_names);
        table::columns_with(py, t, self.categories.clone())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().saved())
    }

    /// The result of this result's rows followed by `other`'s, exactly as
    /// `group_by` gives it on the concatenated input (nps-core
    /// `Grouped::merge`): equal groups add up, thin flags are set again.
    /// Partial results of any split merge in any order of pairs (Dask
    /// partitions, files of a month). With `respondent=`, both must be
    /// grouped with `mergeable=True`; a respondent who answered in both
    /// keeps the later answer (`other`'s on a tie). Also `self + other`,
    /// and `sum(parts)`.
    /// Interval options are this result's; key columns named differently in
    /// the two results are an `InvalidArgumentError` (argument `other`).
    ///
    /// Raises `InvalidArgumentError` (argument `other`) for results grouped
    /// with another period, time zone, `min_n` or `dedupe`, or rolling.
    ///
    /// >>> a = nps.group_by(["x", "y"], [10, 0])
    /// >>> b = nps.group_by(["x"], [9])
    /// >>> [(g.key, g.tally.n) for g in a + b]
    /// [('x', 2), ('y', 1)]
    fn merge(&self, other: &PyGroupResult) -> PyResult<PyGroupResult> {
        let key_names = crate::state::merge_names(&self.key_names, &other.key_names)?;
        let categories = table::merge_categories(&self.categories, &other.categories)?;
        Ok(PyGroupResult {
            grouped: self.grouped.merge(&other.grouped).py()?,
            key_names,
            interval: self.interval,
            categories,
        })
    }

    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.cast::<PyGroupResult>() {
            Ok(o) => Ok(self.merge(o.get())?.into_pyobject(py)?.into_any().unbind()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    /// `0 + result` is the result, so `sum(parts)` merges a list of parts.
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::state::radd(slf, other)
    }

    /// Rolling windows over the period groups: for each key and period, the
    /// merged tally of the last `window` periods (empty periods included);
    /// each group says whether its window is `complete` (no period before
    /// the data's first). Same as `group_by(..., window=window)`.
    ///
    /// >>> import datetime as dt
    /// >>> at = [dt.datetime(2025, m, 2, tzinfo=dt.timezone.utc) for m in (1, 2, 3)]
    /// >>> g = nps.group_by(None, [10, 0, 10], timestamps=at, period="month")
    /// >>> [(x.period, x.tally.n, x.complete) for x in g.rolling(2)]
    /// [('2025-01', 1, False), ('2025-02', 2, True), ('2025-03', 2, True)]
    fn rolling(&self, window: Int) -> PyResult<PyGroupResult> {
        let w = non_negative("window", window.0)?;
        Ok(PyGroupResult {
            grouped: self
                .grouped
                .rolling(usize::try_from(w).unwrap_or(usize::MAX))
                .py()?,
            key_names: self.key_names.clone(),
            interval: self.interval,
            categories: self.categories.clone(),
        })
    }

    /// The respondent rule ("global" or "per_key") when grouped with
    /// `respondent=`, else None.
    #[getter]
    fn dedupe(&self) -> Option<&'static str> {
        self.grouped.dedupe.map(Dedupe::name)
    }

    /// True when the result merges exactly with results of other rows:
    /// always without `respondent=`, else when grouped with
    /// `mergeable=True`; never for rolling results.
    #[getter]
    fn mergeable(&self) -> bool {
        self.grouped.window == 1 && (self.grouped.dedupe.is_none() || self.grouped.latest.is_some())
    }

    /// The IANA time zone of the periods, or None without a period.
    #[getter]
    fn tz(&self) -> Option<&str> {
        self.grouped.tz.as_deref()
    }

    /// The result of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedGroupResult = state::load(state)?;
        Ok(PyGroupResult {
            grouped: s.grouped,
            key_names: s.key_names,
            interval: s.interval,
            categories: table::loaded_categories(s.categories),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<GroupResult: {} groups, period={}, min_n={}, window={}, skipped={}, skipped_keys={}, skipped_timestamps={}, skipped_respondents={}, dropped_repeats={}>",
            self.grouped.groups.len(),
            self.grouped.period.map_or("None".into(), |p| format!("'{}'", p.name())),
            self.grouped.min_n,
            self.grouped.window,
            self.grouped.skipped,
            self.grouped.skipped_keys,
            self.grouped.skipped_timestamps,
            self.grouped.skipped_respondents,
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

/// One or several key columns (`by=` / `keys=`): a column, or a list of
/// columns (each a numpy array, Series, Arrow array or list), converted
/// once; each column has one type (a mix is an `InvalidArgumentError`).
pub(crate) struct KeyColumns<'py> {
    cols: Vec<Labels<'py>>,
    /// The caller's name of each column when known (DataFrame column names,
    /// the `name` of a pandas / polars Series).
    pub(crate) names: Vec<Option<String>>,
    multi: bool,
    /// Rows with a missing key in any column (`None` when none is, and
    /// always for the strict constructors, which raise instead).
    missing: Option<Vec<bool>>,
    /// The missing rows of each column (for `dropna=False`).
    col_missing: Vec<Option<Vec<bool>>>,
}

/// Labels of one key column, strict or with a mask of its missing rows.
fn key_labels<'py>(
    obj: &Bound<'py, PyAny>,
    arg: &'static str,
    masked: bool,
    missing: &mut Option<Vec<bool>>,
    col_missing: &mut Vec<Option<Vec<bool>>>,
) -> PyResult<Labels<'py>> {
    if !masked {
        col_missing.push(None);
        return labels(obj, arg);
    }
    let (l, m) = labels_or_missing(obj, arg)?;
    col_missing.push(m.clone());
    if let Some(m) = m {
        match missing {
            Some(acc) if acc.len() == m.len() => {
                acc.iter_mut().zip(&m).for_each(|(a, &b)| *a |= b);
            }
            Some(_) => {} // lengths differ: reported by nps-core
            None => *missing = Some(m),
        }
    }
    Ok(l)
}

/// True for a list or tuple of columns (rather than a column of keys).
fn is_column_list(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    if !(obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>()) {
        return Ok(false);
    }
    let mut any = false;
    for item in obj.try_iter()? {
        let item = item?;
        if item.is_instance_of::<PyString>() || !item.hasattr("__len__")? {
            return Ok(false);
        }
        any = true;
    }
    Ok(any)
}

fn series_name(obj: &Bound<'_, PyAny>) -> Option<String> {
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return None;
    }
    obj.getattr_opt("name")
        .ok()
        .flatten()
        .and_then(|n| n.extract::<String>().ok())
        .filter(|n| !n.is_empty())
}

impl<'py> KeyColumns<'py> {
    /// The key columns of argument `arg`; a missing key raises.
    pub(crate) fn new(obj: &Bound<'py, PyAny>, arg: &'static str) -> PyResult<KeyColumns<'py>> {
        Self::build(obj, arg, false)
    }

    /// As [`KeyColumns::new`], marking rows with a missing key instead.
    pub(crate) fn new_or_missing(
        obj: &Bound<'py, PyAny>,
        arg: &'static str,
    ) -> PyResult<KeyColumns<'py>> {
        Self::build(obj, arg, true)
    }

    fn build(
        obj: &Bound<'py, PyAny>,
        arg: &'static str,
        masked: bool,
    ) -> PyResult<KeyColumns<'py>> {
        let mut missing = None;
        let mut col_missing = Vec::new();
        if is_column_list(obj)? {
            let items: Vec<Bound<'py, PyAny>> = obj.try_iter()?.collect::<PyResult<_>>()?;
            let names = items.iter().map(series_name).collect();
            let cols = items
                .iter()
                .map(|c| key_labels(c, arg, masked, &mut missing, &mut col_missing))
                .collect::<PyResult<_>>()?;
            return Ok(KeyColumns {
                cols,
                names,
                multi: true,
                missing,
                col_missing,
            });
        }
        Ok(KeyColumns {
            cols: vec![key_labels(
                obj,
                arg,
                masked,
                &mut missing,
                &mut col_missing,
            )?],
            names: vec![series_name(obj)],
            multi: false,
            missing,
            col_missing,
        })
    }

    /// Named columns of a DataFrame, marking rows with a missing key.
    pub(crate) fn of_frame_or_missing(
        df: &Bound<'py, PyAny>,
        by: &[String],
        arg: &'static str,
    ) -> PyResult<KeyColumns<'py>> {
        let mut missing = None;
        let mut col_missing = Vec::new();
        let cols = by
            .iter()
            .map(|n| {
                key_labels(
                    &frame_column(df, n)?,
                    arg,
                    true,
                    &mut missing,
                    &mut col_missing,
                )
            })
            .collect::<PyResult<_>>()?;
        Ok(KeyColumns {
            cols,
            names: by.iter().cloned().map(Some).collect(),
            multi: by.len() != 1,
            missing,
            col_missing,
        })
    }

    /// Calls `f` with the core keys (`Keys::Multi` for several columns).
    /// Dictionary-encoded columns (categoricals) are passed as codes and
    /// their distinct labels (`Keys::Coded`), read in place; other string
    /// columns as one `&str` per row.
    pub(crate) fn with<R>(&self, f: impl FnOnce(Keys<'_>) -> R) -> PyResult<R> {
        self.with_keys(false, f)
    }

    /// As [`KeyColumns::with`], a categorical column passing its codes, so
    /// that the groups come in category order ([`KeyColumns::categories`]
    /// maps the codes back to labels).
    pub(crate) fn with_codes<R>(&self, f: impl FnOnce(Keys<'_>) -> R) -> PyResult<R> {
        self.with_keys(true, f)
    }

    /// The categories of each key column (empty when none is categorical).
    pub(crate) fn categories(&self) -> table::KeyCategories {
        let cats: table::KeyCategories =
            self.cols.iter().map(|c| c.categories().cloned()).collect();
        if cats.iter().all(Option::is_none) {
            return Vec::new();
        }
        cats
    }

    fn with_keys<R>(&self, codes: bool, f: impl FnOnce(Keys<'_>) -> R) -> PyResult<R> {
        // Categoricals grouped in category order: their codes as the keys
        // (`Keys::Codes`). Other dictionary-encoded strings: codes and
        // distinct labels (`Keys::Coded`); Arrow strings: their buffers
        // (`Keys::Text`); all read in place. Other strings (Python objects):
        // one `&str` per row.
        let texts: Vec<_> = self.cols.iter().map(Labels::text).collect();
        let labels: Vec<Option<Vec<&str>>> = self.cols.iter().map(coded_labels).collect();
        let mut strs: Vec<Option<Vec<&str>>> = Vec::with_capacity(self.cols.len());
        for ((c, t), l) in self.cols.iter().zip(&texts).zip(&labels) {
            let in_place = t.is_some()
                || (codes && c.categories().is_some())
                || (l.is_some() && c.codes().is_some());
            strs.push(if in_place { None } else { c.strs() });
        }
        let mut keys: Vec<Keys<'_>> = Vec::with_capacity(self.cols.len());
        for (((c, t), l), s) in self.cols.iter().zip(&texts).zip(&labels).zip(&strs) {
            keys.push(match (c.categorical(), t, l, c.codes()) {
                (Some((k, _)), _, _, _) if codes => Keys::Codes(k),
                (_, Some(t), _, _) => Keys::Text(t),
                (_, _, Some(labels), Some(codes)) => Keys::Coded { codes, labels },
                _ => keys_of(c, s)?,
            });
        }
        if self.multi {
            Ok(f(Keys::Multi(&keys)))
        } else {
            Ok(f(keys.into_iter().next().expect("one key column")))
        }
    }
}

/// The distinct labels of a dictionary-encoded column, in code order (None
/// for other columns, or when two categories read as the same text).
fn coded_labels<'a>(c: &'a Labels<'_>) -> Option<Vec<&'a str>> {
    let labels = c.code_labels()?;
    let distinct: std::collections::HashSet<&str> = labels.iter().copied().collect();
    (distinct.len() == labels.len()).then_some(labels)
}

/// The core keys of one label column.
pub(crate) fn keys_of<'a>(c: &'a Labels<'_>, strs: &'a Option<Vec<&'a str>>) -> PyResult<Keys<'a>> {
    if let Some(s) = strs {
        return Ok(Keys::Str(s));
    }
    Ok(match c.ints()? {
        Some(IntLabels::U32(v)) => Keys::U32(v),
        Some(IntLabels::U64(v)) => Keys::U64(v),
        Some(IntLabels::I64(v)) => Keys::I64(v),
        None => {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "group labels must be strings or integers",
            ))
        }
    })
}

/// True for a table (pandas / polars DataFrame, pyarrow Table, or an object
/// exporting `__arrow_c_stream__` of record batches) rather than a column.
pub(crate) fn is_frame(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    if obj.hasattr("columns")? && obj.hasattr("__getitem__")? && !obj.hasattr("dtype")?
        || obj.hasattr("column_names")?
    {
        return Ok(true);
    }
    if !obj.hasattr("__arrow_c_stream__")?
        || obj.hasattr("__arrow_c_array__")?
        || obj.hasattr("dtype")?
    {
        return Ok(false);
    }
    // A stream of record batches (a table), not of a column's chunks.
    crate::column::arrow::stream_is_table(obj)
}

/// Column `name` of a DataFrame or Arrow table; an object that only exports
/// `__arrow_c_stream__` is read in Rust (no pyarrow).
pub(crate) fn frame_column<'py>(df: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let no_column = || invalid_argument("by", format!("the table has no column {name:?}"));
    if df.hasattr("columns")? || df.hasattr("column_names")? {
        return df.get_item(name).map_err(|_| no_column());
    }
    crate::column::arrow::stream_column(df, name)?.ok_or_else(no_column)
}

/// `by=` as a list of column names (a name or a list of names).
fn names_arg(by: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(s) = by.extract::<String>() {
        return Ok(vec![s]);
    }
    by.extract::<Vec<String>>()
        .map_err(|_| invalid_argument("by", "must be a column name or a list of column names"))
}

/// Groups a score column into tallies in one pass, by key and/or calendar
/// period, optionally keeping each respondent's latest answer only.
///
/// The DataFrame form comes first: `df` a pandas or polars DataFrame, a
/// pyarrow Table or anything exporting `__arrow_c_stream__`, with `by=` (a
/// column name or a list of names; one group per combination, the key a
/// tuple), `score=`, and optionally `time=` (a datetime column, aware or
/// naive in `tz`, or integer Unix seconds) and `respondent=` naming its
/// columns. The array form takes `keys` (a column, a list of columns, or
/// None) and `scores`, with `timestamps=` and `respondents=`.
///
/// - `period`: "day", "week", "month", "quarter" or "year" in time zone `tz`
///   (IANA name, default UTC); `window`: rolling windows of that many
///   periods (each group says whether its window is `complete`).
/// - `dedupe`: with a respondent column, "global" (default: a respondent's
///   latest answer overall) or "per_key" (their latest answer within each
///   group). It needs the time column: without one, "latest" is undefined
///   and an `InvalidArgumentError` says so.
/// - `dropna`: True (default) drops rows with a missing key (None, NaN,
///   pd.NA, null) and counts them in `skipped_keys`; False keeps them as a
///   group of their own (key None, sorted last).
/// - `mergeable`: keep each respondent's latest answer in the result so it
///   merges exactly with results of other rows (`merge`, `+`, `nps.dask`).
/// - `min_n`: groups with fewer answers are flagged `thin` (default 30);
///   `interval` and `confidence`: the interval of the table's `low` /
///   `high` (default: the score interval at 95 %).
/// - A key column has one type: mixing strings and integers is an
///   `InvalidArgumentError` naming the first row. A missing timestamp or
///   respondent is an `InvalidValueError` naming the column and row; with
///   `invalid="skip"` the row is skipped and counted in
///   `skipped_timestamps` or `skipped_respondents` (invalid scores in
///   `skipped`).
///
/// Options not given take nps-core's `GroupOptions::default()` and
/// `IntervalOptions::default()`.
///
/// >>> import pandas as pd
/// >>> df = pd.DataFrame({"dealer": ["a", "b", "a", None], "score": [10, 0, 9, 7]})
/// >>> g = nps.group_by(df, by="dealer", score="score")
/// >>> [(x.key, x.tally.nps) for x in g], g.skipped_keys
/// ([('a', 100.0), ('b', -100.0)], 1)
/// >>> [x.key for x in nps.group_by(df, by="dealer", score="score", dropna=False)]
/// ['a', 'b', None]
/// >>> [g.key for g in nps.group_by([[1, 1, 2], ["x", "y", "x"]], [10, 0, 9])]
/// [(1, 'x'), (1, 'y'), (2, 'x')]
#[pyfunction]
#[pyo3(signature = (keys = None, scores = None, *, by = None, score = None, time = None, respondent = None, timestamps = None, period = None, tz = None, respondents = None, dedupe = None, dropna = None, mergeable = None, min_n = None, invalid = None, window = None, interval = None, confidence = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn group_by(
    py: Python<'_>,
    keys: Option<&Bound<'_, PyAny>>,
    scores: Option<&Bound<'_, PyAny>>,
    by: Option<&Bound<'_, PyAny>>,
    score: Option<&str>,
    time: Option<&str>,
    respondent: Option<&str>,
    timestamps: Option<&Bound<'_, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
    respondents: Option<&Bound<'_, PyAny>>,
    dedupe: Option<&str>,
    dropna: Option<bool>,
    mergeable: Option<bool>,
    min_n: Option<Int>,
    invalid: Option<&str>,
    window: Option<Int>,
    interval: Option<&str>,
    confidence: Option<f64>,
) -> PyResult<PyGroupResult> {
    let (_, interval) = interval_options(interval, confidence, None, None, None, None)?;
    // The DataFrame form: columns by name.
    let frame = match keys {
        Some(k) if scores.is_none() && is_frame(k)? => Some(k.clone()),
        _ => None,
    };
    let (key_cols, scores, timestamps, respondents) = match &frame {
        Some(df) => {
            let score = score.ok_or_else(|| {
                invalid_argument("score", "the DataFrame form needs score= (a column name)")
            })?;
            if timestamps.is_some() || respondents.is_some() {
                return Err(invalid_argument(
                    "timestamps",
                    "with a DataFrame, name the columns: time=, respondent=",
                ));
            }
            let by = by.map(names_arg).transpose()?;
            let key_cols = by
                .as_deref()
                .filter(|b| !b.is_empty())
                .map(|b| KeyColumns::of_frame_or_missing(df, b, "by"))
                .transpose()?;
            let col = |n: Option<&str>| n.map(|n| frame_column(df, n)).transpose();
            (
                key_cols,
                frame_column(df, score)?,
                col(time)?,
                col(respondent)?,
            )
        }
        None => {
            if by.is_some() || score.is_some() || time.is_some() || respondent.is_some() {
                return Err(invalid_argument(
                    "by",
                    "by=, score=, time= and respondent= name the columns of a DataFrame passed first",
                ));
            }
            let scores = scores.ok_or_else(|| invalid_argument("scores", "is required"))?;
            (
                keys.filter(|k| !k.is_none())
                    .map(|k| KeyColumns::new_or_missing(k, "keys"))
                    .transpose()?,
                scores.clone(),
                timestamps.cloned(),
                respondents.cloned(),
            )
        }
    };
    let defaults = GroupOptions::default();
    let min_n = match min_n {
        Some(m) => non_negative("min_n", m.0)?,
        None => defaults.min_n,
    };
    let window = window
        .map(|w| non_negative("window", w.0).map(|w| usize::try_from(w).unwrap_or(usize::MAX)))
        .transpose()?;
    let period = period.map(Period::from_name).transpose().py()?;
    let invalid: InvalidPolicy = match invalid {
        Some(i) => parse_name("invalid", i)?,
        None => defaults.invalid,
    };
    let dedupe = match dedupe {
        Some(d) => Dedupe::from_name(d).py()?,
        None => defaults.dedupe,
    };

    let scores = numbers(&scores, "scores")?;
    // Missing keys, timestamps and respondents become masks: nps-core
    // raises naming the column and row, or skips and counts them.
    let (ts_col, ts_missing) = match timestamps.as_ref().map(timestamps_or_missing).transpose()? {
        Some((t, m)) => (Some(t), m),
        None => (None, None),
    };
    let (resp_col, resp_missing): (Option<Labels<'_>>, _) = match respondents
        .as_ref()
        .map(|r| labels_or_missing(r, "respondents"))
        .transpose()?
    {
        Some((r, m)) => (Some(r), m),
        None => (None, None),
    };
    let key_missing = key_cols.as_ref().and_then(|k| k.missing.as_deref());
    let col_missing: Vec<Option<&[bool]>> = key_cols
        .as_ref()
        .map(|k| k.col_missing.iter().map(Option::as_deref).collect())
        .unwrap_or_default();

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
    let run = |keys: Option<Keys<'_>>| {
        let d = GroupOptions::default();
        let opts = GroupOptions {
            keys,
            timestamps: ts,
            period,
            tz: tz.or(d.tz),
            respondents,
            dedupe,
            dropna: dropna.unwrap_or(d.dropna),
            mergeable: mergeable.unwrap_or(d.mergeable),
            min_n,
            invalid,
            missing: Missing {
                keys: key_missing,
                timestamps: ts_missing.as_deref(),
                respondents: resp_missing.as_deref(),
                key_columns: (col_missing.len() > 1).then_some(col_missing.as_slice()),
            },
        };
        scores.visit(GroupColumn {
            py,
            opts: &opts,
            window,
        })?
    };
    let grouped = match &key_cols {
        Some(k) => k.with_codes(|keys| run(Some(keys)))??,
        None => run(None)?,
    };
    Ok(PyGroupResult {
        grouped,
        categories: key_cols
            .as_ref()
            .map(KeyColumns::categories)
            .unwrap_or_default(),
        key_names: key_cols.map(|k| k.names).unwrap_or_default(),
        interval,
    })
}
