//! Programme analytics over recovery cases (`nps.recovery_stats`,
//! `nps.RecoveryStats`, `nps.RecoveryStatsTable`, `nps.RecoveryRate`, `nps.RecoveryBand`,
//! `nps.rank_open_cases`, `nps.RankedCase`): conversion only, the rules live in
//! `nps_core::programme`.

use crate::case::{policy_of, PyRecoveryCase};
use crate::column::{
    instants, labels, labels_or_missing, numbers, texts_or_missing, IntLabels, Labels, Numbers,
    TextInput,
};
use crate::errors::invalid_argument;
use crate::errors::CoreResult;
use crate::group::KeyColumns;
use crate::group::{frame_column, is_frame};
use crate::instant::seconds;
use crate::names::repr_str;
use crate::policy::PyPolicy;
use nps_core::case::Case;
use nps_core::event_log::{cases_from_columns, recovery_stats_from_columns, EventColumns};
use nps_core::group::{Codes, TextColumn as CoreTextColumn};
use nps_core::period::{parse_tz, Period};
use nps_core::programme::{
    rank_open_cases as core_rank, recovery_stats as core_stats,
    recovery_stats_from_case_columns as recovery_stats_from_case_columns_core,
    recovery_stats_table, recovery_stats_table_from_case_columns, CaseColumns, CaseTexts,
    ChannelRule, RankedCase, RecoveryBand, RecoveryRate, RecoveryStats, RecoveryStatsTable,
    StatsGrouping, StatsOptions,
};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::integrity::merge_key_names;
use crate::{state, table};

/// A rate with its numerator and denominator; `value` is None ("no data")
/// when the denominator is 0.
///
/// >>> r = nps.recovery_stats([]).launch_rate  # no low scores: no data
/// >>> r.value, r.numerator, r.denominator
/// (None, 0, 0)
#[pyclass(frozen, eq, module = "nps", name = "RecoveryRate")]
#[derive(PartialEq)]
pub(crate) struct PyRate(RecoveryRate);

#[pymethods]
impl PyRate {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().0)
    }

    /// The rate of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyRate(state::load(state)?))
    }

    /// numerator / denominator (a fraction 0–1), or None.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.0.value
    }
    /// Numerator.
    #[getter]
    fn numerator(&self) -> u64 {
        self.0.numerator
    }
    /// Denominator.
    #[getter]
    fn denominator(&self) -> u64 {
        self.0.denominator
    }

    fn __repr__(&self) -> String {
        format!(
            "RecoveryRate(value={}, numerator={}, denominator={})",
            self.0.value.map_or("None".into(), |v| v.to_string()),
            self.0.numerator,
            self.0.denominator
        )
    }
}

/// One band of a success split.
///
/// >>> [b.label for b in nps.recovery_stats([]).by_speed]
/// ['<= 6h', '<= 24h', '> 24h', 'not_contacted']
#[pyclass(frozen, eq, module = "nps", name = "RecoveryBand")]
#[derive(PartialEq)]
pub(crate) struct PyBand(RecoveryBand);

#[pymethods]
impl PyBand {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().0)
    }

    /// The band of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyBand(state::load(state)?))
    }

    /// RecoveryBand label ("<= 6h", "not_contacted", "none", "<= 500.00 CNY", "phone", ...).
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }
    /// Success: recovered / cases in the band.
    #[getter]
    fn success(&self) -> PyRate {
        PyRate(self.0.success)
    }
    /// The policy's expected success for a speed band, else None.
    #[getter]
    fn expected(&self) -> Option<f64> {
        self.0.expected
    }

    fn __repr__(&self) -> String {
        format!(
            "RecoveryBand(label={}, success={})",
            repr_str(&self.0.label),
            PyRate(self.0.success).__repr__()
        )
    }
}

/// Programme statistics of one group of recovery cases (SPEC §4.5). Every
/// rate is over `low_scores`.
///
/// >>> import datetime as dt
/// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
/// >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
/// ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
/// >>> c = nps.Case.from_events([opened], case_id="c1")
/// >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
/// >>> s = nps.recovery_stats([c])
/// >>> s.low_scores, s.launched, s.launch_rate.value  # acknowledged, not contacted yet
/// (1, 0, 0.0)
#[pyclass(frozen, eq, module = "nps", name = "RecoveryStats")]
#[derive(PartialEq)]
pub(crate) struct PyRecoveryStats(RecoveryStats);

#[pymethods]
impl PyRecoveryStats {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().0)
    }

    /// The statistics of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyRecoveryStats(state::load(state)?))
    }

    /// The statistics of this set of cases and of `other` (a disjoint set)
    /// together: equal to `recovery_stats` over both at once (counts,
    /// rates, top reasons, every split). Also `self + other`. Raises
    /// InvalidArgumentError (argument `other`) when the two were computed
    /// with different policies or `top_reasons`, or share a case id.
    ///
    /// >>> import datetime as dt
    /// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    /// >>> def case(i, reason):
    /// ...     return nps.Case.from_events([{"kind": "opened", "at": at, "score": 2, "reason": reason,
    /// ...         "high_value": False, "public_opinion_risk": False}], case_id=f"c{i}")
    /// >>> a = nps.recovery_stats([case(1, "wait")])
    /// >>> b = nps.recovery_stats([case(2, "price"), case(3, "price")])
    /// >>> m = a + b
    /// >>> m.low_scores, m.reasons[0][0]
    /// (3, 'price')
    fn merge(&self, other: &PyRecoveryStats) -> PyResult<PyRecoveryStats> {
        Ok(PyRecoveryStats(self.0.merge(&other.0).py()?))
    }

    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.cast::<PyRecoveryStats>() {
            Ok(o) => Ok(Py::new(py, self.merge(o.get())?)?.into_any()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    /// Low scores received (cases with an original score 0–6).
    #[getter]
    fn low_scores(&self) -> u64 {
        self.0.low_scores
    }
    /// Cases where a contact was made.
    #[getter]
    fn launched(&self) -> u64 {
        self.0.launched
    }
    /// First contact within 24 h of opening.
    #[getter]
    fn responded_24h(&self) -> u64 {
        self.0.responded_24h
    }
    /// Closed recovered or converted.
    #[getter]
    fn recovered(&self) -> u64 {
        self.0.recovered
    }
    /// Closed converted (a subset of recovered).
    #[getter]
    fn converted(&self) -> u64 {
        self.0.converted
    }
    /// Closed lost.
    #[getter]
    fn lost(&self) -> u64 {
        self.0.lost
    }
    /// launched / low_scores.
    #[getter]
    fn launch_rate(&self) -> PyRate {
        PyRate(self.0.launch_rate)
    }
    /// responded_24h / low_scores.
    #[getter]
    fn response_24h_rate(&self) -> PyRate {
        PyRate(self.0.response_24h_rate)
    }
    /// recovered / low_scores.
    #[getter]
    fn success_rate(&self) -> PyRate {
        PyRate(self.0.success_rate)
    }
    /// converted / low_scores.
    #[getter]
    fn conversion_rate(&self) -> PyRate {
        PyRate(self.0.conversion_rate)
    }
    /// lost / low_scores.
    #[getter]
    fn lost_rate(&self) -> PyRate {
        PyRate(self.0.lost_rate)
    }
    /// Top reasons as (reason, RecoveryRate) pairs, most frequent first.
    #[getter]
    fn reasons(&self) -> Vec<(String, PyRate)> {
        self.0
            .reasons
            .iter()
            .map(|r| (r.reason.clone(), PyRate(r.share)))
            .collect()
    }
    /// Success by response speed (the policy's bands, then "not_contacted").
    #[getter]
    fn by_speed(&self) -> Vec<PyBand> {
        self.0.by_speed.iter().cloned().map(PyBand).collect()
    }
    /// Success by compensation level (none, up to each tier cap, above).
    #[getter]
    fn by_compensation(&self) -> Vec<PyBand> {
        self.0.by_compensation.iter().cloned().map(PyBand).collect()
    }
    /// Success by apology channel, strongest first (visit, video, phone,
    /// message): by default the strongest channel used before the outcome,
    /// or the first contact's with `channel_rule="first_contact"`.
    #[getter]
    fn by_channel(&self) -> Vec<PyBand> {
        self.0.by_channel.iter().cloned().map(PyBand).collect()
    }
    /// Success by compensation against the customer's expectation: "none"
    /// (no accepted package), "standard", "over_expectation" (an accepted
    /// package marked so, or whose total exceeds the stated expectation).
    #[getter]
    fn by_expectation(&self) -> Vec<PyBand> {
        self.0.by_expectation.iter().cloned().map(PyBand).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "RecoveryStats(low_scores={}, launched={}, responded_24h={}, recovered={}, converted={}, lost={})",
            self.0.low_scores, self.0.launched, self.0.responded_24h, self.0.recovered,
            self.0.converted, self.0.lost
        )
    }
}

/// Programme statistics per period and/or dealer.
///
/// >>> import datetime as dt
/// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
/// >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
/// ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
/// >>> c = nps.Case.from_events([opened], case_id="c1")
/// >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
/// >>> t = nps.recovery_stats([c], by="dealer")
/// >>> len(t), t.to_dict()["dealer"]
/// (1, ['D1'])
#[pyclass(frozen, eq, module = "nps", name = "RecoveryStatsTable")]
#[derive(PartialEq)]
pub(crate) struct PyRecoveryStatsTable {
    table: RecoveryStatsTable,
    /// The names of the key columns, when known (named Series).
    key_names: Vec<Option<String>>,
}

/// What a pickled `RecoveryStatsTable` holds: the core table and the key
/// names.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedStatsTable {
    table: RecoveryStatsTable,
    key_names: Vec<Option<String>>,
}

impl nps_core::state::Saved for SavedStatsTable {
    const KIND: &'static str = "RecoveryStatsTable";
    fn check(&self) -> nps_core::Result<()> {
        self.table.check()
    }
}

#[pymethods]
impl PyRecoveryStatsTable {
    fn __len__(&self) -> usize {
        self.table.len()
    }

    /// Row `index` as (period, dealer, RecoveryStats).
    fn __getitem__(
        &self,
        index: isize,
    ) -> PyResult<(Option<String>, Option<String>, PyRecoveryStats)> {
        let n = self.table.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if !(0..n).contains(&i) {
            return Err(PyIndexError::new_err("row index out of range"));
        }
        let r = (self.table.row(i as usize))
            .ok_or_else(|| PyIndexError::new_err("row index out of range"))?;
        Ok((r.period, r.dealer, PyRecoveryStats(r.stats)))
    }

    /// The table as columns for `nps/_table.py` (`to_arrow`, `to_pandas`,
    /// `to_polars`, `to_dict`): `dealer` (when grouped by dealer), the key
    /// columns (named after the key columns given when known, else `key`
    /// or `key_0`, `key_1`, ...), `period` (the local first day, when
    /// grouped by period), the six counts and the five rates' values
    /// (None = no data).
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = self.table.to_table();
        let mut names: Vec<Option<String>> = Vec::new();
        if self.table.dealer {
            names.push(Some("dealer".into()));
        }
        names.extend(self.key_names.iter().cloned());
        table::columns(py, table::named(t, &names))
    }

    /// This table and `other` (of a disjoint set of cases) together:
    /// groups in both merge, the others are kept; equal to
    /// `recovery_stats` over both sets at once. Also `self + other`.
    /// Raises InvalidArgumentError (argument `other`) when the two were
    /// grouped differently, computed with different policies or options,
    /// or share a case id.
    ///
    /// >>> import datetime as dt
    /// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    /// >>> def case(i, dealer):
    /// ...     return nps.Case.from_events([{"kind": "opened", "at": at, "score": 2, "reason": "wait",
    /// ...         "dealer": dealer, "high_value": False, "public_opinion_risk": False}], case_id=f"c{i}")
    /// >>> a = nps.recovery_stats([case(1, "D1"), case(2, "D2")], by="dealer")
    /// >>> b = nps.recovery_stats([case(3, "D1")], by="dealer")
    /// >>> (a + b).to_dict()["low_scores"]
    /// [2, 1]
    fn merge(&self, other: &PyRecoveryStatsTable) -> PyResult<PyRecoveryStatsTable> {
        Ok(PyRecoveryStatsTable {
            table: self.table.merge(&other.table).py()?,
            key_names: merge_key_names(&self.key_names, &other.key_names)?,
        })
    }

    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.cast::<PyRecoveryStatsTable>() {
            Ok(o) => Ok(Py::new(py, self.merge(o.get())?)?.into_any()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedStatsTable {
            table: me.table.clone(),
            key_names: me.key_names.clone(),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The table of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedStatsTable = state::load(state)?;
        Ok(PyRecoveryStatsTable {
            table: s.table,
            key_names: s.key_names,
        })
    }

    fn __repr__(&self) -> String {
        format!("<RecoveryStatsTable: {} rows>", self.table.len())
    }
}

/// The `nps.Case`s of `cases`, borrowed (the statistics read the core
/// cases in place, no copy).
fn core_cases<'py>(cases: &Bound<'py, PyAny>) -> PyResult<Vec<PyRef<'py, PyRecoveryCase>>> {
    if cases.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err("`cases` must be a list of nps.Case"));
    }
    let n = cases.len().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    for (i, c) in cases.try_iter()?.enumerate() {
        let c = c?;
        let c = c
            .cast_into::<PyRecoveryCase>()
            .map_err(|_| PyTypeError::new_err(format!("cases[{i}] must be an nps.Case")))?;
        out.push(c.try_borrow()?);
    }
    Ok(out)
}

/// The column names of the DataFrame form of `recovery_stats` (one row
/// per case event), by argument.
struct EventNames<'a> {
    names: [(&'static str, Option<&'a str>); 16],
}

impl<'a> EventNames<'a> {
    fn get(&self, arg: &str) -> Option<&'a str> {
        self.names
            .iter()
            .find(|(a, _)| *a == arg)
            .and_then(|(_, n)| *n)
    }
}

/// The strings of a text column; a column with no string to show its
/// type by (empty, or every row missing) holds placeholders.
fn strs_of<'l>(l: &'l Labels<'_>, mask: Option<&[bool]>, arg: &str) -> PyResult<Vec<&'l str>> {
    if let Some(s) = l.strs() {
        return Ok(s);
    }
    let n = match l.ints()? {
        Some(IntLabels::U32(a)) => Some(a.len()),
        Some(IntLabels::U64(a)) => Some(a.len()),
        Some(IntLabels::I64(a)) => Some(a.len()),
        None => None,
    };
    match n {
        Some(n) if n == 0 || mask.is_some_and(|m| m.iter().all(|&b| b)) => Ok(vec![""; n]),
        _ => Err(PyTypeError::new_err(format!(
            "`{arg}` must be a column of strings"
        ))),
    }
}

/// The texts of a column, `None` at the rows `mask` marks missing.
fn masked_strs<'t>(
    l: &'t Labels<'_>,
    mask: Option<&[bool]>,
    arg: &str,
) -> PyResult<Vec<Option<&'t str>>> {
    let s = strs_of(l, mask, arg)?;
    Ok(match mask {
        Some(m) => s
            .into_iter()
            .zip(m)
            .map(|(s, &m)| (!m).then_some(s))
            .collect(),
        None => s.into_iter().map(Some).collect(),
    })
}

/// A text column of an event table as read (labels and missing rows), or
/// `None` when not named.
type TextColumn<'py> = Option<(Labels<'py>, Option<Vec<bool>>)>;

/// A text column of a case table as read (not named: `None`), with its
/// missing rows: Arrow views are checked by nps-core, once per distinct
/// text.
type CaseTextColumn<'py> = Option<(TextInput<'py>, Option<Vec<bool>>)>;

/// Text columns of an event table: `None` at the missing rows; a column
/// not named is empty.
fn event_texts<'t>(
    cols: &'t [TextColumn<'_>],
    args: &[&'static str],
) -> PyResult<Vec<Vec<Option<&'t str>>>> {
    cols.iter()
        .zip(args)
        .map(|(c, arg)| match c {
            None => Ok(Vec::new()),
            Some((l, mask)) => masked_strs(l, mask.as_deref(), arg),
        })
        .collect()
}

/// What the DataFrame form gives: the statistics (no grouping) or the
/// cases (grouped by the caller's options afterwards).
enum FromEvents {
    Stats(Box<RecoveryStats>),
    Cases(Vec<Case>),
}

/// The DataFrame form of `recovery_stats`: the columns of `df` named in
/// `names` handed to nps-core's `event_log` (which builds the cases and
/// reports bad rows).
fn from_event_table(
    py: Python<'_>,
    df: &Bound<'_, PyAny>,
    names: &EventNames<'_>,
    stats: Option<(&nps_core::policy::Policy, &StatsOptions)>,
) -> PyResult<FromEvents> {
    let col = |arg: &'static str| -> PyResult<Option<Bound<'_, PyAny>>> {
        names
            .get(arg)
            .map(|n| {
                frame_column(df, n)
                    .map_err(|_| invalid_argument(arg, format!("the table has no column {n:?}")))
            })
            .transpose()
    };
    let need = |arg: &'static str| {
        col(arg)?
            .ok_or_else(|| invalid_argument(arg, "the DataFrame form needs it (a column name)"))
    };
    let (case, event, at) = (need("case")?, need("event")?, need("at")?);
    // Case ids: strings, or integers as their decimal text.
    let case = labels(&case, "case")?;
    let int_ids: Vec<String> = match case.ints()? {
        Some(IntLabels::U32(a)) => a.iter().map(u32::to_string).collect(),
        Some(IntLabels::U64(a)) => a.iter().map(u64::to_string).collect(),
        Some(IntLabels::I64(a)) => a.iter().map(i64::to_string).collect(),
        None => Vec::new(),
    };
    let case_ids: Vec<&str> = match case.strs() {
        Some(s) => s,
        None => int_ids.iter().map(String::as_str).collect(),
    };
    let event = labels(&event, "event")?;
    let events = strs_of(&event, None, "event")?;
    // A missing instant is i64::MIN, which nps-core reports with its case
    // and row.
    let at = instants(&at)?;
    let at = at.as_slice()?;
    let number = |arg: &'static str| -> PyResult<Vec<f64>> {
        col(arg)?
            .map(|c| Ok(numbers(&c, arg)?.to_f64()?.into_owned()))
            .unwrap_or_else(|| Ok(Vec::new()))
    };
    let flag = |arg: &'static str| -> PyResult<Vec<bool>> {
        col(arg)?
            .map(|c| crate::kpi::flags(&c, arg))
            .unwrap_or_else(|| Ok(Vec::new()))
    };
    let (score, value) = (number("score")?, number("value")?);
    let (high_value, risk) = (flag("high_value")?, flag("public_opinion_risk")?);
    let (over_expectation, expectation) = (flag("over_expectation")?, number("expectation")?);
    let text_args = [
        "reason",
        "dealer",
        "channel",
        "responsibility",
        "currency",
        "layer",
        "outcome",
    ];
    let text_cols = text_args
        .iter()
        .map(|&arg| col(arg)?.map(|c| labels_or_missing(&c, arg)).transpose())
        .collect::<PyResult<Vec<_>>>()?;
    let t = event_texts(&text_cols, &text_args)?;
    let cols = EventColumns {
        case: &case_ids,
        event: &events,
        at,
        score: &score,
        reason: &t[0],
        high_value: &high_value,
        public_opinion_risk: &risk,
        dealer: &t[1],
        channel: &t[2],
        responsibility: &t[3],
        value: &value,
        currency: &t[4],
        layer: &t[5],
        outcome: &t[6],
        over_expectation: &over_expectation,
        expectation: &expectation,
    };
    Ok(match stats {
        Some((p, o)) => FromEvents::Stats(Box::new(
            py.detach(|| recovery_stats_from_columns(&cols, p, o))
                .py()?,
        )),
        None => FromEvents::Cases(py.detach(|| cases_from_columns(&cols)).py()?),
    })
}

/// Programme statistics (SPEC §4.5) of `cases` (a list of `nps.Case`):
/// one `RecoveryStats`, or with `period` ("day", "week", "month",
/// "quarter"; a case falls in the period of its opening instant in `tz`)
/// and/or `by="dealer"` and/or `keys` a `RecoveryStatsTable`. `keys` is
/// a key column with one key per case (e.g. the advisor, strings or
/// integers) or a list of such columns (e.g. `[region, advisor]`): groups
/// are period, then dealer, then key, and the table's `key` column holds
/// each group's key (a tuple for several columns).
///
/// The DataFrame form: an event table (pandas, polars, pyarrow, anything
/// with `__arrow_c_stream__`) first, one row per case event, with `case=`
/// (the case id), `event=` (the kind: "opened", "acknowledged",
/// "contacted", "investigated", "solution_proposed", "solution_accepted",
/// "execution_started", "executed", "followed_up", "rerated", "closed",
/// "reviewed") and `at=`
/// (the instant: aware datetimes, datetime64 as UTC, or Unix seconds)
/// naming its columns, and the columns of the fields the events carry:
/// `score=` (opened, rerated), `reason=`, `high_value=`,
/// `public_opinion_risk=`, `dealer=` (opened), `channel=` (contacted),
/// `responsibility=` (investigated), `outcome=` (closed) and, one row per
/// package item of `solution_proposed`, `value=` (minor units),
/// `currency=`, `layer=` (the rows of a case at one instant are one
/// package), optionally `over_expectation=` (booleans: the package is
/// marked over the customer's expectation) and `expectation=` (the
/// customer's stated expectation in minor units, NaN/None = not given).
/// `channel_rule=` sets the apology channel of `by_channel`: "strongest"
/// (the strongest channel used before the outcome, visit > video > phone >
/// message) or "first_contact"; not given is nps-core's default
/// (`StatsOptions::default()`, "strongest"). A case's rows are taken in time order (ties in row order).
/// The result equals building the same `Case`s event by event. A bad row
/// (unknown event, missing instant or field, an event the case refuses
/// such as a second "opened") raises InvalidValueError /
/// InvalidEventError naming the case id and the row (`.index`); `keys`
/// is not taken with a table.
///
/// >>> import datetime as dt
/// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
/// >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
/// ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
/// >>> c = nps.Case.from_events([opened], case_id="c1")
/// >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
/// >>> nps.recovery_stats([c]).low_scores
/// 1
/// >>> import pandas as pd
/// >>> log = pd.DataFrame({"case_id": ["c1", "c2", "c1", "c1", "c1"],
/// ...     "event": ["opened", "opened", "acknowledged", "contacted", "closed"],
/// ...     "at": pd.to_datetime([0, 0, 600, 3600, 7200], unit="s", utc=True),
/// ...     "score": [3, 5, None, None, None], "reason": ["wait", "price", None, None, None],
/// ...     "channel": [None, None, None, "phone", None],
/// ...     "outcome": [None, None, None, None, "recovered"]})
/// >>> s = nps.recovery_stats(log, case="case_id", event="event", at="at", score="score",
/// ...     reason="reason", channel="channel", outcome="outcome")
/// >>> s.low_scores, s.launched, s.recovered
/// (2, 1, 1)
#[pyfunction]
#[pyo3(signature = (cases, *, policy = None, period = None, by = None, tz = None, top_reasons = None, keys = None, case = None, event = None, at = None, score = None, reason = None, high_value = None, public_opinion_risk = None, dealer = None, channel = None, responsibility = None, value = None, currency = None, layer = None, outcome = None, over_expectation = None, expectation = None, channel_rule = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn recovery_stats(
    py: Python<'_>,
    cases: &Bound<'_, PyAny>,
    policy: Option<&Bound<'_, PyPolicy>>,
    period: Option<&str>,
    by: Option<&str>,
    tz: Option<&str>,
    top_reasons: Option<usize>,
    keys: Option<&Bound<'_, PyAny>>,
    case: Option<&str>,
    event: Option<&str>,
    at: Option<&str>,
    score: Option<&str>,
    reason: Option<&str>,
    high_value: Option<&str>,
    public_opinion_risk: Option<&str>,
    dealer: Option<&str>,
    channel: Option<&str>,
    responsibility: Option<&str>,
    value: Option<&str>,
    currency: Option<&str>,
    layer: Option<&str>,
    outcome: Option<&str>,
    over_expectation: Option<&str>,
    expectation: Option<&str>,
    channel_rule: Option<&str>,
) -> PyResult<Py<PyAny>> {
    let names = EventNames {
        names: [
            ("case", case),
            ("event", event),
            ("at", at),
            ("score", score),
            ("reason", reason),
            ("high_value", high_value),
            ("public_opinion_risk", public_opinion_risk),
            ("dealer", dealer),
            ("channel", channel),
            ("responsibility", responsibility),
            ("value", value),
            ("currency", currency),
            ("layer", layer),
            ("outcome", outcome),
            ("over_expectation", over_expectation),
            ("expectation", expectation),
        ],
    };
    let policy = policy_of(policy);
    let options = stats_options(top_reasons, channel_rule)?;
    let held;
    let owned;
    let cases: Vec<&Case> = if is_frame(cases)? {
        if keys.is_some_and(|k| !k.is_none()) {
            return Err(crate::errors::invalid_argument(
                "keys",
                "not with an event table (keys are per case); group by period or dealer",
            ));
        }
        let grouped = period.is_some() || by.is_some();
        match from_event_table(py, cases, &names, (!grouped).then_some((&policy, &options)))? {
            FromEvents::Stats(s) => return Ok(Py::new(py, PyRecoveryStats(*s))?.into_any()),
            FromEvents::Cases(c) => {
                owned = c;
                owned.iter().collect()
            }
        }
    } else {
        if let Some((arg, _)) = names.names.iter().find(|(_, n)| n.is_some()) {
            return Err(crate::errors::invalid_argument(
                arg,
                "names a column of an event table passed first (a DataFrame)",
            ));
        }
        held = core_cases(cases)?;
        held.iter().map(|c| &c.c).collect()
    };
    let key_cols = keys.map(|k| KeyColumns::new(k, "keys")).transpose()?;
    let grouping = stats_grouping(period, by, tz)?;
    if grouping.period.is_none() && !grouping.dealer && key_cols.is_none() {
        let s = py.detach(|| core_stats(&cases, &policy, &options)).py()?;
        return Ok(Py::new(py, PyRecoveryStats(s))?.into_any());
    }
    let table = match &key_cols {
        Some(k) => k.with(|keys| {
            py.detach(|| recovery_stats_table(&cases, &policy, &options, &grouping, Some(keys)))
        })?,
        None => py.detach(|| recovery_stats_table(&cases, &policy, &options, &grouping, None)),
    }
    .py()?;
    let key_names = key_cols.map(|k| k.names).unwrap_or_default();
    Ok(Py::new(py, PyRecoveryStatsTable { table, key_names })?.into_any())
}

/// The decimal texts of an integer column with missing rows (empty for
/// any other column).
fn masked_int_texts(col: &CaseTextColumn<'_>) -> PyResult<Vec<String>> {
    let Some((TextInput::Labels(l), Some(_))) = col else {
        return Ok(Vec::new());
    };
    Ok(match l.ints()? {
        Some(IntLabels::U32(a)) => a.iter().map(u32::to_string).collect(),
        Some(IntLabels::U64(a)) => a.iter().map(u64::to_string).collect(),
        Some(IntLabels::I64(a)) => a.iter().map(i64::to_string).collect(),
        None => Vec::new(),
    })
}

/// A text column of a case table as read, in the form nps-core reads in
/// place ([`CaseTexts`]): integers, Arrow text, dictionary codes (with
/// their labels), or one text per row.
enum CaseText<'t> {
    Absent,
    /// A `utf8_view` chunk: its views, buffers and missing rows.
    Views(&'t [u8], Vec<&'t [u8]>, &'t [bool]),
    Ints(IntLabels<'t>),
    Arrow(Box<dyn CoreTextColumn + 't>, &'t [bool]),
    Coded(Codes<'t>, Vec<&'t str>, &'t [bool]),
    Rows(Vec<Option<&'t str>>),
}

impl<'t> CaseText<'t> {
    /// Column `arg` of a case table (not named: absent).
    /// `owned`: the decimal texts of an integer column with missing rows
    /// ([`masked_int_texts`]).
    fn of(
        col: &'t CaseTextColumn<'_>,
        owned: &'t [String],
        arg: &'static str,
    ) -> PyResult<CaseText<'t>> {
        let Some((input, mask)) = col else {
            return Ok(CaseText::Absent);
        };
        let missing: &[bool] = mask.as_deref().unwrap_or_default();
        let l = match input {
            TextInput::Views(v) => return Ok(CaseText::Views(v.views(), v.buffers(), missing)),
            TextInput::Labels(l) => l,
        };
        if let Some(ints) = l.ints()? {
            if missing.is_empty() {
                return Ok(CaseText::Ints(ints));
            }
            // Integers with missing rows: their decimal texts.
            return Ok(CaseText::Rows(
                owned
                    .iter()
                    .zip(missing)
                    .map(|(s, &m)| (!m).then_some(s.as_str()))
                    .collect(),
            ));
        }
        if let Some(t) = l.text() {
            return Ok(CaseText::Arrow(Box::new(t), missing));
        }
        let labels = l.code_labels();
        if let (Some(labels), Some(codes)) = (labels, l.codes()) {
            return Ok(CaseText::Coded(codes, labels, missing));
        }
        Ok(CaseText::Rows(masked_strs(l, mask.as_deref(), arg)?))
    }

    /// The column as nps-core reads it.
    fn texts(&self) -> CaseTexts<'_> {
        match self {
            CaseText::Absent => CaseTexts::Rows(&[]),
            CaseText::Views(views, buffers, missing) => CaseTexts::Views {
                views,
                buffers,
                missing,
            },
            CaseText::Ints(IntLabels::U32(a)) => CaseTexts::U32(a),
            CaseText::Ints(IntLabels::U64(a)) => CaseTexts::U64(a),
            CaseText::Ints(IntLabels::I64(a)) => CaseTexts::I64(a),
            CaseText::Arrow(t, missing) => CaseTexts::Column {
                texts: &**t,
                missing,
            },
            CaseText::Coded(codes, labels, missing) => CaseTexts::Coded {
                codes: *codes,
                labels,
                missing,
            },
            CaseText::Rows(r) => CaseTexts::Rows(r),
        }
    }
}

/// Programme statistics (SPEC §4.5) of a case table: `table` (pandas,
/// polars, pyarrow, anything with `__arrow_c_stream__`) has one row per
/// case, and the keywords name its columns. The statistics are computed
/// in nps-core from the columns, without building `nps.Case` objects, and
/// equal `recovery_stats` of cases whose state says what the rows say.
///
/// Columns: `case=` (the case id: strings, or integers, kept as numbers:
/// the case 7 is the case "7"), `opened=` (the opening instant: aware datetimes, datetime64 as
/// UTC, or Unix seconds), `score=` (the original score, a whole number
/// 0–10; a `uint8` column is read in place) and `reason=` (the low-score
/// reason) are required; `dealer=`
/// (strings or integers), `contacted=` (the first contact, an instant;
/// missing = never contacted), `channel=` (the apology channel of a
/// contacted case: "phone", "visit", "message", "video", as `channel_rule`
/// picks it), `outcome=` ("recovered", "converted", "lost"; missing =
/// open), `compensation=` (the total of the accepted packages in minor
/// units of the policy's currency; NaN/None = none) and
/// `over_expectation=` (booleans) are optional. `period`, `by`, `tz`,
/// `keys`, `top_reasons`, `channel_rule` and `policy` are those of
/// `recovery_stats` (one `RecoveryStats`, or a `RecoveryStatsTable` when
/// grouped). Text columns may be strings (Arrow strings are read in
/// place) or categoricals (read by their codes): each distinct reason,
/// dealer, channel and outcome is looked up once.
///
/// A bad row (missing score, unknown channel, a contact before the
/// opening, a recovered case never contacted, ...) raises
/// InvalidValueError naming the case id, the column and the row
/// (`.index`).
///
/// >>> import pandas as pd
/// >>> cases = pd.DataFrame({"case_id": ["c1", "c2", "c3"], "opened": [0, 0, 0],
/// ...     "score": [3, 5, 9], "reason": ["wait", "price", "none"],
/// ...     "contacted": [3600, None, None], "channel": ["visit", None, None],
/// ...     "outcome": ["recovered", None, None]})
/// >>> s = nps.recovery_stats_from_case_columns(cases, case="case_id", opened="opened",
/// ...     score="score", reason="reason", contacted="contacted", channel="channel",
/// ...     outcome="outcome")
/// >>> s.low_scores, s.launched, s.recovered
/// (2, 1, 1)
#[pyfunction]
#[pyo3(signature = (table, *, case, opened, score, reason, dealer = None, contacted = None, channel = None, outcome = None, compensation = None, over_expectation = None, policy = None, period = None, by = None, tz = None, top_reasons = None, keys = None, channel_rule = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn recovery_stats_from_case_columns(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    case: &str,
    opened: &str,
    score: &str,
    reason: &str,
    dealer: Option<&str>,
    contacted: Option<&str>,
    channel: Option<&str>,
    outcome: Option<&str>,
    compensation: Option<&str>,
    over_expectation: Option<&str>,
    policy: Option<&Bound<'_, PyPolicy>>,
    period: Option<&str>,
    by: Option<&str>,
    tz: Option<&str>,
    top_reasons: Option<usize>,
    keys: Option<&Bound<'_, PyAny>>,
    channel_rule: Option<&str>,
) -> PyResult<Py<PyAny>> {
    let col = |arg: &'static str, name: &str| -> PyResult<Bound<'_, PyAny>> {
        frame_column(table, name)
            .map_err(|_| invalid_argument(arg, format!("the table has no column {name:?}")))
    };
    let opt = |arg: &'static str, name: Option<&str>| name.map(|n| col(arg, n)).transpose();
    let text = |arg: &'static str, name: Option<&str>| -> PyResult<CaseTextColumn<'_>> {
        opt(arg, name)?
            .map(|c| texts_or_missing(&c, arg))
            .transpose()
    };
    let case_col = text("case", Some(case))?;
    let opened = instants(&col("opened", opened)?)?;
    let contacted = opt("contacted", contacted)?
        .map(|c| instants(&c))
        .transpose()?;
    let opened = opened.as_slice()?;
    let contacted = match &contacted {
        Some(c) => c.as_slice()?,
        None => &[],
    };
    // Byte scores (numpy `uint8`, Arrow `UInt8`) are read in place, other
    // numbers as doubles.
    let score = numbers(&col("score", score)?, "score")?;
    let (score, score_u8) = match &score {
        Numbers::U8(bytes) => (std::borrow::Cow::Borrowed(&[][..]), bytes.as_slice()?),
        other => (other.to_f64()?, &[][..]),
    };
    let compensation = opt("compensation", compensation)?
        .map(|c| Ok::<_, PyErr>(numbers(&c, "compensation")?.to_f64()?.into_owned()))
        .transpose()?
        .unwrap_or_default();
    let over = opt("over_expectation", over_expectation)?
        .map(|c| crate::kpi::flags(&c, "over_expectation"))
        .transpose()?
        .unwrap_or_default();
    let reason_col = text("reason", Some(reason))?;
    let dealer_col = text("dealer", dealer)?;
    let channel_col = text("channel", channel)?;
    let outcome_col = text("outcome", outcome)?;
    let owned: Vec<Vec<String>> = [
        &case_col,
        &reason_col,
        &dealer_col,
        &channel_col,
        &outcome_col,
    ]
    .into_iter()
    .map(masked_int_texts)
    .collect::<PyResult<_>>()?;
    let ids = CaseText::of(&case_col, &owned[0], "case")?;
    let reasons = CaseText::of(&reason_col, &owned[1], "reason")?;
    let dealers = CaseText::of(&dealer_col, &owned[2], "dealer")?;
    let channels = CaseText::of(&channel_col, &owned[3], "channel")?;
    let outcomes = CaseText::of(&outcome_col, &owned[4], "outcome")?;
    let cols = CaseColumns {
        case: ids.texts(),
        opened,
        score: &score,
        score_u8,
        reason: reasons.texts(),
        dealer: dealers.texts(),
        contacted,
        channel: channels.texts(),
        outcome: outcomes.texts(),
        compensation: &compensation,
        over_expectation: &over,
    };
    let policy = policy_of(policy);
    let options = stats_options(top_reasons, channel_rule)?;
    let key_cols = keys.map(|k| KeyColumns::new(k, "keys")).transpose()?;
    let grouping = stats_grouping(period, by, tz)?;
    if grouping.period.is_none() && !grouping.dealer && key_cols.is_none() {
        let s = py
            .detach(|| recovery_stats_from_case_columns_core(&cols, &policy, &options))
            .py()?;
        return Ok(Py::new(py, PyRecoveryStats(s))?.into_any());
    }
    let table = match &key_cols {
        Some(k) => k.with(|keys| {
            py.detach(|| {
                recovery_stats_table_from_case_columns(
                    &cols,
                    &policy,
                    &options,
                    &grouping,
                    Some(keys),
                )
            })
        })?,
        None => py.detach(|| {
            recovery_stats_table_from_case_columns(&cols, &policy, &options, &grouping, None)
        }),
    }
    .py()?;
    let key_names = key_cols.map(|k| k.names).unwrap_or_default();
    Ok(Py::new(py, PyRecoveryStatsTable { table, key_names })?.into_any())
}

/// The options of `recovery_stats`: `None` is nps-core's default.
fn stats_options(top_reasons: Option<usize>, channel_rule: Option<&str>) -> PyResult<StatsOptions> {
    let defaults = StatsOptions::default();
    Ok(StatsOptions {
        top_reasons: top_reasons.unwrap_or(defaults.top_reasons),
        channel_rule: channel_rule
            .map(ChannelRule::from_name)
            .transpose()
            .py()?
            .unwrap_or(defaults.channel_rule),
    })
}

/// `period`, `by` and `tz` of `recovery_stats`: by dealer, the period, the
/// zone (not given: UTC, nps-core's default of every grouping).
fn stats_grouping(
    period: Option<&str>,
    by: Option<&str>,
    tz: Option<&str>,
) -> PyResult<StatsGrouping> {
    let dealer = match by {
        None => false,
        Some("dealer") => true,
        Some(other) => {
            return Err(crate::errors::invalid_argument(
                "by",
                format!("unknown grouping `{other}` (expected \"dealer\" or None)"),
            ))
        }
    };
    let period = period.map(Period::from_name).transpose().py()?;
    let zone = parse_tz(tz.unwrap_or(nps_core::period::DEFAULT_TZ)).py()?;
    Ok(StatsGrouping {
        dealer,
        period: period.map(|p| (p, zone)),
    })
}

/// An open case ranked by expected recovered value.
///
/// >>> import datetime as dt
/// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
/// >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
/// ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
/// >>> c = nps.Case.from_events([opened], case_id="c1")
/// >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
/// >>> r = nps.rank_open_cases([c], [1000.0], at + dt.timedelta(hours=1))[0]
/// >>> r.case_id, r.band_label
/// ('c1', '<= 6h')
#[pyclass(frozen, eq, module = "nps", name = "RankedCase")]
#[derive(PartialEq)]
pub(crate) struct PyRanked(RankedCase);

#[pymethods]
impl PyRanked {
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        state::reduce(slf.as_any(), &slf.get().0)
    }

    /// The ranked case of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyRanked(state::load(state)?))
    }

    /// Position of the case in the input list.
    #[getter]
    fn index(&self) -> usize {
        self.0.index
    }
    /// Case id.
    #[getter]
    fn case_id(&self) -> &str {
        &self.0.case_id
    }
    /// Speed band (index into the policy's success_by_speed).
    #[getter]
    fn band(&self) -> usize {
        self.0.band
    }
    /// Its label ("<= 6h", ...).
    #[getter]
    fn band_label(&self) -> &str {
        &self.0.band_label
    }
    /// Success probability of the band.
    #[getter]
    fn probability(&self) -> f64 {
        self.0.probability
    }
    /// The customer value given.
    #[getter]
    fn value(&self) -> f64 {
        self.0.value
    }
    /// probability × value.
    #[getter]
    fn expected(&self) -> f64 {
        self.0.expected
    }

    fn __repr__(&self) -> String {
        format!(
            "RankedCase(case_id={}, band={}, probability={}, expected={})",
            repr_str(&self.0.case_id),
            repr_str(&self.0.band_label),
            self.0.probability,
            self.0.expected
        )
    }
}

/// Open cases ranked by expected recovered value (success probability of
/// the response-speed band × `values[i]`), descending, ties by case id.
/// `values` is a column (list, numpy, pandas, polars) of the same length.
///
/// >>> import datetime as dt
/// >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
/// >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
/// ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
/// >>> c = nps.Case.from_events([opened], case_id="c1")
/// >>> c.apply({"kind": "acknowledged", "at": at + dt.timedelta(minutes=20)})
/// >>> [r.case_id for r in nps.rank_open_cases([c], [1000.0], at + dt.timedelta(hours=1))]
/// ['c1']
#[pyfunction]
#[pyo3(signature = (cases, values, now, *, policy = None))]
pub(crate) fn rank_open_cases(
    py: Python<'_>,
    cases: &Bound<'_, PyAny>,
    values: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    policy: Option<&Bound<'_, PyPolicy>>,
) -> PyResult<Vec<PyRanked>> {
    let cases = core_cases(cases)?;
    let cases: Vec<&Case> = cases.iter().map(|c| &c.c).collect();
    let values = numbers(values, "values")?;
    let values = values.to_f64()?.into_owned();
    let now = seconds(now, "now")?;
    let policy = policy_of(policy);
    let ranked = py
        .detach(|| core_rank(&cases, &values, &policy, now))
        .py()?;
    Ok(ranked.into_iter().map(PyRanked).collect())
}
