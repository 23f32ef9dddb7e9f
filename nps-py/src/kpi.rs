//! Service KPIs (`nps.kpi`): thin wrappers of `nps_core::kpi`. Columns are
//! converted (numbers, timestamps, labels, 0/1 flags); every rule lives in
//! nps-core. The Python module `nps/kpi.py` gives these functions their
//! public names. The tables (`KpiTable`, `TimeTable`) hold the core tables:
//! they merge (`merge`, `+`) and pickle through nps-core's saved states.
//!
//! Every column function has a DataFrame form: its first argument is a
//! table (pandas / polars DataFrame, pyarrow Table) and its column
//! arguments name columns ([`Form`]); `by=` names the key columns and
//! `time=` the timestamps of the periods.

use nps_core::group::{GroupKey, Keys};
use nps_core::kpi::{
    self, ComebackOptions, CsatOptions, FollowUpOptions, Grouping, HoursBasis, Jobs, Kpi, KpiTable,
    PayType, RateKpi, ScoreInput, SrtCatalog, TimeKpi, TimeMeasure, TimeTable,
};
use nps_core::period::Period;
use nps_core::Error;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::errors::{invalid_argument, Int};
use crate::state;

use crate::calendar::PyCalendar;
use crate::column::{labels, numbers, timestamps, Labels, Numbers, Seconds, Slice, Visit};
use crate::errors::{to_py, CoreResult};
use crate::instant::seconds;
use crate::names::parse_name;
use crate::policy::PyPolicy;
use crate::table;

/// A KPI result: `value` (None = no data: the denominator is 0), its
/// `numerator`, `denominator` and `coverage` (share of the input rows used).
///
/// >>> k = nps.kpi.rate([1, 0, 1, 1])
/// >>> k.value, k.numerator, k.denominator, k.coverage
/// (0.75, 3.0, 4.0, 1.0)
/// >>> nps.kpi.rate([]).value is None  # no data, never 0
/// True
#[pyclass(frozen, eq, module = "nps.kpi", name = "Kpi")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyKpi {
    pub(crate) k: Kpi,
}

#[pymethods]
impl PyKpi {
    /// numerator / denominator, or None when the denominator is 0.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.k.value
    }
    /// Numerator (count, hours or minor units of money).
    #[getter]
    fn numerator(&self) -> f64 {
        self.k.numerator
    }
    /// Denominator.
    #[getter]
    fn denominator(&self) -> f64 {
        self.k.denominator
    }
    /// Share of the input rows that entered the KPI (None without rows).
    #[getter]
    fn coverage(&self) -> Option<f64> {
        self.k.coverage
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().k)
    }

    /// The KPI of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyKpi {
            k: state::load(state)?,
        })
    }

    fn __repr__(&self) -> String {
        let o = |v: Option<f64>| v.map_or("None".to_owned(), |v| format!("{v}"));
        format!(
            "Kpi(value={}, numerator={}, denominator={}, coverage={})",
            o(self.k.value),
            self.k.numerator,
            self.k.denominator,
            o(self.k.coverage)
        )
    }
}

/// A time KPI: n, mean / median / p90 in seconds (linear-interpolation
/// quantiles, numpy's default), the target and the share within it.
///
/// >>> t = nps.kpi.time_kpi(target_seconds=180, seconds=[60, 120, 240]).overall
/// >>> t.n, t.mean, t.median, t.target_seconds
/// (3, 140.0, 120.0, 180)
#[pyclass(frozen, eq, module = "nps.kpi", name = "TimeKpi")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyTimeKpi {
    t: TimeKpi,
}

#[pymethods]
impl PyTimeKpi {
    /// Number of durations.
    #[getter]
    fn n(&self) -> u64 {
        self.t.n
    }
    /// Mean, seconds (None without data).
    #[getter]
    fn mean(&self) -> Option<f64> {
        self.t.mean
    }
    /// Median, seconds.
    #[getter]
    fn median(&self) -> Option<f64> {
        self.t.median
    }
    /// 90th percentile, seconds.
    #[getter]
    fn p90(&self) -> Option<f64> {
        self.t.p90
    }
    /// Mean in minutes (the unit of the per-visit standards; the scorecard
    /// judges the share within target, not this mean).
    #[getter]
    fn mean_minutes(&self) -> Option<f64> {
        self.t.mean_minutes()
    }
    /// Target, seconds (inclusive).
    #[getter]
    fn target_seconds(&self) -> i64 {
        self.t.target_seconds
    }
    /// Durations within the target / durations.
    #[getter]
    fn within_target(&self) -> PyKpi {
        PyKpi {
            k: self.t.within_target,
        }
    }
    /// Same as `within_target.value`.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.t.within_target.value
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().t)
    }

    /// The time KPI of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyTimeKpi {
            t: state::load(state)?,
        })
    }

    fn __repr__(&self) -> String {
        let o = |v: Option<f64>| v.map_or("None".to_owned(), |v| format!("{v}"));
        format!(
            "TimeKpi(n={}, mean={}, median={}, p90={}, target_seconds={}, within_target={})",
            self.t.n,
            o(self.t.mean),
            o(self.t.median),
            o(self.t.p90),
            self.t.target_seconds,
            o(self.t.within_target.value)
        )
    }
}

/// Standard repair times: operation code -> standard (flat-rate) hours.
///
/// >>> c = nps.kpi.SrtCatalog({"OIL": 0.5, "BRAKE": 1.5})
/// >>> c.get("BRAKE"), c.lookup(["OIL", "WASH"])
/// (1.5, [0.5, None])
#[pyclass(frozen, eq, module = "nps.kpi", name = "SrtCatalog")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PySrtCatalog {
    pub(crate) c: SrtCatalog,
}

#[pymethods]
impl PySrtCatalog {
    /// From a dict `{code: hours}` or an iterable of `(code, hours)` pairs.
    #[new]
    fn new(hours: &Bound<'_, PyAny>) -> PyResult<Self> {
        let pairs: Vec<(String, f64)> = if let Ok(d) = hours.cast::<pyo3::types::PyDict>() {
            d.iter()
                .map(|(k, v)| Ok((k.extract()?, v.extract()?)))
                .collect::<PyResult<_>>()?
        } else {
            hours
                .try_iter()?
                .map(|p| p?.extract())
                .collect::<PyResult<_>>()?
        };
        Ok(PySrtCatalog {
            c: SrtCatalog::new(pairs).py()?,
        })
    }
    /// From a JSON object `{"code": hours, ...}`.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(PySrtCatalog {
            c: SrtCatalog::from_json(text).py()?,
        })
    }
    /// The catalog as JSON.
    fn to_json(&self) -> String {
        self.c.to_json()
    }
    /// Standard hours of `code`, None when unknown.
    fn get(&self, code: &str) -> Option<f64> {
        self.c.get(code)
    }
    /// Standard hours per operation code (None for unknown codes).
    fn lookup(&self, codes: Vec<String>) -> Vec<Option<f64>> {
        codes.iter().map(|c| self.c.get(c)).collect()
    }
    /// `{code: hours}`.
    fn to_dict(&self) -> std::collections::BTreeMap<String, f64> {
        self.c.iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }
    fn __len__(&self) -> usize {
        self.c.len()
    }
    fn __contains__(&self, code: &str) -> bool {
        self.c.get(code).is_some()
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().c)
    }

    /// The catalog of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PySrtCatalog {
            c: state::load(state)?,
        })
    }

    fn __repr__(&self) -> String {
        format!("SrtCatalog({})", self.c.to_json())
    }
}

use crate::group::{frame_column, is_frame, key_to_py, keys_of, KeyColumns};

// ---- The tables ----

/// A table's groups as `(key, period label or None, KPI)` tuples.
fn rows<'py, G>(
    py: Python<'py>,
    groups: &[G],
    categories: &table::KeyCategories,
    label: impl Fn(&G) -> (&GroupKey, Option<String>),
    kpi: impl Fn(&G) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let items = groups
        .iter()
        .map(|g| {
            let (key, period) = label(g);
            let key = table::relabel(key, categories);
            let p = period.into_pyobject(py)?.into_any();
            PyTuple::new(py, [key_to_py(py, &key)?, p, kpi(g)?])
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// A rate KPI overall (`overall`; `value`, `numerator`, `denominator`,
/// `coverage` are its fields) and per group (`groups`: a list of
/// `(key, period, Kpi)` sorted by key then period; `key` is None without
/// `by=`, a tuple when grouping by several columns; `period` a label such
/// as "2025-03", or None). `to_arrow()`, `to_pandas()`, `to_polars()` and
/// `to_dict()` give the table (nps-core `KpiTable::to_table`): key columns
/// (named after the columns grouped by), `period` (a date), `value`,
/// `numerator`, `denominator`, `coverage`.
///
/// A table is a partial result: `a.merge(b)` (or `a + b`, or
/// `sum([a, b, ...])`) is the table of the rows of `a` followed by those of
/// `b`, exactly (the counts of every group add up); tables computed with
/// other options do not merge (`InvalidArgumentError` naming `other`).
/// First-time fix, comeback and repeat-complaint tables merge only when
/// the input was partitioned by vehicle (all jobs of a vehicle in one
/// part): a vehicle in both is an `InvalidArgumentError`, never a wrong
/// rate. Tables pickle (Dask, multiprocessing).
///
/// >>> t = nps.kpi.rate([1, 0, 1, 1], by=["a", "a", "b", "b"])
/// >>> t.value, t.numerator, t.denominator  # 3 of 4 rows flagged
/// (0.75, 3.0, 4.0)
/// >>> [(key, k.value) for key, period, k in t]
/// [('a', 0.5), ('b', 1.0)]
/// >>> t.to_dict()["value"]
/// [0.5, 1.0]
/// >>> first, rest = nps.kpi.rate([1, 0], by=["a", "a"]), nps.kpi.rate([1, 1], by=["b", "b"])
/// >>> (first + rest) == t
/// True
#[pyclass(frozen, eq, sequence, module = "nps.kpi", name = "KpiTable")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyKpiTable {
    t: KpiTable,
    key_names: Vec<Option<String>>,
    /// The categories of categorical key columns, whose keys in `t` are
    /// codes (category order).
    categories: table::KeyCategories,
}

/// What a pickled `KpiTable` holds: the core table and the key names.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedKpiTable {
    table: KpiTable,
    key_names: Vec<Option<String>>,
    #[serde(default)]
    categories: Vec<Option<crate::column::Categories>>,
}

impl nps_core::state::Saved for SavedKpiTable {
    const KIND: &'static str = "nps.kpi.KpiTable";
}

#[pymethods]
impl PyKpiTable {
    /// The KPI over every row.
    #[getter]
    fn overall(&self) -> PyKpi {
        PyKpi { k: self.t.overall }
    }

    /// The groups: `(key, period, Kpi)` sorted by key, then period.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let period = self.t.period;
        rows(
            py,
            &self.t.groups,
            &self.categories,
            |g| (&g.key, g.period_start.zip(period).map(|(d, p)| p.label(d))),
            |g| Ok(Bound::new(py, PyKpi { k: g.kpi })?.into_any()),
        )
    }

    /// The overall value (None = no data).
    #[getter]
    fn value(&self) -> Option<f64> {
        self.t.overall.value
    }

    /// The overall numerator.
    #[getter]
    fn numerator(&self) -> f64 {
        self.t.overall.numerator
    }

    /// The overall denominator.
    #[getter]
    fn denominator(&self) -> f64 {
        self.t.overall.denominator
    }

    /// The overall coverage.
    #[getter]
    fn coverage(&self) -> Option<f64> {
        self.t.overall.coverage
    }

    fn __len__(&self) -> usize {
        self.t.groups.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.groups(py)?.try_iter()?.into_any())
    }

    /// The table as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
    /// `to_polars`, `to_dict`).
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table::columns_with(
            py,
            table::named(self.t.to_table(), &self.key_names),
            self.categories.clone(),
        )
    }

    /// The table of the rows of this table followed by those of `other`:
    /// equal to the table computed in one pass over all of them. Raises
    /// InvalidArgumentError (argument `other`) for a table computed with
    /// another KPI, option, period, time zone or type of key column, and
    /// for first-time fix / comeback tables that share a vehicle (their
    /// input must be partitioned by vehicle).
    ///
    /// >>> a = nps.kpi.csat([5, 2], by=["d1", "d2"])
    /// >>> b = nps.kpi.csat([4], by=["d2"])
    /// >>> [(key, k.numerator, k.denominator) for key, _, k in a.merge(b)]
    /// [('d1', 1.0, 1.0), ('d2', 1.0, 2.0)]
    fn merge(&self, other: &PyKpiTable) -> PyResult<PyKpiTable> {
        Ok(PyKpiTable {
            t: self.t.merge(&other.t).py()?,
            key_names: crate::state::merge_names(&self.key_names, &other.key_names)?,
            categories: table::merge_categories(&self.categories, &other.categories)?,
        })
    }

    /// `a + b` is `a.merge(b)`.
    fn __add__(&self, other: &PyKpiTable) -> PyResult<PyKpiTable> {
        self.merge(other)
    }

    /// `0 + a` is `a` (so `sum(tables)` works).
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::state::radd(slf, other)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedKpiTable {
            table: me.t.clone(),
            key_names: me.key_names.clone(),
            categories: table::saved_categories(&me.categories),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The table of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedKpiTable = state::load(state)?;
        Ok(PyKpiTable {
            t: s.table,
            key_names: s.key_names,
            categories: table::loaded_categories(s.categories),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "KpiTable(overall={}, groups={})",
            PyKpi { k: self.t.overall }.__repr__(),
            self.t.groups.len()
        )
    }
}

/// A time KPI overall (`overall`) and per group (`groups`: a list of
/// `(key, period, TimeKpi)`). `to_arrow()`, `to_pandas()`, `to_polars()`
/// and `to_dict()` give the table (nps-core `TimeTable::to_table`): key
/// columns, `period`, `n`, `mean`, `median`, `p90` (seconds),
/// `target_seconds` and `within_target_value` / `_numerator` /
/// `_denominator` / `_coverage`.
///
/// A table is a partial result: it keeps the histogram of the durations of
/// every group (memory O(distinct durations)), so `a.merge(b)` (or `a + b`)
/// is exactly the table of the rows of both, median and p90 included.
/// Tables pickle.
///
/// >>> t = nps.kpi.time_kpi(target_seconds=180, seconds=[60, 120, 240])
/// >>> t.overall.mean, t.overall.median, t.value  # 2 of 3 within 3 min
/// (140.0, 120.0, 0.6666666666666666)
/// >>> parts = [nps.kpi.time_kpi(target_seconds=180, seconds=s) for s in ([60], [120, 240])]
/// >>> sum(parts).overall.median
/// 120.0
#[pyclass(frozen, eq, sequence, module = "nps.kpi", name = "TimeTable")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyTimeTable {
    t: TimeTable,
    key_names: Vec<Option<String>>,
    /// The categories of categorical key columns, whose keys in `t` are
    /// codes (category order).
    categories: table::KeyCategories,
}

/// What a pickled `TimeTable` holds: the core table and the key names.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedTimeTable {
    table: TimeTable,
    key_names: Vec<Option<String>>,
    #[serde(default)]
    categories: Vec<Option<crate::column::Categories>>,
}

impl nps_core::state::Saved for SavedTimeTable {
    const KIND: &'static str = "nps.kpi.TimeTable";
}

#[pymethods]
impl PyTimeTable {
    /// The time KPI over every row.
    #[getter]
    fn overall(&self) -> PyTimeKpi {
        PyTimeKpi { t: self.t.overall }
    }

    /// The groups: `(key, period, TimeKpi)` sorted by key, then period.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let period = self.t.period;
        rows(
            py,
            &self.t.groups,
            &self.categories,
            |g| (&g.key, g.period_start.zip(period).map(|(d, p)| p.label(d))),
            |g| Ok(Bound::new(py, PyTimeKpi { t: g.kpi })?.into_any()),
        )
    }

    /// Overall share within the target.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.t.overall.within_target.value
    }

    /// Overall durations within the target / durations.
    #[getter]
    fn within_target(&self) -> PyKpi {
        PyKpi {
            k: self.t.overall.within_target,
        }
    }

    fn __len__(&self) -> usize {
        self.t.groups.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.groups(py)?.try_iter()?.into_any())
    }

    /// The table as columns for `nps/_table.py`.
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table::columns_with(
            py,
            table::named(self.t.to_table(), &self.key_names),
            self.categories.clone(),
        )
    }

    /// The table of the rows of this table followed by those of `other`:
    /// equal to the table computed in one pass over all of them, median and
    /// p90 included. Raises InvalidArgumentError (argument `other`) for a
    /// table with another target, period, time zone or type of key column.
    ///
    /// >>> a = nps.kpi.time_kpi(target_seconds=180, seconds=[60, 600])
    /// >>> b = nps.kpi.time_kpi(target_seconds=180, seconds=[120])
    /// >>> a.merge(b).overall.median
    /// 120.0
    fn merge(&self, other: &PyTimeTable) -> PyResult<PyTimeTable> {
        Ok(PyTimeTable {
            t: self.t.merge(&other.t).py()?,
            key_names: crate::state::merge_names(&self.key_names, &other.key_names)?,
            categories: table::merge_categories(&self.categories, &other.categories)?,
        })
    }

    /// `a + b` is `a.merge(b)`.
    fn __add__(&self, other: &PyTimeTable) -> PyResult<PyTimeTable> {
        self.merge(other)
    }

    /// `0 + a` is `a` (so `sum(tables)` works).
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::state::radd(slf, other)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedTimeTable {
            table: me.t.clone(),
            key_names: me.key_names.clone(),
            categories: table::saved_categories(&me.categories),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The table of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedTimeTable = state::load(state)?;
        Ok(PyTimeTable {
            t: s.table,
            key_names: s.key_names,
            categories: table::loaded_categories(s.categories),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "TimeTable(overall={}, groups={})",
            PyTimeKpi { t: self.t.overall }.__repr__(),
            self.t.groups.len()
        )
    }
}

// ---- The DataFrame form ----

/// The form of a call: a DataFrame first (its columns named by the other
/// arguments) or columns.
pub(crate) struct Form<'py> {
    df: Option<Bound<'py, PyAny>>,
}

/// An object exporting only an Arrow stream (no schema, no column names):
/// a table or a column, which only reading it would tell.
fn bare_stream(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(obj.hasattr("__arrow_c_stream__")?
        && !obj.hasattr("__arrow_c_schema__")?
        && !obj.hasattr("columns")?
        && !obj.hasattr("column_names")?)
}

/// `by=` of the DataFrame form: a column name or a list of names.
fn column_names(by: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(s) = by.extract::<String>() {
        return Ok(vec![s]);
    }
    by.extract::<Vec<String>>()
        .map_err(|_| invalid_argument("by", "must be a column name or a list of column names"))
}

impl<'py> Form<'py> {
    /// The form of a call whose first argument is `first` (a table is the
    /// DataFrame form) and whose keyword `name` names the first column in
    /// that form. An object exporting nothing but an Arrow stream may be a
    /// table or a column: it is a table when `name` is given.
    pub(crate) fn of(
        first: Option<&Bound<'py, PyAny>>,
        name: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Form<'py>> {
        let named = name.is_some_and(|n| !n.is_none());
        let df = match first {
            Some(f) if is_frame(f)? && (named || !bare_stream(f)?) => Some(f.clone()),
            _ => None,
        };
        Ok(Form { df })
    }

    /// The form of a call whose DataFrame, if any, is `data`.
    pub(crate) fn of_data(data: Option<&Bound<'py, PyAny>>) -> PyResult<Form<'py>> {
        let df = match data {
            Some(d) if is_frame(d)? => Some(d.clone()),
            _ => None,
        };
        Ok(Form { df })
    }

    /// True in the DataFrame form.
    pub(crate) fn is_frame(&self) -> bool {
        self.df.is_some()
    }

    /// A column argument (`arg` names it in errors): in the DataFrame form
    /// `v` names the column, else it is the column. None stays None.
    pub(crate) fn col(
        &self,
        v: Option<&Bound<'py, PyAny>>,
        arg: &'static str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(v) = v.filter(|v| !v.is_none()) else {
            return Ok(None);
        };
        let Some(df) = &self.df else {
            return Ok(Some(v.clone()));
        };
        let name: String = v.extract().map_err(|_| {
            invalid_argument(
                arg,
                "with a DataFrame passed first, name its column (a string)",
            )
        })?;
        frame_column(df, &name)
            .map(Some)
            .map_err(|_| invalid_argument(arg, format!("the table has no column {name:?}")))
    }

    /// The first column: `first` itself, or in the DataFrame form the
    /// column named by `name` (required, the keyword `kw`).
    pub(crate) fn first(
        &self,
        first: Option<&Bound<'py, PyAny>>,
        name: Option<&Bound<'py, PyAny>>,
        kw: &'static str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        if self.df.is_none() {
            if name.is_some_and(|n| !n.is_none()) {
                return Err(invalid_argument(
                    kw,
                    format!("{kw}= names a column of a DataFrame passed first"),
                ));
            }
            return Ok(first.filter(|f| !f.is_none()).cloned());
        }
        match self.col(name, kw)? {
            Some(c) => Ok(Some(c)),
            None => Err(invalid_argument(
                kw,
                format!("the DataFrame form needs {kw}= (a column name)"),
            )),
        }
    }

    /// The key columns of `by`: columns, or in the DataFrame form column
    /// names (one or a list); the key names come from the columns.
    pub(crate) fn keys(&self, by: Option<&Bound<'py, PyAny>>) -> PyResult<Option<KeyColumns<'py>>> {
        let Some(by) = by.filter(|b| !b.is_none()) else {
            return Ok(None);
        };
        let Some(df) = &self.df else {
            return KeyColumns::new(by, "by").map(Some);
        };
        let names = column_names(by)?;
        if names.is_empty() {
            return Ok(None);
        }
        let cols = names
            .iter()
            .map(|n| {
                frame_column(df, n)
                    .map_err(|_| invalid_argument("by", format!("the table has no column {n:?}")))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let mut k = if cols.len() == 1 {
            KeyColumns::new(&cols[0], "by")?
        } else {
            KeyColumns::new(PyList::new(by.py(), cols)?.as_any(), "by")?
        };
        k.names = names.into_iter().map(Some).collect();
        Ok(Some(k))
    }

    /// The timestamps of the periods: `timestamps` (columns) or the column
    /// named by `time` (DataFrame form).
    pub(crate) fn time(
        &self,
        timestamps: Option<&Bound<'py, PyAny>>,
        time: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let given = |v: Option<&Bound<'py, PyAny>>| v.is_some_and(|v| !v.is_none());
        if self.df.is_some() {
            if given(timestamps) {
                return Err(invalid_argument(
                    "timestamps",
                    "with a DataFrame, name the column: time=",
                ));
            }
            return self.col(time, "time");
        }
        if given(time) {
            return Err(invalid_argument(
                "time",
                "time= names a column of a DataFrame passed first (else pass timestamps=)",
            ));
        }
        Ok(timestamps.filter(|t| !t.is_none()).cloned())
    }
}

// ---- Columns ----

/// Timestamps as a Vec (NaT stays i64::MIN, reported by nps-core).
pub(crate) fn ts_vec(obj: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    Ok(timestamps(obj)?.as_slice()?.to_vec())
}

/// Optional timestamps: NaT / None (i64::MIN) means "did not happen".
fn opt_ts_vec(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Option<i64>>> {
    Ok(timestamps(obj)?
        .as_slice()?
        .iter()
        .map(|&t| (t != i64::MIN).then_some(t))
        .collect())
}

pub(crate) fn f64_vec(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Vec<f64>> {
    Ok(numbers(obj, name)?.to_f64()?.into_owned())
}

/// 0/1 (or bool) flags; anything else is an invalid value with its row.
pub(crate) fn flags(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Vec<bool>> {
    Ok(match flag_col(obj, name)? {
        FlagCol::Numpy(a) => a.as_slice()?.to_vec(),
        FlagCol::Owned(v) => v,
    })
}

/// A flag column: a contiguous numpy bool array read in place, or
/// converted flags.
pub(crate) enum FlagCol<'py> {
    Numpy(numpy::PyReadonlyArray1<'py, bool>),
    Owned(Vec<bool>),
}

impl FlagCol<'_> {
    pub(crate) fn as_slice(&self) -> PyResult<&[bool]> {
        Ok(match self {
            FlagCol::Numpy(a) => a.as_slice()?,
            FlagCol::Owned(v) => v,
        })
    }
}

/// As [`flags`], a numpy bool column read in place (no copy).
pub(crate) fn flag_col<'py>(obj: &Bound<'py, PyAny>, name: &'static str) -> PyResult<FlagCol<'py>> {
    // As `_column_numbers` (Arrow read in Rust), so booleans can become 0/1.
    let arr = crate::column::adapt::column_numbers(obj, name)?;
    let boolean = arr
        .getattr_opt("dtype")?
        .map(|d| d.getattr("kind")?.extract::<String>())
        .transpose()?
        .is_some_and(|k| k == "b");
    if boolean {
        // A contiguous numpy bool column is the flags already: read in
        // place, no widening to numbers and back.
        if let Ok(a) = arr.cast::<numpy::PyArray1<bool>>() {
            let ro = numpy::PyArrayMethods::try_readonly(a)?;
            if ro.as_slice().is_ok() {
                return Ok(FlagCol::Numpy(ro));
            }
        }
    }
    let arr = if boolean {
        arr.call_method1("astype", ("uint8",))?
    } else {
        arr
    };
    f64_vec(&arr, name)?
        .iter()
        .enumerate()
        .map(|(i, &v)| match v {
            0.0 => Ok(false),
            1.0 => Ok(true),
            _ => Err(to_py(Error::InvalidValue {
                name: name.into(),
                index: i,
                reason: format!("a flag must be true/false or 0/1, got {v}"),
            })),
        })
        .collect::<PyResult<Vec<bool>>>()
        .map(FlagCol::Owned)
}

pub(crate) fn i64_vec(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Vec<i64>> {
    i64_of(&numbers(obj, name)?, name)
}

/// Integer amounts: as [`i64_vec`], an int64 column whose values all pass
/// (|v| < 9·10¹⁵) read in place.
pub(crate) fn i64_col<'py>(
    obj: &Bound<'py, PyAny>,
    name: &'static str,
) -> PyResult<Slice<'py, i64>> {
    let n = numbers(obj, name)?;
    if let Numbers::I64(s) = n {
        let v = s.as_slice()?;
        // Branch-free (vectorised); any failing value takes the path below,
        // which names it.
        if v.iter().fold(true, |ok, &x| {
            ok & (x.unsigned_abs() < 9_000_000_000_000_000)
        }) {
            return Ok(s);
        }
        return Ok(Slice::Owned(i64_of(&Numbers::I64(s), name)?));
    }
    Ok(Slice::Owned(i64_of(&n, name)?))
}

/// The values of `n` as integer amounts: finite, integral, |v| < 9·10¹⁵
/// (as `f64`); anything else is an invalid value with its row.
fn i64_of(n: &Numbers<'_>, name: &'static str) -> PyResult<Vec<i64>> {
    n.to_f64()?
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                Ok(v as i64)
            } else {
                Err(to_py(Error::InvalidValue {
                    name: name.into(),
                    index: i,
                    reason: format!("must be an integer amount, got {v}"),
                }))
            }
        })
        .collect()
}

pub(crate) fn need<'py>(
    o: Option<Bound<'py, PyAny>>,
    name: &'static str,
) -> PyResult<Bound<'py, PyAny>> {
    o.ok_or_else(|| invalid_argument(name, "is required"))
}

/// The grouping arguments shared by the KPI functions.
pub(crate) struct GroupArgs<'py> {
    pub(crate) by: Option<KeyColumns<'py>>,
    /// The timestamps, read in place when they are int64 seconds.
    ts: Option<Seconds<'py>>,
    pub(crate) period: Option<Period>,
    pub(crate) tz: Option<String>,
}

pub(crate) fn group_args<'py>(
    form: &Form<'py>,
    by: Option<&Bound<'py, PyAny>>,
    ts: Option<&Bound<'py, PyAny>>,
    time: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<GroupArgs<'py>> {
    Ok(GroupArgs {
        by: form.keys(by)?,
        ts: form.time(ts, time)?.as_ref().map(timestamps).transpose()?,
        period: period.map(Period::from_name).transpose().py()?,
        tz: tz.map(str::to_owned),
    })
}

/// Runs `f` with the core grouping (the GIL released).
pub(crate) fn grouped<R: Send>(
    py: Python<'_>,
    g: &GroupArgs<'_>,
    f: impl FnOnce(&Grouping<'_>) -> nps_core::Result<R> + Send,
) -> PyResult<R> {
    let ts = g.ts.as_ref().map(Seconds::as_slice).transpose()?;
    let run = |keys: Option<Keys<'_>>| {
        let grouping = Grouping {
            keys,
            timestamps: ts,
            period: g.period,
            tz: g.tz.as_deref().or(Grouping::default().tz),
        };
        py.detach(|| f(&grouping)).py()
    };
    // Categorical keys as their codes: the groups come in category order
    // (the tables map the codes back to labels).
    match &g.by {
        Some(k) => k.with_codes(|keys| run(Some(keys)))?,
        None => run(None),
    }
}

/// The key names of a KPI table: those of `by=` when known.
pub(crate) fn key_names(g: &GroupArgs<'_>) -> Vec<Option<String>> {
    g.by.as_ref().map(|k| k.names.clone()).unwrap_or_default()
}

pub(crate) fn kpi_table(t: KpiTable, g: &GroupArgs<'_>) -> PyKpiTable {
    PyKpiTable {
        t,
        key_names: key_names(g),
        categories: key_categories(g),
    }
}

/// A KPI table that belongs to a larger result (estimate accuracy, parts
/// availability), with that result's key names and categories.
pub(crate) fn named_kpi_table(
    t: KpiTable,
    key_names: &[Option<String>],
    categories: &table::KeyCategories,
) -> PyKpiTable {
    PyKpiTable {
        t,
        key_names: key_names.to_vec(),
        categories: categories.clone(),
    }
}

/// The categories of categorical `by=` columns (their keys are codes).
pub(crate) fn key_categories(g: &GroupArgs<'_>) -> table::KeyCategories {
    g.by.as_ref()
        .map(KeyColumns::categories)
        .unwrap_or_default()
}

/// Comeback options from the keyword arguments; those not given (None)
/// take nps-core's `ComebackOptions::default()` (30 days, every window
/// complete, incomplete jobs excluded). nps-core validates them.
fn comeback_options(
    window_days: Option<Int>,
    as_of: Option<&Bound<'_, PyAny>>,
    exclude_incomplete: Option<bool>,
) -> PyResult<ComebackOptions> {
    let d = match window_days {
        Some(w) => ComebackOptions::window_days(w.to("window_days", 0u32, u32::MAX)?),
        None => ComebackOptions::default(),
    };
    Ok(ComebackOptions {
        window_seconds: d.window_seconds,
        as_of: match as_of.filter(|a| !a.is_none()) {
            Some(a) => Some(seconds(a, "as_of")?),
            None => d.as_of,
        },
        exclude_incomplete: exclude_incomplete.unwrap_or(d.exclude_incomplete),
    })
}

/// The job columns of the comeback rule, converted.
struct JobCols<'py> {
    veh: Labels<'py>,
    comp: Option<Labels<'py>>,
    opened: Vec<i64>,
    closed: Vec<i64>,
}

fn job_cols<'py>(
    form: &Form<'py>,
    vehicles: Option<&Bound<'py, PyAny>>,
    vehicle: Option<&Bound<'py, PyAny>>,
    complaints: Option<&Bound<'py, PyAny>>,
    opened: Option<&Bound<'py, PyAny>>,
    closed: Option<&Bound<'py, PyAny>>,
) -> PyResult<JobCols<'py>> {
    let veh = need(form.first(vehicles, vehicle, "vehicle")?, "vehicles")?;
    let comp = form.col(complaints, "complaints")?;
    let opened = need(form.col(opened, "opened")?, "opened")?;
    let closed = need(form.col(closed, "closed")?, "closed")?;
    Ok(JobCols {
        veh: labels(&veh, "vehicles")?,
        comp: comp.as_ref().map(|c| labels(c, "complaints")).transpose()?,
        opened: ts_vec(&opened)?,
        closed: ts_vec(&closed)?,
    })
}

/// First-time-fix rate (or, with `comeback=True`, the comeback rate) over
/// repair-order rows. See `nps.kpi.first_time_fix_rate`. Options not given
/// take nps-core's `ComebackOptions::default()`.
#[pyfunction]
#[pyo3(signature = (vehicles, complaints = None, opened = None, closed = None, *, vehicle = None, window_days = None, as_of = None, exclude_incomplete = None, comeback = false, by = None, timestamps = None, time = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_first_time_fix<'py>(
    py: Python<'py>,
    vehicles: Option<&Bound<'py, PyAny>>,
    complaints: Option<&Bound<'py, PyAny>>,
    opened: Option<&Bound<'py, PyAny>>,
    closed: Option<&Bound<'py, PyAny>>,
    vehicle: Option<&Bound<'py, PyAny>>,
    window_days: Option<Int>,
    as_of: Option<&Bound<'py, PyAny>>,
    exclude_incomplete: Option<bool>,
    comeback: bool,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    time: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<PyKpiTable> {
    let form = Form::of(vehicles, vehicle)?;
    let c = job_cols(&form, vehicles, vehicle, complaints, opened, closed)?;
    let (veh_s, comp_s) = (c.veh.strs(), c.comp.as_ref().and_then(Labels::strs));
    let opts = comeback_options(window_days, as_of, exclude_incomplete)?;
    let jobs = Jobs {
        vehicles: keys_of(&c.veh, &veh_s)?,
        complaints: c.comp.as_ref().map(|x| keys_of(x, &comp_s)).transpose()?,
        opened: &c.opened,
        closed: &c.closed,
    };
    let g = group_args(&form, by, timestamps, time, period, tz)?;
    let t = grouped(py, &g, |g| {
        if comeback {
            kpi::comeback_rate(&jobs, &opts, g)
        } else {
            kpi::first_time_fix_rate(&jobs, &opts, g)
        }
    })?;
    Ok(kpi_table(t, &g))
}

/// Diagnosis accuracy (with `operations`) or visits per resolution
/// (without) over repair-order rows. See `nps.kpi.diagnosis_accuracy` and
/// `nps.kpi.visits_per_resolution`. Options not given take nps-core's
/// `ComebackOptions::default()`.
#[pyfunction]
#[pyo3(signature = (vehicles, complaints = None, opened = None, closed = None, operations = None, *, vehicle = None, window_days = None, as_of = None, exclude_incomplete = None, by = None, timestamps = None, time = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_episodes<'py>(
    py: Python<'py>,
    vehicles: Option<&Bound<'py, PyAny>>,
    complaints: Option<&Bound<'py, PyAny>>,
    opened: Option<&Bound<'py, PyAny>>,
    closed: Option<&Bound<'py, PyAny>>,
    operations: Option<&Bound<'py, PyAny>>,
    vehicle: Option<&Bound<'py, PyAny>>,
    window_days: Option<Int>,
    as_of: Option<&Bound<'py, PyAny>>,
    exclude_incomplete: Option<bool>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    time: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<PyKpiTable> {
    let form = Form::of(vehicles, vehicle)?;
    let c = job_cols(&form, vehicles, vehicle, complaints, opened, closed)?;
    let ops = form
        .col(operations, "operations")?
        .map(|o| labels(&o, "operations"))
        .transpose()?;
    let (veh_s, comp_s) = (c.veh.strs(), c.comp.as_ref().and_then(Labels::strs));
    let ops_s = ops.as_ref().and_then(Labels::strs);
    let opts = comeback_options(window_days, as_of, exclude_incomplete)?;
    let jobs = Jobs {
        vehicles: keys_of(&c.veh, &veh_s)?,
        complaints: c.comp.as_ref().map(|x| keys_of(x, &comp_s)).transpose()?,
        opened: &c.opened,
        closed: &c.closed,
    };
    let op_keys = ops.as_ref().map(|x| keys_of(x, &ops_s)).transpose()?;
    let g = group_args(&form, by, timestamps, time, period, tz)?;
    let t = grouped(py, &g, |g| match op_keys {
        Some(ops) => kpi::diagnosis_accuracy(&jobs, ops, &opts, g),
        None => kpi::visits_per_resolution(&jobs, &opts, g),
    })?;
    Ok(kpi_table(t, &g))
}

/// The verdict per job: "fixed", "came_back" or "incomplete".
#[pyfunction]
#[pyo3(signature = (vehicles, complaints = None, opened = None, closed = None, *, vehicle = None, window_days = None, as_of = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_job_outcomes<'py>(
    vehicles: Option<&Bound<'py, PyAny>>,
    complaints: Option<&Bound<'py, PyAny>>,
    opened: Option<&Bound<'py, PyAny>>,
    closed: Option<&Bound<'py, PyAny>>,
    vehicle: Option<&Bound<'py, PyAny>>,
    window_days: Option<Int>,
    as_of: Option<&Bound<'py, PyAny>>,
) -> PyResult<Vec<&'static str>> {
    let form = Form::of(vehicles, vehicle)?;
    let c = job_cols(&form, vehicles, vehicle, complaints, opened, closed)?;
    let (veh_s, comp_s) = (c.veh.strs(), c.comp.as_ref().and_then(Labels::strs));
    let opts = comeback_options(window_days, as_of, None)?;
    let jobs = Jobs {
        vehicles: keys_of(&c.veh, &veh_s)?,
        complaints: c.comp.as_ref().map(|x| keys_of(x, &comp_s)).transpose()?,
        opened: &c.opened,
        closed: &c.closed,
    };
    Ok(kpi::job_outcomes(&jobs, &opts)
        .py()?
        .into_iter()
        .map(|o| match o {
            kpi::JobOutcome::Fixed => "fixed",
            kpi::JobOutcome::CameBack => "came_back",
            kpi::JobOutcome::Incomplete => "incomplete",
        })
        .collect())
}

/// Repeat-complaint rate. See `nps.kpi.repeat_complaint_rate`.
#[pyfunction]
#[pyo3(signature = (subjects, raised = None, closed = None, *, subject = None, window_days = None, as_of = None, by = None, timestamps = None, time = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_repeat_complaint<'py>(
    py: Python<'py>,
    subjects: Option<&Bound<'py, PyAny>>,
    raised: Option<&Bound<'py, PyAny>>,
    closed: Option<&Bound<'py, PyAny>>,
    subject: Option<&Bound<'py, PyAny>>,
    window_days: Option<Int>,
    as_of: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    time: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<PyKpiTable> {
    let form = Form::of(subjects, subject)?;
    let sub = labels(
        &need(form.first(subjects, subject, "subject")?, "subjects")?,
        "subjects",
    )?;
    let sub_s = sub.strs();
    let keys = keys_of(&sub, &sub_s)?;
    let raised = ts_vec(&need(form.col(raised, "raised")?, "raised")?)?;
    let closed = ts_vec(&need(form.col(closed, "closed")?, "closed")?)?;
    let opts = comeback_options(window_days, as_of, None)?;
    let g = group_args(&form, by, timestamps, time, period, tz)?;
    let t = grouped(py, &g, |g| {
        kpi::repeat_complaint_rate(keys, &raised, &closed, &opts, g)
    })?;
    Ok(kpi_table(t, &g))
}

/// Bay utilization. See `nps.kpi.bay_utilization`.
#[pyfunction]
#[pyo3(signature = (occupied_hours, *, repair_bays, calendar, start, end, repair_bay = None, occupied = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_bay_utilization<'py>(
    occupied_hours: &Bound<'py, PyAny>,
    repair_bays: Int,
    calendar: &PyCalendar,
    start: &Bound<'py, PyAny>,
    end: &Bound<'py, PyAny>,
    repair_bay: Option<&Bound<'py, PyAny>>,
    occupied: Option<&Bound<'py, PyAny>>,
) -> PyResult<PyKpi> {
    let form = Form::of(Some(occupied_hours), occupied)?;
    let occ = need(
        form.first(Some(occupied_hours), occupied, "occupied")?,
        "occupied_hours",
    )?;
    let occ = f64_vec(&occ, "occupied_hours")?;
    let rb = form
        .col(repair_bay, "repair_bay")?
        .map(|r| flags(&r, "repair_bay"))
        .transpose()?;
    let k = kpi::bay_utilization(
        &occ,
        rb.as_deref(),
        repair_bays.to("repair_bays", 0u32, u32::MAX)?,
        &calendar.cal,
        seconds(start, "start")?,
        seconds(end, "end")?,
    )
    .py()?;
    Ok(PyKpi { k })
}

/// SRT hours per row: from `srt_hours` (NaN / None = no SRT) or from
/// `operations` looked up in `catalog`.
fn srt_column(
    n: usize,
    srt_hours: Option<&Bound<'_, PyAny>>,
    operations: Option<&Bound<'_, PyAny>>,
    catalog: Option<&PySrtCatalog>,
) -> PyResult<Vec<Option<f64>>> {
    match (srt_hours, operations, catalog) {
        (Some(h), None, None) => Ok(f64_vec(h, "srt_hours")?
            .into_iter()
            .map(|v| (!v.is_nan()).then_some(v))
            .collect()),
        (None, Some(o), Some(c)) => {
            let ops = labels(o, "operations")?;
            let strs = ops
                .strs()
                .ok_or_else(|| invalid_argument("operations", "must be operation-code strings"))?;
            Ok(c.c.lookup(&strs))
        }
        (None, None, None) => Ok(vec![None; n]),
        _ => Err(invalid_argument(
            "srt_hours",
            "give either srt_hours, or operations with a catalog",
        )),
    }
}

type TechRow = (Py<PyAny>, PyKpi, PyKpi, PyKpi);

/// Technician efficiency / productivity / proficiency, overall
/// (`technicians` None) or per technician. In the DataFrame form
/// `available_hours` is a number or an attendance DataFrame whose columns
/// `available=` and `technicians=` (the same name as in the jobs) name.
#[pyfunction]
#[pyo3(signature = (worked_hours, available_hours, *, srt_hours = None, operations = None, catalog = None, technicians = None, available_technicians = None, worked = None, available = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_technician<'py>(
    py: Python<'py>,
    worked_hours: &Bound<'py, PyAny>,
    available_hours: &Bound<'py, PyAny>,
    srt_hours: Option<&Bound<'py, PyAny>>,
    operations: Option<&Bound<'py, PyAny>>,
    catalog: Option<&PySrtCatalog>,
    technicians: Option<&Bound<'py, PyAny>>,
    available_technicians: Option<&Bound<'py, PyAny>>,
    worked: Option<&Bound<'py, PyAny>>,
    available: Option<&Bound<'py, PyAny>>,
) -> PyResult<Vec<TechRow>> {
    let form = Form::of(Some(worked_hours), worked)?;
    let w = need(
        form.first(Some(worked_hours), worked, "worked")?,
        "worked_hours",
    )?;
    let worked = f64_vec(&w, "worked_hours")?;
    let (srt_c, ops_c) = (
        form.col(srt_hours, "srt_hours")?,
        form.col(operations, "operations")?,
    );
    let srt = srt_column(worked.len(), srt_c.as_ref(), ops_c.as_ref(), catalog)?;
    let tech = form.col(technicians, "technicians")?;
    // The attendance: a second DataFrame in the DataFrame form.
    let attendance = Form::of(Some(available_hours), available)?;
    let (avail_col, avail_tech) = if form.is_frame() && attendance.is_frame() {
        let names = available_technicians.or(technicians);
        (
            attendance.col(available, "available")?,
            attendance.col(names, "available_technicians")?,
        )
    } else {
        (
            Some(available_hours.clone()),
            available_technicians.cloned(),
        )
    };
    let out: Vec<(GroupKey, kpi::TechnicianFigures)> = match (&tech, &avail_tech) {
        (None, None) => {
            let avail: f64 = available_hours.extract()?;
            vec![(
                GroupKey::All,
                py.detach(|| kpi::technician_figures(&worked, &srt, avail))
                    .py()?,
            )]
        }
        (Some(t), Some(a)) => {
            let avail = f64_vec(&need(avail_col, "available")?, "available_hours")?;
            let (t, a) = (
                labels(t, "technicians")?,
                labels(a, "available_technicians")?,
            );
            let (ts, as_) = (t.strs(), a.strs());
            let (tk, ak) = (keys_of(&t, &ts)?, keys_of(&a, &as_)?);
            py.detach(|| kpi::technician_figures_by(&worked, &srt, tk, &avail, ak))
                .py()?
        }
        _ => {
            return Err(invalid_argument(
                "technicians",
                "give both technicians and available_technicians, or neither",
            ))
        }
    };
    out.into_iter()
        .map(|(k, f)| {
            Ok((
                key_to_py(py, &k)?.unbind(),
                PyKpi { k: f.efficiency },
                PyKpi { k: f.productivity },
                PyKpi { k: f.proficiency },
            ))
        })
        .collect()
}

/// Effective labour rate overall and per pay type.
#[pyfunction]
#[pyo3(signature = (sales_minor, hours_sold = None, pay_types = None, *, sales = None))]
pub(crate) fn _kpi_labour_rate<'py>(
    sales_minor: &Bound<'py, PyAny>,
    hours_sold: Option<&Bound<'py, PyAny>>,
    pay_types: Option<&Bound<'py, PyAny>>,
    sales: Option<&Bound<'py, PyAny>>,
) -> PyResult<(PyKpi, Vec<(&'static str, PyKpi)>)> {
    let form = Form::of(Some(sales_minor), sales)?;
    let s = need(
        form.first(Some(sales_minor), sales, "sales")?,
        "sales_minor",
    )?;
    let sales = i64_vec(&s, "sales_minor")?;
    let hours = f64_vec(
        &need(form.col(hours_sold, "hours_sold")?, "hours_sold")?,
        "hours_sold",
    )?;
    let pt = labels(
        &need(form.col(pay_types, "pay_types")?, "pay_types")?,
        "pay_types",
    )?;
    let names = pt.strs().ok_or_else(|| {
        invalid_argument(
            "pay_types",
            "must be strings (customer, warranty, internal)",
        )
    })?;
    let pay = PayType::parse_column(&names).py()?;
    let r = kpi::effective_labour_rate(&sales, &hours, &pay).py()?;
    Ok((
        PyKpi { k: r.overall },
        r.by_pay_type
            .into_iter()
            .map(|(p, k)| (p.name(), PyKpi { k }))
            .collect(),
    ))
}

/// Hours per repair order (basis "srt" or "worked").
#[pyfunction]
#[pyo3(signature = (worked_hours, *, srt_hours = None, operations = None, catalog = None, basis = "srt", worked = None))]
pub(crate) fn _kpi_hours_per_ro<'py>(
    worked_hours: &Bound<'py, PyAny>,
    srt_hours: Option<&Bound<'py, PyAny>>,
    operations: Option<&Bound<'py, PyAny>>,
    catalog: Option<&PySrtCatalog>,
    basis: &str,
    worked: Option<&Bound<'py, PyAny>>,
) -> PyResult<PyKpi> {
    let form = Form::of(Some(worked_hours), worked)?;
    let w = need(
        form.first(Some(worked_hours), worked, "worked")?,
        "worked_hours",
    )?;
    let worked = f64_vec(&w, "worked_hours")?;
    let (srt_c, ops_c) = (
        form.col(srt_hours, "srt_hours")?,
        form.col(operations, "operations")?,
    );
    let srt = srt_column(worked.len(), srt_c.as_ref(), ops_c.as_ref(), catalog)?;
    let basis: HoursBasis = parse_name("basis", basis)?;
    Ok(PyKpi {
        k: kpi::hours_per_ro(&srt, &worked, basis).py()?,
    })
}

/// A time KPI from `start`/`end` timestamps or from `seconds` durations
/// (columns, or with a DataFrame `data` — or `first` — their names;
/// `first` not a DataFrame is the start column). Without
/// `target_seconds` the target is the policy benchmark of the named time
/// KPI `measure` (nps-core `TimeMeasure`; the default policy when `policy`
/// is None); a policy without it is an `InvalidArgumentError`.
#[pyfunction]
#[pyo3(signature = (target_seconds = None, first = None, *, data = None, measure = None, policy = None, start = None, end = None, seconds = None, by = None, timestamps = None, time = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_time<'py>(
    py: Python<'py>,
    target_seconds: Option<Int>,
    first: Option<&Bound<'py, PyAny>>,
    data: Option<&Bound<'py, PyAny>>,
    measure: Option<&str>,
    policy: Option<&PyPolicy>,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    seconds: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    time: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<PyTimeTable> {
    // `first`: the start column, or a DataFrame (reception / delivery time);
    // `data`: a DataFrame (time_kpi).
    let (form, start) = match first.filter(|f| !f.is_none()) {
        Some(f) => {
            let form = Form::of(Some(f), start)?;
            let start = form.first(Some(f), start, "start")?;
            (form, start)
        }
        None => {
            let form = Form::of_data(data)?;
            if data.is_some_and(|d| !d.is_none()) && !form.is_frame() {
                return Err(invalid_argument(
                    "data",
                    "must be a DataFrame (pandas, polars) or a pyarrow Table",
                ));
            }
            let start = form.col(start, "start")?;
            (form, start)
        }
    };
    let target_seconds = target_seconds
        .map(|t| t.to("target_seconds", i64::MIN, i64::MAX))
        .transpose()?;
    let target_seconds = match (target_seconds, measure) {
        (Some(t), _) => t,
        (None, Some(m)) => _kpi_time_target(m, policy)?,
        (None, None) => {
            return Err(invalid_argument(
                "target_seconds",
                "is required (or name a time KPI whose benchmark gives it)",
            ))
        }
    };
    let g = group_args(&form, by, timestamps, time, period, tz)?;
    let (end, seconds) = (form.col(end, "end")?, form.col(seconds, "seconds")?);
    let t = match (start, end, seconds) {
        (Some(s), Some(e), None) => {
            let (s, e) = (ts_vec(&s)?, ts_vec(&e)?);
            grouped(py, &g, |g| kpi::time_kpi(&s, &e, target_seconds, g))?
        }
        (None, None, Some(d)) => {
            let d = i64_col(&d, "seconds")?;
            let d = d.as_slice()?;
            grouped(py, &g, |g| kpi::time_kpi_durations(d, target_seconds, g))?
        }
        _ => {
            return Err(invalid_argument(
                "seconds",
                "give either start and end, or seconds",
            ))
        }
    };
    Ok(PyTimeTable {
        t,
        key_names: key_names(&g),
        categories: key_categories(&g),
    })
}

/// A rate KPI: `kpi` None is the generic rate (`flags` over `eligible`
/// rows); otherwise a named rate KPI of nps-core's `RateKpi` registry
/// (`appointment_fulfillment_rate`, `pre_service_inspection_rate`,
/// `repeat_visit_rate`, `first_contact_resolution_rate` from `flags` /
/// `eligible`; `ready_when_promised` from `delivered`, `promised`;
/// `follow_up_completion_rate` from `service_end`, `follow_up`, `excluded`,
/// `earliest_days`, `latest_days`; `csat` from `ratings`, `satisfied_min`).
/// Options not given take nps-core's `FollowUpOptions` / `CsatOptions`
/// defaults.
/// `first`: the KPI's first column (flags, delivered, service_end or
/// ratings), or a DataFrame whose columns the other arguments name (its
/// first column then by its keyword; errors name the public keyword:
/// `flag`, `delivery`, `end`, `rating`).
#[pyfunction]
#[pyo3(signature = (kpi = None, first = None, *, flags = None, eligible = None, delivered = None, promised = None, service_end = None, follow_up = None, excluded = None, earliest_days = None, latest_days = None, ratings = None, satisfied_min = None, by = None, timestamps = None, time = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_rate<'py>(
    py: Python<'py>,
    kpi: Option<&str>,
    first: Option<&Bound<'py, PyAny>>,
    flags: Option<&Bound<'py, PyAny>>,
    eligible: Option<&Bound<'py, PyAny>>,
    delivered: Option<&Bound<'py, PyAny>>,
    promised: Option<&Bound<'py, PyAny>>,
    service_end: Option<&Bound<'py, PyAny>>,
    follow_up: Option<&Bound<'py, PyAny>>,
    excluded: Option<&Bound<'py, PyAny>>,
    earliest_days: Option<f64>,
    latest_days: Option<f64>,
    ratings: Option<&Bound<'py, PyAny>>,
    satisfied_min: Option<f64>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    time: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<PyKpiTable> {
    let kpi = kpi.map(RateKpi::from_name).transpose().py()?;
    let first_name = match kpi {
        Some(RateKpi::ReadyWhenPromised) => delivered,
        Some(RateKpi::FollowUpCompletion) => service_end,
        Some(RateKpi::Csat) => ratings,
        _ => flags,
    };
    let form = Form::of(first, first_name)?;
    // The KPI's first column: `first` in the column form, else named.
    let main = |named: Option<&Bound<'py, PyAny>>, kw: &'static str| form.first(first, named, kw);
    let g = group_args(&form, by, timestamps, time, period, tz)?;
    let flag_cols =
        |named: Option<&Bound<'py, PyAny>>| -> PyResult<(FlagCol<'py>, Option<FlagCol<'py>>)> {
            let f = flag_col(&need(main(named, "flag")?, "flags")?, "flags")?;
            let e = form
                .col(eligible, "eligible")?
                .map(|e| flag_col(&e, "eligible"))
                .transpose()?;
            Ok((f, e))
        };
    let t = match kpi {
        None => {
            let (f, e) = flag_cols(flags)?;
            let (f, e) = (
                f.as_slice()?,
                e.as_ref().map(FlagCol::as_slice).transpose()?,
            );
            grouped(py, &g, |g| kpi::rate(f, e, g))?
        }
        Some(RateKpi::ReadyWhenPromised) => {
            let d = ts_vec(&need(main(delivered, "delivery")?, "delivered")?)?;
            let p = opt_ts_vec(&need(form.col(promised, "promised")?, "promised")?)?;
            grouped(py, &g, |g| kpi::ready_when_promised(&d, &p, g))?
        }
        Some(RateKpi::FollowUpCompletion) => {
            let s = ts_vec(&need(main(service_end, "end")?, "service_end")?)?;
            let f = opt_ts_vec(&need(form.col(follow_up, "follow_up")?, "follow_up")?)?;
            let x = form
                .col(excluded, "excluded")?
                .map(|x| self::flags(&x, "excluded"))
                .transpose()?;
            let opts = follow_up_options(earliest_days, latest_days)?;
            grouped(py, &g, |g| {
                kpi::follow_up_completion_rate(&s, &f, x.as_deref(), &opts, g)
            })?
        }
        Some(RateKpi::Csat) => {
            let r = numbers(&need(main(ratings, "rating")?, "ratings")?, "ratings")?;
            let d = CsatOptions::default();
            let opts = CsatOptions {
                satisfied_min: satisfied_min.unwrap_or(d.satisfied_min),
            };
            // The ratings in their own type (a 1-5 scale as uint8 is read
            // in place; nps-core compares each as f64).
            struct Csat<'a, 'py> {
                py: Python<'py>,
                g: &'a GroupArgs<'py>,
                opts: CsatOptions,
            }
            impl Visit for Csat<'_, '_> {
                type Out = PyResult<KpiTable>;
                fn visit<T: nps_core::ScoreValue>(self, r: &[T]) -> PyResult<KpiTable> {
                    let opts = self.opts;
                    grouped(self.py, self.g, |g| kpi::csat(r, &opts, g))
                }
            }
            r.visit(Csat { py, g: &g, opts })??
        }
        Some(k) => {
            let (f, e) = flag_cols(flags)?;
            let (f, e) = (
                f.as_slice()?,
                e.as_ref().map(FlagCol::as_slice).transpose()?,
            );
            grouped(py, &g, |g| k.of_flags(f, e, g))?
        }
    };
    Ok(kpi_table(t, &g))
}

/// The follow-up window from `earliest_days` / `latest_days` (each `None` =
/// nps-core's `FollowUpOptions` default bound), checked by nps-core
/// (errors name `earliest_days` / `latest_days`).
fn follow_up_options(earliest: Option<f64>, latest: Option<f64>) -> PyResult<FollowUpOptions> {
    let d = FollowUpOptions::default();
    let days = |s: i64| s as f64 / 86_400.0;
    FollowUpOptions::window_days(
        earliest.unwrap_or(days(d.earliest_seconds)),
        latest.unwrap_or(days(d.latest_seconds)),
    )
    .py()
}

/// Service revenue per engineer (minor units per engineer).
#[pyfunction]
#[pyo3(signature = (revenue_minor, engineers, *, revenue = None))]
pub(crate) fn _kpi_revenue_per_engineer<'py>(
    revenue_minor: &Bound<'py, PyAny>,
    engineers: Int,
    revenue: Option<&Bound<'py, PyAny>>,
) -> PyResult<PyKpi> {
    let form = Form::of(Some(revenue_minor), revenue)?;
    let col = need(
        form.first(Some(revenue_minor), revenue, "revenue")?,
        "revenue_minor",
    )?;
    let engineers = engineers.to("engineers", 0u32, u32::MAX)?;
    let r = i64_vec(&col, "revenue_minor")?;
    Ok(PyKpi {
        k: kpi::service_revenue_per_engineer(&r, engineers).py()?,
    })
}

type Line = (
    String,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    &'static str,
    Option<&'static str>,
    Option<f64>,
);

/// One scorecard input: a `Kpi` (judged by its value), a `TimeKpi` (by its
/// share of visits within target) or a number / None, as nps-core's
/// `ScoreInput`.
fn score_input(r: &Bound<'_, PyAny>) -> PyResult<ScoreInput> {
    if let Ok(k) = r.cast::<PyKpi>() {
        return Ok(ScoreInput::Rate(k.get().k));
    }
    if let Ok(t) = r.cast::<PyTimeKpi>() {
        return Ok(ScoreInput::Time(t.get().t));
    }
    if r.is_none() {
        return Ok(ScoreInput::Value(None));
    }
    Ok(ScoreInput::Value(Some(r.extract::<f64>()?)))
}

/// Each `(name, result)` against the policy's benchmarks, judged by
/// nps-core's `scorecard_of`: `(kpi, value, min, max, status, unit,
/// standard_minutes)`; `min` / `max` are the bounds judged (a time
/// benchmark: the required share of visits within `standard_minutes`).
#[pyfunction]
#[pyo3(signature = (results, policy = None))]
pub(crate) fn _kpi_scorecard(
    results: Vec<(String, Bound<'_, PyAny>)>,
    policy: Option<&PyPolicy>,
) -> PyResult<Vec<Line>> {
    let inputs: Vec<(&str, ScoreInput)> = results
        .iter()
        .map(|(n, r)| Ok((n.as_str(), score_input(r)?)))
        .collect::<PyResult<_>>()?;
    let default;
    let p = match policy {
        Some(p) => &p.p,
        None => {
            default = nps_core::policy::Policy::default();
            &default
        }
    };
    Ok(kpi::scorecard_of(&inputs, &p.benchmarks)
        .py()?
        .into_iter()
        .map(|l| {
            (
                l.kpi,
                l.value,
                l.min,
                l.max,
                l.status.name(),
                l.unit.map(|u| u.name()),
                l.standard_minutes,
            )
        })
        .collect())
}

/// The target seconds of the named time KPI (`reception_response_time`,
/// `delivery_time`) from the policy's benchmark (nps-core
/// `TimeMeasure::target_seconds`; an `InvalidArgumentError` without one).
#[pyfunction]
#[pyo3(signature = (name, policy = None))]
pub(crate) fn _kpi_time_target(name: &str, policy: Option<&PyPolicy>) -> PyResult<i64> {
    let m = TimeMeasure::from_name(name).py()?;
    match policy {
        Some(p) => m.target_seconds(&p.p.benchmarks),
        None => m.target_seconds(&nps_core::policy::Policy::default().benchmarks),
    }
    .py()
}

/// Registers the KPI classes and functions.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKpi>()?;
    m.add_class::<PyTimeKpi>()?;
    m.add_class::<PySrtCatalog>()?;
    m.add_class::<PyKpiTable>()?;
    m.add_class::<PyTimeTable>()?;
    m.add_function(wrap_pyfunction!(_kpi_first_time_fix, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_episodes, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_job_outcomes, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_repeat_complaint, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_bay_utilization, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_technician, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_labour_rate, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_hours_per_ro, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_time, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_rate, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_revenue_per_engineer, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_scorecard, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_time_target, m)?)?;
    Ok(())
}
