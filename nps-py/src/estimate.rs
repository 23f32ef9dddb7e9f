//! `nps.kpi.estimate_accuracy`, `nps.kpi.EstimateAccuracy`,
//! `nps.kpi.parts_availability` and `nps.kpi.PartsAvailability`.
//! Conversion only: the rules live in `nps_core::kpi`.

use nps_core::kpi::{
    estimate_accuracy, parts_availability, EstimateAccuracy, EstimateOptions, PartsAvailability,
};
use nps_core::money::Currency;
use pyo3::prelude::*;
use pyo3::types::{PyDelta, PyDeltaAccess, PyTuple};
use serde::{Deserialize, Serialize};

use crate::column::Categories;
use crate::errors::CoreResult;
use crate::flow::{dist, PyDistribution};
use crate::kpi::{
    f64_vec, flags, group_args, grouped, i64_vec, key_categories, key_names, named_kpi_table, need,
    Form, PyKpi, PyKpiTable,
};
use crate::state;
use crate::table::{self, loaded_categories, merge_categories, saved_categories, KeyCategories};

/// Estimate accuracy (price transparency): the share of repair orders
/// billed within tolerance of the quote (`value`, `numerator`,
/// `denominator`, `coverage`), the overrun distributions and the
/// unapproved increases; `table` and `unapproved_table` are the grouped
/// KPI tables.
///
/// A result is also a partial result: `a.merge(b)` (or `a + b`, `sum()`)
/// is the result of the orders of both, as if computed in one pass (the
/// overrun distributions included); results computed with another
/// tolerance or currency do not merge. It pickles exactly, with the key
/// names of its tables.
///
/// >>> e = nps.kpi.estimate_accuracy([80_000, 20_000], [150_000, 20_000])  # 800 → 1500, 200 → 200
/// >>> e.value, e.unapproved, e.unapproved_minor, e.overrun_relative.p90
/// (0.5, 1, 70000, 0.7875)
#[pyclass(frozen, eq, module = "nps.kpi", name = "EstimateAccuracy")]
#[derive(PartialEq)]
pub(crate) struct PyEstimateAccuracy {
    e: EstimateAccuracy,
    key_names: Vec<Option<String>>,
    /// The categories of categorical key columns, whose keys are codes.
    categories: KeyCategories,
}

/// What a pickled `EstimateAccuracy` holds: the core result and the key
/// names (and categories) of its tables.
#[derive(Serialize, Deserialize)]
struct SavedEstimate {
    value: EstimateAccuracy,
    key_names: Vec<Option<String>>,
    #[serde(default)]
    categories: Vec<Option<Categories>>,
}

impl nps_core::state::Saved for SavedEstimate {
    const KIND: &'static str = "nps.kpi.EstimateAccuracy";
}

#[pymethods]
impl PyEstimateAccuracy {
    /// Share of orders with a quote billed within tolerance; None without
    /// quotes.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.e.within.overall.value
    }
    /// Orders billed within tolerance.
    #[getter]
    fn numerator(&self) -> f64 {
        self.e.within.overall.numerator
    }
    /// Orders with a quote above 0.
    #[getter]
    fn denominator(&self) -> f64 {
        self.e.within.overall.denominator
    }
    /// Share of the orders that had a quote; None without orders.
    #[getter]
    fn coverage(&self) -> Option<f64> {
        self.e.within.overall.coverage
    }
    /// Orders billed more than the quote plus the approved additions.
    #[getter]
    fn unapproved(&self) -> u64 {
        self.e.unapproved.overall.numerator as u64
    }
    /// `unapproved` / orders with a quote; None without quotes.
    #[getter]
    fn unapproved_share(&self) -> Option<f64> {
        self.e.unapproved.overall.value
    }
    /// Sum of the unapproved increases, in minor units.
    #[getter]
    fn unapproved_minor(&self) -> i64 {
        self.e.unapproved_minor
    }
    /// final − quote in minor units, over orders with a quote (a
    /// `Distribution`: `n`, `mean`, `median`, `p90`).
    #[getter]
    fn overrun_minor(&self) -> PyDistribution {
        dist(&self.e.overrun_minor)
    }
    /// (final − quote) / quote, over orders with a quote (a `Distribution`).
    #[getter]
    fn overrun_relative(&self) -> PyDistribution {
        dist(&self.e.overrun_relative)
    }
    /// The tolerance used.
    #[getter]
    fn tolerance(&self) -> f64 {
        self.e.options.tolerance
    }
    /// The currency of the amounts.
    #[getter]
    fn currency(&self) -> &'static str {
        self.e.options.currency.code()
    }
    /// The share within tolerance, overall and per group (a KpiTable).
    #[getter]
    fn table(&self) -> PyKpiTable {
        named_kpi_table(self.e.within.clone(), &self.key_names, &self.categories)
    }
    /// The share with an unapproved increase, overall and per group.
    #[getter]
    fn unapproved_table(&self) -> PyKpiTable {
        named_kpi_table(self.e.unapproved.clone(), &self.key_names, &self.categories)
    }

    /// The result of the orders of this result followed by those of
    /// `other`: equal to the result computed in one pass over all of them
    /// (the tables' counts, the unapproved increases and the overrun
    /// distributions, median and p90 included). Raises InvalidArgumentError
    /// (argument `other`) for a result computed with another tolerance or
    /// currency, or grouped by another period, time zone or key columns.
    ///
    /// >>> a = nps.kpi.estimate_accuracy([80_000], [150_000])
    /// >>> b = nps.kpi.estimate_accuracy([20_000], [20_000])
    /// >>> m = a.merge(b)
    /// >>> m.value, m.overrun_relative.median
    /// (0.5, 0.4375)
    /// >>> m == nps.kpi.estimate_accuracy([80_000, 20_000], [150_000, 20_000])
    /// True
    fn merge(&self, other: &PyEstimateAccuracy) -> PyResult<PyEstimateAccuracy> {
        Ok(PyEstimateAccuracy {
            e: self.e.merge(&other.e).py()?,
            key_names: state::merge_names(&self.key_names, &other.key_names)?,
            categories: merge_categories(&self.categories, &other.categories)?,
        })
    }

    /// `a + b` is `a.merge(b)`.
    fn __add__(&self, other: &PyEstimateAccuracy) -> PyResult<PyEstimateAccuracy> {
        self.merge(other)
    }

    /// `0 + a` is `a` (so `sum(results)` works).
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        state::radd(slf, other)
    }

    fn __repr__(&self) -> String {
        format!(
            "EstimateAccuracy(value={:?}, numerator={}, denominator={}, unapproved={}, unapproved_minor={}, currency={:?})",
            self.value(),
            self.numerator(),
            self.denominator(),
            self.unapproved(),
            self.e.unapproved_minor,
            self.currency()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedEstimate {
            value: me.e.clone(),
            key_names: me.key_names.clone(),
            categories: saved_categories(&me.categories),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The result of a state written by pickling (`pickle.loads`), with
    /// the key names and categories of its tables.
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedEstimate = state::load(state)?;
        Ok(PyEstimateAccuracy {
            e: s.value,
            key_names: s.key_names,
            categories: loaded_categories(s.categories),
        })
    }
}

/// Estimate accuracy. See `nps.kpi.estimate_accuracy`.
#[pyfunction]
#[pyo3(signature = (first = None, final_minor = None, *, quoted = None, approved_minor = None, tolerance = None, currency = None, currencies = None, by = None, timestamps = None, time = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_estimate_accuracy<'py>(
    py: Python<'py>,
    first: Option<&Bound<'py, PyAny>>,
    final_minor: Option<&Bound<'py, PyAny>>,
    quoted: Option<&Bound<'py, PyAny>>,
    approved_minor: Option<&Bound<'py, PyAny>>,
    tolerance: Option<f64>,
    currency: Option<&str>,
    currencies: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    time: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<PyEstimateAccuracy> {
    let form = Form::of(first, quoted)?;
    let g = group_args(&form, by, timestamps, time, period, tz)?;
    let q = i64_vec(
        &need(form.first(first, quoted, "quoted")?, "quoted_minor")?,
        "quoted_minor",
    )?;
    let f = i64_vec(
        &need(form.col(final_minor, "final_minor")?, "final_minor")?,
        "final_minor",
    )?;
    let a = form
        .col(approved_minor, "approved_minor")?
        .map(|a| i64_vec(&a, "approved_minor"))
        .transpose()?;
    let c: Option<Vec<String>> = form
        .col(currencies, "currencies")?
        .map(|c| c.extract::<Vec<String>>())
        .transpose()?;
    let d = EstimateOptions::default();
    let opts = EstimateOptions {
        tolerance: tolerance.unwrap_or(d.tolerance),
        currency: currency
            .map(Currency::from_code)
            .transpose()
            .py()?
            .unwrap_or(d.currency),
    };
    let cs: Option<Vec<&str>> = c.as_ref().map(|c| c.iter().map(String::as_str).collect());
    let e = grouped(py, &g, |grouping| {
        estimate_accuracy(&q, &f, a.as_deref(), cs.as_deref(), &opts, grouping)
    })?;
    Ok(PyEstimateAccuracy {
        e,
        key_names: key_names(&g),
        categories: key_categories(&g),
    })
}

/// Parts availability: the first-pass fill rate (`value`, `numerator`,
/// `denominator`, `coverage`; `table` grouped), the share of repair orders
/// delayed by parts and the parts-wait distribution in seconds. Per group
/// (`to_dict()`, `to_pandas()`, `to_polars()`, `to_arrow()`: one row per
/// group) the fill rate, the share of repair orders delayed (an order
/// counts once per group it has lines in) and the wait distribution.
///
/// A result is also a partial result: `a.merge(b)` (or `a + b`, `sum()`)
/// is the result of the lines of both, as if computed in one pass (a
/// repair order with lines in both counts once). It pickles exactly, with
/// the key names of its table.
///
/// >>> p = nps.kpi.parts_availability(["r1", "r1", "r2"], [1, 1, 0], wait_s=[None, None, 259_200])
/// >>> round(p.value, 4), p.delayed_ros.value, p.wait_s.median
/// (0.6667, 0.5, 259200.0)
/// >>> g = nps.kpi.parts_availability(["r1", "r1", "r2"], [1, 1, 0], wait_s=[None, None, 259_200],
/// ...                                by=["A", "B", "B"]).to_dict()
/// >>> g["key"], g["delayed_ros_value"], g["wait_s_median"]
/// (['A', 'B'], [0.0, 0.5], [None, 259200.0])
#[pyclass(frozen, eq, module = "nps.kpi", name = "PartsAvailability")]
#[derive(PartialEq)]
pub(crate) struct PyPartsAvailability {
    p: PartsAvailability,
    key_names: Vec<Option<String>>,
    /// The categories of categorical key columns, whose keys are codes.
    categories: KeyCategories,
}

/// What a pickled `PartsAvailability` holds: the core result and the key
/// names (and categories) of its table.
#[derive(Serialize, Deserialize)]
struct SavedParts {
    value: PartsAvailability,
    key_names: Vec<Option<String>>,
    #[serde(default)]
    categories: Vec<Option<Categories>>,
}

impl nps_core::state::Saved for SavedParts {
    const KIND: &'static str = "nps.kpi.PartsAvailability";
}

#[pymethods]
impl PyPartsAvailability {
    /// Lines supplied from stock / lines requested; None without lines.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.p.fill_rate.overall.value
    }
    /// Lines supplied from stock.
    #[getter]
    fn numerator(&self) -> f64 {
        self.p.fill_rate.overall.numerator
    }
    /// Lines requested.
    #[getter]
    fn denominator(&self) -> f64 {
        self.p.fill_rate.overall.denominator
    }
    /// Share of the lines used (1 with lines); None without lines.
    #[getter]
    fn coverage(&self) -> Option<f64> {
        self.p.fill_rate.overall.coverage
    }
    /// Repair orders with a line not from stock / repair orders (a Kpi).
    #[getter]
    fn delayed_ros(&self) -> PyKpi {
        PyKpi {
            k: self.p.delayed_ros,
        }
    }
    /// Recorded parts waits in seconds of lines not from stock (a
    /// `Distribution`: `n`, `mean`, `median`, `p90`).
    #[getter]
    fn wait_s(&self) -> PyDistribution {
        dist(&self.p.wait_s)
    }
    /// The fill rate, overall and per group (a KpiTable).
    #[getter]
    fn table(&self) -> PyKpiTable {
        named_kpi_table(self.p.fill_rate.clone(), &self.key_names, &self.categories)
    }

    /// The groups as columns for `nps/_table.py` (`to_dict`, `to_pandas`,
    /// `to_polars`, `to_arrow`): key columns, `period`, the fill rate
    /// (`value`, `numerator`, `denominator`, `coverage`), the share of
    /// repair orders delayed (`delayed_ros_value`, …) and the waits
    /// (`wait_s_n`, `wait_s_mean`, `wait_s_median`, `wait_s_p90`).
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table::columns_with(
            py,
            table::named(self.p.to_table(), &self.key_names),
            self.categories.clone(),
        )
    }

    /// The result of the lines of this result followed by those of
    /// `other`: equal to the result computed in one pass over all of them
    /// (a repair order with lines in both is one order, delayed when it was
    /// in either; the wait distribution is that of all lines). Raises
    /// InvalidArgumentError (argument `other`) for a result grouped by
    /// another period, time zone or key columns.
    ///
    /// >>> a = nps.kpi.parts_availability(["r1"], [True])
    /// >>> b = nps.kpi.parts_availability(["r1"], [False], wait_s=[3 * 86400])
    /// >>> m = a.merge(b)
    /// >>> m.value, m.delayed_ros.value, m.wait_s.mean
    /// (0.5, 1.0, 259200.0)
    fn merge(&self, other: &PyPartsAvailability) -> PyResult<PyPartsAvailability> {
        Ok(PyPartsAvailability {
            p: self.p.merge(&other.p).py()?,
            key_names: state::merge_names(&self.key_names, &other.key_names)?,
            categories: merge_categories(&self.categories, &other.categories)?,
        })
    }

    /// `a + b` is `a.merge(b)`.
    fn __add__(&self, other: &PyPartsAvailability) -> PyResult<PyPartsAvailability> {
        self.merge(other)
    }

    /// `0 + a` is `a` (so `sum(results)` works).
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        state::radd(slf, other)
    }

    fn __repr__(&self) -> String {
        format!(
            "PartsAvailability(value={:?}, numerator={}, denominator={}, delayed_ros={:?})",
            self.value(),
            self.numerator(),
            self.denominator(),
            self.p.delayed_ros.value
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedParts {
            value: me.p.clone(),
            key_names: me.key_names.clone(),
            categories: saved_categories(&me.categories),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The result of a state written by pickling (`pickle.loads`), with
    /// the key names and categories of its table.
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedParts = state::load(state)?;
        Ok(PyPartsAvailability {
            p: s.value,
            key_names: s.key_names,
            categories: loaded_categories(s.categories),
        })
    }
}

/// A wait of row `i` that is not whole seconds.
fn not_whole(i: usize, got: String) -> PyErr {
    crate::errors::to_py(nps_core::Error::InvalidValue {
        name: "wait_s".into(),
        index: i,
        reason: format!("must be whole seconds, got {got}"),
    })
}

/// The parts waits in whole seconds (`None` = not recorded): numbers (NaN
/// or None = not recorded), `datetime.timedelta`s, or a numpy / pandas
/// `timedelta64` column (NaT = not recorded). nps-core checks the range.
fn waits(py: Python<'_>, w: &Bound<'_, PyAny>) -> PyResult<Vec<Option<i64>>> {
    let kind = w
        .getattr("dtype")
        .and_then(|d| d.getattr("kind"))
        .and_then(|k| k.extract::<String>())
        .ok();
    if kind.as_deref() == Some("m") {
        let ns: Vec<i64> = py
            .import("numpy")?
            .call_method1("asarray", (w,))?
            .call_method1("astype", ("timedelta64[ns]",))?
            .call_method1("astype", ("int64",))?
            .call_method0("tolist")?
            .extract()?;
        const NS: i64 = 1_000_000_000;
        return ns
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                i64::MIN => Ok(None), // NaT
                v if v % NS == 0 => Ok(Some(v / NS)),
                v => Err(not_whole(i, format!("{v} ns"))),
            })
            .collect();
    }
    if kind.is_none() || kind.as_deref() == Some("O") {
        let items: Vec<Bound<'_, PyAny>> = w.try_iter()?.collect::<PyResult<_>>()?;
        if items.iter().any(|x| x.is_instance_of::<PyDelta>()) {
            return items
                .iter()
                .enumerate()
                .map(|(i, x)| -> PyResult<Option<i64>> {
                    if let Ok(d) = x.cast::<PyDelta>() {
                        if d.get_microseconds() != 0 {
                            return Err(not_whole(i, "a timedelta with microseconds".into()));
                        }
                        return Ok(Some(
                            i64::from(d.get_days()) * 86_400 + i64::from(d.get_seconds()),
                        ));
                    }
                    if x.is_none() {
                        return Ok(None);
                    }
                    let v: f64 = x.extract()?;
                    whole(i, v)
                })
                .collect();
        }
    }
    f64_vec(w, "wait_s")?
        .into_iter()
        .enumerate()
        .map(|(i, v)| whole(i, v))
        .collect()
}

/// Seconds as a number: NaN = not recorded, else whole.
fn whole(i: usize, v: f64) -> PyResult<Option<i64>> {
    if v.is_nan() {
        Ok(None)
    } else if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
        Ok(Some(v as i64))
    } else {
        Err(not_whole(i, v.to_string()))
    }
}

/// Parts availability. See `nps.kpi.parts_availability`.
#[pyfunction]
#[pyo3(signature = (first = None, from_stock = None, *, ro = None, wait_s = None, by = None, timestamps = None, time = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_parts_availability<'py>(
    py: Python<'py>,
    first: Option<&Bound<'py, PyAny>>,
    from_stock: Option<&Bound<'py, PyAny>>,
    ro: Option<&Bound<'py, PyAny>>,
    wait_s: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    time: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<PyPartsAvailability> {
    let form = Form::of(first, ro)?;
    let g = group_args(&form, by, timestamps, time, period, tz)?;
    let ro_col = need(form.first(first, ro, "ro")?, "ro")?;
    // Repair orders are compared as text (ids may be numbers or strings).
    let builtins = py.import("builtins")?;
    let ids: Vec<String> = builtins
        .getattr("list")?
        .call1((builtins
            .getattr("map")?
            .call1((builtins.getattr("str")?, &ro_col))?,))?
        .extract()?;
    let s = flags(
        &need(form.col(from_stock, "from_stock")?, "from_stock")?,
        "from_stock",
    )?;
    let w: Option<Vec<Option<i64>>> = form
        .col(wait_s, "wait_s")?
        .map(|w| waits(py, &w))
        .transpose()?;
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let p = grouped(py, &g, |grouping| {
        parts_availability(&refs, &s, w.as_deref(), grouping)
    })?;
    Ok(PyPartsAvailability {
        p,
        key_names: key_names(&g),
        categories: key_categories(&g),
    })
}
