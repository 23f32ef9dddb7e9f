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
//!   from stock / orders.
//!
//! All three are given overall and per group ([`PartsAvailability::groups`],
//! the groups of the fill-rate table): a group's share of delayed orders
//! counts the orders with a line in the group (an order with lines in
//! several groups counts once in each, and once overall), its waits are
//! those of its lines.
//!
//! The fill-rate table knows what it counts (it does not merge with a
//! table of another share), and a result is a partial result:
//! [`PartsAvailability::merge`] combines the results of two parts of the
//! lines exactly (the tables add up; per group the repair orders are kept
//! with whether they were delayed, so an order with lines in both parts
//! counts once, and the waits are kept as a histogram: memory O(distinct
//! (group, order)) and O(distinct waits)), and it saves and loads exactly
//! ([`Saved`](crate::state::Saved)).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::estimate::{Distribution, Sample};
use super::merge::{bad_state, check_sorted, labelled, merge_sorted, Label};
use super::partial::{Share, Source};
use super::{assign, finish, Grouping, Kpi, KpiTable, Parts, MAX_WINDOW_SECONDS};
use crate::error::{Error, Result};
use crate::group::GroupKey;

/// The answer of [`parts_availability`].
///
/// The serde form is the saved state (the fill-rate table and, per group,
/// the repair orders with whether each was delayed and the histogram of
/// the waits); the shares of delayed orders, the wait distributions and
/// the overall repair orders and waits are computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "PartsState", try_from = "PartsState")]
pub struct PartsAvailability {
    /// Lines supplied from stock / lines requested, overall and per group.
    pub fill_rate: KpiTable,
    /// Repair orders with a line not from stock / repair orders (over all
    /// lines: an order with lines in several groups counts once).
    pub delayed_ros: Kpi,
    /// Recorded parts waits (seconds) of lines not from stock.
    pub wait_s: Distribution,
    /// Every non-empty group, as the groups of `fill_rate` (same labels,
    /// same order: by key, then period).
    pub groups: Vec<PartsGroup>,
    /// Per group: the repair orders with a line in the group and whether
    /// one of those lines was not from stock (sorted by order), and the
    /// recorded waits of the group (a histogram).
    state: Vec<(Label, GroupState)>,
}

/// One group of a [`PartsAvailability`]: the lines with one key (part,
/// supplier, dealer …) and/or in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct PartsGroup {
    /// The group key ([`GroupKey::All`] without a key column).
    pub key: GroupKey,
    /// Local first day of the period, when grouping by period.
    pub period_start: Option<NaiveDate>,
    /// The group's lines supplied from stock / its lines requested.
    pub fill_rate: Kpi,
    /// Repair orders with a line of the group not from stock / repair
    /// orders with a line in the group (an order counts once per group it
    /// has lines in).
    pub delayed_ros: Kpi,
    /// Recorded parts waits (seconds) of the group's lines not from stock.
    pub wait_s: Distribution,
}

/// What a group keeps to merge exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct GroupState {
    /// Repair orders with a line in the group and whether one of those
    /// lines was not from stock, sorted by order without repeats.
    ros: Vec<(String, bool)>,
    /// The recorded waits of the group's lines not from stock.
    wait_s: Sample<i64>,
}

impl GroupState {
    fn delayed(&self) -> Kpi {
        let delayed = self.ros.iter().filter(|r| r.1).count() as f64;
        Kpi::ratio(
            delayed,
            self.ros.len() as f64,
            (!self.ros.is_empty()).then_some(1.0),
        )
    }

    fn merge(&self, later: &GroupState) -> Result<GroupState> {
        Ok(GroupState {
            ros: merge_ros(&self.ros, &later.ros),
            wait_s: self.wait_s.merge(&later.wait_s)?,
        })
    }
}

/// The repair orders of both sorted lists, delayed when delayed in either.
fn merge_ros(a: &[(String, bool)], b: &[(String, bool)]) -> Vec<(String, bool)> {
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
    ros
}

/// The saved state of a [`PartsAvailability`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PartsState {
    fill_rate: KpiTable,
    #[serde(with = "labelled")]
    groups: Vec<(Label, GroupState)>,
}

impl From<PartsAvailability> for PartsState {
    fn from(p: PartsAvailability) -> PartsState {
        PartsState {
            fill_rate: p.fill_rate,
            groups: p.state,
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
        check_sorted(s.groups.iter().map(|(l, _)| l))?;
        let same_groups = s.groups.len() == s.fill_rate.groups.len()
            && s.groups
                .iter()
                .zip(&s.fill_rate.groups)
                .all(|((l, _), g)| l.0 == g.key && l.1 == g.period_start);
        if !same_groups {
            return Err(bad_state(
                "the groups of a parts availability are those of its fill-rate table",
            ));
        }
        for (g, ((_, st), t)) in s.groups.iter().zip(&s.fill_rate.groups).enumerate() {
            for i in 1..st.ros.len() {
                if st.ros[i - 1].0 >= st.ros[i].0 {
                    return Err(bad_state(format!(
                        "group {g}, repair order {i}: repair orders are sorted without repeats"
                    )));
                }
            }
            st.wait_s.check(&format!("group {g} wait_s"))?;
            if !st.wait_s.in_range(0, MAX_WINDOW_SECONDS) {
                return Err(bad_state(format!(
                    "group {g} wait_s: a parts wait is in 0..={MAX_WINDOW_SECONDS} seconds"
                )));
            }
            let lines = t.kpi.denominator;
            let missing = lines - t.kpi.numerator;
            let delayed = st.ros.iter().filter(|r| r.1).count() as f64;
            let fits = (st.ros.len() as f64) <= lines
                && st.ros.is_empty() == (lines == 0.0)
                && delayed <= missing
                && (delayed > 0.0) == (missing > 0.0)
                && st.wait_s.n() as f64 <= missing;
            if !fits {
                return Err(bad_state(format!(
                    "group {g}: the repair orders and waits do not fit the lines of the fill-rate table"
                )));
            }
        }
        PartsAvailability::of(s)
    }
}

impl PartsAvailability {
    /// The result of a checked state: the per-group answers, and the
    /// overall repair orders (an order in several groups once, delayed
    /// when it was in any) and waits (every group's) derived from the
    /// groups.
    fn of(s: PartsState) -> Result<PartsAvailability> {
        let groups = s
            .groups
            .iter()
            .zip(&s.fill_rate.groups)
            .map(|(((key, period_start), st), t)| PartsGroup {
                key: key.clone(),
                period_start: *period_start,
                fill_rate: t.kpi,
                delayed_ros: st.delayed(),
                wait_s: st.wait_s.distribution(),
            })
            .collect();
        let overall = match s.groups.as_slice() {
            [(_, only)] => only.clone(),
            many => {
                let mut ros: Vec<(&str, bool)> = many
                    .iter()
                    .flat_map(|(_, g)| g.ros.iter().map(|(r, d)| (r.as_str(), *d)))
                    .collect();
                ros.sort_unstable();
                let mut merged: Vec<(String, bool)> = Vec::new();
                for (r, d) in ros {
                    match merged.last_mut() {
                        Some(last) if last.0 == r => last.1 |= d,
                        _ => merged.push((r.to_owned(), d)),
                    }
                }
                GroupState {
                    ros: merged,
                    wait_s: Sample::sum(many.iter().map(|(_, g)| &g.wait_s))?,
                }
            }
        };
        Ok(PartsAvailability {
            delayed_ros: overall.delayed(),
            wait_s: overall.wait_s.distribution(),
            fill_rate: s.fill_rate,
            groups,
            state: s.groups,
        })
    }

    /// The result of the lines of `self` followed by those of `later`:
    /// equal to the result computed in one pass over all of them (the
    /// fill-rate tables add up; per group, a repair order with lines in
    /// both parts is one order, delayed when it was in either, and the
    /// waits' histograms add). Associative: partial results may be merged
    /// in any tree.
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
        let groups = merge_sorted(&self.state, &later.state, GroupState::merge)?;
        PartsAvailability::of(PartsState { fill_rate, groups })
    }
}

/// Parts availability over part lines: `ro` (the repair order of each
/// line, compared as text), `from_stock` (supplied from stock at the
/// visit) and `wait_s` (the parts wait of each line in seconds, `None` =
/// not recorded; `None` for the whole column = no waits), overall and per
/// group of `grouping` (by part, supplier or dealer and/or period): the
/// fill rate, the share of repair orders delayed by parts and the wait
/// distribution of each group ([`PartsAvailability::groups`]).
///
/// Errors: [`Error::LengthMismatch`]; [`Error::InvalidValue`] naming
/// `wait_s` and the row for a negative wait or one beyond the supported
/// range of instants; the grouping engine's errors.
///
/// ```
/// use nps_core::group::Keys;
/// use nps_core::kpi::{parts_availability, Grouping};
/// // RO 1: two lines on the shelf; RO 2: one line waited 3 days.
/// let (ro, stock) = (["1", "1", "2"], [true, true, false]);
/// let waits = [None, None, Some(259_200)];
/// let p = parts_availability(&ro, &stock, Some(&waits), &Grouping::default())?;
/// assert_eq!(p.fill_rate.overall.value, Some(2.0 / 3.0));
/// assert_eq!(p.delayed_ros.value, Some(0.5));
/// assert_eq!(p.wait_s.median, Some(259_200.0));
/// // By supplier: RO 1 had a line from each supplier.
/// let supplier = ["A", "B", "B"];
/// let g = Grouping { keys: Some(Keys::Str(&supplier)), ..Grouping::default() };
/// let p = parts_availability(&ro, &stock, Some(&waits), &g)?;
/// assert_eq!(p.groups[1].delayed_ros.value, Some(0.5));
/// assert_eq!(p.groups[1].wait_s.n, 1);
/// assert_eq!(p.groups[0].delayed_ros.value, Some(0.0));
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
    // The group of every line (as the rate tables group their rows).
    let (labels, rows) = if grouping.keys.is_none() && grouping.period.is_none() {
        grouping.check(n)?;
        if n == 0 {
            (Vec::new(), Vec::new())
        } else {
            (vec![(GroupKey::All, None)], vec![0u32; n])
        }
    } else {
        assign(grouping, n)?
    };
    let mut sums = vec![Parts::default(); labels.len()];
    let mut pairs: Vec<(u32, &str, bool)> = Vec::with_capacity(n);
    let mut waits: Vec<Vec<i64>> = vec![Vec::new(); labels.len()];
    for (i, &g) in rows.iter().enumerate() {
        let s = from_stock[i];
        let line = Parts {
            num: u64::from(s),
            den: 1,
            used: 1,
            rows: 1,
        };
        sums[g as usize] = sums[g as usize].checked_add(&line)?;
        pairs.push((g, ro[i], !s));
        if let (false, Some(Some(w))) = (s, wait_s.map(|w| w[i])) {
            waits[g as usize].push(w);
        }
    }
    pairs.sort_unstable();
    let mut ros: Vec<Vec<(String, bool)>> = vec![Vec::new(); labels.len()];
    for (g, r, d) in pairs {
        let group = &mut ros[g as usize];
        match group.last_mut() {
            Some(last) if last.0 == r => last.1 |= d,
            _ => group.push((r.to_owned(), d)),
        }
    }
    let groups = labels
        .iter()
        .cloned()
        .zip(ros.into_iter().zip(waits))
        .map(|(l, (ros, w))| {
            (
                l,
                GroupState {
                    ros,
                    wait_s: Sample::of(w),
                },
            )
        })
        .collect();
    PartsAvailability::of(PartsState {
        fill_rate: finish(
            labels,
            sums,
            grouping,
            Source::share(Share::PartsFillRate),
            None,
        )?,
        groups,
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
        // Grouped: the groups are those of the fill-rate table.
        let sup = ["s1", "s2"];
        let g = Grouping {
            keys: Some(crate::group::Keys::Str(&sup)),
            ..Grouping::default()
        };
        let p =
            parts_availability(&["a", "b"], &[true, false], Some(&[None, Some(60)]), &g).unwrap();
        let text = String::from_utf8(p.to_state()).unwrap();
        assert_eq!(PartsAvailability::from_state(text.as_bytes()).unwrap(), p);
        let value = |t: &str| t.find(r#""value":{"ros""#).unwrap();
        let second = value(&text) + 1 + value(&text[value(&text) + 1..]);
        let first_group = &text[text.find(r#"{"key":{"#).unwrap()..second];
        for (from, to) in [
            // A group key the fill-rate table does not have.
            (
                r#""s2"},"period_start":null,"value":{"ros""#.to_owned(),
                r#""s9"},"period_start":null,"value":{"ros""#.to_owned(),
            ),
            // A group missing.
            (format!("[{first_group}"), "[".to_owned()),
            // A repair order delayed in a group of lines all from stock.
            (r#"[["a",false]]"#.to_owned(), r#"[["a",true]]"#.to_owned()),
        ] {
            let t = text.replace(&from, &to);
            assert_ne!(t, text, "{from}");
            let err = PartsAvailability::from_state(t.as_bytes()).unwrap_err();
            assert_eq!(err.argument(), Some("state"), "{to}: {err}");
        }
    }
}
