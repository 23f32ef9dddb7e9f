//! Service KPIs (`nps.kpi`): thin wrappers of `nps_core::kpi`. Columns are
//! converted (numbers, timestamps, labels, 0/1 flags); every rule lives in
//! nps-core. The Python module `nps/kpi.py` gives these functions their
//! public names and builds the tables.

use nps_core::group::{GroupKey, Keys};
use nps_core::kpi::{
    self, ComebackOptions, CsatOptions, FollowUpOptions, Grouping, HoursBasis, Jobs, Kpi, KpiTable,
    PayType, RateKpi, ScoreInput, SrtCatalog, TimeKpi, TimeMeasure, TimeTable,
};
use nps_core::period::Period;
use nps_core::Error;
use pyo3::prelude::*;

use crate::errors::Int;

use crate::calendar::PyCalendar;
use crate::column::{labels, numbers, timestamps, Labels};
use crate::errors::{to_py, CoreResult};
use crate::instant::seconds;
use crate::names::parse_name;
use crate::policy::PyPolicy;
use crate::table;

/// A KPI result: `value` (None = no data: the denominator is 0), its
/// `numerator`, `denominator` and `coverage` (share of the input rows used).
///
/// >>> k = nps.kpi.rate([1, 0, 1, 1])
/// >>> k.value, k.numerator, k.denominator, k.coverage
/// (0.75, 3.0, 4.0, 1.0)
/// >>> nps.kpi.rate([]).value is None  # no data, never 0
/// True
#[pyclass(frozen, eq, module = "nps.kpi", name = "Kpi")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyKpi {
    k: Kpi,
}

#[pymethods]
impl PyKpi {
    /// numerator / denominator, or None when the denominator is 0.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.k.value
    }
    /// Numerator (count, hours or minor units of money).
    #[getter]
    fn numerator(&self) -> f64 {
        self.k.numerator
    }
    /// Denominator.
    #[getter]
    fn denominator(&self) -> f64 {
        self.k.denominator
    }
    /// Share of the input rows that entered the KPI (None without rows).
    #[getter]
    fn coverage(&self) -> Option<f64> {
        self.k.coverage
    }
    fn __repr__(&self) -> String {
        let o = |v: Option<f64>| v.map_or("None".to_owned(), |v| format!("{v}"));
        format!(
            "Kpi(value={}, numerator={}, denominator={}, coverage={})",
            o(self.k.value),
            self.k.numerator,
            self.k.denominator,
            o(self.k.coverage)
        )
    }
}

/// A time KPI: n, mean / median / p90 in seconds (linear-interpolation
/// quantiles, numpy's default), the target and the share within it.
///
/// >>> t = nps.kpi.time_kpi(target_seconds=180, seconds=[60, 120, 240]).overall
/// >>> t.n, t.mean, t.median, t.target_seconds
/// (3, 140.0, 120.0, 180)
#[pyclass(frozen, eq, module = "nps.kpi", name = "TimeKpi")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyTimeKpi {
    t: TimeKpi,
}

#[pymethods]
impl PyTimeKpi {
    /// Number of durations.
    #[getter]
    fn n(&self) -> u64 {
        self.t.n
    }
    /// Mean, seconds (None without data).
    #[getter]
    fn mean(&self) -> Option<f64> {
        self.t.mean
    }
    /// Median, seconds.
    #[getter]
    fn median(&self) -> Option<f64> {
        self.t.median
    }
    /// 90th percentile, seconds.
    #[getter]
    fn p90(&self) -> Option<f64> {
        self.t.p90
    }
    /// Mean in minutes (the unit of the policy's time benchmarks).
    #[getter]
    fn mean_minutes(&self) -> Option<f64> {
        self.t.mean_minutes()
    }
    /// Target, seconds (inclusive).
    #[getter]
    fn target_seconds(&self) -> i64 {
        self.t.target_seconds
    }
    /// Durations within the target / durations.
    #[getter]
    fn within_target(&self) -> PyKpi {
        PyKpi {
            k: self.t.within_target,
        }
    }
    /// Same as `within_target.value`.
    #[getter]
    fn value(&self) -> Option<f64> {
        self.t.within_target.value
    }
    fn __repr__(&self) -> String {
        let o = |v: Option<f64>| v.map_or("None".to_owned(), |v| format!("{v}"));
        format!(
            "TimeKpi(n={}, mean={}, median={}, p90={}, target_seconds={}, within_target={})",
            self.t.n,
            o(self.t.mean),
            o(self.t.median),
            o(self.t.p90),
            self.t.target_seconds,
            o(self.t.within_target.value)
        )
    }
}

/// Standard repair times: operation code -> standard (flat-rate) hours.
///
/// >>> c = nps.kpi.SrtCatalog({"OIL": 0.5, "BRAKE": 1.5})
/// >>> c.get("BRAKE"), c.lookup(["OIL", "WASH"])
/// (1.5, [0.5, None])
#[pyclass(frozen, eq, module = "nps.kpi", name = "SrtCatalog")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PySrtCatalog {
    pub(crate) c: SrtCatalog,
}

#[pymethods]
impl PySrtCatalog {
    /// From a dict `{code: hours}` or an iterable of `(code, hours)` pairs.
    #[new]
    fn new(hours: &Bound<'_, PyAny>) -> PyResult<Self> {
        let pairs: Vec<(String, f64)> = if let Ok(d) = hours.cast::<pyo3::types::PyDict>() {
            d.iter()
                .map(|(k, v)| Ok((k.extract()?, v.extract()?)))
                .collect::<PyResult<_>>()?
        } else {
            hours
                .try_iter()?
                .map(|p| p?.extract())
                .collect::<PyResult<_>>()?
        };
        Ok(PySrtCatalog {
            c: SrtCatalog::new(pairs).py()?,
        })
    }
    /// From a JSON object `{"code": hours, ...}`.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(PySrtCatalog {
            c: SrtCatalog::from_json(text).py()?,
        })
    }
    /// The catalog as JSON.
    fn to_json(&self) -> String {
        self.c.to_json()
    }
    /// Standard hours of `code`, None when unknown.
    fn get(&self, code: &str) -> Option<f64> {
        self.c.get(code)
    }
    /// Standard hours per operation code (None for unknown codes).
    fn lookup(&self, codes: Vec<String>) -> Vec<Option<f64>> {
        codes.iter().map(|c| self.c.get(c)).collect()
    }
    /// `{code: hours}`.
    fn to_dict(&self) -> std::collections::BTreeMap<String, f64> {
        self.c.iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }
    fn __len__(&self) -> usize {
        self.c.len()
    }
    fn __contains__(&self, code: &str) -> bool {
        self.c.get(code).is_some()
    }
    fn __repr__(&self) -> String {
        format!("SrtCatalog({})", self.c.to_json())
    }
}

use crate::group::{key_to_py, keys_of, KeyColumns};

/// Timestamps as a Vec (NaT stays i64::MIN, reported by nps-core).
fn ts_vec(obj: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    Ok(timestamps(obj)?.as_slice()?.to_vec())
}

/// Optional timestamps: NaT / None (i64::MIN) means "did not happen".
fn opt_ts_vec(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Option<i64>>> {
    Ok(timestamps(obj)?
        .as_slice()?
        .iter()
        .map(|&t| (t != i64::MIN).then_some(t))
        .collect())
}

fn f64_vec(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Vec<f64>> {
    Ok(numbers(obj, name)?.to_f64()?.into_owned())
}

/// 0/1 (or bool) flags; anything else is an invalid value with its row.
fn flags(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Vec<bool>> {
    f64_vec(obj, name)?
        .iter()
        .enumerate()
        .map(|(i, &v)| match v {
            0.0 => Ok(false),
            1.0 => Ok(true),
            _ => Err(to_py(Error::InvalidValue {
                name: name.into(),
                index: i,
                reason: format!("a flag must be true/false or 0/1, got {v}"),
            })),
        })
        .collect()
}

fn i64_vec(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Vec<i64>> {
    f64_vec(obj, name)?
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                Ok(v as i64)
            } else {
                Err(to_py(Error::InvalidValue {
                    name: name.into(),
                    index: i,
                    reason: format!("must be an integer amount, got {v}"),
                }))
            }
        })
        .collect()
}

/// The grouping arguments shared by the KPI functions.
struct GroupArgs<'py> {
    by: Option<KeyColumns<'py>>,
    ts: Option<Vec<i64>>,
    period: Option<Period>,
    tz: Option<String>,
}

fn group_args<'py>(
    by: Option<&Bound<'py, PyAny>>,
    ts: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<GroupArgs<'py>> {
    Ok(GroupArgs {
        by: by
            .filter(|b| !b.is_none())
            .map(|b| KeyColumns::new(b, "by"))
            .transpose()?,
        ts: ts.map(ts_vec).transpose()?,
        period: period.map(Period::from_name).transpose().py()?,
        tz: tz.map(str::to_owned),
    })
}

/// Runs `f` with the core grouping (the GIL released).
fn grouped<R: Send>(
    py: Python<'_>,
    g: &GroupArgs<'_>,
    f: impl FnOnce(&Grouping<'_>) -> nps_core::Result<R> + Send,
) -> PyResult<R> {
    let run = |keys: Option<Keys<'_>>| {
        let grouping = Grouping {
            keys,
            timestamps: g.ts.as_deref(),
            period: g.period,
            tz: g.tz.as_deref().or(Grouping::default().tz),
        };
        py.detach(|| f(&grouping)).py()
    };
    match &g.by {
        Some(k) => k.with(|keys| run(Some(keys)))?,
        None => run(None),
    }
}

/// The key names of a KPI table: those of `by=` when known.
fn key_names(g: &GroupArgs<'_>) -> Vec<Option<String>> {
    g.by.as_ref().map(|k| k.names.clone()).unwrap_or_default()
}

type Row = (Py<PyAny>, Option<String>, PyKpi);

type Out<'py, K, R> = (K, Vec<R>, Bound<'py, PyAny>);

fn table_out<'py>(
    py: Python<'py>,
    t: KpiTable,
    names: &[Option<String>],
) -> PyResult<Out<'py, PyKpi, Row>> {
    let rows = t
        .groups
        .iter()
        .map(|g| {
            Ok((
                key_to_py(py, &g.key)?.unbind(),
                g.period_start.zip(t.period).map(|(d, p)| p.label(d)),
                PyKpi { k: g.kpi },
            ))
        })
        .collect::<PyResult<_>>()?;
    let cols = table::columns(py, &table::named(t.to_table(), names))?;
    Ok((PyKpi { k: t.overall }, rows, cols))
}

type TimeRow = (Py<PyAny>, Option<String>, PyTimeKpi);

fn time_out<'py>(
    py: Python<'py>,
    t: TimeTable,
    names: &[Option<String>],
) -> PyResult<Out<'py, PyTimeKpi, TimeRow>> {
    let rows = t
        .groups
        .iter()
        .map(|g| {
            Ok((
                key_to_py(py, &g.key)?.unbind(),
                g.period_start.zip(t.period).map(|(d, p)| p.label(d)),
                PyTimeKpi { t: g.kpi },
            ))
        })
        .collect::<PyResult<_>>()?;
    let cols = table::columns(py, &table::named(t.to_table(), names))?;
    Ok((PyTimeKpi { t: t.overall }, rows, cols))
}

/// Comeback options from the keyword arguments; those not given (None)
/// take nps-core's `ComebackOptions::default()` (30 days, every window
/// complete, incomplete jobs excluded). nps-core validates them.
fn comeback_options(
    window_days: Option<Int>,
    as_of: Option<&Bound<'_, PyAny>>,
    exclude_incomplete: Option<bool>,
) -> PyResult<ComebackOptions> {
    let d = match window_days {
        Some(w) => ComebackOptions::window_days(w.to("window_days", 0u32, u32::MAX)?),
        None => ComebackOptions::default(),
    };
    Ok(ComebackOptions {
        window_seconds: d.window_seconds,
        as_of: match as_of.filter(|a| !a.is_none()) {
            Some(a) => Some(seconds(a, "as_of")?),
            None => d.as_of,
        },
        exclude_incomplete: exclude_incomplete.unwrap_or(d.exclude_incomplete),
    })
}

/// First-time-fix rate (or, with `comeback=True`, the comeback rate) over
/// repair-order rows. See `nps.kpi.first_time_fix_rate`. Options not given
/// take nps-core's `ComebackOptions::default()`.
#[pyfunction]
#[pyo3(signature = (vehicles, complaints, opened, closed, *, window_days = None, as_of = None, exclude_incomplete = None, comeback = false, by = None, timestamps = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_first_time_fix<'py>(
    py: Python<'py>,
    vehicles: &Bound<'py, PyAny>,
    complaints: Option<&Bound<'py, PyAny>>,
    opened: &Bound<'py, PyAny>,
    closed: &Bound<'py, PyAny>,
    window_days: Option<Int>,
    as_of: Option<&Bound<'py, PyAny>>,
    exclude_incomplete: Option<bool>,
    comeback: bool,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<Out<'py, PyKpi, Row>> {
    let veh = labels(vehicles, "vehicles")?;
    let veh_s = veh.strs();
    let comp = complaints.map(|c| labels(c, "complaints")).transpose()?;
    let comp_s = comp.as_ref().and_then(Labels::strs);
    let (opened, closed) = (ts_vec(opened)?, ts_vec(closed)?);
    let opts = comeback_options(window_days, as_of, exclude_incomplete)?;
    let jobs = Jobs {
        vehicles: keys_of(&veh, &veh_s)?,
        complaints: comp.as_ref().map(|c| keys_of(c, &comp_s)).transpose()?,
        opened: &opened,
        closed: &closed,
    };
    let g = group_args(by, timestamps, period, tz)?;
    let t = grouped(py, &g, |g| {
        if comeback {
            kpi::comeback_rate(&jobs, &opts, g)
        } else {
            kpi::first_time_fix_rate(&jobs, &opts, g)
        }
    })?;
    table_out(py, t, &key_names(&g))
}

/// The verdict per job: "fixed", "came_back" or "incomplete".
#[pyfunction]
#[pyo3(signature = (vehicles, complaints, opened, closed, *, window_days = None, as_of = None))]
pub(crate) fn _kpi_job_outcomes(
    vehicles: &Bound<'_, PyAny>,
    complaints: Option<&Bound<'_, PyAny>>,
    opened: &Bound<'_, PyAny>,
    closed: &Bound<'_, PyAny>,
    window_days: Option<Int>,
    as_of: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<&'static str>> {
    let veh = labels(vehicles, "vehicles")?;
    let veh_s = veh.strs();
    let comp = complaints.map(|c| labels(c, "complaints")).transpose()?;
    let comp_s = comp.as_ref().and_then(Labels::strs);
    let (opened, closed) = (ts_vec(opened)?, ts_vec(closed)?);
    let opts = comeback_options(window_days, as_of, None)?;
    let jobs = Jobs {
        vehicles: keys_of(&veh, &veh_s)?,
        complaints: comp.as_ref().map(|c| keys_of(c, &comp_s)).transpose()?,
        opened: &opened,
        closed: &closed,
    };
    Ok(kpi::job_outcomes(&jobs, &opts)
        .py()?
        .into_iter()
        .map(|o| match o {
            kpi::JobOutcome::Fixed => "fixed",
            kpi::JobOutcome::CameBack => "came_back",
            kpi::JobOutcome::Incomplete => "incomplete",
        })
        .collect())
}

/// Repeat-complaint rate. See `nps.kpi.repeat_complaint_rate`.
#[pyfunction]
#[pyo3(signature = (subjects, raised, closed, *, window_days = None, as_of = None, by = None, timestamps = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_repeat_complaint<'py>(
    py: Python<'py>,
    subjects: &Bound<'py, PyAny>,
    raised: &Bound<'py, PyAny>,
    closed: &Bound<'py, PyAny>,
    window_days: Option<Int>,
    as_of: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<Out<'py, PyKpi, Row>> {
    let sub = labels(subjects, "subjects")?;
    let sub_s = sub.strs();
    let keys = keys_of(&sub, &sub_s)?;
    let (raised, closed) = (ts_vec(raised)?, ts_vec(closed)?);
    let opts = comeback_options(window_days, as_of, None)?;
    let g = group_args(by, timestamps, period, tz)?;
    let t = grouped(py, &g, |g| {
        kpi::repeat_complaint_rate(keys, &raised, &closed, &opts, g)
    })?;
    table_out(py, t, &key_names(&g))
}

/// Bay utilization. See `nps.kpi.bay_utilization`.
#[pyfunction]
#[pyo3(signature = (occupied_hours, *, repair_bays, calendar, start, end, repair_bay = None))]
pub(crate) fn _kpi_bay_utilization(
    occupied_hours: &Bound<'_, PyAny>,
    repair_bays: Int,
    calendar: &PyCalendar,
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    repair_bay: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyKpi> {
    let occ = f64_vec(occupied_hours, "occupied_hours")?;
    let rb = repair_bay.map(|r| flags(r, "repair_bay")).transpose()?;
    let k = kpi::bay_utilization(
        &occ,
        rb.as_deref(),
        repair_bays.to("repair_bays", 0u32, u32::MAX)?,
        &calendar.cal,
        seconds(start, "start")?,
        seconds(end, "end")?,
    )
    .py()?;
    Ok(PyKpi { k })
}

/// SRT hours per row: from `srt_hours` (NaN / None = no SRT) or from
/// `operations` looked up in `catalog`.
fn srt_column(
    n: usize,
    srt_hours: Option<&Bound<'_, PyAny>>,
    operations: Option<&Bound<'_, PyAny>>,
    catalog: Option<&PySrtCatalog>,
) -> PyResult<Vec<Option<f64>>> {
    match (srt_hours, operations, catalog) {
        (Some(h), None, None) => Ok(f64_vec(h, "srt_hours")?
            .into_iter()
            .map(|v| (!v.is_nan()).then_some(v))
            .collect()),
        (None, Some(o), Some(c)) => {
            let ops = labels(o, "operations")?;
            let strs = ops.strs().ok_or_else(|| {
                crate::errors::invalid_argument("operations", "must be operation-code strings")
            })?;
            Ok(c.c.lookup(&strs))
        }
        (None, None, None) => Ok(vec![None; n]),
        _ => Err(crate::errors::invalid_argument(
            "srt_hours",
            "give either srt_hours, or operations with a catalog",
        )),
    }
}

type TechRow = (Py<PyAny>, PyKpi, PyKpi, PyKpi);

/// Technician efficiency / productivity / proficiency, overall
/// (`technicians` None) or per technician.
#[pyfunction]
#[pyo3(signature = (worked_hours, available_hours, *, srt_hours = None, operations = None, catalog = None, technicians = None, available_technicians = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_technician(
    py: Python<'_>,
    worked_hours: &Bound<'_, PyAny>,
    available_hours: &Bound<'_, PyAny>,
    srt_hours: Option<&Bound<'_, PyAny>>,
    operations: Option<&Bound<'_, PyAny>>,
    catalog: Option<&PySrtCatalog>,
    technicians: Option<&Bound<'_, PyAny>>,
    available_technicians: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<TechRow>> {
    let worked = f64_vec(worked_hours, "worked_hours")?;
    let srt = srt_column(worked.len(), srt_hours, operations, catalog)?;
    let out: Vec<(GroupKey, kpi::TechnicianFigures)> = match (technicians, available_technicians) {
        (None, None) => {
            let avail: f64 = available_hours.extract()?;
            vec![(
                GroupKey::All,
                py.detach(|| kpi::technician_figures(&worked, &srt, avail))
                    .py()?,
            )]
        }
        (Some(t), Some(a)) => {
            let avail = f64_vec(available_hours, "available_hours")?;
            let (t, a) = (
                labels(t, "technicians")?,
                labels(a, "available_technicians")?,
            );
            let (ts, as_) = (t.strs(), a.strs());
            let (tk, ak) = (keys_of(&t, &ts)?, keys_of(&a, &as_)?);
            py.detach(|| kpi::technician_figures_by(&worked, &srt, tk, &avail, ak))
                .py()?
        }
        _ => {
            return Err(crate::errors::invalid_argument(
                "technicians",
                "give both technicians and available_technicians, or neither",
            ))
        }
    };
    out.into_iter()
        .map(|(k, f)| {
            Ok((
                key_to_py(py, &k)?.unbind(),
                PyKpi { k: f.efficiency },
                PyKpi { k: f.productivity },
                PyKpi { k: f.proficiency },
            ))
        })
        .collect()
}

/// Effective labour rate overall and per pay type.
#[pyfunction]
pub(crate) fn _kpi_labour_rate(
    sales_minor: &Bound<'_, PyAny>,
    hours_sold: &Bound<'_, PyAny>,
    pay_types: &Bound<'_, PyAny>,
) -> PyResult<(PyKpi, Vec<(&'static str, PyKpi)>)> {
    let sales = i64_vec(sales_minor, "sales_minor")?;
    let hours = f64_vec(hours_sold, "hours_sold")?;
    let pt = labels(pay_types, "pay_types")?;
    let names = pt.strs().ok_or_else(|| {
        crate::errors::invalid_argument(
            "pay_types",
            "must be strings (customer, warranty, internal)",
        )
    })?;
    let pay = PayType::parse_column(&names).py()?;
    let r = kpi::effective_labour_rate(&sales, &hours, &pay).py()?;
    Ok((
        PyKpi { k: r.overall },
        r.by_pay_type
            .into_iter()
            .map(|(p, k)| (p.name(), PyKpi { k }))
            .collect(),
    ))
}

/// Hours per repair order (basis "srt" or "worked").
#[pyfunction]
#[pyo3(signature = (worked_hours, *, srt_hours = None, operations = None, catalog = None, basis = "srt"))]
pub(crate) fn _kpi_hours_per_ro(
    worked_hours: &Bound<'_, PyAny>,
    srt_hours: Option<&Bound<'_, PyAny>>,
    operations: Option<&Bound<'_, PyAny>>,
    catalog: Option<&PySrtCatalog>,
    basis: &str,
) -> PyResult<PyKpi> {
    let worked = f64_vec(worked_hours, "worked_hours")?;
    let srt = srt_column(worked.len(), srt_hours, operations, catalog)?;
    let basis: HoursBasis = parse_name("basis", basis)?;
    Ok(PyKpi {
        k: kpi::hours_per_ro(&srt, &worked, basis).py()?,
    })
}

/// A time KPI from `start`/`end` timestamps or from `seconds` durations.
/// Without `target_seconds` the target is the policy benchmark of the
/// named time KPI `measure` (nps-core `TimeMeasure`; the default policy
/// when `policy` is None); a policy without it is an `InvalidArgumentError`.
#[pyfunction]
#[pyo3(signature = (target_seconds = None, *, measure = None, policy = None, start = None, end = None, seconds = None, by = None, timestamps = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_time<'py>(
    py: Python<'py>,
    target_seconds: Option<Int>,
    measure: Option<&str>,
    policy: Option<&PyPolicy>,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    seconds: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<Out<'py, PyTimeKpi, TimeRow>> {
    let target_seconds = target_seconds
        .map(|t| t.to("target_seconds", i64::MIN, i64::MAX))
        .transpose()?;
    let target_seconds = match (target_seconds, measure) {
        (Some(t), _) => t,
        (None, Some(m)) => _kpi_time_target(m, policy)?,
        (None, None) => {
            return Err(crate::errors::invalid_argument(
                "target_seconds",
                "is required (or name a time KPI whose benchmark gives it)",
            ))
        }
    };
    let g = group_args(by, timestamps, period, tz)?;
    let t = match (start, end, seconds) {
        (Some(s), Some(e), None) => {
            let (s, e) = (ts_vec(s)?, ts_vec(e)?);
            grouped(py, &g, |g| kpi::time_kpi(&s, &e, target_seconds, g))?
        }
        (None, None, Some(d)) => {
            let d = i64_vec(d, "seconds")?;
            grouped(py, &g, |g| kpi::time_kpi_durations(&d, target_seconds, g))?
        }
        _ => {
            return Err(crate::errors::invalid_argument(
                "seconds",
                "give either start and end, or seconds",
            ))
        }
    };
    time_out(py, t, &key_names(&g))
}

/// A rate KPI: `kpi` None is the generic rate (`flags` over `eligible`
/// rows); otherwise a named rate KPI of nps-core's `RateKpi` registry
/// (`appointment_fulfillment_rate`, `pre_service_inspection_rate`,
/// `repeat_visit_rate`, `first_contact_resolution_rate` from `flags` /
/// `eligible`; `ready_when_promised` from `delivered`, `promised`;
/// `follow_up_completion_rate` from `service_end`, `follow_up`,
/// `window_days`; `csat` from `ratings`, `satisfied_min`). Options not
/// given take nps-core's `FollowUpOptions` / `CsatOptions` defaults.
#[pyfunction]
#[pyo3(signature = (kpi = None, *, flags = None, eligible = None, delivered = None, promised = None, service_end = None, follow_up = None, window_days = None, ratings = None, satisfied_min = None, by = None, timestamps = None, period = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_rate<'py>(
    py: Python<'py>,
    kpi: Option<&str>,
    flags: Option<&Bound<'py, PyAny>>,
    eligible: Option<&Bound<'py, PyAny>>,
    delivered: Option<&Bound<'py, PyAny>>,
    promised: Option<&Bound<'py, PyAny>>,
    service_end: Option<&Bound<'py, PyAny>>,
    follow_up: Option<&Bound<'py, PyAny>>,
    window_days: Option<f64>,
    ratings: Option<&Bound<'py, PyAny>>,
    satisfied_min: Option<f64>,
    by: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: Option<&str>,
) -> PyResult<Out<'py, PyKpi, Row>> {
    let g = group_args(by, timestamps, period, tz)?;
    let flag_cols = || -> PyResult<(Vec<bool>, Option<Vec<bool>>)> {
        let f = self::flags(need(flags, "flags")?, "flags")?;
        let e = eligible.map(|e| self::flags(e, "eligible")).transpose()?;
        Ok((f, e))
    };
    let t = match kpi.map(RateKpi::from_name).transpose().py()? {
        None => {
            let (f, e) = flag_cols()?;
            grouped(py, &g, |g| kpi::rate(&f, e.as_deref(), g))?
        }
        Some(RateKpi::ReadyWhenPromised) => {
            let d = ts_vec(need(delivered, "delivered")?)?;
            let p = opt_ts_vec(need(promised, "promised")?)?;
            grouped(py, &g, |g| kpi::ready_when_promised(&d, &p, g))?
        }
        Some(RateKpi::FollowUpCompletion) => {
            let s = ts_vec(need(service_end, "service_end")?)?;
            let f = opt_ts_vec(need(follow_up, "follow_up")?)?;
            let opts = match window_days {
                None => FollowUpOptions::default(),
                Some(w) => FollowUpOptions::window_days(w).py()?,
            };
            grouped(py, &g, |g| kpi::follow_up_completion_rate(&s, &f, &opts, g))?
        }
        Some(RateKpi::Csat) => {
            let r = f64_vec(need(ratings, "ratings")?, "ratings")?;
            let d = CsatOptions::default();
            let opts = CsatOptions {
                satisfied_min: satisfied_min.unwrap_or(d.satisfied_min),
            };
            grouped(py, &g, |g| kpi::csat(&r, &opts, g))?
        }
        Some(k) => {
            let (f, e) = flag_cols()?;
            grouped(py, &g, |g| k.of_flags(&f, e.as_deref(), g))?
        }
    };
    table_out(py, t, &key_names(&g))
}

fn need<'a, 'py>(
    o: Option<&'a Bound<'py, PyAny>>,
    name: &'static str,
) -> PyResult<&'a Bound<'py, PyAny>> {
    o.ok_or_else(|| crate::errors::invalid_argument(name, "is required"))
}

/// Service revenue per engineer (minor units per engineer).
#[pyfunction]
pub(crate) fn _kpi_revenue_per_engineer(
    revenue_minor: &Bound<'_, PyAny>,
    engineers: Int,
) -> PyResult<PyKpi> {
    let engineers = engineers.to("engineers", 0u32, u32::MAX)?;
    let r = i64_vec(revenue_minor, "revenue_minor")?;
    Ok(PyKpi {
        k: kpi::service_revenue_per_engineer(&r, engineers).py()?,
    })
}

type Line = (String, Option<f64>, Option<f64>, Option<f64>, &'static str);

/// One scorecard input: a `Kpi` (judged by its value), a `TimeKpi` (by its
/// mean in minutes) or a number / None, as nps-core's `ScoreInput`.
fn score_input(r: &Bound<'_, PyAny>) -> PyResult<ScoreInput> {
    if let Ok(k) = r.cast::<PyKpi>() {
        return Ok(ScoreInput::Rate(k.get().k));
    }
    if let Ok(t) = r.cast::<PyTimeKpi>() {
        return Ok(ScoreInput::Time(t.get().t));
    }
    if r.is_none() {
        return Ok(ScoreInput::Value(None));
    }
    Ok(ScoreInput::Value(Some(r.extract::<f64>()?)))
}

/// Each `(name, result)` against the policy's benchmarks, judged by
/// nps-core's `scorecard_of`: `(kpi, value, min, max, status)`.
#[pyfunction]
#[pyo3(signature = (results, policy = None))]
pub(crate) fn _kpi_scorecard(
    results: Vec<(String, Bound<'_, PyAny>)>,
    policy: Option<&PyPolicy>,
) -> PyResult<Vec<Line>> {
    let inputs: Vec<(&str, ScoreInput)> = results
        .iter()
        .map(|(n, r)| Ok((n.as_str(), score_input(r)?)))
        .collect::<PyResult<_>>()?;
    let default;
    let p = match policy {
        Some(p) => &p.p,
        None => {
            default = nps_core::policy::Policy::default();
            &default
        }
    };
    Ok(kpi::scorecard_of(&inputs, &p.benchmarks)
        .into_iter()
        .map(|l| {
            let (mn, mx) = l.benchmark.map_or((None, None), |b| (b.min, b.max));
            (l.kpi, l.value, mn, mx, l.status.name())
        })
        .collect())
}

/// The target seconds of the named time KPI (`reception_response_time`,
/// `delivery_time`) from the policy's benchmark (nps-core
/// `TimeMeasure::target_seconds`; an `InvalidArgumentError` without one).
#[pyfunction]
#[pyo3(signature = (name, policy = None))]
pub(crate) fn _kpi_time_target(name: &str, policy: Option<&PyPolicy>) -> PyResult<i64> {
    let m = TimeMeasure::from_name(name).py()?;
    match policy {
        Some(p) => m.target_seconds(&p.p.benchmarks),
        None => m.target_seconds(&nps_core::policy::Policy::default().benchmarks),
    }
    .py()
}

/// Registers the KPI classes and functions.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKpi>()?;
    m.add_class::<PyTimeKpi>()?;
    m.add_class::<PySrtCatalog>()?;
    m.add_function(wrap_pyfunction!(_kpi_first_time_fix, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_job_outcomes, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_repeat_complaint, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_bay_utilization, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_technician, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_labour_rate, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_hours_per_ro, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_time, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_rate, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_revenue_per_engineer, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_scorecard, m)?)?;
    m.add_function(wrap_pyfunction!(_kpi_time_target, m)?)?;
    Ok(())
}
