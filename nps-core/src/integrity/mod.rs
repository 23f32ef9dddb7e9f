//! Integrity of the score (SPEC §3 "Integrity", issue 4).
//!
//! The source articles warn against inflated NPS: begging for a 10, survey
//! forms that only accept 9–10, pressuring low scorers to re-rate. This
//! module keeps the reported score honest in two ways.
//!
//! **Original vs re-rated.** A re-rating after a recovery is stored next to
//! the original score, never instead of it: a second column of the same
//! length in which "not re-rated" is a missing value (NaN in a float column,
//! or `false` in an optional `present` mask for integer columns).
//! [`rerated_nps`] tallies both; reports use the original scores unless the
//! caller asks for a different [`Basis`].
//!
//! ```
//! use nps_core::integrity::{rerated_nps, Basis};
//! use nps_core::NpsSample;
//! let original = [3u8, 5, 9, 10, 8];
//! let rerated = [10.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN]; // row 0 re-rated after recovery
//! let r = rerated_nps(&original, &rerated, None, Basis::Original)?;
//! assert_eq!(r.reported().nps()?, 0.0); // 2 promoters − 2 detractors, of 5: the original scores
//! assert_eq!(r.after_recovery.nps()?, 40.0); // 3 − 1, of 5
//! assert_eq!((r.rerated, r.detractors_moved_up, r.detractors_to_promoter), (1, 1, 1));
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! **Managed-distribution flags.** [`managed_flags`] tests every group
//! (dealer, advisor) against the rest of the network (leave-one-out) with
//! exact binomial tails:
//!
//! | test | observed | tail | a managed group shows |
//! |------|----------|------|-----------------------|
//! | [`ManagedTest::Tens`] | scores of 10 | `P(X ≥ x)` | an implausibly high share of 10s ("begging for a 10") |
//! | [`ManagedTest::FewDetractors`] | scores 0–6 | `P(X ≤ x)`; `(1 − p)^n` at `x = 0` | implausibly few or no detractors |
//! | [`ManagedTest::NothingBelowNine`] | scores 0–8 | `P(X ≤ x)`; `(1 − p)^n` at `x = 0` | a form that only accepts 9–10 |
//! | [`ManagedTest::ReratingPressure`] | detractors re-rated to 7–10, of the group's detractors | `P(X ≥ x)` | pressure on low scorers to re-rate |
//!
//! `X ~ Binomial(n, p)` with `n` the group's trials and `p` the share in
//! the network *without the group*. A test is flagged when its p-value is at
//! most the threshold `alpha / m` (Bonferroni over `m` = groups × tests, the
//! default [`Correction`]). A test that could not reach the threshold even
//! with the most extreme outcome at its `n` (or whose group has fewer than
//! `min_n` responses) is
//! [`FlagStatus::InsufficientN`], never silently "not flagged". P-values are
//! also given as natural logarithms, which stay finite far below the
//! smallest `f64`.
//!
//! ```
//! use nps_core::group::Keys;
//! use nps_core::integrity::{managed_flags, FlagOptions, FlagStatus, ManagedTest};
//! // Dealers 1–4 answer like the network; dealer 5 only ever records 10s.
//! let mut scores = Vec::new();
//! let mut dealers = Vec::new();
//! for d in 1..=4u32 {
//!     for s in [0u8, 3, 6, 6, 7, 8, 8, 9, 9, 10] { for _ in 0..10 { scores.push(s); dealers.push(d); } }
//! }
//! for _ in 0..60 { scores.push(10); dealers.push(5); }
//! let f = managed_flags(&scores, Keys::U32(&dealers), &FlagOptions::default())?;
//! let flagged: Vec<_> = f.rows.iter().filter(|r| r.status == FlagStatus::Flagged).collect();
//! assert_eq!(flagged.len(), 3); // dealer 5: too many 10s, no detractors, nothing below 9
//! assert!(flagged.iter().all(|r| r.key.to_string() == "5"));
//! assert_eq!(flagged[0].test, ManagedTest::Tens);
//! assert_eq!(f.comparisons, 15); // 5 groups × 3 tests
//! # Ok::<(), nps_core::Error>(())
//! ```

mod binom;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::group::{group_by, GroupKey, GroupOptions, Keys};
use crate::score::{category_of, Category, ScoreValue};
use crate::state::Saved;
use crate::table::{Column, Table};
use crate::tally::{InvalidPolicy, Tally};
use crate::NpsSample;

fn check_binomial(x: u64, n: u64, p: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::arg("p", format!("must be in [0, 1], got {p}")));
    }
    if x > n {
        return Err(Error::arg("x", format!("must be at most n = {n}, got {x}")));
    }
    Ok(())
}

/// `ln P(X ≥ x)` for `X ~ Binomial(n, p)`, exact to about 1e-14 relative
/// and finite for any `n` (no overflow, no underflow to −∞ while the
/// probability is positive).
///
/// ```
/// use nps_core::integrity::ln_binomial_upper_tail;
/// let lp = ln_binomial_upper_tail(3, 3, 0.5)?;
/// assert!((lp - 0.125f64.ln()).abs() < 1e-15);
/// // 10 million trials: P(X = n) = 0.5^n, far below the smallest f64.
/// let big = ln_binomial_upper_tail(10_000_000, 10_000_000, 0.5)?;
/// assert!((big / (10_000_000.0 * 0.5f64.ln()) - 1.0).abs() < 1e-12);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn ln_binomial_upper_tail(x: u64, n: u64, p: f64) -> Result<f64> {
    check_binomial(x, n, p)?;
    Ok(binom::ln_upper_tail(x, n, p))
}

/// `ln P(X ≤ x)` for `X ~ Binomial(n, p)`; see [`ln_binomial_upper_tail`].
///
/// ```
/// use nps_core::integrity::ln_binomial_lower_tail;
/// // Absence: P(X = 0) = (1 − p)^n.
/// let lp = ln_binomial_lower_tail(0, 50, 0.2)?;
/// assert!((lp - 50.0 * 0.8f64.ln()).abs() < 1e-12);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn ln_binomial_lower_tail(x: u64, n: u64, p: f64) -> Result<f64> {
    check_binomial(x, n, p)?;
    Ok(binom::ln_lower_tail(x, n, p))
}

/// Which scores a report is based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The original scores (the default: a re-rating never replaces them).
    #[default]
    Original,
    /// The re-rated score where there is one, else the original.
    Rerated,
    /// Both; the reported tally is the original one, the after-recovery
    /// tally is shown next to it.
    Both,
}

impl Basis {
    /// `"original"`, `"rerated"` or `"both"`.
    pub fn name(self) -> &'static str {
        match self {
            Basis::Original => "original",
            Basis::Rerated => "rerated",
            Basis::Both => "both",
        }
    }

    /// Parses [`Basis::name`].
    pub fn from_name(name: &str) -> Result<Basis> {
        match name {
            "original" => Ok(Basis::Original),
            "rerated" => Ok(Basis::Rerated),
            "both" => Ok(Basis::Both),
            other => Err(Error::arg(
                "basis",
                format!("unknown basis `{other}` (expected original, rerated or both)"),
            )),
        }
    }
}

/// Original and after-recovery tallies of one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rerating {
    /// The basis asked for; decides [`Rerating::reported`].
    pub basis: Basis,
    /// Tally of the original scores.
    pub original: Tally,
    /// Tally of the re-rated score where there is one, else the original
    /// (same `n` as `original`).
    pub after_recovery: Tally,
    /// Rows with a re-rating.
    pub rerated: u64,
    /// Re-rated rows whose original score was a detractor (0–6).
    pub detractors_rerated: u64,
    /// Re-rated detractors whose re-rating is a passive or promoter (7–10).
    pub detractors_moved_up: u64,
    /// Re-rated detractors whose re-rating is a promoter (9–10).
    pub detractors_to_promoter: u64,
}

impl Rerating {
    /// The tally a report shows: `after_recovery` for [`Basis::Rerated`],
    /// else `original`.
    pub fn reported(&self) -> &Tally {
        match self.basis {
            Basis::Rerated => &self.after_recovery,
            Basis::Original | Basis::Both => &self.original,
        }
    }

    /// The re-rating of two disjoint sets of rows together: tallies merge,
    /// counts add, and the result equals [`rerated_nps`] over both at once.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` for another basis;
    /// the tally's error when a count overflows.
    ///
    /// ```
    /// use nps_core::integrity::{rerated_nps, Basis};
    /// let (o, r) = ([2u8, 9, 4], [9.0, f64::NAN, 7.0]);
    /// let one_pass = rerated_nps(&o, &r, None, Basis::Original)?;
    /// let a = rerated_nps(&o[..1], &r[..1], None, Basis::Original)?;
    /// let b = rerated_nps(&o[1..], &r[1..], None, Basis::Original)?;
    /// assert_eq!(a.merge(&b)?, one_pass);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, other: &Rerating) -> Result<Rerating> {
        if self.basis != other.basis {
            return Err(Error::arg(
                "other",
                format!(
                    "computed with basis {} vs {}",
                    self.basis.name(),
                    other.basis.name()
                ),
            ));
        }
        let add = |a: u64, b: u64| {
            a.checked_add(b)
                .ok_or_else(|| Error::arg("other", "a count overflows"))
        };
        Ok(Rerating {
            basis: self.basis,
            original: self.original.merge(&other.original)?,
            after_recovery: self.after_recovery.merge(&other.after_recovery)?,
            rerated: add(self.rerated, other.rerated)?,
            detractors_rerated: add(self.detractors_rerated, other.detractors_rerated)?,
            detractors_moved_up: add(self.detractors_moved_up, other.detractors_moved_up)?,
            detractors_to_promoter: add(self.detractors_to_promoter, other.detractors_to_promoter)?,
        })
    }

    /// The rules of a re-rating read back from a saved state: both tallies
    /// keep per-score counts and have the same `n`, and detractors re-rated
    /// to a promoter ≤ moved up ≤ detractors re-rated ≤ re-rated ≤ `n`, with
    /// at most as many detractors re-rated as original detractors.
    pub fn check(&self) -> Result<()> {
        let (Some(o), Some(_)) = (self.original.counts(), self.after_recovery.counts()) else {
            return Err(Error::arg(
                "state",
                "re-rating tallies keep per-score counts",
            ));
        };
        let n = self.original.n();
        let detractors: u64 = o[..=6].iter().sum();
        let ok = self.after_recovery.n() == n
            && self.detractors_to_promoter <= self.detractors_moved_up
            && self.detractors_moved_up <= self.detractors_rerated
            && self.detractors_rerated <= self.rerated
            && self.rerated <= n
            && self.detractors_rerated <= detractors;
        if !ok {
            return Err(Error::arg(
                "state",
                "inconsistent re-rating counts (to_promoter <= moved_up <= detractors_rerated <= rerated <= n)",
            ));
        }
        Ok(())
    }
}

impl Saved for Rerating {
    const KIND: &'static str = "Rerating";
    fn check(&self) -> Result<()> {
        Rerating::check(self)
    }
}

/// [`Rerating`] of one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRerating {
    /// The group's key.
    pub key: GroupKey,
    /// Its tallies.
    pub rerating: Rerating,
}

/// The groups of [`rerated_nps_by`] as one value that merges
/// ([`ReratingTable::merge`]), saves ([`Saved`]) and converts to a
/// [`Table`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReratingTable {
    /// Non-empty groups sorted by key.
    pub groups: Vec<GroupRerating>,
}

impl From<Vec<GroupRerating>> for ReratingTable {
    fn from(groups: Vec<GroupRerating>) -> ReratingTable {
        ReratingTable { groups }
    }
}

impl ReratingTable {
    /// Merges the tables of two disjoint sets of rows: groups with the same
    /// key merge ([`Rerating::merge`]), the others are kept in key order;
    /// the result equals [`rerated_nps_by`] over both sets at once.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` for another basis.
    ///
    /// ```
    /// use nps_core::group::Keys;
    /// use nps_core::integrity::{rerated_nps_by, Basis, ReratingTable};
    /// let (o, r, k) = ([2u8, 9, 4, 6], [9.0, f64::NAN, 7.0, 8.0], [7u32, 8, 7, 9]);
    /// let by = |a: usize, b: usize| -> nps_core::Result<ReratingTable> {
    ///     Ok(rerated_nps_by(&o[a..b], &r[a..b], None, Keys::U32(&k[a..b]), Basis::Original)?.into())
    /// };
    /// assert_eq!(by(0, 1)?.merge(&by(1, 4)?)?, by(0, 4)?);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, other: &ReratingTable) -> Result<ReratingTable> {
        let mut groups = Vec::with_capacity(self.groups.len() + other.groups.len());
        let (mut i, mut j) = (0, 0);
        let (a, b) = (&self.groups, &other.groups);
        while i < a.len() || j < b.len() {
            let ord = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => x.key.cmp(&y.key),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match ord {
                std::cmp::Ordering::Less => {
                    groups.push(a[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    groups.push(b[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    groups.push(GroupRerating {
                        key: a[i].key.clone(),
                        rerating: a[i].rerating.merge(&b[j].rerating)?,
                    });
                    i += 1;
                    j += 1;
                }
            }
        }
        if let (Some(x), Some(y)) = (a.first(), b.first()) {
            if x.rerating.basis != y.rerating.basis {
                return Err(Error::arg(
                    "other",
                    format!(
                        "computed with basis {} vs {}",
                        x.rerating.basis.name(),
                        y.rerating.basis.name()
                    ),
                ));
            }
        }
        Ok(ReratingTable { groups })
    }

    /// The rules of a table read back from a saved state: keys strictly
    /// sorted, one basis, every group valid ([`Rerating::check`]).
    pub fn check(&self) -> Result<()> {
        for (i, g) in self.groups.iter().enumerate() {
            g.rerating.check()?;
            if i > 0 {
                let p = &self.groups[i - 1];
                if p.key >= g.key || p.rerating.basis != g.rerating.basis {
                    return Err(Error::arg(
                        "state",
                        format!("group {i}: keys must be sorted without repeats, with one basis"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The table as named columns: the key columns (`key`, or `key_0`,
    /// `key_1`, … for several), `basis`, `n`, `reported_nps`,
    /// `original_nps`, `after_recovery_nps` (null without data), `rerated`,
    /// `detractors_rerated`, `detractors_moved_up`,
    /// `detractors_to_promoter`.
    pub fn to_table(&self) -> Table {
        let g = &self.groups;
        let mut columns = Table::key_columns(g.iter().map(|x| &x.key));
        let n_keys = columns.len();
        let nps = |f: fn(&Rerating) -> &Tally| {
            Column::F64(g.iter().map(|x| f(&x.rerating).nps().ok()).collect())
        };
        let count =
            |f: fn(&Rerating) -> u64| Column::U64(g.iter().map(|x| Some(f(&x.rerating))).collect());
        let c: [(&str, Column); 9] = [
            (
                "basis",
                Column::Str(
                    g.iter()
                        .map(|x| Some(x.rerating.basis.name().to_owned()))
                        .collect(),
                ),
            ),
            ("n", count(|r| r.original.n())),
            ("reported_nps", nps(|r| r.reported())),
            ("original_nps", nps(|r| &r.original)),
            ("after_recovery_nps", nps(|r| &r.after_recovery)),
            ("rerated", count(|r| r.rerated)),
            ("detractors_rerated", count(|r| r.detractors_rerated)),
            ("detractors_moved_up", count(|r| r.detractors_moved_up)),
            (
                "detractors_to_promoter",
                count(|r| r.detractors_to_promoter),
            ),
        ];
        columns.extend(c.into_iter().map(|(n, c)| (n.to_owned(), c)));
        Table {
            columns,
            n_keys,
            period: None,
        }
    }
}

impl Saved for ReratingTable {
    const KIND: &'static str = "ReratingTable";
    fn check(&self) -> Result<()> {
        ReratingTable::check(self)
    }
}

/// Row codes of the re-rating outcome (grouped as scores 0..=4).
const NOT_RERATED: u8 = 0;
const RERATED_OTHER: u8 = 1;
const DETRACTOR_STAYED: u8 = 2;
const DETRACTOR_TO_PASSIVE: u8 = 3;
const DETRACTOR_TO_PROMOTER: u8 = 4;
/// Marks a row skipped under [`InvalidPolicy::Skip`] (not a valid score).
const SKIPPED: u8 = u8::MAX;

/// Validates both columns; per row the effective (after-recovery) score and
/// the outcome code.
fn classify<T: ScoreValue, R: ScoreValue>(
    original: &[T],
    rerated: Option<&[R]>,
    present: Option<&[bool]>,
    invalid: InvalidPolicy,
) -> Result<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    if let Some(r) = rerated {
        Error::check_len("rerated", r.len(), "original", original.len())?;
    }
    if let Some(m) = present {
        Error::check_len("present", m.len(), "original", original.len())?;
    }
    let mut orig = Vec::with_capacity(original.len());
    let mut after = Vec::with_capacity(original.len());
    let mut code = Vec::with_capacity(original.len());
    for (index, &o) in original.iter().enumerate() {
        let o_score = match o.to_score() {
            Some(s) => s,
            None if invalid == InvalidPolicy::Skip => {
                // Invalid in all three columns, so every pass skips the row.
                orig.push(SKIPPED);
                after.push(SKIPPED);
                code.push(SKIPPED);
                continue;
            }
            None => {
                return Err(Error::InvalidScore {
                    index,
                    value: o.to_report(),
                    min: 0,
                    max: 10,
                })
            }
        };
        let re = rerated
            .map(|r| r[index])
            .filter(|r| present.is_none_or(|m| m[index]) && !r.to_report().is_nan());
        let (a, c) = if let Some(r) = re {
            let r_score = r.to_score().ok_or_else(|| {
                Error::value(
                    "rerated",
                    index,
                    format!(
                        "invalid re-rated score {}: a re-rating must be an integer in 0..=10, \
                         or missing (NaN / not present) when there is none",
                        r.to_report()
                    ),
                )
            })?;
            let c = match (category_of(o_score), category_of(r_score)) {
                (Category::Detractor, Category::Detractor) => DETRACTOR_STAYED,
                (Category::Detractor, Category::Passive) => DETRACTOR_TO_PASSIVE,
                (Category::Detractor, Category::Promoter) => DETRACTOR_TO_PROMOTER,
                _ => RERATED_OTHER,
            };
            (r_score, c)
        } else {
            (o_score, NOT_RERATED)
        };
        orig.push(o_score);
        after.push(a);
        code.push(c);
    }
    Ok((orig, after, code))
}

fn rerating_of(basis: Basis, original: Tally, after: Tally, codes: &Tally) -> Rerating {
    // Code tallies come from columns of 0..=4, which always have counts.
    let c = codes.counts().copied().unwrap_or([0; 11]);
    Rerating {
        basis,
        original,
        after_recovery: after,
        rerated: c[1] + c[2] + c[3] + c[4],
        detractors_rerated: c[2] + c[3] + c[4],
        detractors_moved_up: c[3] + c[4],
        detractors_to_promoter: c[4],
    }
}

fn rerate_groups<T: ScoreValue, R: ScoreValue>(
    original: &[T],
    rerated: Option<&[R]>,
    present: Option<&[bool]>,
    keys: Option<Keys<'_>>,
    basis: Basis,
    invalid: InvalidPolicy,
) -> Result<(Vec<GroupRerating>, u64)> {
    let opts = GroupOptions {
        keys,
        invalid,
        ..Default::default()
    };
    if rerated.is_none() {
        // Nothing re-rated: the after-recovery tally is the original one,
        // so one pass of the counting kernels over the scores as given
        // (same validation, same skipped rows) is the whole answer.
        let go = group_by(original, &opts)?;
        let groups = go
            .groups
            .into_iter()
            .map(|o| GroupRerating {
                key: o.key,
                rerating: Rerating {
                    basis,
                    original: o.tally,
                    after_recovery: o.tally,
                    rerated: 0,
                    detractors_rerated: 0,
                    detractors_moved_up: 0,
                    detractors_to_promoter: 0,
                },
            })
            .collect();
        return Ok((groups, go.skipped));
    }
    let (orig, after, code) = classify(original, rerated, present, invalid)?;
    // Three passes of the group machinery over the same keys: the groups
    // (non-empty, sorted by key) line up one to one.
    let go = group_by(&orig, &opts)?;
    let ga = group_by(&after, &opts)?;
    let gc = group_by(&code, &opts)?;
    let skipped = go.skipped;
    let groups = go
        .groups
        .into_iter()
        .zip(ga.groups)
        .zip(gc.groups)
        .map(|((o, a), c)| GroupRerating {
            key: o.key,
            rerating: rerating_of(basis, o.tally, a.tally, &c.tally),
        })
        .collect();
    Ok((groups, skipped))
}

/// Tallies original scores and their re-ratings after recovery.
///
/// `rerated` has one entry per row of `original`; a row is re-rated when
/// its entry is not NaN and (if `present` is given) `present[row]` is true —
/// use NaN for float columns and the mask for integer columns. Errors:
/// [`Error::InvalidScore`] for an invalid original score (with its row),
/// [`Error::InvalidValue`] named `rerated` for an invalid re-rating,
/// [`Error::LengthMismatch`] for columns of different lengths.
///
/// ```
/// use nps_core::integrity::{rerated_nps, Basis};
/// use nps_core::NpsSample;
/// let r = rerated_nps(&[2i64, 9], &[8i64, 0], Some(&[true, false]), Basis::Rerated)?;
/// assert_eq!(r.original.nps()?, 0.0);
/// assert_eq!(r.reported().nps()?, 50.0); // the re-rating 8 replaces the 2 in the after-recovery tally
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn rerated_nps<T: ScoreValue, R: ScoreValue>(
    original: &[T],
    rerated: &[R],
    present: Option<&[bool]>,
    basis: Basis,
) -> Result<Rerating> {
    let (groups, _) = rerate_groups(
        original,
        Some(rerated),
        present,
        None,
        basis,
        InvalidPolicy::Raise,
    )?;
    Ok(match groups.into_iter().next() {
        Some(g) => g.rerating,
        None => Rerating {
            basis,
            original: Tally::EMPTY,
            after_recovery: Tally::EMPTY,
            rerated: 0,
            detractors_rerated: 0,
            detractors_moved_up: 0,
            detractors_to_promoter: 0,
        },
    })
}

/// [`rerated_nps`] per group (dealer, advisor): non-empty groups sorted by
/// key, through the [`group`](crate::group) machinery. `keys` must have
/// the length of `original`.
///
/// ```
/// use nps_core::group::{GroupKey, Keys};
/// use nps_core::integrity::{rerated_nps_by, Basis};
/// let g = rerated_nps_by(&[2u8, 9, 4], &[9.0, f64::NAN, f64::NAN], None, Keys::U32(&[7, 7, 8]), Basis::Original)?;
/// assert_eq!(g.len(), 2);
/// assert_eq!(g[0].key, GroupKey::UInt(7));
/// assert_eq!(g[0].rerating.detractors_to_promoter, 1);
/// assert_eq!(g[1].rerating.rerated, 0);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn rerated_nps_by<T: ScoreValue, R: ScoreValue>(
    original: &[T],
    rerated: &[R],
    present: Option<&[bool]>,
    keys: Keys<'_>,
    basis: Basis,
) -> Result<Vec<GroupRerating>> {
    let (groups, _) = rerate_groups(
        original,
        Some(rerated),
        present,
        Some(keys),
        basis,
        InvalidPolicy::Raise,
    )?;
    Ok(groups)
}

/// The tests of [`managed_flags`], in the order they appear per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManagedTest {
    /// Too many 10s: upper tail of the count of 10s.
    Tens,
    /// Too few detractors (0–6): lower tail; `(1 − p)^n` when there are none.
    FewDetractors,
    /// A form that looks like it only accepts 9–10: lower tail of the count
    /// of scores 0–8; `(1 − p)^n` when there are none.
    NothingBelowNine,
    /// Re-rating pressure: upper tail of the detractors re-rated to 7–10,
    /// out of the group's detractors (only with a re-rated column).
    ReratingPressure,
}

impl ManagedTest {
    /// `"tens"`, `"few_detractors"`, `"nothing_below_9"` or `"rerating_pressure"`.
    pub fn name(self) -> &'static str {
        match self {
            ManagedTest::Tens => "tens",
            ManagedTest::FewDetractors => "few_detractors",
            ManagedTest::NothingBelowNine => "nothing_below_9",
            ManagedTest::ReratingPressure => "rerating_pressure",
        }
    }

    /// Whether the p-value is the upper tail `P(X ≥ x)` (else `P(X ≤ x)`).
    pub fn upper_tail(self) -> bool {
        matches!(self, ManagedTest::Tens | ManagedTest::ReratingPressure)
    }
}

/// Multiple-comparison correction of [`managed_flags`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// Bonferroni: threshold `alpha / m`, `m` = groups × tests (every group
    /// and test counts, including those with insufficient n). Controls the
    /// family-wise error rate at `alpha`, whatever the dependence.
    #[default]
    Bonferroni,
    /// No correction: threshold `alpha` for every test.
    None,
}

impl Correction {
    /// `"bonferroni"` or `"none"`.
    pub fn name(self) -> &'static str {
        match self {
            Correction::Bonferroni => "bonferroni",
            Correction::None => "none",
        }
    }

    /// Parses [`Correction::name`].
    pub fn from_name(name: &str) -> Result<Correction> {
        match name {
            "bonferroni" => Ok(Correction::Bonferroni),
            "none" => Ok(Correction::None),
            other => Err(Error::arg(
                "correction",
                format!("unknown correction `{other}` (expected bonferroni or none)"),
            )),
        }
    }
}

/// Options of [`managed_flags`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FlagOptions {
    /// Family-wise significance level, in (0, 1); default 0.001.
    pub alpha: f64,
    /// Every test of a group with fewer responses is
    /// [`FlagStatus::InsufficientN`]; default 30.
    pub min_n: u64,
    /// Multiple-comparison correction; default Bonferroni.
    pub correction: Correction,
    /// Invalid original scores: reject the batch (default) or skip the
    /// rows (and count them in [`ManagedFlags::skipped`]). Invalid
    /// re-ratings are always an error.
    pub invalid: InvalidPolicy,
}

impl Default for FlagOptions {
    fn default() -> FlagOptions {
        FlagOptions {
            alpha: 0.001,
            min_n: 30,
            correction: Correction::Bonferroni,
            invalid: InvalidPolicy::Raise,
        }
    }
}

/// Outcome of one test of one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagStatus {
    /// The p-value is at most the threshold: the distribution looks managed.
    Flagged,
    /// The test could have flagged the group but the p-value is above the threshold.
    NotFlagged,
    /// The group has fewer than `min_n` responses, or even the most extreme
    /// outcome at this test's `n` would not reach the threshold: the group
    /// is too small to tell.
    InsufficientN,
    /// The rest of the network has no trials, so there is no reference share.
    NoData,
}

impl FlagStatus {
    /// `"flagged"`, `"not_flagged"`, `"insufficient_n"` or `"no_data"`.
    pub fn name(self) -> &'static str {
        match self {
            FlagStatus::Flagged => "flagged",
            FlagStatus::NotFlagged => "not_flagged",
            FlagStatus::InsufficientN => "insufficient_n",
            FlagStatus::NoData => "no_data",
        }
    }
}

/// One test of one group, with the statistic and threshold behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedFlag {
    /// The group's key.
    pub key: GroupKey,
    /// The test.
    pub test: ManagedTest,
    /// Trials: the group's responses (its detractors for
    /// [`ManagedTest::ReratingPressure`]).
    pub n: u64,
    /// Observed count in the group (10s, detractors, scores 0–8, or
    /// detractors re-rated up).
    pub observed: u64,
    /// `observed / n`; `None` when `n` is 0.
    pub share: Option<f64>,
    /// Trials in the network without this group.
    pub network_n: u64,
    /// Observed count in the network without this group.
    pub network_observed: u64,
    /// `network_observed / network_n`, the null share `p`; `None` when
    /// `network_n` is 0.
    pub network_share: Option<f64>,
    /// Exact binomial tail probability (`P(X ≥ observed)` or
    /// `P(X ≤ observed)`, see [`ManagedTest::upper_tail`]); `None` without a
    /// network share. May underflow to 0: see `ln_p_value`.
    pub p_value: Option<f64>,
    /// Natural logarithm of `p_value` (finite far below the smallest `f64`;
    /// −∞ only for an outcome impossible under the network share).
    #[serde(with = "crate::state::exact_f64")]
    pub ln_p_value: Option<f64>,
    /// Natural logarithm of the smallest p-value this test could reach at
    /// this `n` (all trials in the suspicious direction).
    #[serde(with = "crate::state::exact_f64")]
    pub ln_min_p_value: Option<f64>,
    /// The corrected significance threshold the p-value is compared with.
    pub threshold: f64,
    /// The verdict.
    pub status: FlagStatus,
}

/// The result of [`managed_flags`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedFlags {
    /// One row per group and test: groups sorted by key, tests in
    /// [`ManagedTest`] order.
    pub rows: Vec<ManagedFlag>,
    /// The family-wise significance level.
    pub alpha: f64,
    /// The correction applied.
    pub correction: Correction,
    /// Number of comparisons `m` (groups × tests).
    pub comparisons: u64,
    /// `alpha / m` (Bonferroni) or `alpha`.
    pub threshold: f64,
    /// The minimum number of responses per group.
    pub min_n: u64,
    /// Rows skipped for an invalid score under [`InvalidPolicy::Skip`].
    pub skipped: u64,
    /// Whether the re-rating-pressure test ran ([`managed_flags_rerated`]).
    #[serde(default)]
    pub rerated: bool,
}

/// Per group: trials and observed count of each test, in [`ManagedTest`]
/// order (the re-rating slot is not used without a re-rated column).
type TestCounts = [(u64, u64); 4];

impl ManagedFlags {
    /// The flagged rows.
    pub fn flagged(&self) -> impl Iterator<Item = &ManagedFlag> {
        self.rows.iter().filter(|r| r.status == FlagStatus::Flagged)
    }

    /// The tests of every group, in order.
    fn tests(&self) -> &'static [ManagedTest] {
        tests_of(self.rerated)
    }

    /// Each group's key and counts, read back from the rows; an error
    /// naming `state` when the rows are not whole groups of the tests in
    /// order, with strictly sorted keys and consistent counts.
    fn group_counts(&self) -> Result<Vec<(GroupKey, TestCounts)>> {
        let bad = |reason: String| Err(Error::arg("state", reason));
        let tests = self.tests();
        if self.rows.len() % tests.len() != 0 {
            return bad(format!(
                "{} rows are not whole groups of {} tests",
                self.rows.len(),
                tests.len()
            ));
        }
        let mut out: Vec<(GroupKey, TestCounts)> = Vec::new();
        for (g, chunk) in self.rows.chunks(tests.len()).enumerate() {
            let key = &chunk[0].key;
            let mut c: TestCounts = [(0, 0); 4];
            for (r, &t) in chunk.iter().zip(tests) {
                if r.test != t || r.key != *key || r.observed > r.n {
                    return bad(format!(
                        "group {g}: rows must be the tests in order for one key, observed <= n"
                    ));
                }
                c[t as usize] = (r.n, r.observed);
            }
            let n = c[0].0;
            let consistent = c[1].0 == n
                && c[2].0 == n
                && c[0].1.checked_add(c[2].1).is_some_and(|s| s <= n)
                && c[1].1 <= c[2].1
                && (!self.rerated || c[3].0 == c[1].1);
            if !consistent {
                return bad(format!(
                    "group {g}: the counts of its tests do not fit one sample"
                ));
            }
            if out.last().is_some_and(|(k, _)| k >= key) {
                return bad(format!("group {g}: keys must be sorted without repeats"));
            }
            out.push((key.clone(), c));
        }
        Ok(out)
    }

    /// Merges the flags of two disjoint sets of rows (responses): each
    /// group's counts add, the network shares, p-values, the number of
    /// comparisons, the threshold and every verdict are recomputed, so the
    /// result equals [`managed_flags`] (or [`managed_flags_rerated`]) over
    /// both sets at once, whatever the split.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` when the two were
    /// computed with different `alpha`, `min_n`, correction, or one with a
    /// re-rated column and one without.
    ///
    /// ```
    /// use nps_core::group::Keys;
    /// use nps_core::integrity::{managed_flags, FlagOptions};
    /// let scores: Vec<u8> = (0..200).map(|i| if i < 60 { 10 } else { (i % 11) as u8 }).collect();
    /// let keys: Vec<u32> = (0..200).map(|i| if i < 60 { 5 } else { i % 4 }).collect();
    /// let o = FlagOptions::default();
    /// let one_pass = managed_flags(&scores, Keys::U32(&keys), &o)?;
    /// let a = managed_flags(&scores[..90], Keys::U32(&keys[..90]), &o)?;
    /// let b = managed_flags(&scores[90..], Keys::U32(&keys[90..]), &o)?;
    /// assert_eq!(a.merge(&b)?, one_pass);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, other: &ManagedFlags) -> Result<ManagedFlags> {
        let how = |f: &ManagedFlags| (f.alpha.to_bits(), f.min_n, f.correction, f.rerated);
        if how(self) != how(other) {
            return Err(Error::arg(
                "other",
                format!(
                    "computed with other options (alpha {}, min_n {}, correction {}, rerated {} vs alpha {}, min_n {}, correction {}, rerated {})",
                    self.alpha, self.min_n, self.correction.name(), self.rerated,
                    other.alpha, other.min_n, other.correction.name(), other.rerated
                ),
            ));
        }
        let (a, b) = (self.group_counts()?, other.group_counts()?);
        let mut merged: Vec<(GroupKey, TestCounts)> = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        let overflow = || Error::arg("other", "a count overflows");
        while i < a.len() || j < b.len() {
            let ord = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => x.0.cmp(&y.0),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match ord {
                std::cmp::Ordering::Less => {
                    merged.push(a[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    merged.push(b[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let mut c = a[i].1;
                    for (x, y) in c.iter_mut().zip(&b[j].1) {
                        x.0 = x.0.checked_add(y.0).ok_or_else(overflow)?;
                        x.1 = x.1.checked_add(y.1).ok_or_else(overflow)?;
                    }
                    merged.push((a[i].0.clone(), c));
                    i += 1;
                    j += 1;
                }
            }
        }
        let skipped = self
            .skipped
            .checked_add(other.skipped)
            .ok_or_else(overflow)?;
        let opts = FlagOptions {
            alpha: self.alpha,
            min_n: self.min_n,
            correction: self.correction,
            invalid: InvalidPolicy::Raise,
        };
        finish(merged, self.rerated, &opts, skipped)
    }

    /// The rules of flags read back from a saved state: `alpha` in (0, 1),
    /// rows that are whole groups of the tests in order with sorted keys
    /// and consistent counts, and every derived figure (network counts,
    /// shares, p-values, comparisons, threshold, verdicts) equal to its
    /// recomputation from the groups' counts.
    pub fn check(&self) -> Result<()> {
        let opts = FlagOptions {
            alpha: self.alpha,
            min_n: self.min_n,
            correction: self.correction,
            invalid: InvalidPolicy::Raise,
        };
        let again = finish(self.group_counts()?, self.rerated, &opts, self.skipped)
            .map_err(|e| Error::arg("state", e.to_string()))?;
        if again != *self {
            return Err(Error::arg(
                "state",
                "a derived figure (network counts, share, p-value, threshold or verdict) differs from its recomputation",
            ));
        }
        Ok(())
    }

    /// The rows as named columns: the key columns (`key`, or `key_0`,
    /// `key_1`, … for several), `test`, `status`, `flagged`, `n`,
    /// `observed`, `share`, `network_n`, `network_observed`,
    /// `network_share`, `tail` (`upper` or `lower`), `p_value`,
    /// `ln_p_value`, `ln_min_p_value`, `threshold` (null where a row has no
    /// value).
    ///
    /// ```
    /// use nps_core::group::Keys;
    /// use nps_core::integrity::{managed_flags, FlagOptions};
    /// use nps_core::table::Column;
    /// let f = managed_flags(&[10u8, 3, 9, 9], Keys::U32(&[1, 1, 2, 2]), &FlagOptions::default())?;
    /// let t = f.to_table();
    /// assert_eq!(t.names()[..3], ["key", "test", "status"]);
    /// assert_eq!(t.column("key"), Some(&Column::U64(vec![Some(1), Some(1), Some(1), Some(2), Some(2), Some(2)])));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn to_table(&self) -> Table {
        let rows = &self.rows;
        let mut columns = Table::key_columns(rows.iter().map(|r| &r.key));
        let n_keys = columns.len();
        let text = |f: fn(&ManagedFlag) -> &'static str| {
            Column::Str(rows.iter().map(|r| Some(f(r).to_owned())).collect())
        };
        let count =
            |f: fn(&ManagedFlag) -> u64| Column::U64(rows.iter().map(|r| Some(f(r))).collect());
        let float = |f: fn(&ManagedFlag) -> Option<f64>| Column::F64(rows.iter().map(f).collect());
        let c: [(&str, Column); 14] = [
            ("test", text(|r| r.test.name())),
            ("status", text(|r| r.status.name())),
            (
                "flagged",
                Column::Bool(
                    rows.iter()
                        .map(|r| Some(r.status == FlagStatus::Flagged))
                        .collect(),
                ),
            ),
            ("n", count(|r| r.n)),
            ("observed", count(|r| r.observed)),
            ("share", float(|r| r.share)),
            ("network_n", count(|r| r.network_n)),
            ("network_observed", count(|r| r.network_observed)),
            ("network_share", float(|r| r.network_share)),
            (
                "tail",
                text(|r| {
                    if r.test.upper_tail() {
                        "upper"
                    } else {
                        "lower"
                    }
                }),
            ),
            ("p_value", float(|r| r.p_value)),
            ("ln_p_value", float(|r| r.ln_p_value)),
            ("ln_min_p_value", float(|r| r.ln_min_p_value)),
            ("threshold", float(|r| Some(r.threshold))),
        ];
        columns.extend(c.into_iter().map(|(n, c)| (n.to_owned(), c)));
        Table {
            columns,
            n_keys,
            period: None,
        }
    }
}

impl Saved for ManagedFlags {
    const KIND: &'static str = "ManagedFlags";
    fn check(&self) -> Result<()> {
        ManagedFlags::check(self)
    }
}

impl Saved for ManagedFlag {
    const KIND: &'static str = "ManagedFlag";
}

fn tests_of(rerated: bool) -> &'static [ManagedTest] {
    if rerated {
        &[
            ManagedTest::Tens,
            ManagedTest::FewDetractors,
            ManagedTest::NothingBelowNine,
            ManagedTest::ReratingPressure,
        ]
    } else {
        &[
            ManagedTest::Tens,
            ManagedTest::FewDetractors,
            ManagedTest::NothingBelowNine,
        ]
    }
}

/// A re-rated column for [`managed_flags_rerated`]: as in [`rerated_nps`].
#[derive(Debug, Clone, Copy)]
pub struct Rerated<'a, R> {
    /// Re-rated score per row; NaN = not re-rated.
    pub scores: &'a [R],
    /// Optional mask: `false` = not re-rated (for integer columns).
    pub present: Option<&'a [bool]>,
}

/// Flags groups whose score distribution looks managed (see the
/// [module documentation](self)) with tests (a)–(c) on the original scores.
///
/// Errors: [`Error::InvalidScore`] with its row, [`Error::LengthMismatch`],
/// [`Error::InvalidArgument`] for `alpha` outside (0, 1).
pub fn managed_flags<T: ScoreValue>(
    scores: &[T],
    keys: Keys<'_>,
    opts: &FlagOptions,
) -> Result<ManagedFlags> {
    flags(scores, None::<Rerated<'_, f64>>, keys, opts)
}

/// [`managed_flags`] plus the re-rating-pressure test (d): the share of a
/// group's detractors re-rated to 7–10, against the rest of the network.
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::integrity::{managed_flags_rerated, FlagOptions, ManagedTest, Rerated};
/// let scores = [3u8, 9, 3, 9];
/// let rerated = [9.0, f64::NAN, f64::NAN, f64::NAN];
/// let f = managed_flags_rerated(
///     &scores,
///     Rerated { scores: &rerated, present: None },
///     Keys::U32(&[1, 1, 2, 2]),
///     &FlagOptions::default(),
/// )?;
/// assert_eq!(f.rows.len(), 8);
/// let d = &f.rows[3];
/// assert_eq!((d.test, d.n, d.observed, d.network_share), (ManagedTest::ReratingPressure, 1, 1, Some(0.0)));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn managed_flags_rerated<T: ScoreValue, R: ScoreValue>(
    scores: &[T],
    rerated: Rerated<'_, R>,
    keys: Keys<'_>,
    opts: &FlagOptions,
) -> Result<ManagedFlags> {
    flags(scores, Some(rerated), keys, opts)
}

/// Per group: trials and observed counts of each test.
fn counts_of(r: &Rerating) -> [(u64, u64); 4] {
    // Tallies from validated score columns always keep per-score counts.
    let c = r.original.counts().copied().unwrap_or([0; 11]);
    let n: u64 = c.iter().sum();
    let det: u64 = c[..=6].iter().sum();
    let below9: u64 = c[..=8].iter().sum();
    [
        (n, c[10]),
        (n, det),
        (n, below9),
        (det, r.detractors_moved_up),
    ]
}

fn flags<T: ScoreValue, R: ScoreValue>(
    scores: &[T],
    rerated: Option<Rerated<'_, R>>,
    keys: Keys<'_>,
    opts: &FlagOptions,
) -> Result<ManagedFlags> {
    if !(opts.alpha > 0.0 && opts.alpha < 1.0) {
        return Err(Error::arg(
            "alpha",
            format!("must be in (0, 1), got {}", opts.alpha),
        ));
    }
    let (groups, skipped) = rerate_groups(
        scores,
        rerated.map(|r| r.scores),
        rerated.and_then(|r| r.present),
        Some(keys),
        Basis::Original,
        opts.invalid,
    )?;
    let per_group = groups
        .into_iter()
        .map(|g| {
            let c = counts_of(&g.rerating);
            (g.key, c)
        })
        .collect();
    finish(per_group, rerated.is_some(), opts, skipped)
}

/// The flags of groups given by their counts (the second half of
/// [`managed_flags`], shared with [`ManagedFlags::merge`] and
/// [`ManagedFlags::check`]).
fn finish(
    groups: Vec<(GroupKey, TestCounts)>,
    rerated: bool,
    opts: &FlagOptions,
    skipped: u64,
) -> Result<ManagedFlags> {
    if !(opts.alpha > 0.0 && opts.alpha < 1.0) {
        return Err(Error::arg(
            "alpha",
            format!("must be in (0, 1), got {}", opts.alpha),
        ));
    }
    let tests = tests_of(rerated);
    let mut total = [(0u64, 0u64); 4];
    for (_, g) in &groups {
        for (t, c) in total.iter_mut().zip(g) {
            t.0 =
                t.0.checked_add(c.0)
                    .ok_or_else(|| Error::arg("other", "a count overflows"))?;
            t.1 =
                t.1.checked_add(c.1)
                    .ok_or_else(|| Error::arg("other", "a count overflows"))?;
        }
    }
    let comparisons = (groups.len() * tests.len()) as u64;
    let threshold = match opts.correction {
        Correction::Bonferroni => opts.alpha / comparisons.max(1) as f64,
        Correction::None => opts.alpha,
    };
    let ln_threshold = threshold.ln();
    let mut rows = Vec::with_capacity(comparisons as usize);
    for (key, counts) in &groups {
        for &test in tests {
            let i = test as usize;
            let (n, x) = counts[i];
            let (network_n, network_observed) = (total[i].0 - n, total[i].1 - x);
            let share = (n > 0).then(|| x as f64 / n as f64);
            let p = (network_n > 0).then(|| network_observed as f64 / network_n as f64);
            let (ln_p, ln_min) = match p {
                None => (None, None),
                Some(p) if test.upper_tail() => (
                    Some(binom::ln_upper_tail(x, n, p)),
                    Some(binom::ln_upper_tail(n, n, p)),
                ),
                Some(p) => (
                    Some(binom::ln_lower_tail(x, n, p)),
                    Some(binom::ln_lower_tail(0, n, p)),
                ),
            };
            let status = match (ln_p, ln_min) {
                (Some(lp), Some(lm)) => {
                    if counts[0].0 < opts.min_n || lm > ln_threshold {
                        FlagStatus::InsufficientN
                    } else if lp <= ln_threshold {
                        FlagStatus::Flagged
                    } else {
                        FlagStatus::NotFlagged
                    }
                }
                _ => FlagStatus::NoData,
            };
            rows.push(ManagedFlag {
                key: key.clone(),
                test,
                n,
                observed: x,
                share,
                network_n,
                network_observed,
                network_share: p,
                p_value: ln_p.map(|l| l.exp().clamp(0.0, 1.0)),
                ln_p_value: ln_p,
                ln_min_p_value: ln_min,
                threshold,
                status,
            });
        }
    }
    Ok(ManagedFlags {
        rows,
        alpha: opts.alpha,
        correction: opts.correction,
        comparisons,
        threshold,
        min_n: opts.min_n,
        skipped,
        rerated,
    })
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use crate::state::Saved;
    use proptest::prelude::*;

    /// Rows: (score 0..=11, where 11 is invalid; re-rating 0..=11, where
    /// 11 is none; key).
    fn rows() -> impl Strategy<Value = Vec<(u8, u8, u32)>> {
        proptest::collection::vec((0u8..=11, 0u8..=11, 0u32..5), 0..120)
    }

    fn columns(rows: &[&(u8, u8, u32)]) -> (Vec<f64>, Vec<f64>, Vec<u32>) {
        let s = rows
            .iter()
            .map(|r| if r.0 > 10 { f64::NAN } else { f64::from(r.0) })
            .collect();
        let re = rows
            .iter()
            .map(|r| if r.1 > 10 { f64::NAN } else { f64::from(r.1) })
            .collect();
        (s, re, rows.iter().map(|r| r.2).collect())
    }

    fn flags_of(rows: &[&(u8, u8, u32)], rerated: bool, opts: &FlagOptions) -> ManagedFlags {
        let (s, re, k) = columns(rows);
        if rerated {
            managed_flags_rerated(
                &s,
                Rerated {
                    scores: &re,
                    present: None,
                },
                Keys::U32(&k),
                opts,
            )
            .unwrap()
        } else {
            managed_flags(&s, Keys::U32(&k), opts).unwrap()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Flags merged from any split (either order) equal the one-pass
        /// flags, bit for bit; saved states round-trip and check.
        #[test]
        fn flags_merge_in_any_split_equals_one_pass(
            rows in rows(),
            mask in proptest::collection::vec(any::<bool>(), 1..6),
            rerated in any::<bool>(),
            min_n in 0u64..20,
        ) {
            let opts = FlagOptions { alpha: 0.05, min_n, invalid: InvalidPolicy::Skip, ..FlagOptions::default() };
            let all: Vec<&(u8, u8, u32)> = rows.iter().collect();
            let part = |want: bool| -> Vec<&(u8, u8, u32)> {
                rows.iter().zip(mask.iter().cycle()).filter(|(_, &m)| m == want).map(|(r, _)| r).collect()
            };
            let one = flags_of(&all, rerated, &opts);
            let (a, b) = (flags_of(&part(true), rerated, &opts), flags_of(&part(false), rerated, &opts));
            prop_assert_eq!(&a.merge(&b).unwrap(), &one);
            prop_assert_eq!(&b.merge(&a).unwrap(), &one);
            prop_assert!(one.check().is_ok());
            prop_assert_eq!(&ManagedFlags::from_state(&one.to_state()).unwrap(), &one);
        }

        /// Without a re-rated column the groups are counted in one pass
        /// of the kernels: the same groups, counts, skipped rows and first
        /// invalid row as the three-pass classification with a re-rated
        /// column in which nothing is re-rated.
        #[test]
        fn unrerated_flags_equal_the_classified_pass(
            rows in rows(),
            skip in any::<bool>(),
        ) {
            let invalid = if skip { InvalidPolicy::Skip } else { InvalidPolicy::Raise };
            let opts = FlagOptions { alpha: 0.05, min_n: 0, invalid, ..FlagOptions::default() };
            let all: Vec<&(u8, u8, u32)> = rows.iter().collect();
            let (s, _, k) = columns(&all);
            let none = vec![f64::NAN; s.len()];
            let one = managed_flags(&s, Keys::U32(&k), &opts);
            let three = managed_flags_rerated(
                &s,
                Rerated { scores: &none, present: None },
                Keys::U32(&k),
                &opts,
            );
            match (one, three) {
                (Ok(one), Ok(three)) => {
                    prop_assert_eq!(one.skipped, three.skipped);
                    let kept: Vec<&ManagedFlag> = three
                        .rows
                        .iter()
                        .filter(|r| r.test != ManagedTest::ReratingPressure)
                        .collect();
                    prop_assert_eq!(one.rows.len(), kept.len());
                    for (a, b) in one.rows.iter().zip(kept) {
                        prop_assert_eq!((&a.key, a.test, a.n, a.observed), (&b.key, b.test, b.n, b.observed));
                        prop_assert_eq!((a.network_n, a.network_observed), (b.network_n, b.network_observed));
                    }
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "one pass {a:?}, classified {b:?}"),
            }
        }

        /// Re-rating tables merged from any split equal the one-pass table.
        #[test]
        fn rerating_merge_in_any_split_equals_one_pass(
            rows in rows(),
            mask in proptest::collection::vec(any::<bool>(), 1..6),
        ) {
            let valid: Vec<&(u8, u8, u32)> = rows.iter().filter(|r| r.0 <= 10).collect();
            let table = |rs: &[&(u8, u8, u32)]| -> ReratingTable {
                let (s, re, k) = columns(rs);
                rerated_nps_by(&s, &re, None, Keys::U32(&k), Basis::Rerated).unwrap().into()
            };
            let part = |want: bool| -> Vec<&(u8, u8, u32)> {
                valid.iter().zip(mask.iter().cycle()).filter(|(_, &m)| m == want).map(|(r, _)| *r).collect()
            };
            let one = table(&valid);
            let (a, b) = (table(&part(true)), table(&part(false)));
            prop_assert_eq!(&a.merge(&b).unwrap(), &one);
            prop_assert_eq!(&b.merge(&a).unwrap(), &one);
            prop_assert_eq!(&ReratingTable::from_state(&one.to_state()).unwrap(), &one);
        }
    }

    /// Hand-computed: dealer 1 has 10s only in both halves; merged, its
    /// tens test counts 4 of 4 and the network (dealer 2) 1 of 4.
    #[test]
    fn merged_counts_by_hand() {
        let opts = FlagOptions {
            min_n: 0,
            ..FlagOptions::default()
        };
        let f = |s: &[u8], k: &[u32]| managed_flags(s, Keys::U32(k), &opts).unwrap();
        let m = f(&[10, 10, 3, 9], &[1, 1, 2, 2])
            .merge(&f(&[10, 10, 10, 5], &[1, 1, 2, 2]))
            .unwrap();
        let tens = &m.rows[0];
        assert_eq!(
            (tens.key.clone(), tens.n, tens.observed),
            (GroupKey::UInt(1), 4, 4)
        );
        assert_eq!((tens.network_n, tens.network_observed), (4, 1));
        // P(X >= 4 | n = 4, p = 1/4) = 1/256.
        assert!((tens.p_value.unwrap() - 1.0 / 256.0).abs() < 1e-15);
        assert_eq!(m.comparisons, 6);
        assert_eq!(m.threshold, 0.001 / 6.0);
    }

    #[test]
    fn merge_refuses_other_options() {
        let f = |o: &FlagOptions| managed_flags(&[9u8, 3], Keys::U32(&[1, 2]), o).unwrap();
        let d = FlagOptions::default();
        for o in [
            FlagOptions { alpha: 0.01, ..d },
            FlagOptions { min_n: 3, ..d },
            FlagOptions {
                correction: Correction::None,
                ..d
            },
        ] {
            assert_eq!(f(&d).merge(&f(&o)).unwrap_err().argument(), Some("other"));
        }
        let r = managed_flags_rerated(
            &[9u8, 3],
            Rerated {
                scores: &[f64::NAN, 9.0],
                present: None,
            },
            Keys::U32(&[1, 2]),
            &d,
        )
        .unwrap();
        assert_eq!(f(&d).merge(&r).unwrap_err().argument(), Some("other"));
        let t = |b| -> ReratingTable {
            rerated_nps_by(&[3u8], &[9.0], None, Keys::U32(&[1]), b)
                .unwrap()
                .into()
        };
        assert_eq!(
            t(Basis::Original)
                .merge(&t(Basis::Rerated))
                .unwrap_err()
                .argument(),
            Some("other")
        );
    }

    #[test]
    fn tampered_states_do_not_load() {
        let f = managed_flags(
            &[10u8, 10, 3, 9, 7, 6],
            Keys::U32(&[1, 1, 2, 2, 3, 3]),
            &FlagOptions::default(),
        )
        .unwrap();
        let state = String::from_utf8(f.to_state()).unwrap();
        // Keys are saved exactly (an unsigned key stays unsigned).
        let key = |k: u64| serde_json::to_string(&GroupKey::UInt(k)).unwrap();
        assert!(state.contains(&key(1)), "{state}");
        assert_eq!(ManagedFlags::from_state(state.as_bytes()).unwrap(), f);
        for (from, to) in [
            (r#""observed":2"#.to_owned(), r#""observed":1"#.to_owned()),
            (
                r#""status":"insufficient_n""#.to_owned(),
                r#""status":"flagged""#.to_owned(),
            ),
            (
                r#""comparisons":9"#.to_owned(),
                r#""comparisons":8"#.to_owned(),
            ),
            (key(3), key(0)),
        ] {
            assert!(state.contains(&from), "{from}");
            let e = ManagedFlags::from_state(state.replacen(&from, &to, 1).as_bytes()).unwrap_err();
            assert_eq!(e.argument(), Some("state"), "{from}: {e}");
        }
        let t: ReratingTable = rerated_nps_by(
            &[3u8, 9],
            &[9.0, f64::NAN],
            None,
            Keys::U32(&[1, 2]),
            Basis::Original,
        )
        .unwrap()
        .into();
        let s = String::from_utf8(t.to_state()).unwrap();
        let bad = s.replacen(
            r#""detractors_to_promoter":1"#,
            r#""detractors_to_promoter":2"#,
            1,
        );
        assert_ne!(bad, s);
        assert_eq!(
            ReratingTable::from_state(bad.as_bytes())
                .unwrap_err()
                .argument(),
            Some("state")
        );
    }
}
