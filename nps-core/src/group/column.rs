//! Key columns read in place whatever their layout: dictionary codes of any
//! integer width ([`Codes`]), and strings behind a [`TextColumn`] (e.g.
//! Arrow string buffers), so that grouping allocates per group, not per row.

use std::fmt;

/// The codes of a dictionary-encoded key column, in the width the caller
/// holds them (a pandas `Categorical` has `int8` codes for up to 127
/// categories, an Arrow dictionary `int32` indices, …): read in place,
/// never widened into a copy.
///
/// Every code must index the labels; a negative code is an error naming
/// its row (mark a missing key in [`Missing::keys`](super::Missing::keys)
/// and give its row any valid code).
#[derive(Debug, Clone, Copy)]
pub enum Codes<'a> {
    /// `uint8` codes.
    U8(&'a [u8]),
    /// `uint16` codes.
    U16(&'a [u16]),
    /// `uint32` codes.
    U32(&'a [u32]),
    /// `uint64` codes.
    U64(&'a [u64]),
    /// `int8` codes (pandas up to 127 categories).
    I8(&'a [i8]),
    /// `int16` codes.
    I16(&'a [i16]),
    /// `int32` codes (Arrow's usual dictionary indices).
    I32(&'a [i32]),
    /// `int64` codes.
    I64(&'a [i64]),
}

impl<'a> From<&'a [u32]> for Codes<'a> {
    fn from(c: &'a [u32]) -> Self {
        Codes::U32(c)
    }
}

/// One integer code type of [`Codes`].
pub(super) trait Code:
    Copy + Ord + Eq + std::hash::Hash + Send + Sync + fmt::Display
{
    /// The code as an index (negative codes are refused by
    /// [`Codes::first_bad`] before any is used as an index).
    fn index(self) -> usize;
}

macro_rules! code {
    ($($t:ty),*) => {$(
        impl Code for $t {
            #[inline(always)]
            fn index(self) -> usize {
                self as usize
            }
        }
    )*};
}
code!(u8, u16, u32, u64, i8, i16, i32, i64);

/// Calls `$f` with the slice of a [`Codes`], whatever its width.
macro_rules! with_codes {
    ($codes:expr, |$c:ident| $f:expr) => {
        match $codes {
            $crate::group::Codes::U8($c) => $f,
            $crate::group::Codes::U16($c) => $f,
            $crate::group::Codes::U32($c) => $f,
            $crate::group::Codes::U64($c) => $f,
            $crate::group::Codes::I8($c) => $f,
            $crate::group::Codes::I16($c) => $f,
            $crate::group::Codes::I32($c) => $f,
            $crate::group::Codes::I64($c) => $f,
        }
    };
}
pub(super) use with_codes;

impl Codes<'_> {
    /// Rows in the column.
    pub fn len(&self) -> usize {
        with_codes!(*self, |c| c.len())
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The label index of row `i` (which must be in range).
    pub fn get(&self, i: usize) -> usize {
        with_codes!(*self, |c| c[i].index())
    }

    /// The code of row `i` (which must be in range) as text, negative
    /// codes included: for the error that names a bad code.
    pub(crate) fn text(&self, i: usize) -> String {
        with_codes!(*self, |c| c[i].to_string())
    }

    /// The first row whose code is negative or not below `n`, and the code
    /// as text.
    pub(super) fn first_bad(&self, n: usize) -> Option<(usize, String)> {
        fn find<T: Code + TryInto<usize>>(c: &[T], n: usize) -> Option<(usize, String)> {
            // Branch-free test first (vectorised), the row only on failure.
            let ok = c
                .iter()
                .fold(true, |ok, &x| ok & x.try_into().is_ok_and(|i: usize| i < n));
            if ok {
                return None;
            }
            c.iter()
                .position(|&x| !x.try_into().is_ok_and(|i: usize| i < n))
                .map(|row| (row, c[row].to_string()))
        }
        with_codes!(*self, |c| find(c, n))
    }
}

/// A column of strings read in blocks, in place: e.g. Arrow `utf8`,
/// `large_utf8` or `utf8_view` buffers, which hold no `&str` per row.
/// Grouping by [`Keys::Text`](super::Keys::Text) hashes each row's text as
/// it reads it and keeps each distinct text once (borrowed from the
/// column), so its memory is O(distinct keys), not O(rows).
///
/// ```
/// use nps_core::group::{group_by, GroupKey, GroupOptions, Keys, TextColumn};
/// /// Strings packed back to back, as Arrow lays them out.
/// struct Packed { offsets: Vec<usize>, data: String }
/// impl TextColumn for Packed {
///     fn len(&self) -> usize { self.offsets.len() - 1 }
///     fn read<'s>(&'s self, start: usize, out: &mut [&'s str]) {
///         for (j, o) in out.iter_mut().enumerate() {
///             *o = &self.data[self.offsets[start + j]..self.offsets[start + j + 1]];
///         }
///     }
/// }
/// let col = Packed { offsets: vec![0, 3, 5, 8], data: "annboann".into() };
/// let g = group_by(&[10u8, 0, 9], &GroupOptions { keys: Some(Keys::Text(&col)), ..Default::default() })?;
/// assert_eq!(g.groups[0].key, GroupKey::Str("ann".into()));
/// assert_eq!(g.groups[0].tally.n(), 2);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub trait TextColumn: Sync {
    /// Rows in the column.
    fn len(&self) -> usize;

    /// True when the column has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the text of rows `start..start + out.len()` (all in range)
    /// into `out`. Called with blocks of up to 1,024 rows, from several
    /// threads at once.
    fn read<'s>(&'s self, start: usize, out: &mut [&'s str]);
}

impl fmt::Debug for dyn TextColumn + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TextColumn({} rows)", self.len())
    }
}

/// A slice of strings as a [`TextColumn`].
pub(crate) struct RowTexts<'a, S>(pub(crate) &'a [S]);

impl<S: AsRef<str> + Sync> TextColumn for RowTexts<'_, S> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn read<'s>(&'s self, start: usize, out: &mut [&'s str]) {
        for (o, s) in out.iter_mut().zip(&self.0[start..]) {
            *o = s.as_ref();
        }
    }
}

/// Rows read from a [`TextColumn`] at a time (16 KiB of `&str` on the stack).
pub(super) const TEXT_BLOCK: usize = 1024;

/// Calls `f` with the text of rows `start..end` of `col`, a block at a time.
#[inline]
pub(super) fn each_text<'s>(
    col: &'s dyn TextColumn,
    start: usize,
    end: usize,
    mut f: impl FnMut(usize, &'s str),
) {
    each_text_while(col, start, end, |row, s| {
        f(row, s);
        true
    });
}

/// As [`each_text`] while `f` returns true: the rows after the block in
/// which it returns false are not read.
pub(super) fn each_text_while<'s>(
    col: &'s dyn TextColumn,
    start: usize,
    end: usize,
    mut f: impl FnMut(usize, &'s str) -> bool,
) {
    let mut buf: [&'s str; TEXT_BLOCK] = [""; TEXT_BLOCK];
    let mut at = start;
    while at < end {
        let n = (end - at).min(TEXT_BLOCK);
        col.read(at, &mut buf[..n]);
        let mut more = true;
        for (j, s) in buf[..n].iter().enumerate() {
            more &= f(at + j, s);
        }
        if !more {
            return;
        }
        at += n;
    }
}

/// The text of row `i` of `col`.
pub(crate) fn text_at(col: &dyn TextColumn, i: usize) -> &str {
    let mut one = [""];
    col.read(i, &mut one);
    one[0]
}
