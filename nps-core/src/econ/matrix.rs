//! The strategic value matrix: customer value × business value, four
//! quadrants with the source article's challenge and action for each.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::group::{GroupKey, Grouping};
use crate::period::Period;
use crate::table::{Column, Table};

/// A quadrant of the strategic value matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// High customer value, high business value (增长引擎).
    GrowthEngine,
    /// High customer value, low business value (价值孤岛).
    ValueIsland,
    /// Low customer value, low business value (成本废墟).
    CostRuin,
    /// Low customer value, high business value (利润榨取机).
    ProfitExtractor,
}

impl Quadrant {
    /// Every quadrant, in the source's order (first to fourth).
    pub const ALL: [Quadrant; 4] = [
        Quadrant::GrowthEngine,
        Quadrant::ValueIsland,
        Quadrant::CostRuin,
        Quadrant::ProfitExtractor,
    ];

    /// The quadrant's name: `growth_engine`, `value_island`, `cost_ruin`
    /// or `profit_extractor`.
    pub fn name(self) -> &'static str {
        match self {
            Quadrant::GrowthEngine => "growth_engine",
            Quadrant::ValueIsland => "value_island",
            Quadrant::CostRuin => "cost_ruin",
            Quadrant::ProfitExtractor => "profit_extractor",
        }
    }

    /// The quadrant of a [`name`](Quadrant::name); anything else is
    /// [`Error::InvalidArgument`] naming `quadrant`.
    pub fn from_name(name: &str) -> Result<Quadrant> {
        Quadrant::ALL
            .into_iter()
            .find(|q| q.name() == name)
            .ok_or_else(|| {
                Error::arg(
                    "quadrant",
                    format!(
                        "`{}` is not a quadrant (growth_engine, value_island, cost_ruin, profit_extractor)",
                        crate::error::quote(name)
                    ),
                )
            })
    }

    /// The quadrant of a point: high customer value is `customer >=
    /// customer_threshold`, high business value likewise (a point exactly
    /// on a threshold counts as high).
    fn of(high_customer: bool, high_business: bool) -> Quadrant {
        match (high_customer, high_business) {
            (true, true) => Quadrant::GrowthEngine,
            (true, false) => Quadrant::ValueIsland,
            (false, false) => Quadrant::CostRuin,
            (false, true) => Quadrant::ProfitExtractor,
        }
    }
}

/// What the source article says of one quadrant (policy data): its
/// Chinese name, the challenge and the action, in English and in the
/// original Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuadrantText {
    /// The quadrant.
    pub quadrant: Quadrant,
    /// Its name in the source (增长引擎, ...).
    pub label_zh: String,
    /// The challenge of a service organisation in this quadrant.
    pub challenge: String,
    /// What it should do.
    pub action: String,
    /// The challenge in the source's words.
    pub challenge_zh: String,
    /// The action in the source's words.
    pub action_zh: String,
}

/// The source article's text for every quadrant, in [`Quadrant::ALL`] order.
///
/// ```
/// use nps_core::econ::{default_texts, Quadrant};
/// let t = default_texts();
/// assert_eq!(t[1].quadrant, Quadrant::ValueIsland);
/// assert_eq!(t[1].label_zh, "价值孤岛");
/// assert!(t[1].action.contains("productization"));
/// ```
pub fn default_texts() -> Vec<QuadrantText> {
    let t = |quadrant, label_zh: &str, challenge: &str, action: &str, cz: &str, az: &str| {
        QuadrantText {
            quadrant,
            label_zh: label_zh.to_owned(),
            challenge: challenge.to_owned(),
            action: action.to_owned(),
            challenge_zh: cz.to_owned(),
            action_zh: az.to_owned(),
        }
    };
    vec![
        t(
            Quadrant::GrowthEngine,
            "增长引擎",
            "How to keep innovating and keep the organisation from turning bureaucratic.",
            "Invest in AI and data capabilities; explore opening up and expanding the after-sales ecosystem.",
            "如何保持创新，防止体系官僚化。",
            "投资于AI与数据能力，探索售后生态的开放与扩张。",
        ),
        t(
            Quadrant::ValueIsland,
            "价值孤岛",
            "How to turn the customer value created into measurable business value and make the service finances self-sustaining.",
            "Launch service productization and an efficiency revolution: redesign service pricing and the cost structure, and move towards the growth engine.",
            "如何将创造的客户价值，转化为可量化的商业价值，实现财务自洽。",
            "必须启动“服务产品化”和“效率革命”，重新设计服务定价与成本结构，迈向第一象限。",
        ),
        t(
            Quadrant::CostRuin,
            "成本废墟",
            "Survival: stop the bleeding and rebuild at once.",
            "First re-engineer the basic service processes and control cost, raise the floor of the customer experience, and meanwhile consider a fundamental change of the service model.",
            "生存挑战，需立即止血和重建。",
            "先进行基础的服务流程再造和成本控制，提升客户体验底线，同时思考根本性的模式变革。",
        ),
        t(
            Quadrant::ProfitExtractor,
            "利润榨取机",
            "A very high risk of losing customers and reputation; easily hit by a disruptor with better service, or by regulation.",
            "Prepare while things are good: before customers revolt or a disruptor arrives, put profit into a better customer experience and move towards the growth engine.",
            "极高的客户流失风险和品牌声誉风险，极易被提供更优服务的颠覆者或政策打击。",
            "居安思危，必须在客户大规模反弹或被颠覆前，主动将利润投入客户体验改善，向第一象限迁移。",
        ),
    ]
}

/// One of the two axes of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    /// Customer value (NPS, retention, first-visit resolution, ...).
    Customer,
    /// Business value (service margin, input–output ratio, ...).
    Business,
}

impl Axis {
    /// `"customer"` or `"business"`.
    pub fn name(self) -> &'static str {
        match self {
            Axis::Customer => "customer",
            Axis::Business => "business",
        }
    }

    /// The axis of a name; anything else is [`Error::InvalidArgument`]
    /// naming `axis`.
    pub fn from_name(name: &str) -> Result<Axis> {
        match name {
            "customer" => Ok(Axis::Customer),
            "business" => Ok(Axis::Business),
            _ => Err(Error::arg(
                "axis",
                format!(
                    "`{}` is not an axis (customer, business)",
                    crate::error::quote(name)
                ),
            )),
        }
    }
}

/// How a named measure enters an axis (policy data): its axis, its
/// weight, and the raw values mapped to 0 (`low`) and 1 (`high`), linear
/// in between and clamped outside. `low > high` means lower is better.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureSpec {
    /// The measure's name (`nps`, `margin`, ...).
    pub name: String,
    /// The axis it belongs to.
    pub axis: Axis,
    /// Its weight within the axis (finite, > 0).
    pub weight: f64,
    /// The raw value that normalizes to 0.
    pub low: f64,
    /// The raw value that normalizes to 1.
    pub high: f64,
}

impl MeasureSpec {
    /// `value` normalized to `[0, 1]`.
    pub fn normalize(&self, value: f64) -> f64 {
        ((value - self.low) / (self.high - self.low)).clamp(0.0, 1.0)
    }

    fn validate(&self, i: usize) -> Result<()> {
        let ok = self.weight.is_finite()
            && self.weight > 0.0
            && self.low.is_finite()
            && self.high.is_finite()
            && self.low != self.high
            && !self.name.is_empty();
        if ok {
            Ok(())
        } else {
            Err(Error::arg(
                "measures",
                format!(
                    "measures[{i}] `{}`: needs a name, a finite weight > 0 and finite low != high \
                     (weight {}, low {}, high {})",
                    crate::error::quote(&self.name),
                    self.weight,
                    self.low,
                    self.high
                ),
            ))
        }
    }
}

/// The measures known by name, with weight 1 and ranges chosen so that
/// the neutral value sits at 0.5 (the default threshold): customer `nps`
/// (−100 → 0, +100 → 1), `retention`, `first_visit_resolution`,
/// `first_time_fix_rate`, `csat` (shares, 0 → 0, 1 → 1); business
/// `margin` (−1 → 0, +1 → 1: break-even at 0.5), `input_output_ratio`
/// (0 → 0, 2 → 1: revenue = cost at 0.5), `cost_to_revenue` (2 → 0,
/// 0 → 1).
///
/// ```
/// use nps_core::econ::{known_measure, Axis};
/// let m = known_measure("input_output_ratio").unwrap();
/// assert_eq!(m.axis, Axis::Business);
/// assert_eq!(m.normalize(1.0), 0.5); // break-even
/// assert_eq!(known_measure("nps").unwrap().normalize(24.0), 0.62);
/// ```
pub fn known_measures() -> Vec<MeasureSpec> {
    let m = |name: &str, axis, low, high| MeasureSpec {
        name: name.to_owned(),
        axis,
        weight: 1.0,
        low,
        high,
    };
    vec![
        m("nps", Axis::Customer, -100.0, 100.0),
        m("retention", Axis::Customer, 0.0, 1.0),
        m("first_visit_resolution", Axis::Customer, 0.0, 1.0),
        m("first_time_fix_rate", Axis::Customer, 0.0, 1.0),
        m("csat", Axis::Customer, 0.0, 1.0),
        m("margin", Axis::Business, -1.0, 1.0),
        m("input_output_ratio", Axis::Business, 0.0, 2.0),
        m("cost_to_revenue", Axis::Business, 2.0, 0.0),
    ]
}

/// The known measure called `name` ([`known_measures`]).
pub fn known_measure(name: &str) -> Option<MeasureSpec> {
    known_measures().into_iter().find(|m| m.name == name)
}

/// Options of the matrix (policy data): the thresholds of high value on
/// each axis (default 0.5; a point exactly on a threshold is high) and
/// the quadrants' texts ([`default_texts`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixOptions {
    /// Customer value at or above which it is high.
    pub customer_threshold: f64,
    /// Business value at or above which it is high.
    pub business_threshold: f64,
    /// One text per quadrant.
    pub texts: Vec<QuadrantText>,
}

impl Default for MatrixOptions {
    fn default() -> MatrixOptions {
        MatrixOptions {
            customer_threshold: 0.5,
            business_threshold: 0.5,
            texts: default_texts(),
        }
    }
}

impl MatrixOptions {
    /// Checks the thresholds (in `[0, 1]`) and that every quadrant has
    /// exactly one text; errors name `customer_threshold`,
    /// `business_threshold` or `texts`.
    pub fn validate(&self) -> Result<()> {
        for (name, t) in [
            ("customer_threshold", self.customer_threshold),
            ("business_threshold", self.business_threshold),
        ] {
            if !(0.0..=1.0).contains(&t) {
                return Err(Error::arg(name, format!("must be in [0, 1], got {t}")));
            }
        }
        for q in Quadrant::ALL {
            let n = self.texts.iter().filter(|t| t.quadrant == q).count();
            if n != 1 {
                return Err(Error::arg(
                    "texts",
                    format!("{} has {n} texts, needs exactly 1", q.name()),
                ));
            }
        }
        Ok(())
    }

    /// The text of quadrant `q` (the default text if the options lack it).
    pub fn text(&self, q: Quadrant) -> QuadrantText {
        self.texts
            .iter()
            .find(|t| t.quadrant == q)
            .cloned()
            .unwrap_or_else(|| default_texts()[q as usize].clone())
    }
}

/// The quadrant of a point with customer value `customer` and business
/// value `business` (each in `[0, 1]`). A point exactly on a threshold
/// counts as high.
///
/// Errors: [`Error::InvalidArgument`] naming `customer_value` or
/// `business_value` outside `[0, 1]` (or NaN), or bad options.
///
/// ```
/// use nps_core::econ::{quadrant, MatrixOptions, Quadrant};
/// let o = MatrixOptions::default();
/// assert_eq!(quadrant(0.62, 0.30, &o)?, Quadrant::ValueIsland);
/// assert_eq!(quadrant(0.5, 0.5, &o)?, Quadrant::GrowthEngine); // on the threshold: high
/// assert_eq!(quadrant(0.2, 0.9, &o)?, Quadrant::ProfitExtractor);
/// assert!(quadrant(f64::NAN, 0.5, &o).is_err());
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn quadrant(customer: f64, business: f64, opts: &MatrixOptions) -> Result<Quadrant> {
    opts.validate()?;
    for (name, v) in [("customer_value", customer), ("business_value", business)] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::arg(name, format!("must be in [0, 1], got {v}")));
        }
    }
    Ok(Quadrant::of(
        customer >= opts.customer_threshold,
        business >= opts.business_threshold,
    ))
}

/// One measure column of [`quadrants`]: its spec and one value per row
/// (`None` = not stated on that row).
#[derive(Debug, Clone, Copy)]
pub struct MeasureColumn<'a> {
    /// How the measure enters its axis.
    pub spec: &'a MeasureSpec,
    /// Raw values, one per row.
    pub values: &'a [Option<f64>],
}

/// One unit and period of a [`QuadrantTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuadrantRow {
    /// The unit.
    pub key: GroupKey,
    /// Local first day of the period, when grouping by period.
    pub period_start: Option<NaiveDate>,
    /// The raw value of each measure (in input order); `None` = missing.
    pub measures: Vec<Option<f64>>,
    /// Weighted mean of the normalized customer measures; `None` when one
    /// is missing.
    pub customer_value: Option<f64>,
    /// Weighted mean of the normalized business measures; `None` when one
    /// is missing.
    pub business_value: Option<f64>,
    /// The quadrant; `None` (no data) when an axis is missing.
    pub quadrant: Option<Quadrant>,
    /// The quadrant of the same unit in its previous period present in the
    /// table (grouped by period only).
    pub previous: Option<Quadrant>,
}

impl QuadrantRow {
    /// Whether the unit changed quadrant since its previous period; `None`
    /// when either is unknown.
    pub fn moved(&self) -> Option<bool> {
        Some(self.quadrant? != self.previous?)
    }
}

/// The matrix per unit and period: see [`quadrants`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuadrantTable {
    /// The measure names, in the order of [`QuadrantRow::measures`].
    pub measures: Vec<String>,
    /// The period, if grouped by period.
    pub period: Option<Period>,
    /// The rows, sorted by unit then period.
    pub rows: Vec<QuadrantRow>,
}

/// Places every unit and period (the grouping engine's groups) in the
/// matrix. Each group's value of a measure is the value its rows state
/// (one row per unit and period, or the same value repeated); each axis
/// is the weighted mean of its measures normalized to `[0, 1]`
/// ([`MeasureSpec::normalize`]); a group missing a measure has no value on
/// that axis and no quadrant (no data, never a default quadrant). Grouped
/// by period, each row also gives the unit's quadrant in its previous
/// period, so movements between quadrants show.
///
/// Errors: [`Error::InvalidArgument`] naming `measures` (none for an
/// axis, a bad spec, a repeated name) or bad options;
/// [`Error::LengthMismatch`]; [`Error::InvalidValue`] naming the measure
/// and the row for a non-finite value or two different values in one
/// group.
///
/// ```
/// use nps_core::econ::{known_measure, quadrants, MatrixOptions, MeasureColumn, Quadrant};
/// use nps_core::group::{Grouping, Keys};
/// let (nps, margin) = (known_measure("nps").unwrap(), known_measure("margin").unwrap());
/// let dealer = ["d1", "d2", "d3"];
/// let cols = [
///     MeasureColumn { spec: &nps, values: &[Some(40.0), Some(-20.0), None] },
///     MeasureColumn { spec: &margin, values: &[Some(-0.3), Some(0.25), Some(0.1)] },
/// ];
/// let g = Grouping { keys: Some(Keys::Str(&dealer)), ..Default::default() };
/// let t = quadrants(&cols, &MatrixOptions::default(), &g)?;
/// assert_eq!(t.rows[0].quadrant, Some(Quadrant::ValueIsland)); // 0.7, 0.35
/// assert_eq!(t.rows[1].quadrant, Some(Quadrant::ProfitExtractor)); // 0.4, 0.625
/// assert_eq!(t.rows[2].quadrant, None); // NPS missing: no data
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn quadrants(
    measures: &[MeasureColumn<'_>],
    opts: &MatrixOptions,
    g: &Grouping<'_>,
) -> Result<QuadrantTable> {
    opts.validate()?;
    for (i, m) in measures.iter().enumerate() {
        m.spec.validate(i)?;
        if measures[..i].iter().any(|o| o.spec.name == m.spec.name) {
            return Err(Error::arg(
                "measures",
                format!(
                    "measure `{}` is given twice",
                    crate::error::quote(&m.spec.name)
                ),
            ));
        }
    }
    for axis in [Axis::Customer, Axis::Business] {
        if !measures.iter().any(|m| m.spec.axis == axis) {
            return Err(Error::arg(
                "measures",
                format!("no measure of the {} axis was given", axis.name()),
            ));
        }
    }
    let n = measures[0].values.len();
    for m in measures {
        Error::check_len("measures", m.values.len(), "rows", n)?;
    }
    for m in measures {
        if let Some(i) = m
            .values
            .iter()
            .position(|v| v.is_some_and(|v| !v.is_finite()))
        {
            return Err(Error::value(
                m.spec.name.clone(),
                i,
                format!(
                    "a measure must be finite (missing is None), got {}",
                    m.values[i].unwrap_or(f64::NAN)
                ),
            ));
        }
    }
    let a = g.assign(n)?;
    let ng = a.labels.len();
    let k = measures.len();
    let mut vals: Vec<Option<(f64, usize)>> = vec![None; ng * k];
    for (row, &r) in a.rows.iter().enumerate() {
        for (j, m) in measures.iter().enumerate() {
            let Some(v) = m.values[row] else { continue };
            let slot = &mut vals[r as usize * k + j];
            match *slot {
                None => *slot = Some((v, row)),
                Some((w, first)) if w != v => {
                    return Err(Error::value(
                        m.spec.name.clone(),
                        row,
                        format!(
                            "{v}, but row {first} of the same unit and period states {w} \
                             (give one value per unit and period)"
                        ),
                    ))
                }
                _ => {}
            }
        }
    }
    let axis_value = |vs: &[Option<(f64, usize)>], axis: Axis| -> Option<f64> {
        let (mut s, mut w) = (0.0, 0.0);
        for (m, v) in measures.iter().zip(vs) {
            if m.spec.axis == axis {
                let (v, _) = (*v)?;
                s += m.spec.weight * m.spec.normalize(v);
                w += m.spec.weight;
            }
        }
        Some((s / w).clamp(0.0, 1.0))
    };
    let mut rows: Vec<QuadrantRow> = Vec::with_capacity(ng);
    for (r, (key, start)) in a.labels.into_iter().enumerate() {
        let vs = &vals[r * k..(r + 1) * k];
        let c = axis_value(vs, Axis::Customer);
        let b = axis_value(vs, Axis::Business);
        let quadrant = match (c, b) {
            (Some(c), Some(b)) => Some(Quadrant::of(
                c >= opts.customer_threshold,
                b >= opts.business_threshold,
            )),
            _ => None,
        };
        // Sorted by key then period: the previous row of the same key is
        // the unit's previous period.
        let previous = match rows.last() {
            Some(p) if g.period.is_some() && p.key == key => p.quadrant,
            _ => None,
        };
        rows.push(QuadrantRow {
            key,
            period_start: start,
            measures: vs.iter().map(|v| v.map(|v| v.0)).collect(),
            customer_value: c,
            business_value: b,
            quadrant,
            previous,
        });
    }
    Ok(QuadrantTable {
        measures: measures.iter().map(|m| m.spec.name.clone()).collect(),
        period: g.period,
        rows,
    })
}

impl QuadrantTable {
    /// The rows as a [`Table`]: key columns, `period`, each measure's raw
    /// value (named after it), `customer_value`, `business_value`,
    /// `quadrant`, `previous_quadrant` and `moved`. No data is null.
    pub fn to_table(&self) -> Table {
        let rs = &self.rows;
        let mut t = Table::from_labels(rs.iter().map(|r| (&r.key, r.period_start)), self.period);
        for (j, name) in self.measures.iter().enumerate() {
            t.push(
                name,
                Column::F64(rs.iter().map(|r| r.measures[j]).collect()),
            );
        }
        t.push(
            "customer_value",
            Column::F64(rs.iter().map(|r| r.customer_value).collect()),
        );
        t.push(
            "business_value",
            Column::F64(rs.iter().map(|r| r.business_value).collect()),
        );
        let q = |f: fn(&QuadrantRow) -> Option<Quadrant>| {
            Column::Str(
                rs.iter()
                    .map(|r| f(r).map(|q| q.name().to_owned()))
                    .collect(),
            )
        };
        t.push("quadrant", q(|r| r.quadrant));
        t.push("previous_quadrant", q(|r| r.previous));
        t.push(
            "moved",
            Column::Bool(rs.iter().map(QuadrantRow::moved).collect()),
        );
        t
    }
}
