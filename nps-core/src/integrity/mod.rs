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
use crate::tally::{InvalidPolicy, Tally};

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
}

/// [`Rerating`] of one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRerating {
    /// The group's key.
    pub key: GroupKey,
    /// Its tallies.
    pub rerating: Rerating,
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
    let (orig, after, code) = classify(original, rerated, present, invalid)?;
    let opts = GroupOptions {
        keys,
        invalid,
        ..Default::default()
    };
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
    pub ln_p_value: Option<f64>,
    /// Natural logarithm of the smallest p-value this test could reach at
    /// this `n` (all trials in the suspicious direction).
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
}

impl ManagedFlags {
    /// The flagged rows.
    pub fn flagged(&self) -> impl Iterator<Item = &ManagedFlag> {
        self.rows.iter().filter(|r| r.status == FlagStatus::Flagged)
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
    let tests: &[ManagedTest] = if rerated.is_some() {
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
    };
    let per_group: Vec<[(u64, u64); 4]> = groups.iter().map(|g| counts_of(&g.rerating)).collect();
    let mut total = [(0u64, 0u64); 4];
    for g in &per_group {
        for (t, c) in total.iter_mut().zip(g) {
            t.0 += c.0;
            t.1 += c.1;
        }
    }
    let comparisons = (groups.len() * tests.len()) as u64;
    let threshold = match opts.correction {
        Correction::Bonferroni => opts.alpha / comparisons.max(1) as f64,
        Correction::None => opts.alpha,
    };
    let ln_threshold = threshold.ln();
    let mut rows = Vec::with_capacity(comparisons as usize);
    for (g, counts) in groups.iter().zip(&per_group) {
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
                key: g.key.clone(),
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
    })
}
