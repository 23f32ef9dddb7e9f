//! Rate KPIs (SPEC §6): a flag column over eligible rows.

use serde::{Deserialize, Serialize};

use super::partial::Source;
use super::{check_opt_ts_col, check_ts_col, table, Grouping, Kpi, KpiTable, Parts};
use crate::error::{Error, Result};

/// The named rate KPIs of SPEC §6: one registry, so that every binding
/// reaches them by the same name. [`name`](RateKpi::name) is also the name
/// of the policy benchmark the scorecard looks up.
///
/// ```
/// use nps_core::kpi::{Grouping, RateKpi};
/// let k = RateKpi::from_name("repeat_visit_rate")?;
/// assert_eq!(k, RateKpi::RepeatVisit);
/// assert_eq!(k.name(), "repeat_visit_rate");
/// let t = k.of_flags(&[true, false], None, &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.5));
/// assert!(RateKpi::from_name("nps").is_err());
/// # Ok::<(), nps_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateKpi {
    /// [`first_time_fix_rate`](super::first_time_fix_rate) (jobs).
    FirstTimeFix,
    /// [`comeback_rate`](super::comeback_rate) (jobs).
    Comeback,
    /// [`repeat_complaint_rate`](super::repeat_complaint_rate) (complaints).
    RepeatComplaint,
    /// [`ready_when_promised`] (delivered, promised).
    ReadyWhenPromised,
    /// [`appointment_fulfillment_rate`] (a flag per booked appointment).
    AppointmentFulfillment,
    /// [`pre_service_inspection_rate`] (a flag per reception).
    PreServiceInspection,
    /// [`follow_up_completion_rate`] (service end, follow-up).
    FollowUpCompletion,
    /// [`repeat_visit_rate`] (a flag per follow-up).
    RepeatVisit,
    /// [`first_contact_resolution_rate`] (a flag per resolved request, eligible = resolved).
    FirstContactResolution,
    /// [`csat`] (ratings).
    Csat,
    /// [`diagnosis_accuracy`](super::diagnosis_accuracy) (jobs and their
    /// operations; counts episodes).
    DiagnosisAccuracy,
    /// [`visits_per_resolution`](super::visits_per_resolution) (jobs;
    /// visits / resolved episodes: a mean, not a share).
    VisitsPerResolution,
}

impl RateKpi {
    /// Every named rate KPI.
    pub const ALL: [RateKpi; 12] = [
        RateKpi::FirstTimeFix,
        RateKpi::Comeback,
        RateKpi::RepeatComplaint,
        RateKpi::ReadyWhenPromised,
        RateKpi::AppointmentFulfillment,
        RateKpi::PreServiceInspection,
        RateKpi::FollowUpCompletion,
        RateKpi::RepeatVisit,
        RateKpi::FirstContactResolution,
        RateKpi::Csat,
        RateKpi::DiagnosisAccuracy,
        RateKpi::VisitsPerResolution,
    ];

    /// The KPI's name, also its benchmark's name in the policy.
    pub fn name(self) -> &'static str {
        match self {
            RateKpi::FirstTimeFix => "first_time_fix_rate",
            RateKpi::Comeback => "comeback_rate",
            RateKpi::RepeatComplaint => "repeat_complaint_rate",
            RateKpi::ReadyWhenPromised => "ready_when_promised",
            RateKpi::AppointmentFulfillment => "appointment_fulfillment_rate",
            RateKpi::PreServiceInspection => "pre_service_inspection_rate",
            RateKpi::FollowUpCompletion => "follow_up_completion_rate",
            RateKpi::RepeatVisit => "repeat_visit_rate",
            RateKpi::FirstContactResolution => "first_contact_resolution_rate",
            RateKpi::Csat => "csat",
            RateKpi::DiagnosisAccuracy => "diagnosis_accuracy",
            RateKpi::VisitsPerResolution => "visits_per_resolution",
        }
    }

    /// The KPI of a [`name`](RateKpi::name); anything else is
    /// [`Error::InvalidArgument`] naming `kpi`.
    pub fn from_name(name: &str) -> Result<RateKpi> {
        RateKpi::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| Error::arg("kpi", format!("unknown rate KPI `{name}`")))
    }

    /// The name of the policy benchmark the scorecard judges it by (the
    /// KPI's own name; the default policy may have none, e.g. `csat`).
    pub fn benchmark(self) -> &'static str {
        self.name()
    }

    /// True for the KPIs computed from one flag column (and, for
    /// first-contact resolution, an eligibility column).
    pub fn is_flag_rate(self) -> bool {
        matches!(
            self,
            RateKpi::AppointmentFulfillment
                | RateKpi::PreServiceInspection
                | RateKpi::RepeatVisit
                | RateKpi::FirstContactResolution
        )
    }

    /// A flag-column KPI ([`is_flag_rate`](RateKpi::is_flag_rate)):
    /// `flags` / eligible rows. First-contact resolution needs `eligible`
    /// (the resolved requests); the others take every row and reject an
    /// `eligible` column. Other KPIs need their own columns:
    /// [`Error::InvalidArgument`] naming `kpi`.
    pub fn of_flags(
        self,
        flags: &[bool],
        eligible: Option<&[bool]>,
        grouping: &Grouping<'_>,
    ) -> Result<KpiTable> {
        match (self, eligible) {
            (RateKpi::FirstContactResolution, Some(e)) => {
                first_contact_resolution_rate(flags, e, grouping)
            }
            (RateKpi::FirstContactResolution, None) => Err(Error::arg(
                "eligible",
                "first_contact_resolution_rate needs the resolved column",
            )),
            (k, None) if k.is_flag_rate() => flag_rate(Source::of(k), flags, None, grouping),
            (k, Some(_)) if k.is_flag_rate() => Err(Error::arg(
                "eligible",
                format!("{} takes every row", k.name()),
            )),
            (k, _) => Err(Error::arg(
                "kpi",
                format!("{} is not computed from a flag column", k.name()),
            )),
        }
    }
}

/// Options of [`follow_up_completion_rate`].
///
/// Default: `window_seconds` 3 days (259 200 s,
/// [`FollowUpOptions::DEFAULT_WINDOW_DAYS`]; SPEC §4's follow-up within
/// 3 days). [`validate`](FollowUpOptions::validate): `window_seconds >= 0`.
///
/// ```
/// use nps_core::kpi::FollowUpOptions;
/// assert_eq!(FollowUpOptions::default().window_seconds, 3 * 86_400);
/// assert!(FollowUpOptions { window_seconds: -1 }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowUpOptions {
    /// A follow-up counts when `0 <= follow_up − service_end <= window_seconds`.
    pub window_seconds: i64,
}

impl FollowUpOptions {
    /// The default follow-up window in days: 3.
    pub const DEFAULT_WINDOW_DAYS: u32 = 3;

    /// The options with a window of `days` days (fractions allowed, rounded
    /// to the second). A day count that is not finite or gives a window
    /// outside `0..=`[`MAX_WINDOW_SECONDS`](super::MAX_WINDOW_SECONDS) is
    /// [`Error::InvalidArgument`](crate::Error) naming `window_days`.
    ///
    /// ```
    /// use nps_core::kpi::FollowUpOptions;
    /// assert_eq!(FollowUpOptions::window_days(1.5)?.window_seconds, 129_600);
    /// assert_eq!(FollowUpOptions::window_days(f64::NAN).unwrap_err().argument(), Some("window_days"));
    /// assert!(FollowUpOptions::window_days(-1.0).is_err());
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn window_days(days: f64) -> Result<FollowUpOptions> {
        let seconds = days * 86_400.0;
        let max = super::MAX_WINDOW_SECONDS as f64;
        if !(0.0..=max).contains(&seconds) {
            return Err(crate::error::Error::arg(
                "window_days",
                format!(
                    "must be a finite number of days in 0..={}, got {days}",
                    max / 86_400.0
                ),
            ));
        }
        Ok(FollowUpOptions {
            window_seconds: seconds.round() as i64,
        })
    }

    /// Checks `window_seconds` in `0..=`[`MAX_WINDOW_SECONDS`](super::MAX_WINDOW_SECONDS).
    pub fn validate(&self) -> Result<()> {
        super::check_window(self.window_seconds)?;
        Ok(())
    }
}

impl Default for FollowUpOptions {
    fn default() -> FollowUpOptions {
        FollowUpOptions {
            window_seconds: i64::from(FollowUpOptions::DEFAULT_WINDOW_DAYS) * 86_400,
        }
    }
}

/// Options of [`csat`].
///
/// Default: `satisfied_min` 4 (the 4s and 5s of a 1–5 scale are satisfied).
/// [`validate`](CsatOptions::validate): `satisfied_min` finite.
///
/// ```
/// use nps_core::kpi::CsatOptions;
/// assert_eq!(CsatOptions::default().satisfied_min, 4.0);
/// let bad = CsatOptions { satisfied_min: f64::NAN };
/// assert_eq!(bad.validate().unwrap_err().argument(), Some("satisfied_min"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CsatOptions {
    /// A rating `>= satisfied_min` is satisfied.
    pub satisfied_min: f64,
}

impl Default for CsatOptions {
    fn default() -> CsatOptions {
        CsatOptions { satisfied_min: 4.0 }
    }
}

impl CsatOptions {
    /// Checks that `satisfied_min` is finite.
    pub fn validate(&self) -> Result<()> {
        if !self.satisfied_min.is_finite() {
            return Err(Error::arg("satisfied_min", "must be finite"));
        }
        Ok(())
    }
}

/// The generic rate: rows with `flags[i]` / eligible rows (`eligible[i]`,
/// every row when `None`). Coverage = eligible rows / rows.
///
/// ```
/// use nps_core::kpi::{rate, Grouping};
/// let t = rate(&[true, false, true, false], Some(&[true, true, true, false]), &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(2.0 / 3.0));
/// assert_eq!(t.overall.coverage, Some(0.75));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn rate(
    flags: &[bool],
    eligible: Option<&[bool]>,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    flag_rate(Source::rate(), flags, eligible, grouping)
}

/// [`rate`] as the KPI `source` (what a merge checks).
fn flag_rate(
    source: Source,
    flags: &[bool],
    eligible: Option<&[bool]>,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    if let Some(e) = eligible {
        Error::check_len("eligible", e.len(), "flags", flags.len())?;
    }
    let parts: Vec<Parts> = flags
        .iter()
        .enumerate()
        .map(|(i, &f)| {
            let e = eligible.is_none_or(|e| e[i]);
            Parts {
                num: u64::from(e && f),
                den: u64::from(e),
                used: u64::from(e),
                rows: 1,
            }
        })
        .collect();
    table(&parts, grouping, source, None)
}

/// Ready when promised: ROs delivered by the promised time (inclusive) /
/// ROs with a promise (`promised[i] == None`: no promise, left out).
///
/// ```
/// use nps_core::kpi::{ready_when_promised, Grouping};
/// let t = ready_when_promised(&[100, 200, 300], &[Some(100), Some(150), None], &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn ready_when_promised(
    delivered: &[i64],
    promised: &[Option<i64>],
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    Error::check_len("promised", promised.len(), "delivered", delivered.len())?;
    check_ts_col("delivered", delivered)?;
    check_opt_ts_col("promised", promised)?;
    let flags: Vec<bool> = delivered
        .iter()
        .zip(promised)
        .map(|(&d, p)| p.is_some_and(|p| d <= p))
        .collect();
    let eligible: Vec<bool> = promised.iter().map(Option::is_some).collect();
    flag_rate(
        Source::of(RateKpi::ReadyWhenPromised),
        &flags,
        Some(&eligible),
        grouping,
    )
}

/// Appointment fulfillment rate: appointments kept / booked (one row per
/// booked appointment).
pub fn appointment_fulfillment_rate(kept: &[bool], grouping: &Grouping<'_>) -> Result<KpiTable> {
    flag_rate(
        Source::of(RateKpi::AppointmentFulfillment),
        kept,
        None,
        grouping,
    )
}

/// Pre-service inspection rate: walk-around inspections / receptions (one
/// row per reception).
pub fn pre_service_inspection_rate(
    inspected: &[bool],
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    flag_rate(
        Source::of(RateKpi::PreServiceInspection),
        inspected,
        None,
        grouping,
    )
}

/// Follow-up completion rate: services followed up within the window
/// of the service end (`0 <= follow_up − service_end <= window`) / services.
/// `follow_up[i] == None`: no call made. Window: [`FollowUpOptions`]
/// (default 3 days). Benchmark `follow_up_completion_rate` (100 %).
///
/// ```
/// use nps_core::kpi::{follow_up_completion_rate, FollowUpOptions, Grouping};
/// let day = 86_400;
/// let t = follow_up_completion_rate(&[0, 0, 0], &[Some(day), Some(5 * day), None],
///                                   &FollowUpOptions::default(), &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(1.0 / 3.0));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn follow_up_completion_rate(
    service_end: &[i64],
    follow_up: &[Option<i64>],
    options: &FollowUpOptions,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    let window_seconds = options.window_seconds;
    Error::check_len(
        "follow_up",
        follow_up.len(),
        "service_end",
        service_end.len(),
    )?;
    check_ts_col("service_end", service_end)?;
    check_opt_ts_col("follow_up", follow_up)?;
    options.validate()?;
    let flags: Vec<bool> = service_end
        .iter()
        .zip(follow_up)
        .map(|(&e, f)| f.is_some_and(|f| (0..=window_seconds).contains(&(f.saturating_sub(e)))))
        .collect();
    flag_rate(Source::follow_up(options), &flags, None, grouping)
}

/// Repeat-visit rate: visits booked through follow-up / follow-ups (one row
/// per follow-up). Benchmark `repeat_visit_rate` (≥ 30 %).
pub fn repeat_visit_rate(booked: &[bool], grouping: &Grouping<'_>) -> Result<KpiTable> {
    flag_rate(Source::of(RateKpi::RepeatVisit), booked, None, grouping)
}

/// First-contact (first-visit) resolution: requests resolved with no
/// further contact / requests resolved (`resolved[i] == false` rows are
/// left out).
pub fn first_contact_resolution_rate(
    no_further_contact: &[bool],
    resolved: &[bool],
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    flag_rate(
        Source::of(RateKpi::FirstContactResolution),
        no_further_contact,
        Some(resolved),
        grouping,
    )
}

/// CSAT: satisfied ratings (`rating >= satisfied_min`, [`CsatOptions`],
/// default 4) / ratings. Ratings must be finite.
///
/// ```
/// use nps_core::kpi::{csat, CsatOptions, Grouping};
/// let t = csat(&[5.0, 4.0, 2.0, 3.0], &CsatOptions::default(), &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn csat(ratings: &[f64], options: &CsatOptions, grouping: &Grouping<'_>) -> Result<KpiTable> {
    options.validate()?;
    let satisfied_min = options.satisfied_min;
    if let Some(i) = ratings.iter().position(|r| !r.is_finite()) {
        return Err(Error::value("ratings", i, "a rating must be finite"));
    }
    let flags: Vec<bool> = ratings.iter().map(|&r| r >= satisfied_min).collect();
    flag_rate(Source::csat(options), &flags, None, grouping)
}

/// Service revenue per engineer: revenue (minor units: parts, extended
/// warranty, paid services) / engineers. No data with 0 engineers.
///
/// ```
/// use nps_core::kpi::service_revenue_per_engineer;
/// assert_eq!(service_revenue_per_engineer(&[1000, 2000], 3)?.value, Some(1000.0));
/// assert_eq!(service_revenue_per_engineer(&[1000], 0)?.value, None);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn service_revenue_per_engineer(revenue_minor: &[i64], engineers: u32) -> Result<Kpi> {
    super::check_minor("revenue_minor", "revenue", revenue_minor)?;
    let sum: i128 = revenue_minor.iter().map(|&r| i128::from(r)).sum();
    Ok(Kpi::ratio(
        sum as f64,
        f64::from(engineers),
        (!revenue_minor.is_empty()).then_some(1.0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_round_trips() {
        for k in RateKpi::ALL {
            assert_eq!(RateKpi::from_name(k.name()).unwrap(), k);
            assert_eq!(k.benchmark(), k.name());
        }
        assert_eq!(
            RateKpi::from_name("bogus").unwrap_err().argument(),
            Some("kpi")
        );
        let g = Grouping::default();
        assert!(RateKpi::Csat.of_flags(&[true], None, &g).is_err());
        assert!(RateKpi::FirstContactResolution
            .of_flags(&[true], None, &g)
            .is_err());
        assert!(RateKpi::RepeatVisit
            .of_flags(&[true], Some(&[true]), &g)
            .is_err());
    }

    #[test]
    fn option_defaults_and_validation() {
        assert_eq!(FollowUpOptions::default().window_seconds, 259_200);
        assert!(FollowUpOptions {
            window_seconds: i64::MAX
        }
        .validate()
        .is_err());
        assert_eq!(
            FollowUpOptions { window_seconds: -1 }
                .validate()
                .unwrap_err()
                .argument(),
            Some("window_seconds")
        );
        assert_eq!(CsatOptions::default().satisfied_min, 4.0);
        assert!(CsatOptions {
            satisfied_min: f64::INFINITY
        }
        .validate()
        .is_err());
    }
}
