//! Grouped results of different rows merged into the result of all rows,
//! and the labelled path of [`group_by`](super::group_by) that keeps what a
//! merge needs: each respondent's latest answer, and groups of missing
//! keys.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::count::{count, Counts, Indexed, Zero};
use super::hash::{map_with_capacity, FastMap};
use super::respondent::latest_rows;
use super::{
    first_invalid, groups_of, Assignment, Dedupe, Group, GroupKey, GroupOptions, Grouped, Grouping,
    Keys, Respondents,
};
use crate::error::{Error, Result};
use crate::period::local_date;
use crate::score::ScoreValue;
use crate::tally::{InvalidPolicy, Tally};

/// A respondent id as kept in [`LatestAnswers`]: integer ids of any column
/// type compare equal by value (a non-negative id is `UInt`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RespondentId {
    /// A non-negative integer id.
    UInt(u64),
    /// A negative integer id.
    Int(i64),
    /// A string id.
    Str(String),
}

impl RespondentId {
    fn of(r: &Respondents<'_>, row: usize) -> RespondentId {
        match *r {
            Respondents::U64(v) => RespondentId::UInt(v[row]),
            Respondents::I64(v) => match u64::try_from(v[row]) {
                Ok(u) => RespondentId::UInt(u),
                Err(_) => RespondentId::Int(v[row]),
            },
            Respondents::Str(v) => RespondentId::Str(v[row].to_owned()),
        }
    }
}

/// One respondent's latest answer (per group under [`Dedupe::PerKey`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestAnswer {
    /// Who answered.
    pub respondent: RespondentId,
    /// When (Unix seconds).
    pub time: i64,
    /// The group: an index into [`LatestAnswers::labels`].
    pub group: u32,
    /// The score 0..=10, or `None` for an invalid score (skipped and
    /// counted in [`Grouped::skipped`]).
    pub score: Option<u8>,
}

/// The latest answers behind a deduplicated [`Grouped`] result
/// ([`GroupOptions::mergeable`]): enough to merge it exactly with the result
/// of other rows, where a respondent may have answered again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestAnswers {
    /// The groups the answers fall in (key, local first day of the
    /// period), sorted; each is used by at least one answer.
    pub labels: Vec<(GroupKey, Option<NaiveDate>)>,
    /// The answers, sorted by respondent then group; one per respondent
    /// ([`Dedupe::Global`]) or per respondent and group ([`Dedupe::PerKey`]).
    pub answers: Vec<LatestAnswer>,
}

/// The key of a kept row whose key is missing: [`GroupKey::Null`], or a
/// tuple with `Null` in the missing columns.
fn null_key(opts: &GroupOptions<'_>, row: usize) -> Result<GroupKey> {
    match (&opts.keys, opts.missing.key_columns) {
        (Some(Keys::Multi(cols)), Some(masks)) => {
            if masks.len() != cols.len() {
                return Err(Error::arg(
                    "keys",
                    format!(
                        "{} missing-key masks for {} key columns",
                        masks.len(),
                        cols.len()
                    ),
                ));
            }
            Ok(GroupKey::Tuple(
                cols.iter()
                    .zip(masks)
                    .map(|(c, m)| {
                        if m.is_some_and(|m| m[row]) {
                            GroupKey::Null
                        } else {
                            c.key_at(row)
                        }
                    })
                    .collect(),
            ))
        }
        _ => Ok(GroupKey::Null),
    }
}

/// Label ids of the labels that `used` marks, renumbered in order.
fn compact(
    labels: Vec<(GroupKey, Option<NaiveDate>)>,
    used: &[bool],
) -> (Vec<(GroupKey, Option<NaiveDate>)>, Vec<u32>) {
    let mut remap = vec![Assignment::NONE; labels.len()];
    let mut out = Vec::new();
    for (i, l) in labels.into_iter().enumerate() {
        if used[i] {
            remap[i] = out.len() as u32;
            out.push(l);
        }
    }
    (out, remap)
}

/// `group_by` for missing keys kept as groups, per-key deduplication, or a
/// mergeable deduplicated result: every kept row gets its group first.
pub(super) fn labelled<T: ScoreValue>(
    scores: &[T],
    opts: &GroupOptions<'_>,
    grouping: &Grouping<'_>,
    tz: Tz,
    present: Option<&[bool]>,
    null: Option<&[bool]>,
    skipped_missing: [u64; 3],
) -> Result<Grouped> {
    let rows = scores.len();
    let main: Option<Vec<bool>> = match (present, null) {
        (_, Some(n)) => Some(
            (0..rows)
                .map(|r| present.is_none_or(|p| p[r]) && !n[r])
                .collect(),
        ),
        (Some(p), None) => Some(p.to_vec()),
        (None, None) => None,
    };
    let a = grouping.assign_kept(rows, main.as_deref())?;
    let (mut labels, mut ids) = (a.labels, a.rows);
    if let Some(null) = null {
        let mut extra: FastMap<(GroupKey, Option<NaiveDate>), u32> = map_with_capacity(16);
        for row in (0..rows).filter(|&r| null[r] && present.is_none_or(|p| p[r])) {
            let key = null_key(opts, row)?;
            let period = match (grouping.period, grouping.timestamps) {
                (Some(p), Some(ts)) => Some(p.start_of(local_date(tz, ts[row]).ok_or(
                    Error::InvalidTimestamp {
                        index: row,
                        value: ts[row],
                    },
                )?)),
                _ => None,
            };
            let next = labels.len() as u32;
            ids[row] = *extra.entry((key, period)).or_insert_with_key(|l| {
                labels.push(l.clone());
                next
            });
        }
        // Sort the labels again (missing keys sort last) and renumber.
        let mut order: Vec<u32> = (0..labels.len() as u32).collect();
        order.sort_unstable_by(|&x, &y| labels[x as usize].cmp(&labels[y as usize]));
        let mut remap = vec![0u32; labels.len()];
        for (pos, &old) in order.iter().enumerate() {
            remap[old as usize] = pos as u32;
        }
        ids.iter_mut()
            .filter(|i| **i != Assignment::NONE)
            .for_each(|i| *i = remap[*i as usize]);
        let mut sorted = vec![(GroupKey::All, None); labels.len()];
        for (old, l) in labels.into_iter().enumerate() {
            sorted[remap[old] as usize] = l;
        }
        labels = sorted;
    }
    let candidates: Vec<bool> = ids.iter().map(|&i| i != Assignment::NONE).collect();
    let (keep, dropped_repeats) = match &opts.respondents {
        Some(r) => {
            let groups = (opts.dedupe == Dedupe::PerKey).then_some(ids.as_slice());
            let keep = latest_rows(r, grouping.timestamps, Some(&candidates), groups);
            let kept = keep.iter().filter(|&&k| k).count();
            let all = candidates.iter().filter(|&&k| k).count();
            (keep, (all - kept) as u64)
        }
        None => (candidates, 0),
    };
    let (counts, invalid) = count(scores, &Indexed(&ids), &Zero, 1, labels.len(), Some(&keep));
    if invalid > 0 && opts.invalid == InvalidPolicy::Raise {
        first_invalid(scores, Some(&keep))?;
    }
    let groups = groups_of(&counts, opts.min_n, |slot| labels[slot].clone())?;
    let latest = match (&opts.respondents, opts.mergeable, grouping.timestamps) {
        (Some(r), true, Some(ts)) => {
            let mut used = vec![false; labels.len()];
            let mut answers: Vec<LatestAnswer> = (0..rows)
                .filter(|&row| keep[row])
                .map(|row| {
                    used[ids[row] as usize] = true;
                    LatestAnswer {
                        respondent: RespondentId::of(r, row),
                        time: ts[row],
                        group: ids[row],
                        score: scores[row].to_score(),
                    }
                })
                .collect();
            let (labels, remap) = compact(labels, &used);
            answers
                .iter_mut()
                .for_each(|a| a.group = remap[a.group as usize]);
            answers
                .sort_unstable_by(|x, y| (&x.respondent, x.group).cmp(&(&y.respondent, y.group)));
            Some(LatestAnswers { labels, answers })
        }
        _ => None,
    };
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
        latest,
    })
}

/// The groups and invalid answers of a set of latest answers.
fn groups_of_answers(latest: &LatestAnswers, min_n: u64) -> Result<(Vec<Group>, u64)> {
    let mut counts = vec![0u64; latest.labels.len() * 11];
    let mut invalid = 0;
    for a in &latest.answers {
        match a.score {
            Some(s) => counts[a.group as usize * 11 + usize::from(s)] += 1,
            None => invalid += 1,
        }
    }
    Ok((
        groups_of(&Counts::Wide(counts), min_n, |slot| {
            latest.labels[slot].clone()
        })?,
        invalid,
    ))
}

fn differ(what: &str, a: impl std::fmt::Debug, b: impl std::fmt::Debug) -> Error {
    Error::arg(
        "other",
        format!("results grouped with different {what} do not merge ({a:?} and {b:?})"),
    )
}

impl Grouped {
    /// The result of this result's rows followed by `later`'s rows, exactly
    /// as [`group_by`](super::group_by) gives it on the concatenated input:
    /// tallies of equal (key, period) groups add up, the counts of skipped
    /// rows add up, and thin flags are set again. Associative, so partial
    /// results of any split (e.g. Dask partitions) merge in any tree.
    ///
    /// With respondents ([`GroupOptions::respondents`]), both results must
    /// keep their latest answers ([`GroupOptions::mergeable`]): a
    /// respondent who answered in both keeps the later answer (on a tie,
    /// `later`'s), and the other counts as a dropped repeat.
    ///
    /// Errors ([`Error::InvalidArgument`], `other`): different period, time
    /// zone, `min_n` or respondent rule, a rolling result (merge the period
    /// results, then roll), or a deduplicated result without its latest
    /// answers.
    ///
    /// ```
    /// use nps_core::group::{group_by, GroupOptions, Keys};
    /// let (dealers, scores) = ([1u32, 2, 1, 2], [10u8, 0, 9, 7]);
    /// let by = |r: std::ops::Range<usize>| group_by(&scores[r.clone()], &GroupOptions {
    ///     keys: Some(Keys::U32(&dealers[r])), ..Default::default()
    /// });
    /// assert_eq!(by(0..1)?.merge(&by(1..4)?)?, by(0..4)?);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &Grouped) -> Result<Grouped> {
        if self.window != 1 || later.window != 1 {
            return Err(Error::arg(
                "other",
                "rolling results do not merge: merge the period results, then roll",
            ));
        }
        if self.period != later.period {
            return Err(differ("periods", self.period, later.period));
        }
        if self.tz != later.tz {
            return Err(differ("time zones", &self.tz, &later.tz));
        }
        if self.min_n != later.min_n {
            return Err(differ("min_n", self.min_n, later.min_n));
        }
        if self.dedupe != later.dedupe {
            return Err(differ("respondent rules", self.dedupe, later.dedupe));
        }
        let base = Grouped {
            groups: Vec::new(),
            skipped: 0,
            skipped_keys: self.skipped_keys + later.skipped_keys,
            skipped_timestamps: self.skipped_timestamps + later.skipped_timestamps,
            skipped_respondents: self.skipped_respondents + later.skipped_respondents,
            dropped_repeats: self.dropped_repeats + later.dropped_repeats,
            period: self.period,
            min_n: self.min_n,
            window: 1,
            tz: self.tz.clone(),
            dedupe: self.dedupe,
            latest: None,
        };
        let Some(dedupe) = self.dedupe else {
            return Ok(Grouped {
                groups: merge_groups(&self.groups, &later.groups, self.min_n)?,
                skipped: self.skipped + later.skipped,
                ..base
            });
        };
        let (Some(a), Some(b)) = (&self.latest, &later.latest) else {
            return Err(Error::arg(
                "other",
                "results that keep each respondent's latest answer merge only with those \
                 answers: group with mergeable=true",
            ));
        };
        let latest = merge_latest(a, b, dedupe);
        let collisions = (a.answers.len() + b.answers.len() - latest.answers.len()) as u64;
        let (groups, invalid) = groups_of_answers(&latest, self.min_n)?;
        Ok(Grouped {
            groups,
            skipped: invalid,
            dropped_repeats: base.dropped_repeats + collisions,
            latest: Some(latest),
            ..base
        })
    }
}

/// Sorted groups of two results with equal (key, period) groups added up.
fn merge_groups(a: &[Group], b: &[Group], min_n: u64) -> Result<Vec<Group>> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    let with = |g: &Group, tally: Tally| Group {
        thin: tally.n() < min_n,
        tally,
        complete: true,
        ..g.clone()
    };
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => (&x.key, x.period_start).cmp(&(&y.key, y.period_start)),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                out.push(with(&a[i], a[i].tally));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(with(&b[j], b[j].tally));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(with(&a[i], a[i].tally.merge(&b[j].tally)?));
                i += 1;
                j += 1;
            }
        }
    }
    Ok(out)
}

/// The latest answers of two parts, `b` after `a`.
fn merge_latest(a: &LatestAnswers, b: &LatestAnswers, dedupe: Dedupe) -> LatestAnswers {
    // One sorted label table for both parts.
    let mut labels: Vec<(GroupKey, Option<NaiveDate>)> =
        a.labels.iter().chain(&b.labels).cloned().collect();
    labels.sort_unstable();
    labels.dedup();
    let find = |l: &(GroupKey, Option<NaiveDate>)| {
        labels.binary_search(l).expect("label of a part") as u32
    };
    let ra: Vec<u32> = a.labels.iter().map(find).collect();
    let rb: Vec<u32> = b.labels.iter().map(find).collect();
    let ident = |x: &LatestAnswer, group: u32| match dedupe {
        Dedupe::Global => (x.respondent.clone(), 0),
        Dedupe::PerKey => (x.respondent.clone(), group),
    };
    let mut best: FastMap<(RespondentId, u32), LatestAnswer> =
        map_with_capacity(a.answers.len() + b.answers.len());
    for (x, remap) in a
        .answers
        .iter()
        .map(|x| (x, &ra))
        .chain(b.answers.iter().map(|x| (x, &rb)))
    {
        let answer = LatestAnswer {
            group: remap[x.group as usize],
            ..x.clone()
        };
        best.entry(ident(&answer, answer.group))
            .and_modify(|old| {
                // `b` comes after `a`: on a tie the later part wins.
                if answer.time >= old.time {
                    *old = answer.clone();
                }
            })
            .or_insert(answer);
    }
    let mut answers: Vec<LatestAnswer> = best.into_values().collect();
    let mut used = vec![false; labels.len()];
    answers.iter().for_each(|x| used[x.group as usize] = true);
    let (labels, remap) = compact(labels, &used);
    answers
        .iter_mut()
        .for_each(|x| x.group = remap[x.group as usize]);
    answers.sort_unstable_by(|x, y| (&x.respondent, x.group).cmp(&(&y.respondent, y.group)));
    LatestAnswers { labels, answers }
}

impl LatestAnswers {
    /// Checks a loaded set: labels sorted without repeats and each used,
    /// answers sorted by (respondent, group), unique per respondent
    /// (`Global`) or per respondent and group (`PerKey`), scores 0..=10.
    pub(super) fn check(&self, dedupe: Dedupe) -> Result<()> {
        let bad = |reason: String| Err(Error::arg("state", reason));
        if !self.labels.windows(2).all(|w| w[0] < w[1]) {
            return bad("latest answers: labels must be sorted without repeats".into());
        }
        let mut used = vec![false; self.labels.len()];
        for (i, a) in self.answers.iter().enumerate() {
            let Some(u) = used.get_mut(a.group as usize) else {
                return bad(format!("latest answer {i}: no group {}", a.group));
            };
            *u = true;
            if a.score.is_some_and(|s| s > 10) {
                return bad(format!("latest answer {i}: score above 10"));
            }
            if i > 0 {
                let p = &self.answers[i - 1];
                let order = (&p.respondent, p.group).cmp(&(&a.respondent, a.group));
                let repeat = p.respondent == a.respondent && dedupe == Dedupe::Global;
                if order != std::cmp::Ordering::Less || repeat {
                    return bad(format!(
                        "latest answer {i}: answers must be sorted, one per respondent{}",
                        if dedupe == Dedupe::PerKey {
                            " and group"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        if used.contains(&false) {
            return bad("latest answers: a label no answer uses".into());
        }
        Ok(())
    }

    /// The groups these answers give, and the invalid answers.
    pub(super) fn groups(&self, min_n: u64) -> Result<(Vec<Group>, u64)> {
        groups_of_answers(self, min_n)
    }
}
