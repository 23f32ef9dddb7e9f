//! The grouping engine: every row to a group of key(s) × calendar period.
//!
//! One engine for every grouped result of the crate (NPS tallies, KPI
//! tables, heat-map matrices, recovery statistics, integrity flags): key
//! columns (integer, string, or several at once), calendar periods of
//! Unix-second instants in an IANA time zone, and rows left out (e.g. a
//! respondent's earlier answers). Memory is O(rows + occurring groups): a
//! group exists only when a row falls in it, never for every key × period
//! in between.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::column::with_codes;
use super::count::{
    count_cells, Cells, Counted, DenseCodes, DenseI64, DenseU32, DenseU64, Indexed, PeriodSlot,
    PeriodTable, Slot, TableSlot, TextSlot, Zero,
};
use super::hash::{map_with_capacity, FastMap};
use super::keys::{plan_keys, small_enough, too_many_groups, KeyPlan, MAX_GROUPS};
use super::{GroupKey, Keys};
use crate::error::{Error, Result};
use crate::parallel::for_each_part_mut;
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
        let kept = |row: usize| keep.is_none_or(|k| k[row]);
        let periods = match (self.period, self.timestamps) {
            (Some(p), Some(ts)) => Some(match periods_of(ts, p, tz, keep)? {
                PeriodsOf::Ids(ids, dates) => (ids, dates),
                // Few (key, period) cells: numbered in the groups' order.
                PeriodsOf::Index(ix) => {
                    let cells = (keys.len() as u64).saturating_mul(ix.dates.len() as u64);
                    if small_enough(cells, rows) && cells < u64::from(Assignment::NONE) {
                        let period = |row: usize| ix.index(ts[row]);
                        let np = ix.dates.len();
                        return Ok(in_cells(&key_ids, keys, np, period, kept, |p| {
                            Some(ix.dates[p])
                        }));
                    }
                    PeriodsOf::Index(ix).into_ids(ts, keep)
                }
            }),
            _ => None,
        };
        // Compact ids of the occurring (key, period) pairs.
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut ids = vec![Assignment::NONE; rows];
        match &periods {
            None => return Ok(in_cells(&key_ids, keys, 1, |_| 0, kept, |_| None)),
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

/// The groups of the kept rows when each (key, period) has a cell of its
/// own: cell `k × periods + p` for key id `k` (`key_ids`, in the order of
/// `keys`) and period `period(row)` (in the order of `date`), so the cells
/// that occur, in cell order, are the groups in order — no sort, no
/// branch on whether a group was met before. Memory O(cells), which the
/// caller keeps small next to the rows.
fn in_cells(
    key_ids: &[u32],
    keys: Vec<GroupKey>,
    periods: usize,
    period: impl Fn(usize) -> usize + Sync,
    kept: impl Fn(usize) -> bool + Sync,
    date: impl Fn(usize) -> Option<NaiveDate>,
) -> Assignment {
    // Each kept row's cell, and which cells occur (1), then their rank;
    // the rows split across threads. A cell is marked once (read before
    // written), so threads meeting the same cells share its line.
    let mut rows = vec![Assignment::NONE; key_ids.len()];
    let met: Vec<AtomicU32> = (0..keys.len() * periods)
        .map(|_| AtomicU32::new(0))
        .collect();
    for_each_part_mut(&mut rows, ROWS_PER_THREAD, |offset, part| {
        for (j, id) in part.iter_mut().enumerate() {
            let row = offset + j;
            if kept(row) {
                let cell = key_ids[row] as usize * periods + period(row);
                *id = cell as u32;
                if met[cell].load(Ordering::Relaxed) == 0 {
                    met[cell].store(1, Ordering::Relaxed);
                }
            }
        }
    });
    let mut rank: Vec<u32> = met.into_iter().map(AtomicU32::into_inner).collect();
    let mut labels = Vec::new();
    for (cell, r) in rank.iter_mut().enumerate() {
        if *r != 0 {
            *r = labels.len() as u32;
            labels.push((keys[cell / periods].clone(), date(cell % periods)));
        }
    }
    for_each_part_mut(&mut rows, ROWS_PER_THREAD, |_, part| {
        for id in part.iter_mut().filter(|id| **id != Assignment::NONE) {
            *id = rank[*id as usize];
        }
    });
    Assignment { labels, rows }
}

/// The rows [`in_cells`] reads per thread before it splits them.
const ROWS_PER_THREAD: usize = 1 << 15;

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
    Ok(periods_of(ts, period, tz, keep)?.into_ids(ts, keep))
}

/// The periods of the kept rows of `ts` ([`period_ids`]): their index
/// when the span of periods is small next to the rows, else each row's
/// period id already.
enum PeriodsOf {
    /// The periods in date order, a lookup per instant.
    Index(PeriodIndex),
    /// Each row's period id and the period starts (in order of first row).
    Ids(Vec<u32>, Vec<NaiveDate>),
}

impl PeriodsOf {
    /// Each kept row's period id (0 for the others) and the period starts.
    fn into_ids(self, ts: &[i64], keep: Option<&[bool]>) -> (Vec<u32>, Vec<NaiveDate>) {
        match self {
            PeriodsOf::Ids(ids, dates) => (ids, dates),
            PeriodsOf::Index(ix) => {
                let kept = |row: usize| keep.is_none_or(|k| k[row]);
                let ids = ts
                    .iter()
                    .enumerate()
                    .map(|(row, &t)| if kept(row) { ix.index(t) as u32 } else { 0 })
                    .collect();
                (ids, ix.dates)
            }
        }
    }
}

fn periods_of(ts: &[i64], period: Period, tz: Tz, keep: Option<&[bool]>) -> Result<PeriodsOf> {
    let (lo, hi) = super::timestamp_range(ts, keep)?;
    if lo > hi {
        return Ok(PeriodsOf::Ids(vec![0; ts.len()], Vec::new()));
    }
    let span = ((hi - lo) / shortest_seconds(period)).saturating_add(2);
    let kept = |row: usize| keep.is_none_or(|k| k[row]);
    if small_enough(span as u64, ts.len()) {
        return Ok(PeriodsOf::Index(PeriodIndex::new(period, tz, lo, hi)?));
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
    Ok(PeriodsOf::Ids(ids, dates))
}

/// The groups of a [`Grouping`] as counter slots, for kernels that count
/// or sum straight into per-group counters (the KPI tables, the time KPIs'
/// histograms) instead of assigning every row a group first.
///
/// When the key slots × periods are few next to the rows (the grouping
/// engine's own fast path: dense integer keys, dictionary codes, texts read
/// in place, a table lookup per timestamp), a row's slot is computed a
/// block at a time inside the kernel, and no per-row column is built.
/// Otherwise the slots are the groups of an [`Assignment`] (compact ids,
/// memory O(rows + groups)). Either way [`Slots::groups`] gives the
/// occupied slots in the order of their groups (by key, then period), as
/// [`Grouping::assign`] numbers them.
pub(crate) struct Slots<'a> {
    rows: usize,
    kind: SlotKind<'a>,
}

/// Timestamps, their period index and its branch-free table.
type Periods<'a> = (&'a [i64], PeriodIndex, Option<PeriodTable>);

enum SlotKind<'a> {
    /// Key slot × period slot, computed per block.
    Dense {
        plan: KeyPlan<'a>,
        /// The timestamps, their period index and its branch-free table
        /// (`None` without a period, or without rows).
        periods: Option<Box<Periods<'a>>>,
        n_periods: usize,
    },
    /// One compact id per row.
    Assigned(Assignment),
}

impl<'a> Grouping<'a> {
    /// The slots of `rows` rows (see [`Slots`]); `known`: the range of
    /// the timestamps (`timestamp_range` of them) when the caller has it.
    /// Errors as [`Grouping::assign`].
    pub(crate) fn slots(&self, rows: usize, known: Option<(i64, i64)>) -> Result<Slots<'a>> {
        self.slots_within(rows, known, 4 * rows as u64 + 65_536)
    }

    /// [`Grouping::slots`] with at most `most` slots computed per block
    /// (more, and the slots are the compact groups of an [`Assignment`]):
    /// for kernels whose memory per slot is large.
    pub(crate) fn slots_within(
        &self,
        rows: usize,
        known: Option<(i64, i64)>,
        most: u64,
    ) -> Result<Slots<'a>> {
        let tz = self.check(rows)?;
        let range = match (self.period, self.timestamps, known) {
            (Some(_), Some(_), Some(r)) => Some(r),
            (Some(_), Some(ts), None) => Some(super::timestamp_range(ts, None)?),
            _ => None,
        };
        let span_ok = match (self.period, range) {
            (Some(p), Some((lo, hi))) if lo <= hi => small_enough(
                ((hi - lo) / shortest_seconds(p)).saturating_add(2) as u64,
                rows,
            ),
            _ => true,
        };
        if span_ok {
            let periods = match (self.period, self.timestamps, range) {
                (Some(p), Some(ts), Some((lo, hi))) if lo <= hi => {
                    let ix = PeriodIndex::new(p, tz, lo, hi)?;
                    let table = PeriodTable::new(&ix, lo, hi);
                    Some(Box::new((ts, ix, table)))
                }
                _ => None,
            };
            let n_periods = periods.as_deref().map_or(1, |(_, ix, _)| ix.len());
            let plan = match &self.keys {
                Some(k) => plan_keys(k, n_periods, rows)?,
                None => KeyPlan::None,
            };
            let slots = (plan.slots() as u64).saturating_mul(n_periods as u64);
            if small_enough(slots, rows) && slots <= most {
                return Ok(Slots {
                    rows,
                    kind: SlotKind::Dense {
                        plan,
                        periods,
                        n_periods,
                    },
                });
            }
        }
        Ok(Slots {
            rows,
            kind: SlotKind::Assigned(self.assign(rows)?),
        })
    }
}

impl Slots<'_> {
    /// The number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The number of slots (occupied or not).
    pub(crate) fn len(&self) -> usize {
        match &self.kind {
            SlotKind::Dense {
                plan, n_periods, ..
            } => plan.slots() * n_periods,
            SlotKind::Assigned(a) => a.labels.len(),
        }
    }

    /// `out[j]` = the slot of row `start + j`.
    pub(crate) fn fill(&self, start: usize, out: &mut [u32]) {
        match &self.kind {
            SlotKind::Dense {
                plan,
                periods,
                n_periods,
            } => {
                plan.fill(start, None, out);
                let scale = Some(*n_periods as u32);
                match periods.as_deref() {
                    Some((ts, _, Some(t))) => TableSlot(ts, t).fill(start, scale, out),
                    Some((ts, ix, None)) => PeriodSlot(ts, ix).fill(start, scale, out),
                    None => {}
                }
            }
            SlotKind::Assigned(a) => out.copy_from_slice(&a.rows[start..start + out.len()]),
        }
    }

    /// `[slot][category]` counts of every row (`len() * cells.cats()`
    /// counters), counted in blocks across threads.
    pub(crate) fn count<C: Cells>(&self, cells: &C) -> Counted {
        let (n, cats, rows) = (self.len(), cells.cats(), self.rows);
        if n.checked_mul(cats).is_none_or(|c| c > u32::MAX as usize) {
            return self.count_wide(cells);
        }
        match &self.kind {
            SlotKind::Dense {
                plan,
                periods,
                n_periods,
            } => match periods.as_deref() {
                Some((ts, _, Some(t))) => {
                    count_planned(plan, &TableSlot(ts, t), *n_periods, n, cells, rows)
                }
                Some((ts, ix, None)) => {
                    count_planned(plan, &PeriodSlot(ts, ix), *n_periods, n, cells, rows)
                }
                None => count_planned(plan, &Zero, 1, n, cells, rows),
            },
            SlotKind::Assigned(a) => count_cells(&Indexed(&a.rows), &Zero, 1, n, cells, rows),
        }
    }

    /// [`Slots::count`] with more counters than `u32` indices reach: one
    /// thread, `u64` indices.
    fn count_wide<C: Cells>(&self, cells: &C) -> Counted {
        let cats = cells.cats();
        let mut c = vec![0u64; self.len() * cats];
        let (mut slot, mut cat) = ([0u32; 1024], [0u32; 1024]);
        for start in (0..self.rows).step_by(1024) {
            let m = 1024.min(self.rows - start);
            self.fill(start, &mut slot[..m]);
            cat[..m].fill(0);
            cells.fill(start, &mut cat[..m]);
            for (&s, &k) in slot[..m].iter().zip(&cat[..m]) {
                c[s as usize * cats + k as usize] += 1;
            }
        }
        Counted::Wide(c)
    }

    /// The occupied slots (`occupied(slot)`) in the order of their groups
    /// (by key, then period), with each group's label. The labels are
    /// moved out: ask [`Slots::len`] before (compact groups have none
    /// after).
    pub(crate) fn groups(
        &mut self,
        occupied: impl Fn(usize) -> bool,
    ) -> Vec<(usize, (GroupKey, Option<NaiveDate>))> {
        match &mut self.kind {
            SlotKind::Assigned(a) => {
                let labels = std::mem::take(&mut a.labels);
                labels
                    .into_iter()
                    .enumerate()
                    .filter(|(s, _)| occupied(*s))
                    .collect()
            }
            SlotKind::Dense {
                plan,
                periods,
                n_periods,
            } => {
                let np = *n_periods;
                let dates = periods.as_deref().map(|(_, ix, _)| &ix.dates);
                let keys: Vec<u32> = match plan.key_order() {
                    Some(o) => o,
                    None => (0..plan.slots() as u32).collect(),
                };
                let mut out = Vec::new();
                for k in keys {
                    let k = k as usize;
                    let mut key: Option<GroupKey> = None;
                    for p in 0..np {
                        let slot = k * np + p;
                        if occupied(slot) {
                            let key = key.get_or_insert_with(|| plan.take_key(k)).clone();
                            out.push((slot, (key, dates.map(|d| d[p]))));
                        }
                    }
                }
                // Key slots follow the keys' order; a mix the order does
                // not cover (never expected) is sorted here.
                if !out.is_sorted_by(|a, b| a.1 <= b.1) {
                    out.sort_by(|a, b| a.1.cmp(&b.1));
                }
                out
            }
        }
    }
}

/// [`count_cells`] with the key plan's own slot type (one kernel per key
/// form, as the NPS counting's `count_with_keys`: no dispatch per block).
fn count_planned<P: Slot, C: Cells>(
    plan: &KeyPlan<'_>,
    periods: &P,
    n_periods: usize,
    n: usize,
    cells: &C,
    rows: usize,
) -> Counted {
    match plan {
        KeyPlan::None => count_cells(&Zero, periods, n_periods, n, cells, rows),
        KeyPlan::DenseU32(k, min, _) => {
            count_cells(&DenseU32(k, *min), periods, n_periods, n, cells, rows)
        }
        KeyPlan::DenseU64(k, min, _) => {
            count_cells(&DenseU64(k, *min), periods, n_periods, n, cells, rows)
        }
        KeyPlan::DenseI64(k, min, _) => {
            count_cells(&DenseI64(k, *min), periods, n_periods, n, cells, rows)
        }
        KeyPlan::DenseCoded(codes, min, _, _) => with_codes!(*codes, |c| count_cells(
            &DenseCodes(c, *min),
            periods,
            n_periods,
            n,
            cells,
            rows
        )),
        KeyPlan::Text(col, t) => {
            count_cells(&TextSlot(*col, t), periods, n_periods, n, cells, rows)
        }
        KeyPlan::Indexed(ids, _) => count_cells(&Indexed(ids), periods, n_periods, n, cells, rows),
        p @ KeyPlan::Product(_) => count_cells(p, periods, n_periods, n, cells, rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The assignment is that of a row-by-row reference: every kept row
        /// in the group of its key and local period, the groups those that
        /// occur in (key, period) order, the rows left out in none —
        /// whether the (key, period) cells are numbered directly (few
        /// cells), the periods come from a lookup table or from hashing
        /// (rows years apart), with or without keys.
        #[test]
        fn assignments_are_those_of_the_rows(
            rows in proptest::collection::vec(
                (0u32..40, 0i64..3 * 365 * 86_400, proptest::bool::weighted(0.85)),
                0..300,
            ),
            far in proptest::collection::vec((any::<proptest::sample::Index>(), 0i64..8_000), 0..3),
            with_keys in any::<bool>(),
            period in prop_oneof![Just(None), Just(Some(Period::Day)), Just(Some(Period::Month)),
                Just(Some(Period::Week))],
            tz in prop_oneof![Just("UTC"), Just("Asia/Shanghai"), Just("America/New_York")],
            masked in any::<bool>(),
        ) {
            let n = rows.len();
            let keys: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let mut ts: Vec<i64> = rows.iter().map(|r| 1_600_000_000 + r.1).collect();
            // A few rows decades away: too many periods for a table.
            for (i, years) in &far {
                if n > 0 {
                    ts[i.index(n)] = 1_600_000_000 + years * 365 * 86_400 / 40;
                }
            }
            let keep: Vec<bool> = rows.iter().map(|r| r.2).collect();
            let keep = masked.then_some(&keep[..]);
            let g = Grouping {
                keys: with_keys.then_some(Keys::U32(&keys)),
                timestamps: period.map(|_| &ts[..]),
                period,
                tz: Some(tz),
            };
            let a = g.assign_kept(n, keep).unwrap();
            let zone = parse_tz(tz).unwrap();
            let label = |row: usize| {
                let key = if with_keys { GroupKey::UInt(u64::from(keys[row])) } else { GroupKey::All };
                let start = period.map(|p| p.start_of(local_date(zone, ts[row]).unwrap()));
                (key, start)
            };
            let kept = |row: usize| keep.is_none_or(|k| k[row]);
            let want: BTreeSet<(GroupKey, Option<NaiveDate>)> =
                (0..n).filter(|&r| kept(r)).map(label).collect();
            let want: Vec<_> = want.into_iter().collect();
            prop_assert_eq!(&a.labels, &want);
            prop_assert_eq!(a.rows.len(), n);
            for row in 0..n {
                if kept(row) {
                    prop_assert_eq!(&a.labels[a.rows[row] as usize], &label(row), "row {}", row);
                } else {
                    prop_assert_eq!(a.rows[row], Assignment::NONE, "row {}", row);
                }
            }
        }
    }
}
