//! Many two-sample comparisons at once, with p-values adjusted for
//! multiplicity (Holm's step-down or Benjamini–Hochberg's step-up).

use serde::{Deserialize, Serialize};

use super::{compare, NpsSample, TestOptions, TestResult};
use crate::error::{Error, Result};

/// How [`compare_many`] adjusts the p-values of a family of comparisons.
/// Default: [`Adjust::Holm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjust {
    /// Holm's step-down method: controls the family-wise error rate under
    /// any dependence (uniformly more powerful than Bonferroni). The default.
    #[default]
    Holm,
    /// Benjamini–Hochberg's step-up method: controls the false discovery
    /// rate (for independent or positively dependent tests).
    #[serde(rename = "bh")]
    BenjaminiHochberg,
    /// No adjustment: the adjusted p-value is the raw one.
    None,
}

impl Adjust {
    /// Every adjustment, in the order of the C enum values (0, 1, 2).
    pub const ALL: [Adjust; 3] = [Adjust::Holm, Adjust::BenjaminiHochberg, Adjust::None];

    /// `"holm"`, `"bh"` or `"none"`.
    pub fn name(self) -> &'static str {
        match self {
            Adjust::Holm => "holm",
            Adjust::BenjaminiHochberg => "bh",
            Adjust::None => "none",
        }
    }

    /// Parses a name of [`Adjust::name`]; anything else is
    /// [`Error::InvalidArgument`] naming `adjust`.
    pub fn from_name(name: &str) -> Result<Adjust> {
        Adjust::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| {
                Error::arg(
                    "adjust",
                    format!("unknown adjustment `{name}` (expected holm, bh or none)"),
                )
            })
    }
}

/// Options of [`compare_many`], mirroring the C `NpsCompareManyOptions`.
///
/// | field    | default                                  |
/// |----------|------------------------------------------|
/// | `test`   | [`TestOptions::default()`] (adjusted Wald, two-sided, 95 %) |
/// | `adjust` | [`Adjust::Holm`]                         |
///
/// The significance level is `1 − test.confidence` (0.05 by default): one
/// level for the intervals and the decisions, see [`alpha`](Self::alpha).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareManyOptions {
    /// Options of every comparison (method, pseudo-counts, alternative,
    /// confidence).
    pub test: TestOptions,
    /// The multiplicity adjustment (default [`Adjust::Holm`]).
    pub adjust: Adjust,
}

impl CompareManyOptions {
    /// The significance level of [`AdjustedComparison::significant`]:
    /// `1 − test.confidence`.
    pub fn alpha(&self) -> f64 {
        1.0 - self.test.confidence
    }

    /// Checks the options ([`TestOptions::validate`]).
    pub fn validate(&self) -> Result<()> {
        self.test.validate().map(|_| ())
    }
}

/// One comparison of [`compare_many`]: the comparison itself and its
/// p-value adjusted for the family.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AdjustedComparison {
    /// The comparison a − b, as [`compare`] returns it (raw p-value).
    pub result: TestResult,
    /// The adjusted p-value (≥ the raw one, ≤ 1).
    pub p_adjusted: f64,
    /// Natural log of the adjusted p-value, finite where `p_adjusted`
    /// underflows to 0.
    pub ln_p_adjusted: f64,
    /// `p_adjusted ≤ alpha` ([`CompareManyOptions::alpha`]).
    pub significant: bool,
}

/// Compares many pairs of independent samples at once (a − b for each
/// pair, as [`compare`]) and adjusts the p-values for the family of
/// `pairs.len()` tests.
///
/// With the raw p-values sorted ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎:
///
/// - Holm: p̃₍ᵢ₎ = maxⱼ≤ᵢ min(1, (m − j + 1)·p₍ⱼ₎) (step-down);
/// - Benjamini–Hochberg: p̃₍ᵢ₎ = minⱼ≥ᵢ min(1, m/j·p₍ⱼ₎) (step-up);
/// - none: p̃ = p.
///
/// Ties in p are ordered by pair index (they get the same adjusted value
/// either way). The log forms are adjusted alongside (`ln p̃ = ln p + ln k`,
/// capped at 0), so p-values far below `f64`'s range still rank and adjust.
/// `significant` is `p̃ ≤ 1 − confidence`.
///
/// The options are validated first; an empty list gives an empty result.
/// An error about one pair (no data, or a zero standard error under Wald)
/// is [`Error::InPair`] with the pair's index around the comparison's own
/// error (whose kind it keeps).
///
/// ```
/// use nps_core::{compare_many, Adjust, CompareManyOptions, ErrorKind, Tally};
/// let base = Tally::from_categories(30, 20, 50).unwrap(); // NPS 20
/// let stores = [
///     Tally::from_categories(10, 20, 70).unwrap(), // NPS 60
///     Tally::from_categories(28, 20, 52).unwrap(), // NPS 24
/// ];
/// let pairs: Vec<_> = stores.iter().map(|s| (s, &base)).collect();
/// let r = compare_many(&pairs, &CompareManyOptions::default()).unwrap();
/// assert!(r[0].significant && !r[1].significant);
/// // Holm: the smaller p is multiplied by 2, the larger by 1 (but never
/// // below the smaller one's adjusted value).
/// assert_eq!(r[0].p_adjusted, 2.0 * r[0].result.p_value);
/// assert!(r[1].p_adjusted >= r[1].result.p_value);
///
/// let bh = CompareManyOptions { adjust: Adjust::BenjaminiHochberg, ..Default::default() };
/// let b = compare_many(&pairs, &bh).unwrap();
/// assert!(b[0].p_adjusted <= r[0].p_adjusted);
///
/// let empty = Tally::from_categories(0, 0, 0).unwrap();
/// let err = compare_many(&[(&base, &base), (&base, &empty)], &bh).unwrap_err();
/// assert_eq!((err.kind(), err.index()), (ErrorKind::NoData, Some(1)));
/// ```
pub fn compare_many<A: NpsSample + ?Sized, B: NpsSample + ?Sized>(
    pairs: &[(&A, &B)],
    options: &CompareManyOptions,
) -> Result<Vec<AdjustedComparison>> {
    options.validate()?;
    let results = pairs
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| compare(a, b, &options.test).map_err(|e| e.in_pair(i)))
        .collect::<Result<Vec<TestResult>>>()?;
    Ok(adjust(results, options))
}

/// Adjusts the p-values of `results` (a whole family) and decides.
fn adjust(results: Vec<TestResult>, options: &CompareManyOptions) -> Vec<AdjustedComparison> {
    let m = results.len();
    let raw: Vec<(f64, f64)> = results.iter().map(|r| (r.p_value, r.ln_p_value)).collect();
    let adjusted = adjust_p_values(&raw, options.adjust);
    let alpha = options.alpha();
    debug_assert_eq!(adjusted.len(), m);
    results
        .into_iter()
        .zip(adjusted)
        .map(|(result, (p, ln_p))| AdjustedComparison {
            result,
            p_adjusted: p,
            ln_p_adjusted: ln_p,
            significant: p <= alpha,
        })
        .collect()
}

/// Holm / BH / none on `(p, ln p)` pairs (p in [0, 1], ln p finite ≤ 0),
/// in input order. Both forms are adjusted with the same order: ascending
/// p, then ascending ln p (p may underflow to 0 for several tests), then
/// index.
pub(crate) fn adjust_p_values(raw: &[(f64, f64)], adjust: Adjust) -> Vec<(f64, f64)> {
    let m = raw.len();
    if adjust == Adjust::None {
        return raw.to_vec();
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| {
        raw[i]
            .0
            .total_cmp(&raw[j].0)
            .then(raw[i].1.total_cmp(&raw[j].1))
            .then(i.cmp(&j))
    });
    let mf = m as f64;
    // The multiplier of the rank-r (1-based) p-value. For BH it is m/r,
    // rounded once, so that it is exactly m at r = 1 and 1 at r = m (where
    // Holm's factors are the same): Holm ≥ BH holds in floating point too.
    let factor = |rank: usize| -> f64 {
        match adjust {
            Adjust::Holm => (m - rank + 1) as f64,
            _ => mf / rank as f64,
        }
    };
    // Each candidate is at least its own raw value and at most 1.
    let candidate = |rank: usize, (p, ln_p): (f64, f64)| -> (f64, f64) {
        let k = factor(rank);
        ((p * k).clamp(p, 1.0), (ln_p + k.ln()).clamp(ln_p, 0.0))
    };
    let mut out = vec![(0.0, 0.0); m];
    match adjust {
        Adjust::Holm => {
            let mut run = (0.0_f64, f64::NEG_INFINITY);
            for (r, &i) in order.iter().enumerate() {
                let c = candidate(r + 1, raw[i]);
                run = (run.0.max(c.0), run.1.max(c.1));
                out[i] = run;
            }
        }
        Adjust::BenjaminiHochberg => {
            let mut run = (1.0_f64, 0.0_f64);
            for (r, &i) in order.iter().enumerate().rev() {
                let c = candidate(r + 1, raw[i]);
                run = (run.0.min(c.0), run.1.min(c.1));
                out[i] = run;
            }
        }
        Adjust::None => unreachable!("handled above"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ps(raw: &[f64]) -> Vec<(f64, f64)> {
        raw.iter().map(|&p| (p, p.ln())).collect()
    }

    #[test]
    fn textbook_holm_and_bh() {
        // p = 0.01, 0.04, 0.03, 0.005 (m = 4); sorted .005 .01 .03 .04.
        let raw = ps(&[0.01, 0.04, 0.03, 0.005]);
        let holm: Vec<f64> = adjust_p_values(&raw, Adjust::Holm)
            .iter()
            .map(|x| x.0)
            .collect();
        // .005*4 = .02, .01*3 = .03, .03*2 = .06, .04*1 -> max .06
        let want = [0.03, 0.06, 0.06, 0.02];
        for (g, w) in holm.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{holm:?}");
        }
        let bh: Vec<f64> = adjust_p_values(&raw, Adjust::BenjaminiHochberg)
            .iter()
            .map(|x| x.0)
            .collect();
        // .005*4=.02, .01*2=.02, .03*4/3=.04, .04 -> min from the top: .02 .02 .04 .04
        let want = [0.02, 0.04, 0.04, 0.02];
        for (g, w) in bh.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{bh:?}");
        }
    }

    #[test]
    fn ties_get_equal_values_and_empty_is_empty() {
        let raw = ps(&[0.02, 0.02, 0.5]);
        for a in Adjust::ALL {
            let r = adjust_p_values(&raw, a);
            assert_eq!(r[0], r[1], "{a:?}");
        }
        assert!(adjust_p_values(&[], Adjust::Holm).is_empty());
    }

    #[test]
    fn log_form_ranks_underflowed_p_values() {
        let raw = [(0.0, -900.0), (0.0, -800.0), (0.5, 0.5f64.ln())];
        let r = adjust_p_values(&raw, Adjust::Holm);
        assert!((r[0].1 - (-900.0 + 3f64.ln())).abs() < 1e-12);
        assert!((r[1].1 - (-800.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(r[2].0, 0.5);
    }

    #[test]
    fn names_round_trip() {
        for a in Adjust::ALL {
            assert_eq!(Adjust::from_name(a.name()).unwrap(), a);
        }
        let e = Adjust::from_name("bonferroni").unwrap_err();
        assert_eq!(e.argument(), Some("adjust"));
    }
}
