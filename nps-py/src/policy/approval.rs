//! Compensation approval: items, exchange rates and amounts already granted
//! from Python, and `nps.Approval` / `nps.CapCheck` back.

use crate::errors::Int;
use nps_core::money::{Currency, Money, Rate};
use nps_core::policy::{Approval, CapCheck, Granted, Item, Layer};
use nps_core::Error;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString, PyTuple};

use crate::errors::{invalid_argument, to_py};
use crate::money::{PyItem, PyMoney};
use crate::names::repr_str;

/// An nps-core argument error re-addressed to an element of a Python
/// argument (`items[2]: ...`), other errors unchanged.
fn at(arg: &'static str, path: &str, e: Error) -> PyErr {
    match e {
        Error::InvalidArgument { reason, .. } => invalid_argument(arg, format!("{path}: {reason}")),
        other => to_py(other),
    }
}

fn minor_at(arg: &'static str, path: &str, v: i128) -> PyResult<i64> {
    i64::try_from(v).map_err(|_| {
        invalid_argument(
            arg,
            format!("{path}: {v} minor units do not fit a signed 64-bit integer"),
        )
    })
}

/// Package items: `Item`s or `(value_minor, currency, layer)` tuples.
pub(crate) fn items(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Item>> {
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let path = format!("item [{i}]"); // nps-core's wording
        if let Ok(it) = item.cast::<PyItem>() {
            out.push(it.get().0);
            continue;
        }
        let (minor, currency, layer): (Int, String, String) =
            if item.is_instance_of::<PyString>() {
                Err(())
            } else {
                item.extract().map_err(|_| ())
            }
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "{path} must be an nps.Item or a (value_minor, currency, layer) tuple"
                ))
            })?;
        out.push(Item {
            value: Money::new(
                minor_at("items", &path, minor.0)?,
                Currency::from_code(&currency).map_err(|e| at("items", &path, e))?,
            ),
            layer: Layer::from_name(&layer).map_err(|e| at("items", &path, e))?,
        });
    }
    Ok(out)
}

/// A rate as exact decimal text: a str, an int or a `decimal.Decimal` —
/// never a float, which is inexact.
fn rate_text(v: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if v.is_instance_of::<PyFloat>() {
        return Err(invalid_argument(
            "rates",
            format!(
                "{path}: pass the rate as a decimal string such as \"7.1234\" (a float is inexact)"
            ),
        ));
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return Ok(v.str()?.to_string());
    }
    let decimal = v.py().import("decimal")?.getattr("Decimal")?;
    if v.is_instance(&decimal)? {
        // Fixed-point text, never exponent notation.
        return v
            .py()
            .import("builtins")?
            .getattr("format")?
            .call1((v, "f"))?
            .extract();
    }
    Err(PyTypeError::new_err(format!(
        "{path}: a rate must be a str, int or decimal.Decimal, got {}",
        v.get_type().name()?
    )))
}

/// Exchange rates: `(from, to, rate)` tuples or `{"from", "to", "rate"}` dicts.
pub(crate) fn rates(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Rate>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let path = format!("rates[{i}]");
        let shape = || {
            PyTypeError::new_err(format!(
                "{path} must be a (from, to, rate) tuple such as (\"USD\", \"CNY\", \"7.1234\")"
            ))
        };
        let (from, to, rate): (String, String, Bound<'_, PyAny>) = if let Ok(d) =
            item.cast::<PyDict>()
        {
            let get = |k: &str| -> PyResult<Bound<'_, PyAny>> { d.get_item(k)?.ok_or_else(shape) };
            (
                get("from")?.extract().map_err(|_| shape())?,
                get("to")?.extract().map_err(|_| shape())?,
                get("rate")?,
            )
        } else if item.is_instance_of::<PyString>() {
            return Err(shape());
        } else {
            item.extract().map_err(|_| shape())?
        };
        let text = rate_text(&rate, &path)?;
        out.push(Rate::parse(&from, &to, &text).map_err(|e| at("rates", &path, e))?);
    }
    Ok(out)
}

/// An amount already granted: an int (policy currency), a `Money` or a
/// `(minor, currency)` tuple.
fn granted_amount(v: &Bound<'_, PyAny>, key: &str, currency: Currency) -> PyResult<Option<Money>> {
    let path = format!("granted[{}]", repr_str(key));
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(m) = v.cast::<PyMoney>() {
        return Ok(Some(m.get().0));
    }
    if v.is_instance_of::<PyBool>() || v.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{path} must be an int of minor units, an nps.Money or a (minor, currency) tuple"
        )));
    }
    if v.is_instance_of::<PyInt>() {
        let minor: Int = v.extract()?;
        return Ok(Some(Money::new(
            minor_at("granted", &path, minor.0)?,
            currency,
        )));
    }
    if v.is_instance_of::<PyTuple>() {
        if let Ok((minor, code)) = v.extract::<(Int, String)>() {
            let cur = Currency::from_code(&code).map_err(|e| at("granted", &path, e))?;
            return Ok(Some(Money::new(minor_at("granted", &path, minor.0)?, cur)));
        }
    }
    Err(PyTypeError::new_err(format!(
        "{path} must be an int of minor units, an nps.Money or a (minor, currency) tuple"
    )))
}

/// Amounts already granted: a mapping with optional keys "case",
/// "customer" and "vehicle".
pub(crate) fn granted(obj: Option<&Bound<'_, PyAny>>, currency: Currency) -> PyResult<Granted> {
    let mut g = Granted::default();
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(g);
    };
    let items = obj.call_method0("items").map_err(|_| {
        PyTypeError::new_err("`granted` must be a mapping such as {\"case\": 150000}")
    })?;
    for kv in items.try_iter()? {
        let (k, v): (String, Bound<'_, PyAny>) = kv?.extract()?;
        let amount = granted_amount(&v, &k, currency)?;
        match k.as_str() {
            "case" => g.case = amount,
            "customer" => g.customer = amount,
            "vehicle" => g.vehicle = amount,
            other => {
                return Err(invalid_argument(
                    "granted",
                    format!("unknown key `{other}` (expected case, customer, vehicle)"),
                ))
            }
        }
    }
    Ok(g)
}

const LAYERS: [Layer; 3] = [
    Layer::ProblemRepair,
    Layer::LossCompensation,
    Layer::EmotionalRepair,
];

/// One cap checked for a package: scope ("tier", "case", "customer",
/// "vehicle"), the cap, the total including the package, and whether the
/// total stays within it.
///
/// >>> a = nps.Policy.default().required_approver([(180000, "CNY", "loss_compensation")], tier="S")
/// >>> c = a.caps[0]
/// >>> c.scope, c.cap_minor, c.total_minor, c.within
/// ('tier', 500000, 180000, True)
#[pyclass(frozen, eq, module = "nps", name = "CapCheck")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyCapCheck {
    c: CapCheck,
}

#[pymethods]
impl PyCapCheck {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        crate::state::reduce(slf.as_any(), &slf.get().c)
    }

    /// The cap check of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyCapCheck {
            c: crate::state::load(state)?,
        })
    }

    /// "tier", "case", "customer" or "vehicle".
    #[getter]
    fn scope(&self) -> &str {
        &self.c.scope
    }
    /// The cap in minor units.
    #[getter]
    fn cap_minor(&self) -> i64 {
        self.c.cap.minor
    }
    /// The total including this package, in minor units.
    #[getter]
    fn total_minor(&self) -> i64 {
        self.c.total.minor
    }
    /// ISO 4217 code of the cap and total.
    #[getter]
    fn currency(&self) -> &'static str {
        self.c.cap.currency.code()
    }
    /// Whether the total stays within the cap.
    #[getter]
    fn within(&self) -> bool {
        self.c.within
    }

    fn __repr__(&self) -> String {
        format!(
            "CapCheck(scope={}, cap_minor={}, total_minor={}, currency={}, within={})",
            repr_str(&self.c.scope),
            self.c.cap.minor,
            self.c.total.minor,
            repr_str(self.c.cap.currency.code()),
            if self.c.within { "True" } else { "False" }
        )
    }
}

/// Who must approve a compensation package.
///
/// >>> a = nps.Policy.default().required_approver(
/// ...     [nps.Item(180000, "CNY", "loss_compensation")], tier="S")
/// >>> a.approver, a.path
/// ('service_manager', ['service_advisor', 'service_manager'])
#[pyclass(frozen, eq, module = "nps", name = "Approval")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyApproval {
    pub(crate) a: Approval,
}

#[pymethods]
impl PyApproval {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        crate::state::reduce(slf.as_any(), &slf.get().a)
    }

    /// The approval of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyApproval {
            a: crate::state::load(state)?,
        })
    }

    /// The lowest sufficient role, or None: denied (no rule matches).
    #[getter]
    fn approver(&self) -> Option<&str> {
        self.a.approver.as_deref()
    }
    /// Escalation path from the lowest role up to the approver (the whole
    /// ladder when denied).
    #[getter]
    fn path(&self) -> Vec<String> {
        self.a.path.clone()
    }
    /// Whether the case total stays within the tier's cap.
    #[getter]
    fn within_cap(&self) -> bool {
        self.a.within_cap
    }
    /// Package total in minor units of the policy currency.
    #[getter]
    fn total_minor(&self) -> i64 {
        self.a.total.minor
    }
    /// The policy currency.
    #[getter]
    fn currency(&self) -> &'static str {
        self.a.total.currency.code()
    }
    /// Package total as Money.
    #[getter]
    fn total(&self) -> PyMoney {
        PyMoney(self.a.total)
    }
    /// Totals per layer in minor units: problem_repair, loss_compensation,
    /// emotional_repair.
    #[getter]
    fn by_layer<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (layer, m) in LAYERS.iter().zip(&self.a.by_layer) {
            d.set_item(layer.name(), m.minor)?;
        }
        Ok(d)
    }
    /// Every cap checked.
    #[getter]
    fn caps(&self) -> Vec<PyCapCheck> {
        self.a
            .caps
            .iter()
            .map(|c| PyCapCheck { c: c.clone() })
            .collect()
    }
    /// Why this approver (or the denial), in words.
    #[getter]
    fn reason(&self) -> &str {
        &self.a.reason
    }

    fn __repr__(&self) -> String {
        format!(
            "Approval(approver={}, within_cap={}, total_minor={}, currency={}, path=[{}])",
            self.a.approver.as_deref().map_or("None".into(), repr_str),
            if self.a.within_cap { "True" } else { "False" },
            self.a.total.minor,
            repr_str(self.a.total.currency.code()),
            self.a
                .path
                .iter()
                .map(|r| repr_str(r))
                .collect::<Vec<_>>()
                .join(", "),
        )
    }
}
