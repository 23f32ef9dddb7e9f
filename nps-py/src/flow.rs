//! Repair-order timelines (`nps.flow`): thin wrappers of `nps_core::flow`.
//! The milestone table's columns are converted (repair orders and
//! milestone names read in place as keys, instants as Unix seconds), the
//! options taken from keywords (None = the core's default); every rule
//! lives in nps-core. The Python module `nps/flow.py` gives these
//! functions their public names and signatures.

use nps_core::flow::{
    self, Distribution, FlowOptions, FlowPolicy, MilestoneSpec, Milestones, OnAnomaly,
    PromiseReport, SilenceReport, StageReport, StageSpec,
};
use nps_core::group::{Grouping, Keys};
use nps_core::table::Table;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde::{Deserialize, Serialize};

use crate::calendar::PyCalendar;
use crate::column::{instants, Categories};
use crate::errors::{invalid_argument, CoreResult};
use crate::group::{key_to_py, KeyColumns};
use crate::instant::duration_seconds;
use crate::kpi::{group_args, key_categories, key_names, Form};
use crate::{state, table};

/// A distribution: `n` values, their `mean`, `median` and `p90` (Hyndman &
/// Fan type 7 quantiles; None without values).
///
/// >>> d = nps.flow.Distribution(3, 2.0, 2.0, 2.8)
/// >>> d.n, d.median
/// (3, 2.0)
#[pyclass(frozen, eq, module = "nps.flow", name = "Distribution")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyDistribution {
    d: Distribution,
}

#[pymethods]
impl PyDistribution {
    #[new]
    #[pyo3(signature = (n, mean, median, p90))]
    fn new(n: u64, mean: Option<f64>, median: Option<f64>, p90: Option<f64>) -> Self {
        PyDistribution {
            d: Distribution {
                n,
                mean,
                median,
                p90,
            },
        }
    }

    /// Number of values.
    #[getter]
    fn n(&self) -> u64 {
        self.d.n
    }

    /// Mean (None without values).
    #[getter]
    fn mean(&self) -> Option<f64> {
        self.d.mean
    }

    /// Median (type 7).
    #[getter]
    fn median(&self) -> Option<f64> {
        self.d.median
    }

    /// 90th percentile (type 7).
    #[getter]
    fn p90(&self) -> Option<f64> {
        self.d.p90
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let d = slf.get().d;
        let args = (d.n, d.mean, d.median, d.p90).into_pyobject(slf.py())?;
        PyTuple::new(slf.py(), [slf.get_type().into_any(), args.into_any()])
    }

    fn __repr__(&self) -> String {
        let f = |v: Option<f64>| v.map_or("None".to_owned(), |v| format!("{v:?}"));
        format!(
            "Distribution(n={}, mean={}, median={}, p90={})",
            self.d.n,
            f(self.d.mean),
            f(self.d.median),
            f(self.d.p90)
        )
    }
}

/// The Python `Distribution` of a core one.
pub(crate) fn dist(d: &Distribution) -> PyDistribution {
    PyDistribution { d: *d }
}

/// The report behind a `FlowReport`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "report", rename_all = "snake_case")]
enum Report {
    Stages(StageReport),
    Promises(PromiseReport),
    Silence(SilenceReport),
}

#[derive(Serialize, Deserialize)]
struct SavedFlowReport {
    report: Report,
    key_names: Vec<Option<String>>,
    categories: Vec<Option<Categories>>,
}

impl nps_core::state::Saved for SavedFlowReport {
    const KIND: &'static str = "nps.flow.FlowReport";
}

/// The result of `nps.flow.stages`, `nps.flow.promises` or
/// `nps.flow.silence` (`kind` says which): a table (`to_pandas()`,
/// `to_polars()`, `to_arrow()`, `to_dict()`; one row per group × stage for
/// stages, one per group otherwise) and the overall figures as attributes.
/// Reports of parts of the rows partitioned by repair order merge exactly
/// (`a + b`, `sum(reports)`, `merge`); a report pickles.
///
/// >>> import pandas as pd
/// >>> df = pd.DataFrame({"ro": ["a", "a"], "milestone": ["arrived", "greeted"], "at": [0, 900]})
/// >>> r = nps.flow.stages(df)
/// >>> r.kind, r.to_dict()["stage"][0], r.to_dict()["within_target"][0]
/// ('stages', 'reception', 0.0)
#[pyclass(frozen, module = "nps.flow", name = "FlowReport")]
pub(crate) struct PyFlowReport {
    report: Report,
    key_names: Vec<Option<String>>,
    categories: table::KeyCategories,
}

impl PyFlowReport {
    fn stages(&self) -> PyResult<&StageReport> {
        match &self.report {
            Report::Stages(s) => Ok(s),
            _ => Err(pyo3::exceptions::PyAttributeError::new_err(
                "only a report of nps.flow.stages has it",
            )),
        }
    }

    fn promises(&self) -> PyResult<&PromiseReport> {
        match &self.report {
            Report::Promises(p) => Ok(p),
            _ => Err(pyo3::exceptions::PyAttributeError::new_err(
                "only a report of nps.flow.promises has it",
            )),
        }
    }

    fn silence(&self) -> PyResult<&SilenceReport> {
        match &self.report {
            Report::Silence(s) => Ok(s),
            _ => Err(pyo3::exceptions::PyAttributeError::new_err(
                "only a report of nps.flow.silence has it",
            )),
        }
    }

    fn anomalies_of(&self) -> &flow::Anomalies {
        match &self.report {
            Report::Stages(s) => &s.anomalies,
            Report::Promises(p) => &p.anomalies,
            Report::Silence(s) => &s.anomalies,
        }
    }

    fn table_of(&self, which: &str) -> PyResult<Table> {
        Ok(match (which, &self.report) {
            ("main", Report::Stages(s)) => table::named(s.to_table(), &self.key_names),
            ("main", Report::Promises(p)) => table::named(p.to_table(), &self.key_names),
            ("main", Report::Silence(s)) => table::named(s.to_table(), &self.key_names),
            ("groups", _) => table::named(self.stages()?.groups_table(), &self.key_names),
            ("anomalies", _) => self.anomalies_of().to_table(),
            _ => return Err(invalid_argument("which", "main, groups or anomalies")),
        })
    }
}

#[pymethods]
impl PyFlowReport {
    /// `"stages"`, `"promises"` or `"silence"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.report {
            Report::Stages(_) => "stages",
            Report::Promises(_) => "promises",
            Report::Silence(_) => "silence",
        }
    }

    /// The column names of the table, in order.
    #[getter]
    fn columns(&self) -> PyResult<Vec<String>> {
        Ok(self
            .table_of("main")?
            .names()
            .into_iter()
            .map(str::to_owned)
            .collect())
    }

    fn __len__(&self) -> PyResult<usize> {
        Ok(self.table_of("main")?.n_rows())
    }

    /// A table as columns for `nps/_table.py`: `which` is `"main"`,
    /// `"groups"` (stages: per group lead time, process-cycle efficiency,
    /// bottleneck) or `"anomalies"` (`ro`, `milestone`, `kind`).
    #[pyo3(signature = (which = "main"))]
    fn _table<'py>(&self, py: Python<'py>, which: &str) -> PyResult<Bound<'py, PyAny>> {
        let cats = if which == "anomalies" {
            Vec::new()
        } else {
            self.categories.clone()
        };
        table::columns_with(py, self.table_of(which)?, cats)
    }

    /// Stages: all repair orders' lead time (arrived → left), seconds.
    #[getter]
    fn lead_time(&self) -> PyResult<PyDistribution> {
        Ok(dist(&self.stages()?.overall.lead_time))
    }

    /// Stages: value-added time over lead time, all repair orders (None
    /// without a lead time).
    #[getter]
    fn process_cycle_efficiency(&self) -> PyResult<Option<f64>> {
        Ok(self.stages()?.overall.process_cycle_efficiency)
    }

    /// Stages: the stage with the largest share of lead time, all repair
    /// orders.
    #[getter]
    fn bottleneck(&self) -> PyResult<Option<String>> {
        Ok(self.stages()?.overall.bottleneck.clone())
    }

    /// Stages: the number of repair orders.
    #[getter]
    fn repair_orders(&self) -> PyResult<u64> {
        Ok(self.stages()?.overall.repair_orders)
    }

    /// Promises and silence: repair orders measured (all of them).
    #[getter]
    fn n(&self) -> PyResult<u64> {
        match &self.report {
            Report::Promises(p) => Ok(p.overall.n),
            Report::Silence(s) => Ok(s.overall.n),
            Report::Stages(_) => self.promises().map(|p| p.overall.n),
        }
    }

    /// Promises and silence: repair orders without what they need.
    #[getter]
    fn missing(&self) -> PyResult<u64> {
        match &self.report {
            Report::Promises(p) => Ok(p.overall.missing),
            Report::Silence(s) => Ok(s.overall.missing),
            Report::Stages(_) => self.promises().map(|p| p.overall.missing),
        }
    }

    /// Promises: share finished at or before the promise.
    #[getter]
    fn on_time(&self) -> PyResult<Option<f64>> {
        Ok(self.promises()?.overall.on_time)
    }

    /// Promises: overrun in seconds (0 when on time).
    #[getter]
    fn overrun_s(&self) -> PyResult<PyDistribution> {
        Ok(dist(&self.promises()?.overall.overrun_s))
    }

    /// Promises: overrun over the promised duration (promised − arrived):
    /// promised 2 h, took 4 h → 1.0 (+100 %).
    #[getter]
    fn overrun_relative(&self) -> PyResult<PyDistribution> {
        Ok(dist(&self.promises()?.overall.overrun_relative))
    }

    /// Silence: the longest gap between contact points per repair order,
    /// seconds.
    #[getter]
    fn longest_gap_s(&self) -> PyResult<PyDistribution> {
        Ok(dist(&self.silence()?.overall.longest_gap_s))
    }

    /// Silence: share of repair orders with a gap above the threshold.
    #[getter]
    fn above_threshold(&self) -> PyResult<Option<f64>> {
        Ok(self.silence()?.overall.above_threshold)
    }

    /// Silence: share told at least the lead before repair_finished.
    #[getter]
    fn told_ahead(&self) -> PyResult<Option<f64>> {
        Ok(self.silence()?.overall.told_ahead)
    }

    /// True when durations are business time (a calendar was given).
    #[getter]
    fn business_time(&self) -> bool {
        match &self.report {
            Report::Stages(s) => s.business_time,
            Report::Promises(p) => p.business_time,
            Report::Silence(s) => s.business_time,
        }
    }

    /// Anomaly counts: `missing`, `repeated`, `out_of_order`,
    /// `skipped_ros`.
    #[getter]
    fn anomalies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let a = self.anomalies_of();
        let d = PyDict::new(py);
        d.set_item("missing", a.missing)?;
        d.set_item("repeated", a.repeated)?;
        d.set_item("out_of_order", a.out_of_order)?;
        d.set_item("skipped_ros", a.skipped_ros)?;
        Ok(d)
    }

    /// Every anomaly as `(ro, milestone, kind)`.
    #[getter]
    fn anomaly_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .anomalies_of()
            .list
            .iter()
            .map(|a| {
                let ro = key_to_py(py, &a.ro)?;
                (ro, a.milestone.clone(), a.kind.name()).into_pyobject(py)
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The report of the rows of this report followed by those of
    /// `other` (a report of the same kind): equal to the report computed in
    /// one pass over all of them, mean, median and p90 included (each
    /// report keeps the histograms of its durations). Associative. A
    /// repair order is judged on its whole timeline, so reports merge only
    /// when the input was partitioned by repair order: a repair order in
    /// both reports raises InvalidArgumentError (argument `other`) naming
    /// it, as does a report of another kind or computed with other options,
    /// period, time zone or type of key column.
    ///
    /// >>> import pandas as pd
    /// >>> a = nps.flow.stages(pd.DataFrame({"ro": ["a", "a"], "milestone": ["arrived", "left"], "at": [0, 600]}))
    /// >>> b = nps.flow.stages(pd.DataFrame({"ro": ["b", "b"], "milestone": ["arrived", "left"], "at": [0, 1800]}))
    /// >>> (a + b).lead_time.median
    /// 1200.0
    fn merge(&self, other: &PyFlowReport) -> PyResult<PyFlowReport> {
        let report = match (&self.report, &other.report) {
            (Report::Stages(a), Report::Stages(b)) => Report::Stages(a.merge(b).py()?),
            (Report::Promises(a), Report::Promises(b)) => Report::Promises(a.merge(b).py()?),
            (Report::Silence(a), Report::Silence(b)) => Report::Silence(a.merge(b).py()?),
            _ => {
                return Err(invalid_argument(
                    "other",
                    format!(
                        "a {} report merges only with another (other is a {} report)",
                        self.kind(),
                        other.kind()
                    ),
                ))
            }
        };
        Ok(PyFlowReport {
            report,
            key_names: state::merge_names(&self.key_names, &other.key_names)?,
            categories: table::merge_categories(&self.categories, &other.categories)?,
        })
    }

    /// `a + b` is `a.merge(b)`.
    fn __add__(&self, other: &PyFlowReport) -> PyResult<PyFlowReport> {
        self.merge(other)
    }

    /// `0 + a` is `a` (so `sum(reports)` works).
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        state::radd(slf, other)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        state::reduce(
            slf.as_any(),
            &SavedFlowReport {
                report: me.report.clone(),
                key_names: me.key_names.clone(),
                categories: table::saved_categories(&me.categories),
            },
        )
    }

    /// The report of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedFlowReport = state::load(state)?;
        Ok(PyFlowReport {
            report: s.report,
            key_names: s.key_names,
            categories: table::loaded_categories(s.categories),
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyFlowReport>()
            .is_ok_and(|o| o.get().report == self.report && o.get().key_names == self.key_names)
    }

    fn __repr__(&self) -> String {
        let rows = self.table_of("main").map_or(0, |t| t.n_rows());
        format!("FlowReport(kind={:?}, rows={rows})", self.kind())
    }
}

/// The vocabulary from `milestones=`: names (ordered, not repeating) or
/// dicts with `name`, `ordered`, `repeats`.
fn milestone_specs(obj: &Bound<'_, PyAny>) -> PyResult<Vec<MilestoneSpec>> {
    obj.try_iter()?
        .map(|item| {
            let item = item?;
            if let Ok(name) = item.extract::<String>() {
                return Ok(MilestoneSpec {
                    name,
                    ordered: true,
                    repeats: false,
                });
            }
            let d = item.cast::<PyDict>().map_err(|_| {
                invalid_argument(
                    "milestones",
                    "each item is a name or a dict (name, ordered, repeats)",
                )
            })?;
            let get = |k: &str| d.get_item(k);
            Ok(MilestoneSpec {
                name: get("name")?
                    .ok_or_else(|| invalid_argument("milestones", "a milestone dict needs `name`"))?
                    .extract()?,
                ordered: get("ordered")?
                    .map(|v| v.extract())
                    .transpose()?
                    .unwrap_or(false),
                repeats: get("repeats")?
                    .map(|v| v.extract())
                    .transpose()?
                    .unwrap_or(false),
            })
        })
        .collect()
}

/// The stages from `stages=`: dicts with `name`, `from`, `to`, optional
/// `target` (a timedelta or seconds) and `value_added`.
fn stage_specs(obj: &Bound<'_, PyAny>) -> PyResult<Vec<StageSpec>> {
    obj.try_iter()?
        .map(|item| {
            let item = item?;
            let d = item.cast::<PyDict>().map_err(|_| {
                invalid_argument(
                    "stages",
                    "each stage is a dict (name, from, to, target, value_added)",
                )
            })?;
            let text = |k: &str| -> PyResult<String> {
                d.get_item(k)?
                    .ok_or_else(|| invalid_argument("stages", format!("a stage needs `{k}`")))?
                    .extract()
            };
            let target = d
                .get_item("target")?
                .filter(|t| !t.is_none())
                .map(|t| duration_seconds(&t, "stages", 1))
                .transpose()?;
            Ok(StageSpec {
                name: text("name")?,
                from: text("from")?,
                to: text("to")?,
                target_s: target,
                value_added: d
                    .get_item("value_added")?
                    .map(|v| v.extract())
                    .transpose()?
                    .unwrap_or(false),
            })
        })
        .collect()
}

/// The options from keywords: those not given (None) take nps-core's
/// `FlowOptions::default()`; nps-core validates them.
#[allow(clippy::too_many_arguments)]
fn flow_options(
    calendar: Option<&PyCalendar>,
    milestones: Option<&Bound<'_, PyAny>>,
    stages: Option<&Bound<'_, PyAny>>,
    on_anomaly: Option<&str>,
    promise_end: Option<String>,
    silence_threshold: Option<&Bound<'_, PyAny>>,
    update_lead: Option<&Bound<'_, PyAny>>,
) -> PyResult<FlowOptions> {
    let d = FlowOptions::default();
    let mut policy = FlowPolicy::default();
    if let Some(m) = milestones.filter(|m| !m.is_none()) {
        policy.milestones = milestone_specs(m)?;
    }
    if let Some(s) = stages.filter(|s| !s.is_none()) {
        policy.stages = stage_specs(s)?;
    }
    let secs = |v: Option<&Bound<'_, PyAny>>, name: &'static str, default: i64| {
        v.filter(|v| !v.is_none())
            .map_or(Ok(default), |v| duration_seconds(v, name, 1))
    };
    let o = FlowOptions {
        policy,
        on_anomaly: on_anomaly
            .map_or(Ok(d.on_anomaly), OnAnomaly::from_name)
            .py()?,
        calendar: calendar.map(|c| c.cal.clone()),
        promise_end: promise_end.unwrap_or(d.promise_end),
        silence_threshold_s: secs(
            silence_threshold,
            "silence_threshold",
            d.silence_threshold_s,
        )?,
        update_lead_s: secs(update_lead, "update_lead", d.update_lead_s)?,
    };
    o.validate().py()?;
    Ok(o)
}

/// `nps.flow.stages` / `promises` / `silence` (`kind`) of a milestone
/// table (see `nps/flow.py`).
#[pyfunction]
#[pyo3(signature = (kind, data, ro = None, milestone = None, at = None, *, by = None, period = None, tz = None, calendar = None, milestones = None, stages = None, on_anomaly = None, promise_end = None, silence_threshold = None, update_lead = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _flow<'py>(
    py: Python<'py>,
    kind: &str,
    data: &Bound<'py, PyAny>,
    ro: Option<&Bound<'py, PyAny>>,
    milestone: Option<&Bound<'py, PyAny>>,
    at: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
    calendar: Option<PyRef<'py, PyCalendar>>,
    milestones: Option<&Bound<'py, PyAny>>,
    stages: Option<&Bound<'py, PyAny>>,
    on_anomaly: Option<&str>,
    promise_end: Option<String>,
    silence_threshold: Option<&Bound<'py, PyAny>>,
    update_lead: Option<&Bound<'py, PyAny>>,
) -> PyResult<PyFlowReport> {
    let form = Form::of_data(Some(data))?;
    if !form.is_frame() {
        return Err(invalid_argument(
            "df",
            "must be a table (pandas, polars, pyarrow or __arrow_c_stream__)",
        ));
    }
    let need = |v: Option<&Bound<'py, PyAny>>, default: &str, name: &'static str| {
        let n = match v.filter(|v| !v.is_none()) {
            Some(v) => v.clone(),
            None => pyo3::types::PyString::new(py, default).into_any(),
        };
        form.col(Some(&n), name)?
            .ok_or_else(|| invalid_argument(name, "is required"))
    };
    let ro_col = need(ro, "ro", "ro")?;
    let m_col = need(milestone, "milestone", "milestone")?;
    let at_col = need(at, "at", "at")?;
    let ro_keys = KeyColumns::new(&ro_col, "ro")?;
    let m_keys = KeyColumns::new(&m_col, "milestone")?;
    // i64::MIN at a missing instant, reported by nps-core with its row and
    // repair order.
    let at = instants(&at_col)?;
    let at = at.as_slice()?;
    let o = flow_options(
        calendar.as_deref(),
        milestones,
        stages,
        on_anomaly,
        promise_end,
        silence_threshold,
        update_lead,
    )?;
    let g = group_args(&form, by, None, None, period, tz)?;
    let run = |by: Option<Keys<'_>>| -> PyResult<Report> {
        let grouping = Grouping {
            keys: by,
            timestamps: None,
            period: g.period,
            tz: g.tz.as_deref().or(Grouping::default().tz),
        };
        let r = ro_keys.with(|ro| {
            m_keys.with(|m| {
                let cols = Milestones {
                    ro,
                    milestone: m,
                    at,
                };
                py.detach(|| match kind {
                    "stages" => flow::stages(&cols, &o, &grouping).map(Report::Stages),
                    "promises" => flow::promises(&cols, &o, &grouping).map(Report::Promises),
                    _ => flow::silence(&cols, &o, &grouping).map(Report::Silence),
                })
            })
        })??;
        r.py()
    };
    if !matches!(kind, "stages" | "promises" | "silence") {
        return Err(invalid_argument("kind", "stages, promises or silence"));
    }
    let report = match &g.by {
        Some(k) => k.with_codes(|keys| run(Some(keys)))??,
        None => run(None)?,
    };
    Ok(PyFlowReport {
        report,
        key_names: key_names(&g),
        categories: key_categories(&g),
    })
}

/// The default vocabulary, stages and lead time as plain data (for
/// `nps.flow.DEFAULT_STAGES` and the docs): `(milestones, stages,
/// lead_time)`.
#[pyfunction]
pub(crate) fn _flow_defaults<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
    let p = FlowPolicy::default();
    let ms: Vec<(String, bool, bool)> = p
        .milestones
        .iter()
        .map(|m| (m.name.clone(), m.ordered, m.repeats))
        .collect();
    let st: Vec<(String, String, String, Option<i64>, bool)> = p
        .stages
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.from.clone(),
                s.to.clone(),
                s.target_s,
                s.value_added,
            )
        })
        .collect();
    (ms, st, (p.lead_time[0].clone(), p.lead_time[1].clone())).into_pyobject(py)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDistribution>()?;
    m.add_class::<PyFlowReport>()?;
    m.add_function(wrap_pyfunction!(_flow, m)?)?;
    m.add_function(wrap_pyfunction!(_flow_defaults, m)?)?;
    Ok(())
}
