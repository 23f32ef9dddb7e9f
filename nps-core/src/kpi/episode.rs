//! Resolution episodes of the comeback rule: diagnosis accuracy and visits
//! per resolution (the source's "治标不治本": a noise repaired three times
//! as a suspension fault and fixed on the fourth visit, a body weld).
//!
//! An **episode** is a complaint's path through the workshop: its first
//! visit (a job that is not the return visit of an earlier job), then, as
//! long as a job [came back](super::JobOutcome::CameBack), the job it came
//! back with (the first job of the same vehicle and complaint key opened
//! strictly later; see [`job_outcomes`](super::job_outcomes)). The
//! episode ends with a job that did not come back: *resolved* when that
//! job's window is complete, *open* when it is
//! [incomplete](super::JobOutcome::Incomplete) at `as_of`.
//!
//! Both KPIs count episodes and attribute each to its **first visit**'s
//! row, so grouping by dealer, advisor or period is by the first visit;
//! coverage is the share of episodes judged. Tables merge as
//! [`first_time_fix_rate`](super::first_time_fix_rate)'s: input
//! partitioned by vehicle.

use super::chain::{judge_linked, rank_keys};
use super::comeback::check_jobs;
use super::partial::Source;
use super::{table_of, ComebackOptions, Grouping, JobOutcome, Jobs, KpiTable, Parts, RateKpi};
use crate::error::{Error, Result};
use crate::group::Keys;

/// Per job: how the episode that goes on from it ends.
struct Walk {
    /// The job is an episode's first visit.
    first: Vec<bool>,
    /// Visits from this job to the end of its episode (this one included).
    visits: Vec<u32>,
    /// How the episode ends: `Fixed` (resolved) or `Incomplete` (open).
    end: Vec<JobOutcome>,
    /// A later visit of the episode had an operation other than this job's.
    changed: Vec<bool>,
}

/// The episodes of `jobs`, with the operation rank of every job (`None`:
/// operations not compared) and the distinct vehicles.
fn walk(
    jobs: &Jobs<'_>,
    opts: &ComebackOptions,
    operations: Option<&[u32]>,
) -> (Walk, Vec<crate::group::GroupKey>) {
    let n = jobs.opened.len();
    let (out, vehicles, links) = judge_linked(jobs, opts.window_seconds, opts.as_of, true, true);
    let links = links.expect("links were asked for");
    let mut first = vec![true; n];
    for (i, &o) in out.iter().enumerate() {
        if o == JobOutcome::CameBack {
            first[links.next[i] as usize] = false;
        }
    }
    let op = |i: usize| operations.map_or(0, |ops| ops[i]);
    // `same[i]`: the operation every visit from job `i` on shares, or
    // `u32::MAX` when they differ. Walked backwards, a job's return visit
    // is always done before it.
    const MIXED: u32 = u32::MAX;
    let mut same = vec![MIXED; n];
    let mut visits = vec![1u32; n];
    let mut end = out.clone();
    let mut changed = vec![false; n];
    for &i in links.walk.iter().rev() {
        let i = i as usize;
        if out[i] == JobOutcome::CameBack {
            let k = links.next[i] as usize;
            visits[i] = visits[k].saturating_add(1);
            end[i] = end[k];
            changed[i] = same[k] != op(i);
            same[i] = if changed[i] { MIXED } else { op(i) };
        } else {
            same[i] = op(i);
        }
    }
    (
        Walk {
            first,
            visits,
            end,
            changed,
        },
        vehicles,
    )
}

/// Diagnosis accuracy: episodes whose first diagnosis held — no later
/// visit of the episode had a different operation — / episodes judged.
///
/// `operations` is the operation (or operation code, labour op) of every
/// job. A return visit with the **same** operation is a repair that did
/// not hold (first-time fix counts it); one with a **different** operation
/// means the first diagnosis was wrong. An episode that is still open at
/// `as_of` is judged only once a different operation shows the diagnosis
/// wrong; otherwise it is left out (`exclude_incomplete`, the default) or
/// counted as accurate. Options: [`ComebackOptions`] (window 30 days).
/// Benchmark name `diagnosis_accuracy` (no default benchmark).
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::kpi::{diagnosis_accuracy, ComebackOptions, Grouping, Jobs};
/// let day = 86_400;
/// // A noise repaired three times as a suspension fault, fixed on the
/// // fourth visit by welding the body; a wheel alignment that held.
/// let jobs = Jobs {
///     vehicles: Keys::Str(&["Zhang", "Zhang", "Zhang", "Zhang", "Li"]),
///     complaints: Some(Keys::Str(&["noise", "noise", "noise", "noise", "tyres"])),
///     opened: &[0, 10 * day, 20 * day, 30 * day, 0],
///     closed: &[day, 11 * day, 21 * day, 35 * day, day],
/// };
/// let ops = Keys::Str(&["suspension", "suspension", "suspension", "body_weld", "alignment"]);
/// let t = diagnosis_accuracy(&jobs, ops, &ComebackOptions::default(), &Grouping::default())?;
/// assert_eq!((t.overall.numerator, t.overall.denominator), (1.0, 2.0));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn diagnosis_accuracy(
    jobs: &Jobs<'_>,
    operations: Keys<'_>,
    opts: &ComebackOptions,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    let n = check_jobs(jobs, opts)?;
    Error::check_len("operations", operations.len(), "vehicles", n)?;
    operations.check(n)?;
    let ops = rank_keys(&operations).ranks;
    let (w, vehicles) = walk(jobs, opts, Some(&ops));
    let exclude = opts.exclude_incomplete;
    let part = |i: usize| {
        if !w.first[i] {
            return Parts::default();
        }
        let judged = w.changed[i] || w.end[i] != JobOutcome::Incomplete || !exclude;
        Parts {
            num: u64::from(judged && !w.changed[i]),
            den: u64::from(judged),
            used: u64::from(judged),
            rows: 1,
        }
    };
    table_of(
        n,
        part,
        grouping,
        Source::comeback(RateKpi::DiagnosisAccuracy, opts),
        Some(vehicles),
    )
}

/// Visits per resolution: the mean number of visits of the resolved
/// episodes (visits / episodes resolved; the source's noise fixed on the
/// fourth visit is 4, a job that held is 1). An episode still open at
/// `as_of` is left out (`exclude_incomplete`, the default) or counted with
/// the visits it has had. `numerator` is the visits, `denominator` the
/// episodes; coverage the share of episodes resolved. Options:
/// [`ComebackOptions`] (window 30 days). Benchmark name
/// `visits_per_resolution` (no default benchmark; a lower value is better).
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::kpi::{visits_per_resolution, ComebackOptions, Grouping, Jobs};
/// let day = 86_400;
/// let jobs = Jobs {
///     vehicles: Keys::Str(&["Zhang", "Zhang", "Zhang", "Zhang", "Li"]),
///     complaints: Some(Keys::Str(&["noise", "noise", "noise", "noise", "tyres"])),
///     opened: &[0, 10 * day, 20 * day, 30 * day, 0],
///     closed: &[day, 11 * day, 21 * day, 35 * day, day],
/// };
/// let t = visits_per_resolution(&jobs, &ComebackOptions::default(), &Grouping::default())?;
/// assert_eq!((t.overall.numerator, t.overall.denominator), (5.0, 2.0)); // 4 + 1 visits
/// assert_eq!(t.overall.value, Some(2.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn visits_per_resolution(
    jobs: &Jobs<'_>,
    opts: &ComebackOptions,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    let n = check_jobs(jobs, opts)?;
    let (w, vehicles) = walk(jobs, opts, None);
    let exclude = opts.exclude_incomplete;
    let part = |i: usize| {
        if !w.first[i] {
            return Parts::default();
        }
        let judged = w.end[i] != JobOutcome::Incomplete || !exclude;
        Parts {
            num: if judged { u64::from(w.visits[i]) } else { 0 },
            den: u64::from(judged),
            used: u64::from(judged),
            rows: 1,
        }
    };
    table_of(
        n,
        part,
        grouping,
        Source::comeback(RateKpi::VisitsPerResolution, opts),
        Some(vehicles),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 for the random inputs.
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

    /// The definition written out: for every job, its return visit found
    /// by scanning all jobs (O(n²)), episodes followed from their first
    /// visits one by one.
    fn reference(
        veh: &[u32],
        comp: &[u32],
        ops: &[u32],
        opened: &[i64],
        closed: &[i64],
        o: &ComebackOptions,
    ) -> (u64, u64, u64, u64) {
        let n = veh.len();
        let next: Vec<Option<usize>> = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| veh[j] == veh[i] && comp[j] == comp[i] && opened[j] > opened[i])
                    .min_by_key(|&j| (opened[j], j))
            })
            .collect();
        let back: Vec<bool> = (0..n)
            .map(|i| next[i].is_some_and(|j| opened[j] - closed[i] <= o.window_seconds))
            .collect();
        let incomplete = |i: usize| o.as_of.is_some_and(|a| a - closed[i] < o.window_seconds);
        let mut returns = vec![false; n];
        for i in 0..n {
            if back[i] {
                returns[next[i].unwrap()] = true;
            }
        }
        let (mut acc, mut judged, mut visits, mut resolved) = (0, 0, 0, 0);
        for s in (0..n).filter(|&s| !returns[s]) {
            let (mut i, mut count, mut changed) = (s, 1, false);
            while back[i] {
                i = next[i].unwrap();
                count += 1;
                changed |= ops[i] != ops[s];
            }
            let open = incomplete(i);
            if changed || !open || !o.exclude_incomplete {
                judged += 1;
                acc += u64::from(!changed);
            }
            if !open || !o.exclude_incomplete {
                resolved += 1;
                visits += count;
            }
        }
        (acc, judged, visits, resolved)
    }

    #[test]
    fn episodes_match_the_definition_on_random_jobs() {
        let day = 86_400;
        let mut rng = Rng(11);
        for round in 0..60 {
            let n = 1 + rng.below(120) as usize;
            let nv = 1 + rng.below(12);
            let veh: Vec<u32> = (0..n).map(|_| rng.below(nv) as u32).collect();
            let comp: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
            let ops: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
            // Few distinct opening days: many ties.
            let opened: Vec<i64> = (0..n).map(|_| rng.below(90) as i64 * day).collect();
            let closed: Vec<i64> = opened
                .iter()
                .map(|&t| t + rng.below(3) as i64 * day)
                .collect();
            let opts = ComebackOptions {
                window_seconds: (1 + rng.below(30) as i64) * day,
                as_of: (round % 2 == 0).then_some(80 * day),
                exclude_incomplete: round % 3 != 0,
            };
            let jobs = Jobs {
                vehicles: Keys::U32(&veh),
                complaints: Some(Keys::U32(&comp)),
                opened: &opened,
                closed: &closed,
            };
            let g = Grouping::default();
            let d = diagnosis_accuracy(&jobs, Keys::U32(&ops), &opts, &g).unwrap();
            let v = visits_per_resolution(&jobs, &opts, &g).unwrap();
            let (acc, judged, visits, resolved) =
                reference(&veh, &comp, &ops, &opened, &closed, &opts);
            assert_eq!(
                (d.overall.numerator, d.overall.denominator),
                (acc as f64, judged as f64),
                "round {round}"
            );
            assert_eq!(
                (v.overall.numerator, v.overall.denominator),
                (visits as f64, resolved as f64),
                "round {round}"
            );
        }
    }

    #[test]
    fn operations_are_checked() {
        let jobs = Jobs {
            vehicles: Keys::U32(&[1, 1]),
            complaints: None,
            opened: &[0, 10],
            closed: &[5, 20],
        };
        let o = ComebackOptions::default();
        let g = Grouping::default();
        let e = diagnosis_accuracy(&jobs, Keys::U32(&[1]), &o, &g).unwrap_err();
        assert!(matches!(
            e,
            Error::LengthMismatch {
                name: "operations",
                ..
            }
        ));
    }
}
