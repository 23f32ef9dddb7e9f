//! What the mergeable results (KPI tables, time tables, heat maps) share:
//! the grouping they were computed with, group keys in saved states, and
//! the sorted merge of their groups.
//!
//! A partial result is computed on part of the rows; `a.merge(&b)` equals
//! the result on the rows of `a` followed by those of `b`. Two results
//! merge only when they were computed the same way: an option that differs
//! (the KPI, its window or threshold, the period, the time zone, the type
//! of the key columns) is an [`Error::InvalidArgument`] naming `other` and
//! saying which one.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::group::{GroupKey, Grouping};
use crate::period::{parse_tz, Period, DEFAULT_TZ};

/// The error of a merge with a result that does not fit.
pub(crate) fn other(reason: impl Into<String>) -> Error {
    Error::arg("other", reason)
}

/// The error of a saved state that breaks a rule.
pub(crate) fn bad_state(reason: impl Into<String>) -> Error {
    Error::arg("state", reason)
}

/// `#[serde(with = "labelled")]` for a `Vec<(Label, V)>` field: a list of
/// `{"key": …, "period_start": …, "value": …}` (keys in their saved form,
/// tagged: an unsigned key loads as unsigned).
pub(crate) mod labelled {
    use super::*;

    #[derive(Serialize)]
    struct EntryRef<'a, V> {
        key: &'a GroupKey,
        period_start: Option<NaiveDate>,
        value: &'a V,
    }

    #[derive(Deserialize)]
    struct Entry<V> {
        key: GroupKey,
        period_start: Option<NaiveDate>,
        value: V,
    }

    pub(crate) fn serialize<S: Serializer, V: Serialize>(
        v: &[(Label, V)],
        s: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|((key, d), value)| EntryRef {
            key,
            period_start: *d,
            value,
        }))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
        d: D,
    ) -> std::result::Result<Vec<(Label, V)>, D::Error> {
        Vec::<Entry<V>>::deserialize(d).map(|v| {
            v.into_iter()
                .map(|e| ((e.key, e.period_start), e.value))
                .collect()
        })
    }
}

/// The type of a key: what a key column (or several) holds.
#[derive(Debug, Clone, Eq)]
pub(crate) enum Shape {
    All,
    Int,
    UInt,
    Str,
    Tuple(Vec<Shape>),
    /// A missing key kept as a group ([`GroupKey::Null`]): it fits a
    /// column of any type.
    Null,
}

impl Shape {
    pub(crate) fn of(k: &GroupKey) -> Shape {
        match k {
            GroupKey::All => Shape::All,
            GroupKey::Int(_) => Shape::Int,
            GroupKey::UInt(_) => Shape::UInt,
            GroupKey::Str(_) => Shape::Str,
            GroupKey::Tuple(ks) => Shape::Tuple(ks.iter().map(Shape::of).collect()),
            GroupKey::Null => Shape::Null,
        }
    }

    /// The more specific of two shapes that fit (a missing key fits any).
    fn join(self, other: Shape) -> Shape {
        match (self, other) {
            (Shape::Null, s) | (s, Shape::Null) => s,
            (Shape::Tuple(a), Shape::Tuple(b)) => {
                Shape::Tuple(a.into_iter().zip(b).map(|(x, y)| x.join(y)).collect())
            }
            (a, _) => a,
        }
    }
}

/// Equal, or equal but for missing keys.
impl PartialEq for Shape {
    fn eq(&self, other: &Shape) -> bool {
        match (self, other) {
            (Shape::Null, _) | (_, Shape::Null) => true,
            (Shape::All, Shape::All)
            | (Shape::Int, Shape::Int)
            | (Shape::UInt, Shape::UInt)
            | (Shape::Str, Shape::Str) => true,
            (Shape::Tuple(a), Shape::Tuple(b)) => a == b,
            _ => false,
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shape::All => f.write_str("no key column"),
            Shape::Int => f.write_str("signed integers"),
            Shape::UInt => f.write_str("unsigned integers"),
            Shape::Str => f.write_str("strings"),
            Shape::Null => f.write_str("missing keys"),
            Shape::Tuple(parts) => {
                f.write_str("(")?;
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{p}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// The shape every key has, `None` without keys; a key of another shape
/// than the first is a state error naming `what` and its position.
pub(crate) fn uniform_shape<'a>(
    what: &str,
    keys: impl IntoIterator<Item = &'a GroupKey>,
) -> Result<Option<Shape>> {
    let mut first: Option<Shape> = None;
    for (i, k) in keys.into_iter().enumerate() {
        let s = Shape::of(k);
        match first.take() {
            None => first = Some(s),
            Some(f) if f != s => {
                return Err(bad_state(format!(
                    "{what} {i} is {s}, the first is {f}: the keys of one result come from the same columns"
                )))
            }
            Some(f) => first = Some(f.join(s)),
        }
    }
    Ok(first)
}

/// Checks that two results were grouped by key columns of the same type
/// (`what` names the keys: "key columns", "vehicles").
pub(crate) fn same_shape(what: &str, a: Option<Shape>, b: Option<Shape>) -> Result<()> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Err(other(format!(
            "the {what} differ in type: {a} here, {b} in other (merge results of the same columns)"
        ))),
        _ => Ok(()),
    }
}

/// The calendar grouping of a result: the period and, with a period, the
/// canonical name of its time zone (the zone is not used without one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Periods {
    pub(crate) period: Option<Period>,
    pub(crate) tz: Option<String>,
}

impl Periods {
    /// The periods of `g` (its zone checked).
    pub(crate) fn of(g: &Grouping<'_>) -> Result<Periods> {
        Periods::new(g.period, g.tz.unwrap_or(DEFAULT_TZ))
    }

    pub(crate) fn new(period: Option<Period>, tz: &str) -> Result<Periods> {
        let tz = parse_tz(tz)?;
        Ok(Periods {
            period,
            tz: period.map(|_| tz.name().to_owned()),
        })
    }

    /// Checks a loaded value: a zone exactly with a period, and known.
    pub(crate) fn check(&self) -> Result<()> {
        match (&self.period, &self.tz) {
            (Some(_), Some(tz)) => parse_tz(tz)
                .map(|_| ())
                .map_err(|e| bad_state(e.to_string())),
            (None, None) => Ok(()),
            _ => Err(bad_state("a time zone is saved exactly with a period")),
        }
    }

    /// Checks that a period start fits the period (`None` exactly
    /// without one, else the first day of its period).
    pub(crate) fn check_start(&self, i: usize, start: Option<NaiveDate>) -> Result<()> {
        match (self.period, start) {
            (None, None) => Ok(()),
            (Some(p), Some(d)) if p.start_of(d) == d => Ok(()),
            (Some(p), Some(d)) => Err(bad_state(format!(
                "group {i}: {d} is not the first day of a {}",
                p.name()
            ))),
            _ => Err(bad_state(format!(
                "group {i}: a period start is saved exactly when grouped by period"
            ))),
        }
    }

    /// Checks that `later` was grouped by the same period in the same zone.
    pub(crate) fn check_merge(&self, later: &Periods) -> Result<()> {
        let name = |p: Option<Period>| p.map_or("none", Period::name);
        if self.period != later.period {
            return Err(other(format!(
                "grouped by period {} here and {} in other",
                name(self.period),
                name(later.period)
            )));
        }
        if self.tz != later.tz {
            return Err(other(format!(
                "periods in time zone {} here and {} in other",
                self.tz.as_deref().unwrap_or(DEFAULT_TZ),
                later.tz.as_deref().unwrap_or(DEFAULT_TZ)
            )));
        }
        Ok(())
    }
}

/// The label of a group: its key and period start.
pub(crate) type Label = (GroupKey, Option<NaiveDate>);

/// Merges two lists of groups sorted by label: groups of the same label
/// are combined with `add`, the others kept; the result is sorted.
pub(crate) fn merge_sorted<V: Clone>(
    a: &[(Label, V)],
    b: &[(Label, V)],
    add: impl Fn(&V, &V) -> Result<V>,
) -> Result<Vec<(Label, V)>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => {
                out.push(a[i].clone());
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j].clone());
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((a[i].0.clone(), add(&a[i].1, &b[j].1)?));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

/// Checks that labels are strictly increasing (sorted, no repeats).
pub(crate) fn check_sorted<'a>(labels: impl IntoIterator<Item = &'a Label>) -> Result<()> {
    let mut prev: Option<&Label> = None;
    for (i, l) in labels.into_iter().enumerate() {
        if prev.is_some_and(|p| p >= l) {
            return Err(bad_state(format!(
                "group {i}: groups are sorted by key, then period, without repeats"
            )));
        }
        prev = Some(l);
    }
    Ok(())
}
