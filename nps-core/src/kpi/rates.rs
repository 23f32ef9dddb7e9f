//! Rate KPIs (SPEC §6): a flag column over eligible rows.

use serde::{Deserialize, Serialize};

use super::partial::Source;
use super::{check_opt_ts_col, check_ts_col, table_of_cells, Grouping, Kpi, KpiTable, Parts};
use crate::error::{Error, Result};
use crate::group::Cells;
use crate::score::ScoreValue;

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

/// Options of [`follow_up_completion_rate`]: the follow-up window, as two
/// bounds after the service end.
///
/// Default: 3 to 7 days (`earliest_seconds` 259 200, `latest_seconds`
/// 604 800; [`FollowUpOptions::DEFAULT_EARLIEST_DAYS`],
/// [`FollowUpOptions::DEFAULT_LATEST_DAYS`]): the source's satisfaction
/// call "in the 3–7 days after the service" (its follow-up call comes 3
/// days after). The same two numbers are the default follow-up window of
/// a recovery case ([`FollowUpWindow`](crate::policy::FollowUpWindow)).
///
/// [`validate`](FollowUpOptions::validate): `0 <= earliest_seconds <=
/// latest_seconds <=` [`MAX_WINDOW_SECONDS`](super::MAX_WINDOW_SECONDS),
/// an error naming the field otherwise.
///
/// ```
/// use nps_core::kpi::FollowUpOptions;
/// let o = FollowUpOptions::default();
/// assert_eq!((o.earliest_seconds, o.latest_seconds), (3 * 86_400, 7 * 86_400));
/// let early_after_late = FollowUpOptions { earliest_seconds: 8 * 86_400, ..o };
/// assert_eq!(early_after_late.validate().unwrap_err().argument(), Some("latest_seconds"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FollowUpOptions {
    /// The earliest follow-up that counts, seconds after the service end
    /// (inclusive). A call before it is too early: the customer has not
    /// driven the car yet, so the service is not followed up.
    pub earliest_seconds: i64,
    /// The latest follow-up that counts, seconds after the service end
    /// (inclusive).
    pub latest_seconds: i64,
}

impl FollowUpOptions {
    /// The default earliest follow-up, days after the service: 3.
    pub const DEFAULT_EARLIEST_DAYS: u32 = 3;

    /// The default latest follow-up, days after the service: 7.
    pub const DEFAULT_LATEST_DAYS: u32 = 7;

    /// The options of a window from `earliest` to `latest` days after the
    /// service end (fractions allowed, rounded to the second). A day count
    /// that is not finite or gives a bound outside
    /// `0..=`[`MAX_WINDOW_SECONDS`](super::MAX_WINDOW_SECONDS) is
    /// [`Error::InvalidArgument`](crate::Error) naming `earliest_days` or
    /// `latest_days`; so is `latest < earliest` (naming `latest_days`).
    ///
    /// ```
    /// use nps_core::kpi::FollowUpOptions;
    /// let o = FollowUpOptions::window_days(1.5, 7.0)?;
    /// assert_eq!((o.earliest_seconds, o.latest_seconds), (129_600, 604_800));
    /// assert_eq!(FollowUpOptions::window_days(f64::NAN, 7.0).unwrap_err().argument(),
    ///            Some("earliest_days"));
    /// assert_eq!(FollowUpOptions::window_days(3.0, 2.0).unwrap_err().argument(),
    ///            Some("latest_days"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn window_days(earliest: f64, latest: f64) -> Result<FollowUpOptions> {
        let seconds = |name: &'static str, days: f64| -> Result<i64> {
            let s = days * 86_400.0;
            let max = super::MAX_WINDOW_SECONDS as f64;
            if !(0.0..=max).contains(&s) {
                return Err(Error::arg(
                    name,
                    format!(
                        "must be a finite number of days in 0..={}, got {days}",
                        max / 86_400.0
                    ),
                ));
            }
            Ok(s.round() as i64)
        };
        let o = FollowUpOptions {
            earliest_seconds: seconds("earliest_days", earliest)?,
            latest_seconds: seconds("latest_days", latest)?,
        };
        if o.latest_seconds < o.earliest_seconds {
            return Err(Error::arg(
                "latest_days",
                format!("the window ends before it starts: latest {latest} < earliest {earliest}"),
            ));
        }
        Ok(o)
    }

    /// Checks `0 <= earliest_seconds <= latest_seconds <=`
    /// [`MAX_WINDOW_SECONDS`](super::MAX_WINDOW_SECONDS); the error names
    /// the field at fault (`latest_seconds` when the window ends before it
    /// starts).
    pub fn validate(&self) -> Result<()> {
        for (name, s) in [
            ("earliest_seconds", self.earliest_seconds),
            ("latest_seconds", self.latest_seconds),
        ] {
            if !(0..=super::MAX_WINDOW_SECONDS).contains(&s) {
                return Err(Error::arg(
                    name,
                    format!(
                        "must be in 0..={} (MAX_WINDOW_SECONDS), got {s}",
                        super::MAX_WINDOW_SECONDS
                    ),
                ));
            }
        }
        if self.latest_seconds < self.earliest_seconds {
            return Err(Error::arg(
                "latest_seconds",
                format!(
                    "the window ends before it starts: {} < earliest_seconds {}",
                    self.latest_seconds, self.earliest_seconds
                ),
            ));
        }
        Ok(())
    }

    /// Whether a follow-up `elapsed` seconds after the service end is in
    /// the window: `earliest_seconds <= elapsed <= latest_seconds`.
    pub fn counts(&self, elapsed: i64) -> bool {
        (self.earliest_seconds..=self.latest_seconds).contains(&elapsed)
    }
}

impl Default for FollowUpOptions {
    fn default() -> FollowUpOptions {
        FollowUpOptions {
            earliest_seconds: i64::from(FollowUpOptions::DEFAULT_EARLIEST_DAYS) * 86_400,
            latest_seconds: i64::from(FollowUpOptions::DEFAULT_LATEST_DAYS) * 86_400,
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
    match eligible {
        // Categories: 0 not flagged, 1 flagged.
        None => table_of_cells(
            flags.len(),
            &Flags(flags),
            |c| {
                let den = c[0] + c[1];
                Parts {
                    num: c[1],
                    den,
                    used: den,
                    rows: den,
                }
            },
            grouping,
            source,
        ),
        // Categories: 0 not eligible, 1 eligible, 2 eligible and flagged.
        Some(e) => table_of_cells(
            flags.len(),
            &EligibleFlags(flags, e),
            |c| {
                let den = c[1] + c[2];
                Parts {
                    num: c[2],
                    den,
                    used: den,
                    rows: c[0] + den,
                }
            },
            grouping,
            source,
        ),
    }
}

/// A flag per row: category 1 when flagged.
struct Flags<'a>(&'a [bool]);
impl Cells for Flags<'_> {
    fn cats(&self) -> usize {
        2
    }
    #[inline(always)]
    fn fill(&self, start: usize, out: &mut [u32]) {
        let f = &self.0[start..start + out.len()];
        for (o, &f) in out.iter_mut().zip(f) {
            *o = *o * 2 + u32::from(f);
        }
    }
}

/// A flag and an eligibility per row: 0 not eligible, 1 eligible, 2
/// eligible and flagged.
struct EligibleFlags<'a>(&'a [bool], &'a [bool]);
impl Cells for EligibleFlags<'_> {
    fn cats(&self) -> usize {
        3
    }
    #[inline(always)]
    fn fill(&self, start: usize, out: &mut [u32]) {
        let n = out.len();
        let (f, e) = (&self.0[start..start + n], &self.1[start..start + n]);
        for ((o, &f), &e) in out.iter_mut().zip(f).zip(e) {
            *o = *o * 3 + u32::from(e) * (1 + u32::from(f));
        }
    }
}

/// Satisfied ratings (`>= satisfied_min`): category 1.
struct Satisfied<'a, T>(&'a [T], f64);
impl<T: ScoreValue> Cells for Satisfied<'_, T> {
    fn cats(&self) -> usize {
        2
    }
    #[inline(always)]
    fn fill(&self, start: usize, out: &mut [u32]) {
        let r = &self.0[start..start + out.len()];
        for (o, &r) in out.iter_mut().zip(r) {
            *o = *o * 2 + u32::from(r.to_report() >= self.1);
        }
    }
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

/// Follow-up completion rate: services followed up in the window / services
/// due a follow-up. A service counts as followed up when its follow-up came
/// `earliest_seconds <= follow_up − service_end <= latest_seconds` after
/// the service end ([`FollowUpOptions`], default 3 to 7 days, both
/// inclusive). `follow_up[i] == None`: no call made. A call **before the
/// earliest bound is too early** and one after the latest too late: neither
/// completes the follow-up (the row stays in the denominator).
///
/// `excluded` (optional, one flag per row): services that need no
/// follow-up — the source skips the call "when the problem is marked
/// resolved". An excluded row is left out of the numerator and the
/// denominator, whatever its follow-up; the coverage (services judged /
/// rows) shows how many were excluded. Benchmark
/// `follow_up_completion_rate` (100 %).
///
/// ```
/// use nps_core::kpi::{follow_up_completion_rate, FollowUpOptions, Grouping};
/// let day = 86_400;
/// // Called on day 2 (too early), day 3, day 7, day 8 (too late); the last
/// // service was marked resolved: no call due.
/// let t = follow_up_completion_rate(
///     &[0; 5],
///     &[Some(2 * day), Some(3 * day), Some(7 * day), Some(8 * day), None],
///     Some(&[false, false, false, false, true]),
///     &FollowUpOptions::default(),
///     &Grouping::default(),
/// )?;
/// assert_eq!((t.overall.numerator, t.overall.denominator), (2.0, 4.0));
/// assert_eq!(t.overall.coverage, Some(0.8));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn follow_up_completion_rate(
    service_end: &[i64],
    follow_up: &[Option<i64>],
    excluded: Option<&[bool]>,
    options: &FollowUpOptions,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    Error::check_len(
        "follow_up",
        follow_up.len(),
        "service_end",
        service_end.len(),
    )?;
    if let Some(x) = excluded {
        Error::check_len("excluded", x.len(), "service_end", service_end.len())?;
    }
    check_ts_col("service_end", service_end)?;
    check_opt_ts_col("follow_up", follow_up)?;
    options.validate()?;
    // Both instants are checked timestamps: the difference cannot overflow.
    let flags: Vec<bool> = service_end
        .iter()
        .zip(follow_up)
        .map(|(&e, f)| f.is_some_and(|f| options.counts(f - e)))
        .collect();
    let due: Option<Vec<bool>> = excluded.map(|x| x.iter().map(|&x| !x).collect());
    flag_rate(Source::follow_up(options), &flags, due.as_deref(), grouping)
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
/// default 4) / ratings. Ratings must be finite. The ratings may be of any
/// numeric type (`f64`, or the integers of a 1–5 scale, read in place);
/// each is compared as `f64`.
///
/// ```
/// use nps_core::kpi::{csat, CsatOptions, Grouping};
/// let t = csat(&[5.0, 4.0, 2.0, 3.0], &CsatOptions::default(), &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn csat<T: ScoreValue>(
    ratings: &[T],
    options: &CsatOptions,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    options.validate()?;
    if let Some(i) = first_not_finite(ratings) {
        return Err(Error::value("ratings", i, "a rating must be finite"));
    }
    table_of_cells(
        ratings.len(),
        &Satisfied(ratings, options.satisfied_min),
        |c| {
            let n = c[0] + c[1];
            Parts {
                num: c[1],
                den: n,
                used: n,
                rows: n,
            }
        },
        grouping,
        Source::csat(options),
    )
}

/// The first value that is not finite (none in an integer column).
fn first_not_finite<T: ScoreValue>(v: &[T]) -> Option<usize> {
    // A branch-free scan per block (vectorised), then the row.
    v.chunks(1024)
        .position(|b| !b.iter().fold(true, |ok, x| ok & x.to_report().is_finite()))
        .and_then(|b| {
            v[b * 1024..]
                .iter()
                .position(|x| !x.to_report().is_finite())
                .map(|i| b * 1024 + i)
        })
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
    use crate::kpi::forms::{self, Rng};
    use crate::kpi::table_of;

    /// The straightforward per-row rate: every row assigned a group by the
    /// engine, then its parts added to its group's.
    fn per_row(
        source: Source,
        flags: &[bool],
        eligible: Option<&[bool]>,
        g: &Grouping<'_>,
    ) -> Result<KpiTable> {
        if let Some(e) = eligible {
            Error::check_len("eligible", e.len(), "flags", flags.len())?;
        }
        let part = |i: usize| {
            let e = eligible.is_none_or(|e| e[i]);
            Parts {
                num: u64::from(e && flags[i]),
                den: u64::from(e),
                used: u64::from(e),
                rows: 1,
            }
        };
        table_of(flags.len(), part, g, source, None)
    }

    /// The per-row CSAT: each rating a flag first.
    fn csat_per_row(ratings: &[f64], o: &CsatOptions, g: &Grouping<'_>) -> Result<KpiTable> {
        o.validate()?;
        if let Some(i) = ratings.iter().position(|r| !r.is_finite()) {
            return Err(Error::value("ratings", i, "a rating must be finite"));
        }
        let flags: Vec<bool> = ratings.iter().map(|&r| r >= o.satisfied_min).collect();
        per_row(Source::csat(o), &flags, None, g)
    }

    /// The fused kernels (flags, flags with eligibility, CSAT of floats and
    /// of integers) equal the per-row implementations for every key form,
    /// with groups that have no eligible row, with rows across threads
    /// (600,000 rows: two parts of counters added up), and without rows.
    #[test]
    fn fused_rates_equal_per_row_sums() {
        for (n, seed) in [
            (0usize, 1u64),
            (1, 2),
            (3_000, 3),
            (60_000, 4),
            (600_000, 5),
        ] {
            let mut rng = Rng(seed);
            let flags: Vec<bool> = (0..n).map(|_| rng.below(10) < 7).collect();
            let coin: Vec<bool> = (0..n).map(|_| rng.below(10) < 9).collect();
            let stars: Vec<u8> = (0..n).map(|_| 1 + rng.below(5) as u8).collect();
            let halves: Vec<f64> = (0..n).map(|_| rng.below(11) as f64 / 2.0).collect();
            let o = CsatOptions::default();
            let half = CsatOptions { satisfied_min: 3.5 };
            forms::each(n, seed, |name, dealer, g| {
                if n == 600_000 && !matches!(name, "u32 month" | "none" | "coded quarter") {
                    return;
                }
                // Dealers ending in 0 have no eligible row: their groups
                // stay, with no data.
                let eligible: Vec<bool> = coin
                    .iter()
                    .zip(dealer)
                    .map(|(&c, &d)| c && d % 10 != 0)
                    .collect();
                let src = Source::rate();
                assert_eq!(
                    rate(&flags, Some(&eligible), g),
                    per_row(src, &flags, Some(&eligible), g),
                    "{name} n {n}"
                );
                assert_eq!(
                    rate(&flags, None, g),
                    per_row(src, &flags, None, g),
                    "{name}"
                );
                let f: Vec<f64> = stars.iter().map(|&s| f64::from(s)).collect();
                let want = csat_per_row(&f, &o, g);
                assert_eq!(csat(&stars, &o, g), want, "{name}");
                assert_eq!(csat(&f, &o, g), want, "{name}");
                assert_eq!(
                    csat(&halves, &half, g),
                    csat_per_row(&halves, &half, g),
                    "{name}"
                );
            });
        }
    }

    /// Bad input: the same typed errors, naming the same column and row,
    /// as the per-row implementations.
    #[test]
    fn fused_rates_fail_as_per_row() {
        use crate::group::{Codes, Keys};
        use crate::period::Period;
        let n = 5_000;
        let mut rng = Rng(9);
        let flags: Vec<bool> = (0..n).map(|_| rng.below(2) == 0).collect();
        let dealer: Vec<u32> = (0..n).map(|_| rng.below(50) as u32).collect();
        let mut ts: Vec<i64> = (0..n).map(|i| 1_700_000_000 + i as i64 * 600).collect();
        ts[4_321] = i64::MIN; // NaT
        ts[4_400] = i64::MAX;
        let mut ratings: Vec<f64> = (0..n).map(|i| (i % 5 + 1) as f64).collect();
        ratings[3_333] = f64::NAN;
        ratings[4_000] = f64::INFINITY;
        let mut codes: Vec<u8> = (0..n).map(|i| (i % 3) as u8).collect();
        codes[2_222] = 7;
        let labels = ["a", "b", "c"];
        let ok_ts: Vec<i64> = (0..n).map(|i| 1_700_000_000 + i as i64).collect();
        let g = |keys, ts, period, tz| Grouping {
            keys,
            timestamps: ts,
            period,
            tz,
        };
        let month = Some(Period::Month);
        let groupings = [
            g(Some(Keys::U32(&dealer)), Some(&ts), month, None),
            g(Some(Keys::U32(&dealer[..10])), None, None, None),
            g(None, Some(&ok_ts[..10]), month, None),
            g(None, Some(&ok_ts), month, Some("Mars/Base")),
            g(None, None, month, None),
            g(
                Some(Keys::Coded {
                    codes: Codes::U8(&codes),
                    labels: &labels,
                }),
                None,
                None,
                None,
            ),
            g(Some(Keys::U32(&dealer)), Some(&ok_ts), month, None),
        ];
        let o = CsatOptions::default();
        for (i, g) in groupings.iter().enumerate() {
            let want = per_row(Source::rate(), &flags, Some(&flags), g);
            let got = rate(&flags, Some(&flags), g);
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "grouping {i}");
            assert_eq!(
                format!("{:?}", rate(&flags, Some(&flags[1..]), g)),
                format!(
                    "{:?}",
                    per_row(Source::rate(), &flags, Some(&flags[1..]), g)
                ),
                "grouping {i}"
            );
            assert_eq!(
                format!("{:?}", csat(&ratings, &o, g)),
                format!("{:?}", csat_per_row(&ratings, &o, g)),
                "grouping {i}"
            );
            let bad = CsatOptions {
                satisfied_min: f64::NAN,
            };
            assert_eq!(
                format!("{:?}", csat(&ratings, &bad, g)),
                format!("{:?}", csat_per_row(&ratings, &bad, g)),
            );
        }
        let e = csat(&ratings, &o, &Grouping::default()).unwrap_err();
        assert_eq!(
            (e.kind(), e.index()),
            (crate::ErrorKind::InvalidValue, Some(3_333))
        );
        let e = rate(&flags, Some(&flags), &groupings[0]).unwrap_err();
        assert_eq!(e.index(), Some(4_321));
    }

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
    fn follow_up_window_bounds_and_exclusion() {
        let day = 86_400;
        let g = Grouping::default();
        let o = FollowUpOptions::default();
        // Before the end, day 2 (too early), 3 d − 1 s, 3 d, 7 d, 7 d + 1 s, day 8, none.
        let f = [
            Some(-1),
            Some(2 * day),
            Some(3 * day - 1),
            Some(3 * day),
            Some(7 * day),
            Some(7 * day + 1),
            Some(8 * day),
            None,
        ];
        let t = follow_up_completion_rate(&[0; 8], &f, None, &o, &g).unwrap();
        assert_eq!((t.overall.numerator, t.overall.denominator), (2.0, 8.0));
        assert_eq!(t.overall.coverage, Some(1.0));
        // Excluding the two in-window rows and one missing call: 0 of 5.
        let x = [false, false, false, true, true, false, false, true];
        let t = follow_up_completion_rate(&[0; 8], &f, Some(&x), &o, &g).unwrap();
        assert_eq!((t.overall.numerator, t.overall.denominator), (0.0, 5.0));
        assert_eq!(t.overall.coverage, Some(5.0 / 8.0));
        // Every row excluded: no data, coverage 0.
        let t = follow_up_completion_rate(&[0], &[Some(day * 4)], Some(&[true]), &o, &g).unwrap();
        assert_eq!(t.overall.value, None);
        assert_eq!(t.overall.coverage, Some(0.0));
        // A column of the wrong length names it.
        let e = follow_up_completion_rate(&[0, 0], &[None, None], Some(&[true]), &o, &g);
        assert!(matches!(
            e.unwrap_err(),
            Error::LengthMismatch {
                name: "excluded",
                ..
            }
        ));
        // Tables merge only with the same window: each bound is named.
        let t = |earliest_seconds, latest_seconds| {
            let o = FollowUpOptions {
                earliest_seconds,
                latest_seconds,
            };
            follow_up_completion_rate(&[0, 0], &[Some(3 * day), None], None, &o, &g).unwrap()
        };
        let both = t(3 * day, 7 * day).merge(&t(3 * day, 7 * day)).unwrap();
        assert_eq!(
            (both.overall.numerator, both.overall.denominator),
            (2.0, 4.0)
        );
        for (other, field) in [
            (t(2 * day, 7 * day), "earliest_seconds"),
            (t(3 * day, 8 * day), "latest_seconds"),
        ] {
            let e = t(3 * day, 7 * day).merge(&other).unwrap_err();
            assert!(e.to_string().contains(field), "{e}");
        }
    }

    #[test]
    fn option_defaults_and_validation() {
        let d = FollowUpOptions::default();
        assert_eq!((d.earliest_seconds, d.latest_seconds), (259_200, 604_800));
        let bad = |earliest_seconds, latest_seconds| {
            FollowUpOptions {
                earliest_seconds,
                latest_seconds,
            }
            .validate()
            .unwrap_err()
            .argument()
        };
        assert_eq!(bad(-1, 10), Some("earliest_seconds"));
        assert_eq!(bad(0, i64::MAX), Some("latest_seconds"));
        assert_eq!(bad(0, -1), Some("latest_seconds"));
        assert_eq!(bad(i64::MAX, i64::MAX), Some("earliest_seconds"));
        assert_eq!(bad(11, 10), Some("latest_seconds"));
        let max = crate::kpi::MAX_WINDOW_SECONDS;
        for (a, b) in [(0, 0), (5, 5), (0, max), (max, max)] {
            assert!(FollowUpOptions {
                earliest_seconds: a,
                latest_seconds: b
            }
            .validate()
            .is_ok());
        }
        assert_eq!(
            FollowUpOptions::window_days(-1.0, 3.0)
                .unwrap_err()
                .argument(),
            Some("earliest_days")
        );
        assert_eq!(
            FollowUpOptions::window_days(0.0, f64::INFINITY)
                .unwrap_err()
                .argument(),
            Some("latest_days")
        );
        assert_eq!(
            FollowUpOptions::window_days(3.0, 7.0).unwrap(),
            FollowUpOptions::default()
        );
        // An old saved window (one bound) is not silently read as 3-7 days.
        assert!(serde_json::from_str::<FollowUpOptions>(r#"{"window_seconds": 10}"#).is_err());
        assert_eq!(CsatOptions::default().satisfied_min, 4.0);
        assert!(CsatOptions {
            satisfied_min: f64::INFINITY
        }
        .validate()
        .is_err());
    }
}
