//! Triage of survey responses: alert level, detractor tier, owner,
//! acknowledgement and contact deadlines, compensation cap.

use serde::{Deserialize, Serialize};

use super::{AlertLevel, AlertRule, Policy, Role, Tier, TierRule};
use crate::calendar::Duration;
use crate::error::{Error, Result};
use crate::group::{map_with_capacity, FastMap};
use crate::money::Money;
use crate::period::{MAX_TS, MIN_TS};
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
        let (alert, tier) = self.rules(r.score, r.high_value, r.public_opinion_risk);
        let acknowledge_by = alert
            .map(|a| self.add(r.submitted_at, a.acknowledge_within, &[]))
            .transpose()?;
        let contact_by = tier
            .map(|t| self.add(r.submitted_at, t.contact_within, &[]))
            .transpose()?;
        Ok(self.assemble(r, alert, tier, acknowledge_by, contact_by))
    }

    /// The alert rule and the tier rule of a (valid) score with its flags.
    fn rules(
        &self,
        score: u8,
        high_value: bool,
        public_opinion_risk: bool,
    ) -> (Option<&AlertRule>, Option<&TierRule>) {
        let alert = self
            .alerts
            .iter()
            .find(|a| a.scores[0] <= score && score <= a.scores[1]);
        let tier = if category_of(score) == Category::Detractor {
            self.tiers.iter().find(|t| {
                t.when
                    .scores
                    .is_some_and(|s| s[0] <= score && score <= s[1])
                    || (t.when.public_opinion_risk && public_opinion_risk)
                    || (t.when.high_value && high_value)
            })
        } else {
            None
        };
        (alert, tier)
    }

    /// The triage of `r` under its rules, with its deadlines.
    fn assemble(
        &self,
        r: &Response,
        alert: Option<&AlertRule>,
        tier: Option<&TierRule>,
        acknowledge_by: Option<i64>,
        contact_by: Option<i64>,
    ) -> Triage {
        let category = category_of(r.score);
        let escalate_immediately = r.public_opinion_risk
            && category == Category::Detractor
            && self.public_opinion_escalate_to.is_some();
        let escalate_to = if escalate_immediately {
            self.public_opinion_escalate_to.clone()
        } else {
            alert.and_then(|a| a.escalate_to.clone())
        };
        Triage {
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
        }
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
        let k = self.triage_kernel(scores, submitted_at, high_value, public_opinion_risk)?;
        // Every row is its class's template with its own response and
        // deadlines (one template per score and flags: 44 at most).
        Ok((0..scores.len())
            .map(|i| {
                let mut t = k.templates[k.class[i] as usize].clone();
                t.response = Response {
                    score: scores[i],
                    submitted_at: submitted_at[i],
                    high_value: high_value.get(i).copied().unwrap_or(false),
                    public_opinion_risk: public_opinion_risk.get(i).copied().unwrap_or(false),
                };
                t.acknowledge_by = k.acknowledge_by[i];
                t.contact_by = k.contact_by[i];
                t
            })
            .collect())
    }

    /// The column kernel of [`Policy::triage_many`] (lengths checked):
    /// the class of every row (score and flags; alert and tier from a
    /// lookup table of the 44 classes) and its two deadlines. A wall-clock
    /// duration is an add; a business-time one goes through the calendar
    /// once per distinct start instant (cached). The first bad row is the
    /// error, as row-by-row triage reports it.
    fn triage_kernel(
        &self,
        scores: &[u8],
        submitted_at: &[i64],
        high_value: &[bool],
        public_opinion_risk: &[bool],
    ) -> Result<TriageKernel> {
        let n = scores.len();
        let mut templates = Vec::with_capacity(44);
        let mut durations: Vec<(Option<Duration>, Option<Duration>)> = Vec::with_capacity(44);
        for class in 0..44u8 {
            let (score, hv, risk) = (class >> 2, class & 2 != 0, class & 1 != 0);
            let (alert, tier) = if score <= 10 {
                self.rules(score, hv, risk)
            } else {
                (None, None)
            };
            let r = Response {
                score: score.min(10),
                submitted_at: 0,
                high_value: hv,
                public_opinion_risk: risk,
            };
            templates.push(self.assemble(&r, alert, tier, None, None));
            durations.push((
                alert.map(|a| a.acknowledge_within),
                tier.map(|t| t.contact_within),
            ));
        }
        let mut class = Vec::with_capacity(n);
        let mut acknowledge_by = Vec::with_capacity(n);
        let mut contact_by = Vec::with_capacity(n);
        // Business deadlines by (start, duration).
        let mut cache: FastMap<(i64, Duration), i64> = map_with_capacity(0);
        let at = |i: usize, e: Error| match e {
            Error::InvalidScore {
                value, min, max, ..
            } => Error::InvalidScore {
                index: i,
                value,
                min,
                max,
            },
            Error::InvalidTimestamp { value, .. } => Error::InvalidTimestamp { index: i, value },
            other => other,
        };
        for i in 0..n {
            let (score, start) = (scores[i], submitted_at[i]);
            if score > 10 || !(MIN_TS..=MAX_TS).contains(&start) {
                // The error exactly as the triage of the row gives it.
                let r = Response::new(score, start);
                return Err(at(
                    i,
                    self.triage(&r).err().unwrap_or(Error::NoData {
                        what: "triage error",
                    }),
                ));
            }
            let hv = high_value.get(i).copied().unwrap_or(false);
            let risk = public_opinion_risk.get(i).copied().unwrap_or(false);
            let c = score << 2 | u8::from(hv) << 1 | u8::from(risk);
            let (ack, contact) = durations[c as usize];
            let mut due = |d: Option<Duration>| -> Result<Option<i64>> {
                let Some(d) = d else { return Ok(None) };
                if let Duration::Wall { seconds } = d {
                    if (0..=MAX_TS - MIN_TS).contains(&seconds) && start + seconds <= MAX_TS {
                        return Ok(Some(start + seconds));
                    }
                } else if let Some(&t) = cache.get(&(start, d)) {
                    return Ok(Some(t));
                }
                let t = self.add(start, d, &[]).map_err(|e| at(i, e))?;
                if !matches!(d, Duration::Wall { .. }) {
                    cache.insert((start, d), t);
                }
                Ok(Some(t))
            };
            acknowledge_by.push(due(ack)?);
            contact_by.push(due(contact)?);
            class.push(c);
        }
        Ok(TriageKernel {
            templates,
            class,
            acknowledge_by,
            contact_by,
        })
    }
}

/// The columns of [`Policy::triage_kernel`].
struct TriageKernel {
    /// The triage of each class (score `c >> 2`, high value `c & 2`,
    /// public-opinion risk `c & 1`) without response and deadlines.
    templates: Vec<Triage>,
    class: Vec<u8>,
    acknowledge_by: Vec<Option<i64>>,
    contact_by: Vec<Option<i64>>,
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
    use crate::calendar::Calendar;

    /// The column kernel against the triage of each response, on random
    /// responses (every score, both flags, many repeated instants for the
    /// cache) under the default policy and under business-time deadlines
    /// (business hours and business days) in zones with daylight saving,
    /// opening hours across the DST change and a holiday; the first bad
    /// row is the error of row-by-row triage.
    #[test]
    fn columns_match_row_by_row_triage() {
        let mut x = 3u64;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (x >> 33) % m
        };
        let n = 4_000;
        let pool: Vec<i64> = (0..500)
            .map(|_| 1_740_000_000 + next(400 * 86_400) as i64)
            .collect();
        let scores: Vec<u8> = (0..n).map(|_| next(11) as u8).collect();
        let at: Vec<i64> = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    pool[next(500) as usize]
                } else {
                    1_740_000_000 + next(400 * 86_400) as i64
                }
            })
            .collect();
        let hv: Vec<bool> = (0..n).map(|_| next(5) == 0).collect();
        let risk: Vec<bool> = (0..n).map(|_| next(7) == 0).collect();
        let mut policies = vec![Policy::default()];
        for tz in ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe"] {
            let mut p = Policy {
                calendar: Some(
                    Calendar::from_json(&format!(
                        r#"{{"tz": "{tz}", "weekly": {{
                    "mon": [["08:00","12:00"],["13:00","17:30"]], "tue": [["09:00","17:00"]],
                    "wed": [["09:00","17:00"]], "thu": [["09:00","17:00"]],
                    "fri": [["09:00","16:00"]], "sun": [["01:30","03:30"]]}},
                    "holidays": ["2025-12-25", "2026-01-01"]}}"#
                    ))
                    .unwrap(),
                ),
                ..Policy::default()
            };
            p.alerts[0].acknowledge_within = Duration::business_hours(2);
            p.alerts[1].acknowledge_within = Duration::Business { seconds: 5_400 };
            p.tiers[0].contact_within = Duration::BusinessDays { days: 1 };
            p.tiers[1].contact_within = Duration::BusinessDays { days: 3 };
            policies.push(p);
        }
        for p in &policies {
            let got = p.triage_many(&scores, &at, &hv, &risk).unwrap();
            for i in 0..n {
                let r = Response {
                    score: scores[i],
                    submitted_at: at[i],
                    high_value: hv[i],
                    public_opinion_risk: risk[i],
                };
                assert_eq!(got[i], p.triage(&r).unwrap(), "row {i}");
            }
            assert_eq!(p.triage_many(&scores, &at, &[], &[]).unwrap()[7], {
                p.triage(&Response::new(scores[7], at[7])).unwrap()
            });
        }
        // The first bad row, whatever the check.
        let mut bad = scores.clone();
        bad[300] = 11;
        let e = policies[1].triage_many(&bad, &at, &hv, &risk).unwrap_err();
        assert_eq!(
            (e.kind(), e.index()),
            (crate::ErrorKind::InvalidScore, Some(300))
        );
        let mut late = at.clone();
        late[200] = i64::MAX;
        let e = policies[1]
            .triage_many(&bad, &late, &hv, &risk)
            .unwrap_err();
        assert_eq!(e.index(), Some(200));
        // Business time without a calendar: the first row that needs it.
        let mut p = policies[1].clone();
        p.calendar = None;
        let first = (0..n).find(|&i| scores[i] <= 3).unwrap();
        let e = p.triage_many(&scores, &at, &hv, &risk).unwrap_err();
        let r = Response {
            score: scores[first],
            submitted_at: at[first],
            high_value: hv[first],
            public_opinion_risk: risk[first],
        };
        assert_eq!(e, p.triage(&r).unwrap_err());
    }

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
