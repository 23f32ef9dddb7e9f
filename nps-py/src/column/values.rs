//! The converted columns: numbers, timestamps (Unix seconds) and labels
//! (keys, respondent ids), each borrowed in place from numpy or Arrow where
//! possible. No domain rule lives here.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef};
use arrow_buffer::{ArrowNativeType, ScalarBuffer};
use arrow_schema::DataType;
use nps_core::group::{Codes, TextColumn};
use nps_core::ScoreValue;
use numpy::{Element, PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;

use crate::errors::invalid_argument;

/// Something that runs on a column of any element type.
pub(crate) trait Visit {
    /// What it produces.
    type Out;
    /// Runs on the column.
    fn visit<T: ScoreValue>(self, values: &[T]) -> Self::Out;
}

/// The values of a column of one element type: borrowed from a numpy
/// array or from an Arrow buffer (both in place), or converted.
pub(crate) enum Slice<'py, T: Element + ArrowNativeType> {
    /// A numpy array, read in place.
    Numpy(PyReadonlyArray1<'py, T>),
    /// An Arrow buffer (kept alive by the imported array), read in place.
    Arrow(ScalarBuffer<T>),
    /// Converted values.
    Owned(Vec<T>),
}

impl<T: Element + ArrowNativeType> Slice<'_, T> {
    /// The values.
    pub(crate) fn as_slice(&self) -> PyResult<&[T]> {
        Ok(match self {
            Slice::Numpy(a) => a.as_slice()?,
            Slice::Arrow(b) => b,
            Slice::Owned(v) => v,
        })
    }
}

impl<'py, T: Element + ArrowNativeType> From<PyReadonlyArray1<'py, T>> for Slice<'py, T> {
    fn from(a: PyReadonlyArray1<'py, T>) -> Self {
        Slice::Numpy(a)
    }
}

/// A numeric column, borrowed from numpy or Arrow where possible.
pub(crate) enum Numbers<'py> {
    U8(Slice<'py, u8>),
    U16(Slice<'py, u16>),
    U32(Slice<'py, u32>),
    U64(Slice<'py, u64>),
    I8(Slice<'py, i8>),
    I16(Slice<'py, i16>),
    I32(Slice<'py, i32>),
    I64(Slice<'py, i64>),
    F32(Slice<'py, f32>),
    F64(Slice<'py, f64>),
    /// Values of an object column (lists with None, pd.NA, ...) or of an
    /// Arrow column with nulls, NaN for missing.
    Owned(Vec<f64>),
}

impl Numbers<'_> {
    /// Runs `v` on the column's typed slice.
    pub(crate) fn visit<V: Visit>(&self, v: V) -> PyResult<V::Out> {
        Ok(match self {
            Numbers::U8(a) => v.visit(a.as_slice()?),
            Numbers::U16(a) => v.visit(a.as_slice()?),
            Numbers::U32(a) => v.visit(a.as_slice()?),
            Numbers::U64(a) => v.visit(a.as_slice()?),
            Numbers::I8(a) => v.visit(a.as_slice()?),
            Numbers::I16(a) => v.visit(a.as_slice()?),
            Numbers::I32(a) => v.visit(a.as_slice()?),
            Numbers::I64(a) => v.visit(a.as_slice()?),
            Numbers::F32(a) => v.visit(a.as_slice()?),
            Numbers::F64(a) => v.visit(a.as_slice()?),
            Numbers::Owned(a) => v.visit(a.as_slice()),
        })
    }

    /// The column as a numpy array of its element type (a copy).
    pub(crate) fn to_numpy<'p>(&self, py: Python<'p>) -> PyResult<Bound<'p, PyAny>> {
        Ok(match self {
            Numbers::U8(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::U16(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::U32(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::U64(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::I8(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::I16(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::I32(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::I64(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::F32(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::F64(a) => PyArray1::from_slice(py, a.as_slice()?).into_any(),
            Numbers::Owned(a) => PyArray1::from_slice(py, a).into_any(),
        })
    }

    /// The column as `f64` (borrowed when it already is one).
    pub(crate) fn to_f64(&self) -> PyResult<std::borrow::Cow<'_, [f64]>> {
        struct ToF64;
        impl Visit for ToF64 {
            type Out = Vec<f64>;
            fn visit<T: ScoreValue>(self, values: &[T]) -> Vec<f64> {
                values.iter().map(|v| v.to_report()).collect()
            }
        }
        Ok(match self {
            Numbers::F64(a) => std::borrow::Cow::Borrowed(a.as_slice()?),
            Numbers::Owned(a) => std::borrow::Cow::Borrowed(a.as_slice()),
            other => std::borrow::Cow::Owned(other.visit(ToF64)?),
        })
    }
}

/// Unix seconds, borrowed from an int64 (or `datetime64[s]`) array or an
/// Arrow int64 / timestamp[s] column when possible.
pub(crate) struct Seconds<'py>(pub(crate) Slice<'py, i64>);

impl<'py> Seconds<'py> {
    pub(crate) fn owned(v: Vec<i64>) -> Self {
        Seconds(Slice::Owned(v))
    }

    pub(crate) fn borrowed(a: PyReadonlyArray1<'py, i64>) -> Self {
        Seconds(Slice::Numpy(a))
    }

    /// The timestamps as a slice.
    pub(crate) fn as_slice(&self) -> PyResult<&[i64]> {
        self.0.as_slice()
    }
}

/// `numpy.datetime64`'s NaT, and the value used for any missing timestamp:
/// outside every supported range, so nps-core reports it as invalid.
pub(crate) const NAT: i64 = i64::MIN;

/// The categories of a categorical key column (pandas `Categorical`,
/// polars `Enum` / `Categorical`, an Arrow dictionary), in their order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Categories {
    /// The category labels (intervals and other non-strings as their text).
    pub(crate) labels: Vec<String>,
    /// True when the input's categories are ordered.
    pub(crate) ordered: bool,
}

/// The codes of a dictionary-encoded column, borrowed in their own width
/// from numpy (a pandas `Categorical`) or Arrow (a dictionary array's
/// indices) when no value is missing, else converted (`u32`, a
/// placeholder 0 at the masked rows).
pub(crate) enum CodeCol<'py> {
    I8(Slice<'py, i8>),
    I16(Slice<'py, i16>),
    I32(Slice<'py, i32>),
    I64(Slice<'py, i64>),
    U8(Slice<'py, u8>),
    U16(Slice<'py, u16>),
    U32(Slice<'py, u32>),
    U64(Slice<'py, u64>),
}

/// An integer type whose Arrow buffer can be a [`CodeCol`].
pub(crate) trait ArrowCodes: ArrowNativeType + Element {
    fn code_col(b: ScalarBuffer<Self>) -> CodeCol<'static>;
}

macro_rules! arrow_codes {
    ($($t:ty => $v:ident),*) => {$(
        impl ArrowCodes for $t {
            fn code_col(b: ScalarBuffer<$t>) -> CodeCol<'static> {
                CodeCol::$v(Slice::Arrow(b))
            }
        }
    )*};
}
arrow_codes!(i8 => I8, i16 => I16, i32 => I32, i64 => I64, u8 => U8, u16 => U16, u32 => U32, u64 => U64);

impl From<Vec<u32>> for CodeCol<'_> {
    fn from(v: Vec<u32>) -> Self {
        CodeCol::U32(Slice::Owned(v))
    }
}

impl CodeCol<'_> {
    /// The codes as core [`Codes`].
    pub(crate) fn codes(&self) -> Codes<'_> {
        // A numpy array is borrowed only when contiguous (checked by its
        // reader), so its slice is always there.
        fn whole<'a, T: Element + ArrowNativeType>(s: &'a Slice<'_, T>) -> &'a [T] {
            s.as_slice().unwrap_or_default()
        }
        match self {
            CodeCol::I8(a) => Codes::I8(whole(a)),
            CodeCol::I16(a) => Codes::I16(whole(a)),
            CodeCol::I32(a) => Codes::I32(whole(a)),
            CodeCol::I64(a) => Codes::I64(whole(a)),
            CodeCol::U8(a) => Codes::U8(whole(a)),
            CodeCol::U16(a) => Codes::U16(whole(a)),
            CodeCol::U32(a) => Codes::U32(whole(a)),
            CodeCol::U64(a) => Codes::U64(whole(a)),
        }
    }
}

/// Keys or respondent ids.
pub(crate) enum Labels<'py> {
    U32(Slice<'py, u32>),
    U64(Slice<'py, u64>),
    I64(Slice<'py, i64>),
    /// Dictionary-encoded strings: `codes[row]` indexes `categories`.
    Coded {
        codes: CodeCol<'py>,
        categories: Vec<PyBackedStr>,
    },
    /// Arrow string chunks (utf8, large_utf8, utf8_view), read in place.
    ArrowStr(Vec<ArrayRef>),
    /// Dictionary-encoded strings read from Arrow (string semantics).
    DictStr {
        codes: CodeCol<'py>,
        labels: Vec<String>,
    },
    /// A categorical column: `codes[row]` indexes `categories`, whose order
    /// is the groups' order when grouping by it.
    Categorical {
        codes: CodeCol<'py>,
        categories: Arc<Categories>,
    },
}

/// An integer view of a label column.
pub(crate) enum IntLabels<'a> {
    U32(&'a [u32]),
    U64(&'a [u64]),
    I64(&'a [i64]),
}

impl Labels<'_> {
    /// The integer labels, or `None` for strings.
    pub(crate) fn ints(&self) -> PyResult<Option<IntLabels<'_>>> {
        Ok(Some(match self {
            Labels::U32(a) => IntLabels::U32(a.as_slice()?),
            Labels::U64(a) => IntLabels::U64(a.as_slice()?),
            Labels::I64(a) => IntLabels::I64(a.as_slice()?),
            Labels::Coded { .. }
            | Labels::ArrowStr(_)
            | Labels::DictStr { .. }
            | Labels::Categorical { .. } => return Ok(None),
        }))
    }

    /// One `&str` per row for string labels (borrowing the Python strings
    /// or the Arrow buffers; a categorical column's labels).
    pub(crate) fn strs(&self) -> Option<Vec<&str>> {
        fn decode<'a>(codes: &CodeCol<'_>, labels: &[&'a str]) -> Vec<&'a str> {
            let codes = codes.codes();
            (0..codes.len())
                .map(|i| labels.get(codes.get(i)).copied().unwrap_or(""))
                .collect()
        }
        match self {
            Labels::Coded { codes, categories } => {
                let labels: Vec<&str> = categories.iter().map(|c| &**c).collect();
                Some(decode(codes, &labels))
            }
            Labels::ArrowStr(chunks) => Some(arrow_strs(chunks)),
            Labels::DictStr { codes, labels } => {
                let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
                Some(decode(codes, &labels))
            }
            Labels::Categorical { codes, categories } => {
                let labels: Vec<&str> = categories.labels.iter().map(String::as_str).collect();
                Some(decode(codes, &labels))
            }
            _ => None,
        }
    }

    /// Arrow strings as a core [`TextColumn`], read in place (`None` for
    /// other columns).
    pub(crate) fn text(&self) -> Option<ArrowText<'_>> {
        match self {
            Labels::ArrowStr(chunks) => Some(ArrowText::new(chunks)),
            _ => None,
        }
    }

    /// The labels of a dictionary-encoded column, in code order (`None`
    /// for others).
    pub(crate) fn code_labels(&self) -> Option<Vec<&str>> {
        Some(match self {
            Labels::Coded { categories, .. } => categories.iter().map(|c| &**c).collect(),
            Labels::DictStr { labels, .. } => labels.iter().map(String::as_str).collect(),
            Labels::Categorical { categories, .. } => {
                categories.labels.iter().map(String::as_str).collect()
            }
            _ => return None,
        })
    }

    /// The codes of a dictionary-encoded column (`None` for others).
    pub(crate) fn codes(&self) -> Option<Codes<'_>> {
        match self {
            Labels::Coded { codes, .. }
            | Labels::DictStr { codes, .. }
            | Labels::Categorical { codes, .. } => Some(codes.codes()),
            _ => None,
        }
    }

    /// The codes and categories of a categorical column (`None` for others).
    pub(crate) fn categorical(&self) -> Option<(Codes<'_>, &Arc<Categories>)> {
        match self {
            Labels::Categorical { codes, categories } => Some((codes.codes(), categories)),
            _ => None,
        }
    }

    /// The categories of a categorical column (`None` for others).
    pub(crate) fn categories(&self) -> Option<&Arc<Categories>> {
        self.categorical().map(|(_, c)| c)
    }
}

/// Arrow string chunks (utf8, large_utf8, utf8_view) read in place as a
/// core [`TextColumn`]: no `&str` or code per row.
pub(crate) struct ArrowText<'a> {
    chunks: &'a [ArrayRef],
    /// The first row of each chunk, and the total at the end.
    starts: Vec<usize>,
}

impl<'a> ArrowText<'a> {
    fn new(chunks: &'a [ArrayRef]) -> Self {
        let mut starts = Vec::with_capacity(chunks.len() + 1);
        let mut at = 0;
        starts.push(0);
        for c in chunks {
            at += c.len();
            starts.push(at);
        }
        ArrowText { chunks, starts }
    }
}

impl TextColumn for ArrowText<'_> {
    fn len(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    fn read<'s>(&'s self, start: usize, out: &mut [&'s str]) {
        // The chunk holding `start`, then onwards chunk by chunk.
        let mut ci = self
            .starts
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        let mut row = start;
        let mut done = 0;
        while done < out.len() && ci < self.chunks.len() {
            let c = &self.chunks[ci];
            let first = row - self.starts[ci];
            let n = (c.len() - first).min(out.len() - done);
            let dst = &mut out[done..done + n];
            // A null row reads as "" (its row is masked by the caller).
            match c.data_type() {
                DataType::Utf8 => {
                    let a = c.as_string::<i32>();
                    for (j, o) in dst.iter_mut().enumerate() {
                        *o = a.value(first + j);
                    }
                }
                DataType::LargeUtf8 => {
                    let a = c.as_string::<i64>();
                    for (j, o) in dst.iter_mut().enumerate() {
                        *o = a.value(first + j);
                    }
                }
                DataType::Utf8View => {
                    let a = c.as_string_view();
                    for (j, o) in dst.iter_mut().enumerate() {
                        *o = a.value(first + j);
                    }
                }
                _ => dst.fill(""),
            }
            done += n;
            row += n;
            ci += 1;
        }
    }
}

pub(crate) fn missing(name: &'static str, row: usize) -> PyErr {
    invalid_argument(
        name,
        format!("missing value (None / NaN / null) at row {row}"),
    )
}

/// Integer labels from floats: integral values, NaN missing (masked with a
/// placeholder 0, or an error naming the row); any other value is an error.
pub(crate) fn float_labels(
    f: &[f64],
    name: &'static str,
    masked: bool,
) -> PyResult<(Vec<i64>, Option<Vec<bool>>)> {
    let mut out = Vec::with_capacity(f.len());
    let mut mask: Option<Vec<bool>> = None;
    for (row, &v) in f.iter().enumerate() {
        match v.to_int() {
            Some(i) => out.push(i),
            None if v.is_nan() && masked => {
                mask.get_or_insert_with(|| vec![false; f.len()])[row] = true;
                out.push(0);
            }
            None if v.is_nan() => return Err(missing(name, row)),
            None => {
                return Err(PyTypeError::new_err(format!(
                    "`{name}` must hold integers or strings; row {row} holds {v}"
                )))
            }
        }
    }
    Ok((out, mask))
}

/// One `&str` per row of Arrow string chunks ("" at the null rows, which
/// the caller masks).
fn arrow_strs(chunks: &[ArrayRef]) -> Vec<&str> {
    let mut out = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    each_arrow_str(chunks, |s| out.push(s));
    out
}

/// Calls `f` with the text of every row of Arrow string chunks (a null
/// row, masked by the caller, as "").
fn each_arrow_str<'a>(chunks: &'a [ArrayRef], mut f: impl FnMut(&'a str)) {
    for c in chunks {
        match c.data_type() {
            DataType::Utf8 => c
                .as_string::<i32>()
                .iter()
                .for_each(|s| f(s.unwrap_or_default())),
            DataType::LargeUtf8 => c
                .as_string::<i64>()
                .iter()
                .for_each(|s| f(s.unwrap_or_default())),
            DataType::Utf8View => c
                .as_string_view()
                .iter()
                .for_each(|s| f(s.unwrap_or_default())),
            _ => (0..c.len()).for_each(|_| f("")),
        }
    }
}
