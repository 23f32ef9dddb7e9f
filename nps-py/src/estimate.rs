//! `nps.kpi.estimate_accuracy`, `nps.kpi.EstimateAccuracy`,
//! `nps.kpi.parts_availability` and `nps.kpi.PartsAvailability`.
//! Conversion only: the rules live in `nps_core::kpi`.

use nps_core::kpi::{
    estimate_accuracy, parts_availability, Distribution, EstimateAccuracy, EstimateOptions,
    PartsAvailability,
};
use nps_core::money::Currency;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::errors::CoreResult;
use crate::kpi::{
    f64_vec, flags, group_args, grouped, i64_vec, kpi_table, need, Form, PyKpi, PyKpiTable,
};

/// Estimate accuracy (price transparency): the share of repair orders
/// billed within tolerance of the quote (`value`, `numerator`,
/// `denominator`, `coverage`), the overrun distributions and the
/// unapproved increases; `table` and `unapproved_table` are the grouped
/// KPI tables.
///
/// >>> e = nps.kpi.estimate_accuracy([80_000, 20_000], [150_000, 20_000])  # 800 → 1500, 200 → 200
/// >>> e.value, e.unapproved, e.unapproved_minor, e.overrun_relative["p90"]
/// (0.5, 1, 70000, 0.7875)
#[pyclass(frozen, module = "nps.kpi", name = "EstimateAccuracy")]
pub(crate) struct PyEstimateAccuracy {
    e: EstimateAccuracy,
    table: PyKpiTable,
    unapproved_table: PyKpiTable,
}

fn dist<'py>(py: Python<'py>, d: &Distribution) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("n", d.n)?;
    out.set_item("mean", d.mean)?;
    out.set_item("median", d.median)?;
    out.set_item("p90", d.p90)?;
    Ok(out)
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
    /// final − quote in minor units: `{"n", "mean", "median", "p90"}`.
    #[getter]
    fn overrun_minor<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dist(py, &self.e.overrun_minor)
    }
    /// (final − quote) / quote: `{"n", "mean", "median", "p90"}`.
    #[getter]
    fn overrun_relative<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dist(py, &self.e.overrun_relative)
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
        self.table.clone()
    }
    /// The share with an unapproved increase, overall and per group.
    #[getter]
    fn unapproved_table(&self) -> PyKpiTable {
        self.unapproved_table.clone()
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
        crate::state::reduce(slf.as_any(), &slf.get().e)
    }

    /// The result of a state written by pickling (`pickle.loads`); the
    /// tables' key names are not kept.
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let e: EstimateAccuracy = crate::state::load(state)?;
        let none = Form::of_data(None)?;
        let g = group_args(&none, None, None, None, None, None)?;
        Ok(PyEstimateAccuracy {
            table: kpi_table(e.within.clone(), &g),
            unapproved_table: kpi_table(e.unapproved.clone(), &g),
            e,
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
        table: kpi_table(e.within.clone(), &g),
        unapproved_table: kpi_table(e.unapproved.clone(), &g),
        e,
    })
}

/// Parts availability: the first-pass fill rate (`value`, `numerator`,
/// `denominator`, `coverage`; `table` grouped), the share of repair orders
/// delayed by parts and the parts-wait distribution in seconds.
///
/// >>> p = nps.kpi.parts_availability(["r1", "r1", "r2"], [1, 1, 0], wait_s=[None, None, 259_200])
/// >>> round(p.value, 4), p.delayed_ros.value, p.wait_s["median"]
/// (0.6667, 0.5, 259200.0)
#[pyclass(frozen, module = "nps.kpi", name = "PartsAvailability")]
pub(crate) struct PyPartsAvailability {
    p: PartsAvailability,
    table: PyKpiTable,
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
    /// Recorded parts waits in seconds: `{"n", "mean", "median", "p90"}`.
    #[getter]
    fn wait_s<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dist(py, &self.p.wait_s)
    }
    /// The fill rate, overall and per group (a KpiTable).
    #[getter]
    fn table(&self) -> PyKpiTable {
        self.table.clone()
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
        crate::state::reduce(slf.as_any(), &slf.get().p)
    }

    /// The result of a state written by pickling (`pickle.loads`); the
    /// table's key names are not kept.
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let p: PartsAvailability = crate::state::load(state)?;
        let none = Form::of_data(None)?;
        let g = group_args(&none, None, None, None, None, None)?;
        Ok(PyPartsAvailability {
            table: kpi_table(p.fill_rate.clone(), &g),
            p,
        })
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
        .map(|w| -> PyResult<Vec<Option<i64>>> {
            f64_vec(&w, "wait_s")?
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    if v.is_nan() {
                        Ok(None)
                    } else if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                        Ok(Some(v as i64))
                    } else {
                        Err(crate::errors::to_py(nps_core::Error::InvalidValue {
                            name: "wait_s".into(),
                            index: i,
                            reason: format!("must be whole seconds, got {v}"),
                        }))
                    }
                })
                .collect()
        })
        .transpose()?;
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let p = grouped(py, &g, |grouping| {
        parts_availability(&refs, &s, w.as_deref(), grouping)
    })?;
    Ok(PyPartsAvailability {
        table: kpi_table(p.fill_rate.clone(), &g),
        p,
    })
}
