//! Columns from Python: numpy arrays are borrowed without copying; pandas,
//! polars, Arrow and other array-likes go through `adapt` (vectorised
//! adapters, in Rust) first. No domain rule lives here: invalid or missing values are
//! passed on (as NaN / NaT) for nps-core to report with their row.

pub(crate) mod adapt;
pub(crate) mod arrow;
mod values;

pub(crate) use values::{
    float_labels, missing, Categories, CodeCol, IntLabels, Labels, Numbers, Seconds, Slice, Visit,
    NAT,
};

use std::sync::Arc;

use nps_core::ScoreValue;
use numpy::prelude::*;
use numpy::{PyArray1, PyArrayDescr, PyUntypedArray};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyString, PyTuple};

use crate::errors::{invalid_argument, to_py};

fn helper<'py>(
    obj: &Bound<'py, PyAny>,
    function: &str,
    name: &'static str,
) -> PyResult<Bound<'py, PyAny>> {
    match function {
        "timestamps" => adapt::timestamps(obj, name),
        "labels" => adapt::labels(obj, name),
        _ => adapt::numbers(obj, name),
    }
}

/// A 1-D, C-contiguous, aligned, native-endian ndarray for `obj`: numpy
/// arrays pass through untouched; anything else goes through `adapt`.
fn ndarray<'py>(
    obj: &Bound<'py, PyAny>,
    function: &str,
    name: &'static str,
) -> PyResult<Bound<'py, PyUntypedArray>> {
    let any = if obj.is_exact_instance_of::<PyUntypedArray>() {
        obj.clone()
    } else {
        helper(obj, function, name)?
    };
    as_ndarray(any, name)
}

fn as_ndarray<'py>(
    any: Bound<'py, PyAny>,
    name: &'static str,
) -> PyResult<Bound<'py, PyUntypedArray>> {
    let py = any.py();
    let arr = any
        .cast_into::<PyUntypedArray>()
        .map_err(|e| PyTypeError::new_err(format!("`{name}`: expected a column, {e}")))?;
    if arr.ndim() != 1 {
        return Err(invalid_argument(
            name,
            format!("must be a 1-D column, got {} dimensions", arr.ndim()),
        ));
    }
    let np = py.import("numpy")?;
    let mut out = arr.into_any();
    let dtype = out.cast::<PyUntypedArray>()?.dtype();
    if dtype.is_native_byteorder() == Some(false) {
        let native = dtype.call_method1("newbyteorder", ("=",))?;
        out = out.call_method1("astype", (native,))?;
    }
    // Returns the array itself (no copy) when it already is contiguous and aligned.
    let out = np.getattr("require")?.call1((out, py.None(), "CA"))?;
    Ok(out.cast_into::<PyUntypedArray>()?)
}

fn kind(dtype: &Bound<'_, PyArrayDescr>) -> char {
    dtype.kind() as char
}

fn dtype_str(arr: &Bound<'_, PyUntypedArray>) -> String {
    arr.dtype()
        .str()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// Tries each numeric element type in turn; `None` for other dtypes.
fn typed<'py>(arr: &Bound<'py, PyUntypedArray>) -> PyResult<Option<Numbers<'py>>> {
    macro_rules! try_types {
        ($($variant:ident: $t:ty),*) => {$(
            if let Ok(a) = arr.cast::<PyArray1<$t>>() {
                return Ok(Some(Numbers::$variant(a.try_readonly()?.into())));
            }
        )*};
    }
    try_types!(U8: u8, U16: u16, U32: u32, U64: u64, I8: i8, I16: i16, I32: i32, I64: i64, F32: f32, F64: f64);
    Ok(None)
}

/// True for the missing-value markers of pandas (`pd.NA`, `pd.NaT`).
fn is_missing_marker(v: &Bound<'_, PyAny>) -> bool {
    v.get_type()
        .name()
        .is_ok_and(|n| n.to_str().is_ok_and(|n| n == "NAType" || n == "NaTType"))
}

/// Values of an object column: numbers as `f64`, None / NaN / pd.NA as NaN.
fn object_numbers(arr: &Bound<'_, PyUntypedArray>, name: &'static str) -> PyResult<Vec<f64>> {
    let mut out = Vec::with_capacity(arr.len());
    for (row, item) in arr.try_iter()?.enumerate() {
        let item = item?;
        if item.is_none() || is_missing_marker(&item) {
            out.push(f64::NAN);
            continue;
        }
        if item.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "`{name}` must hold numbers; row {row} holds the string {}",
                item.repr()?
            )));
        }
        match item.extract::<f64>() {
            Ok(v) => out.push(v),
            // An integer too large for a float: certainly not a valid score.
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(arr.py()) => {
                out.push(f64::INFINITY)
            }
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "`{name}` must hold numbers; row {row} holds {} of type {}",
                    item.repr()?,
                    item.get_type().name()?
                )))
            }
        }
    }
    Ok(out)
}

/// A numeric column (scores or weights) from any supported Python column.
pub(crate) fn numbers<'py>(obj: &Bound<'py, PyAny>, name: &'static str) -> PyResult<Numbers<'py>> {
    if let Some(c) = arrow::import(obj, name)? {
        return arrow::numbers(&c, name);
    }
    let arr = ndarray(obj, "numbers", name)?;
    if let Some(n) = typed(&arr)? {
        return Ok(n);
    }
    match kind(&arr.dtype()) {
        'O' => Ok(Numbers::Owned(object_numbers(&arr, name)?)),
        // float16 / longdouble: widen or narrow to float64 (exact for every score).
        'f' => {
            let f = arr
                .call_method1("astype", ("float64",))?
                .cast_into::<PyUntypedArray>()?;
            typed(&f)?.ok_or_else(|| PyTypeError::new_err("float64 conversion failed"))
        }
        _ => Err(PyTypeError::new_err(format!(
            "`{name}` must be a column of numbers, got dtype {}",
            dtype_str(&arr)
        ))),
    }
}

/// Converts ticks of a datetime64 unit to Unix seconds (floor), keeping NaT.
fn ticks_to_seconds(ticks: &[i64], num: i128, den: i128) -> Vec<i64> {
    ticks
        .iter()
        .map(|&t| {
            if t == NAT {
                NAT
            } else {
                // Beyond i64: out of every supported range, never "missing".
                i64::try_from((i128::from(t) * num).div_euclid(den)).unwrap_or(i64::MAX)
            }
        })
        .collect()
}

/// Timestamps as Unix seconds: int64 seconds, numpy datetime64 of any unit,
/// pandas / polars datetime columns (tz-aware or naive = UTC), lists of
/// `datetime` objects.
pub(crate) fn timestamps<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Seconds<'py>> {
    timestamps_of(obj, false).map(|(s, _)| s)
}

/// As [`timestamps`], with the missing rows (NaT, NaN, None, pd.NA, polars
/// null) marked in a mask (`None` when none is missing) and a placeholder
/// (0) in their place, never a sentinel; an infinite or huge float is an
/// `InvalidValueError` naming the row.
pub(crate) fn timestamps_or_missing<'py>(
    obj: &Bound<'py, PyAny>,
) -> PyResult<(Seconds<'py>, Option<Vec<bool>>)> {
    timestamps_of(obj, true)
}

/// The missing rows of a converted column (NaT = `NAT`), replaced by 0.
fn mask_nat<'py>(s: Seconds<'py>) -> PyResult<(Seconds<'py>, Option<Vec<bool>>)> {
    if !s.as_slice()?.contains(&NAT) {
        return Ok((s, None));
    }
    let v = s.as_slice()?;
    let mask: Vec<bool> = v.iter().map(|&t| t == NAT).collect();
    let clean = v.iter().map(|&t| if t == NAT { 0 } else { t }).collect();
    Ok((Seconds::owned(clean), Some(mask)))
}

/// Seconds of a numeric column (fractional seconds round down), `NAT` at
/// NaN; an infinite or huge value is an `InvalidValueError` naming the row
/// when `masked` (else `NAT`, which nps-core reports).
fn number_seconds(n: &Numbers<'_>, masked: bool) -> PyResult<Vec<i64>> {
    const NAME: &str = "timestamps";
    /// Seconds, NaN as `NAT`; the first infinite or huge value.
    struct ToSeconds;
    impl Visit for ToSeconds {
        type Out = (Vec<i64>, Option<(usize, f64)>);
        fn visit<T: ScoreValue>(self, values: &[T]) -> Self::Out {
            let mut bad = None;
            let v = values
                .iter()
                .enumerate()
                .map(|(row, v)| {
                    let f = v.to_report();
                    match v.to_int() {
                        Some(i) => i,
                        // Fractional seconds round down; NaN is missing.
                        None if f.is_finite() && f.abs() < 9.0e18 => f.floor() as i64,
                        None => {
                            if !f.is_nan() && bad.is_none() {
                                bad = Some((row, f));
                            }
                            NAT
                        }
                    }
                })
                .collect();
            (v, bad)
        }
    }
    let (v, bad) = n.visit(ToSeconds)?;
    match bad {
        Some((row, f)) if masked => Err(to_py(nps_core::Error::InvalidValue {
            name: NAME.into(),
            index: row,
            reason: format!("{f} is not a Unix time in seconds"),
        })),
        _ => Ok(v),
    }
}

fn timestamps_of<'py>(
    obj: &Bound<'py, PyAny>,
    masked: bool,
) -> PyResult<(Seconds<'py>, Option<Vec<bool>>)> {
    match seconds_of(obj, masked)? {
        (s, true) if masked => mask_nat(s),
        (s, _) => Ok((s, None)),
    }
}

/// Timestamps as Unix seconds (as [`timestamps_or_missing`]: an infinite
/// or huge float is an `InvalidValueError` naming the row) with `NAT`
/// (`i64::MIN`) at the missing rows, the form nps-core reads where an
/// instant may be absent ("never contacted") or reports with its row
/// where one is required. Int64 seconds and datetime64[s] are read in
/// place, not copied.
pub(crate) fn instants<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Seconds<'py>> {
    Ok(seconds_of(obj, true)?.0)
}

/// The seconds of a timestamp column and whether `NAT` in them marks a
/// missing row (false for int64 seconds, where `i64::MIN` is a value).
fn seconds_of<'py>(obj: &Bound<'py, PyAny>, masked: bool) -> PyResult<(Seconds<'py>, bool)> {
    const NAME: &str = "timestamps";
    let done = |s: Seconds<'py>| Ok((s, true));
    let py = obj.py();
    if let Some(c) = arrow::import(obj, NAME)? {
        return match arrow::timestamps(&c)? {
            Ok(s) => done(s),
            Err(n) => done(Seconds::owned(number_seconds(&n, masked)?)),
        };
    }
    let arr = ndarray(obj, "timestamps", NAME)?;
    let dtype = arr.dtype();
    match kind(&dtype) {
        'M' => {
            let np = py.import("numpy")?;
            let (unit, count): (String, i64) =
                np.getattr("datetime_data")?.call1((&dtype,))?.extract()?;
            let count = i128::from(count);
            // (numerator, denominator): seconds = ticks * count * num / den.
            let (num, den): (i128, i128) = match unit.as_str() {
                "s" => (1, 1),
                "ms" => (1, 1_000),
                "us" | "μs" => (1, 1_000_000),
                "ns" => (1, 1_000_000_000),
                "ps" => (1, 1_000_000_000_000),
                "fs" => (1, 1_000_000_000_000_000),
                "as" => (1, 1_000_000_000_000_000_000),
                "m" => (60, 1),
                "h" => (3_600, 1),
                "D" => (86_400, 1),
                "W" => (604_800, 1),
                // Months and years have no fixed length: let numpy convert them.
                _ => {
                    let s = arr.call_method1("astype", ("datetime64[s]",))?;
                    let ints = s.call_method1("view", ("int64",))?;
                    let ints = ints.cast_into::<PyArray1<i64>>()?;
                    return done(Seconds::owned(ints.try_readonly()?.as_slice()?.to_vec()));
                }
            };
            let ints = arr
                .call_method1("view", ("int64",))?
                .cast_into::<PyArray1<i64>>()?;
            let ints = ints.try_readonly()?;
            if num * count == 1 && den == 1 {
                return done(Seconds::borrowed(ints));
            }
            let ticks = ints.as_slice()?;
            done(Seconds::owned(
                py.detach(|| ticks_to_seconds(ticks, num * count, den)),
            ))
        }
        'i' | 'u' | 'f' | 'O' => {
            if let Ok(a) = arr.cast::<PyArray1<i64>>() {
                // Integer seconds: nothing is missing (i64::MIN is a value,
                // outside the supported range).
                return Ok((Seconds::borrowed(a.try_readonly()?), false));
            }
            let n = numbers(arr.as_any(), NAME)?;
            done(Seconds::owned(number_seconds(&n, masked)?))
        }
        _ => Err(PyTypeError::new_err(format!(
            "`timestamps` must be Unix seconds (integers) or datetimes, got dtype {}",
            dtype_str(&arr)
        ))),
    }
}

/// A string as UTF-8 text; a lone surrogate (which UTF-8 cannot encode)
/// is an `InvalidValueError` naming the column and the row.
fn utf8(s: &Bound<'_, PyString>, name: &'static str, row: usize) -> PyResult<PyBackedStr> {
    s.clone().try_into().map_err(|_| {
        to_py(nps_core::Error::InvalidValue {
            name: name.into(),
            index: row,
            reason:
                "the string is not valid Unicode text (it holds a lone surrogate such as \\ud800)"
                    .into(),
        })
    })
}

/// Rows of a key / respondent column: missing values either raise (`masked`
/// false) or are marked in a mask, with a placeholder value in the column.
fn object_labels(
    arr: &Bound<'_, PyUntypedArray>,
    name: &'static str,
    masked: bool,
) -> PyResult<(Labels<'static>, Option<Vec<bool>>)> {
    // Strings are factorised as they are read: one code (4 bytes) per row
    // and one copy of each distinct text, never a string per row. Python
    // columns usually repeat the same str object, so the object's address
    // is looked up first, its text only for a new object.
    let mut codes: Vec<u32> = Vec::new();
    let mut categories: Vec<PyBackedStr> = Vec::new();
    let mut by_object: std::collections::HashMap<usize, u32> = Default::default();
    let mut by_text: std::collections::HashMap<Box<str>, u32> = Default::default();
    let mut ints: Vec<i64> = Vec::new();
    let mut absent: Vec<usize> = Vec::new();
    let mut gap = |row: usize| {
        if masked {
            absent.push(row);
            Ok(())
        } else {
            Err(missing(name, row))
        }
    };
    let mut n_str = 0usize;
    for (row, item) in arr.try_iter()?.enumerate() {
        let item = item?;
        if item.is_none() || is_missing_marker(&item) {
            gap(row)?;
            codes.push(0);
            continue;
        }
        if let Ok(s) = item.cast::<PyString>() {
            if !ints.is_empty() {
                return Err(mixed(name, row));
            }
            n_str += 1;
            let code = match by_object.get(&(item.as_ptr() as usize)) {
                Some(&c) => c,
                None => {
                    let text = utf8(s, name, row)?;
                    let next = categories.len() as u32;
                    let c = *by_text.entry((*text).into()).or_insert_with(|| {
                        categories.push(text);
                        next
                    });
                    by_object.insert(item.as_ptr() as usize, c);
                    c
                }
            };
            codes.push(code);
        } else if item.is_instance_of::<pyo3::types::PyInt>() || item.hasattr("__index__")? {
            if n_str > 0 {
                return Err(mixed(name, row));
            }
            let i = item.extract::<i64>().map_err(|_| {
                to_py(nps_core::Error::InvalidValue {
                    name: name.into(),
                    index: row,
                    reason: "an integer key must fit in 64 bits (signed)".into(),
                })
            })?;
            ints.push(i);
            codes.push(0);
        } else if item.extract::<f64>().is_ok_and(f64::is_nan) {
            gap(row)?;
            codes.push(0);
        } else {
            return Err(PyTypeError::new_err(format!(
                "`{name}` must hold integers or strings; row {row} holds {} of type {}",
                item.repr()?,
                item.get_type().name()?
            )));
        }
    }
    let rows = codes.len();
    let mask = (!absent.is_empty()).then(|| {
        let mut mask = vec![false; rows];
        absent.iter().for_each(|&r| mask[r] = true);
        mask
    });
    if n_str == 0 {
        // Integers (placeholders 0 at the missing rows).
        let ints = match &mask {
            None => ints,
            Some(mask) => {
                let mut it = ints.into_iter();
                mask.iter()
                    .map(|&m| if m { 0 } else { it.next().unwrap_or(0) })
                    .collect()
            }
        };
        if !ints.is_empty() || categories.is_empty() {
            return Ok((Labels::I64(Slice::Owned(ints)), mask));
        }
    }
    if categories.is_empty() {
        categories.push(PyString::new(arr.py(), "").try_into()?);
    }
    Ok((
        Labels::Coded {
            codes: codes.into(),
            categories,
        },
        mask,
    ))
}

/// A key column has one type: a mix is an `InvalidArgumentError` naming the
/// column and the first row whose type differs.
fn mixed(name: &'static str, row: usize) -> PyErr {
    invalid_argument(
        name,
        format!(
            "a key column has one type; it mixes strings and integers (first change at row {row})"
        ),
    )
}

/// Codes (-1 = missing) and string categories: the codes (borrowed in
/// their own width when every one indexes a category, else as `u32` with 0
/// at the masked rows), the categories, the mask.
type Coded<'py> = (CodeCol<'py>, Vec<PyBackedStr>, Option<Vec<bool>>);

/// The codes in their own width when each indexes one of `n` categories.
fn borrowed_codes<'py>(
    arr: &Bound<'py, PyUntypedArray>,
    n: usize,
) -> PyResult<Option<CodeCol<'py>>> {
    macro_rules! try_width {
        ($t:ty, $variant:ident) => {
            if let Ok(a) = arr.cast::<PyArray1<$t>>() {
                let a = a.try_readonly()?;
                let ok = a.as_slice().is_ok_and(|c| {
                    c.iter()
                        .fold(true, |ok, &x| ok & usize::try_from(x).is_ok_and(|i| i < n))
                });
                return Ok(ok.then(|| CodeCol::$variant(Slice::Numpy(a))));
            }
        };
    }
    try_width!(i8, I8);
    try_width!(i16, I16);
    try_width!(i32, I32);
    try_width!(i64, I64);
    try_width!(u8, U8);
    try_width!(u16, U16);
    try_width!(u32, U32);
    try_width!(u64, U64);
    Ok(None)
}

fn coded<'py>(
    codes: &Bound<'py, PyAny>,
    categories: &Bound<'py, PyAny>,
    name: &'static str,
    masked: bool,
) -> PyResult<Coded<'py>> {
    let codes = as_ndarray(codes.clone(), name)?;
    let n_categories = categories.len()?;
    let borrowed = borrowed_codes(&codes, n_categories)?;
    let wide = match &borrowed {
        Some(_) => None,
        None => Some(
            codes
                .call_method1("astype", ("int64",))?
                .cast_into::<PyArray1<i64>>()?,
        ),
    };
    let wide = wide.as_ref().map(|w| w.try_readonly()).transpose()?;
    let wide: &[i64] = match &wide {
        Some(w) => w.as_slice()?,
        None => &[],
    };
    let used = |i: usize| match &borrowed {
        // Every code indexes a category: look for the first row with `i`.
        Some(b) => {
            let c = b.codes();
            (0..c.len()).find(|&r| c.get(r) == i)
        }
        None => wide.iter().position(|&k| k == i as i64),
    };
    let mut cats: Vec<PyBackedStr> = Vec::new();
    for (i, c) in categories.try_iter()?.enumerate() {
        let c = c?;
        let text = c
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err(format!("`{name}`: category {i} is not a string")))?;
        // The row named by an encoding error is the first row with it;
        // an unused category that is not valid text is left empty.
        cats.push(match utf8(text, name, 0) {
            Ok(t) => t,
            Err(e) => match used(i) {
                Some(row) => return Err(utf8(text, name, row).err().unwrap_or(e)),
                None => PyString::new(c.py(), "").try_into()?,
            },
        });
    }
    if let Some(b) = borrowed {
        return Ok((b, cats, None));
    }
    let mut out = Vec::with_capacity(wide.len());
    let mut mask: Option<Vec<bool>> = None;
    for (row, &c) in wide.iter().enumerate() {
        match usize::try_from(c) {
            Ok(c) if c < cats.len() => out.push(c as u32),
            _ if masked => {
                mask.get_or_insert_with(|| vec![false; wide.len()])[row] = true;
                out.push(0);
            }
            _ => return Err(missing(name, row)),
        }
    }
    Ok((out.into(), cats, mask))
}

/// Keys or respondent ids from any supported column: integers (borrowed for
/// u32 / u64 / i64) or strings. A missing value (None / NaN / pd.NA /
/// polars null) is an `InvalidArgumentError` naming the row.
pub(crate) fn labels<'py>(obj: &Bound<'py, PyAny>, name: &'static str) -> PyResult<Labels<'py>> {
    labels_of(obj, name, false).map(|(l, _)| l)
}

/// As [`labels`], with the rows whose value is missing marked in a mask
/// (`None` when no value is missing) and a placeholder in their place.
pub(crate) fn labels_or_missing<'py>(
    obj: &Bound<'py, PyAny>,
    name: &'static str,
) -> PyResult<(Labels<'py>, Option<Vec<bool>>)> {
    labels_of(obj, name, true)
}

/// A text column for a reader that checks Arrow views itself: one
/// `utf8_view` chunk without nulls as its unchecked views, anything else
/// as [`labels`].
pub(crate) enum TextInput<'py> {
    Views(arrow::UncheckedViews),
    Labels(Labels<'py>),
}

/// The text column `obj` (see [`TextInput`]); a missing value is an
/// `InvalidArgumentError` naming the row.
pub(crate) fn texts<'py>(obj: &Bound<'py, PyAny>, name: &'static str) -> PyResult<TextInput<'py>> {
    Ok(match arrow::import_texts(obj, name, false)? {
        Some(arrow::TextImport::Views(v)) => TextInput::Views(v),
        Some(arrow::TextImport::Checked(c)) => TextInput::Labels(arrow::labels(c, name, false)?.0),
        None => TextInput::Labels(python_labels(obj, name, false)?.0),
    })
}

/// [`texts`] with the missing rows (None, NaN, null) marked, as
/// [`labels_or_missing`]: a `utf8_view` chunk with nulls also comes as its
/// unchecked views.
pub(crate) fn texts_or_missing<'py>(
    obj: &Bound<'py, PyAny>,
    name: &'static str,
) -> PyResult<(TextInput<'py>, Option<Vec<bool>>)> {
    Ok(match arrow::import_texts(obj, name, true)? {
        Some(arrow::TextImport::Views(v)) => {
            let missing = v.missing();
            (TextInput::Views(v), missing)
        }
        Some(arrow::TextImport::Checked(c)) => {
            let (l, m) = arrow::labels(c, name, true)?;
            (TextInput::Labels(l), m)
        }
        None => {
            let (l, m) = python_labels(obj, name, true)?;
            (TextInput::Labels(l), m)
        }
    })
}

fn labels_of<'py>(
    obj: &Bound<'py, PyAny>,
    name: &'static str,
    masked: bool,
) -> PyResult<(Labels<'py>, Option<Vec<bool>>)> {
    if let Some(c) = arrow::import(obj, name)? {
        return arrow::labels(c, name, masked);
    }
    python_labels(obj, name, masked)
}

/// [`labels_of`] for a column that is not read through the Arrow interface.
fn python_labels<'py>(
    obj: &Bound<'py, PyAny>,
    name: &'static str,
    masked: bool,
) -> PyResult<(Labels<'py>, Option<Vec<bool>>)> {
    let any = if obj.is_exact_instance_of::<PyUntypedArray>() {
        obj.clone()
    } else {
        helper(obj, "labels", name)?
    };
    if let Ok(pair) = any.cast::<PyTuple>() {
        let (codes, categories) = (pair.get_item(0)?, pair.get_item(1)?);
        let (codes, mut cats, mask) = coded(&codes, &categories, name, masked)?;
        if pair.len() == 3 {
            // (codes, categories, ordered): a categorical column.
            let ordered = pair.get_item(2)?.is_truthy()?;
            let labels = cats.iter().map(|c| c.to_string()).collect();
            let categories = Arc::new(Categories { labels, ordered });
            return Ok((Labels::Categorical { codes, categories }, mask));
        }
        if mask.is_some() && cats.is_empty() {
            cats.push(PyString::new(obj.py(), "").try_into()?);
        }
        let categories = cats;
        return Ok((Labels::Coded { codes, categories }, mask));
    }
    let arr = as_ndarray(any, name)?;
    if let Ok(a) = arr.cast::<PyArray1<u32>>() {
        return Ok((Labels::U32(a.try_readonly()?.into()), None));
    }
    if let Ok(a) = arr.cast::<PyArray1<u64>>() {
        return Ok((Labels::U64(a.try_readonly()?.into()), None));
    }
    if let Ok(a) = arr.cast::<PyArray1<i64>>() {
        return Ok((Labels::I64(a.try_readonly()?.into()), None));
    }
    let dtype = arr.dtype();
    match kind(&dtype) {
        'u' => Ok((
            Labels::U32(Slice::Owned(
                arr.call_method1("astype", ("uint32",))?
                    .cast_into::<PyArray1<u32>>()?
                    .try_readonly()?
                    .as_slice()?
                    .to_vec(),
            )),
            None,
        )),
        'i' => Ok((
            Labels::I64(Slice::Owned(
                arr.call_method1("astype", ("int64",))?
                    .cast_into::<PyArray1<i64>>()?
                    .try_readonly()?
                    .as_slice()?
                    .to_vec(),
            )),
            None,
        )),
        'f' => {
            let f = arr
                .call_method1("astype", ("float64",))?
                .cast_into::<PyArray1<f64>>()?;
            let f = f.try_readonly()?;
            let (out, mask) = float_labels(f.as_slice()?, name, masked)?;
            Ok((Labels::I64(Slice::Owned(out)), mask))
        }
        'O' => object_labels(&arr, name, masked),
        'U' | 'S' | 'T' => {
            let objects = arr
                .call_method1("astype", ("object",))?
                .cast_into::<PyUntypedArray>()?;
            object_labels(&objects, name, masked)
        }
        _ => Err(PyTypeError::new_err(format!(
            "`{name}` must be a column of integers or strings, got dtype {}",
            dtype_str(&arr)
        ))),
    }
}
