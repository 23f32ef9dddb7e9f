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
//!
//! The fill-rate table knows what it counts (it does not merge with a
//! table of another share), and a result is a partial result:
//! [`PartsAvailability::merge`] combines the results of two parts of the
//! lines exactly (the tables add up, the repair orders are kept with
//! whether they were delayed, so an order with lines in both parts counts
//! once, and the waits are kept as a histogram), and it saves and loads
//! exactly ([`Saved`](crate::state::Saved)).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::estimate::{Distribution, Sample};
use super::merge::bad_state;
use super::partial::{Share, Source};
use super::{table, Grouping, Kpi, KpiTable, Parts, MAX_WINDOW_SECONDS};
use crate::error::{Error, Result};

/// The answer of [`parts_availability`].
///
/// The serde form is the saved state (the fill-rate table, the repair
/// orders with whether each was delayed, the histogram of the waits); the
/// share of delayed orders and the wait distribution are computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "PartsState", try_from = "PartsState")]
pub struct PartsAvailability {
    /// Lines supplied from stock / lines requested, overall and per group.
    pub fill_rate: KpiTable,
    /// Repair orders with a line not from stock / repair orders.
    pub delayed_ros: Kpi,
    /// Recorded parts waits (seconds) of lines not from stock.
    pub wait_s: Distribution,
    /// The repair orders seen and whether each had a line not from stock,
    /// sorted by order.
    ros: Vec<(String, bool)>,
    /// The recorded waits (a histogram).
    waits: Sample<i64>,
}

/// The saved state of a [`PartsAvailability`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PartsState {
    fill_rate: KpiTable,
    ros: Vec<(String, bool)>,
    wait_s: Sample<i64>,
}

impl From<PartsAvailability> for PartsState {
    fn from(p: PartsAvailability) -> PartsState {
        PartsState {
            fill_rate: p.fill_rate,
            ros: p.ros,
            wait_s: p.waits,
        }
    }
}

impl TryFrom<PartsState> for PartsAvailability {
    type Error = Error;
    fn try_from(s: PartsState) -> Result<PartsAvailability> {
        if s.fill_rate.source() != Source::share(Share::PartsFillRate) {
            return Err(bad_state(
                "the table of a parts availability counts its fill rate",
            ));
        }
        for i in 1..s.ros.len() {
            if s.ros[i - 1].0 >= s.ros[i].0 {
                return Err(bad_state(format!(
                    "repair order {i}: repair orders are sorted without repeats"
                )));
            }
        }
        s.wait_s.check("wait_s")?;
        if !s.wait_s.in_range(0, MAX_WINDOW_SECONDS) {
            return Err(bad_state(format!(
                "wait_s: a parts wait is in 0..={MAX_WINDOW_SECONDS} seconds"
            )));
        }
        let lines = s.fill_rate.overall.denominator;
        let missing = lines - s.fill_rate.overall.numerator;
        let delayed = s.ros.iter().filter(|r| r.1).count() as f64;
        let fits = (s.ros.len() as f64) <= lines
            && s.ros.is_empty() == (lines == 0.0)
            && delayed <= missing
            && (delayed > 0.0) == (missing > 0.0)
            && s.wait_s.n() as f64 <= missing;
        if !fits {
            return Err(bad_state(
                "the repair orders and waits do not fit the lines of the fill-rate table",
            ));
        }
        Ok(PartsAvailability::of(s))
    }
}

impl PartsAvailability {
    fn of(s: PartsState) -> PartsAvailability {
        let delayed = s.ros.iter().filter(|r| r.1).count() as f64;
        PartsAvailability {
            delayed_ros: Kpi::ratio(
                delayed,
                s.ros.len() as f64,
                (!s.ros.is_empty()).then_some(1.0),
            ),
            wait_s: s.wait_s.distribution(),
            fill_rate: s.fill_rate,
            ros: s.ros,
            waits: s.wait_s,
        }
    }

    /// The result of the lines of `self` followed by those of `later`:
    /// equal to the result computed in one pass over all of them (the
    /// fill-rate tables add up, a repair order with lines in both parts is
    /// one order, delayed when it was in either, and the waits' histograms
    /// add). Associative: partial results may be merged in any tree.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` for a result
    /// grouped by another period, time zone or type of key column;
    /// [`Error::Overflow`] past `u64::MAX` lines.
    ///
    /// ```
    /// use nps_core::kpi::{parts_availability, Grouping};
    /// let g = Grouping::default();
    /// // RO 2's lines fall into both parts: it counts once.
    /// let (ro, stock) = (["1", "2", "2"], [true, true, false]);
    /// let first = parts_availability(&ro[..2], &stock[..2], None, &g)?;
    /// let rest = parts_availability(&ro[2..], &stock[2..], None, &g)?;
    /// let whole = parts_availability(&ro, &stock, None, &g)?;
    /// assert_eq!(first.merge(&rest)?, whole);
    /// assert_eq!(whole.delayed_ros.value, Some(0.5));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &PartsAvailability) -> Result<PartsAvailability> {
        let fill_rate = self.fill_rate.merge(&later.fill_rate)?;
        let (a, b) = (&self.ros, &later.ros);
        let mut ros = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => {
                    ros.push(a[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    ros.push(b[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    ros.push((a[i].0.clone(), a[i].1 || b[j].1));
                    i += 1;
                    j += 1;
                }
            }
        }
        ros.extend_from_slice(&a[i..]);
        ros.extend_from_slice(&b[j..]);
        Ok(PartsAvailability::of(PartsState {
            fill_rate,
            ros,
            wait_s: self.waits.merge(&later.waits)?,
        }))
    }
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
    let mut delayed: BTreeMap<&str, bool> = BTreeMap::new();
    for (r, &s) in ro.iter().zip(from_stock) {
        *delayed.entry(r).or_insert(false) |= !s;
    }
    let waits: Vec<i64> = match wait_s {
        None => Vec::new(),
        Some(w) => w
            .iter()
            .zip(from_stock)
            .filter_map(|(w, &s)| if s { None } else { *w })
            .collect(),
    };
    Ok(PartsAvailability::of(PartsState {
        fill_rate: table(&parts, grouping, Source::share(Share::PartsFillRate), None)?,
        ros: delayed
            .into_iter()
            .map(|(r, d)| (r.to_owned(), d))
            .collect(),
        wait_s: Sample::of(waits),
    }))
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

    /// A state whose parts do not fit together does not load.
    #[test]
    fn bad_states() {
        use crate::state::Saved;
        let g = Grouping::default();
        let p =
            parts_availability(&["a", "b"], &[true, false], Some(&[None, Some(60)]), &g).unwrap();
        let text = String::from_utf8(p.to_state()).unwrap();
        assert_eq!(PartsAvailability::from_state(text.as_bytes()).unwrap(), p);
        for (from, to) in [
            // Repair orders out of order, or a delayed one without a missing line.
            (r#"[["a",false],["b",true]]"#, r#"[["b",true],["a",false]]"#),
            (r#"[["a",false],["b",true]]"#, r#"[["a",true],["b",true]]"#),
            (
                r#"[["a",false],["b",true]]"#,
                r#"[["a",false],["b",false]]"#,
            ),
            // More waits than lines not from stock, or a negative wait.
            (r#""wait_s":[[60,1]]"#, r#""wait_s":[[60,2]]"#),
            (r#""wait_s":[[60,1]]"#, r#""wait_s":[[-60,1]]"#),
        ] {
            let t = text.replace(from, to);
            assert_ne!(t, text, "{from}");
            let err = PartsAvailability::from_state(t.as_bytes()).unwrap_err();
            assert_eq!(err.argument(), Some("state"), "{to}: {err}");
        }
    }
}
