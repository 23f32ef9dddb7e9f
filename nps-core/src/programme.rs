//! Programme analytics over recovery cases (SPEC §4.5): the monthly
//! statistics a service director reads, their splits, grouping by dealer
//! and period, and the ranking of open cases by expected recovered value.
//!
//! Definitions (over the cases whose **original** score is a detractor,
//! 0–6, "low scores"; other cases are not counted):
//!
//! - `launched`: a contact was made; `responded_24h`: the first contact is
//!   within 24 wall-clock hours of opening (inclusive);
//! - `recovered`: closed `recovered` or `converted`; `converted` ⊂
//!   `recovered`; `lost`: closed `lost`;
//! - every rate has denominator `low_scores` (the source's example: 25 low
//!   scores, 25 launched, 24 within 24 h, 17 recovered, 7 converted, 8 lost
//!   give 100 %, 96 %, 68 %, 28 %, 32 %); an empty denominator is "no data"
//!   (`value: None`), never 0.
//! - Splits (each a success rate recovered / cases of the band):
//!   response speed in the bands of `policy.recovery.success_by_speed`
//!   (a contact at or before `opened + within` is in the band; cases never
//!   contacted form their own band), compensation level (total of accepted
//!   packages: none, then up to each distinct tier cap ascending, then
//!   above the largest), apology channel (of the first contact).
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

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::Duration;
use crate::case::{Case, Channel, Outcome};
use crate::error::{Error, Result};
use crate::group::{self, GroupKey, Keys};
use crate::money::Money;
use crate::period::Period;
use crate::policy::Policy;

/// A rate with its numerator and denominator; `value` is `None` ("no
/// data") when the denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RecoveryRate {
    /// numerator / denominator, a fraction 0–1.
    pub value: Option<f64>,
    /// Numerator.
    pub numerator: u64,
    /// Denominator.
    pub denominator: u64,
}

impl RecoveryRate {
    /// `numerator / denominator`, `None` when the denominator is 0.
    pub fn new(numerator: u64, denominator: u64) -> RecoveryRate {
        RecoveryRate {
            value: (denominator > 0).then(|| numerator as f64 / denominator as f64),
            numerator,
            denominator,
        }
    }
}

/// A low-score reason and its share of the low scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonShare {
    /// The reason.
    pub reason: String,
    /// Its count over low scores.
    pub share: RecoveryRate,
}

/// One band of a success split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryBand {
    /// RecoveryBand label (`<= 6h`, `> 24h`, `not_contacted`, `none`,
    /// `<= 500.00 CNY`, `phone`, ...).
    pub label: String,
    /// Success: recovered / cases in the band.
    pub success: RecoveryRate,
    /// The policy's expected success for a speed band (`None` elsewhere).
    pub expected: Option<f64>,
}

/// Programme statistics of one group of cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryStats {
    /// Low scores received (cases with an original score 0–6).
    pub low_scores: u64,
    /// Cases with a contact.
    pub launched: u64,
    /// First contact within 24 h of opening.
    pub responded_24h: u64,
    /// Closed recovered or converted.
    pub recovered: u64,
    /// Closed converted (a subset of recovered).
    pub converted: u64,
    /// Closed lost.
    pub lost: u64,
    /// launched / low_scores.
    pub launch_rate: RecoveryRate,
    /// responded_24h / low_scores.
    pub response_24h_rate: RecoveryRate,
    /// recovered / low_scores.
    pub success_rate: RecoveryRate,
    /// converted / low_scores.
    pub conversion_rate: RecoveryRate,
    /// lost / low_scores.
    pub lost_rate: RecoveryRate,
    /// The top reasons, most frequent first (ties by name).
    pub reasons: Vec<ReasonShare>,
    /// Success by response speed.
    pub by_speed: Vec<RecoveryBand>,
    /// Success by compensation level.
    pub by_compensation: Vec<RecoveryBand>,
    /// Success by channel of first contact.
    pub by_channel: Vec<RecoveryBand>,
}

impl RecoveryStats {
    /// The statistics as JSON (rates as `{value, numerator, denominator}`,
    /// `value` null for no data).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Groups of [`recovery_stats_by`] as a JSON array of `{period, dealer,
/// stats}`.
pub fn groups_to_json(groups: &[GroupStats]) -> String {
    serde_json::to_string(groups).unwrap_or_default()
}

/// Options of [`recovery_stats`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsOptions {
    /// How many reasons to list (default 5).
    pub top_reasons: usize,
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions { top_reasons: 5 }
    }
}

fn duration_label(d: &Duration) -> String {
    let secs = |s: i64| {
        if s % 3600 == 0 {
            format!("{}h", s / 3600)
        } else if s % 60 == 0 {
            format!("{}min", s / 60)
        } else {
            format!("{s}s")
        }
    };
    match *d {
        Duration::Wall { seconds } => secs(seconds),
        Duration::Business { seconds } => format!("{} business", secs(seconds)),
        Duration::BusinessDays { days } => format!("{days} business days"),
    }
}

/// Index of the speed band of a first contact at `contacted` for a case
/// opened at `opened` (the first band whose limit it meets; the last band
/// otherwise).
pub fn speed_band(policy: &Policy, opened: i64, contacted: i64) -> Result<usize> {
    let bands = &policy.recovery.success_by_speed;
    if bands.is_empty() {
        return Err(Error::arg("policy", "recovery.success_by_speed is empty"));
    }
    for (i, b) in bands.iter().enumerate() {
        match b.within {
            Some(w) if contacted <= policy.add(opened, w, &[])? => return Ok(i),
            Some(_) => {}
            None => return Ok(i),
        }
    }
    Ok(bands.len() - 1)
}

/// Label of speed band `i` (`<= 6h`, `> 24h`).
pub fn speed_label(policy: &Policy, i: usize) -> String {
    let bands = &policy.recovery.success_by_speed;
    match bands.get(i).and_then(|b| b.within.as_ref()) {
        Some(w) => format!("<= {}", duration_label(w)),
        None => match bands[..i.min(bands.len())]
            .iter()
            .rev()
            .find_map(|b| b.within.as_ref())
        {
            Some(w) => format!("> {}", duration_label(w)),
            None => "any".into(),
        },
    }
}

/// Statistics of one group of cases (see the module docs).
pub fn recovery_stats(
    cases: &[Case],
    policy: &Policy,
    options: &StatsOptions,
) -> Result<RecoveryStats> {
    let nb = policy.recovery.success_by_speed.len();
    let mut caps: Vec<Money> = policy.tiers.iter().map(|t| t.compensation_cap).collect();
    caps.sort_by_key(|m| m.minor);
    caps.dedup();
    let (mut low, mut launched, mut r24, mut rec, mut conv, mut lost) = (0u64, 0, 0, 0, 0, 0);
    let mut reasons: BTreeMap<&str, u64> = BTreeMap::new();
    // (cases, recovered) per band
    let mut speed = vec![(0u64, 0u64); nb + 1];
    let mut comp = vec![(0u64, 0u64); caps.len() + 2];
    let mut chan = [(0u64, 0u64); 3];
    for (ci, c) in cases.iter().enumerate() {
        let in_case = |e: Error| e.in_case(ci, c.id());
        let s = c.state();
        if s.score > 6 {
            continue;
        }
        low += 1;
        *reasons.entry(s.reason.as_str()).or_default() += 1;
        let ok = matches!(
            c.outcome(),
            Some(Outcome::Recovered) | Some(Outcome::Converted)
        );
        let hit = |b: &mut (u64, u64)| {
            b.0 += 1;
            b.1 += u64::from(ok);
        };
        rec += u64::from(ok);
        conv += u64::from(c.outcome() == Some(Outcome::Converted));
        lost += u64::from(c.outcome() == Some(Outcome::Lost));
        match s.contacted_at {
            Some(t) => {
                launched += 1;
                r24 += u64::from(t - s.opened_at <= 24 * 3600);
                hit(&mut speed[speed_band(policy, s.opened_at, t).map_err(in_case)?]);
            }
            None => hit(&mut speed[nb]),
        }
        if let Some(ch) = s.channel {
            let i = Channel::ALL.iter().position(|&x| x == ch).unwrap_or(0);
            hit(&mut chan[i]);
        }
        let total = c.accepted_total(policy, &[]).map_err(in_case)?;
        let level = if total.minor == 0 {
            0
        } else {
            1 + caps
                .iter()
                .position(|cap| total.minor <= cap.minor)
                .unwrap_or(caps.len())
        };
        hit(&mut comp[level]);
    }
    let mut top: Vec<(&str, u64)> = reasons.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    top.truncate(options.top_reasons);
    let band = |label: String, (n, k): (u64, u64), expected| RecoveryBand {
        label,
        success: RecoveryRate::new(k, n),
        expected,
    };
    let mut by_speed: Vec<RecoveryBand> = (0..nb)
        .map(|i| {
            band(
                speed_label(policy, i),
                speed[i],
                Some(policy.recovery.success_by_speed[i].success),
            )
        })
        .collect();
    by_speed.push(band("not_contacted".into(), speed[nb], None));
    let mut by_compensation = vec![band("none".into(), comp[0], None)];
    for (i, cap) in caps.iter().enumerate() {
        by_compensation.push(band(format!("<= {cap}"), comp[i + 1], None));
    }
    if let Some(last) = caps.last() {
        by_compensation.push(band(format!("> {last}"), comp[caps.len() + 1], None));
    }
    let by_channel = Channel::ALL
        .iter()
        .zip(chan)
        .map(|(ch, b)| band(ch.name().into(), b, None))
        .collect();
    Ok(RecoveryStats {
        low_scores: low,
        launched,
        responded_24h: r24,
        recovered: rec,
        converted: conv,
        lost,
        launch_rate: RecoveryRate::new(launched, low),
        response_24h_rate: RecoveryRate::new(r24, low),
        success_rate: RecoveryRate::new(rec, low),
        conversion_rate: RecoveryRate::new(conv, low),
        lost_rate: RecoveryRate::new(lost, low),
        reasons: top
            .into_iter()
            .map(|(r, n)| ReasonShare {
                reason: r.to_owned(),
                share: RecoveryRate::new(n, low),
            })
            .collect(),
        by_speed,
        by_compensation,
        by_channel,
    })
}

/// How to group cases in [`recovery_stats_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsGrouping {
    /// Group by dealer (cases without one form the `None` group).
    pub dealer: bool,
    /// Group by the calendar period of the opening instant in a zone.
    pub period: Option<(Period, Tz)>,
}

/// One group of [`recovery_stats_by`] / [`recovery_stats_by_keys`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupStats {
    /// Period label (`2025-06`), when grouped by period.
    pub period: Option<String>,
    /// Dealer, when grouped by dealer (`None` also for cases without one).
    pub dealer: Option<String>,
    /// The caller's key of the group, when grouped by key columns
    /// ([`recovery_stats_by_keys`]): the key of one column, or a
    /// [`GroupKey::Tuple`] with one part per column of a [`Keys::Multi`].
    /// Absent from the JSON when not grouped by keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<GroupKey>,
    /// Its statistics.
    pub stats: RecoveryStats,
}

/// Statistics per group (period, then dealer; sorted by period start, then
/// dealer with `None` first). Only groups with at least one case appear.
///
/// ```
/// use nps_core::case::{At, Case, Event};
/// use nps_core::period::{parse_tz, Period};
/// use nps_core::policy::Policy;
/// use nps_core::programme::{recovery_stats_by, StatsGrouping, StatsOptions};
/// let open = |id, at, dealer: &str| Case::new(id, Event::Opened { at: At(at), score: 5,
///     reason: "r".into(), high_value: false, public_opinion_risk: false,
///     dealer: Some(dealer.into()) });
/// // 2025-06-30 20:00 and 2025-07-01 09:00 in Shanghai.
/// let cases = [open("a", 1_751_284_800, "D1")?, open("b", 1_751_331_600, "D1")?];
/// let g = StatsGrouping { dealer: true, period: Some((Period::Month, parse_tz("Asia/Shanghai")?)) };
/// let rows = recovery_stats_by(&cases, &Policy::default(), &StatsOptions::default(), &g)?;
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows[0].period.as_deref(), Some("2025-06"));
/// assert_eq!(rows[1].stats.low_scores, 1);
/// assert_eq!(rows[1].stats.success_rate.value, Some(0.0)); // 0 of 1, not "no data"
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_by(
    cases: &[Case],
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
) -> Result<Vec<GroupStats>> {
    recovery_stats_by_keys(cases, policy, options, grouping, None)
}

/// [`recovery_stats_by`], also grouped by key columns the caller gives,
/// one key per case (e.g. the advisor or the region of each case, or
/// several columns at once with [`Keys::Multi`]): groups are period, then
/// dealer (when `grouping.dealer`), then key, each with its
/// [`GroupStats::key`]. `keys` `None` is [`recovery_stats_by`].
///
/// Errors as [`recovery_stats_by`], plus [`Error::LengthMismatch`] when a
/// key column does not have one row per case and
/// [`Error::InvalidArgument`] for a malformed [`Keys::Multi`].
///
/// ```
/// use nps_core::case::{At, Case, Event};
/// use nps_core::group::{GroupKey, Keys};
/// use nps_core::policy::Policy;
/// use nps_core::programme::{recovery_stats_by_keys, StatsGrouping, StatsOptions};
/// let open = |id, dealer: &str| Case::new(id, Event::Opened { at: At(0), score: 5,
///     reason: "r".into(), high_value: false, public_opinion_risk: false,
///     dealer: Some(dealer.into()) });
/// let cases = [open("a", "D1")?, open("b", "D1")?, open("c", "D2")?];
/// let advisor = [7u32, 8, 7];
/// let g = StatsGrouping { dealer: true, period: None };
/// let rows = recovery_stats_by_keys(&cases, &Policy::default(), &StatsOptions::default(), &g,
///     Some(Keys::U32(&advisor)))?;
/// assert_eq!(rows.len(), 3); // D1 × 7, D1 × 8, D2 × 7
/// assert_eq!((rows[1].dealer.as_deref(), &rows[1].key), (Some("D1"), &Some(GroupKey::UInt(8))));
/// // Without the dealer: by advisor only.
/// let rows = recovery_stats_by_keys(&cases, &Policy::default(), &StatsOptions::default(),
///     &StatsGrouping::default(), Some(Keys::U32(&advisor)))?;
/// assert_eq!(rows[0].stats.low_scores, 2);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn recovery_stats_by_keys(
    cases: &[Case],
    policy: &Policy,
    options: &StatsOptions,
    grouping: &StatsGrouping,
    keys: Option<Keys<'_>>,
) -> Result<Vec<GroupStats>> {
    if let Some(k) = &keys {
        Error::check_len("keys", k.len(), "cases", cases.len())?;
        k.check(cases.len())?;
    }
    // The grouping engine, with the dealer as two key columns (has one,
    // name) so that cases without a dealer form their own group, first;
    // then the caller's key columns.
    let dealers: Vec<Option<&str>> = cases
        .iter()
        .map(|c| c.state().dealer.as_deref().filter(|_| grouping.dealer))
        .collect();
    let has: Vec<u32> = dealers.iter().map(|d| u32::from(d.is_some())).collect();
    let names: Vec<&str> = dealers.iter().map(|d| d.unwrap_or("")).collect();
    let mut cols = vec![Keys::U32(&has), Keys::Str(&names)];
    let extra = match keys {
        Some(Keys::Multi(ks)) => {
            cols.extend_from_slice(ks);
            Some(true)
        }
        Some(k) => {
            cols.push(k);
            Some(false)
        }
        None => None,
    };
    let opened: Vec<i64> = cases.iter().map(Case::opened_at).collect();
    let tz = grouping.period.map(|(_, tz)| tz.name());
    let a = group::Grouping {
        keys: Some(Keys::Multi(&cols)),
        timestamps: Some(&opened),
        period: grouping.period.map(|(p, _)| p),
        tz,
    }
    .assign(cases.len())?;
    // Members by reference, with their positions in the input (for errors).
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); a.labels.len()];
    for (i, &g) in a.rows.iter().enumerate() {
        members[g as usize].push(i);
    }
    // Period first, then dealer (`None` first).
    let mut order: Vec<usize> = (0..a.labels.len()).collect();
    order.sort_by_key(|&i| (a.labels[i].1, &a.labels[i].0));
    order
        .into_iter()
        .map(|i| {
            let (key, start) = &a.labels[i];
            let parts: &[GroupKey] = match key {
                GroupKey::Tuple(k) => k,
                _ => &[],
            };
            let dealer = match parts {
                [GroupKey::UInt(1), name, ..] => Some(name.to_string()),
                _ => None,
            };
            let key = extra.map(|multi| {
                let rest = parts.get(2..).unwrap_or_default();
                match (multi, rest) {
                    (false, [k]) => k.clone(),
                    _ => GroupKey::Tuple(rest.to_vec()),
                }
            });
            Ok(GroupStats {
                period: start.zip(grouping.period).map(|(d, (per, _))| per.label(d)),
                dealer,
                key,
                stats: {
                    let group: Vec<Case> = members[i].iter().map(|&j| cases[j].clone()).collect();
                    recovery_stats(&group, policy, options).map_err(|e| match e {
                        Error::InCase { index, source, .. } => {
                            let j = members[i][index];
                            source.in_case(j, cases[j].id())
                        }
                        other => other,
                    })?
                },
            })
        })
        .collect()
}

/// An open case ranked by expected recovered value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedCase {
    /// Position of the case in the input.
    pub index: usize,
    /// Case id.
    pub case_id: String,
    /// Speed band used (index into `policy.recovery.success_by_speed`).
    pub band: usize,
    /// Its label.
    pub band_label: String,
    /// Success probability of the band.
    pub probability: f64,
    /// The caller's customer value.
    pub value: f64,
    /// probability × value.
    pub expected: f64,
}

/// Open (not closed by `now`) cases ranked by expected recovered value,
/// descending, ties by case id. The band is the one of the actual first
/// contact, or for a case not yet contacted the best band still reachable
/// at `now` (contacting at `now`). `values[i]` is case `i`'s customer
/// value (finite, ≥ 0, same length as `cases`).
///
/// ```
/// use nps_core::case::{At, Case, Event};
/// use nps_core::policy::Policy;
/// use nps_core::programme::rank_open_cases;
/// let open = |id, at| Case::new(id, Event::Opened { at: At(at), score: 3, reason: "r".into(),
///     high_value: false, public_opinion_risk: false, dealer: None });
/// let now = 100 * 3600;
/// // Opened 2 h ago: still reachable within 6 h (85 %); opened 30 h ago: 40 %.
/// let cases = [open("a", now - 2 * 3600)?, open("b", now - 30 * 3600)?];
/// let r = rank_open_cases(&cases, &[100.0, 300.0], &Policy::default(), now)?;
/// assert_eq!((r[0].case_id.as_str(), r[0].expected), ("b", 120.0));
/// assert_eq!((r[1].case_id.as_str(), r[1].probability), ("a", 0.85));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn rank_open_cases(
    cases: &[Case],
    values: &[f64],
    policy: &Policy,
    now: i64,
) -> Result<Vec<RankedCase>> {
    Error::check_len("values", values.len(), "cases", cases.len())?;
    let mut out = Vec::new();
    for (i, (c, &v)) in cases.iter().zip(values).enumerate() {
        if !v.is_finite() || v < 0.0 {
            return Err(Error::value(
                "values",
                i,
                "a customer value is finite and >= 0",
            ));
        }
        if c.state().closed.is_some_and(|x| x.1 <= now) {
            continue;
        }
        let s = c.state();
        let contact = s
            .contacted_at
            .filter(|&t| t <= now)
            .unwrap_or(now.max(s.opened_at));
        let band = speed_band(policy, s.opened_at, contact).map_err(|e| e.in_case(i, c.id()))?;
        let p = policy.recovery.success_by_speed[band].success;
        out.push(RankedCase {
            index: i,
            case_id: c.id().to_owned(),
            band,
            band_label: speed_label(policy, band),
            probability: p,
            value: v,
            expected: p * v,
        });
    }
    out.sort_by(|a, b| {
        b.expected
            .total_cmp(&a.expected)
            .then_with(|| a.case_id.cmp(&b.case_id))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{At, Event, PackageItem};
    use crate::money::Currency;
    use crate::policy::Layer;
    use crate::ErrorKind;

    fn case(id: &str, dealer: &str, currency: &str) -> Case {
        let mut c = Case::new(
            id,
            Event::Opened {
                at: At(0),
                score: 3,
                reason: "r".into(),
                high_value: false,
                public_opinion_risk: false,
                dealer: Some(dealer.into()),
            },
        )
        .unwrap();
        c.apply(Event::Acknowledged { at: At(60) }).unwrap();
        c.apply(Event::Contacted {
            at: At(120),
            channel: Channel::Phone,
        })
        .unwrap();
        c.apply(Event::SolutionProposed {
            at: At(180),
            items: vec![PackageItem {
                value: 10_000,
                currency: Currency::from_code(currency).unwrap(),
                layer: Layer::LossCompensation,
            }],
        })
        .unwrap();
        c.apply(Event::SolutionAccepted { at: At(240) }).unwrap();
        c
    }

    /// Issue 10 (4): a USD package on a CNY policy is refused by
    /// `apply_for` and by `apply` once the case has CNY packages; a batch
    /// with such a case names it (position and id) instead of failing
    /// anonymously with "mixed currencies".
    #[test]
    fn one_bad_case_is_named_not_anonymous() {
        let p = Policy::default();
        let usd = |at| Event::SolutionProposed {
            at: At(at),
            items: vec![PackageItem {
                value: 10_000,
                currency: Currency::from_code("USD").unwrap(),
                layer: Layer::LossCompensation,
            }],
        };
        let mut good = case("good", "D1", "CNY");
        let before = good.clone();
        let e = good.apply(usd(300)).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidEvent, Some(5)));
        assert!(
            e.to_string().contains("USD") && e.to_string().contains("CNY"),
            "{e}"
        );
        assert_eq!(good, before);
        let e = good.apply_for(usd(300), &p).unwrap_err();
        assert_eq!((e.kind(), e.index()), (ErrorKind::InvalidEvent, Some(5)));
        assert_eq!(good, before);

        // A case whose only package is in USD: accepted by `apply` (the
        // case knows no policy), then named by every batch function.
        let bad = case("bad-7", "D2", "USD");
        let e = bad.status(&p, 1000).unwrap_err();
        assert!(!e.to_string().contains("mixed"), "{e}");
        assert!(e.to_string().contains("policy currency is CNY"), "{e}");
        let cases = [good.clone(), case("ok-2", "D2", "CNY"), bad.clone()];
        let e = recovery_stats(&cases, &p, &StatsOptions::default()).unwrap_err();
        assert_eq!(e.case().map(|(i, id, _)| (i, id)), Some((2, "bad-7")));
        assert_eq!(e.index(), Some(2));
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().starts_with("case #2 `bad-7`"), "{e}");
        let g = StatsGrouping {
            dealer: true,
            period: None,
        };
        let e = recovery_stats_by(&cases, &p, &StatsOptions::default(), &g).unwrap_err();
        assert_eq!(e.case().map(|(i, id, _)| (i, id)), Some((2, "bad-7")));
        let mut no_bands = p.clone();
        no_bands.recovery.success_by_speed.clear();
        let e = rank_open_cases(&cases, &[1.0; 3], &no_bands, 1000).unwrap_err();
        assert_eq!(e.case().map(|(i, id, _)| (i, id)), Some((0, "good")));
    }
}
