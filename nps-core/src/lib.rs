//! # nps-core
//!
//! Net Promoter Score statistics for after-sales service analytics: exact,
//! fast and hard to misuse. This crate is the single source of truth behind
//! the C library (`libnps`, header `include/nps.h`) and the Python package
//! (`import nps`).
//!
//! ## Overview
//!
//! - [`Score`], [`Category`] and [`Scale`]: validation and classification
//!   (promoter 9–10, passive 7–8, detractor 0–6, or custom breaks).
//! - [`Tally`]: the 11 score counts, the unit of aggregation. Tallies merge
//!   exactly, so grouped and incremental computation is correct.
//!   [`WeightedTally`] is the survey-weighted variant (Kish effective n).
//! - [`NpsSample`]: NPS, shares, variance, standard error and intervals
//!   ([`IntervalMethod`]: Wald, adjusted Wald, Tango's score interval,
//!   Bayesian equal-tailed and HPD) — all in points (−100…+100).
//! - [`test_benchmark`], [`compare`], [`sample_size`].
//! - [`group`]: one-pass grouping of whole columns by key, by calendar period
//!   in an IANA time zone, rolling windows, latest response per respondent.
//! - [`goal`]: goal tracking ("from 45 to ≥ 65 within 12 months").
//! - [`integrity`]: original vs re-rated NPS, and flags for score
//!   distributions that look managed (exact binomial tails vs the network).
//! - [`kpi`]: service KPIs (first-time fix, bay utilization, technician
//!   figures, time KPIs, scorecard) with numerator, denominator, coverage.
//! - [`heatmap`]: customer-journey pain-point heat maps; [`erlang`]:
//!   capacity planning with the M/M/c queue (Erlang C).
//!
//! ## Usage
//!
//! ```
//! use nps_core::{IntervalMethod, NpsSample, Tally};
//!
//! let scores: Vec<u8> = vec![10, 9, 9, 8, 7, 6, 3, 10, 9, 0];
//! let t = Tally::from_scores(&scores)?;
//! assert_eq!(t.n(), 10);
//! assert_eq!(t.nps()?, 20.0); // 5 promoters − 3 detractors, of 10
//! let ci = t.interval(&IntervalMethod::Score, 0.95)?;
//! assert!(ci.low < 20.0 && 20.0 < ci.high);
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Errors
//!
//! Every fallible function returns [`Result`] with the one error type
//! [`Error`]; [`Error::kind`] gives a stable [`ErrorKind`]. Invalid scores
//! name the row ([`Error::InvalidScore`]); a statistic of an empty sample is
//! [`Error::NoData`], never NaN and never 0. Nothing panics on caller input.
//!
//! ```
//! use nps_core::{ErrorKind, NpsSample, Tally};
//! let err = Tally::from_scores(&[9.0, 6.5, 10.0]).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::InvalidScore);
//! assert_eq!(err.index(), Some(1));
//! assert_eq!(Tally::EMPTY.nps().unwrap_err().kind(), ErrorKind::NoData);
//! ```
//!
//! ## Performance
//!
//! Column functions take slices without copying, split large inputs across
//! threads ([`set_max_threads`]) and use a SIMD kernel for `u8` scores.
#![deny(missing_docs)]
#![forbid(unsafe_op_in_unsafe_fn)]

pub mod calendar;
pub mod case;
pub mod erlang;
mod error;
pub mod goal;
pub mod group;
pub mod heatmap;
pub mod integrity;
mod json;
pub mod kpi;
pub mod money;
mod parallel;
pub mod period;
pub mod policy;
pub mod programme;
mod score;
mod stats;
mod tally;

pub use error::{Error, ErrorKind, Problem, Result};
pub use parallel::{max_threads, set_max_threads};
pub use score::{Category, Scale, Score, ScoreRange, ScoreValue};
pub use stats::{
    compare, sample_size, test_benchmark, z_value, AdjustedWald, Alternative, Bayes, Credible,
    Effective, Interval, IntervalKind, IntervalMethod, IntervalOptions, NpsSample,
    SampleSizeOptions, Shares, TestKind, TestMethod, TestOptions, TestResult, DEFAULT_CONFIDENCE,
};
pub use tally::{CategoryCounts, ColumnTally, InvalidPolicy, Tally, WeightedTally};

/// The Rust example of the repository README, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
