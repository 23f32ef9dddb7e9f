//! Status codes and the per-thread last error.
//!
//! `status_of` is the one mapping from `nps_core::ErrorKind` to
//! [`NpsStatus`]; the numbers of the core kinds are the same as
//! `ErrorKind as u32`.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::c_char;
use std::fmt;

use nps_core::{Error, ErrorKind, Problem};

use crate::ffi;

/// Result of a fallible call. `NPS_STATUS_OK` (0) is success; 1..=11 are the
/// error kinds of the library (same numbers as `nps_core::ErrorKind`);
/// 100 and up are errors of the C binding itself. Values are never
/// renumbered; new codes get new numbers, so treat unknown values as errors.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NpsStatus {
    /// Success.
    Ok = 0,
    /// A score that is not an integer in the scale; the row is in
    /// `nps_last_error_index`, the value in `nps_last_error_value`.
    InvalidScore = 1,
    /// A statistic of a sample with no valid responses (never NaN, never 0).
    NoData = 2,
    /// A weight that is negative, NaN or infinite (row and value available).
    InvalidWeight = 3,
    /// A timestamp outside the supported range (row and value available).
    InvalidTimestamp = 4,
    /// An argument outside its domain (a confidence of 1.5, an unknown enum
    /// value, an inconsistent struct, ...).
    InvalidArgument = 5,
    /// Two columns that must have the same length do not.
    LengthMismatch = 6,
    /// Category ranges that overlap, leave gaps or are empty.
    InvalidScale = 7,
    /// An IANA time-zone name that is not known.
    UnknownTimeZone = 8,
    /// A statistic whose standard error is 0 (e.g. a Wald test on a sample
    /// where every response is in one category).
    Degenerate = 9,
    /// A count that does not fit in 64 bits.
    Overflow = 10,
    /// A numerical routine did not converge (a bug: please report it).
    Numerical = 11,
    /// A policy or calendar document with problems (each with its JSON
    /// path; the message lists them, and `nps_last_error_problem_count`,
    /// `nps_last_error_problem_path` and `nps_last_error_problem_message`
    /// give them one by one).
    InvalidPolicy = 12,
    /// One element of an input column or record that is out of its domain;
    /// the row is in `nps_last_error_index`, the column in the message.
    InvalidValue = 13,
    /// A case event that cannot be applied (out of order, for a closed case,
    /// missing a field); the case is unchanged. For an event log the
    /// position is in `nps_last_error_index`.
    InvalidEvent = 14,
    /// A required pointer argument was NULL (or NULL with a length > 0).
    NullPointer = 100,
    /// Text that is not valid UTF-8.
    InvalidUtf8 = 101,
    /// A caller buffer too small for the text; the size needed is reported.
    BufferTooSmall = 102,
    /// A bug in the library was caught at the C boundary; the message says
    /// where. The library stays usable.
    Panic = 103,
    /// An index not below the number of elements (groups, roles, deadlines,
    /// events).
    IndexOutOfRange = 104,
    /// A pointer not aligned for its type.
    MisalignedPointer = 105,
    /// An error kind of a newer `nps-core` that this binding does not map
    /// yet; the message describes it.
    Other = 199,
}

/// THE mapping from an `nps_core` error kind to a status code.
pub(crate) fn status_of(kind: ErrorKind) -> NpsStatus {
    match kind {
        ErrorKind::InvalidScore => NpsStatus::InvalidScore,
        ErrorKind::NoData => NpsStatus::NoData,
        ErrorKind::InvalidWeight => NpsStatus::InvalidWeight,
        ErrorKind::InvalidTimestamp => NpsStatus::InvalidTimestamp,
        ErrorKind::InvalidArgument => NpsStatus::InvalidArgument,
        ErrorKind::LengthMismatch => NpsStatus::LengthMismatch,
        ErrorKind::InvalidScale => NpsStatus::InvalidScale,
        ErrorKind::UnknownTimeZone => NpsStatus::UnknownTimeZone,
        ErrorKind::Degenerate => NpsStatus::Degenerate,
        ErrorKind::Overflow => NpsStatus::Overflow,
        ErrorKind::Numerical => NpsStatus::Numerical,
        ErrorKind::InvalidPolicy => NpsStatus::InvalidPolicy,
        ErrorKind::InvalidValue => NpsStatus::InvalidValue,
        ErrorKind::InvalidEvent => NpsStatus::InvalidEvent,
        // ErrorKind is #[non_exhaustive]; the status-code test fails when a
        // new kind is added without a code here.
        _ => NpsStatus::Other,
    }
}

/// Every status code, in numeric order (for names and tests).
const ALL_STATUSES: [NpsStatus; 21] = [
    NpsStatus::Ok,
    NpsStatus::InvalidScore,
    NpsStatus::NoData,
    NpsStatus::InvalidWeight,
    NpsStatus::InvalidTimestamp,
    NpsStatus::InvalidArgument,
    NpsStatus::LengthMismatch,
    NpsStatus::InvalidScale,
    NpsStatus::UnknownTimeZone,
    NpsStatus::Degenerate,
    NpsStatus::Overflow,
    NpsStatus::Numerical,
    NpsStatus::InvalidPolicy,
    NpsStatus::InvalidValue,
    NpsStatus::InvalidEvent,
    NpsStatus::NullPointer,
    NpsStatus::InvalidUtf8,
    NpsStatus::BufferTooSmall,
    NpsStatus::Panic,
    NpsStatus::IndexOutOfRange,
    NpsStatus::MisalignedPointer,
];

impl NpsStatus {
    /// The stable snake_case name: the `nps_core` kind name for 1..=11.
    fn name(self) -> &'static str {
        match self {
            NpsStatus::Ok => "ok",
            NpsStatus::InvalidScore => ErrorKind::InvalidScore.name(),
            NpsStatus::NoData => ErrorKind::NoData.name(),
            NpsStatus::InvalidWeight => ErrorKind::InvalidWeight.name(),
            NpsStatus::InvalidTimestamp => ErrorKind::InvalidTimestamp.name(),
            NpsStatus::InvalidArgument => ErrorKind::InvalidArgument.name(),
            NpsStatus::LengthMismatch => ErrorKind::LengthMismatch.name(),
            NpsStatus::InvalidScale => ErrorKind::InvalidScale.name(),
            NpsStatus::UnknownTimeZone => ErrorKind::UnknownTimeZone.name(),
            NpsStatus::Degenerate => ErrorKind::Degenerate.name(),
            NpsStatus::Overflow => ErrorKind::Overflow.name(),
            NpsStatus::Numerical => ErrorKind::Numerical.name(),
            NpsStatus::InvalidPolicy => ErrorKind::InvalidPolicy.name(),
            NpsStatus::InvalidValue => ErrorKind::InvalidValue.name(),
            NpsStatus::InvalidEvent => ErrorKind::InvalidEvent.name(),
            NpsStatus::NullPointer => "null_pointer",
            NpsStatus::InvalidUtf8 => "invalid_utf8",
            NpsStatus::BufferTooSmall => "buffer_too_small",
            NpsStatus::Panic => "panic",
            NpsStatus::IndexOutOfRange => "index_out_of_range",
            NpsStatus::MisalignedPointer => "misaligned_pointer",
            NpsStatus::Other => "other",
        }
    }
}

/// An error of a C API call: a core error or a binding-level one.
#[derive(Debug)]
pub enum FfiError {
    /// An error from `nps_core`.
    Core(Error),
    /// A NULL pointer argument.
    NullPointer {
        /// The argument's name.
        name: &'static str,
        /// The row, for a NULL entry of a column of strings.
        row: Option<usize>,
    },
    /// A pointer not aligned for its type.
    Misaligned {
        /// The argument's name.
        name: &'static str,
    },
    /// Text that is not UTF-8.
    InvalidUtf8 {
        /// The argument's name.
        name: &'static str,
        /// The row, for a column of strings.
        row: Option<usize>,
        /// Length of the valid prefix in bytes.
        valid_up_to: usize,
    },
    /// A caller buffer too small.
    BufferTooSmall {
        /// The argument's name.
        name: &'static str,
        /// Capacity needed (for text: bytes including the NUL).
        needed: usize,
        /// Capacity given.
        given: usize,
        /// Unit of the capacities, for the message.
        unit: &'static str,
    },
    /// An index out of range (of groups, roles, deadlines, events).
    IndexOutOfRange {
        /// The index given.
        index: usize,
        /// The number of groups.
        len: usize,
    },
    /// A caught panic, with its message.
    Panic(String),
}

impl From<Error> for FfiError {
    fn from(e: Error) -> FfiError {
        FfiError::Core(e)
    }
}

impl FfiError {
    /// An `NPS_STATUS_NULL_POINTER` error for an argument.
    pub(crate) fn null(name: &'static str) -> FfiError {
        FfiError::NullPointer { name, row: None }
    }

    /// An `NPS_STATUS_INVALID_ARGUMENT` error.
    pub(crate) fn arg(name: &'static str, reason: impl Into<String>) -> FfiError {
        FfiError::Core(Error::InvalidArgument {
            name,
            reason: reason.into(),
        })
    }

    fn status(&self) -> NpsStatus {
        match self {
            FfiError::Core(e) => status_of(e.kind()),
            FfiError::NullPointer { .. } => NpsStatus::NullPointer,
            FfiError::Misaligned { .. } => NpsStatus::MisalignedPointer,
            FfiError::InvalidUtf8 { .. } => NpsStatus::InvalidUtf8,
            FfiError::BufferTooSmall { .. } => NpsStatus::BufferTooSmall,
            FfiError::IndexOutOfRange { .. } => NpsStatus::IndexOutOfRange,
            FfiError::Panic(_) => NpsStatus::Panic,
        }
    }

    fn index(&self) -> Option<usize> {
        match self {
            FfiError::Core(e) => e.index(),
            FfiError::InvalidUtf8 { row, .. } | FfiError::NullPointer { row, .. } => *row,
            FfiError::IndexOutOfRange { index, .. } => Some(*index),
            _ => None,
        }
    }

    fn value(&self) -> Option<f64> {
        match self {
            FfiError::Core(Error::InvalidScore { value, .. })
            | FfiError::Core(Error::InvalidWeight { value, .. }) => Some(*value),
            FfiError::Core(Error::InvalidTimestamp { value, .. }) => Some(*value as f64),
            FfiError::BufferTooSmall { needed, .. } => Some(*needed as f64),
            _ => None,
        }
    }
}

impl fmt::Display for FfiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FfiError::Core(e) => e.fmt(f),
            FfiError::NullPointer { name, row: None } => {
                write!(f, "null pointer: `{name}` must not be NULL")
            }
            FfiError::NullPointer { name, row: Some(r) } => {
                write!(f, "null pointer: `{name}` is NULL at row {r}")
            }
            FfiError::Misaligned { name } => {
                write!(
                    f,
                    "misaligned pointer: `{name}` is not aligned for its type"
                )
            }
            FfiError::InvalidUtf8 {
                name,
                row,
                valid_up_to,
            } => {
                write!(f, "invalid UTF-8 in `{name}`")?;
                if let Some(r) = row {
                    write!(f, " at row {r}")?;
                }
                write!(f, " after {valid_up_to} valid bytes")
            }
            FfiError::BufferTooSmall {
                name,
                needed,
                given,
                unit,
            } => write!(
                f,
                "buffer too small: `{name}` needs {needed} {unit} but has room for {given}"
            ),
            FfiError::IndexOutOfRange { index, len } => {
                write!(
                    f,
                    "index out of range: {index} but there are {len} elements"
                )
            }
            FfiError::Panic(m) => write!(f, "panic (a bug in nps, please report it): {m}"),
        }
    }
}

struct LastError {
    status: NpsStatus,
    message: String,
    index: Option<usize>,
    value: Option<f64>,
    /// The problems of an `NPS_STATUS_INVALID_POLICY` error (else empty).
    problems: Vec<Problem>,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

fn set_last_error(e: &FfiError) -> NpsStatus {
    let last = LastError {
        status: e.status(),
        message: e.to_string(),
        index: e.index(),
        value: e.value(),
        problems: match e {
            FfiError::Core(core) => core.problems().to_vec(),
            _ => Vec::new(),
        },
    };
    let status = last.status;
    // try_with: during thread teardown the slot may be gone; the status still
    // reaches the caller.
    let _ = LAST_ERROR.try_with(|l| *l.borrow_mut() = Some(last));
    status
}

/// Clears the calling thread's last error.
pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|l| *l.borrow_mut() = None);
}

fn with_last_error<R>(f: impl FnOnce(Option<&LastError>) -> R) -> R {
    // `with` only fails during thread teardown; the wrapping macro turns that
    // panic into the function's fallback value.
    LAST_ERROR.with(|l| f(l.borrow().as_ref()))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// Records a caught panic as the last error.
pub(crate) fn record_panic(payload: Box<dyn Any + Send>) -> NpsStatus {
    let message = panic_message(payload.as_ref());
    // Dropping the payload could itself panic; forget it instead (a leak on a
    // path that only a bug reaches).
    std::mem::forget(payload);
    set_last_error(&FfiError::Panic(message))
}

/// Turns the outcome of a wrapped body into a status, recording errors.
pub(crate) fn finish(result: std::thread::Result<Result<(), FfiError>>) -> NpsStatus {
    match result {
        Ok(Ok(())) => NpsStatus::Ok,
        Ok(Err(e)) => set_last_error(&e),
        Err(payload) => record_panic(payload),
    }
}

/// The stable snake_case name of a status code (`"ok"`, `"invalid_score"`,
/// `"null_pointer"`, ...), or `"unknown"` for a value that is not a status.
/// The string is static: do not free it.
#[no_mangle]
pub extern "C" fn nps_status_name(status: u32) -> *const c_char {
    ffi_value!(ffi::static_c_str("unknown"), {
        let name = ALL_STATUSES
            .iter()
            .chain(std::iter::once(&NpsStatus::Other))
            .find(|s| **s as u32 == status)
            .map_or("unknown", |s| s.name());
        ffi::static_c_str(name)
    })
}

/// The status of the calling thread's last failed call, or `NPS_STATUS_OK`
/// if the last call that returns a status succeeded.
#[no_mangle]
pub extern "C" fn nps_last_error_status() -> u32 {
    ffi_value!(NpsStatus::Panic as u32, {
        with_last_error(|l| l.map_or(NpsStatus::Ok, |l| l.status)) as u32
    })
}

/// Copies the calling thread's last error message (UTF-8, `""` when there
/// is none) into `buf`, truncated to `len - 1` bytes at a character boundary
/// and always NUL-terminated when `len > 0`. Returns the message's full
/// length in bytes, without the NUL (like `snprintf`): a return value
/// `>= len` means the message was truncated. `buf` may be NULL when `len` is
/// 0 (a size query).
///
/// # Safety
///
/// `buf` must be NULL or writable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn nps_last_error_message(buf: *mut c_char, len: usize) -> usize {
    ffi_value!(0, {
        with_last_error(|l| {
            let message = l.map_or("", |l| l.message.as_str());
            // SAFETY: the caller guarantees buf is NULL or writable for len bytes.
            unsafe { ffi::copy_truncated(message, buf, len) }
        })
    })
}

/// If the calling thread's last error names a row (an invalid score, weight
/// or timestamp, invalid UTF-8 in a column of strings) or an index
/// (`NPS_STATUS_INDEX_OUT_OF_RANGE`), writes it (0-based) to `*index` and
/// returns true; otherwise returns false and leaves `*index` alone.
///
/// # Safety
///
/// `index` must be NULL or point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn nps_last_error_index(index: *mut usize) -> bool {
    ffi_value!(false, {
        match with_last_error(|l| l.and_then(|l| l.index)) {
            Some(i) if !index.is_null() => {
                // SAFETY: non-NULL; the caller guarantees it is writable.
                unsafe { index.write_unaligned(i) };
                true
            }
            Some(_) => true,
            None => false,
        }
    })
}

/// If the calling thread's last error carries an offending value (the
/// invalid score — NaN for a missing value —, weight or timestamp, or the
/// buffer size needed for `NPS_STATUS_BUFFER_TOO_SMALL`), writes it to
/// `*value` and returns true; otherwise returns false. Timestamps beyond
/// ±2^53 s are rounded by the conversion to double.
///
/// # Safety
///
/// `value` must be NULL or point to a writable `double`.
#[no_mangle]
pub unsafe extern "C" fn nps_last_error_value(value: *mut f64) -> bool {
    ffi_value!(false, {
        match with_last_error(|l| l.and_then(|l| l.value)) {
            Some(v) if !value.is_null() => {
                // SAFETY: non-NULL; the caller guarantees it is writable.
                unsafe { value.write_unaligned(v) };
                true
            }
            Some(_) => true,
            None => false,
        }
    })
}

/// The number of problems of the calling thread's last error: for
/// `NPS_STATUS_INVALID_POLICY` (a policy or calendar document that failed
/// validation) at least 1, each with a JSON path and a message
/// (`nps_last_error_problem_path`, `nps_last_error_problem_message`); 0 for
/// any other error or none. Problems are in document order and complete:
/// loading reports every problem it finds, not only the first.
#[no_mangle]
pub extern "C" fn nps_last_error_problem_count() -> usize {
    ffi_value!(0, {
        with_last_error(|l| l.map_or(0, |l| l.problems.len()))
    })
}

/// Copies the JSON path of problem `index` (0-based, below
/// `nps_last_error_problem_count()`) of the calling thread's last error
/// into `buf`, like `nps_last_error_message`: truncated to `len - 1` bytes
/// at a character boundary, NUL-terminated when `len > 0`, returning the
/// full length without the NUL. Paths join fields with `.`, indices as
/// `[i]` and map keys as `.key` (e.g. `calendar.weekly.mon[1]`,
/// `tiers[2].when.scores`); `""` is the document root. An `index` out of
/// range copies `""` and returns 0.
///
/// # Safety
///
/// `buf` must be NULL or writable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn nps_last_error_problem_path(
    index: usize,
    buf: *mut c_char,
    len: usize,
) -> usize {
    ffi_value!(0, {
        with_last_error(|l| {
            let path = l
                .and_then(|l| l.problems.get(index))
                .map_or("", |p| p.path.as_str());
            // SAFETY: the caller guarantees buf is NULL or writable for len bytes.
            unsafe { ffi::copy_truncated(path, buf, len) }
        })
    })
}

/// Copies the message of problem `index` of the calling thread's last
/// error (what is wrong at `nps_last_error_problem_path(index)`) into
/// `buf`, with the conventions of `nps_last_error_problem_path`.
///
/// # Safety
///
/// `buf` must be NULL or writable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn nps_last_error_problem_message(
    index: usize,
    buf: *mut c_char,
    len: usize,
) -> usize {
    ffi_value!(0, {
        with_last_error(|l| {
            let message = l
                .and_then(|l| l.problems.get(index))
                .map_or("", |p| p.message.as_str());
            // SAFETY: the caller guarantees buf is NULL or writable for len bytes.
            unsafe { ffi::copy_truncated(message, buf, len) }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    const KINDS: [ErrorKind; 14] = [
        ErrorKind::InvalidScore,
        ErrorKind::NoData,
        ErrorKind::InvalidWeight,
        ErrorKind::InvalidTimestamp,
        ErrorKind::InvalidArgument,
        ErrorKind::LengthMismatch,
        ErrorKind::InvalidScale,
        ErrorKind::UnknownTimeZone,
        ErrorKind::Degenerate,
        ErrorKind::Overflow,
        ErrorKind::Numerical,
        ErrorKind::InvalidPolicy,
        ErrorKind::InvalidValue,
        ErrorKind::InvalidEvent,
    ];

    fn name(status: u32) -> String {
        // SAFETY: nps_status_name returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(nps_status_name(status)) }
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn core_kinds_keep_their_numbers_and_names() {
        for kind in KINDS {
            let status = status_of(kind);
            assert_ne!(status, NpsStatus::Other, "{kind:?} has no status code");
            assert_eq!(status as u32, kind as u32, "{kind:?}");
            assert_eq!(name(status as u32), kind.name());
        }
    }

    /// Every kind declared in nps-core's `ErrorKind` (read from its source,
    /// so a kind added there without a status code here fails) has a status
    /// code with its number.
    #[test]
    fn every_core_kind_declared_has_a_status() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../nps-core/src/error.rs");
        let text = std::fs::read_to_string(path).expect("nps-core/src/error.rs");
        let start = text.find("pub enum ErrorKind {").expect("enum ErrorKind");
        let body = &text[start..start + text[start..].find("\n}").expect("end of enum")];
        let numbers: Vec<u32> = body
            .lines()
            .filter_map(|l| l.trim().strip_suffix(',')?.split_once(" = "))
            .map(|(_, n)| n.parse().expect("explicit discriminant"))
            .collect();
        assert!(numbers.len() >= 12, "found {numbers:?}");
        for n in numbers {
            assert!(
                ALL_STATUSES.iter().any(|s| *s as u32 == n),
                "ErrorKind value {n} has no NpsStatus (add it to error.rs)"
            );
        }
    }

    #[test]
    fn binding_codes_are_fixed() {
        let fixed = [
            (NpsStatus::Ok, 0, "ok"),
            (NpsStatus::NullPointer, 100, "null_pointer"),
            (NpsStatus::InvalidUtf8, 101, "invalid_utf8"),
            (NpsStatus::BufferTooSmall, 102, "buffer_too_small"),
            (NpsStatus::Panic, 103, "panic"),
            (NpsStatus::IndexOutOfRange, 104, "index_out_of_range"),
            (NpsStatus::MisalignedPointer, 105, "misaligned_pointer"),
            (NpsStatus::Other, 199, "other"),
        ];
        for (s, n, text) in fixed {
            assert_eq!(s as u32, n);
            assert_eq!(name(n), text);
        }
        assert_eq!(name(99), "unknown");
        assert_eq!(name(u32::MAX), "unknown");
        // Names are unique.
        let mut names: Vec<String> = ALL_STATUSES.iter().map(|s| name(*s as u32)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL_STATUSES.len());
    }
}
