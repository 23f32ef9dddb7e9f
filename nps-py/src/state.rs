//! Pickling and `sum()`: every result and handle pickles through its
//! nps-core saved state ([`nps_core::state::Saved`]); mergeable results
//! start a `sum()` with [`radd`].
//!
//! A class implements `__reduce__` with [`reduce`] and a static
//! `_from_state(state: bytes)` with [`load`]; pickle then stores
//! `(Class._from_state, (state,))` and loading a tampered state raises the
//! core's `InvalidArgumentError` (argument `state`).

use nps_core::state::Saved;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::errors::CoreResult;

/// `(type(obj)._from_state, (state,))` for `obj.__reduce__`.
pub(crate) fn reduce<'py, T: Saved>(
    obj: &Bound<'py, PyAny>,
    value: &T,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = obj.py();
    let ctor = obj.get_type().getattr("_from_state")?;
    let state = PyBytes::new(py, &value.to_state());
    let args = PyTuple::new(py, [state])?;
    PyTuple::new(py, [ctor, args.into_any()])
}

/// The value of a state written by [`reduce`].
pub(crate) fn load<T: Saved>(state: &[u8]) -> PyResult<T> {
    T::from_state(state).py()
}

/// `(type(obj)._from_state, (state, *extra))`, for a class that keeps
/// binding-only values next to its core value (the zone its instants are
/// shown in, a key object): pickle stores `extra` itself.
pub(crate) fn reduce_with<'py, T: Saved>(
    obj: &Bound<'py, PyAny>,
    value: &T,
    extra: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = obj.py();
    let ctor = obj.get_type().getattr("_from_state")?;
    let mut args = vec![PyBytes::new(py, &value.to_state()).into_any()];
    args.extend(extra);
    let args = PyTuple::new(py, args)?;
    PyTuple::new(py, [ctor, args.into_any()])
}

/// `0 + x` is `x` (the start of `sum()`); anything else is not added.
pub(crate) fn radd<'py, T: pyo3::PyClass>(
    slf: &Bound<'py, T>,
    other: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    let zero = other.is_exact_instance_of::<pyo3::types::PyInt>()
        && other.extract::<i64>().is_ok_and(|v| v == 0);
    if zero {
        return Ok(slf.clone().into_any());
    }
    Ok(py.NotImplemented().into_bound(py))
}

/// Key names of a merged table: those of either table when the other has
/// none (or the same ones); two different sets of names are an
/// `InvalidArgumentError` naming `other`.
pub(crate) fn merge_names(
    a: &[Option<String>],
    b: &[Option<String>],
) -> PyResult<Vec<Option<String>>> {
    let known = |n: &[Option<String>]| n.iter().any(Option::is_some);
    match (known(a), known(b)) {
        (true, true) if a != b => Err(crate::errors::invalid_argument(
            "other",
            format!("the key columns are named {a:?} here and {b:?} in other"),
        )),
        (_, true) => Ok(b.to_vec()),
        _ => Ok(a.to_vec()),
    }
}
