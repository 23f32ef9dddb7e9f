//! First-time-fix rate, comeback rate and repeat-complaint rate (SPEC §6).

use serde::{Deserialize, Serialize};

use super::partial::Source;
use super::{check_ts_col, keys_len, table_of, Grouping, KpiTable, Parts, RateKpi};
use crate::error::{Error, Result};
use crate::group::{GroupKey, Keys};

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

/// Options of the comeback rules: first-time-fix, comeback and
/// repeat-complaint rates and [`job_outcomes`].
///
/// Defaults ([`ComebackOptions::default`]): `window_seconds` 30 days
/// (2 592 000 s, [`ComebackOptions::DEFAULT_WINDOW_DAYS`]), `as_of` `None`
/// (every window complete), `exclude_incomplete` `true`.
/// [`validate`](ComebackOptions::validate): `window_seconds >= 0` and
/// `as_of` a supported timestamp ([`Error::InvalidArgument`] /
/// [`Error::InvalidValue`] naming the field).
///
/// ```
/// use nps_core::kpi::ComebackOptions;
/// let o = ComebackOptions::default();
/// assert_eq!((o.window_seconds, o.as_of, o.exclude_incomplete), (30 * 86_400, None, true));
/// assert_eq!(ComebackOptions::window_days(7).window_seconds, 7 * 86_400);
/// let bad = ComebackOptions { window_seconds: -1, ..o };
/// assert_eq!(bad.validate().unwrap_err().argument(), Some("window_seconds"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
            window_seconds: i64::from(ComebackOptions::DEFAULT_WINDOW_DAYS) * 86_400,
            as_of: None,
            exclude_incomplete: true,
        }
    }
}

impl ComebackOptions {
    /// The default comeback window in days: 30.
    pub const DEFAULT_WINDOW_DAYS: u32 = 30;

    /// The default options with a window of `days` days.
    pub fn window_days(days: u32) -> ComebackOptions {
        ComebackOptions {
            window_seconds: i64::from(days) * 86_400,
            ..ComebackOptions::default()
        }
    }

    /// Checks the window (`0..=`[`MAX_WINDOW_SECONDS`](super::MAX_WINDOW_SECONDS))
    /// and `as_of` (a supported timestamp).
    pub fn validate(&self) -> Result<()> {
        super::check_window(self.window_seconds)?;
        if let Some(a) = self.as_of {
            check_ts_col("as_of", &[a])?;
        }
        Ok(())
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
    Ok(judge(jobs, opts, false)?.0)
}

/// The outcome of every job and, with `subjects`, the distinct vehicles in
/// ascending key order.
fn judge(
    jobs: &Jobs<'_>,
    opts: &ComebackOptions,
    subjects: bool,
) -> Result<(Vec<JobOutcome>, Vec<GroupKey>)> {
    check_jobs(jobs, opts)?;
    Ok(super::chain::judge_chains(
        jobs,
        opts.window_seconds,
        opts.as_of,
        subjects,
    ))
}

/// Checks the job columns (lengths, instants, `closed >= opened`) and the
/// options; returns the number of jobs.
pub(super) fn check_jobs(jobs: &Jobs<'_>, opts: &ComebackOptions) -> Result<usize> {
    let n = keys_len(&jobs.vehicles);
    jobs.vehicles.check(n)?;
    if let Some(c) = &jobs.complaints {
        Error::check_len("complaints", keys_len(c), "vehicles", n)?;
        c.check(n)?;
    }
    Error::check_len("opened", jobs.opened.len(), "vehicles", n)?;
    Error::check_len("closed", jobs.closed.len(), "vehicles", n)?;
    check_ts_col("opened", jobs.opened)?;
    check_ts_col("closed", jobs.closed)?;
    opts.validate()?;
    if let Some(i) = (0..n).find(|&i| jobs.closed[i] < jobs.opened[i]) {
        return Err(Error::value("closed", i, "closed before it was opened"));
    }
    Ok(n)
}

/// The table of a KPI of the comeback rule: `count` is the outcome in the
/// numerator (`CameBack`, or `Fixed` for "did not come back").
fn outcome_table(
    kpi: RateKpi,
    jobs: &Jobs<'_>,
    opts: &ComebackOptions,
    count: JobOutcome,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    let (outcomes, vehicles) = judge(jobs, opts, true)?;
    let exclude = opts.exclude_incomplete;
    let part = |i: usize| {
        let o = outcomes[i];
        let judged = o != JobOutcome::Incomplete || !exclude;
        let hit = match count {
            JobOutcome::CameBack => o == JobOutcome::CameBack,
            _ => o != JobOutcome::CameBack,
        };
        Parts {
            num: u64::from(judged && hit),
            den: u64::from(judged),
            used: u64::from(judged),
            rows: 1,
        }
    };
    table_of(
        outcomes.len(),
        part,
        grouping,
        Source::comeback(kpi, opts),
        Some(vehicles),
    )
}

/// First-time-fix rate: jobs that did not come back / jobs judged (see
/// [`job_outcomes`]). Coverage = jobs judged / jobs. Policy benchmark
/// `first_time_fix_rate` (≥ 85 %).
///
/// Partial results: the table keeps the distinct vehicles it saw
/// ([`KpiTable::subjects`]) and merges ([`KpiTable::merge`]) only with the
/// table of other vehicles — the input must be **partitioned by vehicle**
/// (all jobs of a vehicle in one part), since a job is judged by the later
/// jobs of its vehicle. A vehicle in both tables is an error, never a
/// silently wrong rate.
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
    outcome_table(
        RateKpi::FirstTimeFix,
        jobs,
        opts,
        JobOutcome::Fixed,
        grouping,
    )
}

/// Comeback (rework) rate: `1 −` [`first_time_fix_rate`] over the same
/// jobs (same denominator and coverage). Benchmark `comeback_rate` (< 10 %).
/// Tables merge as [`first_time_fix_rate`]'s: input partitioned by vehicle.
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
    outcome_table(
        RateKpi::Comeback,
        jobs,
        opts,
        JobOutcome::CameBack,
        grouping,
    )
}

/// Repeat-complaint rate: complaints raised again for the same case or
/// vehicle within the window of being closed / complaints closed. The
/// comeback rule of [`job_outcomes`] over complaint records (`subjects` =
/// case or vehicle id) with the same [`ComebackOptions`] (default: 30 days,
/// incomplete windows left out). Benchmark `repeat_complaint_rate` (> 15 %
/// signals unresolved root causes). Tables merge as
/// [`first_time_fix_rate`]'s, with the input partitioned by subject.
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::kpi::{repeat_complaint_rate, ComebackOptions, Grouping};
/// let t = repeat_complaint_rate(Keys::U32(&[7, 7]), &[0, 86_400], &[3_600, 90_000],
///                               &ComebackOptions::default(), &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn repeat_complaint_rate(
    subjects: Keys<'_>,
    raised: &[i64],
    closed: &[i64],
    opts: &ComebackOptions,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    let jobs = Jobs {
        vehicles: subjects,
        complaints: None,
        opened: raised,
        closed,
    };
    outcome_table(
        RateKpi::RepeatComplaint,
        &jobs,
        opts,
        JobOutcome::CameBack,
        grouping,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::Codes;
    use crate::kpi::KeyRef;

    /// The straightforward rule: one comparison sort of (vehicle, key,
    /// opened, row) tuples, each chain a run (the implementation before
    /// the ranked chains; the oracle of the fast path).
    fn judge_reference(
        jobs: &Jobs<'_>,
        opts: &ComebackOptions,
    ) -> (Vec<JobOutcome>, Vec<GroupKey>) {
        let n = keys_len(&jobs.vehicles);
        // One sort by (vehicle, matching key, opened, row): each chain of jobs
        // of one vehicle and key is then a run, in opening order. No per-row
        // allocation, no hashing of owned keys.
        let mut order: Vec<(KeyRef<'_>, Option<KeyRef<'_>>, i64, usize)> = (0..n)
            .map(|i| {
                let c = jobs.complaints.as_ref().map(|c| KeyRef::at(c, i));
                (KeyRef::at(&jobs.vehicles, i), c, jobs.opened[i], i)
            })
            .collect();
        order.sort_unstable();
        let mut out = vec![JobOutcome::Fixed; n];
        let mut vehicles: Vec<GroupKey> = Vec::new();
        let mut start = 0;
        while start < n {
            let chain = (order[start].0, order[start].1);
            // Runs are sorted by vehicle first: a new vehicle starts a run.
            if start == 0 || order[start - 1].0 != chain.0 {
                vehicles.push(jobs.vehicles.key_at(order[start].3));
            }
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
        (out, vehicles)
    }

    /// SplitMix64: a small deterministic generator for the random inputs.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % n
        }
    }

    /// The ranked chains against the straightforward sort, on large random
    /// inputs of every key type: narrow and wide integer ranges (offset
    /// table and hashed ranks), negative keys, strings, coded strings and
    /// tuples, with and without complaint keys, many ties in the opening
    /// instants, an `as_of` inside the data and one vehicle with many jobs.
    #[test]
    fn ranked_chains_match_the_sort() {
        let n = 20_000;
        let mut rng = Rng(7);
        let small: Vec<u32> = (0..n).map(|_| rng.below(6_000) as u32).collect();
        let mut wide: Vec<u64> = small
            .iter()
            .map(|&v| u64::from(v).wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .collect();
        // One fleet vehicle with thousands of jobs.
        for w in wide.iter_mut().step_by(17) {
            *w = u64::MAX;
        }
        let signed: Vec<i64> = small.iter().map(|&v| i64::from(v) - 3_000).collect();
        let names: Vec<String> = small.iter().map(|v| format!("V{v}")).collect();
        let strs: Vec<&str> = names.iter().map(String::as_str).collect();
        let labels: Vec<String> = (0..6_000).map(|v| format!("L{}", 6_000 - v)).collect();
        let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let fam: Vec<u32> = (0..n).map(|_| rng.below(4) as u32).collect();
        let fam_i: Vec<i64> = fam.iter().map(|&f| 3 - i64::from(f)).collect();
        let day = 86_400;
        let opened: Vec<i64> = (0..n)
            .map(|_| 1_600_000_000 + rng.below(400) as i64 * day / 2)
            .collect();
        let closed: Vec<i64> = opened
            .iter()
            .map(|&o| o + rng.below(5) as i64 * day)
            .collect();
        let multi = [Keys::U32(&fam), Keys::Str(&strs)];
        let vehicle_cols = [
            Keys::U32(&small),
            Keys::U64(&wide),
            Keys::I64(&signed),
            Keys::Str(&strs),
            Keys::Coded {
                codes: Codes::U32(&small),
                labels: &label_refs,
            },
            Keys::Multi(&multi),
        ];
        let complaint_cols = [None, Some(Keys::U32(&fam)), Some(Keys::I64(&fam_i))];
        let options = [
            ComebackOptions::default(),
            ComebackOptions {
                window_seconds: 3 * day,
                as_of: Some(1_600_000_000 + 190 * day),
                exclude_incomplete: true,
            },
            ComebackOptions {
                window_seconds: 0,
                ..ComebackOptions::default()
            },
        ];
        for vehicles in vehicle_cols {
            for complaints in complaint_cols {
                for opts in &options {
                    let jobs = Jobs {
                        vehicles,
                        complaints,
                        opened: &opened,
                        closed: &closed,
                    };
                    let expect = judge_reference(&jobs, opts);
                    let got = judge(&jobs, opts, true).unwrap();
                    assert!(got == expect, "{vehicles:?} {complaints:?} {opts:?}");
                    assert!(expect.0.contains(&JobOutcome::CameBack));
                }
            }
        }
    }

    /// Above the threads' threshold (several threads on a multi-core
    /// machine) the outcomes are still the straightforward sort's.
    #[test]
    fn large_inputs_match_the_sort() {
        let n = 300_000;
        let mut rng = Rng(11);
        let cars: Vec<u64> = (0..n).map(|_| rng.below(100_000)).collect();
        let fam: Vec<u32> = (0..n).map(|_| rng.below(8) as u32).collect();
        let day = 86_400;
        let opened: Vec<i64> = (0..n)
            .map(|_| 1_600_000_000 + rng.below(730) as i64 * day)
            .collect();
        let closed: Vec<i64> = opened
            .iter()
            .map(|&o| o + rng.below(3 * day as u64) as i64)
            .collect();
        let jobs = Jobs {
            vehicles: Keys::U64(&cars),
            complaints: Some(Keys::U32(&fam)),
            opened: &opened,
            closed: &closed,
        };
        let opts = ComebackOptions {
            as_of: Some(1_600_000_000 + 700 * day),
            ..ComebackOptions::default()
        };
        let expect = judge_reference(&jobs, &opts);
        assert!(judge(&jobs, &opts, true).unwrap() == expect);
        assert!(expect.0.contains(&JobOutcome::CameBack));
    }

    #[test]
    fn comeback_options_defaults_and_validation() {
        let o = ComebackOptions::default();
        assert_eq!(o.window_seconds, 2_592_000);
        assert_eq!(o.as_of, None);
        assert!(o.exclude_incomplete);
        assert!(o.validate().is_ok());
        assert_eq!(ComebackOptions::window_days(30), o);
        // Issue 10 (3): a window has an upper bound too.
        let e = ComebackOptions::window_days(u32::MAX)
            .validate()
            .unwrap_err();
        assert_eq!(e.argument(), Some("window_seconds"));
        let forever = ComebackOptions {
            window_seconds: i64::MAX,
            ..o
        };
        assert!(forever.validate().is_err());
        let longest = ComebackOptions {
            window_seconds: super::super::MAX_WINDOW_SECONDS,
            ..o
        };
        assert!(longest.validate().is_ok());
        let bad = ComebackOptions {
            as_of: Some(i64::MAX),
            ..o
        };
        assert_eq!(
            bad.validate().unwrap_err().kind(),
            crate::ErrorKind::InvalidValue
        );
        let neg = ComebackOptions {
            window_seconds: -5,
            ..o
        };
        assert_eq!(
            neg.validate().unwrap_err().argument(),
            Some("window_seconds")
        );
    }
}
