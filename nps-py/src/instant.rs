//! Instants and durations between Python and nps-core.
//!
//! nps-core counts time in integer Unix seconds (UTC instants). From Python
//! an instant is a timezone-aware `datetime` (a naive one is ambiguous and
//! rejected) or an `int` of Unix seconds; sub-second parts are dropped
//! (floor). Instants go back out as aware `datetime`s in a given zone.

use chrono::{DateTime, Utc};
use nps_core::calendar::Pause;
use nps_core::Error;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateTime, PyDelta, PyDeltaAccess, PyFloat, PyInt, PyString, PyTzInfo,
    PyTzInfoAccess,
};

use crate::errors::{invalid_argument, to_py};

static EPOCH: PyOnceLock<Py<PyDateTime>> = PyOnceLock::new();

/// `datetime(1970, 1, 1, tzinfo=timezone.utc)`.
fn epoch(py: Python<'_>) -> PyResult<&Bound<'_, PyDateTime>> {
    EPOCH
        .get_or_try_init(py, || {
            let utc = PyTzInfo::utc(py)?;
            Ok::<_, PyErr>(PyDateTime::new(py, 1970, 1, 1, 0, 0, 0, 0, Some(&utc))?.unbind())
        })
        .map(|e| e.bind(py))
}

/// Whole seconds of a `timedelta` (floor: microseconds are dropped, and
/// Python keeps them non-negative).
fn delta_seconds(d: &Bound<'_, PyDelta>) -> i64 {
    i64::from(d.get_days()) * 86_400 + i64::from(d.get_seconds())
}

/// An instant: an aware `datetime` or Unix seconds, with the `tzinfo` of a
/// `datetime` (None for seconds).
pub(crate) fn instant<'py>(
    obj: &Bound<'py, PyAny>,
    name: &'static str,
) -> PyResult<(i64, Option<Bound<'py, PyTzInfo>>)> {
    let py = obj.py();
    // pd.NaT (a datetime subclass) and pd.NA: no instant at all.
    if obj
        .get_type()
        .name()
        .is_ok_and(|n| n.to_str().is_ok_and(|n| n == "NaTType" || n == "NAType"))
    {
        return Err(invalid_argument(
            name,
            "a missing value (NaT / NA) is not an instant: pass a timezone-aware datetime or Unix seconds",
        ));
    }
    if let Ok(dt) = obj.cast::<PyDateTime>() {
        if dt.call_method0("utcoffset")?.is_none() {
            return Err(invalid_argument(
                name,
                "a naive datetime (without tzinfo) is ambiguous: pass a timezone-aware \
                 datetime (e.g. tzinfo=zoneinfo.ZoneInfo(\"Asia/Shanghai\")) or Unix seconds",
            ));
        }
        let delta = dt.as_any().sub(epoch(py)?)?;
        let delta = delta.cast::<PyDelta>()?;
        return Ok((delta_seconds(delta), dt.get_tzinfo()));
    }
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "`{name}` must be a timezone-aware datetime or an int of Unix seconds, got {}",
            obj.get_type().name()?
        )));
    }
    if obj.is_instance_of::<PyDate>() {
        return Err(invalid_argument(
            name,
            "a date is not an instant: pass a timezone-aware datetime or Unix seconds",
        ));
    }
    match obj.extract::<i64>() {
        Ok(s) => Ok((s, None)),
        Err(_) if obj.is_instance_of::<PyInt>() => Err(invalid_argument(
            name,
            format!(
                "{} is outside the supported range of Unix seconds",
                obj.str()?
            ),
        )),
        Err(_) => Err(PyTypeError::new_err(format!(
            "`{name}` must be a timezone-aware datetime or an int of Unix seconds, got {}",
            obj.get_type().name()?
        ))),
    }
}

/// Unix seconds of an instant (see [`instant`]).
pub(crate) fn seconds(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<i64> {
    instant(obj, name).map(|(s, _)| s)
}

/// Unix seconds of an optional instant.
pub(crate) fn opt_seconds(
    obj: Option<&Bound<'_, PyAny>>,
    name: &'static str,
) -> PyResult<Option<i64>> {
    obj.filter(|o| !o.is_none())
        .map(|o| seconds(o, name))
        .transpose()
}

/// `datetime.timezone.utc`.
pub(crate) fn utc(py: Python<'_>) -> PyResult<Py<PyTzInfo>> {
    Ok(PyTzInfo::utc(py)?.to_owned().unbind())
}

/// `zoneinfo.ZoneInfo(name)`.
pub(crate) fn zone(py: Python<'_>, name: &str) -> PyResult<Py<PyTzInfo>> {
    Ok(PyTzInfo::timezone(py, PyString::new(py, name))?.unbind())
}

/// The aware `datetime` of Unix seconds `ts` in `tz`.
pub(crate) fn datetime<'py>(
    py: Python<'py>,
    ts: i64,
    tz: &Py<PyTzInfo>,
) -> PyResult<Bound<'py, PyAny>> {
    let utc = DateTime::<Utc>::from_timestamp(ts, 0).ok_or_else(|| {
        to_py(Error::InvalidTimestamp {
            index: 0,
            value: ts,
        })
    })?;
    let dt = utc.into_pyobject(py)?.into_any();
    let tz = tz.bind(py);
    if tz.is(PyTzInfo::utc(py)?.as_any()) {
        Ok(dt)
    } else {
        dt.call_method1("astimezone", (tz,))
    }
}

/// An optional instant as an optional aware `datetime`.
pub(crate) fn opt_datetime<'py>(
    py: Python<'py>,
    ts: Option<i64>,
    tz: &Py<PyTzInfo>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    ts.map(|t| datetime(py, t, tz)).transpose()
}

/// A `timedelta` of whole seconds.
pub(crate) fn timedelta(py: Python<'_>, seconds: i64) -> PyResult<Bound<'_, PyDelta>> {
    let days = i32::try_from(seconds.div_euclid(86_400)).map_err(|_| {
        to_py(Error::Overflow {
            what: "duration in days",
        })
    })?;
    // rem_euclid(86_400) is in 0..86_400: fits an i32.
    let secs = seconds.rem_euclid(86_400) as i32;
    PyDelta::new(py, days, secs, 0, true)
}

/// Seconds of a duration given as a `timedelta` (whole seconds), or as a
/// number of `unit_seconds` units (an int, or a float that comes to a whole
/// number of seconds, e.g. 1.5 hours).
pub(crate) fn duration_seconds(
    obj: &Bound<'_, PyAny>,
    name: &'static str,
    unit_seconds: i64,
) -> PyResult<i64> {
    if let Ok(d) = obj.cast::<PyDelta>() {
        if d.get_microseconds() != 0 {
            return Err(invalid_argument(
                name,
                "durations are whole seconds: the timedelta has microseconds",
            ));
        }
        return Ok(delta_seconds(d));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "`{name}` must be a number or a timedelta, got bool"
        )));
    }
    if obj.is_instance_of::<PyFloat>() {
        let v: f64 = obj.extract()?;
        let s = v * unit_seconds as f64;
        if !s.is_finite() || s.fract() != 0.0 || s.abs() >= 9.0e15 {
            return Err(invalid_argument(
                name,
                format!("{v} is not a whole number of seconds"),
            ));
        }
        return Ok(s as i64);
    }
    match obj.extract::<i64>() {
        Ok(v) => v
            .checked_mul(unit_seconds)
            .ok_or_else(|| invalid_argument(name, format!("{v} is too long a duration"))),
        Err(_) if obj.is_instance_of::<PyInt>() => Err(invalid_argument(
            name,
            format!("{} is too long a duration", obj.str()?),
        )),
        Err(_) => Err(PyTypeError::new_err(format!(
            "`{name}` must be a number or a timedelta, got {}",
            obj.get_type().name()?
        ))),
    }
}

/// Pauses: an iterable of `(start, end)` instants.
pub(crate) fn pauses(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Pause>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let pair: (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "pauses[{i}] must be a (start, end) pair of instants"
            ))
        })?;
        out.push(Pause {
            start: seconds(&pair.0, "pauses")?,
            end: seconds(&pair.1, "pauses")?,
        });
    }
    Ok(out)
}
