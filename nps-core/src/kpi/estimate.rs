//! Estimate accuracy (price transparency, issue 14): the quote against the
//! final bill per repair order, in integer money.
//!
//! The source (004, "第四站") quotes 800 and bills 1500: +700, +87.5 %,
//! never approved by the customer; its fix is the quote the customer
//! signs, 200 quoted and 200 billed (0 %).
//!
//! Per repair order with a quote above 0 (a quote of 0 is no data for that
//! row and lowers the coverage):
//!
//! - **within tolerance**: `|final − quote| ≤ tolerance × quote` (computed
//!   in `f64`; default tolerance 10 %), the KPI's value is the share of
//!   such orders;
//! - **overrun**: `final − quote` in minor units and relative to the quote
//!   (`(final − quote) / quote`), with mean, median and p90 (linear
//!   interpolation, [`quantile`](super::quantile)); negative when the bill
//!   came in under the quote;
//! - **unapproved increase**: `final > quote + approved` (the additions the
//!   customer approved, 0 when not given), counted and summed.
//!
//! Grouped (by dealer, advisor, period — the grouping engine) the shares
//! are [`KpiTable`]s (numerator, denominator, coverage per group) that
//! know the share they count and the options: a table of another share,
//! tolerance or currency does not merge with them.
//!
//! A result is also a partial result: [`EstimateAccuracy::merge`] combines
//! the results of two parts of the orders into the result of all of them,
//! exactly (the tables add up, the overruns are kept as histograms of
//! their distinct values, so mean, median and p90 merge too), and it saves
//! and loads exactly ([`Saved`](crate::state::Saved)).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::merge::{bad_state, other};
use super::partial::{Share, Source};
use super::{check_minor, table, Grouping, Kpi, KpiTable, Parts, MAX_MINOR};
use crate::error::{Error, Result};
use crate::money::Currency;

/// Options of [`estimate_accuracy`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EstimateOptions {
    /// A bill within `tolerance × quote` of the quote is accurate; finite,
    /// ≥ 0. Default 0.10.
    pub tolerance: f64,
    /// The currency of every amount; a row in another currency is an
    /// error. Default CNY.
    pub currency: Currency,
}

impl Default for EstimateOptions {
    fn default() -> EstimateOptions {
        EstimateOptions {
            tolerance: 0.10,
            currency: Currency::from_code("CNY").expect("CNY is ISO 4217"),
        }
    }
}

impl EstimateOptions {
    /// Checks the options: [`Error::InvalidArgument`] naming `tolerance`
    /// for a tolerance that is negative or not finite.
    ///
    /// ```
    /// use nps_core::kpi::EstimateOptions;
    /// assert!(EstimateOptions::default().validate().is_ok());
    /// let bad = EstimateOptions { tolerance: -0.1, ..Default::default() };
    /// assert_eq!(bad.validate().unwrap_err().argument(), Some("tolerance"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.tolerance.is_finite() && self.tolerance >= 0.0 {
            Ok(())
        } else {
            Err(Error::arg(
                "tolerance",
                format!("{} is not a finite number >= 0", self.tolerance),
            ))
        }
    }

    /// Checks that results computed with `later` merge with results
    /// computed with these options (same tolerance, same currency).
    pub(crate) fn check_merge(&self, later: &EstimateOptions) -> Result<()> {
        let differs = |what: &str, a: String, b: String| {
            Err(other(format!(
                "{what} differs: {a} here, {b} in other (merge results computed with the same options)"
            )))
        };
        if self.tolerance.to_bits() != later.tolerance.to_bits() {
            return differs(
                "tolerance",
                self.tolerance.to_string(),
                later.tolerance.to_string(),
            );
        }
        if self.currency != later.currency {
            return differs(
                "currency",
                self.currency.code().to_owned(),
                later.currency.code().to_owned(),
            );
        }
        Ok(())
    }
}

pub use crate::flow::Distribution;

/// A value of a [`Sample`]: integers (minor units, seconds) or ratios.
pub(crate) trait SampleValue: Copy + PartialEq + Serialize + DeserializeOwned {
    /// The total order of values.
    fn order(&self, other: &Self) -> std::cmp::Ordering;
    /// The value as `f64` (exact for the integers of a sample, |v| ≤ 2^53).
    fn as_f64(self) -> f64;
    /// The mean of a histogram of `n >= 1` values.
    fn mean(h: &[(Self, u64)], n: u64) -> f64;
    /// Whether a loaded value is one a sample may hold.
    fn valid(self) -> bool;
}

impl SampleValue for i64 {
    fn order(&self, other: &i64) -> std::cmp::Ordering {
        self.cmp(other)
    }
    fn as_f64(self) -> f64 {
        self as f64
    }
    fn mean(h: &[(i64, u64)], n: u64) -> f64 {
        // |v| ≤ 2^53, n < 2^64: the sum stays below 2^117, exact.
        let sum: i128 = h.iter().map(|&(v, c)| i128::from(v) * i128::from(c)).sum();
        sum as f64 / n as f64
    }
    fn valid(self) -> bool {
        (-MAX_MINOR..=MAX_MINOR).contains(&self)
    }
}

impl SampleValue for f64 {
    fn order(&self, other: &f64) -> std::cmp::Ordering {
        self.total_cmp(other)
    }
    fn as_f64(self) -> f64 {
        self
    }
    fn mean(h: &[(f64, u64)], n: u64) -> f64 {
        h.iter().map(|&(v, c)| v * c as f64).sum::<f64>() / n as f64
    }
    fn valid(self) -> bool {
        self.is_finite()
    }
}

/// The values behind a [`Distribution`] as a histogram: `(value, count)`
/// sorted by value, each count at least 1. O(distinct values) memory; two
/// samples add up exactly, so the distribution of merged parts is the
/// distribution of one pass (the distribution is always computed from the
/// histogram).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent, bound = "")]
pub(crate) struct Sample<T: SampleValue>(Vec<(T, u64)>);

impl<T: SampleValue> Sample<T> {
    /// The histogram of `values`.
    pub(crate) fn of(mut values: Vec<T>) -> Sample<T> {
        values.sort_unstable_by(T::order);
        let mut h: Vec<(T, u64)> = Vec::new();
        for x in values {
            match h.last_mut() {
                Some((v, c)) if *v == x => *c += 1,
                _ => h.push((x, 1)),
            }
        }
        Sample(h)
    }

    /// The values of both samples.
    pub(crate) fn merge(&self, b: &Sample<T>) -> Result<Sample<T>> {
        let a = &self.0;
        let b = &b.0;
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].0.order(&b[j].0) {
                std::cmp::Ordering::Less => {
                    out.push(a[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let c = a[i].1.checked_add(b[j].1).ok_or(Error::Overflow {
                        what: "the values of a distribution",
                    })?;
                    out.push((a[i].0, c));
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        Ok(Sample(out))
    }

    /// The values of all `samples` (one sort of their entries, not a
    /// chain of merges).
    pub(crate) fn sum<'a>(samples: impl Iterator<Item = &'a Sample<T>>) -> Result<Sample<T>>
    where
        T: 'a,
    {
        let mut all: Vec<(T, u64)> = samples.flat_map(|s| s.0.iter().copied()).collect();
        all.sort_unstable_by(|a, b| a.0.order(&b.0));
        let mut h: Vec<(T, u64)> = Vec::with_capacity(all.len());
        for (x, c) in all {
            match h.last_mut() {
                Some((v, n)) if *v == x => {
                    *n = n.checked_add(c).ok_or(Error::Overflow {
                        what: "the values of a distribution",
                    })?;
                }
                _ => h.push((x, c)),
            }
        }
        Ok(Sample(h))
    }

    /// Whether every value is in `lo..=hi`.
    pub(crate) fn in_range(&self, lo: T, hi: T) -> bool {
        self.0
            .iter()
            .all(|(v, _)| !v.order(&lo).is_lt() && !v.order(&hi).is_gt())
    }

    /// Number of values (checked on load not to overflow).
    pub(crate) fn n(&self) -> u64 {
        self.0.iter().map(|&(_, c)| c).sum()
    }

    /// The `p` quantile of `n >= 1` values, as [`quantile`](super::quantile)
    /// computes it on the sorted values (the same two order statistics,
    /// the same arithmetic).
    fn quantile(&self, n: u64, p: f64) -> f64 {
        let last = n - 1;
        let pos = last as f64 * p;
        let lo = (pos.floor() as u64).min(last);
        let hi = (lo + 1).min(last);
        let (mut x_lo, mut x_hi) = (None, None);
        let mut seen = 0u64;
        for &(v, c) in &self.0 {
            let end = seen + c;
            if x_lo.is_none() && lo < end {
                x_lo = Some(v.as_f64());
            }
            if hi < end {
                x_hi = Some(v.as_f64());
                break;
            }
            seen = end;
        }
        let (a, b) = (x_lo.unwrap_or(0.0), x_hi.unwrap_or(0.0)); // ranks < n: both found
        a + (pos - lo as f64) * (b - a)
    }

    /// Mean, median and p90 of the values.
    pub(crate) fn distribution(&self) -> Distribution {
        let n = self.n();
        Distribution {
            n,
            mean: (n > 0).then(|| T::mean(&self.0, n)),
            median: (n > 0).then(|| self.quantile(n, 0.5)),
            p90: (n > 0).then(|| self.quantile(n, 0.9)),
        }
    }

    /// Checks a loaded sample (`what` names it): values valid and strictly
    /// increasing, counts at least 1, their sum below 2^64.
    pub(crate) fn check(&self, what: &str) -> Result<()> {
        let mut n = 0u64;
        for (i, &(v, c)) in self.0.iter().enumerate() {
            let sorted = i == 0 || self.0[i - 1].0.order(&v).is_lt();
            if !(v.valid() && sorted && c > 0) {
                return Err(bad_state(format!(
                    "{what} entry {i}: a histogram holds valid values in increasing order, each counted at least once"
                )));
            }
            n = n
                .checked_add(c)
                .ok_or_else(|| bad_state(format!("{what}: more than 2^64 values")))?;
        }
        Ok(())
    }
}

/// The answer of [`estimate_accuracy`].
///
/// The serde form is the saved state (the options, both tables, the sum of
/// unapproved increases and the histograms of the overruns); the
/// distributions are computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "EstimateState", try_from = "EstimateState")]
pub struct EstimateAccuracy {
    /// Share of orders billed within tolerance of the quote, overall and
    /// per group.
    pub within: KpiTable,
    /// Share of orders with an unapproved increase, overall and per group.
    pub unapproved: KpiTable,
    /// Sum of the unapproved increases (`final − quote − approved` where
    /// positive), in minor units.
    pub unapproved_minor: i64,
    /// `final − quote` in minor units, over orders with a quote.
    pub overrun_minor: Distribution,
    /// `(final − quote) / quote`, over orders with a quote.
    pub overrun_relative: Distribution,
    /// The options used.
    pub options: EstimateOptions,
    /// The overruns in minor units (a histogram).
    minor_sample: Sample<i64>,
    /// The relative overruns (a histogram).
    relative_sample: Sample<f64>,
}

/// The saved state of an [`EstimateAccuracy`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct EstimateState {
    options: EstimateOptions,
    within: KpiTable,
    unapproved: KpiTable,
    unapproved_minor: i64,
    overrun_minor: Sample<i64>,
    overrun_relative: Sample<f64>,
}

impl From<EstimateAccuracy> for EstimateState {
    fn from(e: EstimateAccuracy) -> EstimateState {
        EstimateState {
            options: e.options,
            within: e.within,
            unapproved: e.unapproved,
            unapproved_minor: e.unapproved_minor,
            overrun_minor: e.minor_sample,
            overrun_relative: e.relative_sample,
        }
    }
}

impl TryFrom<EstimateState> for EstimateAccuracy {
    type Error = Error;
    fn try_from(s: EstimateState) -> Result<EstimateAccuracy> {
        let state = |e: Error| bad_state(e.to_string());
        s.options.validate().map_err(state)?;
        if s.within.source() != Source::share(Share::EstimateWithin(s.options))
            || s.unapproved.source() != Source::share(Share::EstimateUnapproved(s.options))
        {
            return Err(bad_state(
                "the tables of an estimate accuracy count its shares with its options",
            ));
        }
        let same_groups = s.within.period == s.unapproved.period
            && s.within.groups.len() == s.unapproved.groups.len()
            && s.within
                .groups
                .iter()
                .zip(&s.unapproved.groups)
                .all(|(a, b)| {
                    a.key == b.key
                        && a.period_start == b.period_start
                        && a.kpi.denominator == b.kpi.denominator
                        && a.kpi.coverage == b.kpi.coverage
                });
        if !same_groups {
            return Err(bad_state(
                "the tables of an estimate accuracy have the same groups and orders",
            ));
        }
        s.overrun_minor.check("overrun_minor")?;
        s.overrun_relative.check("overrun_relative")?;
        let orders = s.within.overall.denominator;
        if s.overrun_minor.n() as f64 != orders || s.overrun_relative.n() as f64 != orders {
            return Err(bad_state(
                "the overruns are one per order with a quote (the tables' denominator)",
            ));
        }
        if s.unapproved_minor < 0
            || (s.unapproved_minor > 0) != (s.unapproved.overall.numerator > 0.0)
        {
            return Err(bad_state(
                "unapproved_minor is >= 0, and > 0 exactly with an unapproved increase",
            ));
        }
        Ok(EstimateAccuracy::of(s))
    }
}

impl EstimateAccuracy {
    fn of(s: EstimateState) -> EstimateAccuracy {
        EstimateAccuracy {
            overrun_minor: s.overrun_minor.distribution(),
            overrun_relative: s.overrun_relative.distribution(),
            within: s.within,
            unapproved: s.unapproved,
            unapproved_minor: s.unapproved_minor,
            options: s.options,
            minor_sample: s.overrun_minor,
            relative_sample: s.overrun_relative,
        }
    }

    /// The share within tolerance over every order.
    pub fn kpi(&self) -> Kpi {
        self.within.overall
    }

    /// The result of the orders of `self` followed by those of `later`:
    /// equal to the result computed in one pass over all of them (the
    /// tables' counts add up, the sums of unapproved increases add, and the
    /// overruns' histograms add, so mean, median and p90 are those of one
    /// pass). Associative: partial results may be merged in any tree.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` for a result
    /// computed with another tolerance or currency, or grouped by another
    /// period, time zone or type of key column; [`Error::Overflow`] past
    /// `i64::MAX` minor units of unapproved increases or `u64::MAX` orders.
    ///
    /// ```
    /// use nps_core::kpi::{estimate_accuracy, EstimateOptions, Grouping};
    /// let (q, f) = ([80_000, 20_000, 10_000], [150_000, 20_000, 10_500]);
    /// let o = EstimateOptions::default();
    /// let g = Grouping::default();
    /// let whole = estimate_accuracy(&q, &f, None, None, &o, &g)?;
    /// let first = estimate_accuracy(&q[..1], &f[..1], None, None, &o, &g)?;
    /// let rest = estimate_accuracy(&q[1..], &f[1..], None, None, &o, &g)?;
    /// assert_eq!(first.merge(&rest)?, whole);
    /// // Another tolerance does not merge.
    /// let wide = EstimateOptions { tolerance: 0.2, ..o };
    /// let other = estimate_accuracy(&q[1..], &f[1..], None, None, &wide, &g)?;
    /// assert_eq!(first.merge(&other).unwrap_err().argument(), Some("other"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &EstimateAccuracy) -> Result<EstimateAccuracy> {
        self.options.check_merge(&later.options)?;
        let unapproved_minor = self
            .unapproved_minor
            .checked_add(later.unapproved_minor)
            .ok_or(Error::Overflow {
                what: "the unapproved increases",
            })?;
        Ok(EstimateAccuracy::of(EstimateState {
            options: self.options,
            within: self.within.merge(&later.within)?,
            unapproved: self.unapproved.merge(&later.unapproved)?,
            unapproved_minor,
            overrun_minor: self.minor_sample.merge(&later.minor_sample)?,
            overrun_relative: self.relative_sample.merge(&later.relative_sample)?,
        }))
    }
}

/// Estimate accuracy of `quoted_minor` against `final_minor` (one row per
/// repair order, minor units in `0..=`[`MAX_MINOR`](super::MAX_MINOR)),
/// with the customer-approved additions `approved_minor` (none when
/// `None`) and the currency of each row `currencies` (every row in
/// `options.currency` when `None`), grouped by `grouping`.
///
/// Errors: [`Error::LengthMismatch`]; [`Error::InvalidValue`] naming the
/// column and row for an amount out of range or a currency other than
/// `options.currency` (mixed currencies); [`Error::InvalidArgument`] for a
/// tolerance that is negative or not finite; [`Error::Overflow`] when the
/// unapproved increases sum past `i64::MAX` minor units.
///
/// ```
/// use nps_core::kpi::{estimate_accuracy, EstimateOptions, Grouping};
/// // The source: 800 quoted, 1500 billed, nothing approved; then 200 → 200;
/// // a third order has no quote (0): no data.
/// let e = estimate_accuracy(&[80_000, 20_000, 0], &[150_000, 20_000, 5_000], None, None,
///                           &EstimateOptions::default(), &Grouping::default())?;
/// assert_eq!(e.kpi().value, Some(0.5));
/// assert_eq!(e.kpi().coverage, Some(2.0 / 3.0));
/// assert_eq!(e.unapproved.overall.numerator, 1.0);
/// assert_eq!(e.unapproved_minor, 70_000); // +700.00
/// assert_eq!(e.overrun_relative.p90, Some(0.7875)); // 0 and 0.875
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn estimate_accuracy(
    quoted_minor: &[i64],
    final_minor: &[i64],
    approved_minor: Option<&[i64]>,
    currencies: Option<&[&str]>,
    options: &EstimateOptions,
    grouping: &Grouping<'_>,
) -> Result<EstimateAccuracy> {
    let n = quoted_minor.len();
    Error::check_len("final_minor", final_minor.len(), "quoted_minor", n)?;
    if let Some(a) = approved_minor {
        Error::check_len("approved_minor", a.len(), "quoted_minor", n)?;
    }
    if let Some(c) = currencies {
        Error::check_len("currencies", c.len(), "quoted_minor", n)?;
    }
    options.validate()?;
    check_minor("quoted_minor", "a quote", quoted_minor)?;
    check_minor("final_minor", "a final bill", final_minor)?;
    if let Some(a) = approved_minor {
        check_minor("approved_minor", "an approved addition", a)?;
    }
    if let Some(c) = currencies {
        let want = options.currency.code();
        if let Some(i) = c.iter().position(|c| *c != want) {
            return Err(Error::value(
                "currencies",
                i,
                format!(
                    "`{}` is not {want}: amounts in mixed currencies cannot be compared",
                    crate::error::quote(c[i])
                ),
            ));
        }
    }
    let approved = |i: usize| approved_minor.map_or(0, |a| a[i]);
    let mut within = Vec::with_capacity(n);
    let mut unapproved = Vec::with_capacity(n);
    let mut over_minor = Vec::new();
    let mut over_rel = Vec::new();
    let mut unapproved_minor: i64 = 0;
    for i in 0..n {
        let (q, f) = (quoted_minor[i], final_minor[i]);
        if q == 0 {
            let none = Parts {
                num: 0,
                den: 0,
                used: 0,
                rows: 1,
            };
            within.push(none);
            unapproved.push(none);
            continue;
        }
        // Amounts ≤ 2^53: differences and sums are exact in i64 and f64.
        let d = f - q;
        let ok = (d.abs() as f64) <= options.tolerance * q as f64;
        let excess = f - q - approved(i);
        within.push(Parts {
            num: u64::from(ok),
            den: 1,
            used: 1,
            rows: 1,
        });
        unapproved.push(Parts {
            num: u64::from(excess > 0),
            den: 1,
            used: 1,
            rows: 1,
        });
        if excess > 0 {
            unapproved_minor = unapproved_minor
                .checked_add(excess)
                .ok_or(Error::Overflow {
                    what: "the unapproved increases",
                })?;
        }
        over_minor.push(d);
        over_rel.push(d as f64 / q as f64);
    }
    Ok(EstimateAccuracy::of(EstimateState {
        within: table(
            &within,
            grouping,
            Source::share(Share::EstimateWithin(*options)),
            None,
        )?,
        unapproved: table(
            &unapproved,
            grouping,
            Source::share(Share::EstimateUnapproved(*options)),
            None,
        )?,
        unapproved_minor,
        overrun_minor: Sample::of(over_minor),
        overrun_relative: Sample::of(over_rel),
        options: *options,
    }))
}

impl crate::state::Saved for EstimateAccuracy {
    const KIND: &'static str = "EstimateAccuracy";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn bad_input() {
        let o = EstimateOptions::default();
        let g = Grouping::default();
        let e = estimate_accuracy(&[1], &[1, 2], None, None, &o, &g).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch);
        let e = estimate_accuracy(&[1, -1], &[1, 1], None, None, &o, &g).unwrap_err();
        assert!(e.to_string().contains("`quoted_minor` at row 1"), "{e}");
        let e =
            estimate_accuracy(&[1, 1], &[1, 1], None, Some(&["CNY", "USD"]), &o, &g).unwrap_err();
        assert!(e.to_string().contains("`currencies` at row 1"), "{e}");
        let bad = EstimateOptions {
            tolerance: f64::NAN,
            ..o
        };
        let e = estimate_accuracy(&[1], &[1], None, None, &bad, &g).unwrap_err();
        assert_eq!(e.argument(), Some("tolerance"));
        // No quotes at all: no data, never 0.
        let e = estimate_accuracy(&[0, 0], &[5, 6], None, None, &o, &g).unwrap();
        assert_eq!(e.kpi().value, None);
        assert_eq!(e.overrun_minor.mean, None);
    }

    /// A state whose parts do not fit together does not load.
    #[test]
    fn bad_states() {
        use crate::state::Saved;
        let o = EstimateOptions::default();
        let g = Grouping::default();
        let e = estimate_accuracy(&[100, 200], &[150, 200], None, None, &o, &g).unwrap();
        let text = String::from_utf8(e.to_state()).unwrap();
        assert_eq!(EstimateAccuracy::from_state(text.as_bytes()).unwrap(), e);
        // The options alone changed: the tables still count with 0.1.
        let t = text.replacen("\"tolerance\":0.1", "\"tolerance\":0.2", 1);
        assert_ne!(t, text);
        let err = EstimateAccuracy::from_state(t.as_bytes()).unwrap_err();
        assert_eq!(err.argument(), Some("state"), "{err}");
        // A histogram out of order, or with a count of 0.
        let t = text.replace(
            "\"overrun_minor\":[[0,1],[50,1]]",
            "\"overrun_minor\":[[50,1],[0,1]]",
        );
        assert_ne!(t, text);
        assert!(EstimateAccuracy::from_state(t.as_bytes()).is_err());
        let t = text.replace(
            "\"overrun_minor\":[[0,1],[50,1]]",
            "\"overrun_minor\":[[0,1],[50,0]]",
        );
        assert!(EstimateAccuracy::from_state(t.as_bytes()).is_err());
        // An overrun too many for the orders.
        let t = text.replace(
            "\"overrun_minor\":[[0,1],[50,1]]",
            "\"overrun_minor\":[[0,1],[50,2]]",
        );
        assert!(EstimateAccuracy::from_state(t.as_bytes()).is_err());
        // The sum of unapproved increases.
        let t = text.replace("\"unapproved_minor\":50", "\"unapproved_minor\":-1");
        assert_ne!(t, text);
        assert!(EstimateAccuracy::from_state(t.as_bytes()).is_err());
    }

    /// The distributions computed from the histograms are those of the
    /// sorted values ([`quantile`](crate::kpi::quantile)).
    #[test]
    fn histogram_quantiles() {
        let v = vec![3i64, -1, 3, 7, 0, 3, 10];
        let d = Sample::of(v.clone()).distribution();
        let mut f: Vec<f64> = v.iter().map(|&x| x as f64).collect();
        f.sort_by(f64::total_cmp);
        assert_eq!(d.n, 7);
        assert_eq!(d.median, crate::kpi::quantile(&f, 0.5));
        assert_eq!(d.p90, crate::kpi::quantile(&f, 0.9));
        assert_eq!(d.mean, Some(25.0 / 7.0));
        let a = Sample::of(v[..3].to_vec());
        let b = Sample::of(v[3..].to_vec());
        assert_eq!(a.merge(&b).unwrap(), Sample::of(v));
    }
}
