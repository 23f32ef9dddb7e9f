//! `nps_core::table::Table` to Python: the one converter of grouped results.
//!
//! Every grouped result (`GroupResult`, `nps.kpi.KpiTable`, `TimeTable`)
//! hands its core [`Table`] to [`columns`] (or [`columns_with`], with the
//! categories of categorical key columns), which returns a
//! `TableColumns`: the table held natively, offering
//!
//! - `columns()`: a dict of column name → `(type, values, mask)`: `values`
//!   a numpy array (int64, uint64, float64, bool, object str,
//!   datetime64[D]; the labels of a categorical column, type `cat`), `mask`
//!   a bool array marking the null rows, or None when no row is null;
//! - `categories`: name → `(labels, ordered)` of the categorical columns;
//! - `__arrow_c_stream__` / `__arrow_c_schema__`: the table as Arrow record
//!   batches built with arrow-rs from the core table (typed nullable
//!   columns, `period` as date32, a categorical key as a dictionary), so
//!   that `pyarrow.table(t)`, `polars.DataFrame(t)` or DuckDB read it
//!   without a copy through Python objects.
//!
//! The Python module `nps/_table.py` builds `to_arrow()`, `to_pandas()`,
//! `to_polars()`, `to_dict()` and the notebook display from it, for every
//! result alike.

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int32Array,
    Int64Array, StringArray, StructArray, UInt64Array,
};
use arrow_schema::{Field, Fields, Schema};
use chrono::NaiveDate;
use nps_core::group::GroupKey;
use nps_core::table::{Column, Table};
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyTuple};
use pyo3_arrow::ffi::{to_schema_pycapsule, to_stream_pycapsule, ArrayIterator};

use crate::column::Categories;

/// The categories of each key column (`None` for a column that is not
/// categorical; empty when no key column is).
pub(crate) type KeyCategories = Vec<Option<Arc<Categories>>>;

/// The categories of two results being merged: their keys are codes, so
/// they merge only over equal categories (`InvalidArgumentError` naming
/// `other` otherwise).
pub(crate) fn merge_categories(a: &KeyCategories, b: &KeyCategories) -> PyResult<KeyCategories> {
    let same = a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.as_deref() == y.as_deref());
    if !same {
        return Err(crate::errors::invalid_argument(
            "other",
            "results grouped by categorical keys merge only when the categories are the same",
        ));
    }
    Ok(a.clone())
}

/// The categories as a pickled state holds them.
pub(crate) fn saved_categories(c: &KeyCategories) -> Vec<Option<Categories>> {
    c.iter().map(|c| c.as_deref().cloned()).collect()
}

/// The categories of a pickled state.
pub(crate) fn loaded_categories(c: Vec<Option<Categories>>) -> KeyCategories {
    c.into_iter().map(|c| c.map(Arc::new)).collect()
}

/// Days from 1970-01-01 (the datetime64[D] and date32 epoch).
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

/// The codes of a categorical key column (`None` at the null rows).
fn codes(c: &Column) -> Vec<Option<usize>> {
    match c {
        Column::U64(v) => v
            .iter()
            .map(|x| x.and_then(|x| usize::try_from(x).ok()))
            .collect(),
        Column::I64(v) => v
            .iter()
            .map(|x| x.and_then(|x| usize::try_from(x).ok()))
            .collect(),
        other => vec![None; other.len()],
    }
}

/// A numpy object array of strings (None at the null rows).
fn object_array<'py>(py: Python<'py>, items: Vec<Option<&str>>) -> PyResult<Bound<'py, PyAny>> {
    let np = py.import("numpy")?;
    let list = pyo3::types::PyList::new(py, items.iter())?;
    let arr = np.call_method1("empty", (items.len(), "object"))?;
    // Assigning through a slice keeps a 1-D object array even when the
    // strings would otherwise be read as a nested sequence.
    arr.set_item(pyo3::types::PySlice::full(py), list)?;
    Ok(arr)
}

/// One column as `(type, values, mask)`.
fn column<'py>(
    py: Python<'py>,
    c: &Column,
    cats: Option<&Categories>,
) -> PyResult<Bound<'py, PyTuple>> {
    let (kind, values, m): (&str, Bound<'py, PyAny>, Option<Vec<bool>>) = match (c, cats) {
        (c, Some(cats)) => {
            let codes = codes(c);
            let labels: Vec<Option<&str>> = codes
                .iter()
                .map(|k| k.and_then(|k| cats.labels.get(k)).map(String::as_str))
                .collect();
            let m = mask(&labels);
            ("cat", object_array(py, labels)?, m)
        }
        (Column::I64(v), None) => ("i64", filled(v, 0).into_pyarray(py).into_any(), mask(v)),
        (Column::U64(v), None) => ("u64", filled(v, 0).into_pyarray(py).into_any(), mask(v)),
        (Column::F64(v), None) => (
            "f64",
            filled(v, f64::NAN).into_pyarray(py).into_any(),
            mask(v),
        ),
        (Column::Bool(v), None) => (
            "bool",
            filled(v, false).into_pyarray(py).into_any(),
            mask(v),
        ),
        (Column::Str(v), None) => {
            let items: Vec<Option<&str>> = v.iter().map(Option::as_deref).collect();
            ("str", object_array(py, items)?, mask(v))
        }
        (Column::Date(v), None) => {
            let days: Vec<i64> = v
                .iter()
                .map(|d| d.map_or(i64::MIN, epoch_days)) // i64::MIN is NaT
                .collect();
            let arr = days
                .into_pyarray(py)
                .call_method1("view", ("datetime64[D]",))?;
            ("date", arr, mask(v))
        }
    };
    let m = match m {
        Some(m) => PyArray1::from_vec(py, m).into_any(),
        None => py.None().into_bound(py),
    };
    PyTuple::new(py, [kind.into_pyobject(py)?.into_any(), values, m])
}

/// One column as an Arrow array and its field (nullable).
fn arrow_column(name: &str, c: &Column, cats: Option<&Categories>) -> (Field, ArrayRef) {
    let (array, ordered): (ArrayRef, Option<bool>) = match (c, cats) {
        (c, Some(cats)) => {
            let keys: Int32Array = codes(c)
                .iter()
                .map(|k| {
                    k.filter(|&k| k < cats.labels.len())
                        .and_then(|k| i32::try_from(k).ok())
                })
                .collect();
            let mut values = StringBuilder::new();
            for l in &cats.labels {
                values.append_value(l);
            }
            let values: ArrayRef = Arc::new(values.finish());
            let dict = DictionaryArray::<Int32Type>::try_new(keys, values)
                .expect("keys are checked against the categories");
            (Arc::new(dict), Some(cats.ordered))
        }
        (Column::I64(v), None) => (Arc::new(Int64Array::from(v.clone())), None),
        (Column::U64(v), None) => (Arc::new(UInt64Array::from(v.clone())), None),
        (Column::F64(v), None) => (Arc::new(Float64Array::from(v.clone())), None),
        (Column::Bool(v), None) => (Arc::new(BooleanArray::from(v.clone())), None),
        (Column::Str(v), None) => (
            Arc::new(v.iter().map(Option::as_deref).collect::<StringArray>()),
            None,
        ),
        (Column::Date(v), None) => (
            Arc::new(
                v.iter()
                    .map(|d| d.and_then(|d| i32::try_from(epoch_days(d)).ok()))
                    .collect::<Date32Array>(),
            ),
            None,
        ),
    };
    let mut field = Field::new(name, array.data_type().clone(), true);
    if let Some(o) = ordered {
        field = field.with_dict_is_ordered(o);
    }
    (field, array)
}

/// A core [`Table`] held natively, read by `nps/_table.py` (see the module doc).
#[pyclass(frozen, module = "nps", name = "TableColumns")]
pub(crate) struct PyTableColumns {
    table: Table,
    categories: KeyCategories,
}

impl PyTableColumns {
    fn categories_of(&self, i: usize) -> Option<&Categories> {
        self.categories.get(i).and_then(|c| c.as_deref())
    }

    /// The table as one Arrow struct array (a record batch) and its fields.
    fn arrow(&self) -> (Fields, ArrayRef) {
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = self
            .table
            .columns
            .iter()
            .enumerate()
            .map(|(i, (name, c))| arrow_column(name, c, self.categories_of(i)))
            .unzip();
        let fields = Fields::from(fields);
        let n = self.table.n_rows();
        let batch = StructArray::try_new_with_length(fields.clone(), arrays, None, n)
            .expect("columns of equal length");
        (fields, Arc::new(batch))
    }
}

#[pymethods]
impl PyTableColumns {
    /// The columns as a dict of name → `(type, values, mask)`.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (i, (name, c)) in self.table.columns.iter().enumerate() {
            d.set_item(name, column(py, c, self.categories_of(i))?)?;
        }
        Ok(d)
    }

    /// The categorical columns: name → `(labels, ordered)`.
    #[getter]
    fn categories<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (i, (name, _)) in self.table.columns.iter().enumerate() {
            if let Some(c) = self.categories_of(i) {
                d.set_item(name, (c.labels.clone(), c.ordered))?;
            }
        }
        Ok(d)
    }

    /// Number of key columns.
    #[getter]
    fn n_keys(&self) -> usize {
        self.table.n_keys
    }

    fn __len__(&self) -> usize {
        self.table.n_rows()
    }

    /// The Arrow schema (Arrow PyCapsule interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let (fields, _) = self.arrow();
        Ok(to_schema_pycapsule(py, Schema::new(fields))?)
    }

    /// The table as a stream of one Arrow record batch (Arrow PyCapsule
    /// interface); `requested_schema` casts when the types allow it.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let (fields, batch) = self.arrow();
        let field = Arc::new(Field::new_struct("", fields, false));
        let reader = Box::new(ArrayIterator::new(vec![Ok(batch)], field));
        Ok(to_stream_pycapsule(py, reader, requested_schema)?)
    }
}

/// The table for `nps/_table.py` (see the module doc).
pub(crate) fn columns(py: Python<'_>, t: Table) -> PyResult<Bound<'_, PyAny>> {
    columns_with(py, t, Vec::new())
}

/// As [`columns`], with the categories of categorical key columns (their
/// codes in the core table become labels, in category order).
pub(crate) fn columns_with(
    py: Python<'_>,
    table: Table,
    categories: KeyCategories,
) -> PyResult<Bound<'_, PyAny>> {
    Ok(Bound::new(py, PyTableColumns { table, categories })?.into_any())
}

/// The key column names for a table: the names the caller grouped by when
/// all are known and fit, else the core's `key` / `key_0`, `key_1`, ….
pub(crate) fn named(t: Table, names: &[Option<String>]) -> Table {
    if names.is_empty() || names.len() != t.n_keys || names.iter().any(Option::is_none) {
        return t;
    }
    let names: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
    let mut t = t;
    // Names that do not fit leave the core's (nothing is renamed then).
    let _ = t.rename_keys(&names);
    t
}

/// A group key with the codes of categorical key columns replaced by their
/// labels (unchanged without categories).
pub(crate) fn relabel(key: &GroupKey, categories: &[Option<Arc<Categories>>]) -> GroupKey {
    // A code reads back from a saved state as `Int` (JSON has one integer).
    let label = |k: &GroupKey, c: Option<&Arc<Categories>>| {
        let code = match k {
            GroupKey::UInt(code) => usize::try_from(*code).ok(),
            GroupKey::Int(code) => usize::try_from(*code).ok(),
            _ => None,
        };
        match (code.zip(c).and_then(|(i, c)| c.labels.get(i)), c) {
            (Some(l), Some(_)) => GroupKey::Str(l.clone()),
            _ => k.clone(),
        }
    };
    match key {
        GroupKey::Tuple(ks) => GroupKey::Tuple(
            ks.iter()
                .enumerate()
                .map(|(i, k)| label(k, categories.get(i).and_then(Option::as_ref)))
                .collect(),
        ),
        k => label(k, categories.first().and_then(Option::as_ref)),
    }
}
