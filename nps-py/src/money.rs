//! `nps.Money` (integer minor units + ISO 4217 currency) and `nps.Item` (one
//! item of a compensation package).

use crate::errors::Int;
use nps_core::money::{Currency, Money};
use nps_core::policy::{Item, Layer};
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::errors::{invalid_argument, CoreResult};
use crate::names::repr_str;

/// Minor units as an `i64`; Python ints beyond it are `InvalidArgumentError`.
pub(crate) fn minor_units(name: &'static str, v: i128) -> PyResult<i64> {
    i64::try_from(v).map_err(|_| {
        invalid_argument(
            name,
            format!("{v} minor units do not fit a signed 64-bit integer"),
        )
    })
}

/// An amount of money: integer minor units (fen, cents) of an ISO 4217
/// currency. Never a float.
///
/// >>> m = nps.Money(12345, "CNY")
/// >>> m.minor, str(m)
/// (12345, '123.45 CNY')
#[pyclass(frozen, eq, hash, from_py_object, module = "nps", name = "Money")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PyMoney(pub(crate) Money);

#[pymethods]
impl PyMoney {
    /// `minor` minor units of `currency` (an ISO 4217 code with a minor unit).
    #[new]
    fn new(minor: Int, currency: &str) -> PyResult<Self> {
        let currency = Currency::from_code(currency).py()?;
        Ok(PyMoney(Money::new(
            minor_units("minor", minor.0)?,
            currency,
        )))
    }

    /// Amount in minor units.
    #[getter]
    fn minor(&self) -> i64 {
        self.0.minor
    }

    /// ISO 4217 code.
    #[getter]
    fn currency(&self) -> &'static str {
        self.0.currency.code()
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    pub(crate) fn __repr__(&self) -> String {
        format!(
            "Money({}, {})",
            self.0.minor,
            repr_str(self.0.currency.code())
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> (Bound<'py, PyType>, (i64, &'static str)) {
        (
            py.get_type::<PyMoney>(),
            (self.0.minor, self.0.currency.code()),
        )
    }
}

/// One item of a compensation package: a value and its layer
/// (`"problem_repair"`, `"loss_compensation"` or `"emotional_repair"`).
///
/// >>> i = nps.Item(180000, "CNY", "loss_compensation")
/// >>> i.value_minor, i.currency, i.layer
/// (180000, 'CNY', 'loss_compensation')
#[pyclass(frozen, eq, hash, from_py_object, module = "nps", name = "Item")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PyItem(pub(crate) Item);

impl PyItem {
    /// An item from its three parts, as given in Python.
    pub(crate) fn build(value_minor: i128, currency: &str, layer: &str) -> PyResult<Item> {
        Ok(Item {
            value: Money::new(
                minor_units("value_minor", value_minor)?,
                Currency::from_code(currency).py()?,
            ),
            layer: Layer::from_name(layer).py()?,
        })
    }
}

#[pymethods]
impl PyItem {
    /// An item worth `value_minor` minor units of `currency` in `layer`.
    #[new]
    fn new(value_minor: Int, currency: &str, layer: &str) -> PyResult<Self> {
        Ok(PyItem(PyItem::build(value_minor.0, currency, layer)?))
    }

    /// Value in minor units.
    #[getter]
    fn value_minor(&self) -> i64 {
        self.0.value.minor
    }

    /// ISO 4217 code.
    #[getter]
    fn currency(&self) -> &'static str {
        self.0.value.currency.code()
    }

    /// The layer's name.
    #[getter]
    fn layer(&self) -> &'static str {
        self.0.layer.name()
    }

    /// The value as Money.
    #[getter]
    fn value(&self) -> PyMoney {
        PyMoney(self.0.value)
    }

    fn __repr__(&self) -> String {
        format!(
            "Item({}, {}, {})",
            self.0.value.minor,
            repr_str(self.0.value.currency.code()),
            repr_str(self.0.layer.name())
        )
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyType>, (i64, &'static str, &'static str)) {
        (
            py.get_type::<PyItem>(),
            (
                self.0.value.minor,
                self.0.value.currency.code(),
                self.0.layer.name(),
            ),
        )
    }
}
