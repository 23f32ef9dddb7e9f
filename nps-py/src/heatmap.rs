//! `nps.HeatMap`, `nps.HeatTable`. Conversion only: the rules (and the
//! merging of partial maps) live in `nps_core::heatmap`.

use nps_core::group::{Codes, GroupKey, Keys, TextColumn};
use nps_core::heatmap::{HeatMap, MatrixBy, PainRule, RecordDims, Stage, StageColumn, Texts};
use nps_core::period::Period;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::column::{labels, numbers, texts, timestamps, IntLabels, Labels, Numbers, TextInput};
use crate::errors::{invalid_argument, CoreResult};
use crate::group::{key_to_py, KeyColumns};
use crate::kpi::Form;
use crate::names::parse_name;
use crate::policy::PyPolicy;
use crate::state;
use crate::table;

fn required<'py>(v: Option<Bound<'py, PyAny>>, name: &'static str) -> PyResult<Bound<'py, PyAny>> {
    v.ok_or_else(|| invalid_argument(name, "is required"))
}

/// A text column of `from_records` as the core reads it in place: Arrow
/// strings through their buffers, dictionary-encoded columns (pandas and
/// polars categoricals, Arrow dictionaries, factorised Python strings) as
/// codes and labels; never a `&str` per row.
enum TextCols<'a> {
    /// One Arrow `utf8_view` chunk without nulls: its views and data
    /// buffers, read and checked by the core (each distinct text once).
    Views(&'a [u8], Vec<&'a [u8]>),
    Column(Box<dyn TextColumn + 'a>),
    Coded(Codes<'a>, Vec<&'a str>),
    Empty,
}

impl<'a> TextCols<'a> {
    fn of(t: &'a TextInput<'_>, name: &str) -> PyResult<TextCols<'a>> {
        let l = match t {
            TextInput::Views(v) => return Ok(TextCols::Views(v.views(), v.buffers())),
            TextInput::Labels(l) => l,
        };
        if let Some(t) = l.text() {
            return Ok(TextCols::Column(Box::new(t)));
        }
        let labels = l.code_labels();
        match (labels, l.codes()) {
            (Some(labels), Some(codes)) => Ok(TextCols::Coded(codes, labels)),
            _ => strings(l, name).map(|_| TextCols::Empty),
        }
    }

    fn texts(&self) -> Texts<'_> {
        match self {
            TextCols::Views(views, buffers) => Texts::Views { views, buffers },
            TextCols::Column(t) => Texts::Column(&**t),
            TextCols::Coded(codes, labels) => Texts::Coded {
                codes: *codes,
                labels,
            },
            TextCols::Empty => Texts::Str(&[]),
        }
    }
}

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
/// `to_pandas()`, `to_polars()`; `len(table)` rows. Tables pickle.
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
    /// The types of the key and period columns of a matrix (`u64`, `i64`,
    /// `str`, `date`, `cat`), for the DataFrame converters.
    types: Py<PyDict>,
    /// The categorical key columns of a matrix: name → `(labels, ordered)`.
    categories: Py<PyDict>,
}

const KINDS: [&str; 5] = ["ranked", "by_stage", "pareto", "matrix", "drivers"];

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

    /// The types of the columns that are neither counts, shares nor text
    /// (a matrix's key columns and its `period`): name → "u64", "i64",
    /// "str", "date" or "cat" (a categorical key, see `_categories`).
    #[getter]
    fn _types<'py>(&self, py: Python<'py>) -> Bound<'py, PyDict> {
        self.types
            .bind(py)
            .copy()
            .unwrap_or_else(|_| PyDict::new(py))
    }

    /// The categorical key columns of a matrix (grouped by a pandas
    /// Categorical, polars Enum or Arrow dictionary): name → `(labels,
    /// ordered)`, the input's categories in their order.
    #[getter]
    fn _categories<'py>(&self, py: Python<'py>) -> Bound<'py, PyDict> {
        self.categories
            .bind(py)
            .copy()
            .unwrap_or_else(|_| PyDict::new(py))
    }

    fn __len__(&self) -> usize {
        self.rows
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let me = slf.get();
        let ctor = slf.get_type().getattr("_from_state")?;
        let args = PyTuple::new(
            py,
            [
                me.kind.into_pyobject(py)?.into_any(),
                me.to_dict(py)?.into_any(),
                me._types(py).into_any(),
                me._categories(py).into_any(),
            ],
        )?;
        PyTuple::new(py, [ctor, args.into_any()])
    }

    /// The table of a state written by pickling (`pickle.loads`): its kind,
    /// columns (equal-length lists), column types and categories.
    #[staticmethod]
    #[pyo3(signature = (kind, columns, types, categories = None))]
    fn _from_state(
        kind: &str,
        columns: &Bound<'_, PyDict>,
        types: &Bound<'_, PyDict>,
        categories: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyHeatTable> {
        let bad = |reason: String| invalid_argument("state", reason);
        let kind = KINDS
            .into_iter()
            .find(|k| *k == kind)
            .ok_or_else(|| bad(format!("unknown heat table kind {kind:?}")))?;
        let mut rows = None;
        let copy = PyDict::new(columns.py());
        for (k, v) in columns.iter() {
            let v = v
                .cast::<PyList>()
                .map_err(|_| bad("a heat table's columns are lists".into()))?;
            if rows.is_some_and(|r| r != v.len()) {
                return Err(bad("a heat table's columns have the same length".into()));
            }
            rows = Some(v.len());
            copy.set_item(k, v.get_slice(0, v.len()))?;
        }
        Ok(PyHeatTable {
            kind,
            rows: rows.unwrap_or(0),
            columns: copy.unbind(),
            types: types.copy()?.unbind(),
            categories: match categories {
                Some(c) => c.copy()?.unbind(),
                None => PyDict::new(columns.py()).unbind(),
            },
        })
    }

    fn __repr__(&self) -> String {
        format!("<HeatTable {}: {} rows>", self.kind, self.rows)
    }
}

fn table(kind: &'static str, rows: usize, d: Bound<'_, PyDict>) -> PyHeatTable {
    let types = PyDict::new(d.py()).unbind();
    let categories = PyDict::new(d.py()).unbind();
    PyHeatTable {
        kind,
        rows,
        columns: d.unbind(),
        types,
        categories,
    }
}

/// A customer-journey pain-point heat map (SPEC §5): heat = mentions × pain
/// index (1–10). Build it with `HeatMap.from_rows` (pre-counted) or
/// `HeatMap.from_records` (one complaint per row). Stages are the strings
/// "appointment", "reception", "diagnosis", "repair", "delivery",
/// "follow_up". Rows with the same stage and description merge (mentions
/// and heat add up; the pain index is the mention-weighted mean).
///
/// A map is a partial result: `a.merge(b)` (or `a + b`, or
/// `sum([a, b, ...])`) is the map of the rows of `a` followed by those of
/// `b`, exactly (points, ranking and matrices); maps pickle (Dask,
/// multiprocessing).
///
/// >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["long wait", "not fixed"], [4, 2], [5, 9])
/// >>> h.total_heat  # 4 * 5 + 2 * 9
/// 38
/// >>> (h + nps.HeatMap.from_rows(["repair"], ["not fixed"], [1], [9])).total_heat
/// 47
#[pyclass(frozen, eq, module = "nps", name = "HeatMap")]
#[derive(PartialEq)]
pub(crate) struct PyHeatMap {
    inner: HeatMap,
    /// The names of the key columns, when known (DataFrame columns, named
    /// Series).
    key_names: Vec<Option<String>>,
    /// The categories of categorical key columns, whose keys in `inner`
    /// are codes (category order).
    categories: table::KeyCategories,
}

/// What a pickled `HeatMap` holds: the core map, the key names and the
/// categories of categorical keys.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedHeatMap {
    map: HeatMap,
    key_names: Vec<Option<String>>,
    #[serde(default)]
    categories: Vec<Option<crate::column::Categories>>,
}

impl nps_core::state::Saved for SavedHeatMap {
    const KIND: &'static str = "nps.HeatMap";
    fn check(&self) -> nps_core::Result<()> {
        self.map.check()
    }
}

/// The names of a matrix's key columns: the caller's when all are known,
/// distinct and free, else `key` (one column) or `key_0`, `key_1`, ….
fn matrix_key_names(names: &[Option<String>], n: usize) -> Vec<String> {
    let taken = ["stage", "column", "mentions", "heat"];
    let known: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
    let distinct = known
        .iter()
        .enumerate()
        .all(|(i, k)| !known[..i].contains(k) && !taken.contains(k));
    if known.len() == n && names.len() == n && distinct {
        return known.into_iter().map(str::to_owned).collect();
    }
    if n == 1 {
        vec!["key".to_owned()]
    } else {
        (0..n).map(|i| format!("key_{i}")).collect()
    }
}

/// The type name of one key part for the DataFrame converters.
fn key_type(k: &GroupKey) -> &'static str {
    match k {
        GroupKey::UInt(_) => "u64",
        GroupKey::Int(_) => "i64",
        _ => "str",
    }
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
    /// Columns may be lists, numpy arrays, pandas or polars Series. Or a
    /// DataFrame (pandas, polars, pyarrow) first, with `stage=`, `points=`,
    /// `mentions=` and `pain=` naming its columns.
    /// Raises InvalidValueError (with `.index`) for a bad element,
    /// LengthMismatchError, NoDataError for no rows, CountOverflowError.
    ///
    /// >>> import pandas as pd
    /// >>> df = pd.DataFrame({"s": ["repair"], "p": ["not fixed"], "m": [3], "pain": [9]})
    /// >>> nps.HeatMap.from_rows(df, stage="s", points="p", mentions="m", pain="pain").total_heat
    /// 27
    #[staticmethod]
    #[pyo3(signature = (stages, points = None, mentions = None, pain = None, *, stage = None))]
    fn from_rows<'py>(
        py: Python<'py>,
        stages: &Bound<'py, PyAny>,
        points: Option<&Bound<'py, PyAny>>,
        mentions: Option<&Bound<'py, PyAny>>,
        pain: Option<&Bound<'py, PyAny>>,
        stage: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<PyHeatMap> {
        let form = Form::of(Some(stages), stage)?;
        let stages = required(form.first(Some(stages), stage, "stage")?, "stages")?;
        let points = required(form.col(points, "points")?, "points")?;
        let mentions = required(form.col(mentions, "mentions")?, "mentions")?;
        let pain = required(form.col(pain, "pain")?, "pain")?;
        let (sl, pl) = (texts(&stages, "stages")?, labels(&points, "points")?);
        let (mn, pn) = (numbers(&mentions, "mentions")?, numbers(&pain, "pain")?);
        // Each distinct stage name parsed once (codes, Arrow views, text).
        let s = TextCols::of(&sl, "stages")?;
        let p = strings(&pl, "points")?;
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
                let st = StageColumn::Names(s.texts()).to_stages()?;
                match exact {
                    Some(m) => HeatMap::from_rows(&st, &p, m, &q),
                    None => HeatMap::from_rows(&st, &p, &m, &q),
                }
            })
            .py()?;
        Ok(PyHeatMap {
            inner,
            key_names: Vec::new(),
            categories: Vec::new(),
        })
    }

    /// A heat map from raw complaint records: each row is one mention of
    /// `points[i]` in `stages[i]` with pain index `pain[i]` (1–10). `by`
    /// (a key column — e.g. the dealer per record, strings or integers — or
    /// a list of key columns such as `[dealer, advisor]`, whose matrix
    /// columns are labelled `"D1 | ann"`) and `at` (aware datetimes, datetime64 or
    /// Unix seconds) with `period` ("day", "week", "month" — the default —
    /// or "quarter") in IANA time zone `tz` (default "UTC") enable
    /// `matrix(by="key")` / `matrix(by="period")`.
    ///
    /// The DataFrame form: a DataFrame (pandas, polars, pyarrow) first, with
    /// `stage=`, `points=` and `pain=` naming its columns, `by=` a column
    /// name or a list of names and `time=` the timestamp column. The
    /// matrix's key columns are then named after the columns.
    ///
    /// A categorical key (pandas `Categorical`, `pd.cut` intervals, polars
    /// `Enum`, Arrow dictionary) keeps its category order in the matrix
    /// and becomes a categorical / Enum / dictionary column of its
    /// DataFrames; maps keep their categories when merged and pickled, and
    /// maps over other categories do not merge.
    ///
    /// >>> import pandas as pd
    /// >>> df = pd.DataFrame({"stage": ["reception", "reception", "repair"],
    /// ...                    "complaint": ["queue", "queue", "not fixed"],
    /// ...                    "pain": [9, 7, 10], "dealer": ["D1", "D2", "D1"]})
    /// >>> m = nps.HeatMap.from_records(df, stage="stage", points="complaint", pain="pain", by="dealer")
    /// >>> m.total_heat, m.matrix(by="key").to_dict()["dealer"][:2]
    /// (26, ['D1', 'D2'])
    #[staticmethod]
    #[pyo3(signature = (stages, points = None, pain = None, *, by = None, at = None, period = None, tz = None, stage = None, time = None))]
    #[allow(clippy::too_many_arguments)]
    fn from_records<'py>(
        py: Python<'py>,
        stages: &Bound<'py, PyAny>,
        points: Option<&Bound<'py, PyAny>>,
        pain: Option<&Bound<'py, PyAny>>,
        by: Option<&Bound<'py, PyAny>>,
        at: Option<&Bound<'py, PyAny>>,
        period: Option<&str>,
        tz: Option<&str>,
        stage: Option<&Bound<'py, PyAny>>,
        time: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<PyHeatMap> {
        let form = Form::of(Some(stages), stage)?;
        let stages = required(form.first(Some(stages), stage, "stage")?, "stages")?;
        let points = required(form.col(points, "points")?, "points")?;
        let pain = required(form.col(pain, "pain")?, "pain")?;
        let (sl, pl) = (texts(&stages, "stages")?, texts(&points, "points")?);
        let pn = numbers(&pain, "pain")?;
        let key_cols = form.keys(by)?;
        let at = if form.is_frame() {
            if at.is_some_and(|a| !a.is_none()) {
                return Err(invalid_argument(
                    "at",
                    "with a DataFrame, name the column: time=",
                ));
            }
            form.col(time, "time")?
        } else {
            form.time(at, time)?
        };
        let ts = at.as_ref().map(timestamps).transpose()?;
        let d = RecordDims::default();
        let period: Period = match period {
            Some(p) => parse_name("period", p)?,
            None => d.period,
        };
        // Text columns read in place (Arrow buffers, categorical codes),
        // each distinct stage and description looked up once in the core.
        let (s, p) = (TextCols::of(&sl, "stages")?, TextCols::of(&pl, "points")?);
        let ts = ts.as_ref().map(|t| t.as_slice()).transpose()?;
        let tz = tz.unwrap_or(d.tz);
        let build = |keys: Option<Keys<'_>>| -> PyResult<nps_core::Result<HeatMap>> {
            let (stages, points) = (StageColumn::Names(s.texts()), p.texts());
            let dims = RecordDims {
                keys,
                timestamps: ts,
                period,
                tz,
            };
            macro_rules! run {
                ($q:expr) => {{
                    let q = $q;
                    Ok(py.detach(|| HeatMap::from_record_columns(stages, points, q, &dims)))
                }};
            }
            match &pn {
                Numbers::U8(a) => run!(a.as_slice()?),
                Numbers::U16(a) => run!(a.as_slice()?),
                Numbers::U32(a) => run!(a.as_slice()?),
                Numbers::U64(a) => run!(a.as_slice()?),
                Numbers::I8(a) => run!(a.as_slice()?),
                Numbers::I16(a) => run!(a.as_slice()?),
                Numbers::I32(a) => run!(a.as_slice()?),
                Numbers::I64(a) => run!(a.as_slice()?),
                Numbers::F64(a) => run!(a.as_slice()?),
                Numbers::F32(_) => run!(&*pn.to_f64()?),
                Numbers::Owned(a) => run!(a.as_slice()),
            }
        };
        // Categorical keys as their codes: the matrix columns come in
        // category order (`matrix` maps the codes back to labels).
        let inner = match &key_cols {
            Some(k) => k.with_codes(|keys| build(Some(keys)))??,
            None => build(None)?,
        }
        .py()?;
        Ok(PyHeatMap {
            inner,
            categories: key_cols
                .as_ref()
                .map(KeyColumns::categories)
                .unwrap_or_default(),
            key_names: key_cols.map(|k| k.names).unwrap_or_default(),
        })
    }

    /// The map of the rows of this map followed by those of `other`: equal
    /// to the map built in one pass over all of them (points, ranking,
    /// stage totals, matrices). Raises InvalidArgumentError (argument
    /// `other`) when the maps have different matrices (one built with keys
    /// or timestamps and the other not, keys of another type, another
    /// period or time zone, other categories of a categorical key).
    ///
    /// >>> a = nps.HeatMap.from_records(["repair"], ["not fixed"], [9], by=["D1"])
    /// >>> b = nps.HeatMap.from_records(["repair", "delivery"], ["not fixed", "slow"], [7, 3], by=["D2", "D1"])
    /// >>> m = a.merge(b)
    /// >>> m.ranked().to_dict()["heat"], m.matrix(by="key").to_dict()["column"][:2]
    /// ([16, 3], ['D1', 'D2'])
    fn merge(&self, other: &PyHeatMap) -> PyResult<PyHeatMap> {
        Ok(PyHeatMap {
            inner: self.inner.merge(&other.inner).py()?,
            key_names: crate::state::merge_names(&self.key_names, &other.key_names)?,
            categories: table::merge_categories(&self.categories, &other.categories)?,
        })
    }

    /// `a + b` is `a.merge(b)`.
    fn __add__(&self, other: &PyHeatMap) -> PyResult<PyHeatMap> {
        self.merge(other)
    }

    /// `0 + a` is `a` (so `sum(maps)` works).
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::state::radd(slf, other)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let saved = SavedHeatMap {
            map: me.inner.clone(),
            key_names: me.key_names.clone(),
            categories: table::saved_categories(&me.categories),
        };
        state::reduce(slf.as_any(), &saved)
    }

    /// The map of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedHeatMap = state::load(state)?;
        Ok(PyHeatMap {
            inner: s.map,
            key_names: s.key_names,
            categories: table::loaded_categories(s.categories),
        })
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
    /// column label, long form: stage, column (the label), the key columns
    /// (named after the columns grouped by when known, else `key` or
    /// `key_0`, `key_1`, …) or `period` (the local first day, a date),
    /// mentions, heat.
    #[pyo3(signature = (by = "key"))]
    fn matrix<'py>(&self, py: Python<'py>, by: &str) -> PyResult<PyHeatTable> {
        let m = self.inner.matrix(MatrixBy::from_name(by).py()?).py()?;
        let (mut st, mut col, mut men, mut heat) = (vec![], vec![], vec![], vec![]);
        // Categorical keys are codes in the core map: their labels here,
        // the columns staying in category order.
        let (keys, labels): (Vec<GroupKey>, Vec<String>) = if self.categories.is_empty() {
            (m.keys.clone(), m.columns.clone())
        } else {
            let keys: Vec<GroupKey> = m
                .keys
                .iter()
                .map(|k| table::relabel(k, &self.categories))
                .collect();
            let labels = keys.iter().map(GroupKey::to_string).collect();
            (keys, labels)
        };
        let parts: Vec<Vec<&GroupKey>> = keys
            .iter()
            .map(|k| match k {
                GroupKey::Tuple(ks) => ks.iter().collect(),
                k => vec![k],
            })
            .collect();
        let n_keys = parts.first().map_or(0, Vec::len);
        let mut key_values: Vec<Vec<Bound<'py, PyAny>>> = vec![Vec::new(); n_keys];
        let mut starts = Vec::new();
        for (s, stage) in m.stages.iter().enumerate() {
            for (c, label) in labels.iter().enumerate() {
                let i = s * m.columns.len() + c;
                st.push(stage.name());
                col.push(label.as_str());
                men.push(m.mentions[i]);
                heat.push(m.heat[i]);
                for (j, k) in parts.get(c).into_iter().flatten().enumerate() {
                    key_values[j].push(key_to_py(py, k)?);
                }
                if let Some(d) = m.starts.get(c) {
                    starts.push(*d);
                }
            }
        }
        let d = PyDict::new(py);
        let types = PyDict::new(py);
        let categories = PyDict::new(py);
        let n = st.len();
        d.set_item("stage", st)?;
        d.set_item("column", col)?;
        let names = matrix_key_names(&self.key_names, n_keys);
        for (j, (name, values)) in names.iter().zip(key_values).enumerate() {
            d.set_item(name, PyList::new(py, values)?)?;
            match self.categories.get(j).and_then(Option::as_deref) {
                Some(c) => {
                    types.set_item(name, "cat")?;
                    categories.set_item(name, (c.labels.clone(), c.ordered))?;
                }
                None => {
                    types.set_item(name, parts.first().map_or("str", |p| key_type(p[j])))?;
                }
            }
        }
        if !m.starts.is_empty() {
            d.set_item("period", starts)?;
            types.set_item("period", "date")?;
        }
        d.set_item("mentions", men)?;
        d.set_item("heat", heat)?;
        Ok(PyHeatTable {
            kind: "matrix",
            rows: n,
            columns: d.unbind(),
            types: types.unbind(),
            categories: categories.unbind(),
        })
    }

    /// The NPS driver view: the policy's drivers (default policy if None)
    /// with weight and the heat and share of the pain points assigned to
    /// each by the policy's `pain_point_drivers` rules (by exact pain
    /// point, then keyword, then journey stage; the defaults follow the
    /// source's table: waiting, repair quality, the advisor's attitude,
    /// price transparency, resolution efficiency). `rules` (a list of
    /// dicts with `driver` and any of `points`, `keywords`, `stages`)
    /// replaces the policy's rules; `mapping` (stage → driver) replaces
    /// them by stages only. Heat no rule assigns is the `unmapped` row.
    /// Columns: `driver`, `weight`, `stages` (comma-separated), `points`
    /// (the pain points, hottest first, joined by `" | "`), `heat`,
    /// `share`.
    ///
    /// >>> h = nps.HeatMap.from_rows(["reception", "repair"], ["no advisor greets us", "not fixed"],
    /// ...                           [3, 2], [6, 9])
    /// >>> d = h.drivers().to_dict()
    /// >>> [(k, v) for k, v in zip(d["driver"], d["heat"]) if v]
    /// [('repair_quality', 18), ('advisor_attitude', 18)]
    /// >>> h.drivers(rules=[{"driver": "waiting_time", "stages": ["reception"]}]).to_dict()["driver"]
    /// ['waiting_time', 'repair_quality', 'advisor_attitude', 'price_transparency', 'resolution_efficiency', 'unmapped']
    #[pyo3(signature = (policy = None, mapping = None, rules = None))]
    fn drivers(
        &self,
        py: Python<'_>,
        policy: Option<PyRef<'_, PyPolicy>>,
        mapping: Option<std::collections::BTreeMap<String, String>>,
        rules: Option<Vec<Bound<'_, PyDict>>>,
    ) -> PyResult<PyHeatTable> {
        let default = nps_core::policy::Policy::default();
        let p = policy.as_ref().map_or(&default, |p| &p.p);
        let stage = |s: &str, arg: &'static str| {
            Stage::from_name(s)
                .ok_or_else(|| crate::errors::invalid_argument(arg, format!("unknown stage `{s}`")))
        };
        let given: Option<Vec<PainRule>> = match (mapping, rules) {
            (Some(_), Some(_)) => {
                return Err(crate::errors::invalid_argument(
                    "mapping",
                    "give rules or a stage mapping, not both",
                ))
            }
            (Some(m), None) => Some(
                m.iter()
                    .map(|(s, d)| {
                        Ok(PainRule {
                            driver: d.clone(),
                            points: Vec::new(),
                            keywords: Vec::new(),
                            stages: vec![stage(s, "mapping")?],
                        })
                    })
                    .collect::<PyResult<_>>()?,
            ),
            (None, Some(r)) => Some(
                r.iter()
                    .map(|d| {
                        let texts = |k: &str| -> PyResult<Vec<String>> {
                            d.get_item(k)?.map_or(Ok(Vec::new()), |v| v.extract())
                        };
                        let driver: String = d
                            .get_item("driver")?
                            .ok_or_else(|| {
                                crate::errors::invalid_argument("rules", "a rule names its driver")
                            })?
                            .extract()?;
                        Ok(PainRule {
                            driver,
                            points: texts("points")?,
                            keywords: texts("keywords")?,
                            stages: texts("stages")?
                                .iter()
                                .map(|s| stage(s, "rules"))
                                .collect::<PyResult<_>>()?,
                        })
                    })
                    .collect::<PyResult<_>>()?,
            ),
            (None, None) => None,
        };
        let rules = given.as_deref().unwrap_or(&p.pain_point_drivers);
        let v = self.inner.drivers(&p.drivers, Some(rules)).py()?;
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
        d.set_item(
            "points",
            v.iter().map(|x| x.points.join(" | ")).collect::<Vec<_>>(),
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
