//! Staffing by the hour: arrival rates per weekday × interval from a history
//! of arrival instants, the Erlang C advisors (or bays) each interval needs
//! for a waiting target, the waits a given roster would give, and the
//! capacity gained by a shorter service time (issue 14; SPEC §6).
//!
//! The source (004, "第一站") measures reception against a per-visit
//! standard of 3 minutes and asks for queueing theory and dynamic
//! scheduling of advisors: the staff needed is not the same on a Monday
//! 09:00 as on a Wednesday 15:00.
//!
//! **Arrival rate.** Each arrival is binned by its local weekday and the
//! interval of the local day it falls in (`interval_s` seconds, dividing
//! the day; one hour by default). The history spans the local dates from
//! the first arrival's to the last arrival's, inclusive. The rate of a
//! weekday × interval is
//!
//! ```text
//! arrival_rate = arrivals in that weekday × interval
//!                ÷ the time that interval was open over the history span
//! ```
//!
//! where "open" is the business calendar's opening hours (every hour
//! without a calendar). When intervals are open whole, this is arrivals ÷
//! (number of such intervals observed × interval length); an interval open
//! half of its length on each date counts half. Time is real time: the hour
//! skipped by a daylight-saving gap is observed 0 s, the repeated hour of a
//! fold 7200 s. Arrivals while the calendar is closed are left out and
//! counted (`outside_hours`). Only weekday × intervals with open time appear.
//!
//! **Servers.** Per interval, the smallest `c` with which at least
//! `target_share` of arrivals wait at most `target_wait_s`
//! ([`servers_needed`]); 0 for an interval without arrivals. With a roster,
//! [`erlang_c`] gives the probability of waiting, the mean wait and the
//! share within target; an interval whose offered load is at or above its
//! roster is *unstable*, with no waits at all (never a number).
//!
//! ```
//! use nps_core::staffing::{staffing, Roster, StaffingOptions};
//! // Two Mondays (2025-06-02 and 06-09, UTC); 09:00–10:00 sees 6 and 4
//! // arrivals: 5 per hour.
//! let mon = 1_748_822_400; // 2025-06-02 00:00 UTC
//! let mut arrivals = Vec::new();
//! for (day, n) in [(0, 6), (7, 4)] {
//!     for i in 0..n {
//!         arrivals.push(mon + day * 86_400 + 9 * 3600 + i * 60);
//!     }
//! }
//! let opts = StaffingOptions::default(); // 15 min service, 90 % wait ≤ 3 min
//! let p = staffing(&arrivals, None, Some(&Roster::Constant(2)), &opts)?;
//! let nine = p.rows.iter().find(|r| r.weekday == 0 && r.start_s == 9 * 3600).unwrap();
//! assert_eq!(nine.arrivals, 10);
//! assert_eq!(nine.arrival_rate, 5.0);
//! assert_eq!(nine.servers, 4); // 1.25 erlangs
//! assert!(nine.roster.unwrap().queue.is_some()); // 2 advisors: stable
//! # Ok::<(), nps_core::Error>(())
//! ```

use chrono::{Datelike, NaiveDate, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::{local_instant, Calendar};
use crate::erlang::{erlang_c, servers_needed, Queue, QueueStats, MAX_SERVERS};
use crate::error::{Error, Result};
use crate::kpi::TimeMeasure;
use crate::money::{Currency, Money};
use crate::period::{local_date, parse_tz, MAX_TS, MIN_TS};
use crate::policy::Benchmark;
use crate::table::{Column, Table};

/// The longest history [`staffing`] reads: 36 525 local dates (100 years).
pub const MAX_SPAN_DAYS: i64 = 36_525;

/// Weekday names, Monday first (weekday 0).
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Options of [`staffing`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffingOptions {
    /// Length of an interval in seconds: a whole number of minutes that
    /// divides the day (60 … 86 400). Default 3600 (by the hour).
    pub interval_s: u32,
    /// Mean service time per arrival in seconds. Default 900 (the source's
    /// 15-minute reception).
    pub service_time_s: f64,
    /// The waiting target in seconds. Default 180 (the source's 3-minute
    /// reception standard).
    pub target_wait_s: f64,
    /// Share of arrivals that must wait at most `target_wait_s`, in (0, 1).
    /// Default 0.9.
    pub target_share: f64,
    /// IANA zone of the weekday and time of day. `None` (default): the
    /// calendar's zone, or UTC without a calendar. Given with a calendar,
    /// it must be the calendar's zone.
    pub tz: Option<String>,
}

impl Default for StaffingOptions {
    fn default() -> StaffingOptions {
        StaffingOptions {
            interval_s: 3600,
            service_time_s: 900.0,
            // The reception standard and the share of visits the
            // scorecard requires within it.
            target_wait_s: TimeMeasure::ReceptionResponse.default_standard_seconds() as f64,
            target_share: Benchmark::DEFAULT_TARGET_SHARE,
            tz: None,
        }
    }
}

/// The servers on duty per interval, to check against the arrivals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Roster {
    /// The same number of servers in every interval.
    Constant(u32),
    /// Servers per weekday × interval; every reported interval needs an
    /// entry.
    PerInterval(Vec<RosterEntry>),
}

/// One entry of a [`Roster::PerInterval`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    /// Weekday, 0 = Monday … 6 = Sunday.
    pub weekday: u32,
    /// Start of the interval in seconds after local midnight (a multiple
    /// of the interval length).
    pub start_s: u32,
    /// Servers on duty.
    pub servers: u32,
}

/// A roster checked against one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RosterCheck {
    /// Servers on duty.
    pub servers: u32,
    /// The queue (times in seconds) when stable; `None` when the offered
    /// load is at or above `servers` (unstable: waits grow without bound).
    /// An interval without arrivals is stable with no wait.
    pub queue: Option<QueueStats>,
}

/// One weekday × interval of a [`StaffingProfile`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StaffingRow {
    /// Weekday, 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// Start of the interval, seconds after local midnight.
    pub start_s: u32,
    /// Arrivals binned here (inside opening hours).
    pub arrivals: u64,
    /// Open time of this interval over the history span, in seconds.
    pub open_s: u64,
    /// Arrivals per hour: `arrivals × 3600 / open_s`.
    pub arrival_rate: f64,
    /// Offered load in erlangs: arrival rate × service time.
    pub offered_load: f64,
    /// Servers needed for the waiting target (0 without arrivals).
    pub servers: u32,
    /// The roster's servers and queue, when a roster was given.
    pub roster: Option<RosterCheck>,
}

/// The answer of [`staffing`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffingProfile {
    /// Weekday × interval rows with open time, Monday first, by start.
    pub rows: Vec<StaffingRow>,
    /// The options used (with `tz` resolved).
    pub options: StaffingOptions,
    /// First local date of the history span.
    pub first_date: NaiveDate,
    /// Number of local dates in the span.
    pub days: u32,
    /// Arrivals left out because the calendar was closed.
    pub outside_hours: u64,
}

fn check_options(o: &StaffingOptions) -> Result<()> {
    if o.interval_s < 60 || o.interval_s % 60 != 0 || 86_400 % o.interval_s != 0 {
        return Err(Error::arg(
            "interval",
            format!(
                "{} s is not a whole number of minutes dividing the day (60 to 86400 s)",
                o.interval_s
            ),
        ));
    }
    if !(o.service_time_s.is_finite() && o.service_time_s > 0.0) {
        return Err(Error::arg(
            "service_time",
            format!("{} s is not a positive finite duration", o.service_time_s),
        ));
    }
    if !(o.target_wait_s.is_finite() && o.target_wait_s >= 0.0) {
        return Err(Error::arg(
            "target_wait",
            format!("{} s is not a finite duration >= 0", o.target_wait_s),
        ));
    }
    if !(o.target_share > 0.0 && o.target_share < 1.0) {
        return Err(Error::arg(
            "target_share",
            format!("{} is not in (0, 1)", o.target_share),
        ));
    }
    Ok(())
}

fn resolve_tz(o: &StaffingOptions, calendar: Option<&Calendar>) -> Result<(Tz, String)> {
    match (o.tz.as_deref(), calendar) {
        (Some(name), Some(cal)) => {
            let tz = parse_tz(name)?;
            if tz != cal.tz() {
                return Err(Error::arg(
                    "tz",
                    format!(
                        "`{}` differs from the calendar's zone `{}`",
                        crate::error::quote(name),
                        cal.spec().tz
                    ),
                ));
            }
            Ok((tz, name.to_owned()))
        }
        (Some(name), None) => Ok((parse_tz(name)?, name.to_owned())),
        (None, Some(cal)) => Ok((cal.tz(), cal.spec().tz.clone())),
        (None, None) => Ok((Tz::UTC, "UTC".to_owned())),
    }
}

/// Overlap in seconds of `[a, b)` with sorted, disjoint ranges.
fn overlap(a: i64, b: i64, ranges: &[(i64, i64)]) -> i64 {
    ranges
        .iter()
        .map(|&(x, y)| (b.min(y) - a.max(x)).max(0))
        .sum()
}

/// Arrival rates per weekday × interval, the servers each needs, and the
/// waits of `roster` (when given). `arrivals` are Unix seconds in any
/// order; `calendar` gives the opening hours (none = always open). See the
/// module documentation for the definitions.
///
/// Errors: [`Error::NoData`] without arrivals; [`Error::InvalidTimestamp`]
/// for an arrival outside years 1..=9999 (with its row);
/// [`Error::InvalidArgument`] for an interval that is not a whole number
/// of minutes dividing the day, a service time that is not positive, a
/// negative target wait, a target share not in (0, 1), a `tz` unknown
/// ([`Error::UnknownTimeZone`]) or differing from the calendar's, a history
/// longer than [`MAX_SPAN_DAYS`], a roster entry with a weekday above 6, a
/// start not on an interval, a repeated entry, more than
/// [`MAX_SERVERS`] servers, or no entry for an
/// interval with open time (named with its weekday and time).
///
/// ```
/// use nps_core::staffing::{staffing, Roster, StaffingOptions};
/// // 30 arrivals in one UTC hour (Monday 2025-06-02 10:00), 15 min each:
/// // 7.5 erlangs; one advisor is unstable.
/// let t0 = 1_748_822_400 + 10 * 3600;
/// let arrivals: Vec<i64> = (0..30).map(|i| t0 + i * 120).collect();
/// let p = staffing(&arrivals, None, Some(&Roster::Constant(1)), &StaffingOptions::default())?;
/// let r = p.rows.iter().find(|r| r.arrivals > 0).unwrap();
/// assert_eq!((r.arrival_rate, r.offered_load), (30.0, 7.5));
/// assert!(r.servers >= 8);
/// assert_eq!(r.roster.unwrap().queue, None);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn staffing(
    arrivals: &[i64],
    calendar: Option<&Calendar>,
    roster: Option<&Roster>,
    options: &StaffingOptions,
) -> Result<StaffingProfile> {
    check_options(options)?;
    let (tz, tz_name) = resolve_tz(options, calendar)?;
    if arrivals.is_empty() {
        return Err(Error::NoData {
            what: "staffing needs at least one arrival",
        });
    }
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    for (i, &t) in arrivals.iter().enumerate() {
        if !(MIN_TS..=MAX_TS).contains(&t) {
            return Err(Error::InvalidTimestamp { index: i, value: t });
        }
        lo = lo.min(t);
        hi = hi.max(t);
    }
    let bad = |t: i64| Error::InvalidTimestamp { index: 0, value: t };
    let first = local_date(tz, lo).ok_or_else(|| bad(lo))?;
    let last = local_date(tz, hi).ok_or_else(|| bad(hi))?;
    let span = (last - first).num_days() + 1;
    if span > MAX_SPAN_DAYS {
        return Err(Error::arg(
            "arrivals",
            format!("the history spans {span} local dates, more than {MAX_SPAN_DAYS}"),
        ));
    }
    let interval = options.interval_s;
    let per_day = (86_400 / interval) as usize;
    let slot = |weekday: usize, k: usize| weekday * per_day + k;
    let mut open = vec![0u64; 7 * per_day];
    let mut counts = vec![0u64; 7 * per_day];
    // Opening instants per date of the span (only with a calendar).
    let mut opening: Vec<Vec<(i64, i64)>> = Vec::new();
    let mut date = first;
    for _ in 0..span {
        let wd = date.weekday().num_days_from_monday() as usize;
        let ranges = calendar.map(|c| c.day_instants(date));
        for k in 0..per_day {
            let a = local_instant(tz, date, k as u32 * interval, false);
            let b = local_instant(tz, date, (k as u32 + 1) * interval, false);
            let secs = match &ranges {
                Some(r) => overlap(a, b, r),
                None => (b - a).max(0),
            };
            open[slot(wd, k)] += secs as u64;
        }
        if let Some(r) = ranges {
            opening.push(r);
        }
        date = date.succ_opt().unwrap_or(date);
    }
    let mut outside = 0u64;
    for &t in arrivals {
        let local = chrono::DateTime::from_timestamp(t, 0)
            .ok_or_else(|| bad(t))?
            .with_timezone(&tz);
        let d = local.date_naive();
        if calendar.is_some() {
            let idx = (d - first).num_days() as usize;
            let inside = opening[idx].iter().any(|&(a, b)| a <= t && t < b);
            if !inside {
                outside += 1;
                continue;
            }
        }
        let wd = d.weekday().num_days_from_monday() as usize;
        let k = (local.num_seconds_from_midnight() / interval) as usize;
        counts[slot(wd, k)] += 1;
    }
    let roster_of = roster_lookup(roster, interval, per_day)?;
    let service = options.service_time_s;
    let mut rows = Vec::new();
    for (wd, day_name) in WEEKDAYS.iter().enumerate() {
        for k in 0..per_day {
            let i = slot(wd, k);
            if open[i] == 0 {
                continue;
            }
            let start_s = k as u32 * interval;
            let lambda = counts[i] as f64 / open[i] as f64; // per second
            let servers = if counts[i] == 0 {
                0
            } else {
                servers_needed(
                    lambda,
                    service,
                    options.target_wait_s,
                    options.target_share,
                    None,
                )?
                .servers
            };
            let check = match &roster_of {
                None => None,
                Some(r) => {
                    let c = r[i].ok_or_else(|| {
                        Error::arg(
                            "roster",
                            format!("no servers for {day_name} {}", clock(start_s)),
                        )
                    })?;
                    Some(check_roster(lambda, service, c, options.target_wait_s)?)
                }
            };
            rows.push(StaffingRow {
                weekday: wd as u8,
                start_s,
                arrivals: counts[i],
                open_s: open[i],
                arrival_rate: lambda * 3600.0,
                offered_load: lambda * service,
                servers,
                roster: check,
            });
        }
    }
    Ok(StaffingProfile {
        rows,
        options: StaffingOptions {
            tz: Some(tz_name),
            ..options.clone()
        },
        first_date: first,
        days: span as u32,
        outside_hours: outside,
    })
}

fn check_roster(lambda: f64, service: f64, servers: u32, target: f64) -> Result<RosterCheck> {
    if lambda == 0.0 {
        // Nobody arrives: nobody waits, whatever the roster.
        return Ok(RosterCheck {
            servers,
            queue: Some(QueueStats {
                servers,
                offered_load: 0.0,
                utilization: 0.0,
                prob_wait: 0.0,
                mean_wait: 0.0,
                mean_response: service,
                target_wait: Some(target),
                within_target: Some(1.0),
            }),
        });
    }
    if servers == 0 {
        return Ok(RosterCheck {
            servers,
            queue: None,
        });
    }
    let queue = match erlang_c(lambda, service, servers, Some(target))? {
        Queue::Stable(q) => Some(q),
        Queue::Unstable { .. } => None,
    };
    Ok(RosterCheck { servers, queue })
}

/// `HH:MM` of seconds after midnight.
fn clock(s: u32) -> String {
    format!("{:02}:{:02}", s / 3600, s % 3600 / 60)
}

type RosterSlots = Vec<Option<u32>>;

fn roster_lookup(
    roster: Option<&Roster>,
    interval: u32,
    per_day: usize,
) -> Result<Option<RosterSlots>> {
    let check_servers = |c: u32| {
        if c > MAX_SERVERS {
            Err(Error::arg(
                "roster",
                format!("{c} servers is more than {MAX_SERVERS}"),
            ))
        } else {
            Ok(c)
        }
    };
    match roster {
        None => Ok(None),
        Some(Roster::Constant(c)) => Ok(Some(vec![Some(check_servers(*c)?); 7 * per_day])),
        Some(Roster::PerInterval(entries)) => {
            let mut slots = vec![None; 7 * per_day];
            for (i, e) in entries.iter().enumerate() {
                let invalid = |reason: String| Error::InvalidValue {
                    name: "roster".into(),
                    index: i,
                    reason,
                };
                if e.weekday > 6 {
                    return Err(invalid(format!(
                        "weekday {} is not 0 (Monday) to 6",
                        e.weekday
                    )));
                }
                if e.start_s >= 86_400 || e.start_s % interval != 0 {
                    return Err(invalid(format!(
                        "start {} s is not the start of a {interval}-second interval of the day",
                        e.start_s
                    )));
                }
                if e.servers > MAX_SERVERS {
                    return Err(invalid(format!(
                        "{} servers is more than {MAX_SERVERS}",
                        e.servers
                    )));
                }
                let s = e.weekday as usize * per_day + (e.start_s / interval) as usize;
                if slots[s].is_some() {
                    return Err(invalid(format!(
                        "{} {} is given twice",
                        WEEKDAYS[e.weekday as usize],
                        clock(e.start_s)
                    )));
                }
                slots[s] = Some(e.servers);
            }
            Ok(Some(slots))
        }
    }
}

impl StaffingProfile {
    /// The profile as a [`Table`]: `weekday` (`mon` … `sun`), `hour` (of
    /// the interval start), `start` (`HH:MM`), `arrivals`, `open_s`,
    /// `arrival_rate` (per hour), `offered_load`, `servers`, and with a
    /// roster `roster`, `utilization`, `prob_wait`, `mean_wait_s`,
    /// `within_target` (null when unstable) and `stable`.
    pub fn to_table(&self) -> Table {
        let r = &self.rows;
        let mut columns = vec![
            (
                "weekday".to_owned(),
                Column::Str(
                    r.iter()
                        .map(|x| Some(WEEKDAYS[usize::from(x.weekday)].to_owned()))
                        .collect(),
                ),
            ),
            (
                "hour".to_owned(),
                Column::U64(
                    r.iter()
                        .map(|x| Some(u64::from(x.start_s / 3600)))
                        .collect(),
                ),
            ),
            (
                "start".to_owned(),
                Column::Str(r.iter().map(|x| Some(clock(x.start_s))).collect()),
            ),
            (
                "arrivals".to_owned(),
                Column::U64(r.iter().map(|x| Some(x.arrivals)).collect()),
            ),
            (
                "open_s".to_owned(),
                Column::U64(r.iter().map(|x| Some(x.open_s)).collect()),
            ),
            (
                "arrival_rate".to_owned(),
                Column::F64(r.iter().map(|x| Some(x.arrival_rate)).collect()),
            ),
            (
                "offered_load".to_owned(),
                Column::F64(r.iter().map(|x| Some(x.offered_load)).collect()),
            ),
            (
                "servers".to_owned(),
                Column::U64(r.iter().map(|x| Some(u64::from(x.servers))).collect()),
            ),
        ];
        if r.iter().any(|x| x.roster.is_some()) {
            let q = |f: fn(&QueueStats) -> Option<f64>| {
                Column::F64(
                    r.iter()
                        .map(|x| x.roster.and_then(|c| c.queue).as_ref().and_then(f))
                        .collect(),
                )
            };
            columns.push((
                "roster".to_owned(),
                Column::U64(
                    r.iter()
                        .map(|x| x.roster.map(|c| u64::from(c.servers)))
                        .collect(),
                ),
            ));
            columns.push((
                "utilization".to_owned(),
                Column::F64(
                    r.iter()
                        .map(|x| {
                            x.roster
                                .filter(|c| c.servers > 0)
                                .map(|c| x.offered_load / f64::from(c.servers))
                        })
                        .collect(),
                ),
            ));
            columns.push(("prob_wait".to_owned(), q(|s| Some(s.prob_wait))));
            columns.push(("mean_wait_s".to_owned(), q(|s| Some(s.mean_wait))));
            columns.push(("within_target".to_owned(), q(|s| s.within_target)));
            columns.push((
                "stable".to_owned(),
                Column::Bool(
                    r.iter()
                        .map(|x| x.roster.map(|c| c.queue.is_some()))
                        .collect(),
                ),
            ));
        }
        Table {
            columns,
            n_keys: 3,
            period: None,
        }
    }
}

/// Options of [`capacity_gain`]; the defaults are the source's luxury
/// brand (004, "第一站"): reception cut from 15 to 10 minutes, 8-hour days,
/// 250 working days a year, an 800-yuan ticket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CapacityOptions {
    /// Service time per customer before, in minutes. Default 15.
    pub before_minutes: f64,
    /// Service time per customer after, in minutes. Default 10.
    pub after_minutes: f64,
    /// Working hours per day. Default 8.
    pub hours_per_day: f64,
    /// Share of the working time spent serving customers, in (0, 1].
    /// Default 1 (the source's "8 more a day" is a share of 0.5).
    pub share_of_time: f64,
    /// Working days per year. Default 250.
    pub days: f64,
    /// Revenue per customer in minor units. Default 80 000 (800.00 CNY).
    pub ticket_minor: i64,
    /// Currency of `ticket_minor`. Default CNY.
    pub currency: Currency,
}

impl Default for CapacityOptions {
    fn default() -> CapacityOptions {
        CapacityOptions {
            before_minutes: 15.0,
            after_minutes: 10.0,
            hours_per_day: 8.0,
            share_of_time: 1.0,
            days: 250.0,
            ticket_minor: 80_000,
            currency: Currency::from_code("CNY").expect("CNY is ISO 4217"),
        }
    }
}

/// The answer of [`capacity_gain`], per advisor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CapacityGain {
    /// Extra customers per day: `hours × 60 × share × (1/after − 1/before)`.
    pub per_day: f64,
    /// Extra customers per year: `per_day × days`.
    pub per_year: f64,
    /// `per_year × ticket`, rounded to the nearest minor unit (half away
    /// from zero).
    pub revenue: Money,
}

/// The customers (and revenue) one advisor gains per day and per year when
/// the service time drops from `before_minutes` to `after_minutes`. A
/// longer "after" gives a negative gain.
///
/// Errors: [`Error::InvalidArgument`] for a service time that is not
/// positive and finite, hours per day not in (0, 24], a share not in
/// (0, 1], days not in [0, 366], a negative ticket, or revenue beyond
/// ±2⁵³ minor units.
///
/// ```
/// use nps_core::staffing::{capacity_gain, CapacityOptions};
/// let g = capacity_gain(&CapacityOptions::default())?;
/// assert_eq!((g.per_day, g.per_year), (16.0, 4000.0)); // 480/10 − 480/15
/// assert_eq!(g.revenue.minor, 320_000_000); // 3.2 million CNY
/// // The source's "8 more a day, 2000 a year, 1.6 million": half the day.
/// let half = capacity_gain(&CapacityOptions { share_of_time: 0.5, ..Default::default() })?;
/// assert_eq!((half.per_day, half.per_year, half.revenue.minor), (8.0, 2000.0, 160_000_000));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn capacity_gain(o: &CapacityOptions) -> Result<CapacityGain> {
    for (name, v) in [
        ("before_minutes", o.before_minutes),
        ("after_minutes", o.after_minutes),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::arg(
                name,
                format!("{v} is not a positive finite number"),
            ));
        }
    }
    if !(o.hours_per_day > 0.0 && o.hours_per_day <= 24.0) {
        return Err(Error::arg(
            "hours_per_day",
            format!("{} is not in (0, 24]", o.hours_per_day),
        ));
    }
    if !(o.share_of_time > 0.0 && o.share_of_time <= 1.0) {
        return Err(Error::arg(
            "share_of_time",
            format!("{} is not in (0, 1]", o.share_of_time),
        ));
    }
    if !(o.days >= 0.0 && o.days <= 366.0) {
        return Err(Error::arg("days", format!("{} is not in [0, 366]", o.days)));
    }
    if o.ticket_minor < 0 {
        return Err(Error::arg(
            "ticket_minor",
            format!("{} is negative", o.ticket_minor),
        ));
    }
    let minutes = o.hours_per_day * 60.0 * o.share_of_time;
    let per_day = minutes / o.after_minutes - minutes / o.before_minutes;
    let per_year = per_day * o.days;
    let revenue = (per_year * o.ticket_minor as f64).round();
    const LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    if revenue.is_nan() || revenue.abs() > LIMIT {
        return Err(Error::arg(
            "ticket_minor",
            format!("the revenue {revenue} minor units is beyond ±2^53"),
        ));
    }
    Ok(CapacityGain {
        per_day,
        per_year,
        revenue: Money::new(revenue as i64, o.currency),
    })
}

impl crate::state::Saved for StaffingProfile {
    const KIND: &'static str = "StaffingProfile";
}

impl crate::state::Saved for CapacityGain {
    const KIND: &'static str = "CapacityGain";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const MON: i64 = 1_748_822_400; // 2025-06-02 00:00 UTC, a Monday

    #[test]
    fn lunch_break_halves_the_hour() {
        let cal = Calendar::from_json(
            r#"{"tz": "UTC", "weekly": {"mon": [["09:00","12:30"], ["13:30","17:00"]]}}"#,
        )
        .unwrap();
        // 12:00–13:00 is open 30 minutes: 3 arrivals in it = 6 per hour.
        let arrivals = [
            MON + 12 * 3600,
            MON + 12 * 3600 + 60,
            MON + 12 * 3600 + 120,
            MON + 20 * 3600,
        ];
        let p = staffing(&arrivals, Some(&cal), None, &StaffingOptions::default()).unwrap();
        assert_eq!(p.outside_hours, 1);
        assert_eq!(p.rows.len(), 8); // 09:00 … 16:00 on Monday; 12:00 and 13:00 open 30 min
        let noon = p.rows.iter().find(|r| r.start_s == 12 * 3600).unwrap();
        assert_eq!((noon.open_s, noon.arrival_rate), (1800, 6.0));
        let one = p.rows.iter().find(|r| r.start_s == 13 * 3600).unwrap();
        assert_eq!((one.open_s, one.arrivals, one.servers), (1800, 0, 0));
    }

    #[test]
    fn dst_hours_are_real_time() {
        // Berlin, Sunday 2025-03-30: 02:00–03:00 does not exist;
        // Sunday 2025-10-26: 02:00–03:00 is lived twice.
        let o = StaffingOptions {
            tz: Some("Europe/Berlin".into()),
            ..Default::default()
        };
        let spring = 1_743_292_800; // 2025-03-30 00:00 UTC = 01:00 CET
        let p = staffing(&[spring], None, None, &o).unwrap();
        let hours: Vec<u32> = p.rows.iter().map(|r| r.start_s / 3600).collect();
        assert!(!hours.contains(&2));
        assert_eq!(p.rows.iter().map(|r| r.open_s).sum::<u64>(), 23 * 3600);
        let autumn = 1_761_433_200; // 2025-10-25 23:00 UTC = 10-26 01:00 CEST
        let p = staffing(&[autumn, autumn + 3600, autumn + 7200], None, None, &o).unwrap();
        let two = p.rows.iter().find(|r| r.start_s == 2 * 3600).unwrap();
        assert_eq!((two.open_s, two.arrivals), (7200, 2));
        assert_eq!(p.rows.iter().map(|r| r.open_s).sum::<u64>(), 25 * 3600);
    }

    #[test]
    fn roster_and_bad_input() {
        let a = [MON + 9 * 3600];
        let roster = Roster::PerInterval(vec![RosterEntry {
            weekday: 0,
            start_s: 9 * 3600,
            servers: 1,
        }]);
        let err = staffing(&a, None, Some(&roster), &StaffingOptions::default()).unwrap_err();
        assert!(err.to_string().contains("mon 00:00"), "{err}");
        let o = StaffingOptions::default();
        assert_eq!(
            staffing(&[], None, None, &o).unwrap_err().kind(),
            ErrorKind::NoData
        );
        for bad in [
            StaffingOptions {
                interval_s: 7 * 60,
                ..Default::default()
            },
            StaffingOptions {
                interval_s: 30,
                ..Default::default()
            },
            StaffingOptions {
                service_time_s: 0.0,
                ..Default::default()
            },
            StaffingOptions {
                target_wait_s: f64::NAN,
                ..Default::default()
            },
            StaffingOptions {
                target_share: 1.0,
                ..Default::default()
            },
        ] {
            assert_eq!(
                staffing(&a, None, None, &bad).unwrap_err().kind(),
                ErrorKind::InvalidArgument
            );
        }
        let far = [MIN_TS, MAX_TS];
        assert_eq!(
            staffing(&far, None, None, &o).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            staffing(&[MAX_TS + 1], None, None, &o).unwrap_err().kind(),
            ErrorKind::InvalidTimestamp
        );
        let twice = Roster::PerInterval(vec![
            RosterEntry {
                weekday: 0,
                start_s: 0,
                servers: 1,
            },
            RosterEntry {
                weekday: 0,
                start_s: 0,
                servers: 2,
            },
        ]);
        assert_eq!(
            staffing(&a, None, Some(&twice), &o).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
    }

    #[test]
    fn capacity_bad_input() {
        let d = CapacityOptions::default();
        for o in [
            CapacityOptions {
                after_minutes: 0.0,
                ..d
            },
            CapacityOptions {
                before_minutes: f64::INFINITY,
                ..d
            },
            CapacityOptions {
                hours_per_day: 25.0,
                ..d
            },
            CapacityOptions {
                share_of_time: 0.0,
                ..d
            },
            CapacityOptions { days: -1.0, ..d },
            CapacityOptions {
                ticket_minor: -1,
                ..d
            },
            CapacityOptions {
                ticket_minor: i64::MAX,
                after_minutes: 1e-9,
                ..d
            },
        ] {
            assert_eq!(
                capacity_gain(&o).unwrap_err().kind(),
                ErrorKind::InvalidArgument
            );
        }
    }
}
