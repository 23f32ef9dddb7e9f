//! Columns through the Arrow PyCapsule interface (`__arrow_c_array__` /
//! `__arrow_c_stream__`), read in Rust with `pyo3-arrow` and arrow-rs:
//! pyarrow arrays and chunked arrays, polars Series, pandas columns backed
//! by Arrow, nanoarrow, arro3 or any other producer, without pyarrow.
//!
//! A single chunk of a fixed-width type without nulls is used in place (the
//! producer's buffer, kept alive by the imported array); string columns are
//! read in place chunk by chunk. Nulls become the missing-value masks (or
//! NaN for numbers); several chunks of numbers are concatenated (a copy).
//! No domain rule lives here.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, ArrowPrimitiveType, Date32Type, Date64Type, Float16Type, Float32Type,
    Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, NullArray, PrimitiveArray};
use arrow_buffer::{ArrowNativeType, NullBuffer};
use arrow_schema::{DataType, TimeUnit};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::{PyArrayReader, PyChunkedArray, PyField, PyTable};

use super::values::{
    float_labels, missing, ArrowCodes, Categories, CodeCol, Labels, Numbers, Seconds, Slice, NAT,
};
use crate::errors::invalid_argument;

/// An Arrow column: its chunks (checked by [`import`]) and their type.
pub(crate) struct Chunks {
    chunks: Vec<ArrayRef>,
    dtype: DataType,
    /// The field's "ordered" flag (of a dictionary).
    ordered: bool,
    /// A dictionary read as plain strings (a polars `Categorical`, which
    /// polars orders by its text), not as categories in their order.
    lexical: bool,
}

impl Chunks {
    /// The full check of each chunk (offsets, UTF-8, dictionary keys in
    /// range; no allocation): the producer's buffers are trusted only
    /// after it.
    fn check(&self, name: &'static str) -> PyResult<()> {
        for c in &self.chunks {
            let checked = match c.data_type() {
                DataType::Utf8View => validate_utf8_view(c),
                _ => c.to_data().validate_full().map_err(|e| e.to_string()),
            };
            checked.map_err(|e| invalid_argument(name, format!("invalid Arrow data: {e}")))?;
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum()
    }

    fn has_nulls(&self) -> bool {
        self.chunks.iter().any(|c| c.logical_null_count() > 0)
    }

    /// The number of null rows.
    fn null_count(&self) -> usize {
        self.chunks.iter().map(|c| c.logical_null_count()).sum()
    }

    /// True at the null rows, `None` when no row is null.
    fn null_mask(&self) -> Option<Vec<bool>> {
        if !self.has_nulls() {
            return None;
        }
        let mut m = Vec::with_capacity(self.len());
        for c in &self.chunks {
            match c.logical_nulls() {
                Some(n) => push_nulls(&n, &mut m),
                None => m.resize(m.len() + c.len(), false),
            }
        }
        Some(m)
    }

    /// The first null row, if any.
    fn first_null(&self) -> Option<usize> {
        let mut offset = 0;
        for c in &self.chunks {
            if let Some(n) = c.logical_nulls() {
                if let Some(i) = n.iter().position(|valid| !valid) {
                    return Some(offset + i);
                }
            }
            offset += c.len();
        }
        None
    }
}

/// The top-level package of `obj`'s type ("pandas", "polars", "numpy", ...).
fn library(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .getattr("__module__")
        .and_then(|m| m.extract::<String>())
        .map(|m| m.split('.').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// Where [`import_unchecked`] reads a column through the Arrow interface.
enum Source<'py> {
    /// A polars Series (its Arrow stream; `dtype`: the repr of its type).
    Polars(Bound<'py, PyAny>, String),
    /// Anything else with an Arrow interface.
    Other(Bound<'py, PyAny>),
}

/// The object to read through the Arrow interface for `obj`, or `None` when
/// `obj` goes another way (numpy arrays, numpy-backed pandas columns, lists).
fn arrow_source<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Source<'py>>> {
    if obj.is_instance_of::<numpy::PyUntypedArray>() {
        return Ok(None);
    }
    let has = |name: &str| obj.hasattr(name);
    match library(obj).as_str() {
        "numpy" => Ok(None),
        "pandas" => {
            // Arrow-backed pandas columns (ArrowDtype, the pyarrow string
            // storage): their Arrow array, read in place.
            let Some(dtype) = obj.getattr_opt("dtype")? else {
                return Ok(None);
            };
            let arrow_backed = dtype.get_type().name()?.to_str()? == "ArrowDtype"
                || dtype
                    .getattr_opt("storage")?
                    .is_some_and(|s| s.extract::<String>().is_ok_and(|s| s == "pyarrow"));
            if !arrow_backed {
                return Ok(None);
            }
            let array = obj.getattr("array")?;
            if !array.hasattr("__arrow_array__")? {
                return Ok(None);
            }
            array
                .call_method0("__arrow_array__")
                .map(|a| Some(Source::Other(a)))
        }
        "polars" => {
            // Object columns cannot be exported: they take the numpy way.
            // (A polars Series answers an attribute it lacks slowly, through
            // its expression namespaces: only those it has are asked for.)
            let dtype = (obj.getattr_opt("dtype")?)
                .and_then(|d| d.repr().ok().map(|r| r.to_string()))
                .unwrap_or_default();
            let exportable = has("__arrow_c_stream__")? && !dtype.contains("Object");
            Ok(exportable.then(|| Source::Polars(obj.clone(), dtype)))
        }
        _ => Ok((has("__arrow_c_array__")? || has("__arrow_c_stream__")?)
            .then(|| Source::Other(obj.clone()))),
    }
}

/// The Arrow chunks of `obj` when it is read through the Arrow interface
/// (see the module doc), else `None`.
pub(crate) fn import(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Option<Chunks>> {
    let Some(c) = import_unchecked(obj, name)? else {
        return Ok(None);
    };
    c.check(name)?;
    Ok(Some(c))
}

/// One Arrow `utf8_view` chunk without nulls whose layout is checked
/// (buffer sizes, null count) but not its views: each view's bounds,
/// prefix, padding and UTF-8 are left to a reader that checks them itself
/// (nps-core's `heatmap::Texts::Views` checks each distinct text once).
/// Only its raw views and buffers can be read: arrow-rs's accessors trust
/// the views.
pub(crate) struct UncheckedViews(ArrayRef);

impl UncheckedViews {
    /// The views, 16 little-endian bytes per row.
    pub(crate) fn views(&self) -> &[u8] {
        self.0.as_string_view().views().inner().as_slice()
    }

    /// The data buffers the views of longer texts point into.
    pub(crate) fn buffers(&self) -> Vec<&[u8]> {
        let a = self.0.as_string_view();
        a.data_buffers().iter().map(|b| b.as_slice()).collect()
    }

    /// The null rows (`None`: none), whose views are not to be read.
    pub(crate) fn missing(&self) -> Option<Vec<bool>> {
        let nulls = self.0.logical_nulls().filter(|n| n.null_count() > 0)?;
        let mut m = Vec::with_capacity(nulls.len());
        push_nulls(&nulls, &mut m);
        Some(m)
    }
}

/// A text column through the Arrow interface.
pub(crate) enum TextImport {
    /// One `utf8_view` chunk without nulls, for a reader that checks its
    /// views (the full check skipped).
    Views(UncheckedViews),
    /// Anything else, fully checked.
    Checked(Chunks),
}

/// As [`import`], except that one `utf8_view` chunk comes back with its
/// views unchecked, for a reader that checks them: without nulls, or with
/// nulls when `masked` (the reader skips the rows of
/// [`UncheckedViews::missing`]).
pub(crate) fn import_texts(
    obj: &Bound<'_, PyAny>,
    name: &'static str,
    masked: bool,
) -> PyResult<Option<TextImport>> {
    let Some(c) = import_unchecked(obj, name)? else {
        return Ok(None);
    };
    if let [one] = c.chunks.as_slice() {
        if one.data_type() == &DataType::Utf8View {
            let data = one.to_data();
            data.validate()
                .and_then(|_| data.validate_nulls())
                .map_err(|e| invalid_argument(name, format!("invalid Arrow data: {e}")))?;
            if masked || one.null_count() == 0 {
                return Ok(Some(TextImport::Views(UncheckedViews(one.clone()))));
            }
        }
    }
    c.check(name)?;
    Ok(Some(TextImport::Checked(c)))
}

/// The chunks of `obj`, not yet checked (see [`Chunks::check`]).
fn import_unchecked(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Option<Chunks>> {
    let Some(source) = arrow_source(obj)? else {
        return Ok(None);
    };
    // A column of the Arrow null type (an empty list in pyarrow, an empty
    // polars Series) has no buffers to import (arrow-rs rejects the one
    // buffer pyarrow and polars export for it): its length is enough.
    let (source, type_name, polars) = match source {
        Source::Polars(s, dtype) => (s, Some(dtype), true),
        Source::Other(s) => {
            let type_name = (s.getattr_opt("type")?.or(s.getattr_opt("dtype")?))
                .and_then(|t| t.str().ok().map(|s| s.to_string()));
            (s, type_name, false)
        }
    };
    if matches!(type_name.as_deref(), Some("null" | "Null")) && source.hasattr("__len__")? {
        let n = source.len()?;
        return Ok(Some(Chunks {
            chunks: vec![Arc::new(NullArray::new(n))],
            dtype: DataType::Null,
            ordered: false,
            lexical: false,
        }));
    }
    let not_arrow = |e: PyErr| PyTypeError::new_err(format!("`{name}`: not an Arrow column: {e}"));
    let lexical = polars
        && type_name
            .as_deref()
            .is_some_and(|t| t.starts_with("Categorical"));
    let any: AnyArray = if polars {
        // A polars Series exports a stream (`arrow_source` saw its
        // `__arrow_c_stream__`; it has no `__arrow_c_array__`).
        AnyArray::Stream(source.extract::<PyArrayReader>().map_err(not_arrow)?)
    } else {
        source.extract().map_err(not_arrow)?
    };
    let chunked = any.into_chunked_array().map_err(|e| {
        PyTypeError::new_err(format!(
            "`{name}`: reading the Arrow column: {}",
            PyErr::from(e)
        ))
    })?;
    let (chunks, field) = chunked.into_inner();
    let dtype = field.data_type().clone();
    if let DataType::Struct(_) = dtype {
        return Err(PyTypeError::new_err(format!(
            "`{name}` must be a column; got an Arrow table (a struct of {} columns): name its columns instead",
            field.data_type()
        )));
    }
    let ordered = field.dict_is_ordered().unwrap_or(false);
    Ok(Some(Chunks {
        chunks,
        dtype,
        ordered,
        lexical,
    }))
}

/// Checks a `utf8_view` chunk as arrow-rs's `validate_full` does (the
/// layout, nulls, each view inside its buffer with its prefix, UTF-8), at
/// a fraction of its cost: a text held in its view is checked as one word
/// when ASCII, each data buffer's UTF-8 once, and then only whether a
/// longer text starts and ends on character boundaries.
fn validate_utf8_view(c: &ArrayRef) -> Result<(), String> {
    let data = c.to_data();
    data.validate().map_err(|e| e.to_string())?;
    data.validate_nulls().map_err(|e| e.to_string())?;
    let a = c.as_string_view();
    let buffers = a.data_buffers();
    let whole: Vec<bool> = buffers
        .iter()
        .map(|b| std::str::from_utf8(b).is_ok())
        .collect();
    let check = |start: usize, views: &[u128]| -> Result<(), String> {
        for (j, &v) in views.iter().enumerate() {
            check_view(start + j, v, buffers, &whole)?;
        }
        Ok(())
    };
    // Large columns on several threads (the first bad row still first).
    let views: &[u128] = a.views();
    let threads = nps_core::max_threads().min(views.len() >> 17).max(1);
    if threads == 1 {
        return check(0, views);
    }
    let per = views.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = views
            .chunks(per)
            .enumerate()
            .map(|(i, part)| s.spawn(move || check(i * per, part)))
            .collect();
        for p in parts {
            match p.join() {
                Ok(r) => r?,
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        Ok(())
    })
}

/// Checks view `v` of row `row` of a `utf8_view` column (see
/// [`validate_utf8_view`]; `whole`: which buffers are UTF-8 throughout).
#[inline]
fn check_view(
    row: usize,
    v: u128,
    buffers: &[arrow_buffer::Buffer],
    whole: &[bool],
) -> Result<(), String> {
    let boundary = |b: &[u8], i: usize| b.get(i).is_none_or(|&x| (x as i8) >= -0x40);
    /// The high bit of each of the 12 bytes a view holds a text in.
    const HIGH: u128 = 0x8080_8080_8080_8080_8080_8080 << 32;
    let len = v as u32 as usize;
    if len <= 12 {
        // The view itself without its padding (none after 12 bytes).
        let text = if len == 12 {
            v
        } else {
            v & ((1u128 << (32 + 8 * len)) - 1)
        };
        if text != v {
            return Err(format!(
                "view at row {row}: non-zero padding after a text of {len} bytes"
            ));
        }
        if text & HIGH != 0 {
            std::str::from_utf8(&v.to_le_bytes()[4..4 + len])
                .map_err(|e| format!("non-UTF-8 text at row {row}: {e}"))?;
        }
        return Ok(());
    }
    let (buffer, offset) = ((v >> 64) as u32 as usize, (v >> 96) as u32 as usize);
    let text = buffers
        .get(buffer)
        .and_then(|b| Some((b, b.get(offset..offset.checked_add(len)?)?)));
    let Some((b, text)) = text else {
        return Err(format!(
            "view at row {row}: bytes {offset}.. of buffer {buffer} are not in the array"
        ));
    };
    if text[..4] != v.to_le_bytes()[4..8] {
        return Err(format!("view at row {row}: prefix differs from its text"));
    }
    let utf8 = if whole[buffer] {
        boundary(b, offset) && boundary(b, offset + len)
    } else {
        std::str::from_utf8(text).is_ok()
    };
    if !utf8 {
        return Err(format!("non-UTF-8 text at row {row}"));
    }
    Ok(())
}

/// The values of a fixed-width column: in place for one chunk, else concatenated.
fn values<T: ArrowPrimitiveType>(c: &Chunks) -> Slice<'static, T::Native>
where
    T::Native: numpy::Element,
{
    if let [one] = c.chunks.as_slice() {
        return Slice::Arrow(one.as_primitive::<T>().values().clone());
    }
    let mut v = Vec::with_capacity(c.len());
    for chunk in &c.chunks {
        v.extend_from_slice(chunk.as_primitive::<T>().values());
    }
    Slice::Owned(v)
}

/// Every value converted by `f`, `null` at the null rows.
fn mapped<T: ArrowPrimitiveType, U>(c: &Chunks, null: U, f: impl Fn(T::Native) -> U) -> Vec<U>
where
    U: Copy,
{
    let mut out = Vec::with_capacity(c.len());
    for chunk in &c.chunks {
        let a: &PrimitiveArray<T> = chunk.as_primitive::<T>();
        let values = a.values();
        let Some(n) = a.logical_nulls().filter(|n| n.null_count() > 0) else {
            out.extend(values.iter().map(|&v| f(v)));
            continue;
        };
        // Every slot converted (`f` is a plain conversion, defined for any
        // value: a loop without a branch, vectorised), then `null` written
        // at the null rows, found a validity word at a time (64 rows).
        let at = out.len();
        out.extend(values.iter().map(|&v| f(v)));
        let rows = &mut out[at..];
        let bits = n.inner().bit_chunks();
        let words = bits.iter().chain(std::iter::once(bits.remainder_bits()));
        for (w, valid) in words.enumerate() {
            let mut nulls = !valid;
            while nulls != 0 {
                let row = 64 * w + nulls.trailing_zeros() as usize;
                match rows.get_mut(row) {
                    Some(r) => *r = null,
                    None => break,
                }
                nulls &= nulls - 1;
            }
        }
    }
    out
}

/// Appends to `out` whether each row of `n` is null, 8 rows per table
/// lookup (a bit at a time, a 10^5-row mask took 0.1 ms).
fn push_nulls(n: &NullBuffer, out: &mut Vec<bool>) {
    /// The 8 rows of a byte of validity bits: row `i` is true where bit
    /// `i` is 0 (null).
    const NULL_ROWS: [[bool; 8]; 256] = {
        let mut t = [[false; 8]; 256];
        let mut b = 0;
        while b < 256 {
            let mut i = 0;
            while i < 8 {
                t[b][i] = (b >> i) & 1 == 0;
                i += 1;
            }
            b += 1;
        }
        t
    };
    let chunks = n.inner().bit_chunks();
    out.reserve(n.len());
    for valid in chunks.iter() {
        for byte in valid.to_le_bytes() {
            out.extend_from_slice(&NULL_ROWS[usize::from(byte)]);
        }
    }
    let rest = chunks.remainder_bits();
    out.extend((0..chunks.remainder_len()).map(|i| (rest >> i) & 1 == 0));
}

fn as_f64<N: ArrowNativeType + nps_core::ScoreValue>(v: N) -> f64 {
    v.to_report()
}

fn type_error(name: &str, what: &str, dtype: &DataType) -> PyErr {
    PyTypeError::new_err(format!(
        "`{name}` must be {what}, got the Arrow type {dtype}"
    ))
}

/// A numeric column (missing values as NaN, which nps-core reports).
pub(crate) fn numbers(c: &Chunks, name: &str) -> PyResult<Numbers<'static>> {
    macro_rules! number {
        ($variant:ident, $t:ty) => {
            if c.has_nulls() {
                Numbers::Owned(mapped::<$t, f64>(c, f64::NAN, as_f64))
            } else {
                Numbers::$variant(values::<$t>(c))
            }
        };
    }
    Ok(match &c.dtype {
        DataType::UInt8 => number!(U8, UInt8Type),
        DataType::UInt16 => number!(U16, UInt16Type),
        DataType::UInt32 => number!(U32, UInt32Type),
        DataType::UInt64 => number!(U64, UInt64Type),
        DataType::Int8 => number!(I8, Int8Type),
        DataType::Int16 => number!(I16, Int16Type),
        DataType::Int32 => number!(I32, Int32Type),
        DataType::Int64 => number!(I64, Int64Type),
        DataType::Float32 => number!(F32, Float32Type),
        DataType::Float64 => number!(F64, Float64Type),
        DataType::Float16 => {
            Numbers::Owned(mapped::<Float16Type, f64>(c, f64::NAN, |v| v.to_f64()))
        }
        DataType::Boolean => {
            let mut out = Vec::with_capacity(c.len());
            for chunk in &c.chunks {
                out.extend(
                    chunk
                        .as_boolean()
                        .iter()
                        .map(|b| b.map_or(f64::NAN, |b| f64::from(u8::from(b)))),
                );
            }
            if c.has_nulls() {
                Numbers::Owned(out)
            } else {
                Numbers::U8(Slice::Owned(out.iter().map(|&f| f as u8).collect()))
            }
        }
        DataType::Null => Numbers::Owned(vec![f64::NAN; c.len()]),
        other => return Err(type_error(name, "a column of numbers", other)),
    })
}

/// Ticks of `per_second` to Unix seconds (floor), `NAT` at the null rows.
fn ticks<T: ArrowPrimitiveType<Native = i64>>(c: &Chunks, per_second: i64) -> Seconds<'static> {
    if per_second == 1 && !c.has_nulls() {
        return Seconds(values::<T>(c));
    }
    Seconds(Slice::Owned(mapped::<T, i64>(c, NAT, |t| {
        t.div_euclid(per_second)
    })))
}

/// Timestamps as Unix seconds with `NAT` at the missing rows (masked by the
/// caller): Arrow timestamps of any unit (an instant whatever the time
/// zone; naive = UTC), dates (midnight UTC), integer or float seconds.
pub(crate) fn timestamps(c: &Chunks) -> PyResult<Result<Seconds<'static>, Numbers<'static>>> {
    Ok(Ok(match &c.dtype {
        DataType::Timestamp(unit, _tz) => match unit {
            TimeUnit::Second => ticks::<TimestampSecondType>(c, 1),
            TimeUnit::Millisecond => ticks::<TimestampMillisecondType>(c, 1_000),
            TimeUnit::Microsecond => ticks::<TimestampMicrosecondType>(c, 1_000_000),
            TimeUnit::Nanosecond => ticks::<TimestampNanosecondType>(c, 1_000_000_000),
        },
        DataType::Date32 => Seconds(Slice::Owned(mapped::<Date32Type, i64>(c, NAT, |d| {
            i64::from(d) * 86_400
        }))),
        DataType::Date64 => ticks::<Date64Type>(c, 1_000),
        DataType::Int64 if !c.has_nulls() => Seconds(values::<Int64Type>(c)),
        // With nulls: the values as they are when each is one the float
        // path below gives back unchanged (exact in a double), `NAT` at the
        // nulls. The rows outside [-2^53, 2^53), `NAT` among them, are as
        // many as the nulls when every value is in range (2^53 itself takes
        // the float path, which gives it back too).
        DataType::Int64 => {
            const EXACT: u64 = 1 << 53;
            let v = mapped::<Int64Type, i64>(c, NAT, |v| v);
            let outside: usize = (v.iter())
                .map(|&t| usize::from((t as u64).wrapping_add(EXACT) >> 54 != 0))
                .sum();
            if outside != c.null_count() {
                return numbers(c, "timestamps").map(Err);
            }
            Seconds(Slice::Owned(v))
        }
        DataType::Null => Seconds(Slice::Owned(vec![NAT; c.len()])),
        // Other numbers: converted as numpy numbers are (floats floor, NaN missing).
        _ => return numbers(c, "timestamps").map(Err),
    }))
}

/// Integer labels, with the null rows in a mask (placeholder 0) or an error.
fn int_labels<T: ArrowPrimitiveType, U: Copy + Default>(
    c: &Chunks,
    name: &'static str,
    masked: bool,
    f: impl Fn(T::Native) -> U,
) -> PyResult<(Vec<U>, Option<Vec<bool>>)> {
    if let (Some(row), false) = (c.first_null(), masked) {
        return Err(missing(name, row));
    }
    Ok((mapped::<T, U>(c, U::default(), f), c.null_mask()))
}

/// The string values of one chunk of categories (a dictionary's values).
fn strings_of(values: &ArrayRef, name: &'static str) -> PyResult<Vec<String>> {
    let text = |i: usize, s: &str| {
        if values.is_null(i) {
            String::new()
        } else {
            s.to_owned()
        }
    };
    Ok(match values.data_type() {
        DataType::Utf8 => values
            .as_string::<i32>()
            .iter()
            .enumerate()
            .map(|(i, s)| text(i, s.unwrap_or("")))
            .collect(),
        DataType::LargeUtf8 => values
            .as_string::<i64>()
            .iter()
            .enumerate()
            .map(|(i, s)| text(i, s.unwrap_or("")))
            .collect(),
        DataType::Utf8View => values
            .as_string_view()
            .iter()
            .enumerate()
            .map(|(i, s)| text(i, s.unwrap_or("")))
            .collect(),
        other => {
            return Err(PyTypeError::new_err(format!(
                "`{name}`: a dictionary-encoded key column must have string categories, got {other}"
            )))
        }
    })
}

/// A dictionary column: one code per row into the categories of the first
/// chunk (later chunks with other dictionaries are mapped onto them, new
/// categories appended).
fn dictionary<K: ArrowDictionaryKeyType>(
    c: &Chunks,
    name: &'static str,
    masked: bool,
    ordered: bool,
) -> PyResult<(Labels<'static>, Option<Vec<bool>>)>
where
    K::Native: ArrowCodes,
{
    if let (Some(row), false) = (c.first_null(), masked) {
        return Err(missing(name, row));
    }
    let mut labels: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let categorical = |codes: CodeCol<'static>, labels: Vec<String>| {
        if c.lexical {
            return Labels::DictStr { codes, labels };
        }
        Labels::Categorical {
            codes,
            categories: Arc::new(Categories { labels, ordered }),
        }
    };
    if let ([chunk], false) = (c.chunks.as_slice(), c.has_nulls()) {
        // One chunk without nulls whose categories are distinct: its
        // indices are the codes, read in place.
        let d = chunk.as_dictionary::<K>();
        let cats = strings_of(d.values(), name)?;
        let distinct: std::collections::HashSet<&str> = cats.iter().map(String::as_str).collect();
        let n = cats.len();
        let in_range = d
            .keys()
            .values()
            .iter()
            .fold(true, |ok, k| ok & (k.as_usize() < n));
        if distinct.len() == n && in_range {
            let keys = d.keys().values().clone();
            return Ok((categorical(K::Native::code_col(keys), cats), None));
        }
    }
    let mut codes: Vec<u32> = Vec::with_capacity(c.len());
    for chunk in &c.chunks {
        let d = chunk.as_dictionary::<K>();
        let cats = strings_of(d.values(), name)?;
        // Where each of this chunk's categories is in `labels`.
        let map: Vec<u32> = cats
            .into_iter()
            .map(|s| {
                let next = labels.len() as u32;
                *index.entry(s.clone()).or_insert_with(|| {
                    labels.push(s);
                    next
                })
            })
            .collect();
        let nulls = d.logical_nulls();
        for (i, k) in d.keys().values().iter().enumerate() {
            let valid = nulls.as_ref().is_none_or(|n| n.is_valid(i));
            codes.push(if valid { map[k.as_usize()] } else { 0 });
        }
    }
    let mask = c.null_mask();
    Ok((categorical(codes.into(), labels), mask))
}

/// Keys or respondent ids: integers (in place when u32 / u64 / i64 without
/// nulls), strings (read in place), or dictionary-encoded strings (a
/// categorical column: codes and categories). Null rows are masked (with a
/// placeholder) or an error naming the row.
pub(crate) fn labels(
    c: Chunks,
    name: &'static str,
    masked: bool,
) -> PyResult<(Labels<'static>, Option<Vec<bool>>)> {
    let ordered = c.ordered;
    macro_rules! ints {
        ($variant:ident, $t:ty, $f:expr) => {{
            let (v, m) = int_labels::<$t, _>(&c, name, masked, $f)?;
            (Labels::$variant(Slice::Owned(v)), m)
        }};
    }
    let no_nulls = !c.has_nulls();
    Ok(match c.dtype.clone() {
        DataType::UInt32 if no_nulls => (Labels::U32(values::<UInt32Type>(&c)), None),
        DataType::UInt64 if no_nulls => (Labels::U64(values::<UInt64Type>(&c)), None),
        DataType::Int64 if no_nulls => (Labels::I64(values::<Int64Type>(&c)), None),
        DataType::UInt8 => ints!(U32, UInt8Type, u32::from),
        DataType::UInt16 => ints!(U32, UInt16Type, u32::from),
        DataType::UInt32 => ints!(U32, UInt32Type, |v| v),
        DataType::UInt64 => ints!(U64, UInt64Type, |v| v),
        DataType::Int8 => ints!(I64, Int8Type, i64::from),
        DataType::Int16 => ints!(I64, Int16Type, i64::from),
        DataType::Int32 => ints!(I64, Int32Type, i64::from),
        DataType::Int64 => ints!(I64, Int64Type, |v| v),
        DataType::Float32 | DataType::Float64 | DataType::Float16 => {
            let n = numbers(&c, name)?;
            let f = n.to_f64()?;
            let (v, m) = float_labels(&f, name, masked)?;
            (Labels::I64(Slice::Owned(v)), m)
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            if let (Some(row), false) = (c.first_null(), masked) {
                return Err(missing(name, row));
            }
            let mask = c.null_mask();
            (Labels::ArrowStr(c.chunks), mask)
        }
        DataType::Dictionary(key, _) => match *key {
            DataType::Int8 => dictionary::<Int8Type>(&c, name, masked, ordered)?,
            DataType::Int16 => dictionary::<Int16Type>(&c, name, masked, ordered)?,
            DataType::Int32 => dictionary::<Int32Type>(&c, name, masked, ordered)?,
            DataType::Int64 => dictionary::<Int64Type>(&c, name, masked, ordered)?,
            DataType::UInt8 => dictionary::<UInt8Type>(&c, name, masked, ordered)?,
            DataType::UInt16 => dictionary::<UInt16Type>(&c, name, masked, ordered)?,
            DataType::UInt32 => dictionary::<UInt32Type>(&c, name, masked, ordered)?,
            DataType::UInt64 => dictionary::<UInt64Type>(&c, name, masked, ordered)?,
            other => return Err(type_error(name, "a dictionary with integer keys", &other)),
        },
        DataType::Null => {
            if let (true, false) = (c.len() > 0, masked) {
                return Err(missing(name, 0));
            }
            (
                Labels::I64(Slice::Owned(vec![0; c.len()])),
                (c.len() > 0).then(|| vec![true; c.len()]),
            )
        }
        other => return Err(type_error(name, "a column of integers or strings", &other)),
    })
}

/// True for an object exporting an Arrow stream of record batches (a
/// table) rather than a column: the schema it exports is a struct. An
/// object without `__arrow_c_schema__` is taken for a table.
pub(crate) fn stream_is_table(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    if !obj.hasattr("__arrow_c_schema__")? {
        return Ok(true);
    }
    let field: PyField = match obj.extract() {
        Ok(f) => f,
        Err(_) => return Ok(true),
    };
    Ok(matches!(field.as_ref().data_type(), DataType::Struct(_)))
}

/// Column `name` of an object exporting an Arrow stream of record batches,
/// read in Rust (no pyarrow): the stream is imported in place and the
/// column handed on as an Arrow chunked array.
pub(crate) fn stream_column<'py>(
    df: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let table: PyTable = df.extract()?;
    let (batches, schema) = table.into_inner();
    let Ok(i) = schema.index_of(name) else {
        return Ok(None);
    };
    let field = Arc::new(schema.field(i).clone());
    let chunks: Vec<ArrayRef> = batches.iter().map(|b| b.column(i).clone()).collect();
    let col = PyChunkedArray::try_new(chunks, field)?;
    Ok(Some(col.into_pyobject(df.py())?.into_any()))
}
