//! First-time-fix rate, comeback rate and repeat-complaint rate (SPEC §6).

use serde::{Deserialize, Serialize};

use super::{check_ts_col, keys_len, table, Grouping, KeyRef, KpiTable, Parts};
use crate::error::{Error, Result};
use crate::group::Keys;

/// Repair-order rows (one row per job).
#[derive(Debug, Clone, Copy)]
pub struct Jobs<'a> {
    /// Vehicle id (VIN, plate or an integer id).
    pub vehicles: Keys<'a>,
    /// The matching key: complaint code or operation family. `None` matches
    /// every job of the same vehicle (a repeat visit for anything).
    pub complaints: Option<Keys<'a>>,
    /// When the job was opened (Unix seconds).
    pub opened: &'a [i64],
    /// When it was closed (Unix seconds, `>= opened`).
    pub closed: &'a [i64],
}

/// Options of the comeback rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ComebackOptions {
    /// A return opened at most this many seconds after the original job
    /// closed is a comeback (inclusive). Default 30 days.
    pub window_seconds: i64,
    /// The instant the data was extracted. A job closed less than
    /// `window_seconds` before it that has not come back is *incomplete*:
    /// it may still come back. `None` = every window is complete.
    pub as_of: Option<i64>,
    /// Leave incomplete jobs out of both sides (default `true`; coverage
    /// shows the share judged). `false` counts them as fixed.
    pub exclude_incomplete: bool,
}

impl Default for ComebackOptions {
    fn default() -> Self {
        ComebackOptions {
            window_seconds: 30 * 86_400,
            as_of: None,
            exclude_incomplete: true,
        }
    }
}

/// The verdict on one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobOutcome {
    /// No comeback within the window, and the window is complete.
    Fixed,
    /// The same vehicle came back with the same complaint key within the window.
    CameBack,
    /// No comeback yet, but the window is not over at `as_of`.
    Incomplete,
}

/// The verdict on every job.
///
/// Job `i` *came back* when a job `j` of the same vehicle and matching key
/// was opened after it (`opened[j] > opened[i]`) and no later than
/// `window_seconds` after `i` closed (`opened[j] − closed[i] <= window`,
/// inclusive). The comeback is attributed to the original job `i`; the
/// return visit is judged in turn by its own returns. Jobs opened at the
/// same instant are not comebacks of each other.
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::kpi::{job_outcomes, ComebackOptions, JobOutcome, Jobs};
/// let day = 86_400;
/// let jobs = Jobs {
///     vehicles: Keys::Str(&["V1", "V1", "V2"]),
///     complaints: Some(Keys::Str(&["brakes", "brakes", "brakes"])),
///     opened: &[0, 20 * day, 0],
///     closed: &[day, 21 * day, day],
/// };
/// let out = job_outcomes(&jobs, &ComebackOptions::default())?;
/// assert_eq!(out, [JobOutcome::CameBack, JobOutcome::Fixed, JobOutcome::Fixed]);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn job_outcomes(jobs: &Jobs<'_>, opts: &ComebackOptions) -> Result<Vec<JobOutcome>> {
    let n = keys_len(&jobs.vehicles);
    if let Some(c) = &jobs.complaints {
        Error::check_len("complaints", keys_len(c), "vehicles", n)?;
    }
    Error::check_len("opened", jobs.opened.len(), "vehicles", n)?;
    Error::check_len("closed", jobs.closed.len(), "vehicles", n)?;
    check_ts_col("opened", jobs.opened)?;
    check_ts_col("closed", jobs.closed)?;
    if opts.window_seconds < 0 {
        return Err(Error::arg("window_seconds", "must be >= 0"));
    }
    if let Some(a) = opts.as_of {
        check_ts_col("as_of", &[a])?;
    }
    if let Some(i) = (0..n).find(|&i| jobs.closed[i] < jobs.opened[i]) {
        return Err(Error::value("closed", i, "closed before it was opened"));
    }
    // One sort by (vehicle, matching key, opened, row): each chain of jobs
    // of one vehicle and key is then a run, in opening order. No per-row
    // allocation, no hashing of owned keys.
    let mut order: Vec<(KeyRef<'_>, KeyRef<'_>, i64, usize)> = (0..n)
        .map(|i| {
            let c = jobs
                .complaints
                .as_ref()
                .map_or(KeyRef::All, |c| KeyRef::at(c, i));
            (KeyRef::at(&jobs.vehicles, i), c, jobs.opened[i], i)
        })
        .collect();
    order.sort_unstable();
    let mut out = vec![JobOutcome::Fixed; n];
    let mut start = 0;
    while start < n {
        let chain = (order[start].0, order[start].1);
        let len = order[start..]
            .iter()
            .take_while(|r| (r.0, r.1) == chain)
            .count();
        let rows = &order[start..start + len];
        start += len;
        // Walking the run backwards, `next_open` is the opening instant of
        // the first job opened strictly later than the current one (jobs
        // opened at the same instant are not comebacks of each other).
        let mut next_open: Option<i64> = None;
        for pos in (0..rows.len()).rev() {
            let (_, _, opened, i) = rows[pos];
            if let Some(r) = rows.get(pos + 1).filter(|r| r.2 > opened) {
                next_open = Some(r.2);
            }
            // Differences of in-range timestamps cannot overflow.
            let back = next_open.is_some_and(|o| o - jobs.closed[i] <= opts.window_seconds);
            out[i] = if back {
                JobOutcome::CameBack
            } else if opts
                .as_of
                .is_some_and(|a| a - jobs.closed[i] < opts.window_seconds)
            {
                JobOutcome::Incomplete
            } else {
                JobOutcome::Fixed
            };
        }
    }
    Ok(out)
}

fn outcome_parts(jobs: &Jobs<'_>, opts: &ComebackOptions, count: JobOutcome) -> Result<Vec<Parts>> {
    Ok(job_outcomes(jobs, opts)?
        .into_iter()
        .map(|o| {
            let judged = o != JobOutcome::Incomplete || !opts.exclude_incomplete;
            let hit = match count {
                JobOutcome::CameBack => o == JobOutcome::CameBack,
                _ => o != JobOutcome::CameBack,
            };
            Parts {
                num: f64::from(u8::from(judged && hit)),
                den: f64::from(u8::from(judged)),
                used: f64::from(u8::from(judged)),
                rows: 1.0,
            }
        })
        .collect())
}

/// First-time-fix rate: jobs that did not come back / jobs judged (see
/// [`job_outcomes`]). Coverage = jobs judged / jobs. Policy benchmark
/// `first_time_fix_rate` (≥ 85 %).
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::kpi::{first_time_fix_rate, ComebackOptions, Grouping, Jobs};
/// let jobs = Jobs {
///     vehicles: Keys::U32(&[1, 1, 2, 3]),
///     complaints: None,
///     opened: &[0, 86_400, 0, 0],
///     closed: &[3_600, 90_000, 3_600, 3_600],
/// };
/// let t = first_time_fix_rate(&jobs, &ComebackOptions::default(), &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.75)); // job 0 came back
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn first_time_fix_rate(
    jobs: &Jobs<'_>,
    opts: &ComebackOptions,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    table(&outcome_parts(jobs, opts, JobOutcome::Fixed)?, grouping)
}

/// Comeback (rework) rate: `1 −` [`first_time_fix_rate`] over the same
/// jobs (same denominator and coverage). Benchmark `comeback_rate` (< 10 %).
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::kpi::{comeback_rate, ComebackOptions, Grouping, Jobs};
/// let jobs = Jobs {
///     vehicles: Keys::U32(&[1, 1]),
///     complaints: None,
///     opened: &[0, 86_400],
///     closed: &[3_600, 90_000],
/// };
/// let t = comeback_rate(&jobs, &ComebackOptions::default(), &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn comeback_rate(
    jobs: &Jobs<'_>,
    opts: &ComebackOptions,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    table(&outcome_parts(jobs, opts, JobOutcome::CameBack)?, grouping)
}

/// Repeat-complaint rate: complaints raised again for the same case or
/// vehicle within `window_days` of being closed / complaints closed. The
/// comeback rule of [`job_outcomes`] over complaint records (`subjects` =
/// case or vehicle id). Benchmark `repeat_complaint_rate` (> 15 % signals
/// unresolved root causes).
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::kpi::{repeat_complaint_rate, Grouping};
/// let t = repeat_complaint_rate(Keys::U32(&[7, 7]), &[0, 86_400], &[3_600, 90_000], 30, None, &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn repeat_complaint_rate(
    subjects: Keys<'_>,
    raised: &[i64],
    closed: &[i64],
    window_days: u32,
    as_of: Option<i64>,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    let jobs = Jobs {
        vehicles: subjects,
        complaints: None,
        opened: raised,
        closed,
    };
    let opts = ComebackOptions {
        window_seconds: i64::from(window_days) * 86_400,
        as_of,
        exclude_incomplete: true,
    };
    comeback_rate(&jobs, &opts, grouping)
}
