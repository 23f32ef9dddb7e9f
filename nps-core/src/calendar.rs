//! Business calendars, durations with explicit units, deadlines and elapsed
//! business time (SPEC §4.4).
//!
//! A [`Calendar`] has an IANA time zone, opening ranges per weekday (several
//! per day, e.g. around a lunch break; schedules may change on effective
//! dates), holidays (whole or part days) and **working-day overrides** — the
//! Chinese make-up working days (调休) that move work onto weekends.
//!
//! Time is integer Unix seconds (UTC instants) throughout. The boundary
//! rules:
//!
//! - a start outside opening hours counts from the next opening;
//! - a deadline that lands exactly on a closing time is that closing instant
//!   (Fri 17:00 + 8 business hours on 09–17 is Mon 17:00, not Mon 09:00);
//! - local times in a DST gap resolve to the instant the gap ends; an
//!   opening time in a fold resolves to its earlier occurrence and a closing
//!   time inside a fold to its later one (the shop is open through the
//!   repeated times), except a closing time on the fold's first second,
//!   which is its earlier occurrence; ranges never count the same instant
//!   twice;
//! - pauses are subtracted wherever they overlap opening hours, all of them.
//!
//! ```
//! use nps_core::calendar::{Calendar, Duration};
//! let cal = Calendar::from_json(r#"{
//!     "tz": "Europe/Berlin",
//!     "weekly": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
//!                "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]],
//!                "fri": [["09:00", "17:00"]]}
//! }"#)?;
//! // Friday 2025-06-13 17:00 Berlin (15:00 UTC) + 8 business hours = Monday 17:00.
//! let fri_17 = 1_749_826_800;
//! let due = cal.deadline(fri_17, Duration::Business { seconds: 8 * 3600 }, &[])?;
//! assert_eq!(due, fri_17 + 3 * 86_400);
//! assert_eq!(cal.elapsed(fri_17, due, &[])?, 8 * 3600);
//! # Ok::<(), nps_core::Error>(())
//! ```

use std::collections::BTreeMap;

use chrono::{Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};
use crate::period::{local_date, parse_tz, MAX_TS, MIN_TS};

/// Consecutive days without any usable business time after which a
/// deadline is declared unreachable (three years: no real calendar is
/// closed that long, and a longer duration is searched for as long as
/// opening hours keep coming).
const MAX_SEARCH_DAYS: i64 = 3 * 366;

/// The longest business duration a deadline accepts: 10⁶ hours (in
/// seconds). On a 40-hour week that is 480 years, so any duration within
/// it is searched for until it is reached (or year 9999 ends the supported
/// range); a longer one is [`Error::InvalidArgument`] naming `seconds`
/// ("beyond 1000000 business hours"), never "no opening hours".
pub const MAX_BUSINESS_SECONDS: i64 = 1_000_000 * 3600;

/// The most working days a [`Duration::BusinessDays`] deadline accepts:
/// 100 000 (about 400 years of five-day weeks). More is
/// [`Error::InvalidArgument`] naming `days` ("beyond MAX_BUSINESS_DAYS"),
/// like a business duration beyond [`MAX_BUSINESS_SECONDS`]: the argument
/// is out of its documented range, whatever the calendar.
pub const MAX_BUSINESS_DAYS: u32 = 100_000;

/// Seconds since local midnight, 0..=86400 (`24:00` closes a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u32);

impl TimeOfDay {
    /// `HH:MM` or `HH:MM:SS`; `24:00` is allowed (the end of the day).
    pub fn parse(text: &str) -> Option<TimeOfDay> {
        let parts: Vec<&str> = text.split(':').collect();
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2) {
            return None;
        }
        let num = |s: &str| {
            s.parse::<u32>()
                .ok()
                .filter(|_| s.bytes().all(|b| b.is_ascii_digit()))
        };
        let h = num(parts[0])?;
        let m = num(parts[1])?;
        let s = if parts.len() == 3 { num(parts[2])? } else { 0 };
        if m > 59 || s > 59 || h > 24 || (h == 24 && (m, s) != (0, 0)) {
            return None;
        }
        Some(TimeOfDay(h * 3600 + m * 60 + s))
    }

    /// Seconds since midnight.
    pub fn seconds(self) -> u32 {
        self.0
    }

    /// `HH:MM` (or `HH:MM:SS` when seconds are set).
    pub fn format(self) -> String {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if s == 0 {
            format!("{h:02}:{m:02}")
        } else {
            format!("{h:02}:{m:02}:{s:02}")
        }
    }
}

/// An opening (or closed) range within a local day, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DayRange {
    /// Local start time.
    pub start: TimeOfDay,
    /// Local end time (after `start`; `24:00` at most).
    pub end: TimeOfDay,
}

/// A duration with its unit — "3 days" never silently means 72 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "unit", rename_all = "snake_case")]
pub enum Duration {
    /// Elapsed wall-clock time (pauses left out).
    Wall {
        /// Seconds.
        seconds: i64,
    },
    /// Time counted only inside opening hours.
    Business {
        /// Seconds of business time.
        seconds: i64,
    },
    /// Whole working days: due at the close of the n-th working day. The
    /// start's own day counts as the first when the start is before its
    /// first opening; otherwise counting begins with the next working day.
    BusinessDays {
        /// Number of working days (at least 1).
        days: u32,
    },
}

impl Duration {
    /// Wall-clock hours.
    pub fn hours(h: i64) -> Duration {
        Duration::Wall { seconds: h * 3600 }
    }

    /// Business hours.
    pub fn business_hours(h: i64) -> Duration {
        Duration::Business { seconds: h * 3600 }
    }
}

/// A pause `[start, end)` in Unix seconds (e.g. waiting for the customer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pause {
    /// Start instant.
    pub start: i64,
    /// End instant (not before `start`).
    pub end: i64,
}

/// Serialized form of a calendar (also the `calendar` field of a policy).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// IANA time-zone name.
    pub tz: String,
    /// Opening ranges per weekday: keys `mon`..`sun`, values lists of
    /// `["HH:MM", "HH:MM"]`. A missing day is closed.
    #[serde(default)]
    pub weekly: BTreeMap<String, Vec<[String; 2]>>,
    /// Weekly schedules that take effect on a date (`from`, inclusive),
    /// replacing `weekly` from then on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<ScheduleSpec>,
    /// Holidays: `"YYYY-MM-DD"` (closed all day) or
    /// `{"date": "YYYY-MM-DD", "closed": [["HH:MM", "HH:MM"], ...]}` (part day).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<HolidaySpec>,
    /// Working-day overrides: date → that day's opening ranges (e.g. a
    /// Saturday made a working day).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub working_days: BTreeMap<String, Vec<[String; 2]>>,
}

/// A weekly schedule effective from a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    /// First day it applies (`YYYY-MM-DD`).
    pub from: String,
    /// Opening ranges per weekday, as in [`CalendarSpec::weekly`].
    pub weekly: BTreeMap<String, Vec<[String; 2]>>,
}

/// A holiday, whole-day or part-day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum HolidaySpec {
    /// Closed all day.
    Date(String),
    /// Closed during some ranges.
    Partial {
        /// The date.
        date: String,
        /// Closed ranges; absent = all day.
        #[serde(default)]
        closed: Option<Vec<[String; 2]>>,
    },
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

type Week = [Vec<DayRange>; 7];

/// A validated business calendar. Build it with [`Calendar::new`] /
/// [`Calendar::from_json`]; it serializes back to its [`CalendarSpec`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct Calendar {
    spec: CalendarSpec,
    tz: Tz,
    /// (effective from, week); the first entry has `None`.
    weeks: Vec<(Option<NaiveDate>, Week)>,
    /// Closed ranges per holiday (a whole day is `00:00–24:00`).
    holidays: BTreeMap<NaiveDate, Vec<DayRange>>,
    working_days: BTreeMap<NaiveDate, Vec<DayRange>>,
}

impl TryFrom<CalendarSpec> for Calendar {
    type Error = Error;
    fn try_from(spec: CalendarSpec) -> Result<Calendar> {
        Calendar::new(spec)
    }
}

impl From<Calendar> for CalendarSpec {
    fn from(c: Calendar) -> CalendarSpec {
        c.spec
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else if field.starts_with('[') {
        format!("{prefix}{field}")
    } else {
        format!("{prefix}.{field}")
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Parses and checks a list of ranges: each ends after it starts, and they
/// do not overlap. Returns them sorted.
fn parse_ranges(list: &[[String; 2]], path: &str, problems: &mut Vec<Problem>) -> Vec<DayRange> {
    let mut out: Vec<(usize, DayRange)> = Vec::new();
    for (i, [a, b]) in list.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let start = TimeOfDay::parse(a);
        let end = TimeOfDay::parse(b);
        match (start, end) {
            (Some(s), Some(e)) if e <= s => problems.push(Problem::new(
                p,
                format!("ends ({b}) before or when it starts ({a})"),
            )),
            (Some(start), Some(end)) => out.push((i, DayRange { start, end })),
            _ => {
                for (t, which) in [(a, start), (b, end)] {
                    if which.is_none() {
                        problems.push(Problem::new(
                            p.clone(),
                            format!("`{t}` is not a time of day (expected HH:MM, 00:00 to 24:00)"),
                        ));
                    }
                }
            }
        }
    }
    out.sort_by_key(|(_, r)| *r);
    for w in out.windows(2) {
        let ((i, a), (j, b)) = (w[0], w[1]);
        if b.start < a.end {
            problems.push(Problem::new(
                path.to_owned(),
                format!("ranges [{i}] and [{j}] overlap"),
            ));
        }
    }
    out.into_iter().map(|(_, r)| r).collect()
}

fn parse_week(
    weekly: &BTreeMap<String, Vec<[String; 2]>>,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Week {
    let mut week: Week = Default::default();
    for (day, list) in weekly {
        let p = join(path, day);
        match DAYS.iter().position(|d| d == day) {
            Some(i) => week[i] = parse_ranges(list, &p, problems),
            None => problems.push(Problem::new(
                p,
                format!("unknown weekday `{day}` (expected mon, tue, wed, thu, fri, sat, sun)"),
            )),
        }
    }
    week
}

impl Calendar {
    /// Validates a spec; every problem is reported with its path.
    pub fn new(spec: CalendarSpec) -> Result<Calendar> {
        let mut problems = Vec::new();
        match Calendar::validate(spec, "", &mut problems) {
            Some(c) if problems.is_empty() => Ok(c),
            _ => Err(Error::InvalidPolicy { problems }),
        }
    }

    /// Parses and validates calendar JSON (the same form as a policy's
    /// `calendar` field). Structural errors carry the JSON path too.
    pub fn from_json(text: &str) -> Result<Calendar> {
        let spec: CalendarSpec = crate::json::from_str(text)?;
        Calendar::new(spec)
    }

    /// The calendar as JSON.
    pub fn to_json(&self) -> String {
        // Serializing plain strings and maps cannot fail.
        serde_json::to_string_pretty(&self.spec).unwrap_or_default()
    }

    /// Validation with a path prefix, for embedding in a policy. Returns the
    /// calendar when it could be built; `problems` may still be non-empty.
    pub(crate) fn validate(
        spec: CalendarSpec,
        prefix: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Calendar> {
        let before = problems.len();
        let tz = match parse_tz(&spec.tz) {
            Ok(tz) => Some(tz),
            Err(_) => {
                problems.push(Problem::new(
                    join(prefix, "tz"),
                    format!("unknown time zone `{}`", spec.tz),
                ));
                None
            }
        };
        let mut weeks = vec![(
            None,
            parse_week(&spec.weekly, &join(prefix, "weekly"), problems),
        )];
        let mut froms: Vec<NaiveDate> = Vec::new();
        for (i, s) in spec.schedules.iter().enumerate() {
            let p = join(prefix, &format!("schedules[{i}]"));
            let week = parse_week(&s.weekly, &join(&p, "weekly"), problems);
            match parse_date(&s.from) {
                Some(d) if froms.contains(&d) => problems.push(Problem::new(
                    join(&p, "from"),
                    format!("another schedule already takes effect on {d}"),
                )),
                Some(d) => {
                    froms.push(d);
                    weeks.push((Some(d), week));
                }
                None => problems.push(Problem::new(
                    join(&p, "from"),
                    format!("`{}` is not a date (expected YYYY-MM-DD)", s.from),
                )),
            }
        }
        weeks.sort_by_key(|(d, _)| *d);
        if weeks.iter().all(|(_, w)| w.iter().all(Vec::is_empty)) && spec.working_days.is_empty() {
            problems.push(Problem::new(
                join(prefix, "weekly"),
                "no opening hours on any day: business time could never elapse",
            ));
        }
        let mut working_days = BTreeMap::new();
        for (date, list) in &spec.working_days {
            let p = join(prefix, &format!("working_days.{date}"));
            let ranges = parse_ranges(list, &p, problems);
            match parse_date(date) {
                Some(d) => {
                    if ranges.is_empty() && list.is_empty() {
                        problems.push(Problem::new(
                            p,
                            "a working-day override needs opening ranges (use holidays to close a day)",
                        ));
                    }
                    working_days.insert(d, ranges);
                }
                None => problems.push(Problem::new(
                    p,
                    format!("`{date}` is not a date (expected YYYY-MM-DD)"),
                )),
            }
        }
        let mut holidays: BTreeMap<NaiveDate, Vec<DayRange>> = BTreeMap::new();
        let mut seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        for (i, h) in spec.holidays.iter().enumerate() {
            let p = join(prefix, &format!("holidays[{i}]"));
            let (date, closed) = match h {
                HolidaySpec::Date(d) => (d, None),
                HolidaySpec::Partial { date, closed } => (date, closed.as_ref()),
            };
            let Some(d) = parse_date(date) else {
                problems.push(Problem::new(
                    p,
                    format!("`{date}` is not a date (expected YYYY-MM-DD)"),
                ));
                continue;
            };
            if let Some(j) = seen.insert(d, i) {
                problems.push(Problem::new(
                    p.clone(),
                    format!("{d} is already listed at holidays[{j}]"),
                ));
            }
            if working_days.contains_key(&d) {
                problems.push(Problem::new(
                    p.clone(),
                    format!("{d} is also a working-day override (working_days.{d}): a day cannot be both"),
                ));
            }
            let ranges = match closed {
                None => vec![DayRange {
                    start: TimeOfDay(0),
                    end: TimeOfDay(86_400),
                }],
                Some(list) => parse_ranges(list, &join(&p, "closed"), problems),
            };
            holidays.insert(d, ranges);
        }
        let tz = tz?;
        (problems.len() == before).then_some(Calendar {
            spec,
            tz,
            weeks,
            holidays,
            working_days,
        })
    }

    /// The time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The spec the calendar was built from.
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// Local opening ranges of a date (overrides, schedules and holidays applied).
    pub fn day_ranges(&self, date: NaiveDate) -> Vec<DayRange> {
        if let Some(r) = self.working_days.get(&date) {
            return r.clone();
        }
        let week = self
            .weeks
            .iter()
            .rev()
            .find(|(from, _)| from.is_none_or(|f| f <= date))
            .map_or(&self.weeks[0].1, |(_, w)| w);
        let base = &week[date.weekday().num_days_from_monday() as usize];
        match self.holidays.get(&date) {
            None => base.clone(),
            Some(closed) => subtract_ranges(base, closed),
        }
    }

    /// Whether the date has any opening hours.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.day_ranges(date).is_empty()
    }

    /// Opening intervals of a local date as UTC instants `[open, close)`.
    pub fn day_instants(&self, date: NaiveDate) -> Vec<(i64, i64)> {
        let mut out: Vec<(i64, i64)> = Vec::new();
        for r in self.day_ranges(date) {
            let mut a = local_instant(self.tz, date, r.start.0, false);
            let b = local_instant(self.tz, date, r.end.0, true);
            // In a fold, a range closing at the later occurrence can reach
            // past the next range's earlier opening: never count time twice.
            if let Some(&(_, prev_end)) = out.last() {
                a = a.max(prev_end);
            }
            if a < b {
                out.push((a, b));
            }
        }
        out
    }

    /// Whether the calendar is open at an instant.
    pub fn is_open(&self, t: i64) -> Result<bool> {
        check_ts("t", t)?;
        let date = local_date(self.tz, t).ok_or(Error::InvalidTimestamp { index: 0, value: t })?;
        let days = [date.pred_opt(), Some(date)];
        Ok(days
            .into_iter()
            .flatten()
            .flat_map(|d| self.day_instants(d))
            .any(|(a, b)| a <= t && t < b))
    }

    /// The deadline `duration` after `start`, leaving out `pauses`.
    ///
    /// Errors: [`Error::InvalidArgument`] for a negative duration, a wall
    /// duration longer than the supported range of instants, a business
    /// duration beyond [`MAX_BUSINESS_SECONDS`], zero business days or more
    /// than [`MAX_BUSINESS_DAYS`], a business deadline after year 9999, or
    /// a pause that ends before it starts; [`Error::InvalidTimestamp`]
    /// outside years 1..=9999; [`Error::NoData`] when the calendar has no
    /// usable opening hours for three consecutive years, or not enough
    /// working days before year 9999 ends.
    pub fn deadline(&self, start: i64, duration: Duration, pauses: &[Pause]) -> Result<i64> {
        check_ts("start", start)?;
        let pauses = normalize_pauses(pauses)?;
        match duration {
            Duration::Wall { seconds } => {
                wall_deadline_sorted(start, check_secs(seconds)?, &pauses)
            }
            Duration::Business { seconds } => {
                check_secs(seconds)?;
                if seconds > MAX_BUSINESS_SECONDS {
                    return Err(Error::arg(
                        "seconds",
                        format!(
                            "a business duration of {seconds} seconds ({} hours) is beyond \
                             {} business hours (MAX_BUSINESS_SECONDS)",
                            seconds / 3600,
                            MAX_BUSINESS_SECONDS / 3600
                        ),
                    ));
                }
                self.business_deadline(start, seconds, &pauses)
            }
            Duration::BusinessDays { days } => {
                if days == 0 {
                    return Err(Error::arg("days", "business days must be at least 1"));
                }
                if days > MAX_BUSINESS_DAYS {
                    return Err(Error::arg(
                        "days",
                        format!(
                            "{days} business days is beyond {MAX_BUSINESS_DAYS} \
                             (MAX_BUSINESS_DAYS)"
                        ),
                    ));
                }
                let due = self.end_of_nth_working_day(start, days)?;
                // Pauses extend the deadline by the business time they cover.
                let needed = self.elapsed_sorted(start, due, &[])?;
                self.business_deadline(start, needed, &pauses)
            }
        }
    }

    fn business_deadline(&self, start: i64, seconds: i64, pauses: &[Pause]) -> Result<i64> {
        if seconds == 0 {
            return Ok(start);
        }
        let mut remaining = seconds;
        let first = local_date(self.tz, start)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MIN);
        // Days in a row that gave no business time (closed, or paused).
        let mut idle = 0i64;
        for d in first.iter_days() {
            let mut used = false;
            for (a, b) in self.day_instants(d) {
                if a > MAX_TS {
                    return Err(beyond_range(seconds));
                }
                if b <= start {
                    continue;
                }
                for (s, e) in minus_pauses(a.max(start), b, pauses) {
                    used = true;
                    let len = e - s;
                    if len >= remaining {
                        return check_out(s + remaining).map_err(|_| beyond_range(seconds));
                    }
                    remaining -= len;
                }
            }
            idle = if used { 0 } else { idle + 1 };
            if idle > MAX_SEARCH_DAYS {
                return Err(Error::NoData {
                    what: "deadline (no opening hours for three consecutive years)",
                });
            }
            if local_instant(self.tz, d, 0, false) > MAX_TS {
                break;
            }
        }
        Err(beyond_range(seconds))
    }

    fn end_of_nth_working_day(&self, start: i64, n: u32) -> Result<i64> {
        let date = local_date(self.tz, start).ok_or(Error::InvalidTimestamp {
            index: 0,
            value: start,
        })?;
        let mut count = 0;
        let mut idle = 0i64;
        for d in date.iter_days() {
            let inst = self.day_instants(d);
            let Some(&(first_open, _)) = inst.first() else {
                idle += 1;
                if idle > MAX_SEARCH_DAYS {
                    return Err(Error::NoData {
                        what: "deadline (no working day for three consecutive years)",
                    });
                }
                if local_instant(self.tz, d, 0, false) > MAX_TS {
                    break;
                }
                continue;
            };
            idle = 0;
            if first_open > MAX_TS {
                break;
            }
            if d == date && start > first_open {
                continue; // the start's day counts only if it starts before opening
            }
            count += 1;
            if count == n {
                return Ok(inst.last().map_or(first_open, |&(_, close)| close));
            }
        }
        Err(Error::NoData {
            what: "deadline (not enough working days before year 9999, the supported range)",
        })
    }

    /// Business time in `[start, end)` outside `pauses`, in seconds.
    pub fn elapsed(&self, start: i64, end: i64, pauses: &[Pause]) -> Result<i64> {
        check_ts("start", start)?;
        check_ts("end", end)?;
        let pauses = normalize_pauses(pauses)?;
        self.elapsed_sorted(start, end, &pauses)
    }

    fn elapsed_sorted(&self, start: i64, end: i64, pauses: &[Pause]) -> Result<i64> {
        if end < start {
            return Err(Error::arg(
                "end",
                format!("ends ({end}) before it starts ({start})"),
            ));
        }
        let mut total = 0;
        let first = local_date(self.tz, start).and_then(|d| d.pred_opt());
        let last = local_date(self.tz, end).ok_or(Error::InvalidTimestamp {
            index: 0,
            value: end,
        })?;
        let Some(first) = first else { return Ok(0) };
        for d in first.iter_days().take_while(|d| *d <= last) {
            for (a, b) in self.day_instants(d) {
                let (a, b) = (a.max(start), b.min(end));
                if a < b {
                    total += minus_pauses(a, b, pauses).map(|(s, e)| e - s).sum::<i64>();
                }
            }
        }
        Ok(total)
    }
}

/// Wall-clock deadline: `seconds` after `start` with the pauses left out.
///
/// ```
/// use nps_core::calendar::{wall_deadline, Pause};
/// // 2 h from t = 0 with a 30-minute pause starting at t = 600: due at 2 h 30.
/// assert_eq!(wall_deadline(0, 7200, &[Pause { start: 600, end: 2400 }]).unwrap(), 9000);
/// ```
pub fn wall_deadline(start: i64, seconds: i64, pauses: &[Pause]) -> Result<i64> {
    check_ts("start", start)?;
    wall_deadline_sorted(start, check_secs(seconds)?, &normalize_pauses(pauses)?)
}

/// Wall-clock time in `[start, end)` outside the pauses.
pub fn wall_elapsed(start: i64, end: i64, pauses: &[Pause]) -> Result<i64> {
    check_ts("start", start)?;
    check_ts("end", end)?;
    if end < start {
        return Err(Error::arg(
            "end",
            format!("ends ({end}) before it starts ({start})"),
        ));
    }
    Ok(minus_pauses(start, end, &normalize_pauses(pauses)?)
        .map(|(s, e)| e - s)
        .sum())
}

fn wall_deadline_sorted(start: i64, seconds: i64, pauses: &[Pause]) -> Result<i64> {
    let mut t = start;
    let mut remaining = seconds;
    for p in pauses {
        if p.end <= t {
            continue;
        }
        let ps = p.start.max(t);
        if ps - t >= remaining {
            break;
        }
        remaining -= ps - t;
        t = p.end;
    }
    check_out(t.saturating_add(remaining))
}

fn check_ts(name: &'static str, t: i64) -> Result<()> {
    if (MIN_TS..=MAX_TS).contains(&t) {
        Ok(())
    } else {
        Err(Error::arg(
            name,
            format!("{t} is outside the supported range of Unix seconds (years 1 to 9999)"),
        ))
    }
}

fn check_out(t: i64) -> Result<i64> {
    check_ts("deadline", t).map(|_| t)
}

/// A business deadline that falls after the supported range of instants.
fn beyond_range(seconds: i64) -> Error {
    Error::arg(
        "seconds",
        format!(
            "a deadline {} business hours later falls after year 9999 (the supported range)",
            seconds / 3600
        ),
    )
}

fn check_secs(s: i64) -> Result<i64> {
    if s < 0 {
        Err(Error::arg(
            "seconds",
            format!("a duration must be >= 0 seconds, got {s}"),
        ))
    } else if s > MAX_TS - MIN_TS {
        Err(Error::arg(
            "seconds",
            format!(
                "a duration of {s} seconds ({} hours) is longer than the supported range of \
                 instants (years 1 to 9999, {} seconds)",
                s / 3600,
                MAX_TS - MIN_TS
            ),
        ))
    } else {
        Ok(s)
    }
}

/// Sorts and merges pauses; rejects a pause that ends before it starts.
fn normalize_pauses(pauses: &[Pause]) -> Result<Vec<Pause>> {
    for (i, p) in pauses.iter().enumerate() {
        for t in [p.start, p.end] {
            if !(MIN_TS..=MAX_TS).contains(&t) {
                return Err(Error::arg(
                    "pauses",
                    format!("pause [{i}]: {t} is outside the supported range of Unix seconds"),
                ));
            }
        }
        if p.end < p.start {
            return Err(Error::arg(
                "pauses",
                format!(
                    "pause [{i}] ends ({}) before it starts ({})",
                    p.end, p.start
                ),
            ));
        }
    }
    let mut v: Vec<Pause> = pauses.iter().copied().filter(|p| p.end > p.start).collect();
    v.sort_by_key(|p| p.start);
    let mut out: Vec<Pause> = Vec::with_capacity(v.len());
    for p in v {
        match out.last_mut() {
            Some(last) if p.start <= last.end => last.end = last.end.max(p.end),
            _ => out.push(p),
        }
    }
    Ok(out)
}

/// `[a, b)` minus sorted, merged pauses, as pieces in order.
fn minus_pauses(a: i64, b: i64, pauses: &[Pause]) -> impl Iterator<Item = (i64, i64)> + '_ {
    let first = pauses.partition_point(|p| p.end <= a);
    let mut cursor = a;
    let mut i = first;
    let mut done = a >= b;
    std::iter::from_fn(move || {
        while !done {
            match pauses.get(i) {
                Some(p) if p.start < b => {
                    i += 1;
                    let piece = (cursor, p.start.min(b));
                    cursor = cursor.max(p.end);
                    if cursor >= b {
                        done = true;
                    }
                    if piece.0 < piece.1 {
                        return Some(piece);
                    }
                }
                _ => {
                    done = true;
                    if cursor < b {
                        return Some((cursor, b));
                    }
                }
            }
        }
        None
    })
}

/// Opening ranges minus closed ranges (both sorted, non-overlapping).
fn subtract_ranges(open: &[DayRange], closed: &[DayRange]) -> Vec<DayRange> {
    let mut out = Vec::new();
    for r in open {
        let mut start = r.start;
        for c in closed {
            if c.end <= start || c.start >= r.end {
                continue;
            }
            if c.start > start {
                out.push(DayRange {
                    start,
                    end: c.start,
                });
            }
            start = start.max(c.end);
        }
        if start < r.end {
            out.push(DayRange { start, end: r.end });
        }
    }
    out
}

/// The instant of a local time of day on `date` in `tz`: a fold resolves to
/// the earlier occurrence (or the later with `later`), a gap to its end.
pub(crate) fn local_instant(tz: Tz, date: NaiveDate, seconds: u32, later: bool) -> i64 {
    let (date, seconds) = if seconds >= 86_400 {
        (date.succ_opt().unwrap_or(date), seconds - 86_400)
    } else {
        (date, seconds)
    };
    let naive: NaiveDateTime = date.and_hms_opt(0, 0, 0).unwrap_or_default()
        + chrono::Duration::seconds(i64::from(seconds));
    // A closing time inside a fold is its later occurrence (the local times
    // before it were all lived twice) — unless it is the first second of the
    // fold, when the times before it occurred only once.
    let later = later
        && matches!(
            tz.from_local_datetime(&(naive - chrono::Duration::seconds(1))),
            LocalResult::Ambiguous(..)
        );
    let resolve = |n: &NaiveDateTime| match tz.from_local_datetime(n) {
        LocalResult::Single(t) => Some(t.timestamp()),
        LocalResult::Ambiguous(a, b) => Some(if later {
            a.timestamp().max(b.timestamp())
        } else {
            a.timestamp().min(b.timestamp())
        }),
        LocalResult::None => None,
    };
    if let Some(t) = resolve(&naive) {
        return t;
    }
    // In a gap: it ends at the first valid local time, which tzdata puts
    // on a whole minute; step minute by minute from the truncated minute.
    let minute = naive - chrono::Duration::seconds(i64::from(seconds % 60));
    for m in 1..=24 * 60 {
        if let Some(t) = resolve(&(minute + chrono::Duration::minutes(m))) {
            return t;
        }
    }
    naive.and_utc().timestamp()
}

/// A calendar saves as its spec; loading runs the validation of
/// [`Calendar::new`] again (the same as loading calendar JSON).
///
/// ```
/// use nps_core::calendar::Calendar;
/// use nps_core::state::Saved;
/// let cal = Calendar::from_json(r#"{"tz": "Asia/Shanghai", "weekly": {"mon": [["09:00", "18:00"]]}}"#)?;
/// assert_eq!(Calendar::from_state(&cal.to_state())?, cal);
/// let bad = String::from_utf8(cal.to_state()).unwrap().replace("18:00", "08:00");
/// assert_eq!(Calendar::from_state(bad.as_bytes()).unwrap_err().argument(), Some("state"));
/// # Ok::<(), nps_core::Error>(())
/// ```
impl crate::state::Saved for Calendar {
    const KIND: &'static str = "Calendar";
    fn check(&self) -> Result<()> {
        Calendar::new(self.spec.clone()).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn nine_to_five(tz: &str) -> Calendar {
        Calendar::from_json(&format!(
            r#"{{"tz": "{tz}", "weekly": {{
                "mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]], "wed": [["09:00","17:00"]],
                "thu": [["09:00","17:00"]], "fri": [["09:00","17:00"]]}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn closing_time_rule() {
        let cal = nine_to_five("UTC");
        let fri17 = ts("2025-06-13T17:00:00Z");
        let due = cal
            .deadline(fri17, Duration::business_hours(8), &[])
            .unwrap();
        assert_eq!(due, ts("2025-06-16T17:00:00Z"));
        // Start outside hours counts from the next opening.
        let sat = ts("2025-06-14T11:00:00Z");
        assert_eq!(
            cal.deadline(sat, Duration::business_hours(1), &[]).unwrap(),
            ts("2025-06-16T10:00:00Z")
        );
    }

    #[test]
    fn lunch_break_and_pauses() {
        let cal = Calendar::from_json(
            r#"{"tz": "Asia/Shanghai", "weekly": {"mon": [["13:00","18:00"], ["08:30","12:00"]]}}"#,
        )
        .unwrap();
        let mon_11 = ts("2025-06-16T11:00:00+08:00");
        // 1h before lunch, 3h after: 4h business -> 16:00.
        assert_eq!(
            cal.deadline(mon_11, Duration::business_hours(4), &[])
                .unwrap(),
            ts("2025-06-16T16:00:00+08:00")
        );
        // A pause during lunch changes nothing; one from 13:00 to 14:00 adds an hour.
        let lunch = Pause {
            start: ts("2025-06-16T12:00:00+08:00"),
            end: ts("2025-06-16T13:00:00+08:00"),
        };
        let after = Pause {
            start: ts("2025-06-16T13:00:00+08:00"),
            end: ts("2025-06-16T14:00:00+08:00"),
        };
        assert_eq!(
            cal.deadline(mon_11, Duration::business_hours(4), &[lunch])
                .unwrap(),
            ts("2025-06-16T16:00:00+08:00")
        );
        assert_eq!(
            cal.deadline(mon_11, Duration::business_hours(4), &[lunch, after])
                .unwrap(),
            ts("2025-06-16T17:00:00+08:00")
        );
    }

    #[test]
    fn national_day_2025() {
        let cal = Calendar::from_json(
            r#"{"tz": "Asia/Shanghai",
                "weekly": {"mon": [["09:00","18:00"]], "tue": [["09:00","18:00"]],
                           "wed": [["09:00","18:00"]], "thu": [["09:00","18:00"]],
                           "fri": [["09:00","18:00"]]},
                "holidays": ["2025-10-01","2025-10-02","2025-10-03","2025-10-06",
                             "2025-10-07","2025-10-08"],
                "working_days": {"2025-09-28": [["09:00","18:00"]],
                                 "2025-10-11": [["09:00","18:00"]]}}"#,
        )
        .unwrap();
        // Sat 2025-09-27 10:00 + 9 business hours: Sunday 28th is a working day.
        let sat = ts("2025-09-27T10:00:00+08:00");
        assert_eq!(
            cal.deadline(sat, Duration::business_hours(9), &[]).unwrap(),
            ts("2025-09-28T18:00:00+08:00")
        );
        // Tue 2025-09-30 17:00 + 2 business hours: next opening is Thu Oct 9.
        let tue = ts("2025-09-30T17:00:00+08:00");
        assert_eq!(
            cal.deadline(tue, Duration::business_hours(2), &[]).unwrap(),
            ts("2025-10-09T10:00:00+08:00")
        );
        // Fri Oct 10 18:00 + 1 business day -> the close of Sat Oct 11.
        let fri = ts("2025-10-10T18:00:00+08:00");
        assert_eq!(
            cal.deadline(fri, Duration::BusinessDays { days: 1 }, &[])
                .unwrap(),
            ts("2025-10-11T18:00:00+08:00")
        );
    }

    #[test]
    fn dst_berlin_and_new_york() {
        // Open around the clock on Sunday: the spring-forward day has 23 hours.
        let cal = Calendar::from_json(
            r#"{"tz": "Europe/Berlin", "weekly": {"sun": [["00:00","24:00"]]}}"#,
        )
        .unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 3, 30).unwrap();
        let inst = cal.day_instants(day);
        assert_eq!(inst[0].1 - inst[0].0, 23 * 3600);
        // An opening at 02:30 (inside the gap) starts when the gap ends, 03:00 CEST.
        let cal = Calendar::from_json(
            r#"{"tz": "Europe/Berlin", "weekly": {"sun": [["02:30","05:00"]]}}"#,
        )
        .unwrap();
        assert_eq!(
            cal.day_instants(day),
            vec![(ts("2025-03-30T01:00:00Z"), ts("2025-03-30T03:00:00Z"))]
        );
        // New York fall back 2025-11-02: 01:00-01:59 occurs twice; open 00:00-02:00 lasts 3 h.
        let cal = Calendar::from_json(
            r#"{"tz": "America/New_York", "weekly": {"sun": [["00:00","02:00"]]}}"#,
        )
        .unwrap();
        let d = NaiveDate::from_ymd_opt(2025, 11, 2).unwrap();
        let i = cal.day_instants(d);
        assert_eq!(i[0].1 - i[0].0, 3 * 3600);
        // A range ending at 01:30 (in the fold) ends at the later 01:30.
        let cal = Calendar::from_json(
            r#"{"tz": "America/New_York", "weekly": {"sun": [["00:00","01:30"]]}}"#,
        )
        .unwrap();
        assert_eq!(cal.day_instants(d)[0].1, ts("2025-11-02T01:30:00-05:00"));
    }

    #[test]
    fn every_problem_with_its_path() {
        let err = Calendar::from_json(
            r#"{"tz": "Mars/Base", "weekly": {"mon": [["10:00","09:00"], ["08:00","09:30"], ["09:00","11:00"]],
                "funday": [["09:00","10:00"]]},
                "holidays": ["2025-10-01", "2025-10-01", {"date": "2025-09-28"}],
                "working_days": {"2025-09-28": [["09:00","25:00"]]}}"#,
        )
        .unwrap_err();
        let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"tz"), "{paths:?}");
        assert!(paths.contains(&"weekly.mon[0]"), "{paths:?}");
        assert!(paths.contains(&"weekly.mon"), "{paths:?}"); // overlap of [1] and [2]
        assert!(paths.contains(&"weekly.funday"), "{paths:?}");
        assert!(paths.contains(&"holidays[1]"), "{paths:?}");
        assert!(paths.contains(&"holidays[2]"), "{paths:?}");
        assert!(paths.contains(&"working_days.2025-09-28[0]"), "{paths:?}");
        // Structural errors name the path too.
        let err =
            Calendar::from_json(r#"{"tz": "UTC", "weekly": {"mon": [["09:00"]]}}"#).unwrap_err();
        assert_eq!(err.problems()[0].path, "weekly.mon[0]");
    }

    #[test]
    fn wall_and_part_day_holiday() {
        let p = [Pause {
            start: 100,
            end: 50,
        }];
        assert!(wall_deadline(0, 10, &p).is_err());
        let cal = Calendar::from_json(
            r#"{"tz": "UTC", "weekly": {"wed": [["09:00","17:00"]]},
                "holidays": [{"date": "2025-12-31", "closed": [["12:00","24:00"]]}]}"#,
        )
        .unwrap();
        let d = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(
            cal.day_instants(d),
            vec![(ts("2025-12-31T09:00:00Z"), ts("2025-12-31T12:00:00Z"))]
        );
        assert!(cal.is_open(ts("2025-12-31T11:59:59Z")).unwrap());
        assert!(!cal.is_open(ts("2025-12-31T12:00:00Z")).unwrap());
        // JSON round trip.
        let again = Calendar::from_json(&cal.to_json()).unwrap();
        assert_eq!(again, cal);
    }

    /// Issue 10 (12): 10^5 business hours on a 40 h week is 48 years away,
    /// not "no opening hours in the next three years"; 10^9 hours is longer
    /// than the supported range (said so, not "must be >= 0"); beyond
    /// MAX_BUSINESS_SECONDS is named; a calendar paused for years is
    /// "no opening hours", quickly.
    #[test]
    fn long_business_durations_are_reached_or_named() {
        let cal = nine_to_five("UTC");
        let start = ts("2025-06-13T09:00:00Z");
        let h = |n: i64| Duration::Business { seconds: n * 3600 };
        let due = cal.deadline(start, h(100_000), &[]).unwrap();
        assert_eq!(cal.elapsed(start, due, &[]).unwrap(), 100_000 * 3600);
        assert!(due > start + 47 * 365 * 86_400, "{due}");
        let due = cal
            .deadline(
                start,
                Duration::Business {
                    seconds: MAX_BUSINESS_SECONDS,
                },
                &[],
            )
            .unwrap();
        assert!(due < MAX_TS);
        let e = cal.deadline(start, h(1_000_000_000), &[]).unwrap_err();
        assert_eq!(e.argument(), Some("seconds"));
        assert!(!e.to_string().contains(">= 0"), "{e}");
        assert!(
            e.to_string().contains("longer than the supported range"),
            "{e}"
        );
        let e = cal
            .deadline(
                start,
                Duration::Business {
                    seconds: MAX_BUSINESS_SECONDS + 1,
                },
                &[],
            )
            .unwrap_err();
        assert!(e.to_string().contains("MAX_BUSINESS_SECONDS"), "{e}");
        // Near the end of the range: beyond year 9999, said so.
        let late = ts("9990-01-01T00:00:00Z");
        let e = cal.deadline(late, h(100_000), &[]).unwrap_err();
        assert!(e.to_string().contains("after year 9999"), "{e}");
        let e = cal
            .deadline(
                start,
                Duration::BusinessDays {
                    days: MAX_BUSINESS_DAYS + 1,
                },
                &[],
            )
            .unwrap_err();
        assert!(e.to_string().contains("MAX_BUSINESS_DAYS"), "{e}");
        assert_eq!(
            (e.kind(), e.argument()),
            (crate::ErrorKind::InvalidArgument, Some("days"))
        );
        assert!(cal
            .deadline(
                start,
                Duration::BusinessDays {
                    days: MAX_BUSINESS_DAYS
                },
                &[]
            )
            .is_ok());
        // Paused for five years: no usable opening hours for three.
        let pause = Pause {
            start,
            end: start + 5 * 366 * 86_400,
        };
        let e = cal.deadline(start, h(1), &[pause]).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NoData);
        let wall = cal
            .deadline(
                start,
                Duration::Wall {
                    seconds: 1_000_000_000 * 3600,
                },
                &[],
            )
            .unwrap_err();
        assert!(
            wall.to_string().contains("longer than the supported range"),
            "{wall}"
        );
    }
}
