//! The SPEC §4 default policy, in CNY and wall-clock time.

use std::collections::BTreeMap;

use super::{
    AlertLevel, AlertRule, Authority, Benchmark, CumulativeCaps, Driver, EarlyWarnings,
    FollowUpWindow, Policy, Recovery, RecoveryStep, RoleLimit, SpeedSuccess, Tier, TierRule,
    TierWhen,
};
use crate::calendar::Duration;
use crate::kpi::TimeMeasure;
use crate::money::{Currency, Money};

const ADVISOR: &str = "service_advisor";
const MANAGER: &str = "service_manager";
const REGIONAL: &str = "regional_manager";

fn cny(yuan: i64) -> Money {
    // CNY is a valid ISO 4217 currency with a 2-digit minor unit.
    let c = Currency::from_code("CNY").expect("CNY is in ISO 4217");
    Money::new(yuan * 100, c)
}

fn hours(h: i64) -> Duration {
    Duration::Wall { seconds: h * 3600 }
}

impl Default for Policy {
    /// SPEC §4 exactly, in CNY and wall-clock time.
    fn default() -> Policy {
        let alert = |level,
                     scores,
                     notify: &[&str],
                     channel: &str,
                     within,
                     esc: Option<&str>,
                     mark: Option<&str>| AlertRule {
            level,
            scores,
            notify: notify.iter().map(|s| s.to_string()).collect(),
            channel: channel.into(),
            acknowledge_within: within,
            escalate_to: esc.map(Into::into),
            mark: mark.map(Into::into),
        };
        let tier = |tier, when, within, owner: &str, mode: &str, cap| TierRule {
            tier,
            when,
            contact_within: within,
            owner: owner.into(),
            owner_mode: mode.into(),
            compensation_cap: cap,
        };
        let kw = |words: &[&str]| words.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Policy {
            currency: cny(0).currency,
            calendar: None,
            warning_lead_seconds: 30 * 60,
            alerts: vec![
                alert(
                    AlertLevel::Red,
                    [0, 3],
                    &[MANAGER],
                    "sms_phone",
                    hours(2),
                    Some(REGIONAL),
                    Some("urgent"),
                ),
                alert(
                    AlertLevel::Yellow,
                    [4, 6],
                    &[MANAGER],
                    "messaging_app",
                    hours(6),
                    None,
                    Some("important"),
                ),
                alert(
                    AlertLevel::Orange,
                    [7, 7],
                    &[ADVISOR],
                    "passive_conversion_plan",
                    hours(72),
                    None,
                    None,
                ),
            ],
            tiers: vec![
                tier(
                    Tier::S,
                    TierWhen {
                        scores: Some([0, 3]),
                        public_opinion_risk: true,
                        high_value: false,
                    },
                    hours(2),
                    MANAGER,
                    "personally",
                    cny(5000),
                ),
                tier(
                    Tier::A,
                    TierWhen {
                        scores: Some([4, 5]),
                        public_opinion_risk: false,
                        high_value: true,
                    },
                    hours(6),
                    MANAGER,
                    "supervising",
                    cny(2000),
                ),
                tier(
                    Tier::B,
                    TierWhen {
                        scores: Some([6, 6]),
                        public_opinion_risk: false,
                        high_value: false,
                    },
                    hours(24),
                    ADVISOR,
                    "executing",
                    cny(500),
                ),
            ],
            public_opinion_escalate_to: Some(REGIONAL.into()),
            authority: Authority {
                ladder: vec![
                    RoleLimit {
                        role: ADVISOR.into(),
                        limit: Some(cny(500)),
                        tier_limits: BTreeMap::new(),
                    },
                    RoleLimit {
                        role: MANAGER.into(),
                        limit: Some(cny(2000)),
                        tier_limits: BTreeMap::from([(Tier::S, cny(5000)), (Tier::A, cny(2000))]),
                    },
                    RoleLimit {
                        role: REGIONAL.into(),
                        limit: None,
                        tier_limits: BTreeMap::new(),
                    },
                ],
                equal_escalates: false,
                cumulative: CumulativeCaps {
                    per_case: None,
                    per_customer: None,
                    per_vehicle: None,
                    escalate_to: REGIONAL.into(),
                },
            },
            early_warnings: EarlyWarnings {
                wait_over_promise_minutes: 30,
                wait_level: AlertLevel::Yellow,
                progress_inquiries: 2,
                inquiries_level: AlertLevel::Orange,
                angry_keywords: BTreeMap::from([
                    (
                        "en".to_string(),
                        kw(&[
                            "angry",
                            "furious",
                            "unacceptable",
                            "ridiculous",
                            "complain",
                            "complaint",
                            "terrible",
                            "worst",
                            "scam",
                            "never again",
                            "lawyer",
                            "refund now",
                        ]),
                    ),
                    (
                        "zh".to_string(),
                        kw(&[
                            "生气",
                            "愤怒",
                            "气死",
                            "投诉",
                            "太差",
                            "垃圾",
                            "骗子",
                            "欺骗",
                            "不可接受",
                            "离谱",
                            "曝光",
                            "退钱",
                            "失望",
                            "再也不来",
                        ]),
                    ),
                ]),
                angry_level: AlertLevel::Red,
                low_rating_below: 4,
                rating_scale_max: 5,
                low_rating_consecutive: 2,
                retention_call_by: REGIONAL.into(),
            },
            drivers: vec![
                Driver {
                    name: "waiting_time".into(),
                    weight: 0.27,
                },
                Driver {
                    name: "repair_quality".into(),
                    weight: 0.24,
                },
                Driver {
                    name: "advisor_attitude".into(),
                    weight: 0.18,
                },
                Driver {
                    name: "price_transparency".into(),
                    weight: 0.16,
                },
                Driver {
                    name: "resolution_efficiency".into(),
                    weight: 0.15,
                },
            ],
            pain_point_drivers: crate::heatmap::default_pain_rules(),
            benchmarks: vec![
                Benchmark::at_least("first_time_fix_rate", 0.85),
                Benchmark::at_most("comeback_rate", 0.10),
                Benchmark::at_least("technician_efficiency", 1.25),
                Benchmark::between("technician_productivity", 0.85, 0.875),
                Benchmark::between("technician_proficiency", 1.0, 1.2),
                // Per-visit standards (seed 004: reception within 3
                // minutes, delivery within 15), met by 90 % of visits.
                Benchmark::per_visit(
                    "reception_response_minutes",
                    TimeMeasure::ReceptionResponse.default_standard_seconds() as f64 / 60.0,
                    Benchmark::DEFAULT_TARGET_SHARE,
                ),
                Benchmark::per_visit(
                    "delivery_minutes",
                    TimeMeasure::Delivery.default_standard_seconds() as f64 / 60.0,
                    Benchmark::DEFAULT_TARGET_SHARE,
                ),
                Benchmark::at_least("follow_up_completion_rate", 1.0),
                Benchmark::at_least("repeat_visit_rate", 0.30),
                Benchmark::at_most("repeat_complaint_rate", 0.15),
            ],
            recovery: Recovery {
                steps: [
                    ("identify_and_grade", 0, Some(2)),
                    ("first_contact", 2, Some(4)),
                    ("investigation", 4, Some(8)),
                    ("solution", 8, Some(12)),
                    // Judged on the start of execution: within 24 h
                    // ("24小时内启动"); the follow-up has its own window.
                    ("execution_and_follow_up", 12, Some(24)),
                    ("review", 72, None),
                ]
                .into_iter()
                .map(|(name, from, to)| RecoveryStep {
                    name: name.into(),
                    from: hours(from),
                    to: to.map(hours),
                })
                .collect(),
                success_by_speed: vec![
                    SpeedSuccess {
                        within: Some(hours(6)),
                        success: 0.85,
                    },
                    SpeedSuccess {
                        within: Some(hours(24)),
                        success: 0.65,
                    },
                    SpeedSuccess {
                        within: None,
                        success: 0.40,
                    },
                ],
                follow_up: FollowUpWindow::default(),
            },
            high_value: crate::loyalty::HighValueRule::default(),
        }
    }
}
