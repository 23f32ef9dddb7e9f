//! `nps.rerated_nps`, `nps.Rerating`, `nps.managed_flags`,
//! `nps.ManagedFlags`, `nps.ManagedFlag`: integrity of the score. Every
//! rule lives in `nps_core::integrity`; this file only converts.

use crate::errors::Int;
use nps_core::group::Keys;
use nps_core::integrity::{
    managed_flags as core_flags, managed_flags_rerated, rerated_nps as core_rerated,
    rerated_nps_by as core_rerated_by, Basis, Correction, FlagOptions, FlagStatus, GroupRerating,
    ManagedFlag, ManagedFlags, Rerated, Rerating,
};
use nps_core::{InvalidPolicy, NpsSample, ScoreValue};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::column::{numbers, Visit};
use crate::errors::CoreResult;
use crate::group::{key_to_py, KeyColumns};
use crate::tally::PyTally;

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
#[pyclass(frozen, sequence, module = "nps", name = "ReratingTable")]
pub(crate) struct PyReratingTable {
    groups: Vec<GroupRerating>,
}

impl PyReratingTable {
    fn row(&self, py: Python<'_>, i: usize) -> PyResult<PyRerating> {
        let g = &self.groups[i];
        Ok(PyRerating {
            key: Some(key_to_py(py, &g.key)?.unbind()),
            inner: g.rerating,
        })
    }
}

#[pymethods]
impl PyReratingTable {
    fn __len__(&self) -> usize {
        self.groups.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: isize) -> PyResult<PyRerating> {
        let len = self.groups.len() as isize;
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
        let rows = (0..me.groups.len())
            .map(|i| me.row(py, i))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)?.try_iter().map(|it| it.into_any())
    }

    /// The table as a dict of equal-length lists: key, basis, n, reported_nps,
    /// original_nps, after_recovery_nps, rerated, detractors_rerated,
    /// detractors_moved_up, detractors_to_promoter (NPS None without data).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let g = &self.groups;
        let d = PyDict::new(py);
        let keys = g
            .iter()
            .map(|x| key_to_py(py, &x.key))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("key", keys)?;
        d.set_item(
            "basis",
            g.iter()
                .map(|x| x.rerating.basis.name())
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "n",
            g.iter()
                .map(|x| x.rerating.original.n())
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "reported_nps",
            g.iter()
                .map(|x| x.rerating.reported().nps().ok())
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "original_nps",
            g.iter()
                .map(|x| x.rerating.original.nps().ok())
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "after_recovery_nps",
            g.iter()
                .map(|x| x.rerating.after_recovery.nps().ok())
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "rerated",
            g.iter().map(|x| x.rerating.rerated).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "detractors_rerated",
            g.iter()
                .map(|x| x.rerating.detractors_rerated)
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "detractors_moved_up",
            g.iter()
                .map(|x| x.rerating.detractors_moved_up)
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "detractors_to_promoter",
            g.iter()
                .map(|x| x.rerating.detractors_to_promoter)
                .collect::<Vec<_>>(),
        )?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!("<ReratingTable: {} groups>", self.groups.len())
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
    Ok(PyReratingTable { groups })
}

/// One test of one group: the statistic and threshold behind the verdict.
///
/// >>> scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
/// >>> f = nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40)
/// >>> x = [x for x in f if x.key == "A" and x.test == "tens"][0]
/// >>> x.status, x.observed, x.n  # 40 tens of 45
/// ('flagged', 40, 45)
#[pyclass(frozen, get_all, module = "nps", name = "ManagedFlag")]
pub(crate) struct PyManagedFlag {
    /// The group's key (int or str).
    key: Py<PyAny>,
    /// "tens", "few_detractors", "nothing_below_9" or "rerating_pressure".
    test: &'static str,
    /// "flagged", "not_flagged", "insufficient_n" or "no_data".
    status: &'static str,
    /// True when status is "flagged".
    flagged: bool,
    /// Trials: the group's responses (its detractors for "rerating_pressure").
    n: u64,
    /// Observed count in the group.
    observed: u64,
    /// observed / n, or None when n is 0.
    share: Option<f64>,
    /// Trials in the network without this group.
    network_n: u64,
    /// Observed count in the network without this group.
    network_observed: u64,
    /// The null share (network without this group), or None.
    network_share: Option<f64>,
    /// "upper" (P(X >= observed)) or "lower" (P(X <= observed)).
    tail: &'static str,
    /// Exact binomial tail probability, or None without a network share.
    p_value: Option<f64>,
    /// Natural log of p_value (finite where p_value underflows to 0).
    ln_p_value: Option<f64>,
    /// Natural log of the smallest p-value reachable at this n.
    ln_min_p_value: Option<f64>,
    /// The corrected threshold (alpha / comparisons for Bonferroni).
    threshold: f64,
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
        })
    }
}

#[pymethods]
impl PyManagedFlag {
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
#[pyclass(frozen, sequence, module = "nps", name = "ManagedFlags")]
pub(crate) struct PyManagedFlags {
    inner: ManagedFlags,
}

const COLUMNS: [&str; 15] = [
    "key",
    "test",
    "status",
    "flagged",
    "n",
    "observed",
    "share",
    "network_n",
    "network_observed",
    "network_share",
    "tail",
    "p_value",
    "ln_p_value",
    "ln_min_p_value",
    "threshold",
];

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

    /// The table as a dict of equal-length lists (the `ManagedFlag` fields).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let rows: Vec<PyManagedFlag> = self
            .inner
            .rows
            .iter()
            .map(|r| PyManagedFlag::new(py, r))
            .collect::<PyResult<_>>()?;
        let d = PyDict::new(py);
        d.set_item(
            "key",
            rows.iter().map(|r| r.key.clone_ref(py)).collect::<Vec<_>>(),
        )?;
        d.set_item("test", rows.iter().map(|r| r.test).collect::<Vec<_>>())?;
        d.set_item("status", rows.iter().map(|r| r.status).collect::<Vec<_>>())?;
        d.set_item(
            "flagged",
            rows.iter().map(|r| r.flagged).collect::<Vec<_>>(),
        )?;
        d.set_item("n", rows.iter().map(|r| r.n).collect::<Vec<_>>())?;
        d.set_item(
            "observed",
            rows.iter().map(|r| r.observed).collect::<Vec<_>>(),
        )?;
        d.set_item("share", rows.iter().map(|r| r.share).collect::<Vec<_>>())?;
        d.set_item(
            "network_n",
            rows.iter().map(|r| r.network_n).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "network_observed",
            rows.iter().map(|r| r.network_observed).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "network_share",
            rows.iter().map(|r| r.network_share).collect::<Vec<_>>(),
        )?;
        d.set_item("tail", rows.iter().map(|r| r.tail).collect::<Vec<_>>())?;
        d.set_item(
            "p_value",
            rows.iter().map(|r| r.p_value).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "ln_p_value",
            rows.iter().map(|r| r.ln_p_value).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "ln_min_p_value",
            rows.iter().map(|r| r.ln_min_p_value).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "threshold",
            rows.iter().map(|r| r.threshold).collect::<Vec<_>>(),
        )?;
        debug_assert_eq!(d.len(), COLUMNS.len());
        Ok(d)
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
///     scores: original scores (0-10), any numeric column.
///     by: the group key of each row (dealer, advisor; ints or strings).
///     alpha: family-wise significance level in (0, 1), default 0.001.
///     min_n: minimum responses per group, default 30.
///     correction: "bonferroni" (default) or "none".
///     rerated: optional re-ratings (NaN / None = not re-rated).
///     invalid: "raise" (default) or "skip" invalid scores.
///
/// Returns `ManagedFlags`: rows sorted by key then test, with
/// `to_pandas()` / `to_polars()`.
///
/// >>> scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
/// >>> f = nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40)
/// >>> f.alpha, f.correction
/// (0.001, 'bonferroni')
#[pyfunction]
#[pyo3(signature = (scores, by, *, alpha = None, min_n = None, correction = None, rerated = None, invalid = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn managed_flags(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    by: &Bound<'_, PyAny>,
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
    let scores = numbers(scores, "scores")?;
    let key_cols = KeyColumns::new(by, "by")?;
    let rerated = rerated.map(|r| numbers(r, "rerated")).transpose()?;
    let rerated = rerated.as_ref().map(|r| r.to_f64()).transpose()?;
    let inner = key_cols.with(|keys| {
        scores.visit(FlagColumn {
            py,
            keys,
            rerated: rerated.as_deref(),
            opts,
        })
    })???;
    Ok(PyManagedFlags { inner })
}
