//! Service KPIs (`nps.kpi`): thin wrappers of `nps_core::kpi`. Columns are
//! converted (numbers, timestamps, labels, 0/1 flags); every rule lives in
//! nps-core. The Python module `nps/kpi.py` gives these functions their
//! public names and builds the tables.

use nps_core::group::{GroupKey, Keys};
use nps_core::kpi::{
    self, ComebackOptions, Grouping, HoursBasis, Jobs, Kpi, KpiTable, PayType, SrtCatalog, TimeKpi,
    TimeTable,
};
use nps_core::period::Period;
use nps_core::Error;
use pyo3::prelude::*;

use crate::calendar::PyCalendar;
use crate::column::{labels, numbers, timestamps, IntLabels, Labels};
use crate::errors::{to_py, CoreResult};
use crate::instant::seconds;
use crate::names::parse_name;
use crate::policy::PyPolicy;

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

use crate::group::key_to_py;

fn keys_of<'a>(c: &'a Labels<'_>, strs: &'a Option<Vec<&'a str>>) -> PyResult<Keys<'a>> {
    if let Some(s) = strs {
        return Ok(Keys::Str(s));
    }
    Ok(match c.ints()? {
        Some(IntLabels::U32(v)) => Keys::U32(v),
        Some(IntLabels::U64(v)) => Keys::U64(v),
        Some(IntLabels::I64(v)) => Keys::I64(v),
        // `labels` yields strings or integers only; never an empty stand-in.
        None => {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "group labels must be strings or integers",
            ))
        }
    })
}

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
    by: Option<Labels<'py>>,
    ts: Option<Vec<i64>>,
    period: Option<Period>,
    tz: String,
}

fn group_args<'py>(
    by: Option<&Bound<'py, PyAny>>,
    ts: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    tz: &str,
) -> PyResult<GroupArgs<'py>> {
    Ok(GroupArgs {
        by: by.map(|b| labels(b, "by")).transpose()?,
        ts: ts.map(ts_vec).transpose()?,
        period: period.map(Period::from_name).transpose().py()?,
        tz: tz.to_owned(),
    })
}

/// Runs `f` with the core grouping (the GIL released).
fn grouped<R: Send>(
    py: Python<'_>,
    g: &GroupArgs<'_>,
    f: impl FnOnce(&Grouping<'_>) -> nps_core::Result<R> + Send,
) -> PyResult<R> {
    let strs = g.by.as_ref().and_then(Labels::strs);
    let keys = g.by.as_ref().map(|b| keys_of(b, &strs)).transpose()?;
    let grouping = Grouping {
        keys,
        timestamps: g.ts.as_deref(),
        period: g.period,
        tz: Some(&g.tz),
    };
    py.detach(|| f(&grouping)).py()
}

type Row = (Py<PyAny>, Option<String>, PyKpi);

fn table_out(py: Python<'_>, t: KpiTable) -> PyResult<(PyKpi, Vec<Row>)> {
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
    Ok((PyKpi { k: t.overall }, rows))
}

type TimeRow = (Py<PyAny>, Option<String>, PyTimeKpi);

fn time_out(py: Python<'_>, t: TimeTable) -> PyResult<(PyTimeKpi, Vec<TimeRow>)> {
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
    Ok((PyTimeKpi { t: t.overall }, rows))
}

/// First-time-fix rate (or, with `comeback=True`, the comeback rate) over
/// repair-order rows. See `nps.kpi.first_time_fix_rate`.
#[pyfunction]
#[pyo3(signature = (vehicles, complaints, opened, closed, *, window_seconds = 2_592_000, as_of = None, exclude_incomplete = true, comeback = false, by = None, timestamps = None, period = None, tz = "UTC"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_first_time_fix(
    py: Python<'_>,
    vehicles: &Bound<'_, PyAny>,
    complaints: Option<&Bound<'_, PyAny>>,
    opened: &Bound<'_, PyAny>,
    closed: &Bound<'_, PyAny>,
    window_seconds: i64,
    as_of: Option<&Bound<'_, PyAny>>,
    exclude_incomplete: bool,
    comeback: bool,
    by: Option<&Bound<'_, PyAny>>,
    timestamps: Option<&Bound<'_, PyAny>>,
    period: Option<&str>,
    tz: &str,
) -> PyResult<(PyKpi, Vec<Row>)> {
    let veh = labels(vehicles, "vehicles")?;
    let veh_s = veh.strs();
    let comp = complaints.map(|c| labels(c, "complaints")).transpose()?;
    let comp_s = comp.as_ref().and_then(Labels::strs);
    let (opened, closed) = (ts_vec(opened)?, ts_vec(closed)?);
    let opts = ComebackOptions {
        window_seconds,
        as_of: as_of
            .filter(|a| !a.is_none())
            .map(|a| seconds(a, "as_of"))
            .transpose()?,
        exclude_incomplete,
    };
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
    table_out(py, t)
}

/// The verdict per job: "fixed", "came_back" or "incomplete".
#[pyfunction]
#[pyo3(signature = (vehicles, complaints, opened, closed, *, window_seconds = 2_592_000, as_of = None))]
pub(crate) fn _kpi_job_outcomes(
    vehicles: &Bound<'_, PyAny>,
    complaints: Option<&Bound<'_, PyAny>>,
    opened: &Bound<'_, PyAny>,
    closed: &Bound<'_, PyAny>,
    window_seconds: i64,
    as_of: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<&'static str>> {
    let veh = labels(vehicles, "vehicles")?;
    let veh_s = veh.strs();
    let comp = complaints.map(|c| labels(c, "complaints")).transpose()?;
    let comp_s = comp.as_ref().and_then(Labels::strs);
    let (opened, closed) = (ts_vec(opened)?, ts_vec(closed)?);
    let opts = ComebackOptions {
        window_seconds,
        as_of: as_of
            .filter(|a| !a.is_none())
            .map(|a| seconds(a, "as_of"))
            .transpose()?,
        exclude_incomplete: true,
    };
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
#[pyo3(signature = (subjects, raised, closed, *, window_days = 30, as_of = None, by = None, timestamps = None, period = None, tz = "UTC"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_repeat_complaint(
    py: Python<'_>,
    subjects: &Bound<'_, PyAny>,
    raised: &Bound<'_, PyAny>,
    closed: &Bound<'_, PyAny>,
    window_days: u32,
    as_of: Option<&Bound<'_, PyAny>>,
    by: Option<&Bound<'_, PyAny>>,
    timestamps: Option<&Bound<'_, PyAny>>,
    period: Option<&str>,
    tz: &str,
) -> PyResult<(PyKpi, Vec<Row>)> {
    let sub = labels(subjects, "subjects")?;
    let sub_s = sub.strs();
    let keys = keys_of(&sub, &sub_s)?;
    let (raised, closed) = (ts_vec(raised)?, ts_vec(closed)?);
    let as_of = as_of
        .filter(|a| !a.is_none())
        .map(|a| seconds(a, "as_of"))
        .transpose()?;
    let g = group_args(by, timestamps, period, tz)?;
    let t = grouped(py, &g, |g| {
        let opts = ComebackOptions {
            as_of,
            ..ComebackOptions::window_days(window_days)
        };
        kpi::repeat_complaint_rate(keys, &raised, &closed, &opts, g)
    })?;
    table_out(py, t)
}

/// Bay utilization. See `nps.kpi.bay_utilization`.
#[pyfunction]
#[pyo3(signature = (occupied_hours, *, repair_bays, calendar, start, end, repair_bay = None))]
pub(crate) fn _kpi_bay_utilization(
    occupied_hours: &Bound<'_, PyAny>,
    repair_bays: u32,
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
        repair_bays,
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
#[pyfunction]
#[pyo3(signature = (target_seconds, *, start = None, end = None, seconds = None, by = None, timestamps = None, period = None, tz = "UTC"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_time(
    py: Python<'_>,
    target_seconds: i64,
    start: Option<&Bound<'_, PyAny>>,
    end: Option<&Bound<'_, PyAny>>,
    seconds: Option<&Bound<'_, PyAny>>,
    by: Option<&Bound<'_, PyAny>>,
    timestamps: Option<&Bound<'_, PyAny>>,
    period: Option<&str>,
    tz: &str,
) -> PyResult<(PyTimeKpi, Vec<TimeRow>)> {
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
    time_out(py, t)
}

/// A rate KPI. `kind`: "rate" (flags over eligible rows), "ready_when_promised"
/// (`delivered`, `promised`), "follow_up" (`service_end`, `follow_up`,
/// `window_seconds`), "csat" (`ratings`, `satisfied_min`).
#[pyfunction]
#[pyo3(signature = (kind, *, flags = None, eligible = None, delivered = None, promised = None, service_end = None, follow_up = None, window_seconds = 0, ratings = None, satisfied_min = 0.0, by = None, timestamps = None, period = None, tz = "UTC"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _kpi_rate(
    py: Python<'_>,
    kind: &str,
    flags: Option<&Bound<'_, PyAny>>,
    eligible: Option<&Bound<'_, PyAny>>,
    delivered: Option<&Bound<'_, PyAny>>,
    promised: Option<&Bound<'_, PyAny>>,
    service_end: Option<&Bound<'_, PyAny>>,
    follow_up: Option<&Bound<'_, PyAny>>,
    window_seconds: i64,
    ratings: Option<&Bound<'_, PyAny>>,
    satisfied_min: f64,
    by: Option<&Bound<'_, PyAny>>,
    timestamps: Option<&Bound<'_, PyAny>>,
    period: Option<&str>,
    tz: &str,
) -> PyResult<(PyKpi, Vec<Row>)> {
    let g = group_args(by, timestamps, period, tz)?;
    let t = match kind {
        "rate" => {
            let f = self::flags(need(flags, "flags")?, "flags")?;
            let e = eligible.map(|e| self::flags(e, "eligible")).transpose()?;
            grouped(py, &g, |g| kpi::rate(&f, e.as_deref(), g))?
        }
        "ready_when_promised" => {
            let d = ts_vec(need(delivered, "delivered")?)?;
            let p = opt_ts_vec(need(promised, "promised")?)?;
            grouped(py, &g, |g| kpi::ready_when_promised(&d, &p, g))?
        }
        "follow_up" => {
            let s = ts_vec(need(service_end, "service_end")?)?;
            let f = opt_ts_vec(need(follow_up, "follow_up")?)?;
            grouped(py, &g, |g| {
                let opts = kpi::FollowUpOptions { window_seconds };
                kpi::follow_up_completion_rate(&s, &f, &opts, g)
            })?
        }
        "csat" => {
            let r = f64_vec(need(ratings, "ratings")?, "ratings")?;
            grouped(py, &g, |g| {
                kpi::csat(&r, &kpi::CsatOptions { satisfied_min }, g)
            })?
        }
        _ => {
            return Err(crate::errors::invalid_argument(
                "kind",
                format!("unknown rate kind `{kind}`"),
            ))
        }
    };
    table_out(py, t)
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
    engineers: u32,
) -> PyResult<PyKpi> {
    let r = i64_vec(revenue_minor, "revenue_minor")?;
    Ok(PyKpi {
        k: kpi::service_revenue_per_engineer(&r, engineers).py()?,
    })
}

type Line = (String, Option<f64>, Option<f64>, Option<f64>, &'static str);

/// Each `(name, value)` against the policy's benchmarks:
/// `(kpi, value, min, max, status)`.
#[pyfunction]
#[pyo3(signature = (names, values, policy = None))]
pub(crate) fn _kpi_scorecard(
    names: Vec<String>,
    values: Vec<Option<f64>>,
    policy: Option<&PyPolicy>,
) -> PyResult<Vec<Line>> {
    if names.len() != values.len() {
        return Err(to_py(Error::LengthMismatch {
            name: "values",
            actual: values.len(),
            expected_name: "names",
            expected: names.len(),
        }));
    }
    let default;
    let p = match policy {
        Some(p) => &p.p,
        None => {
            default = nps_core::policy::Policy::default();
            &default
        }
    };
    let input: Vec<(&str, Option<f64>)> = names
        .iter()
        .map(String::as_str)
        .zip(values.iter().copied())
        .collect();
    Ok(kpi::scorecard(&input, &p.benchmarks)
        .into_iter()
        .map(|l| {
            let (mn, mx) = l.benchmark.map_or((None, None), |b| (b.min, b.max));
            (l.kpi, l.value, mn, mx, l.status.name())
        })
        .collect())
}

/// The target seconds of a time KPI from the policy's benchmark (a maximum
/// in minutes), None without one.
#[pyfunction]
#[pyo3(signature = (name, policy = None))]
pub(crate) fn _kpi_time_target(name: &str, policy: Option<&PyPolicy>) -> Option<i64> {
    match policy {
        Some(p) => kpi::time_target_seconds(&p.p.benchmarks, name),
        None => kpi::time_target_seconds(&nps_core::policy::Policy::default().benchmarks, name),
    }
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
