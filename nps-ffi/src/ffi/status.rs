//! Status codes ([`NpsStatus`]) and the binding's error type
//! ([`FfiError`]): the second layer of the plumbing, above `text`.
//!
//! `status_of` is the one mapping from `nps_core::ErrorKind` to
//! [`NpsStatus`]; the numbers of the core kinds are the same as
//! `ErrorKind as u32`. Nothing here knows about the per-thread last error
//! (that is `crate::error`, above the plumbing).

use std::fmt;

use nps_core::{Error, ErrorKind};

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

c_enum!(NpsStatus {
    Ok,
    InvalidScore,
    NoData,
    InvalidWeight,
    InvalidTimestamp,
    InvalidArgument,
    LengthMismatch,
    InvalidScale,
    UnknownTimeZone,
    Degenerate,
    Overflow,
    Numerical,
    InvalidPolicy,
    InvalidValue,
    InvalidEvent,
    NullPointer,
    InvalidUtf8,
    BufferTooSmall,
    Panic,
    IndexOutOfRange,
    MisalignedPointer,
    Other,
});

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

impl NpsStatus {
    /// The stable snake_case name: the `nps_core` kind name for 1..=11.
    pub(crate) fn name(self) -> &'static str {
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

    pub(crate) fn status(&self) -> NpsStatus {
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

    pub(crate) fn index(&self) -> Option<usize> {
        match self {
            FfiError::Core(e) => e.index(),
            FfiError::InvalidUtf8 { row, .. } | FfiError::NullPointer { row, .. } => *row,
            FfiError::IndexOutOfRange { index, .. } => Some(*index),
            _ => None,
        }
    }

    pub(crate) fn value(&self) -> Option<f64> {
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
