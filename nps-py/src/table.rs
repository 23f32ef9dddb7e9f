//! `nps_core::table::Table` to Python: the one converter of grouped results.
//!
//! Every grouped result (`GroupResult`, `nps.kpi.KpiTable`, `TimeTable`)
//! hands its core [`Table`] to [`columns`], which returns a dict of column
//! name → `(type, values, mask)`: `values` a numpy array (int64, uint64,
//! float64, bool, object str, datetime64[D]), `mask` a bool array marking
//! the null rows, or None when no row is null. The Python module
//! `nps/_table.py` builds `to_arrow()`, `to_pandas()`, `to_polars()` and
//! `to_dict()` from it, for every result alike.

use chrono::NaiveDate;
use nps_core::table::{Column, Table};
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// Days from 1970-01-01 (the datetime64[D] epoch).
fn epoch_days(d: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    (d - epoch).num_days()
}

fn mask<T>(v: &[Option<T>]) -> Option<Vec<bool>> {
    v.iter()
        .any(Option::is_none)
        .then(|| v.iter().map(Option::is_none).collect())
}

fn filled<T: Copy>(v: &[Option<T>], fill: T) -> Vec<T> {
    v.iter().map(|x| x.unwrap_or(fill)).collect()
}

/// One column as `(type, values, mask)`.
fn column<'py>(py: Python<'py>, c: &Column) -> PyResult<Bound<'py, PyTuple>> {
    let (values, m): (Bound<'py, PyAny>, Option<Vec<bool>>) = match c {
        Column::I64(v) => (filled(v, 0).into_pyarray(py).into_any(), mask(v)),
        Column::U64(v) => (filled(v, 0).into_pyarray(py).into_any(), mask(v)),
        Column::F64(v) => (filled(v, f64::NAN).into_pyarray(py).into_any(), mask(v)),
        Column::Bool(v) => (filled(v, false).into_pyarray(py).into_any(), mask(v)),
        Column::Str(v) => {
            let np = py.import("numpy")?;
            let items: Vec<Option<&str>> = v.iter().map(Option::as_deref).collect();
            let list = pyo3::types::PyList::new(py, items)?;
            let arr = np.call_method1("empty", (v.len(), "object"))?;
            // Assigning through a slice keeps a 1-D object array even when
            // the strings would otherwise be read as a nested sequence.
            arr.set_item(pyo3::types::PySlice::full(py), list)?;
            (arr, mask(v))
        }
        Column::Date(v) => {
            let days: Vec<i64> = v
                .iter()
                .map(|d| d.map_or(i64::MIN, epoch_days)) // i64::MIN is NaT
                .collect();
            let arr = days
                .into_pyarray(py)
                .call_method1("view", ("datetime64[D]",))?;
            (arr, mask(v))
        }
    };
    let m = match m {
        Some(m) => PyArray1::from_vec(py, m).into_any(),
        None => py.None().into_bound(py),
    };
    PyTuple::new(py, [c.type_name().into_pyobject(py)?.into_any(), values, m])
}

/// The table as a dict of column name → `(type, values, mask)`, in column
/// order; `n_keys` and the period are not needed by the converters (the
/// key columns come first, `period` is the date column of that name).
pub(crate) fn columns<'py>(py: Python<'py>, t: &Table) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (name, c) in &t.columns {
        d.set_item(name, column(py, c)?)?;
    }
    Ok(d)
}

/// The key column names for a table: the names the caller grouped by when
/// all are known and fit, else the core's `key` / `key_0`, `key_1`, ….
pub(crate) fn named(t: Table, names: &[Option<String>]) -> Table {
    if names.is_empty() || names.len() != t.n_keys || names.iter().any(Option::is_none) {
        return t;
    }
    let names: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
    t.clone().with_key_names(&names).unwrap_or(t)
}
