//! The generic grouped result (`nps_core::table`): the `NpsTable` handle.
//!
//! Every grouped result converts to one table of typed, nullable columns —
//! first the key columns, then `period` (when grouped by period), then the
//! value columns — so a C program reads NPS groups, KPI tables and time-KPI
//! tables with one set of functions: `nps_grouped_to_table`,
//! `nps_kpi_table_to_table`, `nps_kpi_time_table_to_table`, then
//! `nps_table_*`.

use std::ffi::c_char;

use chrono::Datelike;
use nps_core::table::{Column, Table};

use crate::ffi::{self, text_out, CEnum, FfiError, Handle, NpsStatus};
use crate::group::NpsGrouped;
use crate::kpi::{NpsKpiTable, NpsKpiTimeTable};
use crate::stats::{interval_options, NpsIntervalOptions};

/// The type of an `NpsTable` column. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsColumnType {
    /// Signed integers: read with `nps_table_get_i64`.
    I64 = 0,
    /// Unsigned integers (counts, unsigned keys): `nps_table_get_u64`.
    U64 = 1,
    /// Floating point (never NaN: no data is a null): `nps_table_get_f64`.
    F64 = 2,
    /// Flags: `nps_table_get_bool`.
    Bool = 3,
    /// Text (string keys): `nps_table_get_text`.
    Str = 4,
    /// Calendar dates (the local first day of a period):
    /// `nps_table_get_date`.
    Date = 5,
}

c_enum!(NpsColumnType {
    I64,
    U64,
    F64,
    Bool,
    Str,
    Date
});

fn column_type(c: &Column) -> NpsColumnType {
    match c {
        Column::I64(_) => NpsColumnType::I64,
        Column::U64(_) => NpsColumnType::U64,
        Column::F64(_) => NpsColumnType::F64,
        Column::Bool(_) => NpsColumnType::Bool,
        Column::Str(_) => NpsColumnType::Str,
        Column::Date(_) => NpsColumnType::Date,
    }
}

/// A grouped result as named, typed, nullable columns: an opaque,
/// immutable handle (nps-core's `table::Table`).
///
/// Ownership: created by `nps_grouped_to_table`, `nps_kpi_table_to_table`
/// or `nps_kpi_time_table_to_table`, owned by the caller and released with
/// `nps_table_free` exactly once; it does not borrow the handle it was made
/// from (free them in any order). Thread safety: immutable, so any number
/// of threads may call the `nps_table_*` readers on one table at the same
/// time; `nps_table_free` must not race with any other use.
///
/// Columns: the key columns first (`key`, or `key_0`, `key_1`, … for
/// several key columns; `nps_table_key_columns` counts them), then
/// `period` (dates) when grouped by period, then the value columns of the
/// result (named in the function that made the table).
pub struct NpsTable {
    _private: [u8; 0],
}

impl Handle for NpsTable {
    type RustType = Table;
}

/// The groups of `grouped` as a new `NpsTable` (written to `*out`): key
/// columns, `period`, then `n`, `detractors`, `passives`, `promoters`
/// (u64), `nps`, `se`, `low`, `high` (f64, points; `low` / `high` are the
/// interval of `interval`, NULL = `nps_interval_options_default()`; null
/// where a group has no data) and `thin` (bool). Invalid interval options
/// are `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `grouped` NULL or a live handle; `interval` NULL or valid options;
/// `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_to_table(
    grouped: *const NpsGrouped,
    interval: *const NpsIntervalOptions,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (g, opts) = unsafe {
            (
                NpsGrouped::try_ref(grouped, "grouped")?,
                interval_options(interval)?,
            )
        };
        let t = g.to_table(&opts)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsTable::write_new(out, t) };
        Ok(())
    })
}

/// The rows of a KPI table as a new `NpsTable` (written to `*out`): key
/// columns, `period`, then `value` (null: no data), `numerator`,
/// `denominator` and `coverage` (f64).
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_to_table(
    table: *const NpsKpiTable,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsKpiTable::try_ref(table, "table") }?.to_table();
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsTable::write_new(out, t) };
        Ok(())
    })
}

/// The rows of a time-KPI table as a new `NpsTable` (written to `*out`):
/// key columns, `period`, then `n` (u64), `mean`, `median`, `p90` (f64,
/// seconds), `target_seconds` (i64) and the share within target as
/// `within_target_value`, `_numerator`, `_denominator`, `_coverage` (f64).
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table_to_table(
    table: *const NpsKpiTimeTable,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsKpiTimeTable::try_ref(table, "table") }?.to_table();
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsTable::write_new(out, t) };
        Ok(())
    })
}

/// Releases a table. NULL is accepted (and ignored).
///
/// # Safety
///
/// `table` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_table_free(table: *mut NpsTable) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsTable::free(table) } })
}

/// Number of rows (groups); 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_table_rows(table: *const NpsTable) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsTable::try_ref(table, "table") }.map_or(0, Table::n_rows)
    })
}

/// Number of columns; 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_table_columns(table: *const NpsTable) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsTable::try_ref(table, "table") }.map_or(0, |t| t.columns.len())
    })
}

/// Number of leading key columns (0 without keys, one per key column);
/// 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_table_key_columns(table: *const NpsTable) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsTable::try_ref(table, "table") }.map_or(0, |t| t.n_keys)
    })
}

/// # Safety
/// `table` NULL or a live handle.
unsafe fn column_at<'a>(
    table: *const NpsTable,
    column: usize,
) -> Result<(&'a Table, &'a str, &'a Column), FfiError> {
    // SAFETY: forwarded caller guarantee.
    let t = unsafe { NpsTable::try_ref(table, "table") }?;
    let (name, c) = t.columns.get(column).ok_or(FfiError::IndexOutOfRange {
        index: column,
        len: t.columns.len(),
    })?;
    Ok((t, name, c))
}

/// Copies the name of column `column` (0-based, below
/// `nps_table_columns`, else `NPS_STATUS_INDEX_OUT_OF_RANGE`) with a NUL
/// into `buf` (capacity `len`); `*text_len` (may be NULL) receives its
/// length without the NUL, also on `NPS_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
///
/// `table` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_table_column_name(
    table: *const NpsTable,
    column: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        unsafe {
            let (_, name, _) = column_at(table, column)?;
            text_out(name, buf, len, text_len)
        }
    })
}

/// Writes the `NpsColumnType` of column `column` to `*out`.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_table_column_type(
    table: *const NpsTable,
    column: usize,
    out: *mut u32,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (_, _, c) = unsafe { column_at(table, column) }?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(column_type(c).to_u32()) };
        Ok(())
    })
}

/// Writes the index of the column called `name` (NUL-terminated UTF-8)
/// to `*index`; `NPS_STATUS_INVALID_ARGUMENT` when there is none.
///
/// # Safety
///
/// `table` NULL or a live handle; `name` a NUL-terminated string; `index`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_table_column_index(
    table: *const NpsTable,
    name: *const c_char,
    index: *mut usize,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(index, "index")?;
        // SAFETY: caller guarantees.
        let (t, name) = unsafe {
            (
                NpsTable::try_ref(table, "table")?,
                ffi::text(name, "name", None)?,
            )
        };
        let i = t
            .columns
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| {
                FfiError::arg(
                    "name",
                    format!("no column `{name}` (columns: {})", t.names().join(", ")),
                )
            })?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(i) };
        Ok(())
    })
}

/// Cell `(row, column)`: `pick` returns `None` for a column of another
/// type than `want`, else the cell (`None` = null).
///
/// # Safety
/// `table` NULL or a live handle.
unsafe fn cell<'a, T>(
    table: *const NpsTable,
    row: usize,
    column: usize,
    want: NpsColumnType,
    pick: impl FnOnce(&'a Column) -> Option<&'a [Option<T>]>,
) -> Result<Option<&'a T>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let (t, name, c) = unsafe { column_at(table, column) }?;
    let values = pick(c).ok_or_else(|| {
        FfiError::arg(
            "column",
            format!(
                "column {column} (`{name}`) is of type {}, not {}",
                c.type_name(),
                core_type_name(want)
            ),
        )
    })?;
    let v = values.get(row).ok_or(FfiError::IndexOutOfRange {
        index: row,
        len: t.n_rows(),
    })?;
    Ok(v.as_ref())
}

/// Writes a cell and its null flag (a null cell writes the zero value).
///
/// # Safety
/// As the exported getters.
unsafe fn get<'a, T: Copy + Default + 'a>(
    table: *const NpsTable,
    row: usize,
    column: usize,
    value: *mut T,
    is_null: *mut bool,
    want: NpsColumnType,
    pick: impl FnOnce(&'a Column) -> Option<&'a [Option<T>]>,
) -> Result<(), FfiError> {
    let (value, is_null) = (ffi::out(value, "value")?, ffi::out(is_null, "is_null")?);
    // SAFETY: forwarded caller guarantee.
    let v = unsafe { cell(table, row, column, want, pick) }?;
    // SAFETY: both checked by ffi::out; the caller guarantees they are
    // writable.
    unsafe {
        value.write(v.copied().unwrap_or_default());
        is_null.write(v.is_none());
    }
    Ok(())
}

/// The core spelling of a C column type (`Column::type_name`).
fn core_type_name(t: NpsColumnType) -> &'static str {
    match t {
        NpsColumnType::I64 => Column::I64(Vec::new()),
        NpsColumnType::U64 => Column::U64(Vec::new()),
        NpsColumnType::F64 => Column::F64(Vec::new()),
        NpsColumnType::Bool => Column::Bool(Vec::new()),
        NpsColumnType::Str => Column::Str(Vec::new()),
        NpsColumnType::Date => Column::Date(Vec::new()),
    }
    .type_name()
}

/// Reads the `double` at (`row`, `column`) of an `NPS_COLUMN_TYPE_F64`
/// column into `*value`; `*is_null` receives whether the cell is null (no
/// data; `*value` is then 0). Another column type is
/// `NPS_STATUS_INVALID_ARGUMENT`; a row or column out of range is
/// `NPS_STATUS_INDEX_OUT_OF_RANGE`.
///
/// # Safety
///
/// `table` NULL or a live handle; `value` and `is_null` writable. (The
/// same holds for every `nps_table_get_*`.)
#[no_mangle]
pub unsafe extern "C" fn nps_table_get_f64(
    table: *const NpsTable,
    row: usize,
    column: usize,
    value: *mut f64,
    is_null: *mut bool,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe {
            get(
                table,
                row,
                column,
                value,
                is_null,
                NpsColumnType::F64,
                |c| match c {
                    Column::F64(v) => Some(v),
                    _ => None,
                },
            )
        }
    })
}

/// As `nps_table_get_f64` for an `NPS_COLUMN_TYPE_I64` column.
///
/// # Safety
///
/// As `nps_table_get_f64`.
#[no_mangle]
pub unsafe extern "C" fn nps_table_get_i64(
    table: *const NpsTable,
    row: usize,
    column: usize,
    value: *mut i64,
    is_null: *mut bool,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe {
            get(
                table,
                row,
                column,
                value,
                is_null,
                NpsColumnType::I64,
                |c| match c {
                    Column::I64(v) => Some(v),
                    _ => None,
                },
            )
        }
    })
}

/// As `nps_table_get_f64` for an `NPS_COLUMN_TYPE_U64` column.
///
/// # Safety
///
/// As `nps_table_get_f64`.
#[no_mangle]
pub unsafe extern "C" fn nps_table_get_u64(
    table: *const NpsTable,
    row: usize,
    column: usize,
    value: *mut u64,
    is_null: *mut bool,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe {
            get(
                table,
                row,
                column,
                value,
                is_null,
                NpsColumnType::U64,
                |c| match c {
                    Column::U64(v) => Some(v),
                    _ => None,
                },
            )
        }
    })
}

/// As `nps_table_get_f64` for an `NPS_COLUMN_TYPE_BOOL` column (a null
/// cell writes false).
///
/// # Safety
///
/// As `nps_table_get_f64`.
#[no_mangle]
pub unsafe extern "C" fn nps_table_get_bool(
    table: *const NpsTable,
    row: usize,
    column: usize,
    value: *mut bool,
    is_null: *mut bool,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe {
            get(
                table,
                row,
                column,
                value,
                is_null,
                NpsColumnType::Bool,
                |c| match c {
                    Column::Bool(v) => Some(v),
                    _ => None,
                },
            )
        }
    })
}

/// Reads the date at (`row`, `column`) of an `NPS_COLUMN_TYPE_DATE` column
/// (the local first day of a period) into `*year`, `*month` (1..=12) and
/// `*day` (1..=31); a null cell writes 0, 0, 0. Errors as
/// `nps_table_get_f64`.
///
/// # Safety
///
/// `table` NULL or a live handle; `year`, `month`, `day` and `is_null`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_table_get_date(
    table: *const NpsTable,
    row: usize,
    column: usize,
    year: *mut i32,
    month: *mut u32,
    day: *mut u32,
    is_null: *mut bool,
) -> NpsStatus {
    ffi_status!({
        let (y, m, d, n) = (
            ffi::out(year, "year")?,
            ffi::out(month, "month")?,
            ffi::out(day, "day")?,
            ffi::out(is_null, "is_null")?,
        );
        // SAFETY: caller guarantee.
        let v = unsafe {
            cell(table, row, column, NpsColumnType::Date, |c| match c {
                Column::Date(v) => Some(v.as_slice()),
                _ => None,
            })
        }?;
        let (yy, mm, dd) = v.map_or((0, 0, 0), |d| (d.year(), d.month(), d.day()));
        // SAFETY: all checked by ffi::out; the caller guarantees they are
        // writable.
        unsafe {
            y.write(yy);
            m.write(mm);
            d.write(dd);
            n.write(v.is_none());
        }
        Ok(())
    })
}

/// Copies the text at (`row`, `column`) of an `NPS_COLUMN_TYPE_STR` column
/// with a NUL into `buf` (capacity `len`); `*text_len` (may be NULL)
/// receives its length without the NUL, also on
/// `NPS_STATUS_BUFFER_TOO_SMALL`, so `buf = NULL, len = 0` queries it.
/// `*is_null` receives whether the cell is null (then `*text_len` is 0, and
/// `buf` receives `""` when `len > 0`). Other errors as
/// `nps_table_get_f64`.
///
/// # Safety
///
/// `table` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable; `is_null` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_table_get_text(
    table: *const NpsTable,
    row: usize,
    column: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
    is_null: *mut bool,
) -> NpsStatus {
    ffi_status!({
        let n = ffi::out(is_null, "is_null")?;
        // SAFETY: caller guarantee.
        let v = unsafe {
            cell(table, row, column, NpsColumnType::Str, |c| match c {
                Column::Str(v) => Some(v.as_slice()),
                _ => None,
            })
        }?;
        // SAFETY: checked by ffi::out; caller guarantee.
        unsafe { n.write(v.is_none()) };
        match v {
            // SAFETY: caller guarantees on buf and text_len.
            Some(s) => unsafe { text_out(s, buf, len, text_len) },
            None => {
                if let Some(t) = ffi::opt_out(text_len, "text_len")? {
                    // SAFETY: checked; caller guarantee.
                    unsafe { t.write(0) };
                }
                if len > 0 {
                    // SAFETY: caller guarantee (writable for len >= 1 bytes).
                    unsafe { ffi::copy_exact("", buf, len, "buf") }?;
                }
                Ok(())
            }
        }
    })
}
