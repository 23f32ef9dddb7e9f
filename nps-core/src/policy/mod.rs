//! The recovery policy as data: alert levels, detractor tiers, the
//! compensation-authority ladder and cumulative caps, the business calendar,
//! early-warning rules, NPS driver weights, KPI benchmarks and recovery
//! targets (SPEC §3, §4, §6). [`Policy::default`] reproduces SPEC §4.
//!
//! Policies load from JSON ([`Policy::from_json`]); loading validates and
//! reports **every** problem with its JSON path, and nothing is half-loaded.
//!
//! ```
//! use nps_core::policy::{AlertLevel, Policy, Response, Tier};
//! let policy = Policy::default();
//! // A 2 from an ordinary customer, submitted 2025-06-13 21:00 Shanghai.
//! let t = policy.triage(&Response::new(2, 1_749_819_600))?;
//! assert_eq!(t.alert, Some(AlertLevel::Red));
//! assert_eq!(t.tier, Some(Tier::S));
//! assert_eq!(t.owner.as_deref(), Some("service_manager"));
//! assert_eq!(t.acknowledge_by, Some(1_749_819_600 + 2 * 3600)); // 23:00, wall clock
//! let again = Policy::from_json(&policy.to_json())?;
//! assert_eq!(again, policy);
//! # Ok::<(), nps_core::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::{wall_deadline, Calendar, CalendarSpec, Duration, Pause};
use crate::error::{Error, Problem, Result};
use crate::money::{Currency, Money, Rate};
use crate::score::{category_of, Category};

/// Role names; the defaults are `service_advisor`, `service_manager` and
/// `regional_manager`.
pub type Role = String;

/// Survey alert level (notification urgency). Severity: red > yellow > orange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    /// Scores 0–3 by default: at once, acknowledge within 2 h.
    Red,
    /// Scores 4–6: acknowledge within 6 h.
    Yellow,
    /// Score 7: passive-conversion follow-up within 3 days.
    Orange,
}

impl AlertLevel {
    /// Severity rank: red 3, yellow 2, orange 1.
    pub fn severity(self) -> u8 {
        match self {
            AlertLevel::Red => 3,
            AlertLevel::Yellow => 2,
            AlertLevel::Orange => 1,
        }
    }

    /// `"red"`, `"yellow"`, `"orange"`.
    pub fn name(self) -> &'static str {
        match self {
            AlertLevel::Red => "red",
            AlertLevel::Yellow => "yellow",
            AlertLevel::Orange => "orange",
        }
    }
}

/// Detractor handling tier.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub enum Tier {
    /// Most severe: score 0–3 or public-opinion risk.
    S,
    /// Score 4–5 or a high-value customer.
    A,
    /// Score 6, ordinary customer.
    B,
}

impl Tier {
    /// `"S"`, `"A"`, `"B"`.
    pub fn name(self) -> &'static str {
        match self {
            Tier::S => "S",
            Tier::A => "A",
            Tier::B => "B",
        }
    }

    /// Parses `"S"`, `"A"` or `"B"`.
    pub fn from_name(s: &str) -> Result<Tier> {
        match s {
            "S" => Ok(Tier::S),
            "A" => Ok(Tier::A),
            "B" => Ok(Tier::B),
            other => Err(Error::arg(
                "tier",
                format!("unknown tier `{other}` (expected S, A or B)"),
            )),
        }
    }
}

/// An inclusive range of scores `[low, high]`.
pub type ScoreSpan = [u8; 2];

/// One alert level's rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    /// The level.
    pub level: AlertLevel,
    /// Scores it applies to.
    pub scores: ScoreSpan,
    /// Roles notified.
    pub notify: Vec<Role>,
    /// Notification channel (e.g. `sms_phone`, `messaging_app`, `plan`).
    pub channel: String,
    /// Time to acknowledge (or, for orange, to follow up).
    pub acknowledge_within: Duration,
    /// Role the alert escalates to when not acknowledged in time.
    #[serde(default)]
    pub escalate_to: Option<Role>,
    /// Marking on the case (`urgent`, `important`).
    #[serde(default)]
    pub mark: Option<String>,
}

/// When a tier rule matches: any of the conditions (a detractor only).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierWhen {
    /// Detractor scores that trigger the tier.
    #[serde(default)]
    pub scores: Option<ScoreSpan>,
    /// Triggered by public-opinion risk (media, regulator, social posts).
    #[serde(default)]
    pub public_opinion_risk: bool,
    /// Triggered by a high-value customer.
    #[serde(default)]
    pub high_value: bool,
}

/// One detractor tier's rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierRule {
    /// The tier.
    pub tier: Tier,
    /// When it applies.
    pub when: TierWhen,
    /// Time to contact the customer.
    pub contact_within: Duration,
    /// Role that owns the case.
    pub owner: Role,
    /// How the owner acts (`personally`, `supervising`, `executing`).
    pub owner_mode: String,
    /// Compensation cap of the tier (per case).
    pub compensation_cap: Money,
}

/// One rung of the authority ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleLimit {
    /// Role name.
    pub role: Role,
    /// Limit for any tier; `None` = unlimited (only the top rung).
    #[serde(default)]
    pub limit: Option<Money>,
    /// Tier-specific limits that replace `limit` (e.g. a service manager's
    /// 2000 for tier A and 5000 for tier S).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tier_limits: BTreeMap<Tier, Money>,
}

impl RoleLimit {
    fn limit_for(&self, tier: Option<Tier>) -> Option<Money> {
        tier.and_then(|t| self.tier_limits.get(&t).copied())
            .or(self.limit)
    }
}

/// A cap over a rolling period (per customer or per vehicle).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodCap {
    /// Maximum total over the period.
    pub amount: Money,
    /// Period length in days (the caller sums the history over it).
    pub days: u32,
}

/// Cumulative caps: across packages on one case, and per customer or
/// vehicle over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CumulativeCaps {
    /// Total per case across packages; `None` = the tier cap is the case cap.
    #[serde(default)]
    pub per_case: Option<Money>,
    /// Total per customer over a period.
    #[serde(default)]
    pub per_customer: Option<PeriodCap>,
    /// Total per vehicle over a period.
    #[serde(default)]
    pub per_vehicle: Option<PeriodCap>,
    /// Role that must approve a package breaking a cumulative cap.
    pub escalate_to: Role,
}

/// The compensation-authority ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// Rungs from the lowest role up.
    pub ladder: Vec<RoleLimit>,
    /// `false` (default): limits are inclusive ("within 5000" allows
    /// 5000.00). `true`: an amount equal to a limit escalates.
    #[serde(default)]
    pub equal_escalates: bool,
    /// Cumulative caps.
    pub cumulative: CumulativeCaps,
}

/// Early-warning rules during a visit (SPEC §4.6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EarlyWarnings {
    /// Minutes past the promised time that trigger `wait_level`.
    pub wait_over_promise_minutes: u32,
    /// Level of the waiting warning (yellow).
    pub wait_level: AlertLevel,
    /// Progress inquiries that trigger `inquiries_level`.
    pub progress_inquiries: u32,
    /// Level of the inquiries warning (orange).
    pub inquiries_level: AlertLevel,
    /// Angry-wording keywords per language (matched case-insensitively on
    /// Unicode text; ASCII words match whole words).
    pub angry_keywords: BTreeMap<String, Vec<String>>,
    /// Level of the angry-wording warning (red).
    pub angry_level: AlertLevel,
    /// On-site star ratings below this trigger the low-rating rule.
    pub low_rating_below: u8,
    /// Highest star on the on-site scale (5).
    pub rating_scale_max: u8,
    /// Consecutive low ratings that trigger a retention call.
    pub low_rating_consecutive: u32,
    /// Who makes the retention call.
    pub retention_call_by: Role,
}

/// A driver of NPS and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Driver {
    /// Driver name (`waiting_time`, ...).
    pub name: String,
    /// Weight; the weights sum to 1.
    pub weight: f64,
}

/// A KPI benchmark: a minimum and/or a maximum (fractions for rates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    /// KPI name (`first_time_fix_rate`, ...).
    pub kpi: String,
    /// Lowest acceptable value.
    #[serde(default)]
    pub min: Option<f64>,
    /// Highest acceptable value.
    #[serde(default)]
    pub max: Option<f64>,
}

/// A recovery step and its target window from the alert (SPEC §4.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryStep {
    /// Step name.
    pub name: String,
    /// Window start after the alert.
    pub from: Duration,
    /// Window end after the alert; `None` = open-ended.
    #[serde(default)]
    pub to: Option<Duration>,
}

/// Observed recovery success by response speed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpeedSuccess {
    /// Responded within this time (`None` = slower than every other band).
    #[serde(default)]
    pub within: Option<Duration>,
    /// Success probability 0..=1.
    pub success: f64,
}

/// Recovery-procedure targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    /// The six steps.
    pub steps: Vec<RecoveryStep>,
    /// Success rate by response speed, fastest band first.
    pub success_by_speed: Vec<SpeedSuccess>,
}

/// The whole policy. See the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "PolicySpec", into = "PolicySpec")]
pub struct Policy {
    /// Currency of caps and limits.
    pub currency: Currency,
    /// Business calendar; needed by business-time durations.
    pub calendar: Option<Calendar>,
    /// Lead before a deadline at which it is `warned`, wall-clock seconds.
    pub warning_lead_seconds: i64,
    /// Alert rules.
    pub alerts: Vec<AlertRule>,
    /// Tier rules, most severe first; first match wins.
    pub tiers: Vec<TierRule>,
    /// Roles notified at once on public-opinion risk (empty = none).
    pub public_opinion_escalate_to: Option<Role>,
    /// Compensation authority.
    pub authority: Authority,
    /// Early warnings during a visit.
    pub early_warnings: EarlyWarnings,
    /// NPS drivers and weights.
    pub drivers: Vec<Driver>,
    /// KPI benchmarks.
    pub benchmarks: Vec<Benchmark>,
    /// Recovery-procedure targets.
    pub recovery: Recovery,
}

/// A recovery policy document (JSON). `Policy::default()` is SPEC §4;
/// `docs/policy.schema.json` is this schema with every field documented.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// ISO 4217 code of every cap and limit in the policy (e.g. `CNY`).
    pub currency: String,
    /// Business calendar (time zone, weekly opening ranges, holidays,
    /// working-day overrides); required when any duration uses business units.
    #[serde(default)]
    pub calendar: Option<CalendarSpec>,
    /// Seconds before a deadline at which its state becomes `warned`.
    pub warning_lead_seconds: i64,
    /// Alert levels by score (red 0–3, yellow 4–6, orange 7 by default):
    /// who is notified, how, and the acknowledgement window.
    pub alerts: Vec<AlertRule>,
    /// Detractor tiers, most severe first; the first matching rule wins.
    /// Every detractor score 0–6 must be matched by exactly one score range.
    pub tiers: Vec<TierRule>,
    /// Role escalated to at once when a detractor carries public-opinion
    /// risk (media, regulator, social posts); `null` disables it.
    #[serde(default)]
    pub public_opinion_escalate_to: Option<Role>,
    /// The compensation-authority ladder (limits must not decrease upward)
    /// and the cumulative caps per case, customer and vehicle.
    pub authority: Authority,
    /// Early-warning rules during a visit: waiting past the promise,
    /// progress inquiries, angry wording, consecutive low on-site ratings.
    pub early_warnings: EarlyWarnings,
    /// What moves NPS in after-sales and its weight (weights sum to 1).
    pub drivers: Vec<Driver>,
    /// KPI benchmarks: a minimum and/or maximum per KPI name.
    pub benchmarks: Vec<Benchmark>,
    /// The six recovery steps with their target windows from the alert,
    /// and the observed success rate by response speed.
    pub recovery: Recovery,
}

impl From<Policy> for PolicySpec {
    fn from(p: Policy) -> PolicySpec {
        PolicySpec {
            currency: p.currency.code().to_owned(),
            calendar: p.calendar.map(CalendarSpec::from),
            warning_lead_seconds: p.warning_lead_seconds,
            alerts: p.alerts,
            tiers: p.tiers,
            public_opinion_escalate_to: p.public_opinion_escalate_to,
            authority: p.authority,
            early_warnings: p.early_warnings,
            drivers: p.drivers,
            benchmarks: p.benchmarks,
            recovery: p.recovery,
        }
    }
}

impl TryFrom<PolicySpec> for Policy {
    type Error = Error;
    fn try_from(spec: PolicySpec) -> Result<Policy> {
        Policy::from_spec(spec)
    }
}

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
            benchmarks: vec![
                Benchmark {
                    kpi: "first_time_fix_rate".into(),
                    min: Some(0.85),
                    max: None,
                },
                Benchmark {
                    kpi: "comeback_rate".into(),
                    min: None,
                    max: Some(0.10),
                },
                Benchmark {
                    kpi: "technician_efficiency".into(),
                    min: Some(1.25),
                    max: None,
                },
                Benchmark {
                    kpi: "technician_productivity".into(),
                    min: Some(0.85),
                    max: Some(0.875),
                },
                Benchmark {
                    kpi: "technician_proficiency".into(),
                    min: Some(1.0),
                    max: Some(1.2),
                },
                Benchmark {
                    kpi: "reception_response_minutes".into(),
                    min: None,
                    max: Some(3.0),
                },
                Benchmark {
                    kpi: "delivery_minutes".into(),
                    min: None,
                    max: Some(15.0),
                },
                Benchmark {
                    kpi: "follow_up_completion_rate".into(),
                    min: Some(1.0),
                    max: None,
                },
                Benchmark {
                    kpi: "repeat_visit_rate".into(),
                    min: Some(0.30),
                    max: None,
                },
                Benchmark {
                    kpi: "repeat_complaint_rate".into(),
                    min: None,
                    max: Some(0.15),
                },
            ],
            recovery: Recovery {
                steps: [
                    ("identify_and_grade", 0, Some(2)),
                    ("first_contact", 2, Some(4)),
                    ("investigation", 4, Some(8)),
                    ("solution", 8, Some(12)),
                    ("execution_and_follow_up", 12, Some(72)),
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
            },
        }
    }
}

fn check_duration(d: &Duration, path: String, has_calendar: bool, problems: &mut Vec<Problem>) {
    let (neg, business) = match *d {
        Duration::Wall { seconds } => (seconds < 0, false),
        Duration::Business { seconds } => (seconds < 0, true),
        Duration::BusinessDays { days } => (days == 0, true),
    };
    if neg {
        problems.push(Problem::new(path.clone(), "a duration must be positive"));
    }
    if business && !has_calendar {
        problems.push(Problem::new(
            path,
            "business time needs a calendar (policy field `calendar`)",
        ));
    }
}

fn check_money(m: &Money, currency: Currency, path: String, problems: &mut Vec<Problem>) {
    if m.currency != currency {
        problems.push(Problem::new(
            path.clone(),
            format!("in {} but the policy currency is {currency}", m.currency),
        ));
    }
    if m.minor < 0 {
        problems.push(Problem::new(path, "a cap or limit cannot be negative"));
    }
}

fn check_span(span: &ScoreSpan, path: String, problems: &mut Vec<Problem>) -> bool {
    if span[0] > span[1] || span[1] > 10 {
        problems.push(Problem::new(
            path,
            format!(
                "score range {}..={} is not within 0..=10 with low <= high",
                span[0], span[1]
            ),
        ));
        false
    } else {
        true
    }
}

impl Policy {
    /// Parses and validates policy JSON; every problem carries its JSON path.
    pub fn from_json(text: &str) -> Result<Policy> {
        let spec: PolicySpec = crate::json::from_str(text)?;
        Policy::from_spec(spec)
    }

    /// The JSON Schema (draft 2020-12) of policy documents, with every
    /// field documented; committed as `docs/policy.schema.json`.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(PolicySpec);
        // A schema is plain JSON data: serializing cannot fail.
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    }

    /// The policy as pretty JSON (loads back to an equal policy).
    pub fn to_json(&self) -> String {
        // Plain data: serializing cannot fail.
        serde_json::to_string_pretty(&PolicySpec::from(self.clone())).unwrap_or_default()
    }

    /// Validates a spec, collecting every problem.
    pub fn from_spec(spec: PolicySpec) -> Result<Policy> {
        let mut problems = Vec::new();
        let currency = match Currency::from_code(&spec.currency) {
            Ok(c) => Some(c),
            Err(e) => {
                problems.push(Problem::new("currency", e.to_string()));
                None
            }
        };
        let calendar = spec
            .calendar
            .clone()
            .and_then(|c| Calendar::validate(c, "calendar", &mut problems));
        let has_cal = spec.calendar.is_some();
        if !(0..=366 * 86_400).contains(&spec.warning_lead_seconds) {
            problems.push(Problem::new(
                "warning_lead_seconds",
                "must be between 0 and 366 days (31622400 seconds)",
            ));
        }
        // Alerts: spans valid, no overlaps, durations.
        let mut alert_cover: [Option<usize>; 11] = [None; 11];
        for (i, a) in spec.alerts.iter().enumerate() {
            let p = format!("alerts[{i}]");
            check_duration(
                &a.acknowledge_within,
                format!("{p}.acknowledge_within"),
                has_cal,
                &mut problems,
            );
            if check_span(&a.scores, format!("{p}.scores"), &mut problems) {
                for s in a.scores[0]..=a.scores[1] {
                    if let Some(j) = alert_cover[s as usize] {
                        problems.push(Problem::new(
                            format!("{p}.scores"),
                            format!("score {s} is also covered by alerts[{j}]"),
                        ));
                        break;
                    }
                    alert_cover[s as usize] = Some(i);
                }
            }
        }
        // Tiers: spans only detractor scores, no overlaps, every detractor score matched.
        let mut tier_cover: [Option<usize>; 7] = [None; 7];
        let mut seen_tiers = Vec::new();
        for (i, t) in spec.tiers.iter().enumerate() {
            let p = format!("tiers[{i}]");
            if seen_tiers.contains(&t.tier) {
                problems.push(Problem::new(
                    format!("{p}.tier"),
                    format!("tier {} is defined twice", t.tier.name()),
                ));
            }
            seen_tiers.push(t.tier);
            check_duration(
                &t.contact_within,
                format!("{p}.contact_within"),
                has_cal,
                &mut problems,
            );
            if let Some(c) = currency {
                check_money(
                    &t.compensation_cap,
                    c,
                    format!("{p}.compensation_cap"),
                    &mut problems,
                );
            }
            if let Some(span) = &t.when.scores {
                if check_span(span, format!("{p}.when.scores"), &mut problems) {
                    if span[1] > 6 {
                        problems.push(Problem::new(
                            format!("{p}.when.scores"),
                            "tiers apply to detractors (scores 0-6) only",
                        ));
                    }
                    let mut reported = false;
                    for s in span[0]..=span[1].min(6) {
                        match tier_cover[s as usize] {
                            // One problem per rule; keep the coverage so an
                            // overlap is not also reported as a gap.
                            Some(j) if !reported => {
                                problems.push(Problem::new(
                                    format!("{p}.when.scores"),
                                    format!("score {s} overlaps tiers[{j}]"),
                                ));
                                reported = true;
                            }
                            Some(_) => {}
                            None => tier_cover[s as usize] = Some(i),
                        }
                    }
                }
            }
        }
        if let Some(s) = tier_cover.iter().position(Option::is_none) {
            problems.push(Problem::new(
                "tiers",
                format!("detractor score {s} is matched by no tier"),
            ));
        }
        // Authority ladder: non-decreasing limits, unlimited only at the top.
        let ladder = &spec.authority.ladder;
        if ladder.is_empty() {
            problems.push(Problem::new(
                "authority.ladder",
                "the ladder needs at least one role",
            ));
        }
        for (i, r) in ladder.iter().enumerate() {
            let p = format!("authority.ladder[{i}]");
            if ladder[..i].iter().any(|o| o.role == r.role) {
                problems.push(Problem::new(
                    format!("{p}.role"),
                    format!("role `{}` appears twice", r.role),
                ));
            }
            if let Some(c) = currency {
                if let Some(m) = &r.limit {
                    check_money(m, c, format!("{p}.limit"), &mut problems);
                }
                for (t, m) in &r.tier_limits {
                    check_money(m, c, format!("{p}.tier_limits.{}", t.name()), &mut problems);
                }
            }
            if r.limit.is_none() && i + 1 < ladder.len() {
                problems.push(Problem::new(
                    format!("{p}.limit"),
                    "only the top role may be unlimited",
                ));
            }
            if i > 0 {
                let prev = &ladder[i - 1];
                for t in [None, Some(Tier::S), Some(Tier::A), Some(Tier::B)] {
                    if let (Some(a), Some(b)) = (prev.limit_for(t), r.limit_for(t)) {
                        if b.minor < a.minor {
                            let which = t.map_or("limit".to_string(), |t| {
                                format!("tier_limits.{}", t.name())
                            });
                            problems.push(Problem::new(
                                format!("{p}.{which}"),
                                format!("{b} is below the {a} of `{}`: caps must not decrease up the ladder", prev.role),
                            ));
                            break;
                        }
                    } else if prev.limit_for(t).is_none() && r.limit_for(t).is_some() {
                        problems.push(Problem::new(
                            format!("{p}.limit"),
                            "a role above an unlimited role has a limit",
                        ));
                        break;
                    }
                }
            }
        }
        let roles: Vec<&str> = ladder.iter().map(|r| r.role.as_str()).collect();
        let check_role = |role: &str, path: String, problems: &mut Vec<Problem>| {
            if !roles.contains(&role) {
                problems.push(Problem::new(
                    path,
                    format!("role `{role}` is not on the authority ladder"),
                ));
            }
        };
        for (i, t) in spec.tiers.iter().enumerate() {
            check_role(&t.owner, format!("tiers[{i}].owner"), &mut problems);
        }
        for (i, a) in spec.alerts.iter().enumerate() {
            for (j, r) in a.notify.iter().enumerate() {
                check_role(r, format!("alerts[{i}].notify[{j}]"), &mut problems);
            }
            if let Some(r) = &a.escalate_to {
                check_role(r, format!("alerts[{i}].escalate_to"), &mut problems);
            }
        }
        check_role(
            &spec.authority.cumulative.escalate_to,
            "authority.cumulative.escalate_to".into(),
            &mut problems,
        );
        if let Some(r) = &spec.public_opinion_escalate_to {
            check_role(r, "public_opinion_escalate_to".into(), &mut problems);
        }
        check_role(
            &spec.early_warnings.retention_call_by,
            "early_warnings.retention_call_by".into(),
            &mut problems,
        );
        if let Some(c) = currency {
            let cum = &spec.authority.cumulative;
            if let Some(m) = &cum.per_case {
                check_money(m, c, "authority.cumulative.per_case".into(), &mut problems);
            }
            for (name, cap) in [
                ("per_customer", &cum.per_customer),
                ("per_vehicle", &cum.per_vehicle),
            ] {
                if let Some(cap) = cap {
                    check_money(
                        &cap.amount,
                        c,
                        format!("authority.cumulative.{name}.amount"),
                        &mut problems,
                    );
                    if cap.days == 0 {
                        problems.push(Problem::new(
                            format!("authority.cumulative.{name}.days"),
                            "must be at least 1",
                        ));
                    }
                }
            }
        }
        let ew = &spec.early_warnings;
        if ew.rating_scale_max == 0 || ew.low_rating_below > ew.rating_scale_max {
            problems.push(Problem::new(
                "early_warnings.low_rating_below",
                "must be within the rating scale",
            ));
        }
        if ew.low_rating_consecutive == 0 {
            problems.push(Problem::new(
                "early_warnings.low_rating_consecutive",
                "must be at least 1",
            ));
        }
        for (lang, words) in &ew.angry_keywords {
            for (i, w) in words.iter().enumerate() {
                if w.trim().is_empty() {
                    problems.push(Problem::new(
                        format!("early_warnings.angry_keywords.{lang}[{i}]"),
                        "empty keyword",
                    ));
                }
            }
        }
        let mut sum = 0.0;
        for (i, d) in spec.drivers.iter().enumerate() {
            if !(d.weight.is_finite() && (0.0..=1.0).contains(&d.weight)) {
                problems.push(Problem::new(
                    format!("drivers[{i}].weight"),
                    "must be in [0, 1]",
                ));
            }
            sum += d.weight;
        }
        if !spec.drivers.is_empty() && (sum - 1.0).abs() > 1e-9 {
            problems.push(Problem::new(
                "drivers",
                format!("weights sum to {sum}, not 1"),
            ));
        }
        for (i, b) in spec.benchmarks.iter().enumerate() {
            let bad = |v: Option<f64>| v.is_some_and(|x| !x.is_finite());
            if bad(b.min)
                || bad(b.max)
                || (b.min.is_none() && b.max.is_none())
                || matches!((b.min, b.max), (Some(a), Some(c)) if a > c)
            {
                problems.push(Problem::new(
                    format!("benchmarks[{i}]"),
                    "needs a finite min and/or max with min <= max",
                ));
            }
        }
        for (i, s) in spec.recovery.steps.iter().enumerate() {
            check_duration(
                &s.from,
                format!("recovery.steps[{i}].from"),
                has_cal,
                &mut problems,
            );
            if let Some(to) = &s.to {
                check_duration(
                    to,
                    format!("recovery.steps[{i}].to"),
                    has_cal,
                    &mut problems,
                );
            }
        }
        let bands = spec.recovery.success_by_speed.len();
        for (i, s) in spec.recovery.success_by_speed.iter().enumerate() {
            // Every response speed falls in exactly one band: bounded bands
            // first, one open-ended band last.
            if s.within.is_none() && i + 1 != bands {
                problems.push(Problem::new(
                    format!("recovery.success_by_speed[{i}].within"),
                    "only the last band may be open-ended",
                ));
            }
            if s.within.is_some() && i + 1 == bands {
                problems.push(Problem::new(
                    format!("recovery.success_by_speed[{i}].within"),
                    "the last band must be open-ended (no `within`), so that a contact slower than every window still has a band",
                ));
            }
            if !(s.success.is_finite() && (0.0..=1.0).contains(&s.success)) {
                problems.push(Problem::new(
                    format!("recovery.success_by_speed[{i}].success"),
                    "must be in [0, 1]",
                ));
            }
            if let Some(w) = &s.within {
                check_duration(
                    w,
                    format!("recovery.success_by_speed[{i}].within"),
                    has_cal,
                    &mut problems,
                );
            }
        }
        match currency {
            Some(currency) if problems.is_empty() => Ok(Policy {
                currency,
                calendar,
                warning_lead_seconds: spec.warning_lead_seconds,
                alerts: spec.alerts,
                tiers: spec.tiers,
                public_opinion_escalate_to: spec.public_opinion_escalate_to,
                authority: spec.authority,
                early_warnings: spec.early_warnings,
                drivers: spec.drivers,
                benchmarks: spec.benchmarks,
                recovery: spec.recovery,
            }),
            _ => Err(Error::InvalidPolicy { problems }),
        }
    }

    /// Adds `d` to `start` with this policy's calendar (business units need
    /// one; validation guarantees it is present for the policy's own
    /// durations).
    pub fn add(&self, start: i64, d: Duration, pauses: &[Pause]) -> Result<i64> {
        match (d, &self.calendar) {
            (Duration::Wall { seconds }, _) => wall_deadline(start, seconds, pauses),
            (_, Some(cal)) => cal.deadline(start, d, pauses),
            (_, None) => Err(Error::arg(
                "duration",
                "business time needs a calendar in the policy",
            )),
        }
    }
}

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

// ---------------------------------------------------------------------------
// Compensation approval

/// The layer of a compensation item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Fix it, free, fast.
    ProblemRepair,
    /// Time, money, inconvenience: refunds, free services, vouchers.
    LossCompensation,
    /// Apology visit, gifts, personal contact.
    EmotionalRepair,
}

impl Layer {
    /// Parses `problem_repair`, `loss_compensation` or `emotional_repair`.
    pub fn from_name(s: &str) -> Result<Layer> {
        match s {
            "problem_repair" => Ok(Layer::ProblemRepair),
            "loss_compensation" => Ok(Layer::LossCompensation),
            "emotional_repair" => Ok(Layer::EmotionalRepair),
            other => Err(Error::arg("layer", format!("unknown layer `{other}` (expected problem_repair, loss_compensation or emotional_repair)"))),
        }
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Layer::ProblemRepair => "problem_repair",
            Layer::LossCompensation => "loss_compensation",
            Layer::EmotionalRepair => "emotional_repair",
        }
    }
}

/// One item of a compensation package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Item {
    /// Its value.
    pub value: Money,
    /// Its layer.
    pub layer: Layer,
}

/// What was already granted, for the cumulative caps (all optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Granted {
    /// Earlier packages on this case.
    pub case: Option<Money>,
    /// Granted to this customer within the per-customer period.
    pub customer: Option<Money>,
    /// Granted for this vehicle within the per-vehicle period.
    pub vehicle: Option<Money>,
}

/// A cumulative-cap check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapCheck {
    /// `tier`, `case`, `customer` or `vehicle`.
    pub scope: String,
    /// The cap.
    pub cap: Money,
    /// Total including this package.
    pub total: Money,
    /// Whether the total stays within the cap.
    pub within: bool,
}

/// The answer to "who must approve this package".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The lowest sufficient role, or `None`: denied (no rule matches).
    pub approver: Option<Role>,
    /// Escalation path from the lowest role up to the approver (the whole
    /// ladder when denied).
    pub path: Vec<Role>,
    /// Package total in the policy currency.
    pub total: Money,
    /// Totals per layer (problem repair, loss compensation, emotional repair).
    pub by_layer: [Money; 3],
    /// Whether the case total stays within the tier's cap.
    pub within_cap: bool,
    /// Every cap checked.
    pub caps: Vec<CapCheck>,
    /// Why this approver (or the denial), in words.
    pub reason: String,
}

impl Policy {
    /// Who must approve a package for a case of `tier` (`None` for a case
    /// without tier). Items in other currencies need `rates`.
    ///
    /// ```
    /// use nps_core::money::{Currency, Money};
    /// use nps_core::policy::{Granted, Item, Layer, Policy, Tier};
    /// let p = Policy::default();
    /// let cny = Currency::from_code("CNY")?;
    /// let item = |yuan: i64, layer| Item { value: Money::new(yuan * 100, cny), layer };
    /// // SPEC §4.3's worked shape: 1800 + 300 + 2000 + 500 = 4600 within the S cap.
    /// let a = p.required_approver(&[
    ///     item(1800, Layer::LossCompensation), item(300, Layer::LossCompensation),
    ///     item(2000, Layer::LossCompensation), item(500, Layer::EmotionalRepair),
    /// ], Some(Tier::S), &[], &Granted::default())?;
    /// assert_eq!(a.approver.as_deref(), Some("service_manager"));
    /// assert!(a.within_cap);
    /// assert_eq!(a.path, ["service_advisor", "service_manager"]);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn required_approver(
        &self,
        items: &[Item],
        tier: Option<Tier>,
        rates: &[Rate],
        granted: &Granted,
    ) -> Result<Approval> {
        let cur = self.currency;
        let zero = Money::new(0, cur);
        let mut total = zero;
        let mut by_layer = [zero; 3];
        for (i, it) in items.iter().enumerate() {
            if it.value.minor < 0 {
                return Err(Error::arg(
                    "items",
                    format!("item [{i}] has a negative value ({})", it.value),
                ));
            }
            let v = it.value.convert(cur, rates).map_err(|e| match e {
                Error::InvalidArgument { reason, .. } => {
                    Error::arg("items", format!("item [{i}]: {reason}"))
                }
                other => other,
            })?;
            total = total.checked_add(v)?;
            let k = it.layer as usize;
            by_layer[k] = by_layer[k].checked_add(v)?;
        }
        for (name, g) in [
            ("case", granted.case),
            ("customer", granted.customer),
            ("vehicle", granted.vehicle),
        ] {
            if g.is_some_and(|m| m.minor < 0) {
                return Err(Error::arg(
                    "granted",
                    format!("the amount already granted per {name} cannot be negative"),
                ));
            }
        }
        let conv = |m: Option<Money>| m.map(|m| m.convert(cur, rates)).transpose();
        let case_total = match conv(granted.case)? {
            Some(g) => g.checked_add(total)?,
            None => total,
        };
        let within = |amount: Money, cap: Money| {
            if self.authority.equal_escalates {
                amount.minor < cap.minor
            } else {
                amount.minor <= cap.minor
            }
        };
        let mut caps = Vec::new();
        let tier_cap = tier
            .and_then(|t| self.tiers.iter().find(|r| r.tier == t))
            .map(|r| r.compensation_cap);
        let within_cap = match tier_cap {
            Some(cap) => {
                let ok = within(case_total, cap);
                caps.push(CapCheck {
                    scope: "tier".into(),
                    cap,
                    total: case_total,
                    within: ok,
                });
                ok
            }
            None => true,
        };
        let cum = &self.authority.cumulative;
        let mut breaks_cumulative = Vec::new();
        if let Some(cap) = cum.per_case {
            let ok = within(case_total, cap);
            caps.push(CapCheck {
                scope: "case".into(),
                cap,
                total: case_total,
                within: ok,
            });
            if !ok {
                breaks_cumulative.push("case");
            }
        }
        for (scope, cap, before) in [
            ("customer", &cum.per_customer, granted.customer),
            ("vehicle", &cum.per_vehicle, granted.vehicle),
        ] {
            if let Some(cap) = cap {
                let t = match conv(before)? {
                    Some(b) => b.checked_add(total)?,
                    None => total,
                };
                let ok = within(t, cap.amount);
                caps.push(CapCheck {
                    scope: scope.into(),
                    cap: cap.amount,
                    total: t,
                    within: ok,
                });
                if !ok {
                    breaks_cumulative.push(scope);
                }
            }
        }
        // Lowest role whose limit covers the case total.
        let ladder = &self.authority.ladder;
        let mut idx = ladder
            .iter()
            .position(|r| r.limit_for(tier).is_none_or(|l| within(case_total, l)));
        let mut reason = match idx {
            Some(i) => format!(
                "{case_total} on the case is within the limit of `{}`{}",
                ladder[i].role,
                ladder[i]
                    .limit_for(tier)
                    .map_or(" (unlimited)".to_string(), |l| format!(" ({l})"))
            ),
            None => format!("{case_total} exceeds every limit on the ladder: denied"),
        };
        if !breaks_cumulative.is_empty() {
            let esc = ladder.iter().position(|r| r.role == cum.escalate_to);
            if let (Some(i), Some(e)) = (idx, esc) {
                if e > i {
                    idx = Some(e);
                    reason = format!(
                        "breaks the cumulative {} cap: escalates to `{}`",
                        breaks_cumulative.join(" and "),
                        ladder[e].role
                    );
                }
            }
        }
        let (approver, path) = match idx {
            Some(i) => (
                Some(ladder[i].role.clone()),
                ladder[..=i].iter().map(|r| r.role.clone()).collect(),
            ),
            None => (None, ladder.iter().map(|r| r.role.clone()).collect()),
        };
        Ok(Approval {
            approver,
            path,
            total,
            by_layer,
            within_cap,
            caps,
            reason,
        })
    }
}

// ---------------------------------------------------------------------------
// Case status at "now"

/// State of one deadline at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Not met, not yet within the warning lead.
    Pending,
    /// Not met, within the warning lead before the deadline.
    Warned,
    /// Not met by the deadline: `now` is past it (reaching the deadline
    /// instant itself is still in time, like a met-at-deadline action).
    Breached,
    /// Met (at or before the deadline).
    Met,
    /// Met, but after the deadline.
    MetLate,
}

impl DeadlineState {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            DeadlineState::Pending => "pending",
            DeadlineState::Warned => "warned",
            DeadlineState::Breached => "breached",
            DeadlineState::Met => "met",
            DeadlineState::MetLate => "met_late",
        }
    }
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineStatus {
    /// `acknowledge` (the alert clock) or `contact` (the tier clock).
    pub name: String,
    /// Due instant.
    pub due: i64,
    /// Instant it becomes `warned`.
    pub warn_at: i64,
    /// State at `now`.
    pub state: DeadlineState,
    /// When it was met, if it was.
    pub met_at: Option<i64>,
    /// Role escalated to on breach.
    pub escalate_to: Option<Role>,
}

/// Something that happened by `now` and that a host system acts on. The
/// key is stable: the same event always has the same key, so retries do not
/// duplicate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    /// Stable key, `"{case_id}:{deadline}:{kind}"`.
    pub key: String,
    /// `warned`, `breached` or `escalated`.
    pub kind: String,
    /// The deadline concerned.
    pub deadline: String,
    /// When it happened (fired).
    pub at: i64,
    /// Role to notify (for escalations).
    pub to: Option<Role>,
}

/// Status of a triaged case at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStatus {
    /// Each deadline.
    pub deadlines: Vec<DeadlineStatus>,
    /// Events fired by `now` (in time order).
    pub events: Vec<CaseEvent>,
    /// The next instant after `now` at which anything changes; `None` when
    /// nothing is pending.
    pub next_fire_at: Option<i64>,
}

/// Progress of a case: when its clocks were met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    /// When the alert was acknowledged.
    pub acknowledged_at: Option<i64>,
    /// When the customer was contacted.
    pub contacted_at: Option<i64>,
}

impl Policy {
    /// Deadline states, events and `next_fire_at` of a triaged case at `now`.
    ///
    /// ```
    /// use nps_core::policy::{DeadlineState, Policy, Progress, Response};
    /// let p = Policy::default();
    /// let t = p.triage(&Response::new(1, 0))?; // red alert at t = 0
    /// let s = p.case_status(&t, &Progress::default(), 2 * 3600 + 1, "case-7")?;
    /// assert_eq!(s.deadlines[0].state, DeadlineState::Breached);
    /// let esc = s.events.iter().find(|e| e.kind == "escalated").unwrap();
    /// assert_eq!(esc.key, "case-7:acknowledge:escalated");
    /// assert_eq!(esc.to.as_deref(), Some("regional_manager"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn case_status(
        &self,
        t: &Triage,
        progress: &Progress,
        now: i64,
        case_id: &str,
    ) -> Result<CaseStatus> {
        let lead = self.warning_lead_seconds;
        let mut deadlines = Vec::new();
        let alert_rule = t
            .alert
            .and_then(|l| self.alerts.iter().find(|a| a.level == l));
        if let Some(due) = t.acknowledge_by {
            deadlines.push((
                "acknowledge",
                due,
                progress.acknowledged_at,
                alert_rule.and_then(|a| a.escalate_to.clone()),
            ));
        }
        if let Some(due) = t.contact_by {
            deadlines.push(("contact", due, progress.contacted_at, None));
        }
        let start = t.response.submitted_at;
        let mut out = Vec::new();
        let mut events = Vec::new();
        let mut next: Option<i64> = None;
        let mut bump = |x: i64| {
            if x > now {
                next = Some(next.map_or(x, |n| n.min(x)));
            }
        };
        for (name, due, met_at, esc) in deadlines {
            let warn_at = due.saturating_sub(lead).max(start);
            let met = met_at.filter(|&m| m <= now);
            let state = match met {
                Some(m) if m <= due => DeadlineState::Met,
                Some(_) => DeadlineState::MetLate,
                // Reaching the deadline itself is still in time.
                None if now > due => DeadlineState::Breached,
                None if now >= warn_at => DeadlineState::Warned,
                None => DeadlineState::Pending,
            };
            let key = |kind: &str| format!("{case_id}:{name}:{kind}");
            // Events are derived from the timeline, so replays give the same set.
            let done_at = met.unwrap_or(i64::MAX);
            if warn_at < due && warn_at <= now && warn_at < done_at {
                events.push(CaseEvent {
                    key: key("warned"),
                    kind: "warned".into(),
                    deadline: name.into(),
                    at: warn_at,
                    to: None,
                });
            }
            let breach_at = due.saturating_add(1);
            if breach_at <= now && due < done_at {
                events.push(CaseEvent {
                    key: key("breached"),
                    kind: "breached".into(),
                    deadline: name.into(),
                    at: breach_at,
                    to: None,
                });
                if let Some(role) = &esc {
                    events.push(CaseEvent {
                        key: key("escalated"),
                        kind: "escalated".into(),
                        deadline: name.into(),
                        at: breach_at,
                        to: Some(role.clone()),
                    });
                }
            }
            if met.is_none() {
                bump(warn_at);
                bump(breach_at);
            }
            out.push(DeadlineStatus {
                name: name.into(),
                due,
                warn_at,
                state,
                met_at: met,
                escalate_to: esc,
            });
        }
        if t.escalate_immediately {
            events.push(CaseEvent {
                key: format!("{case_id}:public_opinion:escalated"),
                kind: "escalated".into(),
                deadline: "public_opinion".into(),
                at: start,
                to: t.escalate_to.clone(),
            });
        }
        events.sort_by(|a, b| (a.at, &a.key).cmp(&(b.at, &b.key)));
        Ok(CaseStatus {
            deadlines: out,
            events,
            next_fire_at: next,
        })
    }
}

// ---------------------------------------------------------------------------
// Early warnings during a visit

/// What is known about a visit in progress.
#[derive(Debug, Clone, Default)]
pub struct Visit<'a> {
    /// Promised completion instant.
    pub promised_at: Option<i64>,
    /// The instant of the assessment.
    pub now: i64,
    /// Progress inquiries by the customer so far.
    pub progress_inquiries: u32,
    /// The customer's messages (any language, UTF-8).
    pub messages: &'a [&'a str],
    /// On-site star ratings in order (1..=scale max).
    pub ratings: &'a [u8],
}

/// One early warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Its level.
    pub level: AlertLevel,
    /// `waiting`, `progress_inquiries` or `angry_wording`.
    pub rule: String,
    /// Details (minutes late, matched keyword, ...).
    pub detail: String,
}

/// Early-warning assessment of a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitAssessment {
    /// Warnings, most severe first.
    pub warnings: Vec<Warning>,
    /// The most severe level (red > orange > yellow here).
    pub level: Option<AlertLevel>,
    /// Role to make a retention call after consecutive low ratings.
    pub retention_call: Option<Role>,
}

fn early_rank(l: AlertLevel) -> u8 {
    // SPEC §4.6: severity during a visit is red > orange > yellow.
    match l {
        AlertLevel::Red => 3,
        AlertLevel::Orange => 2,
        AlertLevel::Yellow => 1,
    }
}

/// Whether `keyword` occurs in `text` (both lower-cased). Keywords made only
/// of ASCII letters, digits and spaces match whole words; others (Chinese)
/// match as substrings.
fn contains_keyword(text: &str, keyword: &str) -> bool {
    let kw = keyword.trim().to_lowercase();
    if kw.is_empty() {
        return false;
    }
    let ascii_word = kw.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ');
    let mut from = 0;
    while let Some(pos) = text[from..].find(&kw) {
        let s = from + pos;
        let e = s + kw.len();
        if !ascii_word {
            return true;
        }
        let before = text[..s].chars().next_back();
        let after = text[e..].chars().next();
        // Only ASCII letters and digits continue an ASCII word: "angry" is
        // matched in "我很angry" but not in "angrybirds".
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = s + text[s..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

impl Policy {
    /// Early warnings for a visit (SPEC §4.6).
    ///
    /// ```
    /// use nps_core::policy::{AlertLevel, Policy, Visit};
    /// let p = Policy::default();
    /// let a = p.assess_visit(&Visit {
    ///     promised_at: Some(0), now: 45 * 60, progress_inquiries: 2,
    ///     messages: &["这也太离谱了，我要投诉"], ratings: &[5, 3, 2],
    ///     ..Default::default()
    /// })?;
    /// assert_eq!(a.level, Some(AlertLevel::Red));
    /// assert_eq!(a.warnings.len(), 3);
    /// assert_eq!(a.retention_call.as_deref(), Some("regional_manager"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn assess_visit(&self, v: &Visit<'_>) -> Result<VisitAssessment> {
        let ew = &self.early_warnings;
        let mut warnings = Vec::new();
        if let Some(p) = v.promised_at {
            let late = v.now.saturating_sub(p);
            if late >= i64::from(ew.wait_over_promise_minutes) * 60 {
                warnings.push(Warning {
                    level: ew.wait_level,
                    rule: "waiting".into(),
                    detail: format!("{} min past the promised time", late / 60),
                });
            }
        }
        if v.progress_inquiries >= ew.progress_inquiries {
            warnings.push(Warning {
                level: ew.inquiries_level,
                rule: "progress_inquiries".into(),
                detail: format!("{} progress inquiries", v.progress_inquiries),
            });
        }
        'outer: for m in v.messages {
            let text = m.to_lowercase();
            for words in ew.angry_keywords.values() {
                for w in words {
                    if contains_keyword(&text, w) {
                        warnings.push(Warning {
                            level: ew.angry_level,
                            rule: "angry_wording".into(),
                            detail: format!("matched `{w}`"),
                        });
                        break 'outer;
                    }
                }
            }
        }
        let mut run = 0u32;
        let mut retention = false;
        for (i, &r) in v.ratings.iter().enumerate() {
            if r == 0 || r > ew.rating_scale_max {
                return Err(Error::InvalidScore {
                    index: i,
                    value: f64::from(r),
                    min: 1,
                    max: i64::from(ew.rating_scale_max),
                });
            }
            run = if r < ew.low_rating_below { run + 1 } else { 0 };
            retention |= run >= ew.low_rating_consecutive;
        }
        warnings.sort_by_key(|w| std::cmp::Reverse(early_rank(w.level)));
        Ok(VisitAssessment {
            level: warnings.first().map(|w| w.level),
            warnings,
            retention_call: retention.then(|| ew.retention_call_by.clone()),
        })
    }
}

#[cfg(test)]
#[allow(clippy::inconsistent_digit_grouping)] // money as yuan_fen
mod tests {
    use super::*;

    #[test]
    fn default_round_trips_and_validates() {
        let p = Policy::default();
        let json = p.to_json();
        assert_eq!(Policy::from_json(&json).unwrap(), p);
    }

    #[test]
    fn every_problem_with_a_path() {
        let mut spec = PolicySpec::from(Policy::default());
        spec.currency = "ZZZ".into();
        spec.tiers[2].when.scores = Some([5, 5]); // overlaps A (4-5) and leaves 6 unmatched
        spec.authority.ladder[1].tier_limits.insert(
            Tier::S,
            Money::new(100, Currency::from_code("CNY").unwrap()),
        );
        spec.calendar = Some(CalendarSpec {
            tz: "Nowhere/City".into(),
            ..Default::default()
        });
        let json = serde_json::to_string(&spec).unwrap();
        let err = Policy::from_json(&json).unwrap_err();
        let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
        for want in [
            "currency",
            "calendar.tz",
            "tiers[2].when.scores",
            "tiers",
            "authority.ladder[1].tier_limits.S",
        ] {
            assert!(paths.contains(&want), "missing {want} in {paths:?}");
        }
        // A structural error names its path.
        let err = Policy::from_json(r#"{"currency": 5}"#).unwrap_err();
        assert_eq!(err.problems()[0].path, "currency");
    }

    #[test]
    fn speed_bands_end_with_one_open_band() {
        let mut spec = PolicySpec::from(Policy::default());
        spec.recovery.success_by_speed.swap(1, 2); // open band in the middle, bounded last
        let err = Policy::from_json(&serde_json::to_string(&spec).unwrap()).unwrap_err();
        let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "recovery.success_by_speed[1].within",
                "recovery.success_by_speed[2].within"
            ]
        );
        assert!(err.problems()[0].message.contains("only the last"));
        assert!(err.problems()[1].message.contains("must be open-ended"));
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

    #[test]
    fn approval_limits_inclusive_and_equal_escalates() {
        let mut p = Policy::default();
        let cny = Currency::from_code("CNY").unwrap();
        let pkg = |yuan_minor: i64| {
            [Item {
                value: Money::new(yuan_minor, cny),
                layer: Layer::LossCompensation,
            }]
        };
        let a = p
            .required_approver(&pkg(500_00), Some(Tier::B), &[], &Granted::default())
            .unwrap();
        assert_eq!(a.approver.as_deref(), Some("service_advisor"));
        assert!(a.within_cap);
        let a = p
            .required_approver(&pkg(500_01), Some(Tier::B), &[], &Granted::default())
            .unwrap();
        assert_eq!(a.approver.as_deref(), Some("service_manager"));
        assert!(!a.within_cap);
        p.authority.equal_escalates = true;
        let a = p
            .required_approver(&pkg(500_00), Some(Tier::B), &[], &Granted::default())
            .unwrap();
        assert_eq!(a.approver.as_deref(), Some("service_manager"));
        // No rule: a ladder without an unlimited top denies.
        p.authority.ladder.pop();
        let a = p
            .required_approver(&pkg(9_000_00), Some(Tier::S), &[], &Granted::default())
            .unwrap();
        assert_eq!(a.approver, None);
    }

    #[test]
    fn keywords() {
        assert!(contains_keyword("this is unacceptable!", "unacceptable"));
        assert!(!contains_keyword("i am not angrybirds", "angry"));
        assert!(contains_keyword("我很生气", "生气"));
        assert!(contains_keyword("ANGRY".to_lowercase().as_str(), "Angry"));
    }
}
