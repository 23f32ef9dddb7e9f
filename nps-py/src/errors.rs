//! The Python exception classes, declared here and only here.
//!
//! `nps.NpsError` is the root; each [`ErrorKind`] of nps-core has one subclass,
//! which also derives from the matching built-in exception (`ValueError`
//! where the input is at fault) so `except ValueError` keeps working. Every
//! instance carries the kind's stable name as `.kind`; row errors add `.index`
//! and `.value`, argument errors `.argument`.

use nps_core::{Error, ErrorKind};
use pyo3::exceptions::{PyException, PyOverflowError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// The built-in exception a class derives from besides `NpsError`.
#[derive(Clone, Copy)]
enum Builtin {
    Value,
    Overflow,
    Runtime,
}

/// Name, built-in base and docstring of the class for one error kind: the
/// one mapping from nps-core's kinds to Python.
fn class_spec(kind: ErrorKind) -> (&'static str, Builtin, &'static str) {
    use Builtin::*;
    match kind {
        ErrorKind::InvalidScore => (
            "InvalidScoreError",
            Value,
            "A score that is not an integer of the scale (or NaN / null); `index` is the row, `value` the value.\n\n>>> try:\n...     nps.Tally.from_scores([9, 11])\n... except nps.InvalidScoreError as e:\n...     print(e.index, e.value)\n1 11.0",
        ),
        ErrorKind::NoData => (
            "NoDataError",
            Value,
            "A statistic was asked of a sample without valid responses.\n\n>>> nps.Tally(0, 0, 0).nps\nTraceback (most recent call last):\n...\nnps.NoDataError: ...",
        ),
        ErrorKind::InvalidWeight => (
            "InvalidWeightError",
            Value,
            "A weight that is negative, NaN or infinite; `index` is the row, `value` the weight.\n\n>>> nps.Tally.from_scores([9, 10], weights=[1.0, -1.0])\nTraceback (most recent call last):\n...\nnps.InvalidWeightError: ...",
        ),
        ErrorKind::InvalidTimestamp => (
            "InvalidTimestampError",
            Value,
            "A timestamp outside the supported range (or NaT); `index` is the row, `value` the Unix seconds.\n\n>>> nps.group_by([1, 2], [9, 10], timestamps=[0, 2**62], period=\"day\")\nTraceback (most recent call last):\n...\nnps.InvalidTimestampError: ...",
        ),
        ErrorKind::InvalidArgument => (
            "InvalidArgumentError",
            Value,
            "An argument outside its domain; `argument` names it.\n\n>>> nps.sample_size(0.0, 0.5, 0.2)  # a margin of 0 points\nTraceback (most recent call last):\n...\nnps.InvalidArgumentError: ...",
        ),
        ErrorKind::LengthMismatch => (
            "LengthMismatchError",
            Value,
            "Two columns that must have the same length do not; `argument` names the wrong one.\n\n>>> nps.group_by([1, 2], [9])\nTraceback (most recent call last):\n...\nnps.LengthMismatchError: ...",
        ),
        ErrorKind::InvalidScale => (
            "InvalidScaleError",
            Value,
            "Category ranges of a scale that overlap, leave gaps or are empty.\n\n>>> nps.Scale((1, 3), None, (5, 5))  # 4 is in no category\nTraceback (most recent call last):\n...\nnps.InvalidScaleError: ...",
        ),
        ErrorKind::UnknownTimeZone => (
            "UnknownTimeZoneError",
            Value,
            "An IANA time-zone name that is not known.\n\n>>> nps.group_by([1], [9], timestamps=[0], period=\"day\", tz=\"Mars/Olympus\")\nTraceback (most recent call last):\n...\nnps.UnknownTimeZoneError: ...",
        ),
        ErrorKind::Degenerate => (
            "DegenerateError",
            Value,
            "A statistic that is undefined for this sample (e.g. a zero standard error).\n\n>>> nps.test_benchmark(nps.Tally(0, 0, 30), 50.0, method=\"wald\")  # all promoters: SE 0\nTraceback (most recent call last):\n...\nnps.DegenerateError: ...",
        ),
        ErrorKind::Overflow => (
            "CountOverflowError",
            Overflow,
            "A count that does not fit in 64 bits.\n\n>>> issubclass(nps.CountOverflowError, OverflowError)\nTrue",
        ),
        ErrorKind::Numerical => (
            "NumericalError",
            Runtime,
            "A numerical routine did not converge (a bug: please report it).\n\n>>> issubclass(nps.NumericalError, RuntimeError)\nTrue",
        ),
        ErrorKind::InvalidPolicy => (
            "InvalidPolicyError",
            Value,
            "A policy or calendar document with problems; `problems` lists every one as (path, message) tuples (path \"\" is the document root).\n\n>>> nps.Policy.from_json('{\"currency\": 1}')\nTraceback (most recent call last):\n...\nnps.InvalidPolicyError: ...",
        ),
        ErrorKind::InvalidValue => (
            "InvalidValueError",
            Value,
            "An element of an input column or record that is out of its domain; `argument` is the column, `index` the row.\n\n>>> nps.kpi.rate([1, 2])  # a flag must be 0 or 1\nTraceback (most recent call last):\n...\nnps.InvalidValueError: ...",
        ),
        ErrorKind::InvalidEvent => (
            "InvalidEventError",
            Value,
            "A case event that cannot be applied (out of order, for a closed case, missing a field); the case is unchanged. `event` is the event kind, `index` its position in a log (or None).\n\n>>> nps.Case.from_events([{\"kind\": \"acknowledged\", \"at\": 0}])  # not opened first\nTraceback (most recent call last):\n...\nnps.InvalidEventError: ...",
        ),
        // A kind added to nps-core later: raised as the root class until mapped.
        _ => ("NpsError", Value, ""),
    }
}

/// Every kind, in `ErrorKind` order (the order classes are created in).
const KINDS: [ErrorKind; 14] = [
    ErrorKind::InvalidScore,
    ErrorKind::NoData,
    ErrorKind::InvalidWeight,
    ErrorKind::InvalidTimestamp,
    ErrorKind::InvalidArgument,
    ErrorKind::LengthMismatch,
    ErrorKind::InvalidScale,
    ErrorKind::UnknownTimeZone,
    ErrorKind::Degenerate,
    ErrorKind::Overflow,
    ErrorKind::Numerical,
    ErrorKind::InvalidPolicy,
    ErrorKind::InvalidValue,
    ErrorKind::InvalidEvent,
];

struct Classes {
    root: Py<PyType>,
    by_kind: Vec<(ErrorKind, Py<PyType>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn make_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: Bound<'py, PyTuple>,
    doc: &str,
    kind: Option<&str>,
) -> PyResult<Bound<'py, PyType>> {
    let ns = PyDict::new(py);
    ns.set_item("__module__", "nps")?;
    ns.set_item("__doc__", doc)?;
    if let Some(kind) = kind {
        ns.set_item("kind", kind)?;
    }
    let cls = py
        .get_type::<PyType>()
        .call1((name, bases, ns))?
        .cast_into::<PyType>()?;
    Ok(cls)
}

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let root = make_class(
            py,
            "NpsError",
            PyTuple::new(py, [py.get_type::<PyException>()])?,
            "Root of every error raised by nps; `kind` is the stable snake_case kind name.\n\n>>> try:\n...     nps.Tally(0, 0, 0).nps\n... except nps.NpsError as e:\n...     print(type(e).__name__, e.kind)\nNoDataError no_data",
            None,
        )?;
        let mut by_kind = Vec::with_capacity(KINDS.len());
        for kind in KINDS {
            let (name, builtin, doc) = class_spec(kind);
            let builtin = match builtin {
                Builtin::Value => py.get_type::<PyValueError>(),
                Builtin::Overflow => py.get_type::<PyOverflowError>(),
                Builtin::Runtime => py.get_type::<PyRuntimeError>(),
            };
            let bases = PyTuple::new(py, [root.clone(), builtin])?;
            let cls = make_class(py, name, bases, doc, Some(kind.name()))?;
            by_kind.push((kind, cls.unbind()));
        }
        Ok(Classes {
            root: root.unbind(),
            by_kind,
        })
    })
}

/// Adds `NpsError` and every subclass to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let c = classes(py)?;
    m.add("NpsError", c.root.bind(py))?;
    for (_, cls) in &c.by_kind {
        m.add(cls.bind(py).name()?, cls.bind(py))?;
    }
    Ok(())
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let c = classes(py)?;
    let kind = e.kind();
    let cls = c
        .by_kind
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&c.root, |(_, cls)| cls)
        .bind(py);
    let message = match e {
        // NaT / NaN / None of a column, passed on as numpy's NaT.
        Error::InvalidTimestamp { index, value } if *value == i64::MIN => {
            format!("invalid timestamp at row {index}: missing (NaT / NaN / None / null)")
        }
        e => e.to_string(),
    };
    let exc = cls.call1((message,))?;
    exc.setattr("kind", kind.name())?;
    // An error about one case of a batch: the class and attributes of the
    // case's own error, plus which case it was.
    let (e, case) = match e {
        Error::InCase {
            index,
            case_id,
            source,
        } => (&**source, Some((*index, case_id.as_str()))),
        e => (e, None),
    };
    if let Some((index, id)) = case {
        exc.setattr("case_index", index)?;
        exc.setattr("case_id", id)?;
    }
    // An error about one pair of compare_many: likewise, plus which pair.
    let e = match e {
        Error::InPair { index, source } => {
            exc.setattr("pair_index", *index)?;
            &**source
        }
        e => e,
    };
    match e {
        Error::InvalidScore { index, value, .. } | Error::InvalidWeight { index, value } => {
            exc.setattr("index", *index)?;
            exc.setattr("value", *value)?;
        }
        Error::InvalidTimestamp { index, value } => {
            exc.setattr("index", *index)?;
            exc.setattr("value", *value)?;
        }
        Error::InvalidArgument { name, .. } | Error::LengthMismatch { name, .. } => {
            exc.setattr("argument", *name)?;
        }
        Error::InvalidPolicy { problems } => {
            let problems: Vec<(&str, &str)> = problems
                .iter()
                .map(|p| (p.path.as_str(), p.message.as_str()))
                .collect();
            exc.setattr("problems", problems)?;
        }
        Error::InvalidValue { name, index, .. } => {
            exc.setattr("argument", name.as_str())?;
            exc.setattr("index", *index)?;
        }
        Error::InvalidEvent { index, event, .. } => {
            exc.setattr("event", event.as_str())?;
            exc.setattr("index", *index)?;
        }
        _ => {}
    }
    Ok(PyErr::from_value(exc))
}

/// Converts an nps-core error into the Python exception of its kind.
pub(crate) fn to_py(e: Error) -> PyErr {
    Python::attach(|py| build(py, &e).unwrap_or_else(|failed| failed))
}

/// `?`-friendly conversion of nps-core results.
pub(crate) trait CoreResult<T> {
    /// Maps the error to its Python exception.
    fn py(self) -> PyResult<T>;
}

impl<T> CoreResult<T> for nps_core::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// An `InvalidArgumentError` raised by the binding itself (bad column type,
/// unknown option name), built through the same path as nps-core's.
pub(crate) fn invalid_argument(name: &'static str, reason: impl Into<String>) -> PyErr {
    to_py(Error::InvalidArgument {
        name,
        reason: reason.into(),
    })
}

/// A Python `int` argument of any size: values beyond ±2¹²⁷ saturate, so
/// the caller's range check reports them as an `InvalidArgumentError`
/// (never an `OverflowError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Int(pub(crate) i128);

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Int> {
        match obj.extract::<i128>() {
            Ok(v) => Ok(Int(v)),
            Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => {
                Ok(Int(if obj.gt(0)? { i128::MAX } else { i128::MIN }))
            }
            Err(e) => Err(e),
        }
    }
}

impl Int {
    /// The value as `T` when it lies in `lo..=hi`, else an
    /// `InvalidArgumentError` naming the argument and the valid range.
    pub(crate) fn to<T: TryFrom<i128> + std::fmt::Display + Copy>(
        self,
        name: &'static str,
        lo: T,
        hi: T,
    ) -> PyResult<T>
    where
        i128: From<T>,
    {
        let v = self.0;
        if (i128::from(lo)..=i128::from(hi)).contains(&v) {
            if let Ok(t) = T::try_from(v) {
                return Ok(t);
            }
        }
        let shown = match v {
            i128::MAX => "a larger number".to_owned(),
            i128::MIN => "a smaller number".to_owned(),
            v => v.to_string(),
        };
        Err(invalid_argument(
            name,
            format!("must be an integer in {lo}..={hi}, got {shown}"),
        ))
    }
}

/// Three numbers (detractors, passives, promoters) given as a sequence; a
/// sequence of another length is an `InvalidArgumentError` naming the
/// argument (`NAME` 0 = `pseudo`, 1 = `prior`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Triple<const NAME: usize>(pub(crate) [f64; 3]);

/// `pseudo=`: pseudo-counts of the adjusted Wald interval.
pub(crate) type Pseudo = Triple<0>;
/// `prior=`: the Dirichlet prior of the Bayesian interval.
pub(crate) type Prior = Triple<1>;

impl<'a, 'py, const NAME: usize> FromPyObject<'a, 'py> for Triple<NAME> {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let name = ["pseudo", "prior"][NAME];
        let v: Vec<f64> = obj.extract()?;
        let a: [f64; 3] = v.as_slice().try_into().map_err(|_| {
            invalid_argument(
                name,
                format!(
                    "expected 3 numbers (detractors, passives, promoters), got {}",
                    v.len()
                ),
            )
        })?;
        Ok(Triple(a))
    }
}
