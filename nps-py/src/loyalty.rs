//! Customer value and loyalty (`nps.loyalty`): thin wrappers of
//! `nps_core::loyalty`. The Python module `nps/loyalty.py` gives these
//! functions their public names and signatures; every rule lives in
//! nps-core.

use nps_core::loyalty::{
    self, category_bands, Band, CustomerColumns, CustomerValue, HighValueRule, OutcomeColumns,
    OutcomeOptions, OutcomeTable, ValueOptions,
};
use nps_core::money::Currency;
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::CoreResult;
use crate::instant::seconds;
use crate::kpi::{
    f64_vec, flags, group_args, grouped, i64_vec, key_categories, key_names, ts_vec, Form,
};
use crate::{state, table};

/// Outcomes by score band: counts per group and band, and the table of
/// rates, intervals, lifts and tests derived from them (`to_pandas()`,
/// `to_polars()`, `to_arrow()`, `to_dict()`). Tables of the same bands
/// merge exactly (`a.merge(b)`, `a + b`) and pickle.
///
/// >>> t = nps.loyalty.outcome_by_score([9, 10, 3, 5], [True, True, False, True])
/// >>> t.to_dict()["band"], t.to_dict()["outcomes"]
/// (['detractor', 'passive', 'promoter'], [1, 0, 2])
#[pyclass(frozen, module = "nps.loyalty", name = "OutcomeTable")]
pub(crate) struct PyOutcomeTable {
    t: OutcomeTable,
    key_names: Vec<Option<String>>,
    categories: table::KeyCategories,
}

/// What a pickled `OutcomeTable` holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedOutcomeTable {
    table: OutcomeTable,
    key_names: Vec<Option<String>>,
    #[serde(default)]
    categories: Vec<Option<crate::column::Categories>>,
}

impl nps_core::state::Saved for SavedOutcomeTable {
    const KIND: &'static str = "nps.loyalty.OutcomeTable";

    fn check(&self) -> nps_core::Result<()> {
        self.table.check()
    }
}

#[pymethods]
impl PyOutcomeTable {
    /// The column names, in order.
    #[getter]
    fn columns(&self) -> PyResult<Vec<String>> {
        Ok(self
            .t
            .to_table()
            .py()?
            .names()
            .into_iter()
            .map(str::to_owned)
            .collect())
    }

    /// The band names, by increasing score.
    #[getter]
    fn bands(&self) -> Vec<(String, i64, i64)> {
        self.t
            .bands
            .iter()
            .map(|b| (b.name.clone(), b.low, b.high))
            .collect()
    }

    /// The reference band's name.
    #[getter]
    fn reference(&self) -> String {
        self.t.bands[self.t.reference].name.clone()
    }

    /// Respondents used (windows ended), over every group and band.
    #[getter]
    fn used(&self) -> u64 {
        self.t.used()
    }

    /// Respondents censored (windows still open at `as_of`).
    #[getter]
    fn censored(&self) -> u64 {
        self.t.censored()
    }

    fn __len__(&self) -> usize {
        self.t.groups.len() * self.t.bands.len()
    }

    /// The table as columns for `nps/_table.py`.
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = table::named(self.t.to_table().py()?, &self.key_names);
        table::columns_with(py, t, self.categories.clone())
    }

    /// The table of the respondents of both (same bands, reference,
    /// confidence and period).
    ///
    /// >>> a = nps.loyalty.outcome_by_score([9, 3], [True, False])
    /// >>> b = nps.loyalty.outcome_by_score([10], [False])
    /// >>> (a + b).to_dict()["n"]
    /// [1, 0, 2]
    fn merge(&self, other: &PyOutcomeTable) -> PyResult<PyOutcomeTable> {
        Ok(PyOutcomeTable {
            t: self.t.merge(&other.t).py()?,
            key_names: crate::state::merge_names(&self.key_names, &other.key_names)?,
            categories: table::merge_categories(&self.categories, &other.categories)?,
        })
    }

    /// `a + b` is `a.merge(b)`.
    fn __add__(&self, other: &PyOutcomeTable) -> PyResult<PyOutcomeTable> {
        self.merge(other)
    }

    /// `0 + a` is `a` (so `sum(tables)` works).
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::state::radd(slf, other)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyOutcomeTable>()
            .is_ok_and(|o| o.get().t == self.t && o.get().key_names == self.key_names)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedOutcomeTable {
            table: me.t.clone(),
            key_names: me.key_names.clone(),
            categories: table::saved_categories(&me.categories),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The table of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedOutcomeTable = state::load(state)?;
        Ok(PyOutcomeTable {
            t: s.table,
            key_names: s.key_names,
            categories: table::loaded_categories(s.categories),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "OutcomeTable(bands={:?}, reference={:?}, groups={}, used={}, censored={})",
            self.t
                .bands
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>(),
            self.t.bands[self.t.reference].name,
            self.t.groups.len(),
            self.t.used(),
            self.t.censored()
        )
    }
}

/// Outcomes by score band. See `nps.loyalty.outcome_by_score`.
#[pyfunction]
#[pyo3(signature = (data, scores, outcome, *, bands = None, reference = None, as_of = None, observed_until = None, by = None, period = None, time = None, timestamps = None, tz = None, confidence = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _loyalty_outcome_by_score<'py>(
    py: Python<'py>,
    data: Option<&Bound<'py, PyAny>>,
    scores: &Bound<'py, PyAny>,
    outcome: &Bound<'py, PyAny>,
    bands: Option<Vec<(String, i64, i64)>>,
    reference: Option<String>,
    as_of: Option<&Bound<'py, PyAny>>,
    observed_until: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    time: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    tz: Option<&str>,
    confidence: Option<f64>,
) -> PyResult<PyOutcomeTable> {
    let form = Form::of_data(data)?;
    let s = form
        .col(Some(scores), "scores")?
        .map_or(Ok(Vec::new()), |c| f64_vec(&c, "scores"))?;
    let o = form
        .col(Some(outcome), "outcome")?
        .map_or(Ok(Vec::new()), |c| flags(&c, "outcome"))?;
    let until = form
        .col(observed_until, "observed_until")?
        .map(|c| ts_vec(&c))
        .transpose()?;
    let d = OutcomeOptions::default();
    let opts = OutcomeOptions {
        bands: bands.map(|b| b.into_iter().map(|(n, l, h)| Band::new(n, l, h)).collect()),
        reference,
        as_of: as_of.map(|a| seconds(a, "as_of")).transpose()?,
        confidence: confidence.unwrap_or(d.confidence),
    };
    let g = group_args(&form, by, timestamps, time, period, tz)?;
    let cols = OutcomeColumns {
        scores: &s,
        outcomes: &o,
        observed_until: until.as_deref(),
    };
    let t = grouped(py, &g, |g| loyalty::outcome_by_score(&cols, &opts, g))?;
    Ok(PyOutcomeTable {
        t,
        key_names: key_names(&g),
        categories: key_categories(&g),
    })
}

/// The default bands: `[(name, low, high), ...]` of the categories.
#[pyfunction]
pub(crate) fn _loyalty_category_bands() -> Vec<(String, i64, i64)> {
    category_bands()
        .into_iter()
        .map(|b| (b.name, b.low, b.high))
        .collect()
}

/// A customer's value (`nps.loyalty.customer_value`): own spend over the
/// remaining years plus referrals, in integer minor units.
///
/// >>> v = nps.loyalty.customer_value(38_000_00, referrals=2, referral_value_minor=221_000_00)
/// >>> v.total_minor, v.currency
/// (48000000, 'CNY')
#[pyclass(frozen, eq, module = "nps.loyalty", name = "CustomerValue")]
#[derive(PartialEq)]
pub(crate) struct PyCustomerValue(CustomerValue);

#[derive(serde::Serialize, serde::Deserialize)]
struct SavedValue(CustomerValue);

impl nps_core::state::Saved for SavedValue {
    const KIND: &'static str = "nps.loyalty.CustomerValue";
}

#[pymethods]
impl PyCustomerValue {
    /// annual spend × margin × annuity factor, minor units.
    #[getter]
    fn own_minor(&self) -> i64 {
        self.0.own.minor
    }
    /// referrals × value per referral, minor units.
    #[getter]
    fn referral_minor(&self) -> i64 {
        self.0.referral.minor
    }
    /// own + referral, minor units.
    #[getter]
    fn total_minor(&self) -> i64 {
        self.0.total.minor
    }
    /// The ISO 4217 code of the amounts.
    #[getter]
    fn currency(&self) -> &'static str {
        self.0.total.currency.code()
    }
    /// The annuity factor used.
    #[getter]
    fn annuity_factor(&self) -> f64 {
        self.0.annuity_factor
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &SavedValue(slf.get().0))
    }

    /// The value of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedValue = state::load(state)?;
        Ok(PyCustomerValue(s.0))
    }

    fn __repr__(&self) -> String {
        format!(
            "CustomerValue(own_minor={}, referral_minor={}, total_minor={}, currency={:?}, annuity_factor={})",
            self.0.own.minor,
            self.0.referral.minor,
            self.0.total.minor,
            self.0.total.currency.code(),
            self.0.annuity_factor
        )
    }
}

fn value_options(
    margin: Option<f64>,
    years: Option<f64>,
    discount_rate: Option<f64>,
    referral_value_minor: Option<i64>,
    currency: Option<&str>,
) -> PyResult<ValueOptions> {
    let d = ValueOptions::default();
    Ok(ValueOptions {
        margin: margin.unwrap_or(d.margin),
        years: years.unwrap_or(d.years),
        discount_rate: discount_rate.unwrap_or(d.discount_rate),
        referral_value_minor: referral_value_minor.unwrap_or(d.referral_value_minor),
        currency: currency.map_or(Ok(d.currency), |c| Currency::from_code(c).py())?,
    })
}

/// One customer's value. See `nps.loyalty.customer_value`.
#[pyfunction]
#[pyo3(signature = (annual_spend_minor, *, margin = None, years = None, discount_rate = None, referrals = None, referral_value_minor = None, currency = None))]
pub(crate) fn _loyalty_customer_value(
    annual_spend_minor: i64,
    margin: Option<f64>,
    years: Option<f64>,
    discount_rate: Option<f64>,
    referrals: Option<f64>,
    referral_value_minor: Option<i64>,
    currency: Option<&str>,
) -> PyResult<PyCustomerValue> {
    let o = value_options(margin, years, discount_rate, referral_value_minor, currency)?;
    let v = loyalty::customer_value(annual_spend_minor, referrals.unwrap_or(0.0), &o).py()?;
    Ok(PyCustomerValue(v))
}

/// Values of many customers: `(own_minor, referral_minor, total_minor)`
/// as int64 arrays. See `nps.loyalty.customer_values`.
#[pyfunction]
#[pyo3(signature = (annual_spend_minor, *, referrals = None, years = None, margin = None, default_years = None, discount_rate = None, referral_value_minor = None, currency = None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub(crate) fn _loyalty_customer_values<'py>(
    py: Python<'py>,
    annual_spend_minor: &Bound<'py, PyAny>,
    referrals: Option<&Bound<'py, PyAny>>,
    years: Option<&Bound<'py, PyAny>>,
    margin: Option<f64>,
    default_years: Option<f64>,
    discount_rate: Option<f64>,
    referral_value_minor: Option<i64>,
    currency: Option<&str>,
) -> PyResult<(
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
)> {
    let o = value_options(
        margin,
        default_years,
        discount_rate,
        referral_value_minor,
        currency,
    )?;
    let spend = i64_vec(annual_spend_minor, "annual_spend_minor")?;
    let refs = referrals.map(|r| f64_vec(r, "referrals")).transpose()?;
    let yrs = years.map(|y| f64_vec(y, "years")).transpose()?;
    let cols = CustomerColumns {
        annual_spend_minor: &spend,
        referrals: refs.as_deref(),
        years: yrs.as_deref(),
    };
    let vs = loyalty::customer_values(&cols, &o).py()?;
    let col = |f: fn(&CustomerValue) -> i64| vs.iter().map(f).collect::<Vec<i64>>();
    Ok((
        col(|v| v.own.minor).into_pyarray(py),
        col(|v| v.referral.minor).into_pyarray(py),
        col(|v| v.total.minor).into_pyarray(py),
    ))
}

/// The high-value rule per row. See `nps.loyalty.high_value`.
#[pyfunction]
#[pyo3(signature = (annual_kwh = None, annual_spend_minor = None, *, rule = None))]
pub(crate) fn _loyalty_high_value<'py>(
    py: Python<'py>,
    annual_kwh: Option<&Bound<'py, PyAny>>,
    annual_spend_minor: Option<&Bound<'py, PyAny>>,
    rule: Option<&str>,
) -> PyResult<Bound<'py, PyArray1<bool>>> {
    let r = match rule {
        Some(j) => HighValueRule::from_json(j).py()?,
        None => HighValueRule::default(),
    };
    let kwh = annual_kwh.map(|k| f64_vec(k, "annual_kwh")).transpose()?;
    let spend: Option<Vec<Option<i64>>> = annual_spend_minor
        .map(|s| -> PyResult<Vec<Option<i64>>> {
            nps_core::loyalty::minor_amounts(
                &f64_vec(s, "annual_spend_minor")?,
                "annual_spend_minor",
            )
            .py()
        })
        .transpose()?;
    let flags = r.evaluate(kwh.as_deref(), spend.as_deref()).py()?;
    Ok(flags.into_pyarray(py))
}

/// The default high-value rule as JSON.
#[pyfunction]
pub(crate) fn _loyalty_high_value_default() -> String {
    HighValueRule::default().to_json()
}

/// The default value parameters as `(margin, years, discount_rate,
/// referral_value_minor, currency)`.
#[pyfunction]
pub(crate) fn _loyalty_value_defaults() -> (f64, f64, f64, i64, &'static str) {
    let d = ValueOptions::default();
    (
        d.margin,
        d.years,
        d.discount_rate,
        d.referral_value_minor,
        d.currency.code(),
    )
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyOutcomeTable>()?;
    m.add_class::<PyCustomerValue>()?;
    m.add_function(wrap_pyfunction!(_loyalty_outcome_by_score, m)?)?;
    m.add_function(wrap_pyfunction!(_loyalty_category_bands, m)?)?;
    m.add_function(wrap_pyfunction!(_loyalty_customer_value, m)?)?;
    m.add_function(wrap_pyfunction!(_loyalty_customer_values, m)?)?;
    m.add_function(wrap_pyfunction!(_loyalty_high_value, m)?)?;
    m.add_function(wrap_pyfunction!(_loyalty_high_value_default, m)?)?;
    m.add_function(wrap_pyfunction!(_loyalty_value_defaults, m)?)?;
    Ok(())
}
