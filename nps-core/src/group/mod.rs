//! One-pass grouping of whole columns into tallies.
//!
//! [`group_by`] tallies a score column by key (integer or string), by
//! calendar period of Unix-second timestamps in an IANA time zone, or both
//! (key × period), optionally keeping only each respondent's latest
//! response, and flags thin groups (n below a minimum). Results are exact
//! and independent of the number of threads. [`Grouped::rolling`] turns
//! period groups into rolling windows.
//!
//! Keys with as many distinct values as rows (respondent ids, vehicles)
//! take the same single pass: keys get compact ids numbered in key order
//! (integers and the first 8 bytes of texts radix-sorted, not compared),
//! so the groups come out sorted without a sort of the groups, and a table
//! ([`Grouped::to_table`]) computes each statistic once per distinct
//! (detractors, passives, promoters). Memory is O(rows + groups).
//!
//! ```
//! use nps_core::group::{group_by, GroupKey, GroupOptions, Keys};
//! use nps_core::period::Period;
//! use nps_core::NpsSample;
//!
//! let scores = [10u8, 9, 3, 8, 10, 0];
//! let dealers = [7u32, 7, 7, 9, 9, 9];
//! // 2025-01-31 20:00 UTC is already February 1st in Shanghai.
//! let ts = [1738353600i64, 1735700000, 1735700000, 1735700000, 1735700000, 1738353600];
//! let g = group_by(&scores, &GroupOptions {
//!     keys: Some(Keys::U32(&dealers)),
//!     timestamps: Some(&ts),
//!     period: Some(Period::Month),
//!     tz: Some("Asia/Shanghai"),
//!     min_n: 2,
//!     ..Default::default()
//! })?;
//! assert_eq!(g.groups.len(), 4);
//! let first = &g.groups[0];
//! assert_eq!(first.key, GroupKey::UInt(7));
//! assert_eq!(first.label(g.period), "2025-01");
//! assert_eq!(first.tally.n(), 2);
//! assert_eq!(first.tally.nps()?, 0.0);
//! assert!(g.groups[1].thin); // dealer 7, February: n = 1 < 2
//! # Ok::<(), nps_core::Error>(())
//! ```

mod assign;
mod column;
mod count;
mod hash;
mod keys;
mod merge;
mod respondent;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub(crate) use assign::{period_ids, Slots};
pub use assign::{Assignment, Grouping};
pub(crate) use column::{text_at, RowTexts};
pub use column::{Codes, TextColumn};
pub(crate) use count::{Cells, Counted};
#[allow(unused_imports)]
pub(crate) use hash::{map_with_capacity, FastMap};
pub(crate) use keys::min_max;
pub use merge::{LatestAnswer, LatestAnswers, RespondentId};

use std::ops::Range;

use self::column::with_codes;
use self::count::{
    count, Counts, DenseCodes, DenseI64, DenseU32, DenseU64, Indexed, PeriodSlot, Slot, TextSlot,
    Zero,
};
use self::keys::{plan_keys, small_enough, KeyPlan};
use self::respondent::latest_rows;
use crate::error::{Error, Result};
use crate::parallel::{map_each, map_parts, max_threads};
use crate::period::{Period, PeriodIndex, MAX_TS, MIN_TS};
use crate::score::ScoreValue;
use crate::tally::{InvalidPolicy, Tally};

/// A key column.
#[derive(Debug, Clone, Copy)]
pub enum Keys<'a> {
    /// Unsigned 32-bit keys (e.g. dealer codes).
    U32(&'a [u32]),
    /// Unsigned 64-bit keys.
    U64(&'a [u64]),
    /// Signed 64-bit keys.
    I64(&'a [i64]),
    /// String keys (e.g. advisor names).
    Str(&'a [&'a str]),
    /// Dictionary-encoded string keys: row `i`'s key is
    /// `labels[codes[i]]` (a pandas Categorical, an Arrow dictionary, or
    /// strings factorised once per distinct value). Read in place, in the
    /// codes' own width: no per-row string or code is built. Every code
    /// must index `labels`, and the labels must be distinct.
    Coded {
        /// The label index of each row.
        codes: Codes<'a>,
        /// The distinct labels.
        labels: &'a [&'a str],
    },
    /// Category codes as the keys themselves (the group key is
    /// [`GroupKey::UInt`] of the code), read in place in the caller's
    /// width: groups then come in code order, which is a categorical
    /// column's category order. No code may be negative.
    Codes(Codes<'a>),
    /// String keys read in place from a [`TextColumn`] (e.g. Arrow string
    /// buffers): each distinct text is hashed and kept once, so grouping
    /// allocates O(distinct keys), not a string or an id per row.
    Text(&'a dyn TextColumn),
    /// Several key columns at once (e.g. dealer × advisor): each group's
    /// key is a [`GroupKey::Tuple`] with one element per column. The
    /// columns must have equal lengths and may not be `Multi` themselves.
    Multi(&'a [Keys<'a>]),
}

impl Keys<'_> {
    /// Rows in the column (of the first column for `Multi`).
    pub fn len(&self) -> usize {
        match self {
            Keys::U32(k) => k.len(),
            Keys::U64(k) => k.len(),
            Keys::I64(k) => k.len(),
            Keys::Str(k) => k.len(),
            Keys::Coded { codes, .. } => codes.len(),
            Keys::Codes(c) => c.len(),
            Keys::Text(t) => t.len(),
            Keys::Multi(cols) => cols.first().map_or(0, Keys::len),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key of row `i` (which must be in range).
    pub fn key_at(&self, i: usize) -> GroupKey {
        match self {
            Keys::U32(k) => GroupKey::UInt(u64::from(k[i])),
            Keys::U64(k) => GroupKey::UInt(k[i]),
            Keys::I64(k) => GroupKey::Int(k[i]),
            Keys::Str(k) => GroupKey::Str(k[i].to_owned()),
            Keys::Coded { codes, labels } => GroupKey::Str(labels[codes.get(i)].to_owned()),
            Keys::Codes(c) => GroupKey::UInt(c.get(i) as u64),
            Keys::Text(t) => GroupKey::Str(column::text_at(*t, i).to_owned()),
            Keys::Multi(cols) => GroupKey::Tuple(cols.iter().map(|c| c.key_at(i)).collect()),
        }
    }

    /// Checks that the column (every column of `Multi`) has `rows` rows and
    /// that a `Multi` is flat and not empty.
    pub fn check(&self, rows: usize) -> Result<()> {
        match self {
            Keys::Multi(cols) => {
                if cols.is_empty() {
                    return Err(Error::arg("keys", "needs at least one key column"));
                }
                for (i, c) in cols.iter().enumerate() {
                    if matches!(c, Keys::Multi(_)) {
                        return Err(Error::arg(
                            "keys",
                            format!("key column {i} is itself a set of columns"),
                        ));
                    }
                    c.check(rows)?;
                }
                Ok(())
            }
            Keys::Coded { codes, labels } => {
                Error::check_len("keys", codes.len(), "rows", rows)?;
                let n = labels.len();
                let mut seen: FastMap<&str, ()> = map_with_capacity(n);
                if let Some(l) = labels.iter().find(|l| seen.insert(l, ()).is_some()) {
                    return Err(Error::arg("keys", format!("label {l:?} appears twice")));
                }
                match codes.first_bad(n) {
                    Some((row, code)) => Err(Error::value(
                        "keys",
                        row,
                        format!("code {code} has no label (there are {n})"),
                    )),
                    None => Ok(()),
                }
            }
            Keys::Codes(codes) => {
                Error::check_len("keys", codes.len(), "rows", rows)?;
                match codes.first_bad(usize::MAX) {
                    Some((row, code)) => Err(Error::value(
                        "keys",
                        row,
                        format!("code {code} is negative (mark a missing key instead)"),
                    )),
                    None => Ok(()),
                }
            }
            k => Error::check_len("keys", k.len(), "rows", rows),
        }
    }
}

/// A respondent-id column, for keeping each respondent's latest response.
#[derive(Debug, Clone, Copy)]
pub enum Respondents<'a> {
    /// Unsigned ids.
    U64(&'a [u64]),
    /// Signed ids.
    I64(&'a [i64]),
    /// String ids.
    Str(&'a [&'a str]),
}

/// What to group by. All columns must have the score column's length.
///
/// Defaults ([`GroupOptions::default`]): one group of all rows, no period,
/// [`DEFAULT_TZ`](crate::period::DEFAULT_TZ), every response kept,
/// `min_n` = [`DEFAULT_MIN_N`] (30), invalid scores raise.
#[derive(Debug, Clone)]
pub struct GroupOptions<'a> {
    /// Group key per row; `None` puts every row in one key ([`GroupKey::All`]).
    pub keys: Option<Keys<'a>>,
    /// Unix seconds (UTC instants) per row; needed by `period`, and used by
    /// `respondents` to find the latest response.
    pub timestamps: Option<&'a [i64]>,
    /// Calendar period to group by (requires `timestamps`).
    pub period: Option<Period>,
    /// IANA time zone of the calendar periods; `None` means UTC.
    pub tz: Option<&'a str>,
    /// Keep only each respondent's latest response (latest timestamp; on a
    /// tie, the later row), overall or within each group ([`Dedupe`]).
    /// Needs `timestamps`: without them "latest" is undefined, and an
    /// [`Error::InvalidArgument`] says so.
    pub respondents: Option<Respondents<'a>>,
    /// Whether `respondents` keeps one answer per respondent overall or one
    /// per respondent and group (default [`Dedupe::Global`]).
    pub dedupe: Dedupe,
    /// Rows with a missing key ([`Missing::keys`]): `true` (default) drops
    /// and counts them in [`Grouped::skipped_keys`], whatever `invalid`
    /// says; `false` keeps them in groups of their own, whose key is
    /// [`GroupKey::Null`] (or a tuple with `Null` in the missing column,
    /// given [`Missing::key_columns`]).
    pub dropna: bool,
    /// Keep each respondent's latest answer in the result
    /// ([`Grouped::latest`]), so that results of different rows
    /// [`merge`](Grouped::merge) exactly under `respondents`; costs memory
    /// O(respondents). Results without `respondents` always merge.
    pub mergeable: bool,
    /// Groups with fewer responses are flagged `thin` (default
    /// [`DEFAULT_MIN_N`]).
    pub min_n: u64,
    /// Reject the batch at the first invalid score, or skip and count.
    /// Also applies to the rows marked in `missing`.
    pub invalid: InvalidPolicy,
    /// Rows whose key, timestamp or respondent is missing (None / NaN /
    /// NaT / null in the caller's column); default: none.
    pub missing: Missing<'a>,
}

/// Per-row "missing" masks (`true` = the value of that row is missing), one
/// per column; each must have the score column's length. The value of a
/// missing row in its column is never read for grouping (any placeholder
/// will do).
///
/// Under [`InvalidPolicy::Raise`] the first row with a missing value is an
/// [`Error::InvalidValue`] naming the column (`keys`, `timestamps` or
/// `respondents`) and the row. Under [`InvalidPolicy::Skip`] the row is
/// dropped and counted once, under the first of keys, timestamps,
/// respondents, scores that is missing or invalid
/// ([`Grouped::skipped_keys`], [`Grouped::skipped_timestamps`],
/// [`Grouped::skipped_respondents`], [`Grouped::skipped`]). Skipped rows
/// take no part in keeping each respondent's latest response.
///
/// ```
/// use nps_core::group::{group_by, GroupOptions, Keys, Missing};
/// use nps_core::InvalidPolicy;
/// let dealers = [7u32, 0, 7];
/// let gone = [false, true, false]; // row 1 has no dealer
/// let g = group_by(&[10u8, 0, 9], &GroupOptions {
///     keys: Some(Keys::U32(&dealers)),
///     missing: Missing { keys: Some(&gone), ..Default::default() },
///     invalid: InvalidPolicy::Skip,
///     ..Default::default()
/// })?;
/// assert_eq!((g.groups.len(), g.skipped_keys, g.skipped), (1, 1, 0));
/// # Ok::<(), nps_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Missing<'a> {
    /// Rows without a key (in any of the key columns).
    pub keys: Option<&'a [bool]>,
    /// With several key columns and `dropna: false`: the rows without a
    /// key, per column (`None` for a column without missing values), so a
    /// group's tuple key has [`GroupKey::Null`] exactly where its row had
    /// none. Without it, such a row's whole key is `Null`.
    pub key_columns: Option<&'a [Option<&'a [bool]>]>,
    /// Rows without a timestamp.
    pub timestamps: Option<&'a [bool]>,
    /// Rows without a respondent id.
    pub respondents: Option<&'a [bool]>,
}

impl Missing<'_> {
    /// The columns of the masks, in the order a row is counted under.
    const COLUMNS: [&'static str; 3] = ["keys", "timestamps", "respondents"];

    fn masks(&self) -> [Option<&[bool]>; 3] {
        [self.keys, self.timestamps, self.respondents]
    }

    /// Rows to keep (`None` when nothing is missing), the rows skipped per
    /// column, and the kept rows whose key is missing (`dropna: false`).
    /// A missing key is dropped and counted when `dropna` is true, whatever
    /// `invalid` says; under `Raise`, the first other missing value is an
    /// error.
    fn rows(&self, rows: usize, invalid: InvalidPolicy, dropna: bool) -> Result<RowMasks> {
        let masks = self.masks();
        for (name, m) in Self::COLUMNS.iter().zip(masks) {
            if let Some(m) = m {
                Error::check_len(name, m.len(), "scores", rows)?;
            }
        }
        if let Some(cols) = self.key_columns {
            for m in cols.iter().flatten() {
                Error::check_len("keys", m.len(), "scores", rows)?;
            }
        }
        let mut out = RowMasks::default();
        if !masks.iter().flatten().any(|m| m.contains(&true)) {
            return Ok(out);
        }
        let mut ok = vec![true; rows];
        let mut null = vec![false; rows];
        for (row, ok) in ok.iter_mut().enumerate() {
            let key_missing = self.keys.is_some_and(|m| m[row]);
            let first = if key_missing && dropna {
                Some(0)
            } else {
                (1..3).find(|&c| masks[c].is_some_and(|m| m[row]))
            };
            let Some(col) = first else {
                null[row] = key_missing;
                continue;
            };
            if invalid == InvalidPolicy::Raise && col > 0 {
                return Err(Error::value(
                    Self::COLUMNS[col],
                    row,
                    "missing value (None / NaN / NaT / null); invalid=\"skip\" skips such rows",
                ));
            }
            out.skipped[col] += 1;
            *ok = false;
        }
        out.present = Some(ok);
        out.null = null.contains(&true).then_some(null);
        Ok(out)
    }
}

/// What [`Missing::rows`] found.
#[derive(Default)]
struct RowMasks {
    present: Option<Vec<bool>>,
    skipped: [u64; 3],
    null: Option<Vec<bool>>,
}

/// The thin-sample threshold when none is given: a group with fewer than 30
/// responses is flagged `thin` (its interval is wide: about ±35 points at
/// n = 30 for NPS near 0).
pub const DEFAULT_MIN_N: u64 = 30;

impl Default for GroupOptions<'_> {
    fn default() -> Self {
        GroupOptions {
            keys: None,
            timestamps: None,
            period: None,
            tz: None,
            respondents: None,
            dedupe: Dedupe::default(),
            dropna: true,
            mergeable: false,
            min_n: DEFAULT_MIN_N,
            invalid: InvalidPolicy::default(),
            missing: Missing::default(),
        }
    }
}

/// The key of a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
/// Saved as `"all"`, `{"int": -3}`, `{"uint": 7}`, `{"str": "a"}`,
/// `{"tuple": [...]}`, `"null"`: tagged, so a signed key stays signed.
#[serde(rename_all = "snake_case")]
pub enum GroupKey {
    /// No key column was given: one key for all rows.
    All,
    /// A signed integer key.
    Int(i64),
    /// An unsigned integer key.
    #[serde(rename = "uint")]
    UInt(u64),
    /// A string key.
    Str(String),
    /// The keys of several key columns ([`Keys::Multi`]), in column order.
    Tuple(Vec<GroupKey>),
    /// A missing key kept as a group of its own
    /// ([`GroupOptions::dropna`] `false`); sorts after every other key.
    Null,
}

/// Which answers count when [`GroupOptions::respondents`] is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dedupe {
    /// The latest answer of each respondent overall: a respondent counts
    /// once, in the group of their latest answer.
    #[default]
    Global,
    /// The latest answer of each respondent within each group (key ×
    /// period): a respondent counts once per group they answered in.
    PerKey,
}

impl Dedupe {
    /// The name (`global`, `per_key`).
    pub fn name(self) -> &'static str {
        match self {
            Dedupe::Global => "global",
            Dedupe::PerKey => "per_key",
        }
    }

    /// The mode of a name; [`Error::InvalidArgument`] (`dedupe`) otherwise.
    pub fn from_name(name: &str) -> Result<Dedupe> {
        match name {
            "global" => Ok(Dedupe::Global),
            "per_key" => Ok(Dedupe::PerKey),
            other => Err(Error::arg(
                "dedupe",
                format!("unknown mode {other:?}: use \"global\" or \"per_key\""),
            )),
        }
    }
}

impl From<&str> for GroupKey {
    fn from(s: &str) -> GroupKey {
        GroupKey::Str(s.to_owned())
    }
}

impl std::fmt::Display for GroupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GroupKey::All => f.write_str("all"),
            GroupKey::Int(k) => write!(f, "{k}"),
            GroupKey::UInt(k) => write!(f, "{k}"),
            GroupKey::Str(k) => f.write_str(k),
            GroupKey::Null => f.write_str("(missing)"),
            GroupKey::Tuple(ks) => {
                for (i, k) in ks.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{k}")?;
                }
                Ok(())
            }
        }
    }
}

/// One group: a key, a period (if grouping by period) and its tally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The group's key.
    pub key: GroupKey,
    /// Local first day of the group's period (or of the last period of a
    /// rolling window).
    pub period_start: Option<NaiveDate>,
    /// The responses of the group.
    pub tally: Tally,
    /// True when `tally.n() < min_n`.
    pub thin: bool,
    /// False for a rolling window that starts before the first period of
    /// the data (fewer than `window` periods observed); always true without
    /// rolling.
    #[serde(default = "yes")]
    pub complete: bool,
}

fn yes() -> bool {
    true
}

impl Group {
    /// The period label (`2025-03`, `2025-W09`, ...) or an empty string.
    pub fn label(&self, period: Option<Period>) -> String {
        match (period, self.period_start) {
            (Some(p), Some(d)) => p.label(d),
            _ => String::new(),
        }
    }
}

/// The result of [`group_by`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grouped {
    /// Non-empty groups, sorted by key then period.
    pub groups: Vec<Group>,
    /// Invalid scores skipped under [`InvalidPolicy::Skip`].
    pub skipped: u64,
    /// Rows skipped for a missing key ([`Missing::keys`]).
    #[serde(default)]
    pub skipped_keys: u64,
    /// Rows with a key skipped for a missing timestamp.
    #[serde(default)]
    pub skipped_timestamps: u64,
    /// Rows with a key and a timestamp skipped for a missing respondent.
    #[serde(default)]
    pub skipped_respondents: u64,
    /// Rows dropped because the respondent answered again later.
    pub dropped_repeats: u64,
    /// The period grouped by, if any.
    pub period: Option<Period>,
    /// The thin-sample threshold used.
    pub min_n: u64,
    /// Rolling window length in periods (1 for plain period groups).
    pub window: usize,
    /// The IANA time zone of the periods (`None` without a period).
    #[serde(default)]
    pub tz: Option<String>,
    /// The respondent rule used, if respondents were given.
    #[serde(default)]
    pub dedupe: Option<Dedupe>,
    /// Each respondent's latest answer ([`GroupOptions::mergeable`]), for
    /// an exact [`Grouped::merge`] with results of other rows.
    #[serde(default)]
    pub latest: Option<LatestAnswers>,
}

/// The smallest and largest kept timestamp (`(i64::MAX, i64::MIN)` when no
/// row is kept), or [`Error::InvalidTimestamp`] for the first kept row
/// outside years 1..=9999.
pub(crate) fn timestamp_range(ts: &[i64], keep: Option<&[bool]>) -> Result<(i64, i64)> {
    // Range over the kept rows, split across threads; the row loop is
    // branch-free (vectorised) when every row is kept.
    #[inline(always)]
    fn range(part: &[i64], keep: Option<&[bool]>) -> (i64, i64) {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        match keep {
            None => {
                for &t in part {
                    lo = lo.min(t);
                    hi = hi.max(t);
                }
            }
            Some(keep) => {
                for (&t, &k) in part.iter().zip(keep) {
                    if k {
                        lo = lo.min(t);
                        hi = hi.max(t);
                    }
                }
            }
        }
        (lo, hi)
    }
    /// `range` compiled for AVX2 (64-bit vector compares).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn range_avx2(part: &[i64], keep: Option<&[bool]>) -> (i64, i64) {
        range(part, keep)
    }
    let parts = map_parts(ts, 1 << 18, |offset, part| {
        let keep = keep.map(|k| &k[offset..offset + part.len()]);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { range_avx2(part, keep) };
        }
        range(part, keep)
    });
    let (lo, hi) = parts
        .into_iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), (l, h)| {
            (lo.min(l), hi.max(h))
        });
    if lo <= hi && (lo < MIN_TS || hi > MAX_TS) {
        // Error path only: the first kept row out of range.
        let bad = ts
            .iter()
            .enumerate()
            .find(|&(row, t)| keep.is_none_or(|k| k[row]) && !(MIN_TS..=MAX_TS).contains(t));
        if let Some((index, &value)) = bad {
            return Err(Error::InvalidTimestamp { index, value });
        }
    }
    Ok((lo, hi))
}

fn count_with_keys<T: ScoreValue, P: Slot>(
    scores: &[T],
    plan: &KeyPlan<'_>,
    periods: &P,
    n_periods: usize,
    keep: Option<&[bool]>,
) -> (Counts, u64) {
    let slots = plan.slots() * n_periods;
    match plan {
        KeyPlan::None => count(scores, &Zero, periods, n_periods, slots, keep),
        KeyPlan::DenseU32(k, min, _) => {
            count(scores, &DenseU32(k, *min), periods, n_periods, slots, keep)
        }
        KeyPlan::DenseCoded(codes, min, _, _) => with_codes!(*codes, |c| count(
            scores,
            &DenseCodes(c, *min),
            periods,
            n_periods,
            slots,
            keep
        )),
        KeyPlan::Text(col, t) => count(scores, &TextSlot(*col, t), periods, n_periods, slots, keep),
        KeyPlan::DenseU64(k, min, _) => {
            count(scores, &DenseU64(k, *min), periods, n_periods, slots, keep)
        }
        KeyPlan::DenseI64(k, min, _) => {
            count(scores, &DenseI64(k, *min), periods, n_periods, slots, keep)
        }
        KeyPlan::Indexed(idx, _) => count(scores, &Indexed(idx), periods, n_periods, slots, keep),
        p @ KeyPlan::Product(_) => count(scores, p, periods, n_periods, slots, keep),
    }
}

/// Groups a score column into tallies in one pass; see the module docs.
///
/// Errors: [`Error::LengthMismatch`] for columns of different lengths,
/// [`Error::InvalidArgument`] for a period without timestamps,
/// [`Error::UnknownTimeZone`], [`Error::InvalidTimestamp`] (outside years
/// 1..=9999, with its row) and, under [`InvalidPolicy::Raise`],
/// [`Error::InvalidScore`] with the row of the first invalid kept score,
/// after [`Error::InvalidValue`] for the first row marked in
/// [`GroupOptions::missing`] (see [`Missing`]).
pub fn group_by<T: ScoreValue>(scores: &[T], opts: &GroupOptions<'_>) -> Result<Grouped> {
    let rows = scores.len();
    if let Some(k) = &opts.keys {
        k.check(rows)?;
    }
    if let Some(t) = opts.timestamps {
        Error::check_len("timestamps", t.len(), "scores", rows)?;
    }
    if let Some(r) = &opts.respondents {
        let len = match r {
            Respondents::U64(x) => x.len(),
            Respondents::I64(x) => x.len(),
            Respondents::Str(x) => x.len(),
        };
        Error::check_len("respondents", len, "scores", rows)?;
    }
    if opts.respondents.is_some() && opts.timestamps.is_none() {
        return Err(Error::arg(
            "respondents",
            "keeping each respondent's latest answer needs timestamps: without them \
             \"latest\" is undefined",
        ));
    }
    let RowMasks {
        present,
        skipped: skipped_missing,
        null,
    } = opts.missing.rows(rows, opts.invalid, opts.dropna)?;
    let present = present.as_deref();
    // The timestamps of skipped rows are never read: replaced by a valid
    // one (a copy, only when some row is skipped).
    let clean_ts: Option<Vec<i64>> = match (present, opts.timestamps) {
        (Some(ok), Some(ts)) => {
            let fill = ts.iter().zip(ok).find(|&(_, &k)| k).map_or(0, |(&t, _)| t);
            Some(
                ts.iter()
                    .zip(ok)
                    .map(|(&t, &k)| if k { t } else { fill })
                    .collect(),
            )
        }
        _ => None,
    };
    let timestamps = clean_ts.as_deref().or(opts.timestamps);
    let grouping = Grouping {
        keys: opts.keys,
        timestamps,
        period: opts.period,
        tz: opts.tz,
    };
    let tz = grouping.check(rows)?;
    let labelled = null.is_some()
        || (opts.respondents.is_some() && (opts.mergeable || opts.dedupe == Dedupe::PerKey));
    if labelled {
        return merge::labelled(
            scores,
            opts,
            &grouping,
            tz,
            present,
            null.as_deref(),
            skipped_missing,
        );
    }
    let (keep, dropped_repeats) = match &opts.respondents {
        Some(r) => {
            let latest = latest_rows(r, timestamps, present, None);
            let kept = latest.iter().filter(|&&x| x).count() as u64;
            let candidates = present.map_or(rows, |p| p.iter().filter(|&&x| x).count()) as u64;
            (Some(latest), candidates - kept)
        }
        None => (present.map(<[bool]>::to_vec), 0),
    };
    let keep = keep.as_deref();

    // The fast path counts into one counter block per key slot × period
    // between the earliest and latest timestamp; it is taken only when that
    // is small next to the rows. Otherwise the engine assigns compact ids
    // to the occurring groups, so memory stays O(rows + groups).
    let mut fast = None;
    let range = match (opts.period, timestamps) {
        (Some(_), Some(ts)) => Some(timestamp_range(ts, keep)?),
        _ => None,
    };
    let span_ok = match (opts.period, range) {
        (Some(p), Some((lo, hi))) if lo <= hi => small_enough(
            ((hi - lo) / (23 * 3600) / period_days(p)).saturating_add(2) as u64,
            rows,
        ),
        _ => true,
    };
    if span_ok {
        let index = match (opts.period, range) {
            (Some(period), Some((lo, hi))) if lo <= hi => {
                Some(PeriodIndex::new(period, tz, lo, hi)?)
            }
            _ => None,
        };
        let n_periods = index.as_ref().map_or(1, PeriodIndex::len);
        let plan = match &opts.keys {
            Some(k) => plan_keys(k, n_periods, rows)?,
            None => KeyPlan::None,
        };
        if small_enough((plan.slots() as u64).saturating_mul(n_periods as u64), rows) {
            fast = Some((index, plan, n_periods));
        }
    }
    let (groups, invalid) = match fast {
        Some((index, mut plan, n_periods)) => {
            let (counts, invalid) = match (&index, timestamps) {
                (Some(ix), Some(ts)) => {
                    count_with_keys(scores, &plan, &PeriodSlot(ts, ix), n_periods, keep)
                }
                _ => count_with_keys(scores, &plan, &Zero, 1, keep),
            };
            // Key slots in key order, periods in date order within each:
            // the groups come out sorted.
            let dates = index.as_ref().map(|ix| &ix.dates);
            let date = |slot: usize| dates.map(|d| d[slot % n_periods]);
            let groups = match plan.key_order() {
                Some(o) => {
                    let slots = o
                        .iter()
                        .flat_map(|&k| (0..n_periods).map(move |p| k as usize * n_periods + p));
                    // At most one group per slot and per row.
                    let most = (plan.slots() * n_periods).min(rows);
                    groups_in_order(&counts, opts.min_n, most, slots, |slot| {
                        (plan.key(slot / n_periods), date(slot))
                    })?
                }
                None => {
                    let n = plan.slots() * n_periods;
                    // Each slot is visited once: with one period, its key
                    // is moved out of the plan.
                    let owned = (n_periods == 1).then(|| plan.take_keys()).flatten();
                    let plan = &plan;
                    let key = |slot: usize| plan.key(slot / n_periods);
                    groups_in_slot_order(&counts, opts.min_n, n, owned, key, date)?
                }
            };
            debug_assert!(
                groups.is_sorted_by(|a, b| (&a.key, a.period_start) < (&b.key, b.period_start))
            );
            (groups, invalid)
        }
        None => {
            let a = grouping.assign_kept(rows, keep)?;
            let n = a.labels.len();
            let (counts, invalid) = count(scores, &Indexed(&a.rows), &Zero, 1, n, keep);
            let mut groups = groups_of(&counts, opts.min_n, |slot| a.labels[slot].clone())?;
            if !groups.is_sorted_by(|a, b| (&a.key, a.period_start) <= (&b.key, b.period_start)) {
                groups.sort_by(|a, b| (&a.key, a.period_start).cmp(&(&b.key, b.period_start)));
            }
            (groups, invalid)
        }
    };
    if invalid > 0 && opts.invalid == InvalidPolicy::Raise {
        first_invalid(scores, keep)?;
    }
    let [skipped_keys, skipped_timestamps, skipped_respondents] = skipped_missing;
    Ok(Grouped {
        groups,
        skipped: invalid,
        skipped_keys,
        skipped_timestamps,
        skipped_respondents,
        dropped_repeats,
        period: opts.period,
        min_n: opts.min_n,
        window: 1,
        tz: opts.period.map(|_| tz.name().to_owned()),
        dedupe: opts.respondents.map(|_| opts.dedupe),
        latest: None,
    })
}

/// The first row with an invalid score among the kept rows, as the error
/// `group_by` raises under [`InvalidPolicy::Raise`].
fn first_invalid<T: ScoreValue>(scores: &[T], keep: Option<&[bool]>) -> Result<()> {
    let bad =
        (0..scores.len()).find(|&r| keep.is_none_or(|k| k[r]) && scores[r].to_score().is_none());
    match bad {
        Some(index) => Err(Error::InvalidScore {
            index,
            value: scores[index].to_report(),
            min: 0,
            max: 10,
        }),
        None => Ok(()),
    }
}

/// The non-empty groups of `[slot][score]` counts, labelled by `label`.
fn groups_of(
    counts: &Counts,
    min_n: u64,
    label: impl Fn(usize) -> (GroupKey, Option<NaiveDate>),
) -> Result<Vec<Group>> {
    groups_in_order(counts, min_n, counts.slots(), 0..counts.slots(), label)
}

/// As [`groups_of`], visiting the slots in the order given (so that the
/// groups come out sorted without moving them); `most` bounds the number
/// of groups (room for them is made once).
fn groups_in_order(
    counts: &Counts,
    min_n: u64,
    most: usize,
    slots: impl Iterator<Item = usize>,
    mut label: impl FnMut(usize) -> (GroupKey, Option<NaiveDate>),
) -> Result<Vec<Group>> {
    let mut groups = Vec::with_capacity(most);
    for slot in slots {
        let arr = counts.slot(slot);
        if arr.iter().all(|&x| x == 0) {
            continue;
        }
        let tally = Tally::from_counts(arr)?;
        let (key, period_start) = label(slot);
        groups.push(Group {
            key,
            period_start,
            thin: tally.n() < min_n,
            tally,
            complete: true,
        });
    }
    Ok(groups)
}

/// As [`groups_of`] over the slots `0..n` in their own order, built on
/// every core: each thread counts the non-empty slots of its share, then
/// writes their groups into its own place in the one vector returned (no
/// group is moved after it is built). A slot's key is moved out of `owned`
/// (one key per slot) when given, else made by `key`; `date` gives its
/// period's first day.
fn groups_in_slot_order(
    counts: &Counts,
    min_n: u64,
    n: usize,
    mut owned: Option<Vec<GroupKey>>,
    key: impl Fn(usize) -> GroupKey + Sync,
    date: impl Fn(usize) -> Option<NaiveDate> + Sync,
) -> Result<Vec<Group>> {
    let threads = max_threads().min(n >> 15).max(1);
    let per = n.div_ceil(threads).max(1);
    let shares: Vec<Range<usize>> = (0..n).step_by(per).map(|a| a..n.min(a + per)).collect();
    let sizes = map_each(shares.clone(), |r| {
        r.filter(|&s| !counts.is_empty(s)).count()
    });
    let total: usize = sizes.iter().sum();
    let mut groups: Vec<Group> = Vec::with_capacity(total);
    let mut out_rest = &mut groups.spare_capacity_mut()[..total];
    let mut keys_rest = owned.as_deref_mut();
    let mut jobs = Vec::with_capacity(shares.len());
    for (r, &size) in shares.into_iter().zip(&sizes) {
        let (out, tail) = std::mem::take(&mut out_rest).split_at_mut(size);
        out_rest = tail;
        let own = keys_rest.take().map(|k| {
            let (mine, tail) = k.split_at_mut(r.len());
            keys_rest = Some(tail);
            mine
        });
        jobs.push((r, out, own));
    }
    let done = map_each(jobs, |(r, out, mut own)| {
        let mut written = 0;
        let mut fill = || -> Result<()> {
            for s in r.clone() {
                if counts.is_empty(s) {
                    continue;
                }
                let tally = Tally::from_counts(counts.slot(s))?;
                let key = match own.as_deref_mut() {
                    Some(k) => std::mem::replace(&mut k[s - r.start], GroupKey::All),
                    None => key(s),
                };
                let Some(place) = out.get_mut(written) else {
                    break;
                };
                place.write(Group {
                    key,
                    period_start: date(s),
                    thin: tally.n() < min_n,
                    tally,
                    complete: true,
                });
                written += 1;
            }
            Ok(())
        };
        let result = fill();
        if result.is_err() || written != out.len() {
            for g in &mut out[..written] {
                // SAFETY: the first `written` places were written above and
                // are dropped once, here; the vector's length stays 0.
                unsafe { g.assume_init_drop() };
            }
        }
        // An error leaves the groups the other threads built undropped (a
        // leak, never read): counts of at most `rows` never overflow.
        result.and(if written == out.len() {
            Ok(())
        } else {
            // Both passes read the same counts: cannot happen.
            Err(Error::Numerical {
                what: "grouping: groups counted and built differ",
            })
        })
    });
    done.into_iter().collect::<Result<()>>()?;
    // SAFETY: every thread wrote each place of its share (checked above),
    // and the shares partition `..total`.
    unsafe { groups.set_len(total) };
    Ok(groups)
}

/// Shortest length of a period in (23-hour) days.
fn period_days(p: Period) -> i64 {
    match p {
        Period::Day => 1,
        Period::Week => 7,
        Period::Month => 28,
        Period::Quarter => 89,
        Period::Year => 365,
    }
}

/// Most rows [`Grouped::rolling`] may produce (one per key and period
/// from the key's first period to the last): 10⁷.
pub const MAX_ROLLING_ROWS: u64 = 10_000_000;

/// A running sum of tallies: the 11 score counts while every tally has
/// them, the three category counts always.
#[derive(Debug, Clone, Copy)]
struct Running {
    counts: Option<[u64; 11]>,
    categories: [u64; 3],
}

impl Default for Running {
    fn default() -> Running {
        Running {
            counts: Some([0; 11]),
            categories: [0; 3],
        }
    }
}

impl Running {
    fn of(t: &Tally) -> Running {
        let c = t.categories();
        Running {
            counts: t.counts().copied(),
            categories: [c.detractors, c.passives, c.promoters],
        }
    }

    fn add(&mut self, o: &Running) {
        self.counts = match (self.counts, o.counts) {
            (Some(mut a), Some(b)) => {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                Some(a)
            }
            _ => None,
        };
        self.categories
            .iter_mut()
            .zip(o.categories)
            .for_each(|(x, y)| *x += y);
    }

    /// Removes `o`, which was added before (so nothing underflows).
    fn sub(&mut self, o: &Running) {
        if let (Some(a), Some(b)) = (self.counts.as_mut(), o.counts) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x -= y);
        }
        self.categories
            .iter_mut()
            .zip(o.categories)
            .for_each(|(x, y)| *x -= y);
    }

    fn tally(&self) -> Result<Tally> {
        match self.counts {
            Some(c) => Tally::from_counts(c),
            None => {
                let [d, pa, p] = self.categories;
                Tally::from_categories(d, pa, p)
            }
        }
    }
}

impl crate::state::Saved for Grouped {
    const KIND: &'static str = "Grouped";
    fn check(&self) -> Result<()> {
        Grouped::check(self)
    }
}

impl Grouped {
    /// Checks the invariants [`group_by`] guarantees (used when loading a
    /// saved state): groups strictly sorted by key then period, each
    /// `thin` flag equal to `n < min_n`, a period start exactly when grouped
    /// by period, and `window >= 1`.
    pub fn check(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::arg("state", reason));
        if self.window == 0 {
            return bad("window must be at least 1".into());
        }
        if self.period.is_some() != self.tz.is_some() {
            return bad("a time zone is needed exactly when grouped by period".into());
        }
        if let Some(tz) = &self.tz {
            crate::period::parse_tz(tz)?;
        }
        match (&self.latest, self.dedupe) {
            (Some(_), None) => return bad("latest answers without a respondent rule".into()),
            (Some(latest), Some(dedupe)) => {
                latest.check(dedupe)?;
                if self.window != 1 {
                    return bad("a rolling result keeps no latest answers".into());
                }
                let (groups, invalid) = latest.groups(self.min_n)?;
                if groups != self.groups || invalid != self.skipped {
                    return bad("the groups do not match the latest answers".into());
                }
            }
            _ => {}
        }
        for (i, g) in self.groups.iter().enumerate() {
            if !g.complete && self.window == 1 {
                return bad(format!(
                    "group {i}: only a rolling window can be incomplete"
                ));
            }
            if g.thin != (g.tally.n() < self.min_n) {
                return bad(format!("group {i}: thin must be n < min_n"));
            }
            if g.period_start.is_some() != self.period.is_some() {
                return bad(format!(
                    "group {i}: a period start is needed exactly when grouped by period"
                ));
            }
            if i > 0 {
                let p = &self.groups[i - 1];
                if (&p.key, p.period_start) >= (&g.key, g.period_start) {
                    return bad(format!(
                        "group {i}: groups must be sorted by key, then period, without repeats"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Merges all groups into one tally.
    pub fn total(&self) -> Result<Tally> {
        self.groups
            .iter()
            .try_fold(Tally::EMPTY, |acc, g| acc.merge(&g.tally))
    }

    /// Rolling windows over period groups: for each key and each period from
    /// the key's first period to the last period of the whole result, the
    /// merged tally of the last `window` periods (empty periods included, so
    /// a window of 3 months is always 3 calendar months). Thin flags use the
    /// same `min_n`. Errors unless the result was grouped by period and
    /// `window >= 1`.
    ///
    /// ```
    /// use nps_core::group::{group_by, GroupOptions};
    /// use nps_core::period::Period;
    /// // One response in each of Jan, Feb and Apr 2025 (UTC).
    /// let ts = [1736000000i64, 1738700000, 1744000000];
    /// let g = group_by(&[10u8, 0, 10], &GroupOptions {
    ///     timestamps: Some(&ts), period: Some(Period::Month), ..Default::default()
    /// })?;
    /// let r = g.rolling(2)?;
    /// let n: Vec<u64> = r.groups.iter().map(|g| g.tally.n()).collect();
    /// assert_eq!(n, vec![1, 2, 1, 1]); // Jan, Jan+Feb, Feb+Mar, Mar+Apr
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn rolling(&self, window: usize) -> Result<Grouped> {
        let period = self
            .period
            .ok_or_else(|| Error::arg("window", "rolling windows need groups by period"))?;
        if window == 0 {
            return Err(Error::arg("window", "must be at least 1 period"));
        }
        if self.window != 1 {
            return Err(Error::arg(
                "window",
                "the result is already rolling: roll the period result",
            ));
        }
        let first_period = self.groups.iter().filter_map(|g| g.period_start).min();
        let Some(last) = self.groups.iter().filter_map(|g| g.period_start).max() else {
            return Ok(Grouped {
                groups: Vec::new(),
                window,
                ..self.clone()
            });
        };
        // The output has one row per key and calendar period from the
        // key's first period to the last: bounded before anything is built.
        let mut rows: u128 = 0;
        let mut i = 0;
        while i < self.groups.len() {
            let first = self.groups[i].period_start.unwrap_or(last);
            rows += u128::from(period.count_between(first, last));
            i += self.groups[i..]
                .iter()
                .take_while(|g| g.key == self.groups[i].key)
                .count();
        }
        if rows > MAX_ROLLING_ROWS as u128 {
            return Err(Error::arg(
                "window",
                format!(
                    "rolling windows would give {rows} rows (one per key and {} from its first \
                     period to the last), more than {MAX_ROLLING_ROWS} (MAX_ROLLING_ROWS)",
                    period.name()
                ),
            ));
        }
        let mut out = Vec::with_capacity(rows as usize);
        let mut i = 0;
        while i < self.groups.len() {
            let key = &self.groups[i].key;
            let mut j = i;
            while j < self.groups.len() && &self.groups[j].key == key {
                j += 1;
            }
            let own = &self.groups[i..j];
            let mut date = own[0].period_start.unwrap_or(last);
            // The last `window` periods and their running sum: each step adds
            // the period entering and subtracts the one leaving (exact
            // integer counts), so the cost is O(periods), whatever `window`.
            let mut recent: std::collections::VecDeque<Running> = Default::default();
            let mut sum = Running::default();
            let mut k = 0;
            loop {
                let t = if k < own.len() && own[k].period_start == Some(date) {
                    k += 1;
                    Running::of(&own[k - 1].tally)
                } else {
                    Running::default()
                };
                sum.add(&t);
                recent.push_back(t);
                if recent.len() > window {
                    if let Some(old) = recent.pop_front() {
                        sum.sub(&old);
                    }
                }
                let tally = sum.tally()?;
                let seen = first_period.map_or(0, |f| period.count_between(f, date));
                out.push(Group {
                    key: key.clone(),
                    period_start: Some(date),
                    thin: tally.n() < self.min_n,
                    tally,
                    complete: seen >= window as u64,
                });
                if date >= last {
                    break;
                }
                match period.next(date) {
                    Some(d) => date = d,
                    None => break,
                }
            }
            i = j;
        }
        Ok(Grouped {
            groups: out,
            window,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NpsSample;

    #[test]
    fn dense_and_hashed_keys_agree() {
        let scores: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 11) as u8).collect();
        let small: Vec<u32> = (0..5000u32).map(|i| i % 13).collect();
        let sparse: Vec<u64> = small.iter().map(|&k| u64::from(k) << 40).collect();
        let a = group_by(
            &scores,
            &GroupOptions {
                keys: Some(Keys::U32(&small)),
                ..Default::default()
            },
        )
        .unwrap();
        let b = group_by(
            &scores,
            &GroupOptions {
                keys: Some(Keys::U64(&sparse)),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(a.groups.len(), 13);
        assert_eq!(b.groups.len(), 13);
        for (x, y) in a.groups.iter().zip(&b.groups) {
            assert_eq!(x.tally, y.tally);
            let (GroupKey::UInt(kx), GroupKey::UInt(ky)) = (&x.key, &y.key) else {
                panic!("unexpected key types")
            };
            assert_eq!(kx << 40, *ky);
        }
    }

    #[test]
    fn string_keys_sorted_and_latest_response() {
        let scores = [0u8, 10, 9, 3];
        let keys = ["b", "a", "b", "a"];
        let who = [1u64, 2, 1, 3];
        let ts = [100i64, 50, 90, 10];
        let g = group_by(
            &scores,
            &GroupOptions {
                keys: Some(Keys::Str(&keys)),
                timestamps: Some(&ts),
                respondents: Some(Respondents::U64(&who)),
                ..Default::default()
            },
        )
        .unwrap();
        // Respondent 1 answered at t=100 (score 0) and t=90 (score 9): keep t=100.
        assert_eq!(g.dropped_repeats, 1);
        assert_eq!(g.groups[0].key, GroupKey::Str("a".into()));
        assert_eq!(g.groups[0].tally.n(), 2);
        assert_eq!(g.groups[1].tally.nps().unwrap(), -100.0);
    }

    #[test]
    fn errors_name_the_row() {
        let e = group_by(&[1.0f64, f64::NAN], &GroupOptions::default()).unwrap_err();
        assert_eq!(e.index(), Some(1));
        let ts = [0i64, i64::MAX];
        let e = group_by(
            &[1u8, 2],
            &GroupOptions {
                timestamps: Some(&ts),
                period: Some(Period::Day),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidTimestamp { index: 1, .. }));
        let e = group_by(
            &[1u8],
            &GroupOptions {
                tz: Some("Nowhere/Land"),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::UnknownTimeZone);
        let k = [1u32];
        let e = group_by(
            &[1u8, 2],
            &GroupOptions {
                keys: Some(Keys::U32(&k)),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::LengthMismatch);
    }

    #[test]
    fn skip_counts_invalid() {
        let g = group_by(
            &[1i64, 11, -1, 9],
            &GroupOptions {
                invalid: InvalidPolicy::Skip,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(g.skipped, 2);
        assert_eq!(g.total().unwrap().n(), 2);
    }

    /// Naive oracle: a BTreeMap over (key, local period start).
    fn oracle(
        scores: &[u8],
        keys: &[u64],
        ts: &[i64],
        period: Period,
    ) -> Vec<(GroupKey, NaiveDate, Tally)> {
        let tz = crate::period::parse_tz("Asia/Shanghai").unwrap();
        let mut m: std::collections::BTreeMap<(u64, NaiveDate), Vec<u8>> = Default::default();
        for i in 0..scores.len() {
            let d = period.start_of(crate::period::local_date(tz, ts[i]).unwrap());
            m.entry((keys[i], d)).or_default().push(scores[i]);
        }
        m.into_iter()
            .map(|((k, d), v)| (GroupKey::UInt(k), d, Tally::from_scores(&v).unwrap()))
            .collect()
    }

    fn run(
        scores: &[u8],
        keys: &[u64],
        ts: &[i64],
        period: Period,
    ) -> Vec<(GroupKey, NaiveDate, Tally)> {
        group_by(
            scores,
            &GroupOptions {
                keys: Some(Keys::U64(keys)),
                timestamps: Some(ts),
                period: Some(period),
                tz: Some("Asia/Shanghai"),
                ..Default::default()
            },
        )
        .unwrap()
        .groups
        .into_iter()
        .map(|g| (g.key, g.period_start.unwrap(), g.tally))
        .collect()
    }

    /// Issue 10 (1): 20 rows at the two ends of the calendar, by day, used
    /// to allocate every key × day in between (6.4 GB). Now the groups that
    /// occur, and nothing else.
    #[test]
    fn extreme_timestamps_cost_only_occurring_groups() {
        let keys: Vec<u64> = (0..20).collect();
        let ts: Vec<i64> = (0..20)
            .map(|i| if i % 2 == 0 { MIN_TS } else { MAX_TS })
            .collect();
        let scores = [9u8; 20];
        for period in [
            Period::Day,
            Period::Week,
            Period::Month,
            Period::Quarter,
            Period::Year,
        ] {
            let got = run(&scores, &keys, &ts, period);
            assert_eq!(got.len(), 20);
            assert_eq!(got, oracle(&scores, &keys, &ts, period));
        }
        // 1,000 dealers over one year plus one row at the epoch.
        let n = 200_000usize;
        let keys: Vec<u64> = (0..n as u64).map(|i| i % 1000).collect();
        let mut ts: Vec<i64> = (0..n as i64)
            .map(|i| 1_735_689_600 + (i * 157) % 31_536_000)
            .collect();
        ts[7] = 0;
        let scores: Vec<u8> = (0..n).map(|i| (i % 11) as u8).collect();
        assert_eq!(
            run(&scores, &keys, &ts, Period::Day),
            oracle(&scores, &keys, &ts, Period::Day)
        );
    }

    /// Issue 10 (2): adversarial string key sets group exactly (the hasher
    /// mixes; sequential ids, common prefixes, high-byte differences).
    #[test]
    fn adversarial_string_keys() {
        let sets: Vec<Vec<String>> = vec![
            (0..50_000).map(|i| format!("r{i}")).collect(),
            (0..50_000)
                .map(|i| format!("{}{i:08}", "x".repeat(64)))
                .collect(),
            (0..50_000u32)
                .map(|i| {
                    let b = i.to_be_bytes();
                    format!(
                        "{}{}",
                        char::from(b'a' + (b[2] % 26)),
                        char::from(b'a' + (b[3] % 26))
                    ) + &"_".repeat(40)
                        + &format!("{}", b[0])
                })
                .collect(),
        ];
        for set in sets {
            let keys: Vec<&str> = set.iter().map(String::as_str).collect();
            let scores: Vec<u8> = (0..keys.len()).map(|i| (i % 11) as u8).collect();
            let g = group_by(
                &scores,
                &GroupOptions {
                    keys: Some(Keys::Str(&keys)),
                    ..Default::default()
                },
            )
            .unwrap();
            let distinct: std::collections::BTreeSet<&str> = keys.iter().copied().collect();
            assert_eq!(g.groups.len(), distinct.len());
            assert_eq!(g.total().unwrap().n(), keys.len() as u64);
            assert!(g.groups.windows(2).all(|w| w[0].key < w[1].key));
        }
    }

    #[test]
    fn several_key_columns() {
        let dealer = [7u32, 9, 7, 7];
        let advisor = ["ann", "bo", "ann", "cy"];
        let cols = [Keys::U32(&dealer), Keys::Str(&advisor)];
        let g = group_by(
            &[10u8, 0, 9, 3],
            &GroupOptions {
                keys: Some(Keys::Multi(&cols)),
                ..Default::default()
            },
        )
        .unwrap();
        let keys: Vec<String> = g.groups.iter().map(|g| g.key.to_string()).collect();
        assert_eq!(keys, ["7 | ann", "7 | cy", "9 | bo"]);
        assert_eq!(g.groups[0].tally.n(), 2);
        // Lengths are checked per column; nesting is refused.
        let short = [Keys::U32(&dealer), Keys::Str(&advisor[..3])];
        let e = group_by(
            &[1u8; 4],
            &GroupOptions {
                keys: Some(Keys::Multi(&short)),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::LengthMismatch);
        let nested = [Keys::Multi(&cols)];
        let e = group_by(
            &[1u8; 4],
            &GroupOptions {
                keys: Some(Keys::Multi(&nested)),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
    }

    /// Issue 10 (10): missing keys, timestamps and respondents raise with
    /// the column and row, or are skipped and counted each in its own
    /// counter (a row once, under the first of keys, timestamps,
    /// respondents, scores).
    #[test]
    fn missing_values_raise_or_skip() {
        let scores = [10u8, 0, 9, 11, 3, 10];
        let keys = [1u64, 0, 2, 1, 2, 1];
        let ts = [100i64, i64::MIN, 300, 400, i64::MAX, 600];
        let who = [1u64, 2, 3, 4, 0, 1];
        let no_key = [false, true, false, false, false, false];
        let no_ts = [false, true, false, false, true, false];
        let no_who = [false, false, false, false, true, false];
        let opts = |invalid| GroupOptions {
            keys: Some(Keys::U64(&keys)),
            timestamps: Some(&ts),
            period: Some(Period::Day),
            respondents: Some(Respondents::U64(&who)),
            missing: Missing {
                keys: Some(&no_key),
                timestamps: Some(&no_ts),
                respondents: Some(&no_who),
                ..Default::default()
            },
            min_n: 0,
            invalid,
            ..Default::default()
        };
        // A missing key is dropped and counted (dropna, the default) even
        // under Raise: the first error is row 4's missing timestamp.
        let e = group_by(&scores, &opts(InvalidPolicy::Raise)).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidValue);
        assert_eq!(e.index(), Some(4));
        assert!(e.to_string().contains("`timestamps`"), "{e}");
        let g = group_by(&scores, &opts(InvalidPolicy::Skip)).unwrap();
        // Row 1: key and timestamp missing, counted under keys; row 4:
        // timestamp and respondent missing, under timestamps; row 3: an
        // invalid score; respondent 1 answered at rows 0 and 5: row 0 dropped.
        assert_eq!(
            (
                g.skipped_keys,
                g.skipped_timestamps,
                g.skipped_respondents,
                g.skipped,
                g.dropped_repeats
            ),
            (1, 1, 0, 1, 1)
        );
        assert_eq!(g.total().unwrap().n(), 2); // rows 2 and 5
                                               // Only the respondents column missing: named in the error.
        let e = group_by(
            &[9u8, 9],
            &GroupOptions {
                respondents: Some(Respondents::U64(&[1, 2])),
                timestamps: Some(&[1, 2]),
                missing: Missing {
                    respondents: Some(&[false, true]),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("`respondents` at row 1"), "{e}");
        // A mask of the wrong length.
        let e = group_by(
            &[9u8, 9],
            &GroupOptions {
                missing: Missing {
                    timestamps: Some(&[false]),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::LengthMismatch);
    }

    /// A respondent's later answer that is skipped for a missing timestamp
    /// does not hide the earlier, complete one.
    #[test]
    fn skipped_rows_take_no_part_in_latest_response() {
        let who = ["a", "a"];
        let ts = [100i64, 0];
        let g = group_by(
            &[10u8, 0],
            &GroupOptions {
                timestamps: Some(&ts),
                respondents: Some(Respondents::Str(&who)),
                missing: Missing {
                    timestamps: Some(&[false, true]),
                    ..Default::default()
                },
                invalid: InvalidPolicy::Skip,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((g.dropped_repeats, g.skipped_timestamps), (0, 1));
        assert_eq!(g.total().unwrap().nps().unwrap(), 100.0);
    }

    proptest::proptest! {
        /// Fast (dense) and compact paths agree with the naive oracle for
        /// any keys and timestamps, including the calendar's ends.
        #[test]
        fn grouping_matches_oracle(
            rows in proptest::collection::vec(
                (0u8..=10, proptest::prop_oneof![0u64..5, 0u64..u64::MAX],
                 proptest::prop_oneof![1_700_000_000i64..1_800_000_000, MIN_TS..=MAX_TS]),
                1..200),
            p in 0usize..5,
        ) {
            let period = [Period::Day, Period::Week, Period::Month, Period::Quarter, Period::Year][p];
            let scores: Vec<u8> = rows.iter().map(|r| r.0).collect();
            let keys: Vec<u64> = rows.iter().map(|r| r.1).collect();
            let ts: Vec<i64> = rows.iter().map(|r| r.2).collect();
            proptest::prop_assert_eq!(run(&scores, &keys, &ts, period), oracle(&scores, &keys, &ts, period));
        }

        /// Skip mode = drop the rows with a missing key, timestamp or
        /// respondent first, then group (placeholders in the missing rows
        /// are never read, however extreme).
        #[test]
        fn skipping_missing_rows_is_filtering_first(
            rows in proptest::collection::vec(
                (0u8..=12, 0u64..6, 1_700_000_000i64..1_800_000_000, 0u64..8,
                 proptest::prop_oneof![proptest::strategy::Just(0i64), proptest::strategy::Just(i64::MIN), proptest::strategy::Just(i64::MAX)],
                 0u8..16),
                0..120),
            p in 0usize..6,
        ) {
            let period = [None, Some(Period::Day), Some(Period::Week), Some(Period::Month), Some(Period::Quarter), Some(Period::Year)][p];
            // Bits of the last field: key, timestamp, respondent missing.
            let miss = |r: &(u8, u64, i64, u64, i64, u8), bit: u8| r.5 & bit != 0;
            let scores: Vec<u8> = rows.iter().map(|r| r.0).collect();
            let keys: Vec<u64> = rows.iter().map(|r| if miss(r, 1) { u64::MAX } else { r.1 }).collect();
            let ts: Vec<i64> = rows.iter().map(|r| if miss(r, 2) { r.4 } else { r.2 }).collect();
            let who: Vec<u64> = rows.iter().map(|r| r.3).collect();
            let (mk, mt, mr): (Vec<bool>, Vec<bool>, Vec<bool>) = (
                rows.iter().map(|r| miss(r, 1)).collect(),
                rows.iter().map(|r| miss(r, 2)).collect(),
                rows.iter().map(|r| miss(r, 4)).collect(),
            );
            let got = group_by(&scores, &GroupOptions {
                keys: Some(Keys::U64(&keys)),
                timestamps: Some(&ts),
                period,
                respondents: Some(Respondents::U64(&who)),
                missing: Missing { keys: Some(&mk), timestamps: Some(&mt), respondents: Some(&mr), ..Default::default() },
                invalid: InvalidPolicy::Skip,
                ..Default::default()
            }).unwrap();
            let ok: Vec<usize> = (0..rows.len()).filter(|&i| !(mk[i] || mt[i] || mr[i])).collect();
            let pick = |v: &[u64]| ok.iter().map(|&i| v[i]).collect::<Vec<_>>();
            let (fs, fk, fw) = (
                ok.iter().map(|&i| scores[i]).collect::<Vec<_>>(),
                pick(&keys),
                pick(&who),
            );
            let ft: Vec<i64> = ok.iter().map(|&i| ts[i]).collect();
            let want = group_by(&fs, &GroupOptions {
                keys: Some(Keys::U64(&fk)),
                timestamps: Some(&ft),
                period,
                respondents: Some(Respondents::U64(&fw)),
                invalid: InvalidPolicy::Skip,
                ..Default::default()
            }).unwrap();
            proptest::prop_assert_eq!(&got.groups, &want.groups);
            proptest::prop_assert_eq!(got.skipped, want.skipped);
            proptest::prop_assert_eq!(got.dropped_repeats, want.dropped_repeats);
            proptest::prop_assert_eq!(got.skipped_keys, mk.iter().filter(|&&m| m).count() as u64);
            let n_ts = (0..rows.len()).filter(|&i| !mk[i] && mt[i]).count() as u64;
            let n_resp = (0..rows.len()).filter(|&i| !mk[i] && !mt[i] && mr[i]).count() as u64;
            proptest::prop_assert_eq!(got.skipped_timestamps, n_ts);
            proptest::prop_assert_eq!(got.skipped_respondents, n_resp);
        }
    }

    /// Rolling windows by running sums equal the merge of the last
    /// `window` periods, for any window (also far longer than the span).
    #[test]
    fn rolling_is_the_merge_of_the_last_periods() {
        let ts: Vec<i64> = (0..400i64)
            .map(|i| 1_700_000_000 + (i * 7919 % 400) * 86_400 * 3)
            .collect();
        let scores: Vec<u8> = (0..400).map(|i| (i * 7 % 11) as u8).collect();
        let keys: Vec<u32> = (0..400).map(|i| i % 3).collect();
        let g = group_by(
            &scores,
            &GroupOptions {
                keys: Some(Keys::U32(&keys)),
                timestamps: Some(&ts),
                period: Some(Period::Week),
                min_n: 0,
                ..Default::default()
            },
        )
        .unwrap();
        for window in [1usize, 2, 5, 1000, usize::MAX] {
            let r = g.rolling(window).unwrap();
            for row in &r.groups {
                let d = row.period_start.unwrap();
                let naive = g
                    .groups
                    .iter()
                    .filter(|x| x.key == row.key)
                    .filter(|x| {
                        let s = x.period_start.unwrap();
                        s <= d && Period::Week.count_between(s, d) <= window as u64
                    })
                    .try_fold(Tally::EMPTY, |a, x| a.merge(&x.tally))
                    .unwrap();
                assert_eq!(row.tally, naive, "window {window} at {d}");
            }
        }
    }

    /// Fuzz note: rolling windows over groups years apart used to build
    /// every period in between; the output size is bounded first.
    #[test]
    fn rolling_output_is_bounded() {
        // Three keys, each from year 1 to year 9999 by day: 3 × 3.65·10⁶ rows.
        let keys = [1u32, 2, 3, 1, 2, 3];
        let ts = [MIN_TS, MIN_TS, MIN_TS, MAX_TS, MAX_TS, MAX_TS];
        let g = group_by(
            &[9u8; 6],
            &GroupOptions {
                keys: Some(Keys::U32(&keys)),
                timestamps: Some(&ts),
                period: Some(Period::Day),
                ..Default::default()
            },
        )
        .unwrap();
        let Err(e) = g.rolling(3) else {
            panic!("rolling windows over 10^7 rows were built")
        };
        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("MAX_ROLLING_ROWS"), "{e}");
        let months = group_by(
            &[9u8, 9],
            &GroupOptions {
                timestamps: Some(&[MIN_TS, MAX_TS]),
                period: Some(Period::Month),
                ..Default::default()
            },
        )
        .unwrap();
        let n = months.rolling(3).map(|r| r.groups.len());
        assert_eq!(n.ok(), Some(9999 * 12));
    }
}
