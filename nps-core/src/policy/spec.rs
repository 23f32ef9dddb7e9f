//! Policy documents: [`PolicySpec`] (the JSON form), loading and saving,
//! and validation that reports every problem with its JSON path, one
//! function per section of the document.

use serde::{Deserialize, Serialize};

use super::{
    AlertRule, Authority, Benchmark, CumulativeCaps, Driver, EarlyWarnings, Policy, Recovery, Role,
    RoleLimit, ScoreSpan, Tier, TierRule,
};
use crate::calendar::{Calendar, CalendarSpec, Duration};
use crate::error::{Error, Problem, Result};
use crate::heatmap::PainRule;
use crate::money::{Currency, Money};

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
    /// Which driver each pain point of the journey heat map belongs to,
    /// for the NPS driver view: rules by exact pain point, keyword, then
    /// journey stage (absent: the documented defaults,
    /// `heatmap::default_pain_rules`).
    #[serde(default = "crate::heatmap::default_pain_rules")]
    pub pain_point_drivers: Vec<PainRule>,
    /// KPI benchmarks: a minimum and/or maximum per KPI name.
    pub benchmarks: Vec<Benchmark>,
    /// The six recovery steps with their target windows from the alert,
    /// and the observed success rate by response speed.
    pub recovery: Recovery,
    /// The high-value customer rule: above `annual_kwh_above` kWh charged a
    /// year, or at least `annual_spend_at_least` of service a year (`null`
    /// turns a condition off). Missing: the defaults, 5,000 kWh and
    /// 6,600.00 CNY.
    #[serde(default)]
    pub high_value: crate::loyalty::HighValueRule,
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
            pain_point_drivers: p.pain_point_drivers,
            benchmarks: p.benchmarks,
            recovery: p.recovery,
            high_value: p.high_value,
        }
    }
}

impl TryFrom<PolicySpec> for Policy {
    type Error = Error;
    fn try_from(spec: PolicySpec) -> Result<Policy> {
        Policy::from_spec(spec)
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

    /// A short stable fingerprint of the policy: `fnv1a64:` and 16 hex
    /// digits of the FNV-1a hash of its canonical JSON (keys sorted). Equal
    /// policies have equal fingerprints; used to name policies in messages
    /// (e.g. a case saved with one policy and loaded with another).
    ///
    /// ```
    /// use nps_core::policy::Policy;
    /// let p = Policy::default();
    /// assert_eq!(p.fingerprint(), Policy::from_json(&p.to_json()).unwrap().fingerprint());
    /// assert!(p.fingerprint().starts_with("fnv1a64:"));
    /// ```
    pub fn fingerprint(&self) -> String {
        /// FNV-1a over the bytes written to it.
        struct Fnv(u64);
        impl std::io::Write for Fnv {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                for &b in bytes {
                    self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
                }
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        // serde_json::Value keeps object keys sorted (no preserve_order);
        // its compact text is hashed as it is written, never held.
        let v = serde_json::to_value(PolicySpec::from(self.clone())).unwrap_or_default();
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        // Writing to a hash cannot fail.
        let _ = serde_json::to_writer(&mut h, &v);
        format!("fnv1a64:{:016x}", h.0)
    }

    /// Validates a spec, collecting every problem.
    pub fn from_spec(spec: PolicySpec) -> Result<Policy> {
        // Sections are checked in document order; the problems come out in
        // that order.
        let mut problems = Vec::new();
        let currency = check_currency(&spec.currency, &mut problems);
        let calendar = spec
            .calendar
            .clone()
            .and_then(|c| Calendar::validate(c, "calendar", &mut problems));
        let has_cal = spec.calendar.is_some();
        check_warning_lead(spec.warning_lead_seconds, &mut problems);
        check_alerts(&spec.alerts, has_cal, &mut problems);
        check_tiers(&spec.tiers, currency, has_cal, &mut problems);
        check_ladder(&spec.authority.ladder, currency, &mut problems);
        check_roles(&spec, &mut problems);
        if let Some(c) = currency {
            check_cumulative(&spec.authority.cumulative, c, &mut problems);
        }
        check_early_warnings(&spec.early_warnings, &mut problems);
        check_drivers(&spec.drivers, &mut problems);
        crate::heatmap::check_pain_rules(
            &spec.pain_point_drivers,
            "pain_point_drivers",
            &mut problems,
        );
        check_benchmarks(&spec.benchmarks, &mut problems);
        check_recovery(&spec.recovery, has_cal, &mut problems);
        if let Err(Error::InvalidArgument { name, reason }) = spec.high_value.validate() {
            problems.push(Problem::new(format!("high_value.{name}"), reason));
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
                pain_point_drivers: spec.pain_point_drivers,
                benchmarks: spec.benchmarks,
                recovery: spec.recovery,
                high_value: spec.high_value,
            }),
            _ => Err(Error::InvalidPolicy { problems }),
        }
    }
}

/// `currency`: an ISO 4217 code; `None` when it is not one.
fn check_currency(code: &str, problems: &mut Vec<Problem>) -> Option<Currency> {
    match Currency::from_code(code) {
        Ok(c) => Some(c),
        Err(e) => {
            problems.push(Problem::new("currency", e.to_string()));
            None
        }
    }
}

/// `warning_lead_seconds`: between 0 and 366 days.
fn check_warning_lead(seconds: i64, problems: &mut Vec<Problem>) {
    if !(0..=366 * 86_400).contains(&seconds) {
        problems.push(Problem::new(
            "warning_lead_seconds",
            "must be between 0 and 366 days (31622400 seconds)",
        ));
    }
}

/// `alerts`: spans valid, no overlaps, durations.
fn check_alerts(alerts: &[AlertRule], has_cal: bool, problems: &mut Vec<Problem>) {
    let mut alert_cover: [Option<usize>; 11] = [None; 11];
    for (i, a) in alerts.iter().enumerate() {
        let p = format!("alerts[{i}]");
        check_duration(
            &a.acknowledge_within,
            format!("{p}.acknowledge_within"),
            has_cal,
            problems,
        );
        if check_span(&a.scores, format!("{p}.scores"), problems) {
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
}

/// `tiers`: spans only detractor scores, no overlaps, every detractor score
/// matched. Caps are checked only when the policy currency is known.
fn check_tiers(
    tiers: &[TierRule],
    currency: Option<Currency>,
    has_cal: bool,
    problems: &mut Vec<Problem>,
) {
    let mut tier_cover: [Option<usize>; 7] = [None; 7];
    let mut seen_tiers = Vec::new();
    for (i, t) in tiers.iter().enumerate() {
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
            problems,
        );
        if let Some(c) = currency {
            check_money(
                &t.compensation_cap,
                c,
                format!("{p}.compensation_cap"),
                problems,
            );
        }
        if let Some(span) = &t.when.scores {
            if check_span(span, format!("{p}.when.scores"), problems) {
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
}

/// `authority.ladder`: non-decreasing limits, unlimited only at the top.
/// Limits are checked against the currency only when it is known.
fn check_ladder(ladder: &[RoleLimit], currency: Option<Currency>, problems: &mut Vec<Problem>) {
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
                check_money(m, c, format!("{p}.limit"), problems);
            }
            for (t, m) in &r.tier_limits {
                check_money(m, c, format!("{p}.tier_limits.{}", t.name()), problems);
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
                        let which =
                            t.map_or("limit".to_string(), |t| format!("tier_limits.{}", t.name()));
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
}

/// Every role named anywhere in the policy is on the authority ladder.
fn check_roles(spec: &PolicySpec, problems: &mut Vec<Problem>) {
    let roles: Vec<&str> = spec
        .authority
        .ladder
        .iter()
        .map(|r| r.role.as_str())
        .collect();
    let check_role = |role: &str, path: String, problems: &mut Vec<Problem>| {
        if !roles.contains(&role) {
            problems.push(Problem::new(
                path,
                format!("role `{role}` is not on the authority ladder"),
            ));
        }
    };
    for (i, t) in spec.tiers.iter().enumerate() {
        check_role(&t.owner, format!("tiers[{i}].owner"), problems);
    }
    for (i, a) in spec.alerts.iter().enumerate() {
        for (j, r) in a.notify.iter().enumerate() {
            check_role(r, format!("alerts[{i}].notify[{j}]"), problems);
        }
        if let Some(r) = &a.escalate_to {
            check_role(r, format!("alerts[{i}].escalate_to"), problems);
        }
    }
    check_role(
        &spec.authority.cumulative.escalate_to,
        "authority.cumulative.escalate_to".into(),
        problems,
    );
    if let Some(r) = &spec.public_opinion_escalate_to {
        check_role(r, "public_opinion_escalate_to".into(), problems);
    }
    check_role(
        &spec.early_warnings.retention_call_by,
        "early_warnings.retention_call_by".into(),
        problems,
    );
}

/// `authority.cumulative`: caps in the policy currency, periods of at least
/// a day. Checked only when the policy currency is known.
fn check_cumulative(cum: &CumulativeCaps, c: Currency, problems: &mut Vec<Problem>) {
    if let Some(m) = &cum.per_case {
        check_money(m, c, "authority.cumulative.per_case".into(), problems);
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
                problems,
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

/// `early_warnings`: the rating rule within the scale, non-empty keywords.
fn check_early_warnings(ew: &EarlyWarnings, problems: &mut Vec<Problem>) {
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
}

/// `drivers`: weights in [0, 1] that sum to 1.
fn check_drivers(drivers: &[Driver], problems: &mut Vec<Problem>) {
    let mut sum = 0.0;
    for (i, d) in drivers.iter().enumerate() {
        if !(d.weight.is_finite() && (0.0..=1.0).contains(&d.weight)) {
            problems.push(Problem::new(
                format!("drivers[{i}].weight"),
                "must be in [0, 1]",
            ));
        }
        sum += d.weight;
    }
    if !drivers.is_empty() && (sum - 1.0).abs() > 1e-9 {
        problems.push(Problem::new(
            "drivers",
            format!("weights sum to {sum}, not 1"),
        ));
    }
}

/// `benchmarks`: a known KPI name (once), a finite min and/or max with
/// min <= max; a time benchmark (a per-visit standard) has a positive `max`
/// and no `min`, and a `target_share` in (0, 1] if any; no other benchmark
/// has a `target_share`.
fn check_benchmarks(benchmarks: &[Benchmark], problems: &mut Vec<Problem>) {
    let known = crate::kpi::benchmark_names();
    for (i, b) in benchmarks.iter().enumerate() {
        if !known.contains(&b.kpi.as_str()) {
            problems.push(Problem::new(
                format!("benchmarks[{i}].kpi"),
                format!(
                    "unknown KPI `{}` (expected one of {})",
                    crate::error::quote(&b.kpi),
                    known.join(", ")
                ),
            ));
        } else if let Some(j) = benchmarks[..i].iter().position(|o| o.kpi == b.kpi) {
            problems.push(Problem::new(
                format!("benchmarks[{i}].kpi"),
                format!("`{}` is also benchmarked by benchmarks[{j}]", b.kpi),
            ));
        }
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
        if b.is_time() {
            if b.min.is_some() {
                problems.push(Problem::new(
                    format!("benchmarks[{i}].min"),
                    format!(
                        "`{}` is a per-visit standard: `max` is the standard in minutes and \
                         `target_share` the share of visits within it; it has no `min`",
                        b.kpi
                    ),
                ));
            }
            if b.max.is_some_and(|m| m <= 0.0) {
                problems.push(Problem::new(
                    format!("benchmarks[{i}].max"),
                    "a per-visit standard is a positive number of minutes",
                ));
            }
            if let Some(s) = b.target_share {
                if s.is_nan() || s <= 0.0 || s > 1.0 {
                    problems.push(Problem::new(
                        format!("benchmarks[{i}].target_share"),
                        format!("a share of visits in (0, 1], got {s}"),
                    ));
                }
            }
        } else if b.target_share.is_some() {
            problems.push(Problem::new(
                format!("benchmarks[{i}].target_share"),
                format!(
                    "only the time benchmarks ({}) have a target_share",
                    crate::kpi::TimeMeasure::ALL
                        .map(|t| t.benchmark())
                        .join(", ")
                ),
            ));
        }
    }
}

/// The recovery steps a policy may name (SPEC §4.5), in procedure order:
/// the events of a [`Case`](crate::case::Case) complete them.
pub const RECOVERY_STEPS: [&str; 6] = [
    "identify_and_grade",
    "first_contact",
    "investigation",
    "solution",
    "execution_and_follow_up",
    "review",
];

/// `recovery`: step windows, and speed bands that end with one open band.
fn check_recovery(recovery: &Recovery, has_cal: bool, problems: &mut Vec<Problem>) {
    if recovery.steps.is_empty() {
        problems.push(Problem::new(
            "recovery.steps",
            format!("needs at least one step (of {})", RECOVERY_STEPS.join(", ")),
        ));
    }
    if recovery.success_by_speed.is_empty() {
        problems.push(Problem::new(
            "recovery.success_by_speed",
            "needs at least one band (the last one open-ended)",
        ));
    }
    for (i, s) in recovery.steps.iter().enumerate() {
        if !RECOVERY_STEPS.contains(&s.name.as_str()) {
            problems.push(Problem::new(
                format!("recovery.steps[{i}].name"),
                format!(
                    "unknown step `{}` (expected one of {})",
                    crate::error::quote(&s.name),
                    RECOVERY_STEPS.join(", ")
                ),
            ));
        } else if let Some(j) = recovery.steps[..i].iter().position(|o| o.name == s.name) {
            problems.push(Problem::new(
                format!("recovery.steps[{i}].name"),
                format!("step `{}` is also recovery.steps[{j}]", s.name),
            ));
        }
        check_duration(
            &s.from,
            format!("recovery.steps[{i}].from"),
            has_cal,
            problems,
        );
        if let Some(to) = &s.to {
            check_duration(to, format!("recovery.steps[{i}].to"), has_cal, problems);
            // Same unit: comparable without a calendar. (Windows in
            // different units are compared by the status, not here.)
            let ends_first = match (s.from, *to) {
                (Duration::Wall { seconds: a }, Duration::Wall { seconds: b })
                | (Duration::Business { seconds: a }, Duration::Business { seconds: b }) => b < a,
                (Duration::BusinessDays { days: a }, Duration::BusinessDays { days: b }) => b < a,
                _ => false,
            };
            if ends_first {
                problems.push(Problem::new(
                    format!("recovery.steps[{i}].to"),
                    "the window ends before it starts (`to` < `from`)",
                ));
            }
        }
    }
    let fu = &recovery.follow_up;
    check_duration(
        &fu.from,
        "recovery.follow_up.from".into(),
        has_cal,
        problems,
    );
    if let Some(to) = &fu.to {
        check_duration(to, "recovery.follow_up.to".into(), has_cal, problems);
        if let (Duration::Wall { seconds: a }, Duration::Wall { seconds: b }) = (fu.from, *to) {
            if b < a {
                problems.push(Problem::new(
                    "recovery.follow_up.to",
                    "the window ends before it starts (`to` < `from`)",
                ));
            }
        }
    }
    let bands = recovery.success_by_speed.len();
    for (i, s) in recovery.success_by_speed.iter().enumerate() {
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
                problems,
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Checks shared by the sections

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

/// A policy saves as its document ([`PolicySpec`]); loading runs the
/// validation of [`Policy::from_json`] again, so a hand-edited state with
/// an overlapping alert range or an unknown currency does not load.
///
/// ```
/// use nps_core::policy::Policy;
/// use nps_core::state::Saved;
/// let mut p = Policy::default();
/// p.warning_lead_seconds = 600;
/// assert_eq!(Policy::from_state(&p.to_state())?, p);
/// let bad = String::from_utf8(p.to_state()).unwrap().replace("\"CNY\"", "\"XYZ\"");
/// assert_eq!(Policy::from_state(bad.as_bytes()).unwrap_err().argument(), Some("state"));
/// # Ok::<(), nps_core::Error>(())
/// ```
impl crate::state::Saved for Policy {
    const KIND: &'static str = "Policy";
    fn check(&self) -> Result<()> {
        Policy::from_spec(PolicySpec::from(self.clone())).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint is FNV-1a (64 bits) of the policy's compact JSON
    /// text with its keys sorted: the hash checked against the published
    /// vector for "a", the text built as a whole here.
    #[test]
    fn fingerprint_hashes_the_sorted_json_text() {
        let fnv = |text: &str| {
            text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            })
        };
        assert_eq!(fnv("a"), 0xaf63_dc4c_8601_ec8c);
        let mut other = Policy::default();
        other.warning_lead_seconds += 60;
        for p in [Policy::default(), other] {
            let text = serde_json::to_value(PolicySpec::from(p.clone()))
                .unwrap()
                .to_string();
            assert!(text.starts_with("{\"alerts\":"), "{text}");
            assert_eq!(p.fingerprint(), format!("fnv1a64:{:016x}", fnv(&text)));
        }
        assert_ne!(Policy::default().fingerprint(), {
            let mut p = Policy::default();
            p.warning_lead_seconds += 60;
            p.fingerprint()
        });
    }

    #[test]
    fn default_round_trips_and_validates() {
        let p = Policy::default();
        let json = p.to_json();
        assert_eq!(Policy::from_json(&json).unwrap(), p);
    }

    #[test]
    fn time_benchmarks_are_per_visit_standards() {
        let problems = |edit: &dyn Fn(&mut Vec<Benchmark>)| -> Vec<String> {
            let mut spec = PolicySpec::from(Policy::default());
            edit(&mut spec.benchmarks);
            match Policy::from_json(&serde_json::to_string(&spec).unwrap()) {
                Ok(_) => vec![],
                Err(e) => e.problems().iter().map(|p| p.path.clone()).collect(),
            }
        };
        let at = |b: &[Benchmark], kpi: &str| b.iter().position(|x| x.kpi == kpi).unwrap();
        assert!(problems(&|_| {}).is_empty());
        let r = at(&Policy::default().benchmarks, "reception_response_minutes");
        let f = at(&Policy::default().benchmarks, "first_time_fix_rate");
        for (share, ok) in [
            (1.0, true),
            (0.5, true),
            (0.0, false),
            (1.5, false),
            (-0.1, false),
        ] {
            let got = problems(&|b| b[r].target_share = Some(share));
            assert_eq!(got.is_empty(), ok, "{share}: {got:?}");
            if !ok {
                assert_eq!(got, [format!("benchmarks[{r}].target_share")]);
            }
        }
        assert!(problems(&|b| b[r].target_share = None).is_empty());
        assert_eq!(
            problems(&|b| b[r].min = Some(1.0)),
            [format!("benchmarks[{r}].min")]
        );
        assert_eq!(
            problems(&|b| b[r].max = Some(0.0)),
            [format!("benchmarks[{r}].max")]
        );
        assert_eq!(
            problems(&|b| b[f].target_share = Some(0.9)),
            [format!("benchmarks[{f}].target_share")]
        );
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
        // Issue 10 (9): steps ending before they start, no steps, unknown
        // step and benchmark names, duplicates: each a problem with a path.
        let mut spec = PolicySpec::from(Policy::default());
        spec.recovery.steps[1].to = Some(Duration::Wall { seconds: 3600 }); // from 2 h
        spec.recovery.steps[2].name = "first_contact".into();
        spec.benchmarks[0].kpi = "first_time_fix_ratio".into();
        spec.benchmarks[2].kpi = spec.benchmarks[1].kpi.clone();
        let err = Policy::from_json(&serde_json::to_string(&spec).unwrap()).unwrap_err();
        let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "benchmarks[0].kpi",
                "benchmarks[2].kpi",
                "recovery.steps[1].to",
                "recovery.steps[2].name"
            ]
        );
        spec = PolicySpec::from(Policy::default());
        spec.recovery.steps.clear();
        let err = Policy::from_json(&serde_json::to_string(&spec).unwrap()).unwrap_err();
        assert_eq!(err.problems()[0].path, "recovery.steps");
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
}
