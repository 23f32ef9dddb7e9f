//! `nps.Scale` (category breaks for other rating scales) and `nps.classify`.

use nps_core::{Category, Scale, ScoreRange, ScoreValue, Tally};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyType};

use crate::column::{numbers, Visit};
use crate::errors::CoreResult;
use crate::tally::PyTally;

/// Category breaks of a rating scale, validated (no gaps, no overlaps).
///
/// >>> s = nps.Scale((1, 2), (3, 3), (4, 5))  # 1-5 stars
/// >>> s.classify(4)
/// 'promoter'
/// >>> s.tally([5, 4, 1, 3]).nps  # 2 promoters, 1 detractor of 4
/// 25.0
#[pyclass(frozen, eq, hash, module = "nps", name = "Scale")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PyScale {
    scale: Scale,
}

type Range = (i64, i64);

fn range(r: ScoreRange) -> Range {
    (r.low, r.high)
}

fn category_name(c: Category) -> &'static str {
    c.name()
}

/// The category of one Python number (int or float) on `scale`.
fn classify_value(scale: &Scale, value: &Bound<'_, PyAny>) -> PyResult<Category> {
    // A one-row column: nps-core validates it and names the value on error.
    let counts = if value.is_instance_of::<PyFloat>() {
        scale.tally(&[value.extract::<f64>()?])
    } else if let Ok(i) = value.extract::<i64>() {
        scale.tally(&[i])
    } else if let Ok(f) = value.extract::<f64>() {
        scale.tally(&[f])
    } else {
        return Err(PyTypeError::new_err(format!(
            "a score must be a number, got {}",
            value.get_type().name()?
        )));
    }
    .py()?;
    Ok(if counts.detractors > 0 {
        Category::Detractor
    } else if counts.passives > 0 {
        Category::Passive
    } else {
        Category::Promoter
    })
}

struct ScaleTally<'a> {
    py: Python<'a>,
    scale: Scale,
}

impl Visit for ScaleTally<'_> {
    type Out = PyResult<PyTally>;
    fn visit<T: ScoreValue>(self, values: &[T]) -> PyResult<PyTally> {
        let scale = self.scale;
        let c = self.py.detach(|| scale.tally(values)).py()?;
        Ok(PyTally::plain(
            Tally::from_categories(c.detractors, c.passives, c.promoters).py()?,
        ))
    }
}

#[pymethods]
impl PyScale {
    /// A scale from inclusive `(low, high)` ranges; `passives` may be None.
    #[new]
    #[pyo3(signature = (detractors, passives, promoters))]
    fn new(detractors: Range, passives: Option<Range>, promoters: Range) -> PyResult<Self> {
        let r = |(lo, hi): Range| ScoreRange::new(lo, hi);
        Ok(PyScale {
            scale: Scale::new(r(detractors), passives.map(r), r(promoters)).py()?,
        })
    }

    /// The standard 0-10 scale: 0-6 detractor, 7-8 passive, 9-10 promoter.
    #[classattr]
    #[allow(non_snake_case)]
    fn STANDARD() -> PyScale {
        PyScale {
            scale: Scale::STANDARD,
        }
    }

    /// The detractor range `(low, high)`.
    #[getter]
    fn detractors(&self) -> Range {
        range(self.scale.detractors())
    }

    /// The passive range, or None.
    #[getter]
    fn passives(&self) -> Option<Range> {
        self.scale.passives().map(range)
    }

    /// The promoter range.
    #[getter]
    fn promoters(&self) -> Range {
        range(self.scale.promoters())
    }

    /// Lowest valid score.
    #[getter]
    fn min(&self) -> i64 {
        self.scale.min()
    }

    /// Highest valid score.
    #[getter]
    fn max(&self) -> i64 {
        self.scale.max()
    }

    /// "detractor", "passive" or "promoter"; InvalidScoreError outside the scale.
    fn classify(&self, score: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        classify_value(&self.scale, score).map(category_name)
    }

    /// Category counts of a column on this scale (a Tally of category counts);
    /// the first invalid value raises InvalidScoreError with its row.
    fn tally(&self, column: &Bound<'_, PyAny>) -> PyResult<PyTally> {
        numbers(column, "scores")?.visit(ScaleTally {
            py: column.py(),
            scale: self.scale,
        })?
    }

    fn __repr__(&self) -> String {
        let p = match self.scale.passives() {
            Some(r) => format!("{:?}", range(r)),
            None => "None".into(),
        };
        format!(
            "Scale(detractors={:?}, passives={p}, promoters={:?})",
            range(self.scale.detractors()),
            range(self.scale.promoters())
        )
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyType>, (Range, Option<Range>, Range)) {
        (
            py.get_type::<PyScale>(),
            (self.detractors(), self.passives(), self.promoters()),
        )
    }
}

/// The category of a score on the standard 0-10 scale: "promoter", "passive"
/// or "detractor"; InvalidScoreError for anything else.
///
/// >>> nps.classify(9), nps.classify(7), nps.classify(6)
/// ('promoter', 'passive', 'detractor')
#[pyfunction]
pub(crate) fn classify(score: &Bound<'_, PyAny>) -> PyResult<&'static str> {
    classify_value(&Scale::STANDARD, score).map(category_name)
}
