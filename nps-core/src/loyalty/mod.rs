//! Customer value and loyalty (issue 16): what NPS is worth.
//!
//! The source articles justify NPS work by what it buys: customers scoring
//! after-sales ≥ 8 repurchase 2.7× as often within 6 months as low scorers
//! (seed 001 §三.3); a recovered detractor is worth about 480,000 (38,000 of
//! their own spend plus two referrals, seed 003); high-value customers
//! (annual charging above 5,000 kWh, seed 001 §四) get more.
//!
//! - [`outcome_by_score`]: the rate of a later outcome (repurchase,
//!   referral, retention) per score category or band, with Wilson
//!   intervals, the lift over a reference band (Koopman's score interval
//!   of a ratio of proportions) and the pooled score test; respondents
//!   whose window is still open are censored (left out and counted).
//!   Grouped by dealer and period through the grouping engine.
//! - [`customer_value`] / [`customer_values`]: annual spend × margin ×
//!   annuity(years, discount rate) + referrals × value per referral, in
//!   integer money; the recovery value of a detractor is the same with the
//!   referrals expected if recovered. [`rank_open_cases`] ranks open cases
//!   by expected recovered value computed from customer columns.
//! - [`HighValueRule`]: the high-value customer rule as policy data,
//!   evaluated from customer attributes to feed triage's `high_value`.
//!
//! ```
//! use nps_core::group::Grouping;
//! use nps_core::loyalty::{outcome_by_score, OutcomeColumns, OutcomeOptions};
//! let scores = [10.0, 9.0, 7.0, 2.0, 4.0];
//! let repurchased = [true, true, false, false, true];
//! let until = [100, 100, 100, 100, 500]; // the last window is still open
//! let o = OutcomeOptions { as_of: Some(200), ..Default::default() };
//! let cols = OutcomeColumns { scores: &scores, outcomes: &repurchased, observed_until: Some(&until) };
//! let t = outcome_by_score(&cols, &o, &Grouping::default())?;
//! assert_eq!((t.used(), t.censored()), (4, 1));
//! let rows = t.rows()?;
//! assert_eq!(rows[0].band, "detractor");
//! assert_eq!((rows[0].counts.n, rows[0].counts.censored), (1, 1));
//! assert_eq!(rows[2].rate, Some(1.0));
//! # Ok::<(), nps_core::Error>(())
//! ```

mod outcome;
mod value;

pub use outcome::{
    category_bands, check_bands, outcome_by_score, Band, BandCounts, OutcomeColumns, OutcomeGroup,
    OutcomeOptions, OutcomeRow, OutcomeTable,
};
pub use value::{
    customer_value, customer_values, minor_amounts, rank_open_cases, CustomerColumns,
    CustomerValue, HighValueRule, ValueOptions, MAX_MINOR,
};
