//! `nps.rerated_nps`, `nps.Rerating`, `nps.managed_flags`,
//! `nps.ManagedFlags`, `nps.ManagedFlag`: integrity of the score. Every
//! rule lives in `nps_core::integrity`; this file only converts.

use crate::errors::Int;
use nps_core::group::Keys;
use nps_core::integrity::{
    managed_flags as core_flags, managed_flags_rerated, rerated_nps as core_rerated,
    rerated_nps_by as core_rerated_by, Basis, Correction, FlagOptions, FlagStatus, GroupRerating,
    ManagedFlag, ManagedFlags, Rerated, Rerating, ReratingTable,
};
use nps_core::{InvalidPolicy, NpsSample, ScoreValue};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::column::{numbers, Visit};
use crate::errors::{invalid_argument, CoreResult};
use crate::group::{frame_column, is_frame, key_to_py, KeyColumns};
use crate::tally::PyTally;
use crate::{state, table};

/// Original and after-recovery tallies of one sample or group (see
/// `rerated_nps` and `rerated_nps_by`). The reported NPS uses the original
/// scores unless the basis is "rerated"; the after-recovery NPS is always
/// available next to it.
///
/// >>> r = nps.rerated_nps([2, 9, 10, 6], [9, 9, 10, 6])  # the 2 re-rated as 9
/// >>> r.original_nps, r.after_recovery_nps
/// (0.0, 50.0)
#[pyclass(frozen, module = "nps", name = "Rerating")]
pub(crate) struct PyRerating {
    key: Option<Py<PyAny>>,
    inner: Rerating,
}

#[pymethods]
impl PyRerating {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let me = slf.get();
        let py = slf.py();
        let key = match &me.key {
            Some(k) => k.bind(py).clone(),
            None => py.None().into_bound(py),
        };
        Ok(state::reduce_with(slf.as_any(), &me.inner, vec![key])?.into_any())
    }

    /// The re-rating of a state written by pickling (`pickle.loads`), with
    /// its group key (None without one).
    #[staticmethod]
    fn _from_state(state: &[u8], key: Option<Py<PyAny>>) -> PyResult<Self> {
        Ok(PyRerating {
            key,
            inner: state::load(state)?,
        })
    }

    /// The re-rating of these rows and of `other` (disjoint rows of the
    /// same group) together: tallies merge, counts add; equal to
    /// `rerated_nps` over both at once. Also `self + other`. Raises
    /// InvalidArgumentError (argument `other`) for another basis or group.
    ///
    /// >>> m = nps.rerated_nps([2, 9], [9, None]) + nps.rerated_nps([6], [7])
    /// >>> m.original.n, m.detractors_moved_up
    /// (3, 2)
    fn merge(&self, py: Python<'_>, other: &PyRerating) -> PyResult<PyRerating> {
        let same = match (&self.key, &other.key) {
            (None, None) => true,
            (Some(a), Some(b)) => a.bind(py).eq(b.bind(py))?,
            _ => false,
        };
        if !same {
            return Err(invalid_argument(
                "other",
                "re-ratings of different groups do not merge (merge ReratingTables)",
            ));
        }
        Ok(PyRerating {
            key: self.key.as_ref().map(|k| k.clone_ref(py)),
            inner: self.inner.merge(&other.inner).py()?,
        })
    }

    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.cast::<PyRerating>() {
            Ok(o) => Ok(Py::new(py, self.merge(py, o.get())?)?.into_any()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    /// The group key (int or str) from `rerated_nps_by`, else None.
    #[getter]
    fn key(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.key.as_ref().map(|k| k.clone_ref(py))
    }

    /// The basis asked for: "original", "rerated" or "both".
    #[getter]
    fn basis(&self) -> &'static str {
        self.inner.basis.name()
    }

    /// Tally of the original scores.
    #[getter]
    fn original(&self) -> PyTally {
        PyTally::plain(self.inner.original)
    }

    /// Tally of the re-rated score where there is one, else the original.
    #[getter]
    fn after_recovery(&self) -> PyTally {
        PyTally::plain(self.inner.after_recovery)
    }

    /// The tally a report shows: `after_recovery` for basis "rerated", else `original`.
    #[getter]
    fn reported(&self) -> PyTally {
        PyTally::plain(*self.inner.reported())
    }

    /// NPS of `reported` in points, or None without data.
    #[getter]
    fn nps(&self) -> Option<f64> {
        self.inner.reported().nps().ok()
    }

    /// NPS of the original scores, or None without data.
    #[getter]
    fn original_nps(&self) -> Option<f64> {
        self.inner.original.nps().ok()
    }

    /// NPS after recovery (re-ratings replacing their originals), or None.
    #[getter]
    fn after_recovery_nps(&self) -> Option<f64> {
        self.inner.after_recovery.nps().ok()
    }

    /// Rows with a re-rating.
    #[getter]
    fn rerated(&self) -> u64 {
        self.inner.rerated
    }

    /// Re-rated rows whose original score was a detractor (0–6).
    #[getter]
    fn detractors_rerated(&self) -> u64 {
        self.inner.detractors_rerated
    }

    /// Re-rated detractors whose re-rating is 7–10.
    #[getter]
    fn detractors_moved_up(&self) -> u64 {
        self.inner.detractors_moved_up
    }

    /// Re-rated detractors whose re-rating is 9–10.
    #[getter]
    fn detractors_to_promoter(&self) -> u64 {
        self.inner.detractors_to_promoter
    }

    fn __repr__(&self) -> String {
        let f = |v: Option<f64>| v.map_or("None".to_string(), |x| format!("{x:.2}"));
        format!(
            "Rerating(basis='{}', original_nps={}, after_recovery_nps={}, rerated={}, detractors_moved_up={})",
            self.inner.basis.name(),
            f(self.original_nps()),
            f(self.after_recovery_nps()),
            self.inner.rerated,
            self.inner.detractors_moved_up
        )
    }
}

struct RerateColumn<'a, 'py> {
    py: Python<'py>,
    rerated: &'a [f64],
    basis: Basis,
}

impl Visit for RerateColumn<'_, '_> {
    type Out = PyResult<Rerating>;
    fn visit<T: ScoreValue>(self, values: &[T]) -> PyResult<Rerating> {
        let (rerated, basis) = (self.rerated, self.basis);
        self.py
            .detach(|| core_rerated(values, rerated, None, basis))
            .py()
    }
}

/// Tallies original scores and their re-ratings after recovery.
///
/// A re-rating is stored next to the original score, never instead of it:
/// the reported NPS uses the original scores unless `basis="rerated"`.
///
/// Args:
///     original: the original scores (0-10): numpy, pandas, polars or list.
///     rerated: same length; the re-rating of each row after recovery, or
///         NaN / None / null when the row was not re-rated.
///     basis: "original" (default), "rerated" (re-rated where present, else
///         original) or "both" (reported = original, both shown).
///
/// Returns a `Rerating`. Raises InvalidScoreError (invalid original, with
/// its row), InvalidValueError (invalid re-rating, naming `rerated`),
/// LengthMismatchError.
///
/// >>> r = nps.rerated_nps([2, 9, 10, 6], [9, 9, 10, 6])
/// >>> r.basis, r.original_nps, r.after_recovery_nps
/// ('original', 0.0, 50.0)
#[pyfunction]
#[pyo3(signature = (original, rerated, *, basis = "original"))]
pub(crate) fn rerated_nps(
    py: Python<'_>,
    original: &Bound<'_, PyAny>,
    rerated: &Bound<'_, PyAny>,
    basis: &str,
) -> PyResult<PyRerating> {
    let basis = Basis::from_name(basis).py()?;
    let original = numbers(original, "original")?;
    let rerated = numbers(rerated, "rerated")?;
    let rerated = rerated.to_f64()?;
    let inner = original.visit(RerateColumn {
        py,
        rerated: &rerated,
        basis,
    })??;
    Ok(PyRerating { key: None, inner })
}

/// The result of `rerated_nps_by`: one `Rerating` per group, sorted by key.
///
/// >>> t = nps.rerated_nps_by([2, 9, 10, 6], [9, 9, 10, 6], ["a", "a", "b", "b"])
/// >>> [(r.key, r.after_recovery_nps) for r in t]
/// [('a', 100.0), ('b', 0.0)]
#[pyclass(frozen, eq, sequence, module = "nps", name = "ReratingTable")]
#[derive(PartialEq)]
pub(crate) struct PyReratingTable {
    table: ReratingTable,
    /// The names of the key columns, when known (DataFrame columns, named Series).
    key_names: Vec<Option<String>>,
}

/// What a pickled `ReratingTable` holds: the core table and the key names.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedReratingTable {
    table: ReratingTable,
    key_names: Vec<Option<String>>,
}

impl nps_core::state::Saved for SavedReratingTable {
    const KIND: &'static str = "ReratingTable";
    fn check(&self) -> nps_core::Result<()> {
        self.table.check()
    }
}

/// The key names of two merged tables: equal, or known in one only;
/// different known names are an `InvalidArgumentError` naming `other`.
pub(crate) fn merge_key_names(
    a: &[Option<String>],
    b: &[Option<String>],
) -> PyResult<Vec<Option<String>>> {
    let known = |v: &[Option<String>]| v.iter().any(Option::is_some);
    match (known(a), known(b)) {
        (_, false) => Ok(a.to_vec()),
        (false, true) => Ok(b.to_vec()),
        (true, true) if a == b => Ok(a.to_vec()),
        _ => Err(invalid_argument(
            "other",
            format!("grouped by other key columns ({a:?} vs {b:?})"),
        )),
    }
}

impl PyReratingTable {
    fn row(&self, py: Python<'_>, i: usize) -> PyResult<PyRerating> {
        let g = &self.table.groups[i];
        Ok(PyRerating {
            key: Some(key_to_py(py, &g.key)?.unbind()),
            inner: g.rerating,
        })
    }
}

#[pymethods]
impl PyReratingTable {
    fn __len__(&self) -> usize {
        self.table.groups.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: isize) -> PyResult<PyRerating> {
        let len = self.table.groups.len() as isize;
        let i = if index < 0 { index + len } else { index };
        if !(0..len).contains(&i) {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "ReratingTable index out of range",
            ));
        }
        self.row(py, i as usize)
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let rows = (0..me.table.groups.len())
            .map(|i| me.row(py, i))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)?.try_iter().map(|it| it.into_any())
    }

    /// The table as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
    /// `to_polars`, `to_dict`): the key columns (named after the columns
    /// grouped by when known, else `key` or `key_0`, `key_1`, ...),
    /// `basis`, `n`, `reported_nps`, `original_nps`, `after_recovery_nps`
    /// (None without data), `rerated`, `detractors_rerated`,
    /// `detractors_moved_up`, `detractors_to_promoter`.
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table::columns(py, table::named(self.table.to_table(), &self.key_names))
    }

    /// This table and `other` (of disjoint rows) together: groups with the
    /// same key merge, the others are kept; equal to `rerated_nps_by` over
    /// both at once. Also `self + other`. Raises InvalidArgumentError
    /// (argument `other`) for another basis or other key columns.
    ///
    /// >>> a = nps.rerated_nps_by([2, 9], [9, None], ["x", "y"])
    /// >>> b = nps.rerated_nps_by([6], [7], ["x"])
    /// >>> [(r.key, r.detractors_moved_up) for r in a + b]
    /// [('x', 2), ('y', 0)]
    fn merge(&self, other: &PyReratingTable) -> PyResult<PyReratingTable> {
        Ok(PyReratingTable {
            table: self.table.merge(&other.table).py()?,
            key_names: merge_key_names(&self.key_names, &other.key_names)?,
        })
    }

    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.cast::<PyReratingTable>() {
            Ok(o) => Ok(Py::new(py, self.merge(o.get())?)?.into_any()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedReratingTable {
            table: me.table.clone(),
            key_names: me.key_names.clone(),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The table of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedReratingTable = state::load(state)?;
        Ok(PyReratingTable {
            table: s.table,
            key_names: s.key_names,
        })
    }

    fn __repr__(&self) -> String {
        format!("<ReratingTable: {} groups>", self.table.groups.len())
    }
}

struct RerateByColumn<'a, 'b, 'py> {
    py: Python<'py>,
    rerated: &'a [f64],
    keys: Keys<'b>,
    basis: Basis,
}

impl Visit for RerateByColumn<'_, '_, '_> {
    type Out = PyResult<Vec<GroupRerating>>;
    fn visit<T: ScoreValue>(self, values: &[T]) -> PyResult<Vec<GroupRerating>> {
        let (rerated, keys, basis) = (self.rerated, self.keys, self.basis);
        self.py
            .detach(|| core_rerated_by(values, rerated, None, keys, basis))
            .py()
    }
}

/// `rerated_nps` per group (dealer, advisor): one `Rerating` per key.
///
/// Args:
///     original: the original scores (0-10), any numeric column.
///     rerated: the re-rating of each row after recovery; NaN / None /
///         null = not re-rated.
///     by: the group key of each row (ints or strings).
///     basis: "original" (default), "rerated" or "both".
///
/// Returns a `ReratingTable` (iterable, `to_pandas()`, `to_polars()`).
///
/// >>> t = nps.rerated_nps_by([2, 9, 10, 6], [9, 9, 10, 6], ["a", "a", "b", "b"])
/// >>> [(r.key, r.original_nps) for r in t]
/// [('a', 0.0), ('b', 0.0)]
#[pyfunction]
#[pyo3(signature = (original, rerated, by, *, basis = "original"))]
pub(crate) fn rerated_nps_by(
    py: Python<'_>,
    original: &Bound<'_, PyAny>,
    rerated: &Bound<'_, PyAny>,
    by: &Bound<'_, PyAny>,
    basis: &str,
) -> PyResult<PyReratingTable> {
    let basis = Basis::from_name(basis).py()?;
    let original = numbers(original, "original")?;
    let rerated = numbers(rerated, "rerated")?;
    let rerated = rerated.to_f64()?;
    let key_cols = KeyColumns::new(by, "by")?;
    let groups = key_cols.with(|keys| {
        original.visit(RerateByColumn {
            py,
            rerated: &rerated,
            keys,
            basis,
        })
    })???;
    Ok(PyReratingTable {
        table: groups.into(),
        key_names: key_cols.names,
    })
}

/// One test of one group: the statistic and threshold behind the verdict.
///
/// >>> scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
/// >>> f = nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40)
/// >>> x = [x for x in f if x.key == "A" and x.test == "tens"][0]
/// >>> x.status, x.observed, x.n  # 40 tens of 45
/// ('flagged', 40, 45)
#[pyclass(frozen, eq, module = "nps", name = "ManagedFlag")]
pub(crate) struct PyManagedFlag {
    /// The group's key (int or str).
    #[pyo3(get)]
    key: Py<PyAny>,
    /// "tens", "few_detractors", "nothing_below_9" or "rerating_pressure".
    #[pyo3(get)]
    test: &'static str,
    /// "flagged", "not_flagged", "insufficient_n" or "no_data".
    #[pyo3(get)]
    status: &'static str,
    /// True when status is "flagged".
    #[pyo3(get)]
    flagged: bool,
    /// Trials: the group's responses (its detractors for "rerating_pressure").
    #[pyo3(get)]
    n: u64,
    /// Observed count in the group.
    #[pyo3(get)]
    observed: u64,
    /// observed / n, or None when n is 0.
    #[pyo3(get)]
    share: Option<f64>,
    /// Trials in the network without this group.
    #[pyo3(get)]
    network_n: u64,
    /// Observed count in the network without this group.
    #[pyo3(get)]
    network_observed: u64,
    /// The null share (network without this group), or None.
    #[pyo3(get)]
    network_share: Option<f64>,
    /// "upper" (P(X >= observed)) or "lower" (P(X <= observed)).
    #[pyo3(get)]
    tail: &'static str,
    /// Exact binomial tail probability, or None without a network share.
    #[pyo3(get)]
    p_value: Option<f64>,
    /// Natural log of p_value (finite where p_value underflows to 0).
    #[pyo3(get)]
    ln_p_value: Option<f64>,
    /// Natural log of the smallest p-value reachable at this n.
    #[pyo3(get)]
    ln_min_p_value: Option<f64>,
    /// The corrected threshold (alpha / comparisons for Bonferroni).
    #[pyo3(get)]
    threshold: f64,
    /// The core row (pickled).
    core: ManagedFlag,
}

impl PyManagedFlag {
    fn new(py: Python<'_>, r: &ManagedFlag) -> PyResult<PyManagedFlag> {
        Ok(PyManagedFlag {
            key: key_to_py(py, &r.key)?.unbind(),
            test: r.test.name(),
            status: r.status.name(),
            flagged: r.status == FlagStatus::Flagged,
            n: r.n,
            observed: r.observed,
            share: r.share,
            network_n: r.network_n,
            network_observed: r.network_observed,
            network_share: r.network_share,
            tail: if r.test.upper_tail() {
                "upper"
            } else {
                "lower"
            },
            p_value: r.p_value,
            ln_p_value: r.ln_p_value,
            ln_min_p_value: r.ln_min_p_value,
            threshold: r.threshold,
            core: r.clone(),
        })
    }
}

/// Equal when the core rows are (the key objects come from them).
impl PartialEq for PyManagedFlag {
    fn eq(&self, other: &Self) -> bool {
        self.core == other.core
    }
}

#[pymethods]
impl PyManagedFlag {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().core)
    }

    /// The row of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(py: Python<'_>, state: &[u8]) -> PyResult<Self> {
        PyManagedFlag::new(py, &state::load(state)?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ManagedFlag(key={}, test='{}', status='{}', observed={}/{}, network_share={:?}, p_value={:?}, threshold={:e})",
            self.key.bind(py).repr()?,
            self.test,
            self.status,
            self.observed,
            self.n,
            self.network_share,
            self.p_value,
            self.threshold
        ))
    }
}

/// The result of `managed_flags`: one row per group and test, groups sorted
/// by key, tests in the order tens, few_detractors, nothing_below_9,
/// rerating_pressure.
///
/// >>> scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
/// >>> f = nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40)
/// >>> sorted(x.test for x in f if x.key == "A" and x.status == "flagged")
/// ['few_detractors', 'nothing_below_9', 'tens']
#[pyclass(frozen, eq, sequence, module = "nps", name = "ManagedFlags")]
#[derive(PartialEq)]
pub(crate) struct PyManagedFlags {
    inner: ManagedFlags,
    /// The names of the key columns, when known (DataFrame columns, named Series).
    key_names: Vec<Option<String>>,
}

/// What a pickled `ManagedFlags` holds: the core flags and the key names.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedFlags {
    flags: ManagedFlags,
    key_names: Vec<Option<String>>,
}

impl nps_core::state::Saved for SavedFlags {
    const KIND: &'static str = "ManagedFlags";
    fn check(&self) -> nps_core::Result<()> {
        self.flags.check()
    }
}

#[pymethods]
impl PyManagedFlags {
    fn __len__(&self) -> usize {
        self.inner.rows.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: isize) -> PyResult<PyManagedFlag> {
        let len = self.inner.rows.len() as isize;
        let i = if index < 0 { index + len } else { index };
        if !(0..len).contains(&i) {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "ManagedFlags index out of range",
            ));
        }
        PyManagedFlag::new(py, &self.inner.rows[i as usize])
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let rows = slf
            .get()
            .inner
            .rows
            .iter()
            .map(|r| PyManagedFlag::new(py, r))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)?.try_iter().map(|it| it.into_any())
    }

    /// The flagged rows.
    fn flagged(&self, py: Python<'_>) -> PyResult<Vec<PyManagedFlag>> {
        self.inner
            .flagged()
            .map(|r| PyManagedFlag::new(py, r))
            .collect()
    }

    /// Family-wise significance level.
    #[getter]
    fn alpha(&self) -> f64 {
        self.inner.alpha
    }

    /// "bonferroni" or "none".
    #[getter]
    fn correction(&self) -> &'static str {
        self.inner.correction.name()
    }

    /// Number of comparisons (groups × tests).
    #[getter]
    fn comparisons(&self) -> u64 {
        self.inner.comparisons
    }

    /// The corrected threshold every p-value is compared with.
    #[getter]
    fn threshold(&self) -> f64 {
        self.inner.threshold
    }

    /// Minimum responses per group.
    #[getter]
    fn min_n(&self) -> u64 {
        self.inner.min_n
    }

    /// Rows skipped for an invalid score (invalid="skip").
    #[getter]
    fn skipped(&self) -> u64 {
        self.inner.skipped
    }

    /// Whether the re-rating-pressure test ran (`rerated` was given).
    #[getter]
    fn rerated(&self) -> bool {
        self.inner.rerated
    }

    /// The rows as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
    /// `to_polars`, `to_dict`): the key columns (named after the columns
    /// grouped by when known, else `key` or `key_0`, `key_1`, ...), then
    /// the `ManagedFlag` fields `test`, `status`, `flagged`, `n`,
    /// `observed`, `share`, `network_n`, `network_observed`,
    /// `network_share`, `tail`, `p_value`, `ln_p_value`, `ln_min_p_value`,
    /// `threshold` (None where a row has no value).
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table::columns(py, table::named(self.inner.to_table(), &self.key_names))
    }

    /// The flags of these rows and of `other` (disjoint rows, e.g. another
    /// partition) together: each group's counts add and every share,
    /// p-value, the number of comparisons, the threshold and every verdict
    /// are recomputed, so the result equals `managed_flags` over both at
    /// once. Also `self + other`. Raises InvalidArgumentError (argument
    /// `other`) when the two were computed with different alpha, min_n,
    /// correction or with and without `rerated`.
    ///
    /// >>> a = nps.managed_flags([10] * 40 + [9] * 5, ["A"] * 45, min_n=0)
    /// >>> b = nps.managed_flags([10] * 10 + [9] * 10 + [8] * 10 + [5] * 10, ["B"] * 40, min_n=0)
    /// >>> sorted(x.test for x in a + b if x.key == "A" and x.flagged)
    /// ['few_detractors', 'nothing_below_9', 'tens']
    fn merge(&self, other: &PyManagedFlags) -> PyResult<PyManagedFlags> {
        Ok(PyManagedFlags {
            inner: self.inner.merge(&other.inner).py()?,
            key_names: merge_key_names(&self.key_names, &other.key_names)?,
        })
    }

    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.cast::<PyManagedFlags>() {
            Ok(o) => Ok(Py::new(py, self.merge(o.get())?)?.into_any()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedFlags {
            flags: me.inner.clone(),
            key_names: me.key_names.clone(),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The flags of a state written by pickling (`pickle.loads`); every
    /// share, p-value and verdict is checked against its recomputation.
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedFlags = state::load(state)?;
        Ok(PyManagedFlags {
            inner: s.flags,
            key_names: s.key_names,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<ManagedFlags: {} rows, {} flagged, alpha={}, correction='{}', comparisons={}, threshold={:e}, min_n={}>",
            self.inner.rows.len(),
            self.inner.flagged().count(),
            self.inner.alpha,
            self.inner.correction.name(),
            self.inner.comparisons,
            self.inner.threshold,
            self.inner.min_n
        )
    }
}

struct FlagColumn<'a, 'b, 'py> {
    py: Python<'py>,
    keys: Keys<'b>,
    rerated: Option<&'a [f64]>,
    opts: FlagOptions,
}

impl Visit for FlagColumn<'_, '_, '_> {
    type Out = PyResult<ManagedFlags>;
    fn visit<T: ScoreValue>(self, values: &[T]) -> PyResult<ManagedFlags> {
        let (keys, rerated, opts) = (self.keys, self.rerated, self.opts);
        self.py
            .detach(|| match rerated {
                Some(r) => managed_flags_rerated(
                    values,
                    Rerated {
                        scores: r,
                        present: None,
                    },
                    keys,
                    &opts,
                ),
                None => core_flags(values, keys, &opts),
            })
            .py()
    }
}

/// Flags groups whose score distribution looks managed.
///
/// Each group is tested against the rest of the network (leave-one-out)
/// with exact binomial tails: "tens" (too many 10s, P(X >= x)),
/// "few_detractors" (P(X <= x); (1-p)^n when there are none),
/// "nothing_below_9" (a form that only accepts 9-10), and with `rerated`
/// "rerating_pressure" (the share of the group's detractors re-rated to
/// 7-10). A test is flagged when its p-value <= alpha / (groups x tests)
/// (Bonferroni; `correction="none"` uses alpha). Groups with fewer than
/// `min_n` responses, or too small to ever reach the threshold, are
/// "insufficient_n".
///
/// Args:
///     scores: original scores (0-10), any numeric column; or a DataFrame
///         (pandas, polars, pyarrow Table) whose columns `by=`, `score=`
///         and `rerated=` name.
///     by: the group key of each row (dealer, advisor; ints or strings),
///         or a list of key columns (one group per combination); with a
///         DataFrame, a column name or a list of names.
///     score: with a DataFrame, the name of its score column.
///     alpha: family-wise significance level in (0, 1), default 0.001.
///     min_n: minimum responses per group, default 30.
///     correction: "bonferroni" (default) or "none".
///     rerated: optional re-ratings (NaN / None = not re-rated); with a
///         DataFrame, the name of its column.
///     invalid: "raise" (default) or "skip" invalid scores.
///
/// Returns `ManagedFlags`: rows sorted by key then test, with
/// `to_pandas()`, `to_polars()`, `to_arrow()` (key columns named after
/// the columns grouped by when known). Partial flags of disjoint rows
/// merge exactly (`ManagedFlags.merge`, `+`).
///
/// >>> scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
/// >>> f = nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40)
/// >>> f.alpha, f.correction
/// (0.001, 'bonferroni')
/// >>> import pandas as pd
/// >>> df = pd.DataFrame({"dealer": ["A"] * 45 + ["B"] * 40, "nps": scores})
/// >>> t = nps.managed_flags(df, by="dealer", score="nps").to_pandas()
/// >>> list(t.columns[:3]), int(t["flagged"].sum())
/// (['dealer', 'test', 'status'], 3)
#[pyfunction]
#[pyo3(signature = (scores, by = None, *, score = None, alpha = None, min_n = None, correction = None, rerated = None, invalid = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn managed_flags(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    by: Option<&Bound<'_, PyAny>>,
    score: Option<&str>,
    alpha: Option<f64>,
    min_n: Option<Int>,
    correction: Option<&str>,
    rerated: Option<&Bound<'_, PyAny>>,
    invalid: Option<&str>,
) -> PyResult<PyManagedFlags> {
    let d = FlagOptions::default();
    let min_n = match min_n {
        None => d.min_n,
        Some(m) => m.to("min_n", 0u64, u64::MAX)?,
    };
    let opts = FlagOptions {
        alpha: alpha.unwrap_or(d.alpha),
        min_n,
        correction: correction
            .map_or(Ok(d.correction), Correction::from_name)
            .py()?,
        invalid: invalid
            .map_or(Ok(d.invalid), InvalidPolicy::from_name)
            .py()?,
    };
    let by = by.ok_or_else(|| invalid_argument("by", "is required (the group key columns)"))?;
    // The DataFrame form: columns by name.
    let (scores, key_cols, rerated) = if is_frame(scores)? {
        let df = scores;
        let score = score.ok_or_else(|| {
            invalid_argument("score", "the DataFrame form needs score= (a column name)")
        })?;
        let names: Vec<String> = match by.extract::<String>() {
            Ok(n) => vec![n],
            Err(_) => by.extract().map_err(|_| {
                invalid_argument("by", "with a DataFrame, a column name or a list of names")
            })?,
        };
        let mut key_cols = match names.as_slice() {
            [one] => KeyColumns::new(&frame_column(df, one)?, "by")?,
            many => {
                let cols = many
                    .iter()
                    .map(|n| frame_column(df, n))
                    .collect::<PyResult<Vec<_>>>()?;
                KeyColumns::new(PyList::new(py, cols)?.as_any(), "by")?
            }
        };
        key_cols.names = names.into_iter().map(Some).collect();
        let rerated = rerated
            .filter(|r| !r.is_none())
            .map(|r| {
                let name: String = r.extract().map_err(|_| {
                    invalid_argument("rerated", "with a DataFrame, name its column (a str)")
                })?;
                frame_column(df, &name)
            })
            .transpose()?;
        (frame_column(df, score)?, key_cols, rerated)
    } else {
        if score.is_some() {
            return Err(invalid_argument(
                "score",
                "score= names the score column of a DataFrame passed first",
            ));
        }
        (scores.clone(), KeyColumns::new(by, "by")?, rerated.cloned())
    };
    let scores = numbers(&scores, "scores")?;
    let rerated = rerated.map(|r| numbers(&r, "rerated")).transpose()?;
    let rerated = rerated.as_ref().map(|r| r.to_f64()).transpose()?;
    let inner = key_cols.with(|keys| {
        scores.visit(FlagColumn {
            py,
            keys,
            rerated: rerated.as_deref(),
            opts,
        })
    })???;
    Ok(PyManagedFlags {
        inner,
        key_names: key_cols.names,
    })
}
