//! The one public error type of the library.
//!
//! Every fallible function returns [`Result<T>`](crate::Result). Each error
//! carries the fields a caller needs to find the problem (row index, value,
//! argument name) and a stable [`ErrorKind`] from [`Error::kind`]; the C status
//! codes and the Python exception classes are both mapped from that kind, in
//! one place each.

use std::fmt;

/// A short alias for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `nps-core`.
///
/// The variants are `#[non_exhaustive]`-friendly: match on [`Error::kind`] for
/// a stable classification.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A score that is not an integer in the scale (0..=10 unless a custom
    /// [`Scale`](crate::Scale) says otherwise), or NaN / infinite.
    #[error("invalid score {value} at row {index}: a score must be an integer in {min}..={max}")]
    InvalidScore {
        /// Row index (0-based) of the first invalid value.
        index: usize,
        /// The offending value (as `f64`; NaN for a missing value).
        value: f64,
        /// Lowest valid score of the scale in use.
        min: i64,
        /// Highest valid score of the scale in use.
        max: i64,
    },
    /// A statistic was asked of a sample with no valid responses.
    #[error("no data: {what} needs at least one valid response")]
    NoData {
        /// What could not be computed.
        what: &'static str,
    },
    /// A weight that is negative, NaN, infinite, or positive outside
    /// [`WEIGHT_RANGE`](crate::WEIGHT_RANGE) (for a tally's weight sums,
    /// `index` is the score).
    #[error("invalid weight {value} at row {index}: a weight must be 0 or in [1e-100, 1e100] (finite, >= 0)")]
    InvalidWeight {
        /// Row index (0-based).
        index: usize,
        /// The offending weight.
        value: f64,
    },
    /// A timestamp outside the range the calendar functions support.
    #[error(
        "invalid timestamp {value} at row {index}: outside the supported range of Unix seconds"
    )]
    InvalidTimestamp {
        /// Row index (0-based).
        index: usize,
        /// The offending timestamp in Unix seconds.
        value: i64,
    },
    /// An argument outside its domain (a confidence of 1.5, a margin of 0, ...).
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// The argument's name as documented.
        name: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// Two columns that must have the same length do not.
    #[error("length mismatch: `{name}` has {actual} rows but `{expected_name}` has {expected}")]
    LengthMismatch {
        /// The column whose length is wrong.
        name: &'static str,
        /// Its length.
        actual: usize,
        /// The column it was compared with.
        expected_name: &'static str,
        /// That column's length.
        expected: usize,
    },
    /// A category scale whose ranges overlap, leave gaps or are empty.
    #[error("invalid scale: {reason}")]
    InvalidScale {
        /// What is wrong with the scale.
        reason: String,
    },
    /// An IANA time-zone name that is not known.
    #[error("unknown time zone `{name}`")]
    UnknownTimeZone {
        /// The name as given.
        name: String,
    },
    /// A statistic whose standard error is zero, so a test statistic would be
    /// infinite (e.g. a Wald test on a sample where everyone is a promoter).
    #[error("degenerate sample: {reason}")]
    Degenerate {
        /// Why the statistic is undefined.
        reason: String,
    },
    /// A count that does not fit (a merge exceeding `u64::MAX`).
    #[error("overflow: {what}")]
    Overflow {
        /// What overflowed.
        what: &'static str,
    },
    /// A numerical routine did not converge; this is a bug, please report it.
    #[error("numerical failure: {what}")]
    Numerical {
        /// The routine that failed.
        what: &'static str,
    },
    /// A policy or calendar document with one or more problems, each with
    /// its JSON path. Nothing is half-loaded.
    #[error("invalid policy: {}", Problem::join(problems))]
    InvalidPolicy {
        /// Every problem found, in document order.
        problems: Vec<Problem>,
    },
    /// One element of an input column or record list that is out of its
    /// domain (a pain index of 11, negative hours, an unknown stage name,
    /// a NaN duration), with the column and the row.
    #[error("invalid value in `{name}` at row {index}: {reason}")]
    InvalidValue {
        /// The column or field, as documented (`pain`, `hours_worked`, ...).
        name: String,
        /// Row index (0-based).
        index: usize,
        /// Why it was rejected.
        reason: String,
    },
    /// A case event that cannot be applied: out of order, for a closed case,
    /// missing a field its kind needs, or otherwise inconsistent with the
    /// case. The case it was offered to is left unchanged.
    #[error("invalid event{} `{event}`: {reason}", index.map(|i| format!(" #{i}")).unwrap_or_default())]
    InvalidEvent {
        /// Position of the event in the log, when it came from one.
        index: Option<usize>,
        /// The event kind (`contacted`, ...), or `?` if it had none.
        event: String,
        /// Why it was rejected.
        reason: String,
    },
    /// An error about one case of a batch ([`recovery_stats`](crate::programme::recovery_stats),
    /// [`recovery_stats_by`](crate::programme::recovery_stats_by),
    /// [`rank_open_cases`](crate::programme::rank_open_cases)): its position
    /// in the input and its id, around the case's own error.
    /// [`Error::kind`] and [`Error::argument`] are those of `source`;
    /// [`Error::index`] is the case's position.
    #[error("case #{index} `{case_id}`: {source}")]
    InCase {
        /// Position of the case in the input (0-based).
        index: usize,
        /// The case id.
        case_id: String,
        /// What went wrong with it.
        source: Box<Error>,
    },
    /// An error about one pair of [`compare_many`](crate::compare_many):
    /// its position in the input around the comparison's own error.
    /// [`Error::kind`] and [`Error::argument`] are those of `source`;
    /// [`Error::index`] is the pair's position.
    #[error("pair #{index}: {source}")]
    InPair {
        /// Position of the pair in the input (0-based).
        index: usize,
        /// What went wrong with it.
        source: Box<Error>,
    },
}

/// The longest text (in characters) an error message quotes from its
/// input: a value, a name or a parser's message quoting the document.
/// Longer text is cut there and marked `… (N bytes)` with its full size,
/// so a 5 MB invalid document does not become a 5 MB message.
pub const MAX_QUOTED_CHARS: usize = 200;

/// `text` cut to [`MAX_QUOTED_CHARS`] characters (on a character
/// boundary) and marked `… (N bytes)` when it is longer; unchanged
/// otherwise.
pub(crate) fn quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
    }
}

/// The longest reason or problem message (in characters) an error carries:
/// a safety net behind [`MAX_QUOTED_CHARS`] for messages that quote
/// several values or a parser's message; longer ones are cut the same way.
const MAX_MESSAGE_CHARS: usize = 1000;

/// `text` cut to [`MAX_MESSAGE_CHARS`] characters, marked like [`quote`].
fn cap(text: String) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => text,
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
    }
}

/// One problem in a policy or calendar document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// JSON path of the offending field, e.g. `calendar.weekly.mon[1]`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: cap(path.into()),
            message: cap(message.into()),
        }
    }

    fn join(problems: &[Problem]) -> String {
        problems
            .iter()
            .map(|p| {
                format!(
                    "{}: {}",
                    if p.path.is_empty() { "$" } else { &p.path },
                    p.message
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A stable, small classification of [`Error`]s.
///
/// The numeric values are part of the C ABI (`NpsStatus`) and are never
/// renumbered; new kinds get new numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
#[repr(u32)]
pub enum ErrorKind {
    /// See [`Error::InvalidScore`].
    InvalidScore = 1,
    /// See [`Error::NoData`].
    NoData = 2,
    /// See [`Error::InvalidWeight`].
    InvalidWeight = 3,
    /// See [`Error::InvalidTimestamp`].
    InvalidTimestamp = 4,
    /// See [`Error::InvalidArgument`].
    InvalidArgument = 5,
    /// See [`Error::LengthMismatch`].
    LengthMismatch = 6,
    /// See [`Error::InvalidScale`].
    InvalidScale = 7,
    /// See [`Error::UnknownTimeZone`].
    UnknownTimeZone = 8,
    /// See [`Error::Degenerate`].
    Degenerate = 9,
    /// See [`Error::Overflow`].
    Overflow = 10,
    /// See [`Error::Numerical`].
    Numerical = 11,
    /// See [`Error::InvalidPolicy`].
    InvalidPolicy = 12,
    /// See [`Error::InvalidValue`].
    InvalidValue = 13,
    /// See [`Error::InvalidEvent`].
    InvalidEvent = 14,
}

impl ErrorKind {
    /// A stable snake_case name, used in messages and by the bindings.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidScore => "invalid_score",
            ErrorKind::NoData => "no_data",
            ErrorKind::InvalidWeight => "invalid_weight",
            ErrorKind::InvalidTimestamp => "invalid_timestamp",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::LengthMismatch => "length_mismatch",
            ErrorKind::InvalidScale => "invalid_scale",
            ErrorKind::UnknownTimeZone => "unknown_time_zone",
            ErrorKind::Degenerate => "degenerate",
            ErrorKind::Overflow => "overflow",
            ErrorKind::Numerical => "numerical",
            ErrorKind::InvalidPolicy => "invalid_policy",
            ErrorKind::InvalidValue => "invalid_value",
            ErrorKind::InvalidEvent => "invalid_event",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Error {
    /// The stable classification of this error.
    ///
    /// ```
    /// use nps_core::{ErrorKind, Tally};
    /// let err = Tally::from_scores(&[7u8, 11]).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidScore);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidScore { .. } => ErrorKind::InvalidScore,
            Error::NoData { .. } => ErrorKind::NoData,
            Error::InvalidWeight { .. } => ErrorKind::InvalidWeight,
            Error::InvalidTimestamp { .. } => ErrorKind::InvalidTimestamp,
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::LengthMismatch { .. } => ErrorKind::LengthMismatch,
            Error::InvalidScale { .. } => ErrorKind::InvalidScale,
            Error::UnknownTimeZone { .. } => ErrorKind::UnknownTimeZone,
            Error::Degenerate { .. } => ErrorKind::Degenerate,
            Error::Overflow { .. } => ErrorKind::Overflow,
            Error::Numerical { .. } => ErrorKind::Numerical,
            Error::InvalidPolicy { .. } => ErrorKind::InvalidPolicy,
            Error::InvalidValue { .. } => ErrorKind::InvalidValue,
            Error::InvalidEvent { .. } => ErrorKind::InvalidEvent,
            Error::InCase { source, .. } | Error::InPair { source, .. } => source.kind(),
        }
    }

    /// The row index this error points at, if it is about one row.
    pub fn index(&self) -> Option<usize> {
        match self {
            Error::InvalidScore { index, .. }
            | Error::InvalidWeight { index, .. }
            | Error::InvalidTimestamp { index, .. }
            | Error::InvalidValue { index, .. } => Some(*index),
            Error::InvalidEvent { index, .. } => *index,
            Error::InCase { index, .. } | Error::InPair { index, .. } => Some(*index),
            _ => None,
        }
    }

    /// The argument an [`Error::InvalidArgument`] names (`None` for other
    /// kinds): the option field, e.g. `"pseudo"` or `"confidence"`.
    pub fn argument(&self) -> Option<&'static str> {
        match self {
            Error::InvalidArgument { name, .. } => Some(name),
            Error::InCase { source, .. } | Error::InPair { source, .. } => source.argument(),
            _ => None,
        }
    }

    /// The problems of an [`Error::InvalidPolicy`] (empty for other kinds).
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::InvalidPolicy { problems } => problems,
            Error::InCase { source, .. } | Error::InPair { source, .. } => source.problems(),
            _ => &[],
        }
    }

    pub(crate) fn arg(name: &'static str, reason: impl Into<String>) -> Error {
        Error::InvalidArgument {
            name,
            reason: cap(reason.into()),
        }
    }

    /// An [`Error::InvalidValue`] for row `index` of column `name`.
    pub(crate) fn value(name: impl Into<String>, index: usize, reason: impl Into<String>) -> Error {
        Error::InvalidValue {
            name: quote(&name.into()),
            index,
            reason: cap(reason.into()),
        }
    }

    /// This error, about case `index` with id `case_id` of a batch.
    pub(crate) fn in_case(self, index: usize, case_id: &str) -> Error {
        Error::InCase {
            index,
            case_id: quote(case_id),
            source: Box::new(self),
        }
    }

    /// This error, about pair `index` of [`compare_many`](crate::compare_many)
    /// (also used by the bindings for a pair they could not read).
    pub fn in_pair(self, index: usize) -> Error {
        Error::InPair {
            index,
            source: Box::new(self),
        }
    }

    /// The error about one pair of [`compare_many`](crate::compare_many),
    /// if this is an [`Error::InPair`]: `(index, its error)`.
    pub fn pair(&self) -> Option<(usize, &Error)> {
        match self {
            Error::InPair { index, source } => Some((*index, source)),
            _ => None,
        }
    }

    /// The error about one case of a batch, if this is an
    /// [`Error::InCase`]: `(index, case id, its error)`.
    pub fn case(&self) -> Option<(usize, &str, &Error)> {
        match self {
            Error::InCase {
                index,
                case_id,
                source,
            } => Some((*index, case_id, source)),
            _ => None,
        }
    }

    /// An [`Error::InvalidEvent`].
    pub(crate) fn event(
        index: Option<usize>,
        event: impl Into<String>,
        reason: impl Into<String>,
    ) -> Error {
        Error::InvalidEvent {
            index,
            event: quote(&event.into()),
            reason: cap(reason.into()),
        }
    }

    pub(crate) fn check_len(
        name: &'static str,
        actual: usize,
        expected_name: &'static str,
        expected: usize,
    ) -> Result<()> {
        if actual == expected {
            Ok(())
        } else {
            Err(Error::LengthMismatch {
                name,
                actual,
                expected_name,
                expected,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 10 (12): a 5 MB invalid value is not copied whole into a
    /// message; it is cut with its size.
    #[test]
    fn long_values_are_cut_in_messages() {
        let big = "é".repeat(2_500_000); // 5 MB
        let q = quote(&big);
        assert!(q.ends_with("… (5000000 bytes)"), "{}", &q[q.len() - 40..]);
        assert_eq!(
            q.chars().count(),
            MAX_QUOTED_CHARS + "… (5000000 bytes)".chars().count()
        );
        assert_eq!(quote("CNY"), "CNY");
        let e = Error::arg("x", big.clone());
        assert!(e.to_string().len() < 3000);
        let policy = format!(r#"{{"currency": "{big}"}}"#);
        let e = crate::policy::Policy::from_json(&policy).unwrap_err();
        assert!(e.to_string().len() < 5000, "{}", e.to_string().len());
        let mut doc: serde_json::Value =
            serde_json::from_str(&crate::policy::Policy::default().to_json()).unwrap();
        doc["currency"] = big.clone().into();
        let e = crate::policy::Policy::from_json(&doc.to_string()).unwrap_err();
        assert!(e.to_string().len() < 5000, "{}", e.to_string().len());
        assert!(e.to_string().contains("bytes)"), "{e}");
        doc["currency"] = "CNY".into();
        doc["calendar"] = serde_json::json!({"tz": big, "weekly": {}});
        let e = crate::policy::Policy::from_json(&doc.to_string()).unwrap_err();
        assert!(e.to_string().len() < 5000, "{}", e.to_string().len());
        let e = crate::period::parse_tz(&big).unwrap_err();
        assert!(e.to_string().len() < 1000);
        let e = crate::case::parse_instant(&big).unwrap_err();
        assert!(e.to_string().len() < 3000);
    }
}
