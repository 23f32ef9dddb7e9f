//! Triage of survey responses: alert level, detractor tier, owner,
//! acknowledgement and contact deadlines, compensation cap.

use serde::{Deserialize, Serialize};

use super::{AlertLevel, Policy, Role, Tier};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::score::{category_of, Category};

/// A survey response to triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Response {
    /// Score 0..=10.
    pub score: u8,
    /// Submission instant, Unix seconds.
    pub submitted_at: i64,
    /// High-value customer.
    #[serde(default)]
    pub high_value: bool,
    /// Public-opinion risk (threat to go to media, regulator, social posts).
    #[serde(default)]
    pub public_opinion_risk: bool,
}

impl Response {
    /// An ordinary customer's response.
    pub fn new(score: u8, submitted_at: i64) -> Response {
        Response {
            score,
            submitted_at,
            high_value: false,
            public_opinion_risk: false,
        }
    }
}

/// The result of triage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    /// The response triaged.
    pub response: Response,
    /// Its category.
    pub category: Category,
    /// Alert level, if any.
    pub alert: Option<AlertLevel>,
    /// Detractor tier, if a detractor.
    pub tier: Option<Tier>,
    /// Case owner (tier owner; for an orange alert the notified role).
    pub owner: Option<Role>,
    /// Roles notified by the alert.
    pub notify: Vec<Role>,
    /// Alert acknowledgement deadline (for orange: the follow-up deadline).
    pub acknowledge_by: Option<i64>,
    /// Customer-contact deadline of the tier.
    pub contact_by: Option<i64>,
    /// Tier compensation cap.
    pub compensation_cap: Option<Money>,
    /// Escalate at once (public-opinion risk).
    pub escalate_immediately: bool,
    /// Role escalated to at once, or when the alert is not acknowledged in time.
    pub escalate_to: Option<Role>,
    /// Case marking (`urgent`, `important`).
    pub mark: Option<String>,
}

impl Policy {
    /// Triage of one response: alert level, tier, owner, deadlines, cap.
    /// A score outside 0..=10 is [`Error::InvalidScore`].
    pub fn triage(&self, r: &Response) -> Result<Triage> {
        if r.score > 10 {
            return Err(Error::InvalidScore {
                index: 0,
                value: f64::from(r.score),
                min: 0,
                max: 10,
            });
        }
        if !(crate::period::MIN_TS..=crate::period::MAX_TS).contains(&r.submitted_at) {
            return Err(Error::InvalidTimestamp {
                index: 0,
                value: r.submitted_at,
            });
        }
        let category = category_of(r.score);
        let alert = self
            .alerts
            .iter()
            .find(|a| a.scores[0] <= r.score && r.score <= a.scores[1]);
        let tier = if category == Category::Detractor {
            self.tiers.iter().find(|t| {
                t.when
                    .scores
                    .is_some_and(|s| s[0] <= r.score && r.score <= s[1])
                    || (t.when.public_opinion_risk && r.public_opinion_risk)
                    || (t.when.high_value && r.high_value)
            })
        } else {
            None
        };
        let acknowledge_by = alert
            .map(|a| self.add(r.submitted_at, a.acknowledge_within, &[]))
            .transpose()?;
        let contact_by = tier
            .map(|t| self.add(r.submitted_at, t.contact_within, &[]))
            .transpose()?;
        let escalate_immediately = r.public_opinion_risk
            && category == Category::Detractor
            && self.public_opinion_escalate_to.is_some();
        let escalate_to = if escalate_immediately {
            self.public_opinion_escalate_to.clone()
        } else {
            alert.and_then(|a| a.escalate_to.clone())
        };
        Ok(Triage {
            response: *r,
            category,
            alert: alert.map(|a| a.level),
            tier: tier.map(|t| t.tier),
            owner: tier
                .map(|t| t.owner.clone())
                .or_else(|| alert.and_then(|a| a.notify.first().cloned())),
            notify: alert.map(|a| a.notify.clone()).unwrap_or_default(),
            acknowledge_by,
            contact_by,
            compensation_cap: tier.map(|t| t.compensation_cap),
            escalate_immediately,
            escalate_to,
            mark: alert.and_then(|a| a.mark.clone()),
        })
    }

    /// Triage of columns (all the same length; flags may be empty = false).
    /// The first invalid score is [`Error::InvalidScore`] with its row.
    pub fn triage_many(
        &self,
        scores: &[u8],
        submitted_at: &[i64],
        high_value: &[bool],
        public_opinion_risk: &[bool],
    ) -> Result<Vec<Triage>> {
        Error::check_len("submitted_at", submitted_at.len(), "scores", scores.len())?;
        for (name, col) in [
            ("high_value", high_value),
            ("public_opinion_risk", public_opinion_risk),
        ] {
            if !col.is_empty() {
                Error::check_len(name, col.len(), "scores", scores.len())?;
            }
        }
        scores
            .iter()
            .enumerate()
            .map(|(i, &score)| {
                let r = Response {
                    score,
                    submitted_at: submitted_at[i],
                    high_value: high_value.get(i).copied().unwrap_or(false),
                    public_opinion_risk: public_opinion_risk.get(i).copied().unwrap_or(false),
                };
                self.triage(&r).map_err(|e| match e {
                    Error::InvalidScore {
                        value, min, max, ..
                    } => Error::InvalidScore {
                        index: i,
                        value,
                        min,
                        max,
                    },
                    Error::InvalidTimestamp { value, .. } => {
                        Error::InvalidTimestamp { index: i, value }
                    }
                    other => other,
                })
            })
            .collect()
    }
}

/// A triage saves as its fields; loading checks the score (0..=10) and
/// that the category is the score's.
impl crate::state::Saved for Triage {
    const KIND: &'static str = "Triage";
    fn check(&self) -> Result<()> {
        if self.response.score > 10 || self.category != category_of(self.response.score) {
            return Err(Error::arg(
                "state",
                "a triage has a score 0..=10 and that score's category",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triage_every_score_default() {
        let p = Policy::default();
        for s in 0..=10u8 {
            for hv in [false, true] {
                for risk in [false, true] {
                    let t = p
                        .triage(&Response {
                            score: s,
                            submitted_at: 1000,
                            high_value: hv,
                            public_opinion_risk: risk,
                        })
                        .unwrap();
                    let expect_tier = match s {
                        0..=3 => Some(Tier::S),
                        _ if s <= 6 && risk => Some(Tier::S),
                        4 | 5 => Some(Tier::A),
                        6 if hv => Some(Tier::A),
                        6 => Some(Tier::B),
                        _ => None,
                    };
                    assert_eq!(t.tier, expect_tier, "score {s} hv {hv} risk {risk}");
                    let expect_alert = match s {
                        0..=3 => Some(AlertLevel::Red),
                        4..=6 => Some(AlertLevel::Yellow),
                        7 => Some(AlertLevel::Orange),
                        _ => None,
                    };
                    assert_eq!(t.alert, expect_alert);
                    if s == 6 {
                        // Two separate clocks: acknowledge in 6 h, contact in 24 h (ordinary).
                        assert_eq!(t.acknowledge_by, Some(1000 + 6 * 3600));
                    }
                }
            }
        }
        assert!(p.triage(&Response::new(11, 0)).is_err());
    }
}

#[cfg(test)]
mod state_tests {
    use super::*;
    use crate::state::Saved;

    #[test]
    fn triage_round_trips_and_checks_its_score() {
        let t = Policy::default()
            .triage(&Response::new(2, 1_749_819_600))
            .unwrap();
        assert_eq!(Triage::from_state(&t.to_state()).unwrap(), t);
        let s = String::from_utf8(t.to_state()).unwrap();
        for (from, to) in [
            (r#""score":2"#, r#""score":12"#),
            (r#""category":"detractor""#, r#""category":"promoter""#),
        ] {
            assert!(s.contains(from), "{from} in {s}");
            let e = Triage::from_state(s.replace(from, to).as_bytes()).unwrap_err();
            assert_eq!(e.argument(), Some("state"), "{e}");
        }
    }
}
