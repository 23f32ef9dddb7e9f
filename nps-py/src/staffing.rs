//! `nps.staffing`, `nps.StaffingTable`, `nps.capacity_gain`,
//! `nps.CapacityGain`. Conversion only: the rules live in
//! `nps_core::staffing`.

use nps_core::calendar::TimeOfDay;
use nps_core::money::Currency;
use nps_core::staffing::{
    capacity_gain as core_capacity_gain, staffing as core_staffing, CapacityGain, CapacityOptions,
    Roster, RosterEntry, StaffingOptions, StaffingProfile, WEEKDAYS,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDelta, PyDict, PyInt, PyString, PyTuple};

use crate::calendar::PyCalendar;
use crate::errors::{invalid_argument, CoreResult, Int};
use crate::kpi::ts_vec;
use crate::money::PyMoney;
use crate::table;

/// A staffing profile: one row per weekday × interval with open time
/// (`nps.staffing`). `to_pandas()`, `to_polars()`, `to_arrow()` and
/// `to_dict()` give the table; it pickles.
///
/// >>> t = nps.staffing([1_748_854_800, 1_748_855_400], service_time=900)  # Monday 09:00, 09:10 UTC
/// >>> row = t.to_dict()
/// >>> row["weekday"][9], row["hour"][9], row["arrival_rate"][9], row["servers"][9]
/// ('mon', 9, 2.0, 2)
/// >>> t.days, t.outside_hours
/// (1, 0)
#[pyclass(frozen, module = "nps", name = "StaffingTable")]
pub(crate) struct PyStaffingTable {
    p: StaffingProfile,
}

#[pymethods]
impl PyStaffingTable {
    /// The column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.p
            .to_table()
            .names()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Number of local dates in the history span.
    #[getter]
    fn days(&self) -> u32 {
        self.p.days
    }

    /// The first local date of the history span.
    #[getter]
    fn first_date(&self) -> chrono::NaiveDate {
        self.p.first_date
    }

    /// Arrivals left out because the calendar was closed.
    #[getter]
    fn outside_hours(&self) -> u64 {
        self.p.outside_hours
    }

    /// The interval length in seconds.
    #[getter]
    fn interval_s(&self) -> u32 {
        self.p.options.interval_s
    }

    /// The mean service time in seconds.
    #[getter]
    fn service_time_s(&self) -> f64 {
        self.p.options.service_time_s
    }

    /// The waiting target in seconds.
    #[getter]
    fn target_wait_s(&self) -> f64 {
        self.p.options.target_wait_s
    }

    /// The share of arrivals that must wait at most the target.
    #[getter]
    fn target_share(&self) -> f64 {
        self.p.options.target_share
    }

    /// The zone of the weekdays and times of day.
    #[getter]
    fn tz(&self) -> Option<String> {
        self.p.options.tz.clone()
    }

    fn __len__(&self) -> usize {
        self.p.rows.len()
    }

    /// The table as columns for `nps/_table.py`.
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table::columns(py, self.p.to_table())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        crate::state::reduce(slf.as_any(), &slf.get().p)
    }

    /// The table of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyStaffingTable {
            p: crate::state::load(state)?,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "StaffingTable(rows={}, days={}, interval_s={}, tz={:?})",
            self.p.rows.len(),
            self.p.days,
            self.p.options.interval_s,
            self.p.options.tz.as_deref().unwrap_or("UTC")
        )
    }
}

/// Seconds of a duration: a `timedelta` or a number of seconds.
fn secs(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<f64> {
    if let Ok(d) = obj.cast::<PyDelta>() {
        return d.call_method0("total_seconds")?.extract();
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "`{name}` must be a timedelta or a number of seconds, got bool"
        )));
    }
    obj.extract::<f64>().map_err(|_| {
        PyTypeError::new_err(format!(
            "`{name}` must be a timedelta or a number of seconds, got {}",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

/// The interval: `"hour"`, `"<n>min"`, a `timedelta` or seconds.
fn interval_s(obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_str()?;
        let minutes = match s {
            "hour" => Some(60),
            "day" => Some(24 * 60),
            _ => s.strip_suffix("min").and_then(|m| m.parse::<u32>().ok()),
        };
        return minutes.and_then(|m| m.checked_mul(60)).ok_or_else(|| {
            invalid_argument(
                "interval",
                format!("{s:?} is not \"hour\", \"day\", \"<n>min\", a timedelta or seconds"),
            )
        });
    }
    let v = secs(obj, "interval")?;
    if !(v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v)) {
        return Err(invalid_argument(
            "interval",
            format!("{v} s is not a whole number of seconds"),
        ));
    }
    Ok(v as u32)
}

fn weekday(obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    if let Ok(s) = obj.extract::<String>() {
        let lower = s.to_ascii_lowercase();
        return WEEKDAYS
            .iter()
            .position(|d| lower.starts_with(d))
            .map(|i| i as u32)
            .ok_or_else(|| {
                invalid_argument("roster", format!("{s:?} is not a weekday (mon … sun)"))
            });
    }
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        return Int(obj.extract::<i128>()?).to("roster", 0u32, u32::MAX);
    }
    Err(PyTypeError::new_err(
        "a roster weekday is a name (\"mon\") or 0 (Monday) … 6",
    ))
}

fn start_of(obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    if let Ok(s) = obj.extract::<String>() {
        return TimeOfDay::parse(&s)
            .map(TimeOfDay::seconds)
            .ok_or_else(|| invalid_argument("roster", format!("{s:?} is not a time HH:MM")));
    }
    if let Ok(d) = obj.cast::<PyDelta>() {
        let v: f64 = d.call_method0("total_seconds")?.extract()?;
        if v.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&v) {
            return Err(invalid_argument(
                "roster",
                format!("{v} s is not a time of day"),
            ));
        }
        return Ok(v as u32);
    }
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        let h = Int(obj.extract::<i128>()?).to("roster", 0u32, 23)?;
        return Ok(h * 3600);
    }
    Err(PyTypeError::new_err(
        "a roster interval start is an hour (int), \"HH:MM\" or a timedelta",
    ))
}

/// A roster: servers for every interval (int), or a mapping
/// `{(weekday, start): servers}`.
fn roster_of(obj: &Bound<'_, PyAny>) -> PyResult<Roster> {
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        return Ok(Roster::Constant(Int(obj.extract::<i128>()?).to(
            "roster",
            0u32,
            u32::MAX,
        )?));
    }
    let Ok(d) = obj.cast::<PyDict>() else {
        return Err(PyTypeError::new_err(format!(
            "`roster` must be an int or a dict {{(weekday, hour): servers}}, got {}",
            obj.get_type().name()?
        )));
    };
    let mut entries = Vec::with_capacity(d.len());
    for (k, v) in d.iter() {
        let key = k.cast::<PyTuple>().map_err(|_| {
            PyTypeError::new_err("roster keys are (weekday, hour) tuples, e.g. (\"mon\", 9)")
        })?;
        if key.len() != 2 {
            return Err(PyTypeError::new_err(
                "roster keys are (weekday, hour) tuples, e.g. (\"mon\", 9)",
            ));
        }
        if v.is_instance_of::<PyBool>() || !v.is_instance_of::<PyInt>() {
            return Err(PyTypeError::new_err(format!(
                "roster servers must be ints, got {}",
                v.repr()?
            )));
        }
        entries.push(RosterEntry {
            weekday: weekday(&key.get_item(0)?)?,
            start_s: start_of(&key.get_item(1)?)?,
            servers: Int(v.extract::<i128>()?).to("roster", 0u32, u32::MAX)?,
        });
    }
    Ok(Roster::PerInterval(entries))
}

/// Staffing by the hour: arrival rates per weekday × interval from a
/// history of arrival instants, the Erlang C servers each interval needs
/// for a waiting target, and with a `roster` the predicted waits.
///
/// `arrivals` is a column of instants (aware datetimes, datetime64 /
/// pandas / polars datetimes, or Unix seconds). The rate of a weekday ×
/// interval is its arrivals ÷ the time that interval was open (per the
/// `calendar`; always without one) over the local dates from the first
/// arrival to the last: with whole intervals open, arrivals ÷ (number of
/// such intervals × interval length). `service_time` and `target_wait`
/// are `timedelta`s or seconds; `target_share` is in (0, 1); `interval`
/// is `"hour"`, `"<n>min"`, a `timedelta` or seconds dividing the day;
/// `tz` is the zone of weekdays and hours (default: the calendar's, else
/// UTC). Every option left None takes the core default (900 s service, 90
/// % waiting at most 180 s, by the hour).
///
/// `roster` is an int (servers in every interval) or a dict
/// `{(weekday, hour): servers}` (weekday `"mon"` … `"sun"` or 0 … 6; hour
/// an int, `"HH:MM"` or a `timedelta`) with an entry for every interval
/// with open time. Then `prob_wait`, `mean_wait_s`, `within_target` and
/// `stable` are added; an interval whose load is at or above its roster is
/// unstable and its waits are None, never a number.
///
/// >>> import datetime as dt
/// >>> mon9 = dt.datetime(2025, 6, 2, 9, tzinfo=dt.timezone.utc)
/// >>> arrivals = [mon9 + dt.timedelta(minutes=6 * i) for i in range(10)]  # 10 an hour
/// >>> t = nps.staffing(arrivals, service_time=dt.timedelta(minutes=15),
/// ...                  target_wait=dt.timedelta(minutes=3), target_share=0.9,
/// ...                  roster={("mon", h): 2 for h in range(24)})
/// >>> d = t.to_dict()
/// >>> d["arrival_rate"][9], d["servers"][9], d["stable"][9], d["prob_wait"][9]
/// (10.0, 5, False, None)
#[pyfunction]
#[pyo3(signature = (arrivals, *, service_time = None, target_wait = None, target_share = None, interval = None, tz = None, calendar = None, roster = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn staffing(
    arrivals: &Bound<'_, PyAny>,
    service_time: Option<&Bound<'_, PyAny>>,
    target_wait: Option<&Bound<'_, PyAny>>,
    target_share: Option<f64>,
    interval: Option<&Bound<'_, PyAny>>,
    tz: Option<String>,
    calendar: Option<PyRef<'_, PyCalendar>>,
    roster: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyStaffingTable> {
    let d = StaffingOptions::default();
    let opts = StaffingOptions {
        interval_s: interval
            .map(interval_s)
            .transpose()?
            .unwrap_or(d.interval_s),
        service_time_s: service_time
            .map(|s| secs(s, "service_time"))
            .transpose()?
            .unwrap_or(d.service_time_s),
        target_wait_s: target_wait
            .map(|s| secs(s, "target_wait"))
            .transpose()?
            .unwrap_or(d.target_wait_s),
        target_share: target_share.unwrap_or(d.target_share),
        tz: tz.or(d.tz),
    };
    let roster = roster.map(roster_of).transpose()?;
    let ts = ts_vec(arrivals)?;
    let cal = calendar.as_ref().map(|c| &c.cal);
    let py = arrivals.py();
    let p = py
        .detach(|| core_staffing(&ts, cal, roster.as_ref(), &opts))
        .py()?;
    Ok(PyStaffingTable { p })
}

/// The capacity one advisor gains from a shorter service time
/// (`nps.capacity_gain`).
///
/// >>> g = nps.capacity_gain()
/// >>> g.per_day, g.per_year, g.revenue
/// (16.0, 4000.0, Money(320000000, 'CNY'))
#[pyclass(frozen, module = "nps", name = "CapacityGain")]
pub(crate) struct PyCapacityGain {
    g: CapacityGain,
}

#[pymethods]
impl PyCapacityGain {
    /// Extra customers per day.
    #[getter]
    fn per_day(&self) -> f64 {
        self.g.per_day
    }
    /// Extra customers per year.
    #[getter]
    fn per_year(&self) -> f64 {
        self.g.per_year
    }
    /// The extra revenue per year (`per_year × ticket`, rounded to the
    /// minor unit).
    #[getter]
    fn revenue(&self) -> PyMoney {
        PyMoney(self.g.revenue)
    }
    /// `revenue` in minor units.
    #[getter]
    fn revenue_minor(&self) -> i64 {
        self.g.revenue.minor
    }
    /// The currency of `revenue`.
    #[getter]
    fn currency(&self) -> &'static str {
        self.g.revenue.currency.code()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        crate::state::reduce(slf.as_any(), &slf.get().g)
    }

    /// The gain of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyCapacityGain {
            g: crate::state::load(state)?,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "CapacityGain(per_day={}, per_year={}, revenue_minor={}, currency={:?})",
            self.g.per_day,
            self.g.per_year,
            self.g.revenue.minor,
            self.g.revenue.currency.code()
        )
    }
}

/// The customers and revenue one advisor gains per day and per year when
/// the service time drops from `before_minutes` to `after_minutes`: per
/// day `hours_per_day × 60 × share_of_time × (1/after − 1/before)`, per
/// year `× days`, revenue `× ticket_minor` in `currency` (integer money).
/// Every argument left None takes the core default: the source's 15 → 10
/// minutes, 8 hours, full share, 250 days, 800.00 CNY.
///
/// >>> g = nps.capacity_gain(share_of_time=0.5)  # the source's "8 more a day"
/// >>> g.per_day, g.per_year, g.revenue_minor
/// (8.0, 2000.0, 160000000)
#[pyfunction]
#[pyo3(signature = (before_minutes = None, after_minutes = None, hours_per_day = None, share_of_time = None, days = None, ticket_minor = None, currency = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn capacity_gain(
    before_minutes: Option<f64>,
    after_minutes: Option<f64>,
    hours_per_day: Option<f64>,
    share_of_time: Option<f64>,
    days: Option<f64>,
    ticket_minor: Option<Int>,
    currency: Option<&str>,
) -> PyResult<PyCapacityGain> {
    let d = CapacityOptions::default();
    let o = CapacityOptions {
        before_minutes: before_minutes.unwrap_or(d.before_minutes),
        after_minutes: after_minutes.unwrap_or(d.after_minutes),
        hours_per_day: hours_per_day.unwrap_or(d.hours_per_day),
        share_of_time: share_of_time.unwrap_or(d.share_of_time),
        days: days.unwrap_or(d.days),
        ticket_minor: ticket_minor
            .map(|t| t.to("ticket_minor", i64::MIN, i64::MAX))
            .transpose()?
            .unwrap_or(d.ticket_minor),
        currency: currency
            .map(Currency::from_code)
            .transpose()
            .py()?
            .unwrap_or(d.currency),
    };
    Ok(PyCapacityGain {
        g: core_capacity_gain(&o).py()?,
    })
}
