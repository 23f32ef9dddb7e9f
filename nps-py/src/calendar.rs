//! `nps.Calendar`: a business calendar (IANA zone, weekly opening ranges,
//! holidays, working-day overrides, schedules from effective dates), and
//! deadlines and elapsed business time over it. Validation and every rule
//! are nps-core's; this file converts Python values to a `CalendarSpec`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use nps_core::calendar::{Calendar, CalendarSpec, Duration, HolidaySpec, ScheduleSpec};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyDate, PyDateTime, PyDelta, PyDict, PyList, PyString, PyTime, PyTuple, PyType, PyTzInfo,
};

use crate::errors::{invalid_argument, CoreResult};
use crate::instant::{datetime, duration_seconds, pauses, seconds, timedelta, zone};
use crate::names::repr_str;

type Ranges = Vec<[String; 2]>;
type Weekly = BTreeMap<String, Ranges>;

/// A time of day: `"HH:MM"` / `"HH:MM:SS"` text (checked by nps-core) or a
/// `datetime.time` of whole seconds without tzinfo.
fn time_text(v: &Bound<'_, PyAny>, arg: &'static str, path: &str) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if v.is_instance_of::<PyTime>() {
        let t: chrono::NaiveTime = v.extract().map_err(|_| {
            invalid_argument(
                arg,
                format!("{path}: a time of day without tzinfo is expected"),
            )
        })?;
        if t.format("%f").to_string() != "000000000" {
            return Err(invalid_argument(
                arg,
                format!("{path}: times of day are whole seconds"),
            ));
        }
        return Ok(t.format("%H:%M:%S").to_string());
    }
    Err(PyTypeError::new_err(format!(
        "{path} must be a time of day (\"HH:MM\" or datetime.time), got {}",
        v.get_type().name()?
    )))
}

/// A list of `(start, end)` ranges.
fn ranges(obj: &Bound<'_, PyAny>, arg: &'static str, path: &str) -> PyResult<Ranges> {
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{path} must be a list of (\"HH:MM\", \"HH:MM\") pairs, got a string"
        )));
    }
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let p = format!("{path}[{i}]");
        let pair: (Bound<'_, PyAny>, Bound<'_, PyAny>) = if item.is_instance_of::<PyString>() {
            Err(())
        } else {
            item.extract().map_err(|_| ())
        }
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "{p} must be a (\"HH:MM\", \"HH:MM\") pair, got {}",
                item.repr().map(|r| r.to_string()).unwrap_or_default()
            ))
        })?;
        out.push([time_text(&pair.0, arg, &p)?, time_text(&pair.1, arg, &p)?]);
    }
    Ok(out)
}

/// Items of a mapping (a dict or anything with `.items()`).
fn items<'py>(
    obj: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let items = obj
        .call_method0("items")
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a mapping (e.g. a dict)")))?;
    items
        .try_iter()?
        .map(|kv| kv.and_then(|kv| kv.extract()))
        .collect()
}

/// Weekly opening ranges: `{"mon": [("09:00", "12:00"), ...], ...}`.
fn weekly(obj: &Bound<'_, PyAny>, arg: &'static str, path: &str) -> PyResult<Weekly> {
    let mut out = BTreeMap::new();
    for (k, v) in items(obj, path)? {
        let day = k.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{path} keys must be weekday names \"mon\"..\"sun\", got {}",
                k.repr().map(|r| r.to_string()).unwrap_or_default()
            ))
        })?;
        let day = day.to_str()?.to_owned();
        let r = ranges(&v, arg, &format!("{path}[{}]", repr_str(&day)))?;
        out.insert(day, r);
    }
    Ok(out)
}

/// A date as `YYYY-MM-DD`: a `datetime.date` (not a datetime), or text that
/// nps-core parses.
fn date_text(v: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if v.is_instance_of::<PyDateTime>() {
        return Err(PyTypeError::new_err(format!(
            "{path} must be a datetime.date, not a datetime"
        )));
    }
    if v.is_instance_of::<PyDate>() {
        let d: NaiveDate = v.extract()?;
        return Ok(d.format("%Y-%m-%d").to_string());
    }
    Err(PyTypeError::new_err(format!(
        "{path} must be a datetime.date, got {}",
        v.get_type().name()?
    )))
}

fn holidays(obj: &Bound<'_, PyAny>) -> PyResult<Vec<HolidaySpec>> {
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let p = format!("holidays[{i}]");
        if let Ok(t) = item.cast::<PyTuple>() {
            let (date, closed): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                t.extract().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "{p} must be a date or a (date, [(\"HH:MM\", \"HH:MM\"), ...]) pair"
                    ))
                })?;
            out.push(HolidaySpec::Partial {
                date: date_text(&date, &p)?,
                closed: if closed.is_none() {
                    None
                } else {
                    Some(ranges(&closed, "holidays", &format!("{p}[1]"))?)
                },
            });
        } else {
            out.push(HolidaySpec::Date(date_text(&item, &p)?));
        }
    }
    Ok(out)
}

fn working_days(obj: &Bound<'_, PyAny>) -> PyResult<Weekly> {
    let mut out = BTreeMap::new();
    for (k, v) in items(obj, "working_days")? {
        let date = date_text(&k, "working_days key")?;
        let r = ranges(&v, "working_days", &format!("working_days[{date}]"))?;
        out.insert(date, r);
    }
    Ok(out)
}

fn schedules(obj: &Bound<'_, PyAny>) -> PyResult<Vec<ScheduleSpec>> {
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let p = format!("schedules[{i}]");
        let (from, week): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("{p} must be a (date, weekly) pair")))?;
        out.push(ScheduleSpec {
            from: date_text(&from, &p)?,
            weekly: weekly(&week, "schedules", &format!("{p}[1]"))?,
        });
    }
    Ok(out)
}

/// A date of a validated spec (nps-core parsed it already).
fn spec_date<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => Ok(d.into_pyobject(py)?.into_any()),
        Err(_) => Ok(PyString::new(py, text).into_any()),
    }
}

fn ranges_to_py<'py>(py: Python<'py>, r: &[[String; 2]]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, r.iter().map(|[a, b]| (a.as_str(), b.as_str())))
}

fn weekly_to_py<'py>(py: Python<'py>, w: &Weekly) -> PyResult<Bound<'py, PyDict>> {
    // Weekday order, then anything else (a validated spec has only weekdays).
    const ORDER: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let d = PyDict::new(py);
    let mut keys: Vec<&String> = w.keys().collect();
    keys.sort_by_key(|k| ORDER.iter().position(|d| d == k).unwrap_or(ORDER.len()));
    for k in keys {
        d.set_item(k, ranges_to_py(py, &w[k])?)?;
    }
    Ok(d)
}

/// A business calendar: an IANA time zone, opening ranges per weekday
/// (several per day, e.g. around lunch), holidays (whole or part days),
/// working-day overrides (e.g. Chinese make-up working days) and weekly
/// schedules taking effect on dates.
///
/// >>> import datetime as dt
/// >>> cal = nps.Calendar("UTC", {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")})
/// >>> cal.is_working_day(dt.date(2025, 6, 14))  # a Saturday
/// False
/// >>> cal.is_open(dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc))  # Friday 10:00
/// True
#[pyclass(frozen, eq, from_py_object, module = "nps", name = "Calendar")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyCalendar {
    pub(crate) cal: Calendar,
}

impl PyCalendar {
    /// The calendar's zone as a Python `ZoneInfo`.
    pub(crate) fn tzinfo(&self, py: Python<'_>) -> PyResult<Py<PyTzInfo>> {
        zone(py, &self.cal.spec().tz)
    }
}

#[pymethods]
impl PyCalendar {
    /// A calendar from Python values; every problem of the content (unknown
    /// zone or weekday, a range ending before it starts, overlaps, a holiday
    /// that is also a working day, ...) is reported at once by
    /// `InvalidPolicyError` with its path.
    #[new]
    #[pyo3(signature = (tz, weekly, *, holidays = None, working_days = None, schedules = None))]
    #[pyo3(text_signature = "(tz, weekly, *, holidays=(), working_days=None, schedules=())")]
    fn new(
        tz: &str,
        weekly: &Bound<'_, PyAny>,
        holidays: Option<&Bound<'_, PyAny>>,
        working_days: Option<&Bound<'_, PyAny>>,
        schedules: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let spec = CalendarSpec {
            tz: tz.to_owned(),
            weekly: self::weekly(weekly, "weekly", "weekly")?,
            schedules: schedules
                .filter(|s| !s.is_none())
                .map(self::schedules)
                .transpose()?
                .unwrap_or_default(),
            holidays: holidays
                .filter(|h| !h.is_none())
                .map(self::holidays)
                .transpose()?
                .unwrap_or_default(),
            working_days: working_days
                .filter(|w| !w.is_none())
                .map(self::working_days)
                .transpose()?
                .unwrap_or_default(),
        };
        Ok(PyCalendar {
            cal: Calendar::new(spec).py()?,
        })
    }

    /// A calendar from JSON (the same form as a policy's `calendar` field).
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Self> {
        Ok(PyCalendar {
            cal: Calendar::from_json(text).py()?,
        })
    }

    /// The calendar as JSON.
    #[allow(clippy::wrong_self_convention)] // Python methods take `&self`
    fn to_json(&self) -> String {
        self.cal.to_json()
    }

    /// The IANA time-zone name.
    #[getter]
    fn tz(&self) -> &str {
        &self.cal.spec().tz
    }

    /// Opening ranges per weekday, `{"mon": [("09:00", "12:00"), ...], ...}`.
    #[getter]
    fn weekly<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        weekly_to_py(py, &self.cal.spec().weekly)
    }

    /// Holidays: dates (closed all day) and `(date, closed ranges)` pairs.
    #[getter]
    fn holidays<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for h in &self.cal.spec().holidays {
            match h {
                HolidaySpec::Date(d) => out.append(spec_date(py, d)?)?,
                HolidaySpec::Partial { date, closed } => {
                    let closed = match closed {
                        Some(c) => ranges_to_py(py, c)?.into_any(),
                        None => py.None().into_bound(py),
                    };
                    out.append((spec_date(py, date)?, closed))?
                }
            }
        }
        Ok(out)
    }

    /// Working-day overrides: date -> opening ranges.
    #[getter]
    fn working_days<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (date, r) in &self.cal.spec().working_days {
            d.set_item(spec_date(py, date)?, ranges_to_py(py, r)?)?;
        }
        Ok(d)
    }

    /// Weekly schedules taking effect on a date: `(date, weekly)` pairs.
    #[getter]
    fn schedules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for s in &self.cal.spec().schedules {
            out.append((spec_date(py, &s.from)?, weekly_to_py(py, &s.weekly)?))?;
        }
        Ok(out)
    }

    /// The deadline after `start` (an aware datetime or Unix seconds) as an
    /// aware datetime in the calendar's zone. Give exactly one duration:
    /// `hours` (wall-clock, pauses left out), `business_hours` (counted in
    /// opening hours only) — each a number of hours (a float must come to
    /// whole seconds) or a `timedelta` — or `business_days` (due at the close
    /// of the n-th working day). `pauses` are `(start, end)` instants.
    #[pyo3(signature = (start, hours = None, business_hours = None, business_days = None, pauses = None))]
    #[pyo3(
        text_signature = "(self, /, start, hours=None, business_hours=None, business_days=None, pauses=())"
    )]
    fn deadline<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        hours: Option<&Bound<'py, PyAny>>,
        business_hours: Option<&Bound<'py, PyAny>>,
        business_days: Option<&Bound<'py, PyAny>>,
        pauses: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let given = [&hours, &business_hours, &business_days]
            .iter()
            .filter(|d| d.is_some_and(|d| !d.is_none()))
            .count();
        if given != 1 {
            return Err(invalid_argument(
                "duration",
                format!("give exactly one of hours, business_hours, business_days (got {given})"),
            ));
        }
        let duration = if let Some(h) = hours.filter(|h| !h.is_none()) {
            Duration::Wall {
                seconds: duration_seconds(h, "hours", 3600)?,
            }
        } else if let Some(h) = business_hours.filter(|h| !h.is_none()) {
            Duration::Business {
                seconds: duration_seconds(h, "business_hours", 3600)?,
            }
        } else {
            let d = business_days.ok_or_else(|| invalid_argument("duration", "missing"))?;
            if d.is_instance_of::<pyo3::types::PyBool>()
                || !d.is_instance_of::<pyo3::types::PyInt>()
            {
                return Err(PyTypeError::new_err(format!(
                    "`business_days` must be an int, got {}",
                    d.get_type().name()?
                )));
            }
            let days: crate::errors::Int = d.extract()?;
            let days = days.to("business_days", 0u32, u32::MAX)?;
            Duration::BusinessDays { days }
        };
        let start = seconds(start, "start")?;
        let pauses = self::pauses(pauses)?;
        let cal = &self.cal;
        let due = py.detach(|| cal.deadline(start, duration, &pauses)).py()?;
        datetime(py, due, &self.tzinfo(py)?)
    }

    /// Business time in `[start, end)` outside `pauses`, as a timedelta.
    #[pyo3(signature = (start, end, pauses = None))]
    #[pyo3(text_signature = "(self, /, start, end, pauses=())")]
    fn elapsed<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        pauses: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDelta>> {
        let (start, end) = (seconds(start, "start")?, seconds(end, "end")?);
        let pauses = self::pauses(pauses)?;
        let cal = &self.cal;
        let s = py.detach(|| cal.elapsed(start, end, &pauses)).py()?;
        timedelta(py, s)
    }

    /// Whether the calendar is open at instant `t`.
    fn is_open(&self, t: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.cal.is_open(seconds(t, "t")?).py()
    }

    /// Whether a local date has opening hours (overrides and holidays applied).
    fn is_working_day(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.cal.is_working_day(local_date(date)?))
    }

    /// Opening intervals of a local date as `(open, close)` aware datetimes
    /// in the calendar's zone.
    fn opening_hours<'py>(
        &self,
        py: Python<'py>,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let tz = self.tzinfo(py)?;
        let out = PyList::empty(py);
        for (a, b) in self.cal.day_instants(local_date(date)?) {
            out.append((datetime(py, a, &tz)?, datetime(py, b, &tz)?))?;
        }
        Ok(out)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let spec = self.cal.spec();
        let mut s = format!(
            "Calendar({}, {}",
            repr_str(&spec.tz),
            self.weekly(py)?.repr()?
        );
        if !spec.holidays.is_empty() {
            s += &format!(", holidays={}", self.holidays(py)?.repr()?);
        }
        if !spec.working_days.is_empty() {
            s += &format!(", working_days={}", self.working_days(py)?.repr()?);
        }
        if !spec.schedules.is_empty() {
            s += &format!(", schedules={}", self.schedules(py)?.repr()?);
        }
        s.push(')');
        Ok(s)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        crate::state::reduce(slf.as_any(), &slf.get().cal)
    }

    /// The calendar of a state written by pickling (`pickle.loads`); the
    /// state is validated as calendar JSON is.
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        Ok(PyCalendar {
            cal: crate::state::load(state)?,
        })
    }
}

/// A `datetime.date` argument (not a datetime).
fn local_date(v: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    if v.is_instance_of::<PyDateTime>() || !v.is_instance_of::<PyDate>() {
        return Err(PyTypeError::new_err(format!(
            "`date` must be a datetime.date, got {}",
            v.get_type().name()?
        )));
    }
    v.extract()
}
