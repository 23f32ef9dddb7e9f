//! Calendar periods (day, ISO week, month, quarter, year) of Unix-second instants
//! in an IANA time zone.
//!
//! A period starts at local midnight of its first day. When that midnight
//! does not exist (a DST gap at midnight, as in some zones) the period starts
//! at the first local instant that does; when it occurs twice (a fold) it
//! starts at the earlier one.

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A calendar period length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A calendar day.
    Day,
    /// An ISO 8601 week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec).
    Quarter,
    /// A calendar year (a service P&L's usual period).
    Year,
}

impl Period {
    /// `"day"`, `"week"`, `"month"`, `"quarter"` or `"year"`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// Parses a period name (see [`Period::name`]).
    ///
    /// ```
    /// use nps_core::period::Period;
    /// assert_eq!(Period::from_name("month").unwrap(), Period::Month);
    /// assert!(Period::from_name("fortnight").is_err());
    /// ```
    pub fn from_name(name: &str) -> Result<Period> {
        match name {
            "day" => Ok(Period::Day),
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            "quarter" => Ok(Period::Quarter),
            "year" => Ok(Period::Year),
            other => Err(Error::arg(
                "period",
                format!("unknown period `{other}` (expected day, week, month, quarter or year)"),
            )),
        }
    }

    /// The first day of the period that contains `date`.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        let ymd = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(date);
        match self {
            Period::Day => date,
            Period::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            Period::Month => ymd(date.year(), date.month()),
            Period::Quarter => ymd(date.year(), (date.month() - 1) / 3 * 3 + 1),
            Period::Year => ymd(date.year(), 1),
        }
    }

    /// The first day of the period after the one starting at `start`, or
    /// `None` past chrono's date range.
    pub fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Day => start.succ_opt(),
            Period::Week => start.checked_add_signed(Duration::days(7)),
            Period::Month => start.checked_add_months(chrono::Months::new(1)),
            Period::Quarter => start.checked_add_months(chrono::Months::new(3)),
            Period::Year => start.checked_add_months(chrono::Months::new(12)),
        }
    }

    /// The number of periods from the one starting at `first` to the one
    /// starting at `last`, both included (0 when `last` is before `first`).
    pub fn count_between(self, first: NaiveDate, last: NaiveDate) -> u64 {
        let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        let n = match self {
            Period::Day => (last - first).num_days(),
            Period::Week => (last - first).num_days().div_euclid(7),
            Period::Month => months(last) - months(first),
            Period::Quarter => (months(last) - months(first)).div_euclid(3),
            Period::Year => i64::from(last.year()) - i64::from(first.year()),
        };
        u64::try_from(n + 1).unwrap_or(0)
    }

    /// A label for the period starting at `start`: `2025-03-14`, `2025-W09`
    /// (ISO week-year and week), `2025-03`, `2025-Q1`, `2025`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use nps_core::period::Period;
    /// let d = NaiveDate::from_ymd_opt(2024, 12, 30).unwrap();
    /// assert_eq!(Period::Week.label(d), "2025-W01");
    /// assert_eq!(Period::Quarter.label(d), "2024-Q4");
    /// assert_eq!(Period::Year.label(d), "2024");
    /// ```
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Day => start.format("%Y-%m-%d").to_string(),
            Period::Week => {
                let w = start.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Period::Month => start.format("%Y-%m").to_string(),
            Period::Quarter => format!("{:04}-Q{}", start.year(), (start.month() - 1) / 3 + 1),
            Period::Year => format!("{:04}", start.year()),
        }
    }
}

/// The time zone of calendar periods when none is given: UTC.
pub const DEFAULT_TZ: &str = "UTC";

/// Parses an IANA time-zone name (`"Asia/Shanghai"`, `"UTC"`).
pub fn parse_tz(name: &str) -> Result<Tz> {
    name.parse::<Tz>().map_err(|_| Error::UnknownTimeZone {
        // A name quoted in a message is cut (a 5 MB "zone" is not echoed).
        name: crate::error::quote(name),
    })
}

/// The UTC instant (Unix seconds) at which local `date` begins in `tz`.
pub fn local_midnight(tz: Tz, date: NaiveDate) -> i64 {
    let midnight: NaiveDateTime = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight) {
        LocalResult::Single(t) => t.timestamp(),
        LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
        LocalResult::None => {
            // Midnight falls in a gap: the day starts where the gap ends.
            // Gaps are at most a few hours; search minute by minute.
            for m in 1..=24 * 60 {
                let t = midnight + Duration::minutes(m);
                match tz.from_local_datetime(&t) {
                    LocalResult::Single(x) => return x.timestamp(),
                    LocalResult::Ambiguous(a, _) => return a.timestamp(),
                    LocalResult::None => continue,
                }
            }
            // No zone has a day-long gap at midnight; fall back to UTC midnight.
            midnight.and_utc().timestamp()
        }
    }
}

/// The local calendar date of a Unix-second instant in `tz`.
pub fn local_date(tz: Tz, ts: i64) -> Option<NaiveDate> {
    let utc = chrono::DateTime::from_timestamp(ts, 0)?;
    Some(utc.with_timezone(&tz).date_naive())
}

/// Supported timestamp range: years 1..=9999.
pub(crate) const MIN_TS: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
pub(crate) const MAX_TS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
const MAX_PERIODS: usize = 5_000_000;
/// Largest lookup table (entries) of a [`PeriodIndex`]; wider spans fall back
/// to binary search.
const MAX_TABLE: i64 = 1 << 23;

/// Maps instants to the index of their period within `[min_ts, max_ts]`.
pub(crate) struct PeriodIndex {
    /// UTC instant at which each period starts (ascending).
    pub starts: Vec<i64>,
    /// Local first day of each period.
    pub dates: Vec<NaiveDate>,
    /// Lookup table: `table[b]` is the period containing the instant
    /// `base + (b << shift)`. Buckets of `2^shift` seconds are no longer than
    /// the shortest period, so a bucket holds at most one period start and
    /// one comparison with `next` finishes the lookup. Empty when the span
    /// needs more than `MAX_TABLE` buckets (binary search then).
    base: i64,
    shift: u32,
    table: Vec<u32>,
    /// `next[i]` = start of period `i + 1` (`i64::MAX` after the last), so
    /// the final comparison needs no special case for the last period.
    next: Vec<i64>,
}

impl PeriodIndex {
    /// The lookup table: its base instant, bucket shift, the period of each
    /// bucket (empty when the span was too long for a table) and the start
    /// of the period after each period.
    pub(crate) fn buckets(&self) -> (i64, u32, &[u32], &[i64]) {
        (self.base, self.shift, &self.table, &self.next)
    }

    /// Builds the index for instants in `[min_ts, max_ts]` (already validated).
    pub fn new(period: Period, tz: Tz, min_ts: i64, max_ts: i64) -> Result<PeriodIndex> {
        let first_date = local_date(tz, min_ts).ok_or(Error::InvalidTimestamp {
            index: 0,
            value: min_ts,
        })?;
        let mut date = period.start_of(first_date);
        let mut starts = Vec::new();
        let mut dates = Vec::new();
        loop {
            let start = local_midnight(tz, date);
            if start > max_ts && !starts.is_empty() {
                break;
            }
            starts.push(start);
            dates.push(date);
            if starts.len() > MAX_PERIODS {
                return Err(Error::arg(
                    "timestamps",
                    format!(
                        "the timestamps span more than {MAX_PERIODS} {}s",
                        period.name()
                    ),
                ));
            }
            match period.next(date) {
                Some(d) => date = d,
                None => break,
            }
        }
        let base = starts[0].min(min_ts);
        // Bucket width: the largest power of two not longer than the shortest
        // period (about 18 h for days, 24 days for months), which keeps the
        // table small enough for the L1 cache (31 entries for 24 months,
        // about 1000 for two years of days). Starts that do not increase
        // (impossible in practice) disable the table.
        let shortest = starts
            .windows(2)
            .map(|w| w[1] - w[0])
            .min()
            .unwrap_or(i64::MAX);
        let shift = if shortest >= 1 {
            (63 - shortest.leading_zeros()).min(40)
        } else {
            0
        };
        let span = ((max_ts - base) >> shift) + 1;
        let table = if shortest >= 1 && span <= MAX_TABLE {
            let mut table = Vec::with_capacity(span as usize);
            let mut i = 0usize;
            for b in 0..span {
                let t = base + (b << shift);
                while i + 1 < starts.len() && starts[i + 1] <= t {
                    i += 1;
                }
                table.push(i as u32);
            }
            table
        } else {
            Vec::new()
        };
        let next = starts[1..]
            .iter()
            .copied()
            .chain(std::iter::once(i64::MAX))
            .collect();
        Ok(PeriodIndex {
            starts,
            dates,
            base,
            shift,
            table,
            next,
        })
    }

    /// Number of periods.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Index of the period containing `ts` when it lies in the built range;
    /// some valid index (never a panic) for any other instant.
    #[inline]
    pub fn index(&self, ts: i64) -> usize {
        if let Some(last) = self.table.len().checked_sub(1) {
            // A shift instead of a division, and a branch-free step to the
            // next period (timestamps arrive in any order, so a branch here
            // would be unpredictable near boundaries).
            // Saturating: the kernel also maps rows it does not count (a
            // respondent's dropped earlier answer may hold any timestamp);
            // their index is never used, but it must not overflow.
            let b = (ts.saturating_sub(self.base).max(0) >> self.shift) as usize;
            let i = self.table[b.min(last)] as usize;
            // `next` has one entry per period and `i` is a period index;
            // only `ts == i64::MAX` past the last period needs the `min`.
            (i + usize::from(ts >= self.next[i])).min(last_period(self.next.len()))
        } else {
            self.starts.partition_point(|&s| s <= ts).saturating_sub(1)
        }
    }
}

/// The index of the last period of `n` (n ≥ 1).
#[inline(always)]
fn last_period(n: usize) -> usize {
    n.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fuzz finding: the counting kernel also maps dropped rows, whose
    /// timestamps may be anything; the index of an instant outside the
    /// range must not overflow.
    #[test]
    fn index_of_any_instant_is_in_range() {
        let tz = parse_tz("Asia/Shanghai").unwrap();
        let ix =
            PeriodIndex::new(Period::Day, tz, 1_735_689_600, 1_735_689_600 + 5 * 86_400).unwrap();
        for t in [i64::MIN, -1, 0, MIN_TS, MAX_TS, i64::MAX] {
            assert!(ix.index(t) < ix.len());
        }
    }

    fn ts(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn shanghai_month_boundary() {
        let tz = parse_tz("Asia/Shanghai").unwrap();
        let a = ts("2025-01-31T15:59:59Z"); // 23:59:59 local, Jan 31
        let b = ts("2025-01-31T16:00:00Z"); // 00:00 local, Feb 1
        let idx = PeriodIndex::new(Period::Month, tz, a, b).unwrap();
        assert_eq!(idx.index(a), 0);
        assert_eq!(idx.index(b), 1);
        assert_eq!(Period::Month.label(idx.dates[1]), "2025-02");
    }

    #[test]
    fn berlin_dst_days() {
        let tz = parse_tz("Europe/Berlin").unwrap();
        // 2025-03-30 is 23 hours long in Berlin; 2025-10-26 is 25 hours long.
        let d1 = NaiveDate::from_ymd_opt(2025, 3, 30).unwrap();
        let d2 = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
        assert_eq!(local_midnight(tz, d2) - local_midnight(tz, d1), 23 * 3600);
        let d3 = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap();
        let d4 = NaiveDate::from_ymd_opt(2025, 10, 27).unwrap();
        assert_eq!(local_midnight(tz, d4) - local_midnight(tz, d3), 25 * 3600);
    }

    #[test]
    fn midnight_gap_starts_at_gap_end() {
        // America/Santiago springs forward at 24:00 -> 01:00 (2024-09-08).
        let tz = parse_tz("America/Santiago").unwrap();
        let d = NaiveDate::from_ymd_opt(2024, 9, 8).unwrap();
        let start = local_midnight(tz, d);
        assert_eq!(start, ts("2024-09-08T04:00:00Z")); // 01:00 -03
    }

    #[test]
    fn index_matches_binary_search() {
        let tz = parse_tz("America/New_York").unwrap();
        let lo = ts("2024-01-01T00:00:00Z");
        let hi = ts("2025-12-31T23:00:00Z");
        let idx = PeriodIndex::new(Period::Day, tz, lo, hi).unwrap();
        let mut t = lo;
        while t <= hi {
            let expect = idx.starts.partition_point(|&s| s <= t) - 1;
            assert_eq!(idx.index(t), expect, "t={t}");
            let date = local_date(tz, t).unwrap();
            assert_eq!(idx.dates[expect], date);
            t += 1777; // odd stride: hits every offset within buckets
        }
    }

    #[test]
    fn unknown_tz() {
        assert!(matches!(
            parse_tz("Mars/Olympus"),
            Err(Error::UnknownTimeZone { .. })
        ));
    }
}
