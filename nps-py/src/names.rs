//! Option names (`"raise"`, `"two_sided"`, `"hpd"`, ...) parsed through
//! nps-core's own serde names, so the spelling is defined once, in nps-core;
//! and Python's spelling of strings and floats in the bindings' reprs.

use pyo3::PyResult;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::errors::invalid_argument;

/// Parses an option value by its serde name; `InvalidArgumentError` naming
/// `argument` (and the accepted values) otherwise.
pub(crate) fn parse_name<T: DeserializeOwned>(argument: &'static str, value: &str) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|e| invalid_argument(argument, e.to_string()))
}

/// The serde name of an option value (e.g. `Alternative::TwoSided` -> "two_sided").
pub(crate) fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

/// Python's repr of a string (single quotes).
pub(crate) fn repr_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Python's float repr (shortest round-trip), e.g. 33.333333333333336, 1.0.
pub(crate) fn repr_f64(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}
