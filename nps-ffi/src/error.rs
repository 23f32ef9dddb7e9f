//! The per-thread last error and the C functions that read it, and the
//! names of status codes. Above the plumbing: it uses `ffi::status` (the
//! error type and [`NpsStatus`]) and `ffi::text` (copying text out); the
//! plumbing never imports this module.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::c_char;

use nps_core::Problem;

use crate::ffi::text::{copy_truncated, static_c_str};
use crate::ffi::{CEnum, FfiError, NpsStatus};

struct LastError {
    status: NpsStatus,
    message: String,
    index: Option<usize>,
    value: Option<f64>,
    /// The problems of an `NPS_STATUS_INVALID_POLICY` error (else empty).
    problems: Vec<Problem>,
    /// The id of the case a batch function failed on (`Error::InCase`).
    case_id: Option<String>,
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
        case_id: match e {
            FfiError::Core(core) => core.case().map(|(_, id, _)| id.to_owned()),
            _ => None,
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
    ffi_value!(static_c_str("unknown"), {
        static_c_str(NpsStatus::from_u32(status).map_or("unknown", NpsStatus::name))
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
            unsafe { copy_truncated(message, buf, len) }
        })
    })
}

/// If the calling thread's last error names a row (an invalid score, weight
/// or timestamp, invalid UTF-8 in a column of strings), an index
/// (`NPS_STATUS_INDEX_OUT_OF_RANGE`), an event of a case log, or the case
/// of a batch that failed (`nps_recovery_stats*`, `nps_rank_open_cases`:
/// its position in `cases`, with its id from `nps_last_error_case_id`; for
/// `nps_recovery_stats_columns` the row of the event table),
/// writes it (0-based) to `*index` and returns true; otherwise returns
/// false and leaves `*index` alone.
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

/// Copies the id of the case that a batch function (`nps_recovery_stats`,
/// `nps_recovery_stats_json`, `nps_recovery_stats_by_json`,
/// `nps_recovery_stats_columns`, `nps_rank_open_cases`) failed on into
/// `buf`, like
/// `nps_last_error_message` (truncated to `len - 1` bytes at a character
/// boundary, NUL-terminated when `len > 0`, returning the full length
/// without the NUL). The case's position in the input is
/// `nps_last_error_index`, the status and message are the case's own
/// error. `""` (returning 0) when the last error is not about one case of
/// a batch.
///
/// # Safety
///
/// `buf` must be NULL or writable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn nps_last_error_case_id(buf: *mut c_char, len: usize) -> usize {
    ffi_value!(0, {
        with_last_error(|l| {
            let id = l.and_then(|l| l.case_id.as_deref()).unwrap_or("");
            // SAFETY: the caller guarantees buf is NULL or writable for len bytes.
            unsafe { copy_truncated(id, buf, len) }
        })
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
            unsafe { copy_truncated(path, buf, len) }
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
            unsafe { copy_truncated(message, buf, len) }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::status::status_of;
    use nps_core::ErrorKind;
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
                NpsStatus::ALL.iter().any(|s| *s as u32 == n),
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
        let mut names: Vec<String> = NpsStatus::ALL.iter().map(|s| name(*s as u32)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), NpsStatus::ALL.len());
    }
}
