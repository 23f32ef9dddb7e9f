//! `nps.HeatMap`, `nps.HeatTable`, `nps.Queue`, `nps.erlang_c`,
//! `nps.servers_needed`. Conversion only: the rules live in
//! `nps_core::heatmap` and `nps_core::erlang`.

use nps_core::group::Keys;
use nps_core::heatmap::{HeatMap, MatrixBy, RecordDims, Stage};
use nps_core::period::Period;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::column::{labels, numbers, timestamps, IntLabels, Labels, Numbers};
use crate::errors::CoreResult;
use crate::group::KeyColumns;
use crate::names::parse_name;
use crate::policy::PyPolicy;

fn strings<'a>(l: &'a Labels<'_>, name: &str) -> PyResult<Vec<&'a str>> {
    if let Some(s) = l.strs() {
        return Ok(s);
    }
    // An empty column has no string dtype to show; it is an empty column.
    let empty = match l.ints()? {
        Some(IntLabels::U32(a)) => a.is_empty(),
        Some(IntLabels::U64(a)) => a.is_empty(),
        Some(IntLabels::I64(a)) => a.is_empty(),
        None => false,
    };
    if empty {
        return Ok(Vec::new());
    }
    Err(PyTypeError::new_err(format!(
        "`{name}` must be a column of strings"
    )))
}

/// A table of heat-map results: `to_dict()` (column name → list),
/// `to_pandas()`, `to_polars()`; `len(table)` rows.
///
/// >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["long wait", "not fixed"], [4, 2], [5, 9])
/// >>> t = h.ranked()
/// >>> t.kind, t.to_dict()["heat"]
/// ('ranked', [20, 18])
#[pyclass(frozen, module = "nps", name = "HeatTable")]
pub(crate) struct PyHeatTable {
    kind: &'static str,
    rows: usize,
    columns: Py<PyDict>,
}

#[pymethods]
impl PyHeatTable {
    /// What the table holds: "ranked", "by_stage", "pareto", "matrix" or "drivers".
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    /// The columns as a dict of lists (a fresh copy). Shares and pain
    /// indexes without data are None.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.columns.bind(py).iter() {
            d.set_item(k, py.import("copy")?.getattr("copy")?.call1((v,))?)?;
        }
        Ok(d)
    }

    fn __len__(&self) -> usize {
        self.rows
    }

    fn __repr__(&self) -> String {
        format!("<HeatTable {}: {} rows>", self.kind, self.rows)
    }
}

fn table(kind: &'static str, rows: usize, d: Bound<'_, PyDict>) -> PyHeatTable {
    PyHeatTable {
        kind,
        rows,
        columns: d.unbind(),
    }
}

/// A customer-journey pain-point heat map (SPEC §5): heat = mentions × pain
/// index (1–10). Build it with `HeatMap.from_rows` (pre-counted) or
/// `HeatMap.from_records` (one complaint per row). Stages are the strings
/// "appointment", "reception", "diagnosis", "repair", "delivery",
/// "follow_up". Rows with the same stage and description merge (mentions
/// and heat add up; the pain index is the mention-weighted mean).
///
/// >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["long wait", "not fixed"], [4, 2], [5, 9])
/// >>> h.total_heat  # 4 * 5 + 2 * 9
/// 38
#[pyclass(frozen, module = "nps", name = "HeatMap")]
pub(crate) struct PyHeatMap {
    inner: HeatMap,
}

fn ranked_dict<'py>(
    py: Python<'py>,
    pts: &[nps_core::heatmap::PainPoint],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rank", pts.iter().map(|p| p.rank).collect::<Vec<_>>())?;
    d.set_item(
        "stage",
        pts.iter().map(|p| p.stage.name()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "point",
        pts.iter()
            .map(|p| p.description.as_str())
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "mentions",
        pts.iter().map(|p| p.mentions).collect::<Vec<_>>(),
    )?;
    d.set_item("pain", pts.iter().map(|p| p.pain).collect::<Vec<_>>())?;
    d.set_item("heat", pts.iter().map(|p| p.heat).collect::<Vec<_>>())?;
    d.set_item("share", pts.iter().map(|p| p.share).collect::<Vec<_>>())?;
    d.set_item(
        "cumulative_share",
        pts.iter().map(|p| p.cumulative_share).collect::<Vec<_>>(),
    )?;
    Ok(d)
}

#[pymethods]
impl PyHeatMap {
    /// A heat map from pre-counted rows: stage names, descriptions, mention
    /// counts (whole numbers ≥ 0) and pain indexes (whole numbers 1–10).
    /// Columns may be lists, numpy arrays, pandas or polars Series.
    /// Raises InvalidValueError (with `.index`) for a bad element,
    /// LengthMismatchError, NoDataError for no rows, CountOverflowError.
    #[staticmethod]
    #[pyo3(signature = (stages, points, mentions, pain))]
    fn from_rows(
        py: Python<'_>,
        stages: &Bound<'_, PyAny>,
        points: &Bound<'_, PyAny>,
        mentions: &Bound<'_, PyAny>,
        pain: &Bound<'_, PyAny>,
    ) -> PyResult<PyHeatMap> {
        let (sl, pl) = (labels(stages, "stages")?, labels(points, "points")?);
        let (mn, pn) = (numbers(mentions, "mentions")?, numbers(pain, "pain")?);
        let (s, p) = (strings(&sl, "stages")?, strings(&pl, "points")?);
        let q = pn.to_f64()?;
        // uint64 counts stay exact (above 2^53 a float would round them).
        let exact = match &mn {
            Numbers::U64(a) => Some(a.as_slice()?),
            _ => None,
        };
        let m = if exact.is_some() {
            Default::default()
        } else {
            mn.to_f64()?
        };
        let inner = py
            .detach(|| {
                let st = Stage::parse_names(&s)?;
                match exact {
                    Some(m) => HeatMap::from_rows(&st, &p, m, &q),
                    None => HeatMap::from_rows(&st, &p, &m, &q),
                }
            })
            .py()?;
        Ok(PyHeatMap { inner })
    }

    /// A heat map from raw complaint records: each row is one mention of
    /// `points[i]` in `stages[i]` with pain index `pain[i]` (1–10). `by`
    /// (a key column — e.g. the dealer per record, strings or integers — or
    /// a list of key columns such as `[dealer, advisor]`, whose matrix
    /// columns are labelled `"D1 | ann"`) and `at` (aware datetimes, datetime64 or
    /// Unix seconds) with `period` ("day", "week", "month" — the default —
    /// or "quarter") in IANA time zone `tz` (default "UTC") enable
    /// `matrix(by="key")` / `matrix(by="period")`.
    #[staticmethod]
    #[pyo3(signature = (stages, points, pain, *, by = None, at = None, period = None, tz = None))]
    #[allow(clippy::too_many_arguments)]
    fn from_records(
        py: Python<'_>,
        stages: &Bound<'_, PyAny>,
        points: &Bound<'_, PyAny>,
        pain: &Bound<'_, PyAny>,
        by: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
        period: Option<&str>,
        tz: Option<&str>,
    ) -> PyResult<PyHeatMap> {
        let (sl, pl) = (labels(stages, "stages")?, labels(points, "points")?);
        let pn = numbers(pain, "pain")?;
        let key_cols = by.map(|b| KeyColumns::new(b, "by")).transpose()?;
        let ts = at.map(timestamps).transpose()?;
        let d = RecordDims::default();
        let period: Period = match period {
            Some(p) => parse_name("period", p)?,
            None => d.period,
        };
        let (s, p, q) = (
            strings(&sl, "stages")?,
            strings(&pl, "points")?,
            pn.to_f64()?,
        );
        let ts = ts.as_ref().map(|t| t.as_slice()).transpose()?;
        let tz = tz.unwrap_or(d.tz);
        let build = |keys: Option<Keys<'_>>| {
            py.detach(|| {
                let st = Stage::parse_names(&s)?;
                let dims = RecordDims {
                    keys,
                    timestamps: ts,
                    period,
                    tz,
                };
                HeatMap::from_records(&st, &p, &q, &dims)
            })
        };
        let inner = match &key_cols {
            Some(k) => k.with(|keys| build(Some(keys)))?,
            None => build(None),
        }
        .py()?;
        Ok(PyHeatMap { inner })
    }

    /// Total heat.
    #[getter]
    fn total_heat(&self) -> u64 {
        self.inner.total_heat()
    }

    /// Number of distinct pain points.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Pain points ranked by heat (ties: journey order, then description):
    /// rank, stage, point, mentions, pain, heat, share, cumulative_share.
    fn ranked(&self, py: Python<'_>) -> PyResult<PyHeatTable> {
        let r = self.inner.ranked();
        Ok(table("ranked", r.len(), ranked_dict(py, &r)?))
    }

    /// Totals of the six stages in journey order: stage, points, mentions,
    /// pain, heat, share, top_point, top_heat.
    fn by_stage(&self, py: Python<'_>) -> PyResult<PyHeatTable> {
        let s = self.inner.by_stage();
        let d = PyDict::new(py);
        d.set_item(
            "stage",
            s.iter().map(|x| x.stage.name()).collect::<Vec<_>>(),
        )?;
        d.set_item("points", s.iter().map(|x| x.points).collect::<Vec<_>>())?;
        d.set_item("mentions", s.iter().map(|x| x.mentions).collect::<Vec<_>>())?;
        d.set_item("pain", s.iter().map(|x| x.pain).collect::<Vec<_>>())?;
        d.set_item("heat", s.iter().map(|x| x.heat).collect::<Vec<_>>())?;
        d.set_item("share", s.iter().map(|x| x.share).collect::<Vec<_>>())?;
        d.set_item(
            "top_point",
            s.iter().map(|x| x.top_point.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item("top_heat", s.iter().map(|x| x.top_heat).collect::<Vec<_>>())?;
        Ok(table("by_stage", s.len(), d))
    }

    /// The smallest prefix of the ranking carrying at least `share` of the
    /// heat (exact: 0.8 means 8/10). Same columns as `ranked()`.
    #[pyo3(signature = (share = 0.8))]
    fn pareto(&self, py: Python<'_>, share: f64) -> PyResult<PyHeatTable> {
        let r = self.inner.pareto(share).py()?;
        Ok(table("pareto", r.len(), ranked_dict(py, &r)?))
    }

    /// The stage × key (`by="key"`) or stage × period (`by="period"`) matrix
    /// of a map built from records with `by=` / `at=`: one row per stage and
    /// column label, long form: stage, column, mentions, heat.
    #[pyo3(signature = (by = "key"))]
    fn matrix(&self, py: Python<'_>, by: &str) -> PyResult<PyHeatTable> {
        let m = self.inner.matrix(MatrixBy::from_name(by).py()?).py()?;
        let (mut st, mut col, mut men, mut heat) = (vec![], vec![], vec![], vec![]);
        for (s, stage) in m.stages.iter().enumerate() {
            for (c, label) in m.columns.iter().enumerate() {
                let i = s * m.columns.len() + c;
                st.push(stage.name());
                col.push(label.as_str());
                men.push(m.mentions[i]);
                heat.push(m.heat[i]);
            }
        }
        let d = PyDict::new(py);
        let n = st.len();
        d.set_item("stage", st)?;
        d.set_item("column", col)?;
        d.set_item("mentions", men)?;
        d.set_item("heat", heat)?;
        Ok(table("matrix", n, d))
    }

    /// The NPS driver view: the policy's drivers (default policy if None)
    /// with weight, mapped stages and their heat and share. `mapping`
    /// (stage → driver name) replaces the documented default
    /// (appointment, reception, delivery → waiting_time; diagnosis →
    /// price_transparency; repair → repair_quality; follow_up →
    /// resolution_efficiency).
    #[pyo3(signature = (policy = None, mapping = None))]
    fn drivers(
        &self,
        py: Python<'_>,
        policy: Option<PyRef<'_, PyPolicy>>,
        mapping: Option<std::collections::BTreeMap<String, String>>,
    ) -> PyResult<PyHeatTable> {
        let default = nps_core::policy::Policy::default();
        let drivers = policy.as_ref().map_or(&default.drivers, |p| &p.p.drivers);
        let map: Option<Vec<(Stage, &str)>> = mapping
            .as_ref()
            .map(|m| {
                m.iter()
                    .map(|(s, d)| {
                        Stage::from_name(s)
                            .map(|st| (st, d.as_str()))
                            .ok_or_else(|| {
                                crate::errors::invalid_argument(
                                    "mapping",
                                    format!("unknown stage `{s}`"),
                                )
                            })
                    })
                    .collect::<PyResult<Vec<_>>>()
            })
            .transpose()?;
        let v = self.inner.drivers(drivers, map.as_deref()).py()?;
        let d = PyDict::new(py);
        d.set_item(
            "driver",
            v.iter().map(|x| x.driver.as_str()).collect::<Vec<_>>(),
        )?;
        d.set_item("weight", v.iter().map(|x| x.weight).collect::<Vec<_>>())?;
        d.set_item(
            "stages",
            v.iter()
                .map(|x| {
                    x.stages
                        .iter()
                        .map(|s| s.name())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect::<Vec<_>>(),
        )?;
        d.set_item("heat", v.iter().map(|x| x.heat).collect::<Vec<_>>())?;
        d.set_item("share", v.iter().map(|x| x.share).collect::<Vec<_>>())?;
        Ok(table("drivers", v.len(), d))
    }

    fn __repr__(&self) -> String {
        format!(
            "<HeatMap: {} points, total heat {}>",
            self.inner.len(),
            self.inner.total_heat()
        )
    }
}
