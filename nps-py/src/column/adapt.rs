//! Column adapters: pandas, polars and other array-likes to numpy (Arrow
//! columns are read by `arrow`, before these adapters),
//! vectorised (no Python loop over rows; only lists of `datetime` objects are
//! read one by one). No domain logic lives here: missing values become NaN /
//! NaT (so nps-core reports them as invalid rows, never as 0), and strings
//! become a dictionary encoding `(codes, categories)` so that no Python
//! string is made per row. pandas, polars and pyarrow are only looked up when
//! such a column is passed; the package never imports them otherwise.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyDict, PyList, PyRange, PyString, PyTuple};

/// The top-level package of `obj`'s type ("pandas", "polars", "numpy", ...).
fn library(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let module: String = obj.get_type().getattr("__module__")?.extract()?;
    Ok(module.split('.').next().unwrap_or_default().to_owned())
}

fn check_1d(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<()> {
    let ndim = match obj.getattr_opt("ndim")? {
        Some(n) => n,
        None => return Ok(()),
    };
    if !ndim.eq(1)? {
        return Err(PyTypeError::new_err(format!(
            "`{name}` must be a 1-D column, got an object with {ndim} dimensions"
        )));
    }
    Ok(())
}

fn kwargs<'py>(
    py: Python<'py>,
    items: &[(&str, Bound<'py, PyAny>)],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in items {
        d.set_item(k, v)?;
    }
    Ok(d)
}

fn is_list_like(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || obj.is_instance_of::<PyRange>()
}

/// A 1-D numeric array; missing values (NaN, None, pd.NA, polars null) become NaN.
pub(crate) fn numbers<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let np = py.import("numpy")?;
    let nan = np.getattr("nan")?;
    let float64 = np.getattr("float64")?;
    match library(obj)?.as_str() {
        "pandas" => {
            check_1d(obj, name)?;
            let dtype = obj.getattr("dtype")?;
            if dtype.is_instance(&np.getattr("dtype")?)? {
                return obj.call_method0("to_numpy"); // numpy-backed: a view
            }
            if obj.call_method0("isna")?.call_method0("any")?.is_truthy()? {
                let kw = kwargs(py, &[("dtype", float64), ("na_value", nan)])?;
                return obj.call_method("to_numpy", (), Some(&kw));
            }
            if let Some(numpy_dtype) = dtype.getattr_opt("numpy_dtype")?.filter(|d| !d.is_none()) {
                let kind: String = numpy_dtype.getattr("kind")?.extract()?;
                if "iuf".contains(kind.as_str()) {
                    let kw = kwargs(py, &[("dtype", numpy_dtype)])?;
                    return obj.call_method("to_numpy", (), Some(&kw));
                }
            }
            np.call_method1("asarray", (obj.call_method0("to_numpy")?,))
        }
        "polars" => {
            check_1d(obj, name)?;
            // Integers with nulls come out as floats with NaN; without nulls, a view.
            obj.call_method0("to_numpy")
        }
        _ => {
            let ma = np.getattr("ma")?;
            if obj.is_instance(&ma.getattr("MaskedArray")?)? {
                let floats = obj.call_method1("astype", (float64,))?;
                return ma.call_method1("filled", (floats, nan));
            }
            if obj.hasattr("__array__")? || is_list_like(obj) {
                return np.call_method1("asarray", (obj,));
            }
            let items = PyList::new(py, obj.try_iter()?.collect::<PyResult<Vec<_>>>()?)?;
            np.call_method1("asarray", (items,))
        }
    }
}

/// `numpy.datetime64`'s NaT as int64.
const NAT: i64 = i64::MIN;

/// Unix seconds of a datetime (naive = UTC), a date (its midnight UTC) or an int.
fn unix_seconds(v: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = v.py();
    let dt = py.import("datetime")?;
    if v.is_instance_of::<PyDateTime>() {
        let epoch = if v.getattr("tzinfo")?.is_none() {
            dt.getattr("datetime")?.call1((1970, 1, 1))?
        } else {
            let utc = dt.getattr("timezone")?.getattr("utc")?;
            let kw = kwargs(py, &[("tzinfo", utc)])?;
            dt.getattr("datetime")?.call((1970, 1, 1), Some(&kw))?
        };
        let second = dt.getattr("timedelta")?.call(
            (),
            Some(&kwargs(
                py,
                &[("seconds", 1i64.into_pyobject(py)?.into_any())],
            )?),
        )?;
        return v.sub(epoch)?.floor_div(second)?.extract();
    }
    if v.is_instance_of::<PyDate>() {
        let epoch = dt.getattr("date")?.call1((1970, 1, 1))?;
        let days: i64 = v.sub(epoch)?.getattr("days")?.extract()?;
        return Ok(days * 86_400);
    }
    py.get_type::<pyo3::types::PyInt>().call1((v,))?.extract()
}

/// A 1-D int64 (Unix seconds) or datetime64 array; tz-aware columns are converted to UTC.
pub(crate) fn timestamps<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let np = py.import("numpy")?;
    match library(obj)?.as_str() {
        "pandas" => {
            check_1d(obj, name)?;
            let dtype = obj.getattr("dtype")?;
            if dtype.getattr_opt("tz")?.is_some_and(|tz| !tz.is_none()) {
                // tz-aware: `to_numpy(datetime64)` is the UTC instant.
                let unit: String = dtype.getattr("unit")?.extract()?;
                let nat = np.getattr("datetime64")?.call1(("NaT",))?;
                let kw = kwargs(
                    py,
                    &[
                        (
                            "dtype",
                            PyString::new(py, &format!("datetime64[{unit}]")).into_any(),
                        ),
                        ("na_value", nat),
                    ],
                )?;
                return obj.call_method("to_numpy", (), Some(&kw));
            }
            if dtype.getattr("kind")?.eq("M")? {
                return obj.call_method0("to_numpy");
            }
            numbers(obj, name)
        }
        "polars" => {
            check_1d(obj, name)?;
            // Datetime (naive or tz-aware, stored as UTC instants) -> datetime64 in UTC; Date -> [D].
            obj.call_method0("to_numpy")
        }
        _ => {
            if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
                let items: Vec<Bound<'py, PyAny>> = obj.try_iter()?.collect::<PyResult<_>>()?;
                if items.iter().any(|v| v.is_instance_of::<PyDate>()) {
                    // None becomes NaT (int64 minimum), which nps-core rejects as an invalid timestamp.
                    let seconds = items
                        .iter()
                        .map(|v| {
                            if v.is_none() {
                                Ok(NAT)
                            } else {
                                unix_seconds(v)
                            }
                        })
                        .collect::<PyResult<Vec<i64>>>()?;
                    let arr = np.call_method1("array", (seconds, np.getattr("int64")?))?;
                    return arr.call_method1("view", ("datetime64[s]",));
                }
            }
            numbers(obj, name)
        }
    }
}

/// `(codes, categories)` of a polars Categorical / Enum through its Arrow
/// dictionary (no string is copied per row); None without pyarrow.
fn arrow_dictionary<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = obj.py();
    let pa = match py.import("pyarrow") {
        Ok(pa) => pa,
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyImportError>(py) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut arr = obj.call_method0("to_arrow")?;
    if arr.is_instance(&pa.getattr("ChunkedArray")?)? {
        arr = arr.call_method0("combine_chunks")?;
    }
    let codes = arr
        .getattr("indices")?
        .call_method1("cast", (pa.call_method0("int64")?,))?
        .call_method1("fill_null", (-1,))?
        .call_method0("to_numpy")?;
    let categories = arr.getattr("dictionary")?.call_method0("to_pylist")?;
    Ok(Some(PyTuple::new(py, [codes, categories])?.into_any()))
}

/// Keys or respondent ids: an integer or object ndarray, or `(codes, categories)`
/// for string columns (codes index `categories`; -1 marks a missing value).
pub(crate) fn labels<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let np = py.import("numpy")?;
    match library(obj)?.as_str() {
        "pandas" => {
            check_1d(obj, name)?;
            let dtype = obj.getattr("dtype")?;
            let kind: String = match dtype.getattr_opt("kind")? {
                Some(k) => k.extract()?,
                None => "O".into(),
            };
            let int_categories = match dtype.getattr_opt("categories")? {
                Some(c) if !c.is_none() => {
                    let k: String = c.getattr("dtype")?.getattr("kind")?.extract()?;
                    "iuf".contains(k.as_str())
                }
                _ => false,
            };
            if "iuf".contains(kind.as_str()) || int_categories {
                return numbers(obj, name); // integer keys (NaN marks a missing one)
            }
            if let Some(categories) = dtype.getattr_opt("categories")?.filter(|c| !c.is_none()) {
                // A categorical column: (codes, categories as text, ordered);
                // intervals (`pd.cut`) and other objects by their text.
                // A Series holds its Categorical in `.array`; a bare
                // `pd.Categorical` has the codes itself.
                let codes = match obj.getattr_opt("codes")? {
                    Some(c) => c,
                    None => obj.getattr("array")?.getattr("codes")?,
                };
                let builtins = py.import("builtins")?;
                let labels = categories
                    .try_iter()?
                    .map(|c| {
                        let c = c?;
                        if c.is_instance_of::<PyString>() {
                            Ok(c)
                        } else {
                            builtins.getattr("str")?.call1((c,))
                        }
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                let ordered = dtype.getattr("ordered")?.is_truthy()?;
                let ordered = pyo3::types::PyBool::new(py, ordered).to_owned().into_any();
                return Ok(PyTuple::new(
                    py,
                    [codes, PyList::new(py, labels)?.into_any(), ordered],
                )?
                .into_any());
            }
            // Other columns (Python strings): read row by row as objects,
            // factorised as they are read (one 4-byte code per row; the
            // Series' own object array is not copied).
            let objects = obj.call_method(
                "to_numpy",
                (),
                Some(&kwargs(
                    py,
                    &[("dtype", PyString::new(py, "object").into_any())],
                )?),
            )?;
            np.call_method1("asarray", (objects,))
        }
        "polars" => {
            check_1d(obj, name)?;
            let pl = py.import("polars")?;
            let dtype = obj.getattr("dtype")?;
            let categorical = dtype.is_instance(&pl.getattr("Categorical")?)?
                || dtype.is_instance(&pl.getattr("Enum")?)?;
            if categorical {
                if let Some(coded) = arrow_dictionary(obj)? {
                    return Ok(coded);
                }
            }
            if categorical || dtype.eq(pl.getattr("String")?)? {
                let text = obj.call_method1("cast", (pl.getattr("String")?,))?;
                let kw = kwargs(
                    py,
                    &[(
                        "maintain_order",
                        pyo3::types::PyBool::new(py, true).to_owned().into_any(),
                    )],
                )?;
                let categories = text
                    .call_method("unique", (), Some(&kw))?
                    .call_method0("drop_nulls")?;
                let codes = text
                    .call_method1("cast", (pl.getattr("Enum")?.call1((&categories,))?,))?
                    .call_method0("to_physical")?
                    .call_method1("cast", (pl.getattr("Int64")?,))?
                    .call_method1("fill_null", (-1,))?;
                return Ok(PyTuple::new(
                    py,
                    [
                        codes.call_method0("to_numpy")?,
                        categories.call_method0("to_list")?,
                    ],
                )?
                .into_any());
            }
            obj.call_method0("to_numpy")
        }
        _ => {
            if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
                // Any string makes the column objects, so that a mix of
                // strings and other values is found row by row (numpy would
                // turn `[1, "1"]` into the strings "1", "1").
                let mut any_str = false;
                for v in obj.try_iter()? {
                    if v?.is_instance_of::<PyString>() {
                        any_str = true;
                        break;
                    }
                }
                if any_str {
                    let kw = kwargs(py, &[("dtype", PyString::new(py, "object").into_any())])?;
                    return np.call_method("asarray", (obj,), Some(&kw));
                }
                return np.call_method1("asarray", (obj,));
            }
            numbers(obj, name)
        }
    }
}

/// A numeric column as a numpy array, adapted as every native function
/// adapts its columns (for `nps.kpi`, which converts flags before the call).
#[pyfunction]
#[pyo3(name = "_column_numbers")]
pub(crate) fn column_numbers<'py>(
    column: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    // Arrow columns are read in Rust (no pyarrow), then handed over as numpy.
    if let Some(c) = super::arrow::import(column, "flags")? {
        return super::arrow::numbers(&c, "flags")?.to_numpy(column.py());
    }
    numbers(column, name)
}
