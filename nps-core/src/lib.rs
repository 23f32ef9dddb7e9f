//! # nps-core
//!
//! Net Promoter Score statistics for after-sales service analytics: exact,
//! fast and hard to misuse. This crate is the single source of truth behind
//! the C library (`libnps`, header `include/nps.h`) and the Python package
//! (`import nps`).
//!
//! ## Map of the crate
//!
//! - [`Score`], [`Category`] and [`Scale`]: validation and classification
//!   (promoter 9–10, passive 7–8, detractor 0–6, or custom breaks).
//! - [`Tally`]: the 11 score counts, the unit of aggregation. Tallies merge
//!   exactly, so grouped and incremental computation is correct.
//!   [`WeightedTally`] is the survey-weighted variant (Kish effective n).
//! - [`NpsSample`]: NPS, shares, variance, standard error and intervals
//!   ([`IntervalMethod`]: Wald, adjusted Wald, Tango's score interval,
//!   Bayesian equal-tailed and HPD) — all in points (−100…+100);
//!   [`test_benchmark`], [`compare`], [`sample_size`]; changes of a share
//!   or a count: [`compare_shares`], [`compare_counts`].
//! - [`group`]: one-pass grouping of whole columns by key, by calendar
//!   [`period`] in an IANA time zone, rolling windows, latest response per
//!   respondent.
//! - [`goal`]: goal tracking ("from 45 to ≥ 65 within 12 months").
//! - [`policy`]: the recovery policy as data — triage of responses, the
//!   compensation-approval ladder, deadlines of a case, early warnings
//!   during a visit.
//! - [`calendar`]: business calendars, durations with explicit units,
//!   deadlines and elapsed business time; [`money`]: integer minor units of
//!   ISO 4217 currencies and exact exchange rates.
//! - [`case`]: recovery cases as an event log, and their status against a
//!   policy; [`programme`]: statistics over many cases.
//! - [`integrity`]: original vs re-rated NPS, and flags for score
//!   distributions that look managed (exact binomial tails vs the network).
//! - [`kpi`]: service KPIs (first-time fix, comebacks, bay utilization,
//!   technician figures, time KPIs, scorecard) with numerator, denominator,
//!   coverage.
//! - [`econ`]: service economics — the service P&L (ledger), lifecycle
//!   service cost per product line, the strategic value matrix.
//! - [`loyalty`]: what NPS is worth — outcomes (repurchase, referral) by
//!   score band with lift and censoring, customer and recovery value, the
//!   high-value customer rule.
//! - [`heatmap`]: customer-journey pain-point heat maps; [`erlang`]:
//!   capacity planning with the M/M/c queue (Erlang C).
//!
//! ## Scores, tallies and statistics
//!
//! Scores are validated once, on the way in; a [`Tally`] of them answers
//! every statistic through the [`NpsSample`] trait. Tallies merge exactly,
//! and two samples compare with a test that reports its difference,
//! p-value and interval.
//!
//! ```
//! use nps_core::{compare, Category, IntervalMethod, NpsSample, SampleSizeOptions, Score, Tally, TestOptions};
//!
//! assert_eq!(Score::new(9)?.category(), Category::Promoter);
//! let scores: Vec<u8> = vec![10, 9, 9, 8, 7, 6, 3, 10, 9, 0];
//! let t = Tally::from_scores(&scores)?;
//! assert_eq!(t.n(), 10);
//! assert_eq!(t.nps()?, 20.0); // 5 promoters − 3 detractors, of 10
//! let ci = t.interval(&IntervalMethod::Score, 0.95)?;
//! assert!(ci.low < 20.0 && 20.0 < ci.high);
//! assert_eq!(t.merge(&Tally::from_categories(1, 0, 1)?)?.n(), 12);
//!
//! // Two months of a department: NPS 60, then 45, each from 200 responses.
//! let before = Tally::from_categories(20, 40, 140)?;
//! let after = Tally::from_categories(30, 50, 120)?;
//! // Default test: adjusted Wald, two-sided, 95 % (`TestOptions::default()`).
//! let r = compare(&after, &before, &TestOptions::default())?;
//! assert!(r.difference < -14.0 && r.difference > -16.0);
//! assert!(r.p_value < 0.05 && r.interval.high < 0.0);
//! // Responses needed for ±5 points at 95 % (planned 50 % promoters, 20 % detractors).
//! assert_eq!(nps_core::sample_size(5.0, 0.5, 0.2, &SampleSizeOptions::default())?, 938);
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Changes of shares and counts
//!
//! Outside the score itself, a service director reads shares and counts:
//! the negative share of posts went from 15 % to 38 %, complaints rose
//! 127 %. [`compare_shares`] gives the difference of two proportions with
//! Newcombe's hybrid score interval and the pooled test; [`compare_counts`]
//! gives the rate ratio of two counts over exposures with the exact
//! conditional interval and test; the `_many` forms adjust a family as
//! [`compare_many`] does.
//!
//! ```
//! use nps_core::{compare_counts, compare_shares, ChangeOptions, CountExposure, ShareCounts};
//! let o = ChangeOptions::default();
//! let posts = compare_shares(ShareCounts { k: 38, n: 100 }, ShareCounts { k: 15, n: 100 }, &o)?;
//! assert!(posts.interval.low > 0.0); // a real rise, not noise
//! let complaints = compare_counts(
//!     CountExposure { count: 227, exposure: 1.0 },
//!     CountExposure { count: 100, exposure: 1.0 },
//!     &o,
//! )?;
//! assert!((complaints.change - 1.27).abs() < 1e-12 && complaints.interval.low > 1.5);
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Grouping
//!
//! [`group::group_by`] tallies a whole score column in one pass, by key
//! (dealer, advisor), by calendar period in a time zone, or both, and flags
//! groups too thin to read.
//!
//! ```
//! use nps_core::group::{group_by, GroupKey, GroupOptions, Keys};
//! use nps_core::period::Period;
//! use nps_core::NpsSample;
//!
//! let scores = [10u8, 9, 3, 8, 10, 0];
//! let dealers = [7u32, 7, 7, 9, 9, 9];
//! let g = group_by(&scores, &GroupOptions { keys: Some(Keys::U32(&dealers)), ..Default::default() })?;
//! assert_eq!(g.groups.len(), 2);
//! assert_eq!(g.groups[1].key, GroupKey::UInt(9));
//! assert_eq!(g.groups[1].tally.nps()?, 0.0); // 8, 10, 0: one promoter, one detractor
//!
//! // By month in Shanghai: 2025-01-31 20:00 UTC is already February there.
//! let ts = [1_738_353_600i64, 1_735_700_000];
//! let m = group_by(&[10u8, 0], &GroupOptions {
//!     timestamps: Some(&ts), period: Some(Period::Month), tz: Some("Asia/Shanghai"),
//!     ..Default::default()
//! })?;
//! let labels: Vec<String> = m.groups.iter().map(|g| g.label(m.period)).collect();
//! assert_eq!(labels, ["2025-01", "2025-02"]);
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Goals
//!
//! [`goal::track`] turns a monthly history and a target into the gap, the
//! monthly path, and whether a change of that size can even be seen at the
//! observed sample sizes.
//!
//! ```
//! use nps_core::{goal, Tally};
//! let history = [Tally::from_categories(20, 40, 140)?, Tally::from_categories(30, 50, 120)?];
//! let r = goal::track(&history, 65.0, 12, &goal::GoalOptions::default())?; // from 45 to 65 within 12 months
//! assert_eq!(r.gap, 20.0);
//! assert_eq!(r.last_change_significant, Some(true)); // 60 → 45 at n = 200 is real
//! assert_eq!(r.step_detectable, Some(false)); // a 1.7-point monthly step is not
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Policy: triage, approval ladder, deadlines, early warnings
//!
//! A [`policy::Policy`] is data ([`policy::Policy::default`] is SPEC §4;
//! others load from validated JSON). It triages a response into an alert
//! level, a detractor tier, an owner and deadlines; says who must approve a
//! compensation package; gives the state of a case's clocks at an instant,
//! with escalation events; and raises early warnings during a visit.
//!
//! ```
//! use nps_core::money::{Currency, Money};
//! use nps_core::policy::{
//!     AlertLevel, DeadlineState, Granted, Item, Layer, Policy, Progress, Response, Tier, Visit,
//! };
//! let policy = Policy::default();
//! // Triage: a 2 is a red alert and a tier-S detractor, to acknowledge within 2 h.
//! let t = policy.triage(&Response::new(2, 0))?;
//! assert_eq!((t.alert, t.tier), (Some(AlertLevel::Red), Some(Tier::S)));
//! assert_eq!(t.acknowledge_by, Some(2 * 3600));
//! // Deadlines: unacknowledged after 3 h, the alert clock is breached and escalates.
//! let s = policy.case_status(&t, &Progress::default(), 3 * 3600, "case-1")?;
//! assert_eq!(s.deadlines[0].state, DeadlineState::Breached);
//! assert!(s.events.iter().any(|e| e.kind == "escalated"));
//! // Approval ladder: 800 CNY on a tier-S case is above the advisor's 500.
//! let cny = Currency::from_code("CNY")?;
//! let item = Item { value: Money::new(80_000, cny), layer: Layer::LossCompensation };
//! let a = policy.required_approver(&[item], Some(Tier::S), &[], &Granted::default())?;
//! assert_eq!(a.approver.as_deref(), Some("service_manager"));
//! // Early warnings: 40 minutes past the promised time is a yellow warning.
//! let w = policy.assess_visit(&Visit { promised_at: Some(0), now: 40 * 60, ..Default::default() })?;
//! assert_eq!(w.level, Some(AlertLevel::Yellow));
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Calendar
//!
//! A [`calendar::Calendar`] has a time zone, weekly opening hours, holidays
//! and make-up working days; durations say whether they count wall-clock or
//! business time, and deadlines and elapsed time follow.
//!
//! ```
//! use nps_core::calendar::{Calendar, Duration};
//! let cal = Calendar::from_json(r#"{
//!     "tz": "Europe/Berlin",
//!     "weekly": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
//!                "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]],
//!                "fri": [["09:00", "17:00"]]}
//! }"#)?;
//! // Friday 2025-06-13 17:00 Berlin + 8 business hours = Monday 17:00.
//! let fri_17 = 1_749_826_800;
//! let due = cal.deadline(fri_17, Duration::Business { seconds: 8 * 3600 }, &[])?;
//! assert_eq!(due, fri_17 + 3 * 86_400);
//! assert_eq!(cal.elapsed(fri_17, due, &[])?, 8 * 3600);
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Money
//!
//! Amounts are integer minor units of an ISO 4217 currency, never floating
//! point; sums are checked and conversions use exact decimal rates.
//!
//! ```
//! use nps_core::money::{Currency, Money, Rate};
//! let cny = Currency::from_code("CNY")?;
//! let total = Money::new(180_000, cny).checked_add(Money::new(30_000, cny))?;
//! assert_eq!(total.to_string(), "2100.00 CNY");
//! let usd = Money::new(10_000, Currency::from_code("USD")?); // 100.00 USD
//! let rate = Rate::parse("USD", "CNY", "7.1234")?;
//! assert_eq!(usd.convert(cny, &[rate])?.minor, 71_234);
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Cases
//!
//! A [`case::Case`] is the event log of one recovery (opened, acknowledged,
//! contacted, …, closed); its state is a pure function of the log, and
//! [`case::Case::status`] reads it against a policy at an instant: the
//! current step, late steps, the triage clocks and the approvals.
//!
//! ```
//! use nps_core::case::{Case, StepState};
//! use nps_core::policy::{DeadlineState, Policy};
//! let log = r#"[
//!   {"kind": "opened", "at": "2025-06-13T09:00:00+08:00", "score": 3, "reason": "waiting",
//!    "high_value": false, "public_opinion_risk": false},
//!   {"kind": "acknowledged", "at": "2025-06-13T09:30:00+08:00"},
//!   {"kind": "contacted", "at": "2025-06-13T12:00:00+08:00", "channel": "phone"}
//! ]"#;
//! let case = Case::from_json_events(log, "c-1")?;
//! let s = case.status(&Policy::default(), case.opened_at() + 5 * 3600)?;
//! assert_eq!(s.current_step.as_deref(), Some("investigation"));
//! assert_eq!(s.steps[1].state, StepState::Done); // first contact at 3 h
//! assert_eq!(s.deadlines.deadlines[0].state, DeadlineState::Met); // acknowledged at 30 min
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Programme statistics
//!
//! [`programme`] reads many cases at once: launched, responded within 24 h,
//! recovered, converted and lost among the low scores, their splits by
//! response speed, compensation and channel, and open cases ranked by
//! expected recovered value.
//!
//! ```
//! use nps_core::case::{At, Case, Channel, Event, Outcome};
//! use nps_core::policy::Policy;
//! use nps_core::programme::{recovery_stats, StatsOptions};
//! let open = |at| Event::Opened { at: At(at), score: 3, reason: "waiting".into(),
//!     high_value: false, public_opinion_risk: false, dealer: None };
//! let mut a = Case::new("a", open(0))?;
//! a.apply(Event::Acknowledged { at: At(600) })?;
//! a.apply(Event::Contacted { at: At(3600), channel: Channel::Visit })?;
//! a.apply(Event::Closed { at: At(7200), outcome: Outcome::Recovered })?;
//! let b = Case::new("b", open(0))?;
//! let s = recovery_stats(&[a, b], &Policy::default(), &StatsOptions::default())?;
//! assert_eq!((s.low_scores, s.launched, s.recovered), (2, 1, 1));
//! assert_eq!(s.success_rate.value, Some(0.5));
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Integrity
//!
//! A re-rating is stored next to the original score, never instead of it;
//! [`integrity::rerated_nps`] reports both. [`integrity::managed_flags`]
//! tests each group against the rest of the network for distributions that
//! look managed.
//!
//! ```
//! use nps_core::integrity::{rerated_nps, Basis};
//! use nps_core::NpsSample;
//! let original = [3u8, 5, 9, 10, 8];
//! let rerated = [10.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN]; // row 0 re-rated
//! let r = rerated_nps(&original, &rerated, None, Basis::Original)?;
//! assert_eq!(r.reported().nps()?, 0.0); // the original scores
//! assert_eq!(r.after_recovery.nps()?, 40.0);
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## KPIs
//!
//! Every [`kpi::Kpi`] carries its numerator, denominator and coverage; an
//! empty denominator is "no data", never 0. A scorecard holds results
//! against the policy's benchmarks.
//!
//! ```
//! use nps_core::group::Keys;
//! use nps_core::kpi::{first_time_fix_rate, scorecard, ComebackOptions, Grouping, Jobs, Status};
//! use nps_core::policy::Policy;
//! // Vehicle 1 comes back a day after its first job.
//! let jobs = Jobs {
//!     vehicles: Keys::U32(&[1, 1]),
//!     complaints: None,
//!     opened: &[0, 86_400],
//!     closed: &[3_600, 90_000],
//! };
//! let ftf = first_time_fix_rate(&jobs, &ComebackOptions::default(), &Grouping::default())?;
//! assert_eq!(ftf.overall.value, Some(0.5));
//! let card = scorecard(&[("first_time_fix_rate", ftf.overall.value)], &Policy::default().benchmarks);
//! assert_eq!(card[0].status, Status::Misses); // the benchmark is at least 85 %
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Heat maps
//!
//! A pain point's heat is mentions × pain index; a [`heatmap::HeatMap`]
//! ranks the points, totals them by journey stage and finds the few that
//! carry most of the heat.
//!
//! ```
//! use nps_core::heatmap::{HeatMap, Stage};
//! let map = HeatMap::from_rows(
//!     &[Stage::Reception, Stage::Repair, Stage::Delivery],
//!     &["queue longer than 30 minutes on arrival", "problem not fixed", "invoice unclear"],
//!     &[893u64, 398, 10],
//!     &[9u8, 10, 3],
//! )?;
//! assert_eq!(map.ranked()[0].heat, 893 * 9);
//! assert_eq!(map.pareto(0.8)?.len(), 2); // two points carry 80 % of the heat
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Capacity (Erlang C)
//!
//! [`erlang`] estimates waits at a reception desk or a workshop with the
//! M/M/c queue, and finds the staff needed for a waiting target.
//!
//! ```
//! use nps_core::erlang::{erlang_c, servers_needed, Queue};
//! // 2 erlangs offered to 3 servers: P(wait) = 4/9.
//! let Queue::Stable(q) = erlang_c(2.0, 1.0, 3, None)? else { unreachable!() };
//! assert!((q.prob_wait - 4.0 / 9.0).abs() < 1e-15);
//! // 20 customers an hour, 15 min each, 80 % greeted within 3 min: 8 advisors.
//! assert_eq!(servers_needed(20.0, 0.25, 0.05, 0.8, None)?.servers, 8);
//! # Ok::<(), nps_core::Error>(())
//! ```
//!
//! ## Errors
//!
//! Every fallible function returns [`Result`] with the one error type
//! [`Error`]; [`Error::kind`] gives a stable [`ErrorKind`]. Invalid scores
//! name the row ([`Error::InvalidScore`]); a statistic of an empty sample is
//! [`Error::NoData`], never NaN and never 0. Policies and calendars report
//! every problem with its JSON path ([`Problem`]). Nothing panics on caller
//! input.
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
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

pub mod calendar;
pub mod case;
pub mod econ;
pub mod erlang;
mod error;
pub mod event_log;
pub mod flow;
pub mod goal;
pub mod group;
pub mod heatmap;
pub mod integrity;
mod json;
pub mod kpi;
pub mod loyalty;
pub mod money;
mod parallel;
pub mod period;
pub mod policy;
pub mod programme;
mod score;
mod sort;
pub mod staffing;
pub mod state;
mod stats;
pub mod table;
mod tally;

pub use error::{Error, ErrorKind, Problem, Result, MAX_QUOTED_CHARS};
pub use parallel::{max_threads, set_max_threads};
pub use score::{Category, Scale, Score, ScoreRange, ScoreValue};
pub use stats::{
    compare, compare_many, sample_size, test_benchmark, z_value, Adjust, AdjustedComparison,
    AdjustedWald, Alternative, Bayes, CompareManyOptions, Credible, Effective, Interval,
    IntervalKind, IntervalMethod, IntervalOptions, NpsSample, SampleSizeOptions, Shares, TestKind,
    TestMethod, TestOptions, TestResult, CONFIDENCE_RANGE, DEFAULT_CONFIDENCE, MAX_SAMPLE_SIZE,
};
pub use stats::{
    compare_counts, compare_counts_many, compare_shares, compare_shares_many, AdjustedChange,
    ChangeManyOptions, ChangeOptions, CountChange, CountExposure, ShareChange, ShareCounts,
};
pub use tally::{CategoryCounts, ColumnTally, InvalidPolicy, Tally, WeightedTally, WEIGHT_RANGE};

/// The Rust example of the repository README, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
