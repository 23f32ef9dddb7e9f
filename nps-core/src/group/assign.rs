//! The grouping engine: every row to a group of key(s) × calendar period.
//!
//! One engine for every grouped result of the crate (NPS tallies, KPI
//! tables, heat-map matrices, recovery statistics, integrity flags): key
//! columns (integer, string, or several at once), calendar periods of
//! Unix-second instants in an IANA time zone, and rows left out (e.g. a
//! respondent's earlier answers). Memory is O(rows + occurring groups): a
//! group exists only when a row falls in it, never for every key × period
//! in between.

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::hash::{map_with_capacity, FastMap};
use super::keys::{plan_keys, small_enough, too_many_groups, MAX_GROUPS};
use super::{GroupKey, Keys};
use crate::error::{Error, Result};
use crate::period::{local_date, parse_tz, Period, PeriodIndex, DEFAULT_TZ, MAX_TS, MIN_TS};

/// How to group rows: by key column(s), by calendar period, or both.
///
/// ```
/// use nps_core::group::{GroupKey, Grouping, Keys};
/// use nps_core::period::Period;
/// let dealer = [7u32, 9, 7];
/// let advisor = ["ann", "bo", "cy"];
/// let cols = [Keys::U32(&dealer), Keys::Str(&advisor)];
/// // 2025-01-31 20:00 UTC is February 1st in Shanghai.
/// let ts = [1738353600i64, 1735700000, 1735700000];
/// let g = Grouping { keys: Some(Keys::Multi(&cols)), timestamps: Some(&ts),
///                    period: Some(Period::Month), tz: Some("Asia/Shanghai") };
/// let a = g.assign(3)?;
/// assert_eq!(a.labels.len(), 3);
/// assert_eq!(a.labels[0].0, GroupKey::Tuple(vec![GroupKey::UInt(7), "ann".into()]));
/// assert_eq!(a.labels[0].1.unwrap().to_string(), "2025-02-01");
/// assert_eq!(a.rows, vec![0, 2, 1]);
/// # Ok::<(), nps_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Grouping<'a> {
    /// Group key per row; `None` = one group ([`GroupKey::All`]).
    /// [`Keys::Multi`] groups by several columns at once.
    pub keys: Option<Keys<'a>>,
    /// Unix seconds per row; needed by `period`.
    pub timestamps: Option<&'a [i64]>,
    /// Calendar period to group by.
    pub period: Option<Period>,
    /// IANA time zone of the periods; `None` = [`DEFAULT_TZ`] (UTC).
    pub tz: Option<&'a str>,
}

/// The group of every row, and each group's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// One label per group (key, local first day of the period), sorted by
    /// key then period. Only groups with at least one row appear.
    pub labels: Vec<(GroupKey, Option<NaiveDate>)>,
    /// The group (index into `labels`) of each row; [`Assignment::NONE`]
    /// for rows left out.
    pub rows: Vec<u32>,
}

impl Assignment {
    /// The group of a row that was left out.
    pub const NONE: u32 = u32::MAX;
}

/// Shortest length of a period in seconds (a DST day is 23 h).
fn shortest_seconds(p: Period) -> i64 {
    let day = 23 * 3600;
    match p {
        Period::Day => day,
        Period::Week => 7 * day,
        Period::Month => 28 * day,
        Period::Quarter => 89 * day,
        Period::Year => 365 * day,
    }
}

impl Grouping<'_> {
    /// Checks column lengths against `rows`, the time zone, and that a
    /// period comes with timestamps; returns the zone.
    pub fn check(&self, rows: usize) -> Result<Tz> {
        if let Some(k) = &self.keys {
            k.check(rows)?;
        }
        if let Some(t) = self.timestamps {
            Error::check_len("timestamps", t.len(), "rows", rows)?;
        }
        let tz = parse_tz(self.tz.unwrap_or(DEFAULT_TZ))?;
        if self.period.is_some() && self.timestamps.is_none() {
            return Err(Error::arg(
                "period",
                "grouping by period needs a timestamps column",
            ));
        }
        Ok(tz)
    }

    /// Assigns every one of `rows` rows to its group.
    ///
    /// Errors: [`Error::LengthMismatch`], [`Error::UnknownTimeZone`],
    /// [`Error::InvalidArgument`] for a period without timestamps or a
    /// malformed key set, [`Error::InvalidTimestamp`] for the first row
    /// outside years 1..=9999.
    pub fn assign(&self, rows: usize) -> Result<Assignment> {
        self.assign_kept(rows, None)
    }

    /// As [`Grouping::assign`], leaving out the rows where `keep` is false
    /// (their timestamps are not checked and they form no group).
    pub(crate) fn assign_kept(&self, rows: usize, keep: Option<&[bool]>) -> Result<Assignment> {
        let tz = self.check(rows)?;
        let (key_ids, keys) = match &self.keys {
            Some(k) => plan_keys(k, 1, rows)?.into_ids(rows),
            None => (vec![0; rows], vec![GroupKey::All]),
        };
        let periods = match (self.period, self.timestamps) {
            (Some(p), Some(ts)) => Some(period_ids(ts, p, tz, keep)?),
            _ => None,
        };
        let kept = |row: usize| keep.is_none_or(|k| k[row]);
        // Compact ids of the occurring (key, period) pairs.
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut ids = vec![Assignment::NONE; rows];
        match &periods {
            None => {
                let mut seen = vec![Assignment::NONE; keys.len()];
                for (row, &k) in key_ids.iter().enumerate() {
                    if kept(row) {
                        let s = &mut seen[k as usize];
                        if *s == Assignment::NONE {
                            *s = pairs.len() as u32;
                            pairs.push((k, 0));
                        }
                        ids[row] = *s;
                    }
                }
            }
            Some((p_ids, dates)) => {
                let np = dates.len() as u64;
                let cells = (keys.len() as u64).saturating_mul(np);
                if small_enough(cells, rows) {
                    let mut seen = vec![Assignment::NONE; cells as usize];
                    for row in (0..rows).filter(|&r| kept(r)) {
                        let (k, p) = (key_ids[row], p_ids[row]);
                        let s = &mut seen[(u64::from(k) * np + u64::from(p)) as usize];
                        if *s == Assignment::NONE {
                            *s = pairs.len() as u32;
                            pairs.push((k, p));
                        }
                        ids[row] = *s;
                    }
                } else {
                    let mut seen: FastMap<u64, u32> = map_with_capacity(1024);
                    for row in (0..rows).filter(|&r| kept(r)) {
                        let (k, p) = (key_ids[row], p_ids[row]);
                        let next = pairs.len() as u32;
                        ids[row] = *seen
                            .entry((u64::from(k) << 32) | u64::from(p))
                            .or_insert_with(|| {
                                pairs.push((k, p));
                                next
                            });
                        if pairs.len() > MAX_GROUPS {
                            return Err(too_many_groups());
                        }
                    }
                }
            }
        }
        // Sort the groups by (key, period) and renumber the rows. Key ids
        // follow the order of the keys (`plan_keys`), so integers compare.
        let date = |p: u32| periods.as_ref().map(|(_, d)| d[p as usize]);
        let mut order: Vec<u32> = (0..pairs.len() as u32).collect();
        order.sort_unstable_by_key(|&id| {
            let (k, p) = pairs[id as usize];
            (k, date(p))
        });
        let mut remap = vec![0u32; order.len()];
        for (pos, &id) in order.iter().enumerate() {
            remap[id as usize] = pos as u32;
        }
        for id in ids.iter_mut().filter(|i| **i != Assignment::NONE) {
            *id = remap[*id as usize];
        }
        let labels = order
            .iter()
            .map(|&id| {
                let (k, p) = pairs[id as usize];
                (keys[k as usize].clone(), date(p))
            })
            .collect();
        Ok(Assignment { labels, rows: ids })
    }
}

/// The period of every kept row as an id into the returned period starts.
///
/// A [`PeriodIndex`] (one table lookup per row) when the span of periods
/// is small next to the rows; otherwise each row's local date, compacted
/// by hashing, so a few rows years apart cost no more than a few periods.
pub(crate) fn period_ids(
    ts: &[i64],
    period: Period,
    tz: Tz,
    keep: Option<&[bool]>,
) -> Result<(Vec<u32>, Vec<NaiveDate>)> {
    let (lo, hi) = super::timestamp_range(ts, keep)?;
    if lo > hi {
        return Ok((vec![0; ts.len()], Vec::new()));
    }
    let span = ((hi - lo) / shortest_seconds(period)).saturating_add(2);
    let kept = |row: usize| keep.is_none_or(|k| k[row]);
    if small_enough(span as u64, ts.len()) {
        let ix = PeriodIndex::new(period, tz, lo, hi)?;
        let ids = ts
            .iter()
            .enumerate()
            .map(|(row, &t)| if kept(row) { ix.index(t) as u32 } else { 0 })
            .collect();
        return Ok((ids, ix.dates));
    }
    let mut seen: FastMap<NaiveDate, u32> = map_with_capacity(64);
    let mut dates = Vec::new();
    let mut ids = vec![0u32; ts.len()];
    for (row, &t) in ts.iter().enumerate() {
        if !kept(row) {
            continue;
        }
        debug_assert!((MIN_TS..=MAX_TS).contains(&t));
        let date =
            local_date(tz, t)
                .map(|d| period.start_of(d))
                .ok_or(Error::InvalidTimestamp {
                    index: row,
                    value: t,
                })?;
        let next = dates.len() as u32;
        ids[row] = *seen.entry(date).or_insert_with(|| {
            dates.push(date);
            next
        });
    }
    Ok((ids, dates))
}
