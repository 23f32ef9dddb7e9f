//! Service economics (`nps.econ`): thin wrappers of `nps_core::econ`.
//! Columns are converted (text, numbers, timestamps; NaN / None = not
//! stated where the core takes an option); every rule lives in nps-core.
//! The Python module `nps/econ.py` gives these functions their public
//! names and signatures.

use nps_core::econ::{
    self, Axis, CostEvents, Fleet, Ledger, LedgerOptions, LifecycleOptions, Lines, MatrixOptions,
    MeasureColumn, MeasureSpec, Quadrant,
};
use nps_core::money::{Currency, Rate};
use nps_core::table::Table;
use nps_core::Error;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::errors::{invalid_argument, to_py, CoreResult};
use crate::instant::seconds;
use crate::kpi::{f64_vec, group_args, grouped, i64_vec, key_categories, key_names, ts_vec, Form};
use crate::table;

/// A table of `nps.econ` (a ledger, a quadrant table, lifecycle curves or
/// their summary): `to_pandas()`, `to_polars()`, `to_arrow()` and
/// `to_dict()` give it; `kind` says which. Tables pickle (Dask,
/// multiprocessing); ledgers are partial results: `a.merge(b)` (or
/// `a + b`, or `sum([a, b, ...])`) is the ledger of the lines of `a`
/// followed by those of `b`, exactly.
///
/// >>> t = nps.econ.quadrants(None, unit=["d1"], measures={"nps": [40.0], "margin": [-0.3]})
/// >>> t.kind, len(t), t.to_dict()["quadrant"]
/// ('quadrants', 1, ['value_island'])
/// >>> a = nps.econ.ledger(None, unit=["west"], category=["parts"], amount_minor=[800])
/// >>> b = nps.econ.ledger(None, unit=["west", "east"], category=["service_delivery", "parts"],
/// ...                     amount_minor=[1500, 100])
/// >>> (a + b).to_dict()["profit_minor"]
/// [100, -700]
#[pyclass(frozen, eq, module = "nps.econ", name = "EconTable")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyEconTable {
    table: Table,
    kind: &'static str,
    categories: table::KeyCategories,
    summary: Option<Table>,
    /// The core ledger (kind `ledger`), kept so that ledgers merge, and the
    /// names of its key columns.
    ledger: Option<(Ledger, Vec<Option<String>>)>,
}

/// The kinds of `EconTable`.
const KINDS: [&str; 4] = ["ledger", "quadrants", "lifecycle_cost", "lifecycle_summary"];

/// What a pickled `EconTable` holds: a ledger itself (its table is derived
/// from it), any other kind as its table.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedEconTable {
    kind: String,
    table: Option<Table>,
    summary: Option<Table>,
    ledger: Option<Ledger>,
    key_names: Vec<Option<String>>,
    categories: Vec<Option<crate::column::Categories>>,
}

impl nps_core::state::Saved for SavedEconTable {
    const KIND: &'static str = "nps.econ.EconTable";
    fn check(&self) -> nps_core::Result<()> {
        let bad = |r: &str| Error::InvalidArgument {
            name: "state",
            reason: r.to_owned(),
        };
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(bad("an unknown kind of EconTable"));
        }
        match (&self.ledger, &self.table) {
            (Some(l), None) if self.kind == "ledger" => nps_core::state::Saved::check(l),
            (None, Some(t)) if self.kind != "ledger" => {
                t.check()?;
                self.summary.as_ref().map_or(Ok(()), Table::check)
            }
            _ => Err(bad(
                "a ledger is saved as a ledger, any other table as a table",
            )),
        }
    }
}

impl PyEconTable {
    fn of_ledger(
        l: Ledger,
        key_names: Vec<Option<String>>,
        categories: table::KeyCategories,
    ) -> PyEconTable {
        PyEconTable {
            table: table::named(l.to_table(), &key_names),
            kind: "ledger",
            categories,
            summary: None,
            ledger: Some((l, key_names)),
        }
    }

    fn of_table(kind: &'static str, table: Table, summary: Option<Table>) -> PyEconTable {
        PyEconTable {
            table,
            kind,
            categories: Vec::new(),
            summary,
            ledger: None,
        }
    }
}

#[pymethods]
impl PyEconTable {
    /// `"ledger"`, `"quadrants"`, `"lifecycle_cost"` or
    /// `"lifecycle_summary"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    /// For lifecycle curves: one row per product line (units, oldest age,
    /// mean manufacturing cost, the cost at each horizon and its share of
    /// the manufacturing cost); None for other tables.
    #[getter]
    fn summary(&self) -> Option<PyEconTable> {
        self.summary
            .clone()
            .map(|t| PyEconTable::of_table("lifecycle_summary", t, None))
    }

    /// The column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.table.names().into_iter().map(str::to_owned).collect()
    }

    fn __len__(&self) -> usize {
        self.table.n_rows()
    }

    /// The table as columns for `nps/_table.py`.
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table::columns_with(py, self.table.clone(), self.categories.clone())
    }

    /// The ledger of the lines of this ledger followed by those of `other`:
    /// equal to the ledger computed in one pass over all of them (the
    /// totals of a unit and period add up). Raises InvalidArgumentError
    /// (argument `other`) for a table that is not a ledger, or a ledger in
    /// another currency, with other categories, target mix, period, time
    /// zone or type of key column, or whose engineers for the same unit
    /// and period disagree.
    ///
    /// >>> q1 = nps.econ.ledger(None, unit=["west"], category=["parts"], amount_minor=[500])
    /// >>> q2 = nps.econ.ledger(None, unit=["west"], category=["parts"], amount_minor=[300])
    /// >>> q1.merge(q2).to_dict()["revenue_minor"]
    /// [800]
    fn merge(&self, other: &PyEconTable) -> PyResult<PyEconTable> {
        match (&self.ledger, &other.ledger) {
            (Some((a, an)), Some((b, bn))) => Ok(PyEconTable::of_ledger(
                a.merge(b).py()?,
                crate::state::merge_names(an, bn)?,
                table::merge_categories(&self.categories, &other.categories)?,
            )),
            _ => Err(invalid_argument(
                "other",
                format!(
                    "only ledgers merge (this is a {:?} table, other a {:?} table)",
                    self.kind, other.kind
                ),
            )),
        }
    }

    /// `a + b` is `a.merge(b)`.
    fn __add__(&self, other: &PyEconTable) -> PyResult<PyEconTable> {
        self.merge(other)
    }

    /// `0 + a` is `a` (so `sum(ledgers)` works).
    fn __radd__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::state::radd(slf, other)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let t = slf.get();
        let saved = SavedEconTable {
            kind: t.kind.to_owned(),
            table: t.ledger.is_none().then(|| t.table.clone()),
            summary: t.summary.clone(),
            ledger: t.ledger.as_ref().map(|(l, _)| l.clone()),
            key_names: t
                .ledger
                .as_ref()
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            categories: table::saved_categories(&t.categories),
        };
        crate::state::reduce(slf.as_any(), &saved)
    }

    /// The table of a state written by pickling (`pickle.loads`).
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        let s: SavedEconTable = crate::state::load(state)?;
        let kind = KINDS
            .into_iter()
            .find(|k| *k == s.kind)
            .unwrap_or("quadrants");
        let categories = table::loaded_categories(s.categories);
        Ok(match s.ledger {
            Some(l) => PyEconTable::of_ledger(l, s.key_names, categories),
            None => {
                // `check` made sure a table is there.
                let t = s
                    .table
                    .ok_or_else(|| invalid_argument("state", "a table is saved"))?;
                PyEconTable {
                    categories,
                    ..PyEconTable::of_table(kind, t, s.summary)
                }
            }
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "EconTable(kind={:?}, rows={}, columns={})",
            self.kind,
            self.table.n_rows(),
            self.table.columns.len()
        )
    }
}

/// Text per row (a name, a category, an id): strings; anything else is an
/// `InvalidValueError` naming the column and the row.
fn texts(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Vec<String>> {
    let list = if obj.hasattr("to_pylist")? {
        obj.call_method0("to_pylist")?
    } else if obj.hasattr("to_list")? {
        obj.call_method0("to_list")?
    } else if obj.hasattr("tolist")? {
        obj.call_method0("tolist")?
    } else {
        obj.py()
            .import("builtins")?
            .getattr("list")?
            .call1((obj,))?
    };
    let mut out = Vec::new();
    for (i, v) in list.try_iter()?.enumerate() {
        let v = v?;
        match v.extract::<String>() {
            Ok(s) => out.push(s),
            Err(_) => {
                return Err(to_py(Error::InvalidValue {
                    name: name.into(),
                    index: i,
                    reason: format!("must be text, got {}", v.repr()?),
                }))
            }
        }
    }
    Ok(out)
}

/// Numbers with NaN / None as "not stated".
fn opt_f64s(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Vec<Option<f64>>> {
    Ok(f64_vec(obj, name)?
        .into_iter()
        .map(|v| (!v.is_nan()).then_some(v))
        .collect())
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The service ledger. See `nps.econ.ledger`.
#[pyfunction]
#[pyo3(signature = (data, *, unit = None, category = None, amount_minor = None, currency = None, currencies = None, rates = None, target_mix = None, categories = None, engineers = None, period = None, time = None, timestamps = None, tz = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _econ_ledger<'py>(
    py: Python<'py>,
    data: Option<&Bound<'py, PyAny>>,
    unit: Option<&Bound<'py, PyAny>>,
    category: Option<&Bound<'py, PyAny>>,
    amount_minor: Option<&Bound<'py, PyAny>>,
    currency: Option<&str>,
    currencies: Option<&Bound<'py, PyAny>>,
    rates: Option<Vec<(String, String, String)>>,
    target_mix: Option<Vec<(String, f64)>>,
    categories: Option<Vec<(String, String)>>,
    engineers: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    time: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    tz: Option<&str>,
) -> PyResult<PyEconTable> {
    let form = Form::of_data(data)?;
    let cat = form
        .col(category, "category")?
        .ok_or_else(|| invalid_argument("category", "is required"))?;
    let amt = form
        .col(amount_minor, "amount_minor")?
        .ok_or_else(|| invalid_argument("amount_minor", "is required"))?;
    let cats = texts(&cat, "category")?;
    let amounts = i64_vec(&amt, "amount_minor")?;
    let curs = form
        .col(currencies, "currencies")?
        .map(|c| texts(&c, "currencies"))
        .transpose()?;
    let eng = form
        .col(engineers, "engineers")?
        .map(|e| opt_f64s(&e, "engineers"))
        .transpose()?;
    let g = group_args(&form, unit, timestamps, time, period, tz)?;
    let d = LedgerOptions::default();
    let opts = LedgerOptions {
        currency: currency.map_or(Ok(d.currency), |c| Currency::from_code(c).py())?,
        rates: rates
            .unwrap_or_default()
            .iter()
            .map(|(f, t, r)| Rate::parse(f, t, r))
            .collect::<nps_core::Result<_>>()
            .py()?,
        target_mix: target_mix.unwrap_or_default(),
        categories: match categories {
            None => d.categories,
            Some(c) => c
                .iter()
                .map(|(name, side)| econ::LineCategory::new(name, side))
                .collect::<nps_core::Result<_>>()
                .py()?,
        },
    };
    let cat_strs = as_strs(&cats);
    let cur_strs = curs.as_ref().map(|c| as_strs(c));
    let lines = Lines {
        categories: &cat_strs,
        amounts_minor: &amounts,
        currencies: cur_strs.as_deref(),
        engineers: eng.as_deref(),
    };
    let l = grouped(py, &g, |g| econ::ledger(&lines, &opts, g))?;
    Ok(PyEconTable::of_ledger(l, key_names(&g), key_categories(&g)))
}

/// The result of `nps.econ.quadrant`: the quadrant of a point and the
/// source article's text for it.
///
/// >>> q = nps.econ.quadrant(customer_value=0.62, business_value=0.30)
/// >>> q.quadrant, q.label_zh
/// ('value_island', '价值孤岛')
/// >>> q.action.startswith("Launch service productization")
/// True
#[pyclass(frozen, eq, module = "nps.econ", name = "Placement")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyPlacement {
    q: Quadrant,
    customer_value: f64,
    business_value: f64,
    text: econ::QuadrantText,
}

#[pymethods]
impl PyPlacement {
    /// The quadrant's name: `growth_engine`, `value_island`, `cost_ruin`
    /// or `profit_extractor`.
    #[getter]
    fn quadrant(&self) -> &'static str {
        self.q.name()
    }

    /// The customer value of the point.
    #[getter]
    fn customer_value(&self) -> f64 {
        self.customer_value
    }

    /// The business value of the point.
    #[getter]
    fn business_value(&self) -> f64 {
        self.business_value
    }

    /// The quadrant's name in the source (增长引擎, ...).
    #[getter]
    fn label_zh(&self) -> String {
        self.text.label_zh.clone()
    }

    /// The challenge of a service organisation in this quadrant.
    #[getter]
    fn challenge(&self) -> String {
        self.text.challenge.clone()
    }

    /// What it should do.
    #[getter]
    fn action(&self) -> String {
        self.text.action.clone()
    }

    /// The challenge in the source's words.
    #[getter]
    fn challenge_zh(&self) -> String {
        self.text.challenge_zh.clone()
    }

    /// The action in the source's words.
    #[getter]
    fn action_zh(&self) -> String {
        self.text.action_zh.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "Placement(quadrant={:?}, customer_value={}, business_value={})",
            self.q.name(),
            self.customer_value,
            self.business_value
        )
    }
}

fn matrix_options(
    customer_threshold: Option<f64>,
    business_threshold: Option<f64>,
) -> MatrixOptions {
    let d = MatrixOptions::default();
    MatrixOptions {
        customer_threshold: customer_threshold.unwrap_or(d.customer_threshold),
        business_threshold: business_threshold.unwrap_or(d.business_threshold),
        ..d
    }
}

/// The quadrant of one point. See `nps.econ.quadrant`.
#[pyfunction]
#[pyo3(signature = (customer_value, business_value, *, customer_threshold = None, business_threshold = None))]
pub(crate) fn _econ_quadrant(
    customer_value: f64,
    business_value: f64,
    customer_threshold: Option<f64>,
    business_threshold: Option<f64>,
) -> PyResult<PyPlacement> {
    let opts = matrix_options(customer_threshold, business_threshold);
    let q = econ::quadrant(customer_value, business_value, &opts).py()?;
    Ok(PyPlacement {
        q,
        customer_value,
        business_value,
        text: opts.text(q),
    })
}

/// The known measures as `(name, axis, weight, low, high)`.
#[pyfunction]
pub(crate) fn _econ_known_measures() -> Vec<(String, &'static str, f64, f64, f64)> {
    econ::known_measures()
        .into_iter()
        .map(|m| (m.name, m.axis.name(), m.weight, m.low, m.high))
        .collect()
}

/// The quadrants' texts as `(quadrant, label_zh, challenge, action,
/// challenge_zh, action_zh)`.
#[pyfunction]
pub(crate) fn _econ_texts() -> Vec<(&'static str, String, String, String, String, String)> {
    econ::default_texts()
        .into_iter()
        .map(|t| {
            (
                t.quadrant.name(),
                t.label_zh,
                t.challenge,
                t.action,
                t.challenge_zh,
                t.action_zh,
            )
        })
        .collect()
}

/// One measure of `_econ_quadrants`: its column, then axis, weight, low
/// and high (None: the known measure's).
type MeasureArg<'py> = (
    Bound<'py, PyAny>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// The matrix per unit and period. `measures` maps each measure's name to
/// `(column, axis, weight, low, high)` (axis None: the known measure's
/// spec). See `nps.econ.quadrants`.
#[pyfunction]
#[pyo3(signature = (data, measures, *, unit = None, period = None, time = None, timestamps = None, tz = None, customer_threshold = None, business_threshold = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _econ_quadrants<'py>(
    py: Python<'py>,
    data: Option<&Bound<'py, PyAny>>,
    measures: &Bound<'py, PyDict>,
    unit: Option<&Bound<'py, PyAny>>,
    period: Option<&str>,
    time: Option<&Bound<'py, PyAny>>,
    timestamps: Option<&Bound<'py, PyAny>>,
    tz: Option<&str>,
    customer_threshold: Option<f64>,
    business_threshold: Option<f64>,
) -> PyResult<PyEconTable> {
    let form = Form::of_data(data)?;
    let mut specs = Vec::new();
    let mut values = Vec::new();
    for (name, spec) in measures.iter() {
        let name: String = name.extract()?;
        let (col, axis, weight, low, high): MeasureArg<'py> = spec.extract()?;
        let known = econ::known_measure(&name);
        let axis = match axis {
            Some(a) => Axis::from_name(&a).py()?,
            None => known.as_ref().map(|k| k.axis).ok_or_else(|| {
                invalid_argument(
                    "measures",
                    format!("measure {name:?} is not a known measure: give its axis, low and high"),
                )
            })?,
        };
        let pick = |given: Option<f64>, k: Option<f64>, what: &str| {
            given.or(k).ok_or_else(|| {
                invalid_argument(
                    "measures",
                    format!("measure {name:?} needs `{what}` (not a known measure)"),
                )
            })
        };
        let spec = MeasureSpec {
            axis,
            weight: pick(weight, known.as_ref().map(|k| k.weight), "weight")?,
            low: pick(low, known.as_ref().map(|k| k.low), "low")?,
            high: pick(high, known.as_ref().map(|k| k.high), "high")?,
            name,
        };
        let col = form
            .col(Some(&col), "measures")?
            .ok_or_else(|| invalid_argument("measures", "a measure needs a column"))?;
        values.push(opt_f64s(&col, "measures")?);
        specs.push(spec);
    }
    let g = group_args(&form, unit, timestamps, time, period, tz)?;
    let opts = matrix_options(customer_threshold, business_threshold);
    let cols: Vec<MeasureColumn<'_>> = specs
        .iter()
        .zip(&values)
        .map(|(spec, values)| MeasureColumn { spec, values })
        .collect();
    let t = grouped(py, &g, |g| econ::quadrants(&cols, &opts, g))?;
    Ok(PyEconTable {
        categories: key_categories(&g),
        ..PyEconTable::of_table(
            "quadrants",
            table::named(t.to_table(), &key_names(&g)),
            None,
        )
    })
}

/// The lifecycle service cost. See `nps.econ.lifecycle_cost`.
#[pyfunction]
#[pyo3(signature = (units, events, *, unit = None, product_line = None, sold = None, manufacturing_cost_minor = None, event_unit = None, at = None, amount_minor = None, currencies = None, as_of = None, horizons_months = None, confidence = None, tz = None, currency = None, rates = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn _econ_lifecycle_cost<'py>(
    units: &Bound<'py, PyAny>,
    events: &Bound<'py, PyAny>,
    unit: Option<&Bound<'py, PyAny>>,
    product_line: Option<&Bound<'py, PyAny>>,
    sold: Option<&Bound<'py, PyAny>>,
    manufacturing_cost_minor: Option<&Bound<'py, PyAny>>,
    event_unit: Option<&Bound<'py, PyAny>>,
    at: Option<&Bound<'py, PyAny>>,
    amount_minor: Option<&Bound<'py, PyAny>>,
    currencies: Option<&Bound<'py, PyAny>>,
    as_of: Option<&Bound<'py, PyAny>>,
    horizons_months: Option<Vec<u32>>,
    confidence: Option<f64>,
    tz: Option<String>,
    currency: Option<&str>,
    rates: Option<Vec<(String, String, String)>>,
) -> PyResult<PyEconTable> {
    let uf = Form::of_data(Some(units))?;
    let ef = Form::of_data(Some(events))?;
    let req = |f: &Form<'py>, v: Option<&Bound<'py, PyAny>>, arg: &'static str| {
        f.col(v, arg)?
            .ok_or_else(|| invalid_argument(arg, "is required"))
    };
    let ids = texts(&req(&uf, unit, "unit")?, "unit")?;
    let lines = texts(&req(&uf, product_line, "product_line")?, "product_line")?;
    let sold = ts_vec(&req(&uf, sold, "sold")?)?;
    let mc: Option<Vec<Option<i64>>> =
        match uf.col(manufacturing_cost_minor, "manufacturing_cost_minor")? {
            None => None,
            Some(c) => Some(
                opt_f64s(&c, "manufacturing_cost_minor")?
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| match v {
                        None => Ok(None),
                        Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Ok(Some(v as i64)),
                        Some(v) => Err(to_py(Error::InvalidValue {
                            name: "manufacturing_cost_minor".into(),
                            index: i,
                            reason: format!("must be an integer amount, got {v}"),
                        })),
                    })
                    .collect::<PyResult<_>>()?,
            ),
        };
    let eu = texts(&req(&ef, event_unit, "unit")?, "event_units")?;
    let at = ts_vec(&req(&ef, at, "at")?)?;
    let amounts = i64_vec(&req(&ef, amount_minor, "amount_minor")?, "amounts_minor")?;
    let curs = ef
        .col(currencies, "currencies")?
        .map(|c| texts(&c, "currencies"))
        .transpose()?;
    let d = LifecycleOptions::default();
    let opts = LifecycleOptions {
        as_of: as_of
            .filter(|a| !a.is_none())
            .map(|a| seconds(a, "as_of"))
            .transpose()?,
        horizons_months: horizons_months.unwrap_or(d.horizons_months),
        confidence: confidence.unwrap_or(d.confidence),
        tz,
        currency: currency.map_or(Ok(d.currency), |c| Currency::from_code(c).py())?,
        rates: rates
            .unwrap_or_default()
            .iter()
            .map(|(f, t, r)| Rate::parse(f, t, r))
            .collect::<nps_core::Result<_>>()
            .py()?,
    };
    let cur_strs = curs.as_ref().map(|c| as_strs(c));
    let (id_s, line_s, eu_s) = (as_strs(&ids), as_strs(&lines), as_strs(&eu));
    let fleet = Fleet {
        units: &id_s,
        product_lines: &line_s,
        sold: &sold,
        manufacturing_cost_minor: mc.as_deref(),
    };
    let ev = CostEvents {
        units: &eu_s,
        at: &at,
        amounts_minor: &amounts,
        currencies: cur_strs.as_deref(),
    };
    let l = econ::lifecycle_cost(&fleet, &ev, &opts).py()?;
    Ok(PyEconTable::of_table(
        "lifecycle_cost",
        l.to_table(),
        Some(l.summary_table()),
    ))
}

/// The default ledger categories of nps-core (`econ::default_categories`):
/// `(name, side, description)`.
#[pyfunction]
pub(crate) fn _econ_categories() -> Vec<(String, &'static str, String)> {
    econ::default_categories()
        .into_iter()
        .map(|c| (c.name, c.side.name(), c.description))
        .collect()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_econ_categories, m)?)?;
    m.add_class::<PyEconTable>()?;
    m.add_class::<PyPlacement>()?;
    m.add_function(wrap_pyfunction!(_econ_ledger, m)?)?;
    m.add_function(wrap_pyfunction!(_econ_quadrant, m)?)?;
    m.add_function(wrap_pyfunction!(_econ_known_measures, m)?)?;
    m.add_function(wrap_pyfunction!(_econ_texts, m)?)?;
    m.add_function(wrap_pyfunction!(_econ_quadrants, m)?)?;
    m.add_function(wrap_pyfunction!(_econ_lifecycle_cost, m)?)?;
    Ok(())
}
