//! Rate KPIs (SPEC §6): a flag column over eligible rows.

use super::{check_opt_ts_col, check_ts_col, table, Grouping, Kpi, KpiTable, Parts};
use crate::error::{Error, Result};

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
    if let Some(e) = eligible {
        Error::check_len("eligible", e.len(), "flags", flags.len())?;
    }
    let parts: Vec<Parts> = flags
        .iter()
        .enumerate()
        .map(|(i, &f)| {
            let e = eligible.is_none_or(|e| e[i]);
            Parts {
                num: f64::from(u8::from(e && f)),
                den: f64::from(u8::from(e)),
                used: f64::from(u8::from(e)),
                rows: 1.0,
            }
        })
        .collect();
    table(&parts, grouping)
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
    rate(&flags, Some(&eligible), grouping)
}

/// Appointment fulfillment rate: appointments kept / booked (one row per
/// booked appointment).
pub fn appointment_fulfillment_rate(kept: &[bool], grouping: &Grouping<'_>) -> Result<KpiTable> {
    rate(kept, None, grouping)
}

/// Pre-service inspection rate: walk-around inspections / receptions (one
/// row per reception).
pub fn pre_service_inspection_rate(
    inspected: &[bool],
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    rate(inspected, None, grouping)
}

/// Follow-up completion rate: services followed up within `window_seconds`
/// of the service end (`0 <= follow_up − service_end <= window`) / services.
/// `follow_up[i] == None`: no call made. Benchmark
/// `follow_up_completion_rate` (100 %).
///
/// ```
/// use nps_core::kpi::{follow_up_completion_rate, Grouping};
/// let day = 86_400;
/// let t = follow_up_completion_rate(&[0, 0, 0], &[Some(day), Some(5 * day), None], 3 * day, &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(1.0 / 3.0));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn follow_up_completion_rate(
    service_end: &[i64],
    follow_up: &[Option<i64>],
    window_seconds: i64,
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    Error::check_len(
        "follow_up",
        follow_up.len(),
        "service_end",
        service_end.len(),
    )?;
    check_ts_col("service_end", service_end)?;
    check_opt_ts_col("follow_up", follow_up)?;
    if window_seconds < 0 {
        return Err(Error::arg("window_seconds", "must be >= 0"));
    }
    let flags: Vec<bool> = service_end
        .iter()
        .zip(follow_up)
        .map(|(&e, f)| f.is_some_and(|f| (0..=window_seconds).contains(&(f.saturating_sub(e)))))
        .collect();
    rate(&flags, None, grouping)
}

/// Repeat-visit rate: visits booked through follow-up / follow-ups (one row
/// per follow-up). Benchmark `repeat_visit_rate` (≥ 30 %).
pub fn repeat_visit_rate(booked: &[bool], grouping: &Grouping<'_>) -> Result<KpiTable> {
    rate(booked, None, grouping)
}

/// First-contact (first-visit) resolution: requests resolved with no
/// further contact / requests resolved (`resolved[i] == false` rows are
/// left out).
pub fn first_contact_resolution_rate(
    no_further_contact: &[bool],
    resolved: &[bool],
    grouping: &Grouping<'_>,
) -> Result<KpiTable> {
    rate(no_further_contact, Some(resolved), grouping)
}

/// CSAT: satisfied ratings (`rating >= satisfied_min`) / ratings. Ratings
/// must be finite.
///
/// ```
/// use nps_core::kpi::{csat, Grouping};
/// let t = csat(&[5.0, 4.0, 2.0, 3.0], 4.0, &Grouping::default())?;
/// assert_eq!(t.overall.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn csat(ratings: &[f64], satisfied_min: f64, grouping: &Grouping<'_>) -> Result<KpiTable> {
    if !satisfied_min.is_finite() {
        return Err(Error::arg("satisfied_min", "must be finite"));
    }
    if let Some(i) = ratings.iter().position(|r| !r.is_finite()) {
        return Err(Error::value("ratings", i, "a rating must be finite"));
    }
    let flags: Vec<bool> = ratings.iter().map(|&r| r >= satisfied_min).collect();
    rate(&flags, None, grouping)
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
    if let Some(i) = revenue_minor.iter().position(|&r| r < 0) {
        return Err(Error::value("revenue_minor", i, "revenue must be >= 0"));
    }
    let sum: i128 = revenue_minor.iter().map(|&r| i128::from(r)).sum();
    Ok(Kpi::ratio(
        sum as f64,
        f64::from(engineers),
        (!revenue_minor.is_empty()).then_some(1.0),
    ))
}
