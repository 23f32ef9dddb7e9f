//! Parts availability (issue 14): were the parts of a visit on the shelf?
//!
//! The source (004, "第一站") finds customers told "the part you need is
//! out of stock, it will take 3 days" (259 200 s). One row per part line
//! requested at a visit: the repair order, whether it was supplied from
//! stock at the visit, and for a line that was not, the parts wait in
//! seconds (`None` = not recorded).
//!
//! - **First-pass fill rate**: lines supplied from stock / lines requested
//!   (a [`KpiTable`] grouped by part, supplier or dealer with the grouping
//!   engine; it merges as a rate table);
//! - **parts wait**: the distribution (mean, median, p90) of the recorded
//!   waits of lines not supplied from stock (waits of lines from stock are
//!   ignored);
//! - **repair orders delayed by parts**: orders with at least one line not
//!   from stock / orders (over all rows: an order's lines may fall into
//!   different groups).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::estimate::Distribution;
use super::partial::Source;
use super::{table, Grouping, Kpi, KpiTable, Parts, MAX_WINDOW_SECONDS};
use crate::error::{Error, Result};

/// The answer of [`parts_availability`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartsAvailability {
    /// Lines supplied from stock / lines requested, overall and per group.
    pub fill_rate: KpiTable,
    /// Repair orders with a line not from stock / repair orders.
    pub delayed_ros: Kpi,
    /// Recorded parts waits (seconds) of lines not from stock.
    pub wait_s: Distribution,
}

/// Parts availability over part lines: `ro` (the repair order of each
/// line, compared as text), `from_stock` (supplied from stock at the
/// visit) and `wait_s` (the parts wait of each line in seconds, `None` =
/// not recorded; `None` for the whole column = no waits), grouped by
/// `grouping`.
///
/// Errors: [`Error::LengthMismatch`]; [`Error::InvalidValue`] naming
/// `wait_s` and the row for a negative wait or one beyond the supported
/// range of instants.
///
/// ```
/// use nps_core::kpi::{parts_availability, Grouping};
/// // RO 1: two lines on the shelf; RO 2: one line waited 3 days.
/// let p = parts_availability(&["1", "1", "2"], &[true, true, false],
///                            Some(&[None, None, Some(259_200)]), &Grouping::default())?;
/// assert_eq!(p.fill_rate.overall.value, Some(2.0 / 3.0));
/// assert_eq!(p.delayed_ros.value, Some(0.5));
/// assert_eq!(p.wait_s.median, Some(259_200.0));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn parts_availability(
    ro: &[&str],
    from_stock: &[bool],
    wait_s: Option<&[Option<i64>]>,
    grouping: &Grouping<'_>,
) -> Result<PartsAvailability> {
    let n = ro.len();
    Error::check_len("from_stock", from_stock.len(), "ro", n)?;
    if let Some(w) = wait_s {
        Error::check_len("wait_s", w.len(), "ro", n)?;
        if let Some(i) = w
            .iter()
            .position(|w| w.is_some_and(|w| !(0..=MAX_WINDOW_SECONDS).contains(&w)))
        {
            return Err(Error::value(
                "wait_s",
                i,
                format!(
                    "a parts wait must be in 0..={MAX_WINDOW_SECONDS} seconds, got {}",
                    w[i].unwrap_or_default()
                ),
            ));
        }
    }
    let parts: Vec<Parts> = from_stock
        .iter()
        .map(|&s| Parts {
            num: u64::from(s),
            den: 1,
            used: 1,
            rows: 1,
        })
        .collect();
    let mut delayed: HashMap<&str, bool> = HashMap::new();
    for (r, &s) in ro.iter().zip(from_stock) {
        *delayed.entry(r).or_insert(false) |= !s;
    }
    let n_ro = delayed.len() as f64;
    let n_delayed = delayed.values().filter(|d| **d).count() as f64;
    let mut waits: Vec<f64> = match wait_s {
        None => Vec::new(),
        Some(w) => w
            .iter()
            .zip(from_stock)
            .filter_map(|(w, &s)| if s { None } else { w.map(|w| w as f64) })
            .collect(),
    };
    Ok(PartsAvailability {
        fill_rate: table(&parts, grouping, Source::rate(), None)?,
        delayed_ros: Kpi::ratio(n_delayed, n_ro, (n > 0).then_some(1.0)),
        wait_s: Distribution::of(&mut waits),
    })
}

impl crate::state::Saved for PartsAvailability {
    const KIND: &'static str = "PartsAvailability";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn bad_input() {
        let g = Grouping::default();
        let e = parts_availability(&["1"], &[true, false], None, &g).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch);
        let e = parts_availability(&["1", "2"], &[true, false], Some(&[None, Some(-1)]), &g)
            .unwrap_err();
        assert!(e.to_string().contains("`wait_s` at row 1"), "{e}");
        let p = parts_availability(&[], &[], None, &g).unwrap();
        assert_eq!(
            (p.fill_rate.overall.value, p.delayed_ros.value),
            (None, None)
        );
        assert_eq!(p.delayed_ros.coverage, None);
    }
}
