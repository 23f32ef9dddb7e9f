//! The generic grouped result: key columns, the period, value columns.
//!
//! Every grouped operation of the crate (NPS by group, KPI tables, time
//! KPIs) converts to one [`Table`], so the bindings convert one type —
//! to DataFrames and Arrow in Python, to a table handle in C — instead of
//! one per result. Columns are typed and nullable; "no data" is `None`,
//! never NaN and never 0.
//!
//! ```
//! use nps_core::group::{group_by, GroupOptions, Keys};
//! use nps_core::table::Column;
//! use nps_core::IntervalOptions;
//!
//! let dealer = [7u32, 7, 9];
//! let g = group_by(&[10u8, 0, 9], &GroupOptions { keys: Some(Keys::U32(&dealer)), ..Default::default() })?;
//! let t = g.to_table(&IntervalOptions::default())?.with_key_names(&["dealer"])?;
//! assert_eq!(t.n_rows(), 2);
//! assert_eq!(t.names()[..3], ["dealer", "n", "detractors"]);
//! assert_eq!(t.column("dealer"), Some(&Column::U64(vec![Some(7), Some(9)])));
//! assert_eq!(t.column("nps"), Some(&Column::F64(vec![Some(0.0), Some(100.0)])));
//! # Ok::<(), nps_core::Error>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::group::{map_with_capacity, FastMap, GroupKey, Grouped};
use crate::kpi::{Kpi, KpiTable, PartsAvailability, TimeKpi, TimeTable};
use crate::period::Period;
use crate::stats::{IntervalOptions, NpsSample};

/// One typed, nullable column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "values", rename_all = "snake_case")]
pub enum Column {
    /// Signed integers.
    I64(Vec<Option<i64>>),
    /// Unsigned integers (counts, unsigned keys).
    U64(Vec<Option<u64>>),
    /// Floating point (never NaN: no data is `None`).
    F64(Vec<Option<f64>>),
    /// Booleans (flags).
    Bool(Vec<Option<bool>>),
    /// Text (string keys, labels).
    Str(Vec<Option<String>>),
    /// Calendar dates (the local first day of a period).
    Date(Vec<Option<NaiveDate>>),
}

impl Column {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::I64(v) => v.len(),
            Column::U64(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Str(v) => v.len(),
            Column::Date(v) => v.len(),
        }
    }

    /// True without values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stable name of the column type: `i64`, `u64`, `f64`, `bool`,
    /// `str` or `date`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Column::I64(_) => "i64",
            Column::U64(_) => "u64",
            Column::F64(_) => "f64",
            Column::Bool(_) => "bool",
            Column::Str(_) => "str",
            Column::Date(_) => "date",
        }
    }

    /// True when row `i` holds no value (or is out of range).
    pub fn is_null(&self, i: usize) -> bool {
        match self {
            Column::I64(v) => v.get(i).is_none_or(Option::is_none),
            Column::U64(v) => v.get(i).is_none_or(Option::is_none),
            Column::F64(v) => v.get(i).is_none_or(Option::is_none),
            Column::Bool(v) => v.get(i).is_none_or(Option::is_none),
            Column::Str(v) => v.get(i).is_none_or(Option::is_none),
            Column::Date(v) => v.get(i).is_none_or(Option::is_none),
        }
    }
}

/// A grouped result as named columns: first the key columns, then the
/// `period` column (when grouped by period), then the value columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Columns in order, each with its name.
    pub columns: Vec<(String, Column)>,
    /// How many of the leading columns are keys.
    pub n_keys: usize,
    /// The period of the `period` column, if any.
    pub period: Option<Period>,
}

impl Table {
    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// Checks a table read from outside (a saved state): every column as
    /// long as the first, names non-empty and distinct, at most as many
    /// key columns as columns, a `period` column exactly with a period, and
    /// no NaN (no data is `None`). Errors are [`Error::InvalidArgument`]
    /// naming `state`.
    pub fn check(&self) -> Result<()> {
        let bad = |reason: String| Error::arg("state", reason);
        let n = self.n_rows();
        for (i, (name, c)) in self.columns.iter().enumerate() {
            if name.is_empty() || self.columns[..i].iter().any(|(m, _)| m == name) {
                return Err(bad(format!("column {i}: names are non-empty and distinct")));
            }
            if c.len() != n {
                return Err(bad(format!(
                    "column `{}` has {} rows, the first has {n}",
                    crate::error::quote(name),
                    c.len()
                )));
            }
            if let Column::F64(v) = c {
                if v.iter().any(|x| x.is_some_and(f64::is_nan)) {
                    return Err(bad(format!(
                        "column `{}` holds NaN (no data is null)",
                        crate::error::quote(name)
                    )));
                }
            }
        }
        if self.n_keys > self.columns.len() {
            return Err(bad(format!(
                "{} key columns of {}",
                self.n_keys,
                self.columns.len()
            )));
        }
        let period_col = self
            .columns
            .get(self.n_keys)
            .is_some_and(|(name, c)| name == "period" && matches!(c, Column::Date(_)));
        if self.period.is_some() != period_col {
            return Err(bad(
                "a date column `period` follows the keys exactly when the table has a period"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Column names in order.
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// Renames the key columns (one name per key column; by default they
    /// are `key`, or `key_0`, `key_1`, … for several key columns).
    ///
    /// Errors: [`Error::InvalidArgument`] when the number of names differs
    /// from the number of key columns, or a name is empty or repeats a
    /// column name.
    pub fn with_key_names<S: AsRef<str>>(mut self, names: &[S]) -> Result<Table> {
        self.rename_keys(names)?;
        Ok(self)
    }

    /// As [`Table::with_key_names`], in place: on an error no column is
    /// renamed (the names are all checked first).
    pub fn rename_keys<S: AsRef<str>>(&mut self, names: &[S]) -> Result<()> {
        if names.len() != self.n_keys {
            return Err(Error::arg(
                "key_names",
                format!("{} names for {} key columns", names.len(), self.n_keys),
            ));
        }
        for (i, name) in names.iter().enumerate() {
            let name = name.as_ref();
            let clash = self.columns[self.n_keys..].iter().any(|(n, _)| n == name)
                || names[..i].iter().any(|n| n.as_ref() == name);
            if name.is_empty() || clash {
                return Err(Error::arg(
                    "key_names",
                    format!("key column name {name:?} is empty or not unique"),
                ));
            }
        }
        for (column, name) in self.columns.iter_mut().zip(names) {
            column.0 = name.as_ref().to_owned();
        }
        Ok(())
    }

    /// Starts a table from group labels: key columns then the period.
    pub(crate) fn from_labels<'a>(
        labels: impl Iterator<Item = (&'a GroupKey, Option<NaiveDate>)> + Clone,
        period: Option<Period>,
    ) -> Table {
        let mut columns = Table::key_columns(labels.clone().map(|(k, _)| k));
        let n_keys = columns.len();
        if period.is_some() {
            columns.push((
                "period".to_owned(),
                Column::Date(labels.map(|(_, d)| d).collect()),
            ));
        }
        Table {
            columns,
            n_keys,
            period,
        }
    }

    /// Key columns of one key per row, as [`Table`]s of grouped results
    /// have them: a tuple key gives one column per part, named `key` (one
    /// column) or `key_0`, `key_1`, …; integers stay integers, anything
    /// else becomes text; [`GroupKey::Null`] is null. [`GroupKey::All`]
    /// parts are no key.
    pub(crate) fn key_columns<'a>(
        keys: impl Iterator<Item = &'a GroupKey> + Clone,
    ) -> Vec<(String, Column)> {
        fn parts(k: &GroupKey) -> &[GroupKey] {
            match k {
                GroupKey::All => &[],
                GroupKey::Tuple(ks) => ks,
                k => std::slice::from_ref(k),
            }
        }
        let n = keys.clone().map(|k| parts(k).len()).max().unwrap_or(0);
        (0..n)
            .map(|j| {
                let name = if n == 1 {
                    "key".to_owned()
                } else {
                    format!("key_{j}")
                };
                // A missing key kept as a group (`GroupKey::Null`) is null.
                let col = keys
                    .clone()
                    .map(move |k| parts(k).get(j).filter(|k| **k != GroupKey::Null));
                (name, key_column(col))
            })
            .collect()
    }

    pub(crate) fn push(&mut self, name: &str, c: Column) {
        self.columns.push((name.to_owned(), c));
    }

    fn push_kpi<'a>(&mut self, prefix: &str, kpis: impl Iterator<Item = &'a Kpi> + Clone) {
        let name = |s: &str| {
            if prefix.is_empty() {
                s.to_owned()
            } else {
                format!("{prefix}_{s}")
            }
        };
        let f = |g: fn(&Kpi) -> Option<f64>| Column::F64(kpis.clone().map(g).collect());
        self.columns.push((name("value"), f(|k| k.value)));
        self.columns
            .push((name("numerator"), f(|k| Some(k.numerator))));
        self.columns
            .push((name("denominator"), f(|k| Some(k.denominator))));
        self.columns.push((name("coverage"), f(|k| k.coverage)));
    }
}

/// One key column from the keys of each row: integers stay integers,
/// anything else (or a mix) becomes text.
fn key_column<'a>(keys: impl Iterator<Item = Option<&'a GroupKey>> + Clone) -> Column {
    let all = |f: fn(&GroupKey) -> bool| keys.clone().flatten().all(f);
    if all(|k| matches!(k, GroupKey::UInt(_))) {
        Column::U64(
            keys.map(|k| match k {
                Some(GroupKey::UInt(v)) => Some(*v),
                _ => None,
            })
            .collect(),
        )
    } else if all(|k| matches!(k, GroupKey::Int(_))) {
        Column::I64(
            keys.map(|k| match k {
                Some(GroupKey::Int(v)) => Some(*v),
                _ => None,
            })
            .collect(),
        )
    } else {
        Column::Str(
            keys.map(|k| {
                k.map(|k| match k {
                    GroupKey::Str(s) => s.clone(),
                    k => k.to_string(),
                })
            })
            .collect(),
        )
    }
}

impl Grouped {
    /// The groups as a [`Table`]: key columns, `period`, then `n`,
    /// `detractors`, `passives`, `promoters`, `nps`, `se`, `low`, `high`
    /// (the interval of `interval`, e.g. `IntervalOptions::default()`: the
    /// score interval at 95 %) and `thin`; rolling results add `complete`
    /// ([`Group::complete`](crate::group::Group::complete)). A missing key
    /// kept as a group ([`GroupKey::Null`]) is null in its key column.
    ///
    /// Errors: the validation errors of `interval`.
    pub fn to_table(&self, interval: &IntervalOptions) -> Result<Table> {
        let method = interval.validate()?;
        let gs = &self.groups;
        let mut t = Table::from_labels(gs.iter().map(|g| (&g.key, g.period_start)), self.period);
        // One pass over the groups for every value column (a group is
        // far wider than the few bytes each column takes of it). The
        // statistics depend on the category counts only: computed once
        // per distinct (detractors, passives, promoters), which millions of
        // small groups (respondents, vehicles) share.
        type Stats = (Option<f64>, Option<f64>, Option<(f64, f64)>);
        let mut memo: FastMap<[u64; 3], Stats> = map_with_capacity(64);
        let counts = || Vec::<Option<u64>>::with_capacity(gs.len());
        let floats = || Vec::<Option<f64>>::with_capacity(gs.len());
        let (mut n, mut detractors, mut passives, mut promoters) =
            (counts(), counts(), counts(), counts());
        let (mut nps, mut se, mut low, mut high) = (floats(), floats(), floats(), floats());
        let mut thin = Vec::with_capacity(gs.len());
        for g in gs {
            let c = g.tally.categories();
            n.push(Some(g.tally.n()));
            detractors.push(Some(c.detractors));
            passives.push(Some(c.passives));
            promoters.push(Some(c.promoters));
            let &mut (v, e, ci) = memo
                .entry([c.detractors, c.passives, c.promoters])
                .or_insert_with(|| {
                    let ci = g.tally.interval(&method, interval.confidence).ok();
                    (
                        g.tally.nps().ok(),
                        g.tally.se().ok(),
                        ci.map(|c| (c.low, c.high)),
                    )
                });
            nps.push(v);
            se.push(e);
            low.push(ci.map(|c| c.0));
            high.push(ci.map(|c| c.1));
            thin.push(Some(g.thin));
        }
        t.push("n", Column::U64(n));
        t.push("detractors", Column::U64(detractors));
        t.push("passives", Column::U64(passives));
        t.push("promoters", Column::U64(promoters));
        t.push("nps", Column::F64(nps));
        t.push("se", Column::F64(se));
        t.push("low", Column::F64(low));
        t.push("high", Column::F64(high));
        t.push("thin", Column::Bool(thin));
        if self.window > 1 {
            t.push(
                "complete",
                Column::Bool(gs.iter().map(|g| Some(g.complete)).collect()),
            );
        }
        Ok(t)
    }
}

impl KpiTable {
    /// The groups as a [`Table`]: key columns, `period`, then `value`,
    /// `numerator`, `denominator` and `coverage`.
    pub fn to_table(&self) -> Table {
        let gs = &self.groups;
        let mut t = Table::from_labels(gs.iter().map(|g| (&g.key, g.period_start)), self.period);
        t.push_kpi("", gs.iter().map(|g| &g.kpi));
        t
    }
}

impl PartsAvailability {
    /// The groups as a [`Table`]: key columns, `period`, then the fill
    /// rate as `value`, `numerator`, `denominator`, `coverage` (the
    /// columns of `fill_rate.to_table()`), the share of repair orders
    /// delayed by parts as `delayed_ros_value`, `_numerator`,
    /// `_denominator`, `_coverage`, and the parts waits (seconds) as
    /// `wait_s_n`, `wait_s_mean`, `wait_s_median`, `wait_s_p90`.
    ///
    /// ```
    /// use nps_core::group::Keys;
    /// use nps_core::kpi::{parts_availability, Grouping};
    /// use nps_core::table::Column;
    /// let supplier = ["A", "B", "B"];
    /// let g = Grouping { keys: Some(Keys::Str(&supplier)), ..Grouping::default() };
    /// let p = parts_availability(&["1", "1", "2"], &[true, true, false],
    ///                            Some(&[None, None, Some(259_200)]), &g)?;
    /// let t = p.to_table();
    /// assert_eq!(t.column("delayed_ros_value"), Some(&Column::F64(vec![Some(0.0), Some(0.5)])));
    /// assert_eq!(t.column("wait_s_median"), Some(&Column::F64(vec![None, Some(259_200.0)])));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn to_table(&self) -> Table {
        let gs = &self.groups;
        let mut t = Table::from_labels(
            gs.iter().map(|g| (&g.key, g.period_start)),
            self.fill_rate.period,
        );
        t.push_kpi("", gs.iter().map(|g| &g.fill_rate));
        t.push_kpi("delayed_ros", gs.iter().map(|g| &g.delayed_ros));
        let f = |g: fn(&crate::kpi::Distribution) -> Option<f64>| {
            Column::F64(gs.iter().map(|x| g(&x.wait_s)).collect())
        };
        t.push(
            "wait_s_n",
            Column::U64(gs.iter().map(|g| Some(g.wait_s.n)).collect()),
        );
        t.push("wait_s_mean", f(|d| d.mean));
        t.push("wait_s_median", f(|d| d.median));
        t.push("wait_s_p90", f(|d| d.p90));
        t
    }
}

impl TimeTable {
    /// The groups as a [`Table`]: key columns, `period`, then `n`, `mean`,
    /// `median`, `p90` (seconds), `target_seconds` and the share within
    /// target as `within_target_value`, `_numerator`, `_denominator`,
    /// `_coverage`.
    pub fn to_table(&self) -> Table {
        let gs = &self.groups;
        let mut t = Table::from_labels(gs.iter().map(|g| (&g.key, g.period_start)), self.period);
        let f =
            |g: fn(&TimeKpi) -> Option<f64>| Column::F64(gs.iter().map(|x| g(&x.kpi)).collect());
        t.push("n", Column::U64(gs.iter().map(|g| Some(g.kpi.n)).collect()));
        t.push("mean", f(|k| k.mean));
        t.push("median", f(|k| k.median));
        t.push("p90", f(|k| k.p90));
        t.push(
            "target_seconds",
            Column::I64(gs.iter().map(|g| Some(g.kpi.target_seconds)).collect()),
        );
        t.push_kpi("within_target", gs.iter().map(|g| &g.kpi.within_target));
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::{group_by, GroupOptions, Keys};

    #[test]
    fn several_keys_and_period_become_columns() {
        let dealer = [7u32, 7, 9];
        let advisor = ["ann", "bo", "ann"];
        let cols = [Keys::U32(&dealer), Keys::Str(&advisor)];
        let ts = [1_736_000_000i64, 1_738_700_000, 1_736_000_000];
        let g = group_by(
            &[10u8, 3, 9],
            &GroupOptions {
                keys: Some(Keys::Multi(&cols)),
                timestamps: Some(&ts),
                period: Some(Period::Month),
                ..Default::default()
            },
        )
        .unwrap();
        let t = g.to_table(&IntervalOptions::default()).unwrap();
        assert_eq!(t.n_keys, 2);
        assert_eq!(t.names()[..3], ["key_0", "key_1", "period"]);
        assert_eq!(
            t.column("key_0"),
            Some(&Column::U64(vec![Some(7), Some(7), Some(9)]))
        );
        assert_eq!(
            t.column("key_1"),
            Some(&Column::Str(vec![
                Some("ann".into()),
                Some("bo".into()),
                Some("ann".into())
            ]))
        );
        assert_eq!(
            t.column("nps"),
            Some(&Column::F64(vec![Some(100.0), Some(-100.0), Some(100.0)]))
        );
        // The score interval of one promoter of one: [(1 − z²)/(1 + z²), 1].
        let z2 = 1.959_963_984_540_054f64.powi(2);
        let Some(Column::F64(low)) = t.column("low") else {
            panic!()
        };
        assert!((low[0].unwrap() - 100.0 * (1.0 - z2) / (1.0 + z2)).abs() < 1e-7);
        let t = t.with_key_names(&["dealer", "advisor"]).unwrap();
        assert_eq!(t.names()[..2], ["dealer", "advisor"]);
        assert!(t.clone().with_key_names(&["dealer"]).is_err());
        assert!(t.clone().with_key_names(&["nps", "x"]).is_err());
        // Refused names rename nothing, not even the names before the bad one.
        let mut u = t.clone();
        for bad in [&["a", "nps"][..], &["a", "a"], &["a", ""], &["a"]] {
            assert!(u.rename_keys(bad).is_err(), "{bad:?}");
            assert_eq!(u, t, "{bad:?}");
        }
        u.rename_keys(&["d", "a"]).unwrap();
        assert_eq!(u.names()[..2], ["d", "a"]);
        assert_eq!(u.names()[2..], t.names()[2..]);
    }

    #[test]
    fn misplaced_interval_option_is_refused() {
        let g = group_by(&[9u8], &GroupOptions::default()).unwrap();
        let opts = IntervalOptions {
            prior: [2.0; 3],
            ..IntervalOptions::default()
        };
        assert!(g.to_table(&opts).is_err());
        let t = g.to_table(&IntervalOptions::default()).unwrap();
        assert_eq!(t.n_keys, 0);
        assert_eq!(t.names()[0], "n");
    }
}
