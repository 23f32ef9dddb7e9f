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
//! are [`KpiTable`]s of the generic rate (numerator, denominator, coverage
//! per group; they merge as rate tables).

use serde::{Deserialize, Serialize};

use super::partial::Source;
use super::{check_minor, table, Grouping, Kpi, KpiTable, Parts};
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

pub use crate::flow::Distribution;

/// The answer of [`estimate_accuracy`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

impl EstimateAccuracy {
    /// The share within tolerance over every order.
    pub fn kpi(&self) -> Kpi {
        self.within.overall
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
/// tolerance that is negative or not finite.
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
    if !(options.tolerance.is_finite() && options.tolerance >= 0.0) {
        return Err(Error::arg(
            "tolerance",
            format!("{} is not a finite number >= 0", options.tolerance),
        ));
    }
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
            unapproved_minor += excess;
        }
        over_minor.push(d as f64);
        over_rel.push(d as f64 / q as f64);
    }
    Ok(EstimateAccuracy {
        within: table(&within, grouping, Source::rate(), None)?,
        unapproved: table(&unapproved, grouping, Source::rate(), None)?,
        unapproved_minor,
        overrun_minor: Distribution::of(&mut over_minor),
        overrun_relative: Distribution::of(&mut over_rel),
        options: *options,
    })
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
}
