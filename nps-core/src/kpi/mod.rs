//! Service KPIs (SPEC §6): first-time-fix and comeback rates, bay
//! utilization, the SRT catalog and technician figures, labour rates, time
//! KPIs, rate KPIs and the scorecard against the policy's benchmarks.
//!
//! Every result is a [`Kpi`]: the value *and* its numerator, denominator and
//! coverage (the share of the input rows the KPI could use). A zero
//! denominator is "no data" (`value == None`), never 0 and never NaN.
//! Time-based KPIs are a [`TimeKpi`]: mean, median, p90 and the share
//! within a target.
//!
//! Column functions take slices of equal length and validate every element:
//! a negative or non-finite number of hours, a timestamp out of range or a
//! close before an open is an [`Error::InvalidValue`](crate::Error) naming
//! the column and the row.
//!
//! ## Ranges of hours and money
//!
//! - **Hours** (worked, SRT, sold, occupied, available; per row and per
//!   scalar argument) are finite and either 0 or in
//!   [`MIN_HOURS`]`..=`[`MAX_HOURS`] (10⁻⁹ hours, 3.6 µs, up to 10⁶ hours,
//!   114 years: far beyond any one job, attendance record or bay day). With
//!   both bounds every ratio of hours is finite: a denominator is 0 ("no
//!   data") or at least 10⁻⁹, a numerator at most 10⁶ per row.
//! - **Money** is integer minor units in `0..=`[`MAX_MINOR`] (2⁵³, every
//!   value of which is exact in `f64`), summed in `i128` (exact; no column
//!   that fits in memory can overflow it).
//!
//! A value outside its range is [`Error::InvalidValue`](crate::Error)
//! naming the column and the row (a scalar argument:
//! [`Error::InvalidArgument`](crate::Error) naming it). Within the ranges
//! every sum is finite (at most 2⁶⁴ rows × 10⁶ hours < 2·10²⁵), so a
//! [`Kpi`] never holds an infinity or a NaN: `technician_figures` of two
//! rows of 1e308 hours, which gave an efficiency of NaN, is an error. Grouped variants take a [`Grouping`] (a key
//! column and/or timestamps with a calendar [`Period`]) and return a
//! [`KpiTable`] whose group numerators and denominators add up to the
//! overall ones.
//!
//! ## Partial results
//!
//! [`KpiTable`] and [`TimeTable`] merge exactly ([`KpiTable::merge`],
//! [`TimeTable::merge`]): the table of the rows of two tables is the table
//! of all of them, as if computed in one pass — so per-partition tables
//! (threads, files, Dask workers) combine in any tree. Rate tables keep the
//! counts of every group; time tables the histogram of their integer-second
//! durations (memory O(distinct durations)), so median and p90 merge
//! exactly. Tables computed with other options do not merge (an
//! [`Error::InvalidArgument`](crate::Error) naming `other`), and the
//! comeback rule's tables merge only when the input is partitioned by
//! vehicle. Tables, [`Kpi`] and [`TimeKpi`] save and load exactly
//! ([`Saved`](crate::state::Saved)).
//!
//! ```
//! use nps_core::kpi::{technician_figures, Kpi};
//! // 8 h available, 7.2 h worked on jobs worth 9 flat-rate hours.
//! let f = technician_figures(&[7.2], &[Some(9.0)], 8.0)?;
//! assert!((f.efficiency.value.unwrap() - 1.25).abs() < 1e-12);
//! assert!((f.productivity.value.unwrap() - 0.9).abs() < 1e-12);
//! assert!((f.proficiency.value.unwrap() - 1.125).abs() < 1e-12);
//! assert_eq!(Kpi::ratio(3.0, 0.0, None).value, None); // no data, not 0
//! # Ok::<(), nps_core::Error>(())
//! ```

mod chain;
pub(crate) use chain::Interner;
mod comeback;
mod episode;
mod estimate;
pub(crate) mod merge;
mod partial;
mod parts;
mod rates;
mod scorecard;
mod time;
mod workshop;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use comeback::{
    comeback_rate, first_time_fix_rate, job_outcomes, repeat_complaint_rate, ComebackOptions,
    JobOutcome, Jobs,
};
pub use episode::{diagnosis_accuracy, visits_per_resolution};
pub use estimate::{estimate_accuracy, Distribution, EstimateAccuracy, EstimateOptions};
pub use parts::{parts_availability, PartsAvailability, PartsGroup};
pub use rates::{
    appointment_fulfillment_rate, csat, first_contact_resolution_rate, follow_up_completion_rate,
    pre_service_inspection_rate, rate, ready_when_promised, repeat_visit_rate,
    service_revenue_per_engineer, CsatOptions, FollowUpOptions, RateKpi,
};
pub use scorecard::{
    benchmark_names, scorecard, scorecard_of, time_target_seconds, ScoreInput, ScoreLine, Status,
    TimeMeasure, Unit, WORKSHOP_BENCHMARKS,
};
pub use time::{quantile, time_kpi, time_kpi_durations, TimeGroup, TimeKpi, TimeTable};
pub use workshop::{
    bay_utilization, effective_labour_rate, hours_per_ro, technician_figures,
    technician_figures_by, HoursBasis, LabourRates, PayType, SrtCatalog, TechnicianFigures,
};

use crate::error::{Error, Result};
use crate::group::{Cells, GroupKey, Keys, Slots};
use crate::period::{Period, MAX_TS, MIN_TS};

/// One KPI result. `value` is `numerator / denominator`, or `None` ("no
/// data") when the denominator is 0. `coverage` is the share of the input
/// rows that entered the KPI (jobs with an SRT, ROs with a promise, jobs
/// whose comeback window is complete), `None` when there were no rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    /// `numerator / denominator`; `None` when the denominator is 0.
    pub value: Option<f64>,
    /// Numerator (a count, hours or minor units of money).
    pub numerator: f64,
    /// Denominator.
    pub denominator: f64,
    /// Share of the input rows used, 0..=1; `None` without rows.
    pub coverage: Option<f64>,
}

impl Kpi {
    /// A ratio; "no data" when `denominator` is 0.
    ///
    /// ```
    /// use nps_core::kpi::Kpi;
    /// assert_eq!(Kpi::ratio(28.0, 48.0, Some(1.0)).value, Some(28.0 / 48.0));
    /// assert_eq!(Kpi::ratio(0.0, 0.0, None).value, None);
    /// ```
    pub fn ratio(numerator: f64, denominator: f64, coverage: Option<f64>) -> Kpi {
        Kpi {
            value: (denominator != 0.0).then(|| numerator / denominator),
            numerator,
            denominator,
            coverage,
        }
    }
}

/// Additive parts of a rate KPI: counts over rows, so groups add up to
/// the total and partial results merge exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Parts {
    /// Rows counted in the numerator.
    #[serde(rename = "numerator")]
    pub num: u64,
    /// Rows counted in the denominator.
    #[serde(rename = "denominator")]
    pub den: u64,
    /// Rows that entered the KPI.
    pub used: u64,
    /// Rows given.
    pub rows: u64,
}

impl Parts {
    /// The sum of two parts; [`Error::Overflow`] past `u64::MAX`.
    pub fn checked_add(&self, o: &Parts) -> Result<Parts> {
        // A `match`, not `ok_or`: no error value is built (and dropped)
        // for every row.
        let add = |a: u64, b: u64| match a.checked_add(b) {
            Some(x) => Ok(x),
            None => Err(Error::Overflow {
                what: "the rows of a KPI",
            }),
        };
        Ok(Parts {
            num: add(self.num, o.num)?,
            den: add(self.den, o.den)?,
            used: add(self.used, o.used)?,
            rows: add(self.rows, o.rows)?,
        })
    }

    pub fn kpi(self) -> Kpi {
        // Counts below 2^53 are exact in f64 (as the sums of 0/1 were).
        Kpi::ratio(
            self.num as f64,
            self.den as f64,
            (self.rows > 0).then(|| self.used as f64 / self.rows as f64),
        )
    }
}

pub use crate::group::Grouping;

/// One group of a [`KpiTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiGroup {
    /// The group key ([`GroupKey::All`] without a key column).
    pub key: GroupKey,
    /// Local first day of the period, when grouping by period.
    pub period_start: Option<NaiveDate>,
    /// The KPI of the group.
    pub kpi: Kpi,
}

/// A KPI overall and per group (groups sorted by key, then period).
///
/// A table is also a partial result: [`KpiTable::merge`] combines the
/// tables of two parts of the rows into the table of all of them (exactly:
/// the table keeps the counts of every group), and a table saves and loads
/// exactly ([`Saved`](crate::state::Saved)). The serde form is that saved
/// state (the counts, the KPI and its options, the grouping); the fields
/// below are computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "partial::RateState", try_from = "partial::RateState")]
pub struct KpiTable {
    /// The KPI over every row.
    pub overall: Kpi,
    /// The period grouped by, if any.
    pub period: Option<Period>,
    /// Non-empty groups.
    pub groups: Vec<KpiGroup>,
    /// What merging needs.
    state: partial::RateState,
}

pub(crate) fn key_at(keys: &Keys<'_>, i: usize) -> GroupKey {
    keys.key_at(i)
}

/// A borrowed [`GroupKey`] for per-row lookups; same variants, same order.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyRef<'a> {
    Int(i64),
    UInt(u64),
    Str(&'a str),
    /// Row `.1` of several key columns.
    Multi(&'a [Keys<'a>], usize),
}

impl<'a> KeyRef<'a> {
    pub(crate) fn at(keys: &Keys<'a>, i: usize) -> KeyRef<'a> {
        match *keys {
            Keys::U32(k) => KeyRef::UInt(u64::from(k[i])),
            Keys::U64(k) => KeyRef::UInt(k[i]),
            Keys::I64(k) => KeyRef::Int(k[i]),
            Keys::Str(k) => KeyRef::Str(k[i]),
            Keys::Coded { codes, labels } => KeyRef::Str(labels[codes.get(i)]),
            Keys::Codes(c) => KeyRef::UInt(c.get(i) as u64),
            Keys::Text(t) => KeyRef::Str(crate::group::text_at(t, i)),
            Keys::Multi(cols) => KeyRef::Multi(cols, i),
        }
    }

    /// The elements of a `Multi` key (empty for the others).
    fn parts(self) -> impl Iterator<Item = KeyRef<'a>> {
        let (cols, row): (&[Keys<'a>], usize) = match self {
            KeyRef::Multi(cols, row) => (cols, row),
            _ => (&[], 0),
        };
        cols.iter().map(move |c| KeyRef::at(c, row))
    }

    fn rank(self) -> u8 {
        match self {
            KeyRef::Int(_) => 1,
            KeyRef::UInt(_) => 2,
            KeyRef::Str(_) => 3,
            KeyRef::Multi(..) => 4,
        }
    }
}

impl PartialEq for KeyRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for KeyRef<'_> {}
impl PartialOrd for KeyRef<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
/// Orders like [`GroupKey`] (variant order, then value; tuples
/// element-wise).
impl Ord for KeyRef<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (*self, *other) {
            (KeyRef::Int(a), KeyRef::Int(b)) => a.cmp(&b),
            (KeyRef::UInt(a), KeyRef::UInt(b)) => a.cmp(&b),
            (KeyRef::Str(a), KeyRef::Str(b)) => a.cmp(b),
            (a @ KeyRef::Multi(..), b @ KeyRef::Multi(..)) => a.parts().cmp(b.parts()),
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}
impl std::hash::Hash for KeyRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.rank().hash(state);
        match *self {
            KeyRef::Int(v) => v.hash(state),
            KeyRef::UInt(v) => v.hash(state),
            KeyRef::Str(s) => s.hash(state),
            KeyRef::Multi(..) => self.parts().for_each(|p| p.hash(state)),
        }
    }
}

pub(crate) fn keys_len(keys: &Keys<'_>) -> usize {
    keys.len()
}

pub(crate) fn check_ts_col(name: &'static str, ts: &[i64]) -> Result<()> {
    // A branch-free test per block (vectorised), then the row.
    let bad_block = ts.chunks(1024).position(|b| {
        !b.iter()
            .fold(true, |ok, t| ok & (MIN_TS..=MAX_TS).contains(t))
    });
    let Some(b) = bad_block else {
        return Ok(());
    };
    match ts[b * 1024..]
        .iter()
        .position(|t| !(MIN_TS..=MAX_TS).contains(t))
        .map(|i| b * 1024 + i)
    {
        Some(i) => Err(Error::value(
            name,
            i,
            format!("timestamp {} is missing or out of range", ts[i]),
        )),
        None => Ok(()),
    }
}

/// As [`check_ts_col`] for an optional column (`None` = did not happen).
pub(crate) fn check_opt_ts_col(name: &'static str, ts: &[Option<i64>]) -> Result<()> {
    match ts
        .iter()
        .position(|t| t.is_some_and(|t| !(MIN_TS..=MAX_TS).contains(&t)))
    {
        Some(i) => Err(Error::value(
            name,
            i,
            format!("timestamp {} is out of range", ts[i].unwrap_or_default()),
        )),
        None => Ok(()),
    }
}

/// The largest number of hours one row (or one scalar argument) of a KPI
/// may hold: 10⁶ (see the module docs).
pub const MAX_HOURS: f64 = 1e6;

/// The smallest non-zero number of hours one row (or one scalar argument)
/// may hold: 10⁻⁹ (3.6 µs; see the module docs). Smaller positive values
/// would make ratios of hours overflow.
pub const MIN_HOURS: f64 = 1e-9;

/// The largest amount of money, in minor units, one row of a KPI may hold:
/// 2⁵³ (see the module docs).
pub const MAX_MINOR: i64 = 1 << 53;

/// The longest KPI window (comeback, repeat complaint, follow-up) in
/// seconds: the whole supported range of instants (years 1–9999). A
/// longer window is [`Error::InvalidArgument`] naming its field
/// (`window_seconds`; the follow-up's `earliest_seconds` / `latest_seconds`).
/// (No work or memory depends on the window: the bound is there so that a
/// window of `i64::MAX` is an error rather than a silent "forever".)
pub const MAX_WINDOW_SECONDS: i64 = MAX_TS - MIN_TS;

/// Checks a KPI window: `0..=MAX_WINDOW_SECONDS`.
pub(crate) fn check_window(seconds: i64) -> Result<()> {
    if (0..=MAX_WINDOW_SECONDS).contains(&seconds) {
        Ok(())
    } else {
        Err(Error::arg(
            "window_seconds",
            format!("must be in 0..={MAX_WINDOW_SECONDS} (MAX_WINDOW_SECONDS), got {seconds}"),
        ))
    }
}

/// Whether `h` is a valid number of hours: 0, or finite in
/// `MIN_HOURS..=MAX_HOURS`.
pub(crate) fn hours_ok(h: f64) -> bool {
    h == 0.0 || (MIN_HOURS..=MAX_HOURS).contains(&h)
}

pub(crate) fn hours_reason(h: f64) -> String {
    format!(
        "hours must be 0 or finite in {MIN_HOURS:e}..={MAX_HOURS:e} (MIN_HOURS..=MAX_HOURS), got {h}"
    )
}

pub(crate) fn check_hours(name: &'static str, hours: &[f64]) -> Result<()> {
    match hours.iter().position(|h| !hours_ok(*h)) {
        Some(i) => Err(Error::value(name, i, hours_reason(hours[i]))),
        None => Ok(()),
    }
}

/// A scalar hours argument: [`Error::InvalidArgument`] naming it.
pub(crate) fn check_hours_arg(name: &'static str, h: f64) -> Result<()> {
    if hours_ok(h) {
        Ok(())
    } else {
        Err(Error::arg(name, hours_reason(h)))
    }
}

/// Money in minor units: `0..=MAX_MINOR` per row (`what` names it in the
/// message: "labour sales", "revenue").
pub(crate) fn check_minor(name: &'static str, what: &str, minor: &[i64]) -> Result<()> {
    match minor.iter().position(|m| !(0..=MAX_MINOR).contains(m)) {
        Some(i) => Err(Error::value(
            name,
            i,
            format!(
                "{what} must be in 0..={MAX_MINOR} minor units (MAX_MINOR), got {}",
                minor[i]
            ),
        )),
        None => Ok(()),
    }
}

/// The group of every row: `(labels, index per row)`.
pub(crate) type Assignment = (Vec<(GroupKey, Option<NaiveDate>)>, Vec<u32>);

/// The grouping engine's assignment, with timestamps checked as a KPI
/// column first (so a bad one is an `invalid_value` naming the column).
pub(crate) fn assign(g: &Grouping<'_>, n: usize) -> Result<Assignment> {
    if let (Some(_), Some(ts)) = (g.period, g.timestamps) {
        if ts.len() == n {
            check_ts_col("timestamps", ts)?;
        }
    }
    let a = g.assign(n)?;
    Ok((a.labels, a.rows))
}

/// The grouping engine's slots ([`Slots`]), with timestamps checked as a
/// KPI column first (as [`assign`]: the same errors in the same order).
pub(crate) fn slots<'a>(g: &Grouping<'a>, n: usize) -> Result<Slots<'a>> {
    let mut range = None;
    if let (Some(_), Some(ts)) = (g.period, g.timestamps) {
        if ts.len() == n {
            // One pass for the range (vectorised, across threads), which
            // the engine needs anyway; a timestamp out of range is then
            // looked for row by row.
            match crate::group::timestamp_range(ts, None) {
                Ok(r) => range = Some(r),
                Err(_) => check_ts_col("timestamps", ts)?,
            }
        }
    }
    g.slots(n, range)
}

/// The table of a rate KPI whose rows each fall in one of `cells.cats()`
/// categories (at most 4): `parts(counts)` turns the category counts of a
/// group into its parts. The categories are counted straight into the
/// grouping engine's blocks ([`Slots::count`]): no group or parts column
/// per row. Equal to [`table_of`] with the parts of each row's category.
pub(crate) fn table_of_cells<C: Cells>(
    n: usize,
    cells: &C,
    parts: impl Fn(&[u64]) -> Parts,
    g: &Grouping<'_>,
    source: partial::Source,
) -> Result<KpiTable> {
    let cats = cells.cats();
    debug_assert!((1..=4).contains(&cats));
    let mut slots = slots(g, n)?;
    let counts = slots.count(cells);
    let groups = slots.groups(|s| !counts.all_zero(s * cats..(s + 1) * cats));
    let mut labels = Vec::with_capacity(groups.len());
    let mut sums = Vec::with_capacity(groups.len());
    let mut c = [0u64; 4];
    for (s, label) in groups {
        for (k, x) in c[..cats].iter_mut().enumerate() {
            *x = counts.get(s * cats + k);
        }
        labels.push(label);
        sums.push(parts(&c[..cats]));
    }
    finish(labels, sums, g, source, None)
}

/// Sums per-row parts per group: the table of a rate KPI computed as
/// `source` says, with the distinct `subjects` (vehicles) of a KPI of the
/// comeback rule.
pub(crate) fn table(
    parts: &[Parts],
    g: &Grouping<'_>,
    source: partial::Source,
    subjects: Option<Vec<GroupKey>>,
) -> Result<KpiTable> {
    table_of(parts.len(), |i| parts[i], g, source, subjects)
}

/// As [`table`], with the parts of row `i` from `part(i)` (no column of
/// parts is built).
pub(crate) fn table_of(
    n: usize,
    part: impl Fn(usize) -> Parts,
    g: &Grouping<'_>,
    source: partial::Source,
    subjects: Option<Vec<GroupKey>>,
) -> Result<KpiTable> {
    let mut sums;
    let labels;
    if g.keys.is_none() && g.period.is_none() {
        // One group: no assignment column.
        g.check(n)?;
        if n == 0 {
            // As the grouping engine: no rows, no group.
            return finish(Vec::new(), Vec::new(), g, source, subjects);
        }
        labels = vec![(GroupKey::All, None)];
        sums = vec![Parts::default(); 1];
        for i in 0..n {
            sums[0] = sums[0].checked_add(&part(i))?;
        }
    } else {
        let (l, rows) = assign(g, n)?;
        labels = l;
        sums = vec![Parts::default(); labels.len()];
        for (i, &r) in rows.iter().enumerate() {
            let r = r as usize;
            sums[r] = sums[r].checked_add(&part(i))?;
        }
    }
    finish(labels, sums, g, source, subjects)
}

pub(crate) fn finish(
    labels: Vec<(GroupKey, Option<NaiveDate>)>,
    sums: Vec<Parts>,
    g: &Grouping<'_>,
    source: partial::Source,
    subjects: Option<Vec<GroupKey>>,
) -> Result<KpiTable> {
    KpiTable::from_state(partial::RateState {
        source,
        periods: merge::Periods::of(g)?,
        // Episode KPIs count first visits only: a group of return visits
        // alone has no row.
        groups: labels
            .into_iter()
            .zip(sums)
            .filter(|(_, p)| p.rows > 0)
            .collect(),
        subjects,
    })
}

/// Groupings of every key form for the tests of the fused kernels
/// ([`table_of_cells`], the time KPIs' histograms) against the
/// straightforward per-row implementations.
#[cfg(test)]
pub(crate) mod forms {
    use super::Grouping;
    use crate::group::{Codes, Keys, TextColumn};
    use crate::period::{Period, MAX_TS, MIN_TS};

    /// SplitMix64.
    pub(crate) struct Rng(pub(crate) u64);
    impl Rng {
        pub(crate) fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % n
        }
    }

    struct Texts(Vec<String>);
    impl TextColumn for Texts {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn read<'s>(&'s self, start: usize, out: &mut [&'s str]) {
            for (j, o) in out.iter_mut().enumerate() {
                *o = &self.0[start + j];
            }
        }
    }

    /// Calls `f(name, dealer, grouping)` for `n` rows grouped every way
    /// the engine knows (dealer = a `u32` key in 0..500 per row, which
    /// tests may use to empty some groups): no key, dense integers with
    /// and without periods, wide integers (compact ids), signed keys,
    /// strings, dictionary codes (labels out of order), category codes,
    /// texts read in place, several columns (in place and as compact ids),
    /// periods alone in a zone with DST, and two groupings too large for
    /// the engine's slots (as many keys as rows by day; timestamps across
    /// the whole calendar).
    pub(crate) fn each(n: usize, seed: u64, mut f: impl FnMut(&str, &[u32], &Grouping<'_>)) {
        let mut rng = Rng(seed);
        let dealer: Vec<u32> = (0..n).map(|_| rng.below(500) as u32).collect();
        let wide: Vec<u64> = dealer
            .iter()
            .map(|&d| u64::from(d).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        let signed: Vec<i64> = dealer.iter().map(|&d| i64::from(d) - 250).collect();
        let names: Vec<String> = (0..50).map(|i| format!("advisor {}", 49 - i)).collect();
        let pick: Vec<usize> = (0..n).map(|_| rng.below(50) as usize).collect();
        let strs: Vec<&str> = pick.iter().map(|&i| names[i].as_str()).collect();
        let labels: Vec<&str> = names.iter().map(String::as_str).collect();
        let codes: Vec<u8> = pick.iter().map(|&i| i as u8).collect();
        let cat_codes: Vec<i32> = dealer.iter().map(|&d| (d % 37) as i32).collect();
        let texts = Texts(strs.iter().map(|s| s.to_string()).collect());
        let unique: Vec<u64> = (0..n as u64).map(|i| i * 7919 + 3).collect();
        let ts: Vec<i64> = (0..n)
            .map(|_| 1_672_531_200 + rng.below(730 * 86_400) as i64)
            .collect();
        let ts_wide: Vec<i64> = (0..n)
            .map(|i| match i % 3 {
                0 => MIN_TS + rng.below(86_400 * 400) as i64,
                1 => MAX_TS - rng.below(86_400 * 400) as i64,
                _ => 1_672_531_200 + rng.below(86_400) as i64,
            })
            .collect();
        let multi = [Keys::U32(&dealer), Keys::Str(&strs)];
        let multi_wide = [Keys::U64(&wide), Keys::I64(&signed)];
        let g = |keys, ts, period, tz| Grouping {
            keys,
            timestamps: ts,
            period,
            tz,
        };
        let month = Some(Period::Month);
        let cases: Vec<(&str, Grouping<'_>)> = vec![
            ("none", g(None, None, None, None)),
            ("u32", g(Some(Keys::U32(&dealer)), None, None, None)),
            (
                "u32 month",
                g(Some(Keys::U32(&dealer)), Some(&ts), month, None),
            ),
            (
                "u64 wide month",
                g(Some(Keys::U64(&wide)), Some(&ts), month, Some("UTC")),
            ),
            (
                "i64 week shanghai",
                g(
                    Some(Keys::I64(&signed)),
                    Some(&ts),
                    Some(Period::Week),
                    Some("Asia/Shanghai"),
                ),
            ),
            (
                "str day",
                g(Some(Keys::Str(&strs)), Some(&ts), Some(Period::Day), None),
            ),
            (
                "coded quarter",
                g(
                    Some(Keys::Coded {
                        codes: Codes::U8(&codes),
                        labels: &labels,
                    }),
                    Some(&ts),
                    Some(Period::Quarter),
                    None,
                ),
            ),
            (
                "codes year",
                g(
                    Some(Keys::Codes(Codes::I32(&cat_codes))),
                    Some(&ts),
                    Some(Period::Year),
                    None,
                ),
            ),
            (
                "text month",
                g(Some(Keys::Text(&texts)), Some(&ts), month, None),
            ),
            ("multi", g(Some(Keys::Multi(&multi)), None, None, None)),
            (
                "multi wide month",
                g(Some(Keys::Multi(&multi_wide)), Some(&ts), month, None),
            ),
            (
                "month new york",
                g(None, Some(&ts), month, Some("America/New_York")),
            ),
            (
                "unique day",
                g(Some(Keys::U64(&unique)), Some(&ts), Some(Period::Day), None),
            ),
            (
                "u32 day, whole calendar",
                g(
                    Some(Keys::U32(&dealer)),
                    Some(&ts_wide),
                    Some(Period::Day),
                    None,
                ),
            ),
        ];
        for (name, grouping) in &cases {
            f(name, &dealer, grouping);
        }
    }
}
