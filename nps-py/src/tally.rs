//! `nps.Tally`: a plain or weighted tally plus the number of skipped rows.

use std::hash::{Hash, Hasher};

use crate::errors::Int;
use nps_core::{InvalidPolicy, NpsSample, ScoreValue, Tally, WeightedTally, DEFAULT_CONFIDENCE};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyTuple, PyType};
use serde::{Deserialize, Serialize};

use crate::column::{numbers, Visit};
use crate::errors::{invalid_argument, CoreResult};
use crate::names::{parse_name, repr_str};
use crate::stats::interval::{interval_options, PyInterval};

/// The sample a tally holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "tally", rename_all = "snake_case")]
pub(crate) enum Sample {
    Plain(Tally),
    Weighted(WeightedTally),
}

impl Sample {
    /// The sample as the trait object every statistic takes.
    pub(crate) fn stats(&self) -> &dyn NpsSample {
        match self {
            Sample::Plain(t) => t,
            Sample::Weighted(w) => w,
        }
    }
}

/// A tally of survey responses: the counts of the scores 0..=10 (or only of
/// the three categories), optionally weighted, with the invalid rows skipped.
///
/// >>> t = nps.Tally.from_scores([10, 9, 9, 8, 7, 6, 3, 10, 9, 0])
/// >>> t.n, t.nps  # 5 promoters (50 %) and 3 detractors (30 %) of 10
/// (10, 20.0)
/// >>> nps.Tally(detractors=2, passives=3, promoters=5).nps
/// 30.0
#[pyclass(frozen, eq, hash, module = "nps", name = "Tally")]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct PyTally {
    #[serde(flatten)]
    pub(crate) sample: Sample,
    pub(crate) skipped: u64,
}

impl Hash for PyTally {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.skipped.hash(state);
        match &self.sample {
            Sample::Plain(t) => t.hash(state),
            Sample::Weighted(w) => {
                w.counts.hash(state);
                // `+ 0.0` maps -0.0 to 0.0 so equal values hash equally.
                for x in w.weights.iter().chain(&w.weights_sq) {
                    (x + 0.0).to_bits().hash(state);
                }
            }
        }
    }
}

impl PyTally {
    pub(crate) fn plain(t: Tally) -> PyTally {
        PyTally {
            sample: Sample::Plain(t),
            skipped: 0,
        }
    }
}

fn count(name: &'static str, v: i128) -> PyResult<u64> {
    u64::try_from(v).map_err(|_| {
        invalid_argument(
            name,
            format!("a count must be an integer in 0..2**64, got {v}"),
        )
    })
}

/// Tallies a column under a policy, with or without weights.
struct TallyColumn<'a> {
    py: Python<'a>,
    weights: Option<&'a [f64]>,
    invalid: InvalidPolicy,
}

impl Visit for TallyColumn<'_> {
    type Out = PyResult<PyTally>;
    fn visit<T: ScoreValue>(self, values: &[T]) -> PyResult<PyTally> {
        let (weights, invalid) = (self.weights, self.invalid);
        // Large columns: the work runs without the GIL (and on several threads).
        self.py
            .detach(|| match weights {
                None => Tally::from_column(values, invalid).map(|c| PyTally {
                    sample: Sample::Plain(c.tally),
                    skipped: c.skipped,
                }),
                Some(w) => WeightedTally::from_columns(values, w, invalid).map(|c| PyTally {
                    sample: Sample::Weighted(c.tally),
                    skipped: c.skipped,
                }),
            })
            .py()
    }
}

#[pymethods]
impl PyTally {
    /// A tally of category counts (no per-score detail).
    #[new]
    #[pyo3(signature = (detractors = Int(0), passives = Int(0), promoters = Int(0), *, skipped = Int(0)), text_signature = "(detractors=0, passives=0, promoters=0, *, skipped=0)")]
    fn new(detractors: Int, passives: Int, promoters: Int, skipped: Int) -> PyResult<Self> {
        let (d, pa, p) = (
            count("detractors", detractors.0)?,
            count("passives", passives.0)?,
            count("promoters", promoters.0)?,
        );
        // No responses at all: the empty tally, identity of `+` (keeps score detail).
        let t = if (d, pa, p) == (0, 0, 0) {
            Tally::EMPTY
        } else {
            Tally::from_categories(d, pa, p).py()?
        };
        Ok(PyTally {
            sample: Sample::Plain(t),
            skipped: count("skipped", skipped.0)?,
        })
    }

    /// A tally from the 11 counts of the scores 0, 1, ..., 10.
    #[classmethod]
    #[pyo3(signature = (counts, *, skipped = Int(0)), text_signature = "($cls, counts, *, skipped=0)")]
    fn from_counts(_cls: &Bound<'_, PyType>, counts: Vec<Int>, skipped: Int) -> PyResult<Self> {
        if counts.len() != 11 {
            return Err(invalid_argument(
                "counts",
                format!("expected 11 counts (scores 0..=10), got {}", counts.len()),
            ));
        }
        let mut c = [0u64; 11];
        for (slot, &v) in c.iter_mut().zip(&counts) {
            *slot = count("counts", v.0)?;
        }
        Ok(PyTally {
            sample: Sample::Plain(Tally::from_counts(c).py()?),
            skipped: count("skipped", skipped.0)?,
        })
    }

    /// Tallies a column of scores: a numpy array of any integer or float
    /// dtype (not copied), a pandas or polars Series, a list, or anything with
    /// `__array__`. NaN / None / null are invalid rows: `invalid="raise"`
    /// raises `InvalidScoreError` naming the first one, `"skip"` drops and
    /// counts them (`skipped`). With `weights`, a weighted tally.
    #[classmethod]
    #[pyo3(signature = (column, *, weights = None, invalid = "raise"))]
    fn from_scores(
        cls: &Bound<'_, PyType>,
        column: &Bound<'_, PyAny>,
        weights: Option<&Bound<'_, PyAny>>,
        invalid: &str,
    ) -> PyResult<Self> {
        let py = cls.py();
        let invalid: InvalidPolicy = parse_name("invalid", invalid)?;
        let scores = numbers(column, "scores")?;
        let weights = weights.map(|w| numbers(w, "weights")).transpose()?;
        let weights = weights.as_ref().map(|w| w.to_f64()).transpose()?;
        scores.visit(TallyColumn {
            py,
            weights: weights.as_deref(),
            invalid,
        })?
    }

    /// Rebuilds a tally from `to_json()`.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, json: &str) -> PyResult<Self> {
        let t: PyTally = serde_json::from_str(json)
            .map_err(|e| invalid_argument("json", format!("not a serialized Tally: {e}")))?;
        // nps-core's serde form is not validated on input: rebuild to check it.
        let consistent = match &t.sample {
            Sample::Plain(p) => {
                let c = p.categories();
                let rebuilt = match p.counts() {
                    Some(counts) => Tally::from_counts(*counts),
                    None => Tally::from_categories(c.detractors, c.passives, c.promoters),
                };
                rebuilt.is_ok_and(|r| r == *p)
            }
            Sample::Weighted(w) => w
                .weights
                .iter()
                .chain(&w.weights_sq)
                .all(|x| x.is_finite() && *x >= 0.0),
        };
        if !consistent {
            return Err(invalid_argument("json", "inconsistent tally"));
        }
        Ok(t)
    }

    /// The tally as JSON (nps-core's serde form), as used for pickling.
    #[allow(clippy::wrong_self_convention)] // Python methods take `&self`
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(self).map_err(|e| invalid_argument("tally", e.to_string()))
    }

    /// Number of responses (raw count, also for weighted tallies).
    #[getter]
    fn n(&self) -> u64 {
        match &self.sample {
            Sample::Plain(t) => t.n(),
            Sample::Weighted(w) => w.n(),
        }
    }

    /// Number of detractors (raw count).
    #[getter]
    fn detractors(&self) -> u64 {
        self.category_counts()[0]
    }

    /// Number of passives (raw count).
    #[getter]
    fn passives(&self) -> u64 {
        self.category_counts()[1]
    }

    /// Number of promoters (raw count).
    #[getter]
    fn promoters(&self) -> u64 {
        self.category_counts()[2]
    }

    /// Sums of weights of detractors, passives and promoters (weighted tallies), else None.
    #[getter]
    fn category_weights(&self) -> Option<(f64, f64, f64)> {
        match &self.sample {
            Sample::Plain(_) => None,
            Sample::Weighted(w) => {
                let [d, pa, p] = w.category_weights();
                Some((d, pa, p))
            }
        }
    }

    /// The 11 counts of the scores 0..=10, or None for a tally of category counts.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.score_counts().map(|c| PyTuple::new(py, c)).transpose()
    }

    /// Invalid rows dropped under `invalid="skip"`.
    #[getter]
    fn skipped(&self) -> u64 {
        self.skipped
    }

    /// True for a weighted tally.
    #[getter]
    fn weighted(&self) -> bool {
        matches!(self.sample, Sample::Weighted(_))
    }

    /// Kish's effective sample size (= n for an unweighted tally).
    #[getter]
    fn effective_n(&self) -> f64 {
        match &self.sample {
            Sample::Plain(t) => t.n() as f64,
            Sample::Weighted(w) => w.effective_n(),
        }
    }

    /// Net Promoter Score in points (-100..100); NoDataError when empty.
    #[getter]
    fn nps(&self) -> PyResult<f64> {
        self.sample.stats().nps().py()
    }

    /// Per-respondent variance of the NPS in points²; NoDataError when empty.
    #[getter]
    fn variance(&self) -> PyResult<f64> {
        self.sample.stats().variance().py()
    }

    /// Standard error of the NPS in points; NoDataError when empty.
    #[getter]
    fn se(&self) -> PyResult<f64> {
        self.sample.stats().se().py()
    }

    /// Mean score 0..10; NoDataError when empty or without per-score counts.
    #[getter]
    fn mean(&self) -> PyResult<f64> {
        match &self.sample {
            Sample::Plain(t) => t.mean_score(),
            Sample::Weighted(w) => w.mean_score(),
        }
        .py()
    }

    /// Shares (detractors, passives, promoters), fractions summing to 1; NoDataError when empty.
    #[getter]
    fn shares(&self) -> PyResult<(f64, f64, f64)> {
        let s = self.sample.stats().shares().py()?;
        Ok((s.detractors, s.passives, s.promoters))
    }

    /// A confidence (or credible) interval of the NPS in points.
    ///
    /// `method`: "score" (Tango, default), "wald", "adjusted_wald" (options
    /// `pseudo`, `clip`) or "bayes" (options `prior`, `credible` =
    /// "equal_tailed" | "hpd"). Options not given take nps-core's
    /// `IntervalOptions::default()`; an option of another method must keep
    /// its default.
    #[pyo3(signature = (method = None, confidence = None, *, pseudo = None, clip = None, prior = None, credible = None))]
    fn interval(
        &self,
        method: Option<&str>,
        confidence: Option<f64>,
        pseudo: Option<crate::errors::Pseudo>,
        clip: Option<bool>,
        prior: Option<crate::errors::Prior>,
        credible: Option<&str>,
    ) -> PyResult<PyInterval> {
        let (m, o) = interval_options(method, confidence, pseudo, clip, prior, credible)?;
        Ok(self.sample.stats().interval(&m, o.confidence).py()?.into())
    }

    /// Half-width of the Wald interval in points (confidence not given:
    /// nps-core's `DEFAULT_CONFIDENCE`, 0.95).
    #[pyo3(signature = (confidence = None))]
    fn margin_of_error(&self, confidence: Option<f64>) -> PyResult<f64> {
        let c = confidence.unwrap_or(DEFAULT_CONFIDENCE);
        self.sample.stats().margin_of_error(c).py()
    }

    /// The tally's data as a dict (statistics that need data are None when empty).
    #[allow(clippy::wrong_self_convention)] // Python methods take `&self`
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("n", self.n())?;
        d.set_item("detractors", self.detractors())?;
        d.set_item("passives", self.passives())?;
        d.set_item("promoters", self.promoters())?;
        d.set_item("counts", self.counts(py)?)?;
        d.set_item("skipped", self.skipped)?;
        d.set_item("weighted", self.weighted())?;
        d.set_item("effective_n", self.effective_n())?;
        d.set_item("category_weights", self.category_weights())?;
        d.set_item("nps", self.sample.stats().nps().ok())?;
        Ok(d)
    }

    /// Merges two tallies (`sum(tallies, nps.Tally())` works too).
    fn __add__(&self, other: &Bound<'_, PyTally>) -> PyResult<PyTally> {
        self.merge(other.get())
    }

    fn __radd__<'py>(&self, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = other.py();
        // `sum()` starts from the integer 0.
        if other.is_instance_of::<PyInt>() && other.extract::<i64>().is_ok_and(|v| v == 0) {
            return Ok(Bound::new(py, *self)?.into_any());
        }
        match other.cast::<PyTally>() {
            Ok(o) => Ok(Bound::new(py, o.get().merge(self)?)?.into_any()),
            Err(_) => Ok(py.NotImplemented().into_bound(py)),
        }
    }

    pub(crate) fn __repr__(&self) -> PyResult<String> {
        let skipped = if self.skipped > 0 {
            format!(", skipped={}", self.skipped)
        } else {
            String::new()
        };
        Ok(match &self.sample {
            Sample::Plain(t) => match t.counts() {
                Some(c) => format!("Tally.from_counts({c:?}{skipped})"),
                None => {
                    let c = t.categories();
                    format!(
                        "Tally(detractors={}, passives={}, promoters={}{skipped})",
                        c.detractors, c.passives, c.promoters
                    )
                }
            },
            Sample::Weighted(_) => format!("Tally.from_json({})", repr_str(&self.to_json()?)),
        })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<PyTally>().getattr("from_json")?;
        Ok((from_json, (self.to_json()?,)))
    }
}

impl PyTally {
    fn score_counts(&self) -> Option<[u64; 11]> {
        match &self.sample {
            Sample::Plain(t) => t.counts().copied(),
            Sample::Weighted(w) => Some(w.counts),
        }
    }

    fn category_counts(&self) -> [u64; 3] {
        match &self.sample {
            Sample::Plain(t) => {
                let c = t.categories();
                [c.detractors, c.passives, c.promoters]
            }
            Sample::Weighted(w) => {
                let c = w.category_counts();
                [c.detractors, c.passives, c.promoters]
            }
        }
    }

    /// Merges two tallies; a weighted and an unweighted one merge as weighted
    /// (every unweighted response weighing 1).
    pub(crate) fn merge(&self, other: &PyTally) -> PyResult<PyTally> {
        let sample = match (&self.sample, &other.sample) {
            (Sample::Plain(a), Sample::Plain(b)) => Sample::Plain(a.merge(b).py()?),
            (Sample::Weighted(a), Sample::Weighted(b)) => Sample::Weighted(a.merge(b).py()?),
            (Sample::Weighted(w), Sample::Plain(t)) | (Sample::Plain(t), Sample::Weighted(w)) => {
                Sample::Weighted(w.merge_tally(t).py()?)
            }
        };
        Ok(PyTally {
            sample,
            skipped: self.skipped.checked_add(other.skipped).ok_or_else(|| {
                crate::errors::to_py(nps_core::Error::Overflow {
                    what: "skipped rows of merged tallies",
                })
            })?,
        })
    }
}
