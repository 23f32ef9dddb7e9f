//! Recovery cases from an event table: one row per case event (the
//! DataFrame form of an export), grouped into [`Case`]s by case id.
//!
//! [`EventColumns`] holds the columns; [`cases_from_columns`] builds the
//! cases and [`recovery_stats_from_columns`] their programme statistics
//! (equal to building the same cases event by event with [`Case::apply`]
//! and calling [`recovery_stats`]).
//!
//! The rules:
//!
//! - A case's rows are its events, taken in time order (`at`, Unix
//!   seconds); rows of the same instant keep their row order. Cases come
//!   in the order of their first row.
//! - `event` names the kind, as in the JSON log of [`crate::case`]
//!   (`opened`, `acknowledged`, `contacted`, `investigated`,
//!   `solution_proposed`, `solution_accepted`, `execution_started`,
//!   `executed`, `followed_up`, `rerated`, `closed`, `reviewed`).
//! - The fields of a kind come from their columns on its row: `score`
//!   (`opened`, `rerated`; a whole number 0–10, NaN = missing), `reason`,
//!   `high_value`, `public_opinion_risk` (empty column = false) and
//!   `dealer` (optional) for `opened`; `channel` for `contacted`;
//!   `responsibility` for `investigated`; `outcome` for `closed`. A
//!   `solution_proposed` row is one item of a package: `value` (whole
//!   minor units ≥ 0), `currency` (ISO 4217) and `layer`; the
//!   `solution_proposed` rows of a case at the same instant are one
//!   package (items in row order). A package is marked over the
//!   customer's expectation when `over_expectation` is true on any of its
//!   rows (empty column = false); `expectation` (whole minor units ≥ 0,
//!   NaN = not given) is the customer's stated expectation, given on one or
//!   more of its rows (all equal). Other columns on a row are ignored.
//! - Every event goes through [`Case::apply`], so the procedure order,
//!   events that occur once (a second `opened`, `acknowledged`, `closed`,
//!   …) and everything else the log rules refuse are errors here too.
//!
//! Every error is [`Error::InCase`] naming the case id and, as its index,
//! the row, around [`Error::InvalidValue`] naming the column and the row
//! (an unknown event name, a bad instant, a missing or bad field) or
//! [`Error::InvalidEvent`] with the row (an event the case refuses). Column
//! lengths that differ from `case` are [`Error::LengthMismatch`].
//!
//! ```
//! use nps_core::event_log::{recovery_stats_from_columns, EventColumns};
//! use nps_core::policy::Policy;
//! use nps_core::programme::StatsOptions;
//! let cols = EventColumns {
//!     case: &["a", "a", "b", "a", "a"],
//!     event: &["opened", "acknowledged", "opened", "contacted", "closed"],
//!     at: &[0, 600, 0, 3600, 7200],
//!     score: &[3.0, f64::NAN, 5.0, f64::NAN, f64::NAN],
//!     reason: &[Some("waiting"), None, Some("price"), None, None],
//!     channel: &[None, None, None, Some("visit"), None],
//!     outcome: &[None, None, None, None, Some("recovered")],
//!     ..EventColumns::default()
//! };
//! let s = recovery_stats_from_columns(&cols, &Policy::default(), &StatsOptions::default())?;
//! assert_eq!((s.low_scores, s.launched, s.recovered), (2, 1, 1));
//! assert_eq!(s.success_rate.value, Some(0.5));
//! # Ok::<(), nps_core::Error>(())
//! ```

use std::collections::HashMap;

use serde::de::DeserializeOwned;

use crate::case::{At, Case, Event, PackageItem};
use crate::error::{Error, Result};
use crate::money::Currency;
use crate::period::{MAX_TS, MIN_TS};
use crate::policy::{Layer, Policy};
use crate::programme::{recovery_stats, RecoveryStats, StatsOptions};

/// The columns of an event table, one row per case event (see the module
/// docs). `case`, `event` and `at` are required and set the number of
/// rows; every other column is either empty (not given) or as long as
/// `case`. Text columns hold `None` where a row has no value; number
/// columns NaN.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventColumns<'a> {
    /// The case id of each row.
    pub case: &'a [&'a str],
    /// The event kind of each row (`opened`, `contacted`, …).
    pub event: &'a [&'a str],
    /// The instant of each row, Unix seconds (`i64::MIN` marks a missing
    /// one, reported as such).
    pub at: &'a [i64],
    /// Score 0–10 of `opened` and `rerated` rows (NaN elsewhere).
    pub score: &'a [f64],
    /// Low-score reason of `opened` rows.
    pub reason: &'a [Option<&'a str>],
    /// High-value customer (`opened`; empty = false).
    pub high_value: &'a [bool],
    /// Public-opinion risk (`opened`; empty = false).
    pub public_opinion_risk: &'a [bool],
    /// Dealer of `opened` rows (optional).
    pub dealer: &'a [Option<&'a str>],
    /// Channel of `contacted` rows: `phone`, `visit` or `message`.
    pub channel: &'a [Option<&'a str>],
    /// Responsibility of `investigated` rows: `company`, `customer`,
    /// `shared` or `force_majeure`.
    pub responsibility: &'a [Option<&'a str>],
    /// Item value of `solution_proposed` rows, in minor units (whole, ≥ 0).
    pub value: &'a [f64],
    /// Item currency of `solution_proposed` rows (ISO 4217).
    pub currency: &'a [Option<&'a str>],
    /// Item layer of `solution_proposed` rows: `problem_repair`,
    /// `loss_compensation` or `emotional_repair`.
    pub layer: &'a [Option<&'a str>],
    /// Outcome of `closed` rows: `recovered`, `converted` or `lost`.
    pub outcome: &'a [Option<&'a str>],
    /// `solution_proposed` rows: the package is marked over the customer's
    /// expectation (empty = false).
    pub over_expectation: &'a [bool],
    /// `solution_proposed` rows: the customer's stated expectation in
    /// minor units (whole, ≥ 0; NaN = not given).
    pub expectation: &'a [f64],
}

/// The event kinds an event table names, as the JSON log spells them.
const KINDS: [&str; 12] = [
    "opened",
    "acknowledged",
    "contacted",
    "investigated",
    "solution_proposed",
    "solution_accepted",
    "execution_started",
    "executed",
    "followed_up",
    "rerated",
    "closed",
    "reviewed",
];

impl<'a> EventColumns<'a> {
    fn check(&self) -> Result<()> {
        let n = self.case.len();
        Error::check_len("event", self.event.len(), "case", n)?;
        Error::check_len("at", self.at.len(), "case", n)?;
        let optional = [
            ("score", self.score.len()),
            ("reason", self.reason.len()),
            ("high_value", self.high_value.len()),
            ("public_opinion_risk", self.public_opinion_risk.len()),
            ("dealer", self.dealer.len()),
            ("channel", self.channel.len()),
            ("responsibility", self.responsibility.len()),
            ("value", self.value.len()),
            ("currency", self.currency.len()),
            ("layer", self.layer.len()),
            ("outcome", self.outcome.len()),
            ("over_expectation", self.over_expectation.len()),
            ("expectation", self.expectation.len()),
        ];
        for (name, len) in optional {
            if len != 0 {
                Error::check_len(name, len, "case", n)?;
            }
        }
        Ok(())
    }

    /// The text of column `name` at `row`, required by the row's kind.
    fn text(&self, col: &[Option<&'a str>], name: &'static str, row: usize) -> Result<&'a str> {
        if col.is_empty() {
            return Err(Error::value(
                name,
                row,
                format!("`{}` rows need column `{name}`", self.event[row]),
            ));
        }
        col[row].ok_or_else(|| {
            Error::value(
                name,
                row,
                format!("missing (`{}` rows need it)", self.event[row]),
            )
        })
    }

    /// A snake_case name of column `name` at `row` parsed as the log
    /// reads it.
    fn named<T: DeserializeOwned>(
        &self,
        col: &[Option<&'a str>],
        name: &'static str,
        row: usize,
    ) -> Result<T> {
        let text = self.text(col, name, row)?;
        serde_json::from_value(serde_json::Value::String(text.to_owned()))
            .map_err(|_| Error::value(name, row, format!("unknown {name} `{text}`")))
    }

    /// A whole number of column `name` at `row` within `0..=max`.
    fn whole(&self, col: &[f64], name: &'static str, row: usize, max: f64) -> Result<f64> {
        let Some(&v) = col.get(row) else {
            return Err(Error::value(
                name,
                row,
                format!("`{}` rows need column `{name}`", self.event[row]),
            ));
        };
        if v.is_nan() {
            return Err(Error::value(
                name,
                row,
                format!("missing (`{}` rows need it)", self.event[row]),
            ));
        }
        if v.fract() != 0.0 || !(0.0..=max).contains(&v) {
            return Err(Error::value(
                name,
                row,
                format!("{v} is not a whole number 0–{max}"),
            ));
        }
        Ok(v)
    }

    fn score(&self, row: usize) -> Result<u8> {
        // 0–10: the conversion cannot fail.
        Ok(self.whole(self.score, "score", row, 10.0)? as u8)
    }

    fn item(&self, row: usize) -> Result<PackageItem> {
        // Below 2^53 every whole number is exact.
        let value = self.whole(self.value, "value", row, 9_007_199_254_740_992.0)? as i64;
        let code = self.text(self.currency, "currency", row)?;
        let currency =
            Currency::from_code(code).map_err(|e| Error::value("currency", row, e.to_string()))?;
        let layer = Layer::from_name(self.text(self.layer, "layer", row)?)
            .map_err(|e| Error::value("layer", row, e.to_string()))?;
        Ok(PackageItem {
            value,
            currency,
            layer,
        })
    }

    /// The stated expectation of a `solution_proposed` row, if given.
    fn expectation(&self, row: usize) -> Result<Option<i64>> {
        match self.expectation.get(row) {
            Some(v) if !v.is_nan() => Ok(Some(self.whole(
                self.expectation,
                "expectation",
                row,
                9_007_199_254_740_992.0,
            )? as i64)),
            _ => Ok(None),
        }
    }

    /// The event of `row` (a `solution_proposed` row: a package of its
    /// one item).
    fn event_at(&self, row: usize) -> Result<Event> {
        let at = At(self.at[row]);
        let flag = |c: &[bool]| c.get(row).copied().unwrap_or(false);
        Ok(match self.event[row] {
            "opened" => Event::Opened {
                at,
                score: self.score(row)?,
                reason: self.text(self.reason, "reason", row)?.to_owned(),
                high_value: flag(self.high_value),
                public_opinion_risk: flag(self.public_opinion_risk),
                dealer: self.dealer.get(row).copied().flatten().map(str::to_owned),
            },
            "acknowledged" => Event::Acknowledged { at },
            "contacted" => Event::Contacted {
                at,
                channel: self.named(self.channel, "channel", row)?,
            },
            "investigated" => Event::Investigated {
                at,
                responsibility: self.named(self.responsibility, "responsibility", row)?,
            },
            "solution_proposed" => Event::SolutionProposed {
                at,
                items: vec![self.item(row)?],
                over_expectation: flag(self.over_expectation),
                expectation: self.expectation(row)?,
            },
            "solution_accepted" => Event::SolutionAccepted { at },
            "execution_started" => Event::ExecutionStarted { at },
            "executed" => Event::Executed { at },
            "followed_up" => Event::FollowedUp { at },
            "rerated" => Event::Rerated {
                at,
                score: self.score(row)?,
            },
            "closed" => Event::Closed {
                at,
                outcome: self.named(self.outcome, "outcome", row)?,
            },
            "reviewed" => Event::Reviewed { at },
            other => {
                return Err(Error::value(
                    "event",
                    row,
                    format!("unknown event `{other}` (expected {})", KINDS.join(", ")),
                ))
            }
        })
    }
}

/// The rows of each case in time order (ties in row order), cases in the
/// order of their first row.
fn rows_by_case(cols: &EventColumns<'_>) -> Vec<Vec<usize>> {
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut cases: Vec<Vec<usize>> = Vec::new();
    for (row, id) in cols.case.iter().enumerate() {
        let i = *at.entry(id).or_insert_with(|| {
            cases.push(Vec::new());
            cases.len() - 1
        });
        cases[i].push(row);
    }
    for rows in &mut cases {
        rows.sort_by_key(|&r| cols.at[r]); // stable: ties keep row order
    }
    cases
}

/// One case from its rows (in time order).
fn case_of(cols: &EventColumns<'_>, rows: &[usize], policy: Option<&Policy>) -> Result<Case> {
    let id = cols.case[rows[0]];
    let mut case: Option<Case> = None;
    let mut k = 0;
    while k < rows.len() {
        let row = rows[k];
        let fail = |e: Error| e.in_case(row, id);
        let at = cols.at[row];
        let mut e = cols.event_at(row).map_err(fail)?;
        k += 1;
        // The items of one package: the case's next `solution_proposed`
        // rows at the same instant.
        if let Event::SolutionProposed {
            items,
            over_expectation,
            expectation,
            ..
        } = &mut e
        {
            while let Some(&next) = rows.get(k) {
                if cols.event[next] != "solution_proposed" || cols.at[next] != at {
                    break;
                }
                let in_next = |e: Error| e.in_case(next, id);
                items.push(cols.item(next).map_err(in_next)?);
                *over_expectation |= cols.over_expectation.get(next).copied().unwrap_or(false);
                match (*expectation, cols.expectation(next).map_err(in_next)?) {
                    (Some(a), Some(b)) if a != b => {
                        return Err(in_next(Error::value(
                            "expectation",
                            next,
                            format!("{b} differs from {a} on an earlier row of the same package"),
                        )))
                    }
                    (None, b @ Some(_)) => *expectation = b,
                    _ => {}
                }
                k += 1;
            }
        }
        let kind = e.kind();
        let refused = |e: Error| {
            let reason = match &e {
                Error::InvalidEvent { reason, .. } => reason.clone(),
                other => other.to_string(),
            };
            fail(Error::event(Some(row), kind, reason))
        };
        match &mut case {
            None => case = Some(Case::new(id, e).map_err(refused)?),
            Some(c) => match policy {
                Some(p) => c.apply_for(e, p).map_err(refused)?,
                None => c.apply(e).map_err(refused)?,
            },
        }
    }
    Ok(case.expect("a case has at least one row"))
}

fn cases_with(cols: &EventColumns<'_>, policy: Option<&Policy>) -> Result<Vec<Case>> {
    cols.check()?;
    // Instants first, in row order: the rows are then sorted by them.
    if let Some(row) = cols.at.iter().position(|t| !(MIN_TS..=MAX_TS).contains(t)) {
        let at = cols.at[row];
        let reason = if at == i64::MIN {
            "missing instant".to_owned()
        } else {
            format!("instant {at} out of range")
        };
        return Err(Error::value("at", row, reason).in_case(row, cols.case[row]));
    }
    rows_by_case(cols)
        .iter()
        .map(|rows| case_of(cols, rows, policy))
        .collect()
}

/// The cases of an event table (see the module docs), in the order of
/// their first row.
///
/// Errors: [`Error::LengthMismatch`]; [`Error::InCase`] (the case id and
/// the row) around [`Error::InvalidValue`] (the column and the row) or
/// [`Error::InvalidEvent`] (the row), as the module docs say.
///
/// ```
/// use nps_core::event_log::{cases_from_columns, EventColumns};
/// let cols = EventColumns {
///     case: &["a", "a"],
///     event: &["opened", "acknowledged"],
///     at: &[0, 60],
///     score: &[2.0, f64::NAN],
///     reason: &[Some("price"), None],
///     ..EventColumns::default()
/// };
/// let cases = cases_from_columns(&cols)?;
/// assert_eq!((cases[0].id(), cases[0].events().len()), ("a", 2));
/// let bad = EventColumns { event: &["opened", "waved"], ..cols };
/// let e = cases_from_columns(&bad).unwrap_err();
/// assert_eq!(e.index(), Some(1)); // the row
/// assert!(e.to_string().contains("`a`") && e.to_string().contains("`event`"));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn cases_from_columns(cols: &EventColumns<'_>) -> Result<Vec<Case>> {
    cases_with(cols, None)
}

/// [`recovery_stats`] of the cases of an event table: packages must be in
/// the policy's currency (as [`Case::apply_for`] checks). A case that
/// fails in the statistics is [`Error::InCase`] with the row of its first
/// event.
///
/// Errors: as [`cases_from_columns`] and [`recovery_stats`].
pub fn recovery_stats_from_columns(
    cols: &EventColumns<'_>,
    policy: &Policy,
    options: &StatsOptions,
) -> Result<RecoveryStats> {
    let cases = cases_with(cols, Some(policy))?;
    recovery_stats(&cases, policy, options).map_err(|e| match e {
        Error::InCase {
            index,
            case_id,
            source,
        } => {
            // The case's position → the row of its first event.
            let row = rows_by_case(cols).get(index).map_or(index, |rows| rows[0]);
            Error::InCase {
                index: row,
                case_id,
                source,
            }
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Channel, Outcome, Responsibility};
    use proptest::prelude::*;

    /// One generated event as a table row (text fields owned).
    #[derive(Debug, Clone)]
    struct Row {
        case: String,
        event: &'static str,
        at: i64,
        score: f64,
        reason: Option<String>,
        high_value: bool,
        channel: Option<&'static str>,
        responsibility: Option<&'static str>,
        value: f64,
        currency: Option<&'static str>,
        layer: Option<&'static str>,
        outcome: Option<&'static str>,
        over_expectation: bool,
        expectation: f64,
    }

    fn row(case: &str, event: &'static str, at: i64) -> Row {
        Row {
            case: case.to_owned(),
            event,
            at,
            score: f64::NAN,
            reason: None,
            high_value: false,
            channel: None,
            responsibility: None,
            value: f64::NAN,
            currency: None,
            layer: None,
            outcome: None,
            over_expectation: false,
            expectation: f64::NAN,
        }
    }

    /// Runs `f` on the columns of `rows`.
    fn with_columns<R>(rows: &[Row], f: impl FnOnce(&EventColumns<'_>) -> R) -> R {
        let case: Vec<&str> = rows.iter().map(|r| r.case.as_str()).collect();
        let event: Vec<&str> = rows.iter().map(|r| r.event).collect();
        let at: Vec<i64> = rows.iter().map(|r| r.at).collect();
        let score: Vec<f64> = rows.iter().map(|r| r.score).collect();
        let reason: Vec<Option<&str>> = rows.iter().map(|r| r.reason.as_deref()).collect();
        let high_value: Vec<bool> = rows.iter().map(|r| r.high_value).collect();
        let channel: Vec<Option<&str>> = rows.iter().map(|r| r.channel).collect();
        let responsibility: Vec<Option<&str>> = rows.iter().map(|r| r.responsibility).collect();
        let value: Vec<f64> = rows.iter().map(|r| r.value).collect();
        let currency: Vec<Option<&str>> = rows.iter().map(|r| r.currency).collect();
        let layer: Vec<Option<&str>> = rows.iter().map(|r| r.layer).collect();
        let outcome: Vec<Option<&str>> = rows.iter().map(|r| r.outcome).collect();
        let over: Vec<bool> = rows.iter().map(|r| r.over_expectation).collect();
        let expectation: Vec<f64> = rows.iter().map(|r| r.expectation).collect();
        f(&EventColumns {
            case: &case,
            event: &event,
            at: &at,
            score: &score,
            reason: &reason,
            high_value: &high_value,
            public_opinion_risk: &[],
            dealer: &[],
            channel: &channel,
            responsibility: &responsibility,
            value: &value,
            currency: &currency,
            layer: &layer,
            outcome: &outcome,
            over_expectation: &over,
            expectation: &expectation,
        })
    }

    /// A valid case log as rows and as the events a caller would apply by
    /// hand: `steps` of acknowledged, contacted, investigated, proposed
    /// (`items` items), accepted, executed, followed_up; then closed
    /// (lost; recovered, or converted after a re-rating of 10, once contacted) and reviewed.
    #[allow(clippy::too_many_arguments)]
    fn log(
        id: &str,
        score: u8,
        reason: &str,
        high_value: bool,
        steps: usize,
        items: usize,
        close: Option<u8>,
        channel: Channel,
        gaps: &[i64],
    ) -> (Vec<Row>, Vec<Event>) {
        let mut t = 1_750_000_000;
        let mut gap = gaps.iter().cycle();
        let mut next = || {
            t += gap.next().copied().unwrap_or(0);
            t
        };
        let mut rows = Vec::new();
        let mut events = Vec::new();
        let at = next();
        rows.push(Row {
            score: f64::from(score),
            reason: Some(reason.to_owned()),
            high_value,
            ..row(id, "opened", at)
        });
        events.push(Event::Opened {
            at: At(at),
            score,
            reason: reason.to_owned(),
            high_value,
            public_opinion_risk: false,
            dealer: None,
        });
        let kinds = [
            "acknowledged",
            "contacted",
            "investigated",
            "solution_proposed",
            "solution_accepted",
            "execution_started",
            "executed",
            "followed_up",
        ];
        for &kind in &kinds[..steps] {
            let at = next();
            let r = row(id, kind, at);
            match kind {
                "acknowledged" => events.push(Event::Acknowledged { at: At(at) }),
                "contacted" => {
                    rows.push(Row {
                        channel: Some(channel.name()),
                        ..r.clone()
                    });
                    events.push(Event::Contacted {
                        at: At(at),
                        channel,
                    });
                    continue;
                }
                "investigated" => {
                    rows.push(Row {
                        responsibility: Some("company"),
                        ..r.clone()
                    });
                    events.push(Event::Investigated {
                        at: At(at),
                        responsibility: Responsibility::Company,
                    });
                    continue;
                }
                "solution_proposed" => {
                    let mut package = Vec::new();
                    // Two items: marked over expectation on the first row;
                    // one item (10000): a stated expectation of 15000 (standard).
                    let n = items.max(1);
                    for k in 0..n {
                        let minor = 10_000 * (k as i64 + 1);
                        rows.push(Row {
                            value: minor as f64,
                            currency: Some("CNY"),
                            layer: Some("loss_compensation"),
                            over_expectation: n == 2 && k == 0,
                            expectation: if n == 1 { 15_000.0 } else { f64::NAN },
                            ..r.clone()
                        });
                        package.push(PackageItem {
                            value: minor,
                            currency: Currency::from_code("CNY").unwrap(),
                            layer: Layer::LossCompensation,
                        });
                    }
                    events.push(Event::SolutionProposed {
                        at: At(at),
                        items: package,
                        over_expectation: n == 2,
                        expectation: (n == 1).then_some(15_000),
                    });
                    continue;
                }
                "solution_accepted" => events.push(Event::SolutionAccepted { at: At(at) }),
                "execution_started" => events.push(Event::ExecutionStarted { at: At(at) }),
                "executed" => events.push(Event::Executed { at: At(at) }),
                _ => events.push(Event::FollowedUp { at: At(at) }),
            }
            rows.push(r);
        }
        if let Some(close) = close {
            // 0 lost; after a contact 1 recovered, 2 converted (re-rated 10 first).
            let outcome = match close {
                1 if steps >= 2 => Outcome::Recovered,
                2 if steps >= 2 => Outcome::Converted,
                _ => Outcome::Lost,
            };
            if outcome == Outcome::Converted {
                let at = next();
                rows.push(Row {
                    score: 10.0,
                    ..row(id, "rerated", at)
                });
                events.push(Event::Rerated {
                    at: At(at),
                    score: 10,
                });
            }
            let at = next();
            rows.push(Row {
                outcome: Some(outcome.name()),
                ..row(id, "closed", at)
            });
            events.push(Event::Closed {
                at: At(at),
                outcome,
            });
            let at = next();
            rows.push(row(id, "reviewed", at));
            events.push(Event::Reviewed { at: At(at) });
        }
        (rows, events)
    }

    #[test]
    fn hand_worked_statistics() {
        // Three cases, rows interleaved and out of time order. By hand:
        // a (score 3) contacted by visit at 1 h, recovered; b (score 5)
        // contacted by phone at 30 h, lost; c (score 8) is not a low score.
        // low_scores 2, launched 2, responded_24h 1 (a), recovered 1, lost 1.
        let rows = vec![
            Row {
                outcome: Some("recovered"),
                ..row("a", "closed", 7_200)
            },
            Row {
                score: 3.0,
                reason: Some("waiting".into()),
                ..row("a", "opened", 0)
            },
            Row {
                score: 5.0,
                reason: Some("price".into()),
                ..row("b", "opened", 0)
            },
            row("a", "acknowledged", 600),
            Row {
                channel: Some("visit"),
                ..row("a", "contacted", 3_600)
            },
            Row {
                score: 8.0,
                reason: Some("price".into()),
                ..row("c", "opened", 10)
            },
            row("b", "acknowledged", 600),
            Row {
                channel: Some("phone"),
                ..row("b", "contacted", 30 * 3_600)
            },
            Row {
                outcome: Some("lost"),
                ..row("b", "closed", 31 * 3_600)
            },
        ];
        let s = with_columns(&rows, |c| {
            recovery_stats_from_columns(c, &Policy::default(), &StatsOptions::default())
        })
        .unwrap();
        assert_eq!(
            (
                s.low_scores,
                s.launched,
                s.responded_24h,
                s.recovered,
                s.converted,
                s.lost
            ),
            (2, 2, 1, 1, 0, 1)
        );
        assert_eq!(s.success_rate.value, Some(0.5));
        assert_eq!(s.response_24h_rate.value, Some(0.5));
        let cases = with_columns(&rows, cases_from_columns).unwrap();
        let ids: Vec<&str> = cases.iter().map(Case::id).collect();
        assert_eq!(ids, ["a", "b", "c"]); // order of first row
        assert_eq!(cases[0].events()[0].kind(), "opened"); // time order
    }

    /// The row and the column an error names (`InCase` around the row's
    /// own error).
    fn fails(rows: &[Row], column: Option<&str>, row: usize, case: &str) {
        let e = with_columns(rows, cases_from_columns).unwrap_err();
        let Error::InCase {
            index,
            case_id,
            source,
        } = &e
        else {
            panic!("not about a case: {e}");
        };
        assert_eq!((*index, case_id.as_str()), (row, case), "{e}");
        match (source.as_ref(), column) {
            (Error::InvalidValue { name, index, .. }, Some(c)) => {
                assert_eq!((name.as_str(), *index), (c, row), "{e}")
            }
            (Error::InvalidEvent { index, .. }, None) => assert_eq!(*index, Some(row), "{e}"),
            (other, _) => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn errors_name_the_case_the_row_and_the_column() {
        let opened = Row {
            score: 2.0,
            reason: Some("w".into()),
            ..row("k", "opened", 0)
        };
        let ack = row("k", "acknowledged", 60);
        // Unknown event name.
        fails(
            &[opened.clone(), row("k", "waved", 60)],
            Some("event"),
            1,
            "k",
        );
        // A bad instant.
        fails(
            &[opened.clone(), row("k", "acknowledged", i64::MAX)],
            Some("at"),
            1,
            "k",
        );
        // A field its kind needs is missing, or its column is.
        fails(
            &[opened.clone(), ack.clone(), row("k", "contacted", 70)],
            Some("channel"),
            2,
            "k",
        );
        let e = cases_from_columns(&EventColumns {
            case: &["k"],
            event: &["opened"],
            at: &[0],
            ..EventColumns::default()
        })
        .unwrap_err();
        assert_eq!(e.index(), Some(0));
        assert!(e.to_string().contains("column `score`"), "{e}");
        // A bad score and an unknown channel.
        fails(
            &[Row {
                score: 11.0,
                ..opened.clone()
            }],
            Some("score"),
            0,
            "k",
        );
        fails(
            &[
                opened.clone(),
                ack.clone(),
                Row {
                    channel: Some("pigeon"),
                    ..row("k", "contacted", 70)
                },
            ],
            Some("channel"),
            2,
            "k",
        );
        // A duplicate event where the log takes one.
        fails(&[opened.clone(), ack.clone(), ack.clone()], None, 2, "k");
        fails(&[opened.clone(), opened.clone()], None, 1, "k");
        // A case without `opened`, among others.
        fails(&[opened.clone(), row("z", "acknowledged", 5)], None, 1, "z");
        // Lengths.
        let e = cases_from_columns(&EventColumns {
            case: &["k"],
            event: &["opened", "closed"],
            at: &[0],
            ..EventColumns::default()
        })
        .unwrap_err();
        assert!(matches!(e, Error::LengthMismatch { .. }), "{e}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Cases from a table with interleaved rows equal the cases built
        /// event by event, and so do their statistics.
        #[test]
        fn equals_cases_built_by_hand(
            specs in proptest::collection::vec(
                (0u8..=10, 0usize..3, any::<bool>(), 0usize..=8, 1usize..3,
                 proptest::option::of(0u8..3), 0usize..4),
                0..6),
            gaps in proptest::collection::vec(0i64..40_000, 1..5),
            picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..80),
        ) {
            let reasons = ["waiting", "price", "quality"];
            let mut logs: Vec<(Vec<Row>, Vec<Event>)> = specs
                .iter()
                .enumerate()
                .map(|(i, &(score, reason, hv, steps, items, close, channel))| {
                    let (id, channel) = (format!("c{i}"), Channel::ALL[channel]);
                    log(&id, score, reasons[reason], hv, steps, items, close, channel, &gaps)
                })
                .collect();
            let expected: Vec<Case> = logs
                .iter()
                .enumerate()
                .map(|(i, (_, events))| Case::from_events(format!("c{i}"), events.clone()).unwrap())
                .collect();
            // Interleave the logs, each keeping its own row order.
            let mut rows = Vec::new();
            let mut pick = picks.iter();
            while logs.iter().any(|(r, _)| !r.is_empty()) {
                let open: Vec<usize> = (0..logs.len()).filter(|&i| !logs[i].0.is_empty()).collect();
                let i = pick.next().map_or(open[0], |p| open[p.index(open.len())]);
                rows.push(logs[i].0.remove(0));
            }
            let mut cases = with_columns(&rows, cases_from_columns).unwrap();
            // Cases come in the order of their first row.
            cases.sort_by_key(|c| c.id()[1..].parse::<usize>().unwrap());
            prop_assert_eq!(&cases, &expected);
            let (p, o) = (Policy::default(), StatsOptions::default());
            let s = with_columns(&rows, |c| recovery_stats_from_columns(c, &p, &o)).unwrap();
            prop_assert_eq!(s, recovery_stats(&expected, &p, &o).unwrap());
        }
    }
}
