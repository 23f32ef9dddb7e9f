//! The service ledger: revenue and cost lines per unit and period.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::group::{GroupKey, Grouping};
use crate::kpi::merge::{self, Periods};
use crate::money::{Currency, Money, Rate};
use crate::period::Period;
use crate::table::{Column, Table};

/// Which side of the service P&L a category is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Service revenue (parts, extended warranty, paid labour, ...).
    Revenue,
    /// Service cost (warranty, engineers, scrapped stock, lost customers).
    Cost,
}

impl Side {
    /// `"revenue"` or `"cost"`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Revenue => "revenue",
            Side::Cost => "cost",
        }
    }

    /// The side called `name` (`"revenue"` or `"cost"`); anything else is
    /// an [`Error::InvalidArgument`] naming `categories`.
    pub fn from_name(name: &str) -> Result<Side> {
        match name {
            "revenue" => Ok(Side::Revenue),
            "cost" => Ok(Side::Cost),
            _ => Err(Error::arg(
                "categories",
                format!(
                    "a category is on side `revenue` or `cost`, not `{}`",
                    crate::error::quote(name)
                ),
            )),
        }
    }
}

impl LineCategory {
    /// A category of the policy: `name` on `side` (`"revenue"` or
    /// `"cost"`), without a description.
    ///
    /// ```
    /// use nps_core::econ::{default_categories, LedgerOptions, LineCategory};
    /// // The defaults and one more: insurance commissions are revenue.
    /// let mut categories = default_categories();
    /// categories.push(LineCategory::new("insurance", "revenue")?);
    /// let opts = LedgerOptions { categories, ..Default::default() };
    /// opts.validate()?;
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn new(name: &str, side: &str) -> Result<LineCategory> {
        Ok(LineCategory {
            name: name.to_owned(),
            side: Side::from_name(side)?,
            description: String::new(),
        })
    }
}

/// One category of ledger lines (policy data): its name, its side and
/// what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCategory {
    /// The name lines are booked under (`parts`, `service_delivery`, ...).
    pub name: String,
    /// Revenue or cost.
    pub side: Side,
    /// What the category holds.
    pub description: String,
}

/// The default categories, after the source article's service P&L and its
/// list of hidden costs: revenue `parts`, `extended_warranty`,
/// `paid_service` (out-of-warranty labour), `value_added_services`,
/// `external` (service sold to third parties); cost `quality_failure`
/// (warranty, returns), `service_delivery` (engineers' pay, travel,
/// tools), `parts_sunk` (obsolete or scrapped stock), `churn_credit`
/// (estimated future revenue lost with departed customers).
///
/// ```
/// use nps_core::econ::{default_categories, Side};
/// let c = default_categories();
/// assert_eq!(c.len(), 9);
/// assert_eq!((c[0].name.as_str(), c[0].side), ("parts", Side::Revenue));
/// assert_eq!((c[8].name.as_str(), c[8].side), ("churn_credit", Side::Cost));
/// ```
pub fn default_categories() -> Vec<LineCategory> {
    let c = |name: &str, side, description: &str| LineCategory {
        name: name.to_owned(),
        side,
        description: description.to_owned(),
    };
    vec![
        c("parts", Side::Revenue, "spare parts sold"),
        c(
            "extended_warranty",
            Side::Revenue,
            "extended warranties sold",
        ),
        c("paid_service", Side::Revenue, "out-of-warranty labour"),
        c(
            "value_added_services",
            Side::Revenue,
            "value-added services (inspections, maintenance plans, data services)",
        ),
        c("external", Side::Revenue, "service sold to third parties"),
        c(
            "quality_failure",
            Side::Cost,
            "warranty repairs and returns",
        ),
        c(
            "service_delivery",
            Side::Cost,
            "engineers' pay, travel and tools",
        ),
        c(
            "parts_sunk",
            Side::Cost,
            "obsolete or scrapped spare-parts stock",
        ),
        c(
            "churn_credit",
            Side::Cost,
            "estimated future revenue lost with departed customers",
        ),
    ]
}

/// Options of [`ledger`]: the reporting currency, exchange rates, the
/// categories and the target revenue mix (policy data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerOptions {
    /// The currency every total is reported in (default CNY).
    pub currency: Currency,
    /// Exact rates for lines in other currencies (each line converted with
    /// [`Money::convert`], rounding half to even); none by default.
    pub rates: Vec<Rate>,
    /// The categories lines may be booked under ([`default_categories`]).
    pub categories: Vec<LineCategory>,
    /// Target share of revenue per revenue category (each in `[0, 1]`,
    /// summing to at most 1); none by default.
    pub target_mix: Vec<(String, f64)>,
}

/// The default currency of the service economics (CNY: the source
/// articles' figures are in yuan).
pub(crate) fn default_currency() -> Currency {
    Currency::from_code("CNY").expect("CNY is ISO 4217")
}

impl Default for LedgerOptions {
    fn default() -> LedgerOptions {
        LedgerOptions {
            currency: default_currency(),
            rates: Vec::new(),
            categories: default_categories(),
            target_mix: Vec::new(),
        }
    }
}

impl LedgerOptions {
    /// Checks the options: category names non-empty and distinct, target
    /// shares naming revenue categories once, each in `[0, 1]`, summing to
    /// at most 1, and consistent rates. Errors name `categories`,
    /// `target_mix` or `rates`.
    pub fn validate(&self) -> Result<()> {
        Rate::check_all(&self.rates)?;
        for (i, c) in self.categories.iter().enumerate() {
            if c.name.is_empty() || self.categories[..i].iter().any(|d| d.name == c.name) {
                return Err(Error::arg(
                    "categories",
                    format!(
                        "categories[{i}] name `{}` is empty or repeated",
                        crate::error::quote(&c.name)
                    ),
                ));
            }
        }
        let mut sum = 0.0;
        for (i, (name, share)) in self.target_mix.iter().enumerate() {
            let revenue = self
                .categories
                .iter()
                .any(|c| &c.name == name && c.side == Side::Revenue);
            if !revenue || self.target_mix[..i].iter().any(|(n, _)| n == name) {
                return Err(Error::arg(
                    "target_mix",
                    format!(
                        "target_mix[{i}] `{}` is not a revenue category, or repeated",
                        crate::error::quote(name)
                    ),
                ));
            }
            if !(0.0..=1.0).contains(share) {
                return Err(Error::arg(
                    "target_mix",
                    format!("target_mix[{i}] share must be in [0, 1], got {share}"),
                ));
            }
            sum += share;
        }
        if sum > 1.0 + 1e-9 {
            return Err(Error::arg(
                "target_mix",
                format!("target shares sum to {sum}, more than 1"),
            ));
        }
        Ok(())
    }
}

/// The input of [`ledger`]: one row per booked line. The grouping (unit
/// and period) comes separately, as a [`Grouping`].
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a> {
    /// The category of each line (a name in [`LedgerOptions::categories`]).
    pub categories: &'a [&'a str],
    /// The amount of each line in minor units, `0..=`[`MAX_MINOR`](crate::kpi::MAX_MINOR).
    pub amounts_minor: &'a [i64],
    /// The ISO 4217 currency of each line; `None` = every line is in
    /// [`LedgerOptions::currency`].
    pub currencies: Option<&'a [&'a str]>,
    /// The engineers of the line's unit in its period (repeated on its
    /// lines; `None` on a row = not stated there). Finite, `>= 0`; the
    /// stated values of one group must agree.
    pub engineers: Option<&'a [Option<f64>]>,
}

/// One unit and period of a [`Ledger`] (or the overall totals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerGroup {
    /// The unit ([`GroupKey::All`] without a key column).
    pub key: GroupKey,
    /// Local first day of the period, when grouping by period.
    pub period_start: Option<NaiveDate>,
    /// Lines booked.
    pub lines: u64,
    /// Total revenue in minor units of the ledger's currency.
    pub revenue_minor: i64,
    /// Total cost in minor units.
    pub cost_minor: i64,
    /// Total per category, in the order of [`Ledger::categories`].
    pub by_category: Vec<i64>,
    /// Engineers of the unit in the period, when stated.
    pub engineers: Option<f64>,
}

impl LedgerGroup {
    /// Revenue − cost (negative: a loss).
    pub fn profit_minor(&self) -> i64 {
        // Both totals are in 0..=i64::MAX: the difference fits.
        self.revenue_minor - self.cost_minor
    }

    /// Profit / revenue; `None` without revenue.
    pub fn margin(&self) -> Option<f64> {
        ratio(self.profit_minor() as f64, self.revenue_minor)
    }

    /// Revenue / cost (the input–output ratio); `None` without cost.
    pub fn input_output_ratio(&self) -> Option<f64> {
        ratio(self.revenue_minor as f64, self.cost_minor)
    }

    /// Cost / revenue; `None` without revenue.
    pub fn cost_to_revenue(&self) -> Option<f64> {
        ratio(self.cost_minor as f64, self.revenue_minor)
    }

    /// Revenue per engineer in minor units; `None` without engineers.
    pub fn revenue_per_engineer(&self) -> Option<f64> {
        self.engineers
            .filter(|&e| e > 0.0)
            .map(|e| self.revenue_minor as f64 / e)
    }

    /// Share of revenue of category `i` (a revenue category); `None`
    /// without revenue.
    pub fn share(&self, i: usize) -> Option<f64> {
        ratio(*self.by_category.get(i)? as f64, self.revenue_minor)
    }
}

fn ratio(num: f64, den: i64) -> Option<f64> {
    (den != 0).then(|| num / den as f64)
}

/// The service P&L per unit and period: see [`ledger`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    /// The currency of every total.
    pub currency: Currency,
    /// The categories, in the order of [`LedgerGroup::by_category`].
    pub categories: Vec<LineCategory>,
    /// The target revenue mix.
    pub target_mix: Vec<(String, f64)>,
    /// The period of the groups, if grouped by period.
    pub period: Option<Period>,
    /// The canonical name of the periods' time zone (exactly with a
    /// period): ledgers merge only over the same periods.
    #[serde(default)]
    pub tz: Option<String>,
    /// The groups, sorted by unit then period.
    pub groups: Vec<LedgerGroup>,
    /// Every line together (engineers: the sum over the groups when not
    /// grouped by period and every group states them, else `None`).
    pub overall: LedgerGroup,
}

/// Sums ledger lines per unit and period (the grouping engine's groups):
/// revenue, cost, profit or loss, margin, input–output ratio, cost to
/// revenue, the revenue mix against its targets and revenue per engineer.
/// A ratio with a zero denominator is `None` (no data).
///
/// Lines in another currency than [`LedgerOptions::currency`] are
/// converted line by line with the given exact rates (half to even in the
/// minor unit); a missing rate is an error naming `rates`.
///
/// Errors: [`Error::InvalidArgument`] for bad options or a missing rate;
/// [`Error::LengthMismatch`] for columns of different lengths;
/// [`Error::InvalidValue`] naming `categories` (unknown category),
/// `amounts_minor` (outside `0..=MAX_MINOR`), `currencies` (not ISO 4217)
/// or `engineers` (negative, not finite, or disagreeing within a group)
/// and the row; [`Error::Overflow`] for a total beyond `i64`.
///
/// ```
/// use nps_core::econ::{ledger, LedgerOptions, Lines};
/// use nps_core::group::{Grouping, Keys};
/// // The source's province: three engineers cost 1,500,000 a year,
/// // service revenue is 800,000 (in fen: × 100).
/// let lines = Lines {
///     categories: &["service_delivery", "parts", "paid_service"],
///     amounts_minor: &[150_000_000, 50_000_000, 30_000_000],
///     currencies: None,
///     engineers: Some(&[Some(3.0), None, None]),
/// };
/// let region = ["west"; 3];
/// let g = Grouping { keys: Some(Keys::Str(&region)), ..Default::default() };
/// let l = ledger(&lines, &LedgerOptions::default(), &g)?;
/// let west = &l.groups[0];
/// assert_eq!(west.profit_minor(), -70_000_000); // a loss of 700,000
/// assert_eq!(west.cost_to_revenue(), Some(1.875));
/// assert!((west.input_output_ratio().unwrap() - 8.0 / 15.0).abs() < 1e-15);
/// assert_eq!(west.revenue_per_engineer(), Some(80_000_000.0 / 3.0));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn ledger(lines: &Lines<'_>, opts: &LedgerOptions, g: &Grouping<'_>) -> Result<Ledger> {
    opts.validate()?;
    let periods = Periods::of(g)?;
    let n = lines.categories.len();
    Error::check_len("amounts_minor", lines.amounts_minor.len(), "categories", n)?;
    if let Some(c) = lines.currencies {
        Error::check_len("currencies", c.len(), "categories", n)?;
    }
    if let Some(e) = lines.engineers {
        Error::check_len("engineers", e.len(), "categories", n)?;
    }
    crate::kpi::check_minor("amounts_minor", "an amount", lines.amounts_minor)?;
    let cats = &opts.categories;
    // Category index and converted amount of every row.
    let mut cat_of = Vec::with_capacity(n);
    let mut amount = Vec::with_capacity(n);
    for i in 0..n {
        let name = lines.categories[i];
        let c = cats.iter().position(|c| c.name == name).ok_or_else(|| {
            Error::value(
                "categories",
                i,
                format!(
                    "`{}` is not a ledger category (known: {})",
                    crate::error::quote(name),
                    cats.iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        cat_of.push(c);
        let m = match lines.currencies {
            None => lines.amounts_minor[i],
            Some(cur) => {
                let from = Currency::from_code(cur[i]).map_err(|e| {
                    Error::value(
                        "currencies",
                        i,
                        match e {
                            Error::InvalidArgument { reason, .. } => reason,
                            e => e.to_string(),
                        },
                    )
                })?;
                Money::new(lines.amounts_minor[i], from)
                    .convert(opts.currency, &opts.rates)?
                    .minor
            }
        };
        amount.push(m);
    }
    if let Some(e) = lines.engineers {
        if let Some(i) = e
            .iter()
            .position(|v| v.is_some_and(|v| !(v.is_finite() && v >= 0.0)))
        {
            return Err(Error::value(
                "engineers",
                i,
                format!(
                    "engineers must be finite and >= 0, got {}",
                    e[i].unwrap_or(f64::NAN)
                ),
            ));
        }
    }
    let a = g.assign(n)?;
    let k = cats.len();
    let ng = a.labels.len();
    let mut sums = vec![0i128; ng * k];
    let mut count = vec![0u64; ng];
    let mut eng: Vec<Option<(f64, usize)>> = vec![None; ng];
    for (i, &r) in a.rows.iter().enumerate() {
        let r = r as usize;
        sums[r * k + cat_of[i]] += i128::from(amount[i]);
        count[r] += 1;
        if let Some(v) = lines.engineers.and_then(|e| e[i]) {
            match eng[r] {
                None => eng[r] = Some((v, i)),
                Some((w, j)) if w != v => {
                    return Err(Error::value(
                        "engineers",
                        i,
                        format!(
                            "{v} engineers, but row {j} of the same unit and period states {w}"
                        ),
                    ))
                }
                _ => {}
            }
        }
    }
    let total = |s: &[i128], side: Side| -> Result<i64> {
        let t: i128 = s
            .iter()
            .zip(cats)
            .filter(|(_, c)| c.side == side)
            .map(|(v, _)| *v)
            .sum();
        i64::try_from(t).map_err(|_| Error::Overflow {
            what: "ledger total",
        })
    };
    let group = |key: GroupKey,
                 period_start: Option<NaiveDate>,
                 s: &[i128],
                 lines: u64,
                 engineers: Option<f64>|
     -> Result<LedgerGroup> {
        Ok(LedgerGroup {
            key,
            period_start,
            lines,
            revenue_minor: total(s, Side::Revenue)?,
            cost_minor: total(s, Side::Cost)?,
            by_category: s
                .iter()
                .map(|v| {
                    i64::try_from(*v).map_err(|_| Error::Overflow {
                        what: "ledger total",
                    })
                })
                .collect::<Result<_>>()?,
            engineers,
        })
    };
    let mut groups = Vec::with_capacity(ng);
    let mut all = vec![0i128; k];
    for (r, (key, start)) in a.labels.into_iter().enumerate() {
        let s = &sums[r * k..(r + 1) * k];
        for (t, v) in all.iter_mut().zip(s) {
            *t += v;
        }
        groups.push(group(key, start, s, count[r], eng[r].map(|e| e.0))?);
    }
    let overall_eng = overall_engineers(g.period, &groups);
    let overall = group(GroupKey::All, None, &all, n as u64, overall_eng)?;
    Ok(Ledger {
        currency: opts.currency,
        categories: opts.categories.clone(),
        target_mix: opts.target_mix.clone(),
        period: periods.period,
        tz: periods.tz,
        groups,
        overall,
    })
}

/// The engineers of the whole ledger: the sum over the units when not
/// grouped by period and every unit states them, else unknown.
fn overall_engineers(period: Option<Period>, groups: &[LedgerGroup]) -> Option<f64> {
    if period.is_none() && groups.iter().all(|g| g.engineers.is_some()) {
        Some(groups.iter().filter_map(|g| g.engineers).sum())
    } else {
        None
    }
}

impl LedgerGroup {
    /// The lines of both groups together (same unit and period).
    fn add(&self, other: &LedgerGroup) -> Result<LedgerGroup> {
        let sum = |a: i64, b: i64| {
            a.checked_add(b).ok_or(Error::Overflow {
                what: "ledger total",
            })
        };
        let engineers = match (self.engineers, other.engineers) {
            (Some(a), Some(b)) if a != b => {
                return Err(merge::other(format!(
                    "{a} engineers here and {b} in other for unit {}{}: the stated values of a unit and period must agree",
                    self.key,
                    self.period_start.map(|d| format!(", period {d}")).unwrap_or_default()
                )))
            }
            (a, b) => a.or(b),
        };
        Ok(LedgerGroup {
            key: self.key.clone(),
            period_start: self.period_start,
            lines: self.lines + other.lines,
            revenue_minor: sum(self.revenue_minor, other.revenue_minor)?,
            cost_minor: sum(self.cost_minor, other.cost_minor)?,
            by_category: self
                .by_category
                .iter()
                .zip(&other.by_category)
                .map(|(&a, &b)| sum(a, b))
                .collect::<Result<_>>()?,
            engineers,
        })
    }
}

impl Ledger {
    fn periods(&self) -> Periods {
        Periods {
            period: self.period,
            tz: self.tz.clone(),
        }
    }

    /// The ledger of the lines of `self` followed by those of `later`
    /// (a partial result per file, month or worker, merged exactly): the
    /// totals of a unit and period add up, and units in one part only are
    /// kept. Ledgers merge only when computed the same way: the same
    /// currency, categories, target mix, period and time zone, and key
    /// columns of the same type; engineers stated for one unit and period
    /// in both must agree. Otherwise an [`Error::InvalidArgument`] naming
    /// `other` says which; [`Error::Overflow`] for a total beyond `i64`.
    ///
    /// ```
    /// use nps_core::econ::{ledger, LedgerOptions, Lines};
    /// use nps_core::group::{Grouping, Keys};
    /// let part = |units: &[&str], cats: &[&str], amounts: &[i64]| {
    ///     let lines = Lines { categories: cats, amounts_minor: amounts,
    ///                         currencies: None, engineers: None };
    ///     let g = Grouping { keys: Some(Keys::Str(units)), ..Default::default() };
    ///     ledger(&lines, &LedgerOptions::default(), &g)
    /// };
    /// let a = part(&["west", "east"], &["parts", "parts"], &[500, 300])?;
    /// let b = part(&["west"], &["service_delivery"], &[900])?;
    /// let all = part(&["west", "east", "west"], &["parts", "parts", "service_delivery"],
    ///                &[500, 300, 900])?;
    /// assert_eq!(a.merge(&b)?, all);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &Ledger) -> Result<Ledger> {
        if self.currency != later.currency {
            return Err(merge::other(format!(
                "totals in {} here and {} in other",
                self.currency.code(),
                later.currency.code()
            )));
        }
        if self.categories != later.categories {
            return Err(merge::other(
                "the ledger categories differ (merge ledgers of the same categories)",
            ));
        }
        if self.target_mix != later.target_mix {
            return Err(merge::other("the target revenue mix differs"));
        }
        self.periods().check_merge(&later.periods())?;
        merge::same_shape(
            "key columns",
            merge::uniform_shape("group", self.groups.iter().map(|g| &g.key))?,
            merge::uniform_shape("group", later.groups.iter().map(|g| &g.key))?,
        )?;
        let labelled = |l: &Ledger| -> Vec<(merge::Label, LedgerGroup)> {
            l.groups
                .iter()
                .map(|g| ((g.key.clone(), g.period_start), g.clone()))
                .collect()
        };
        let groups: Vec<LedgerGroup> =
            merge::merge_sorted(&labelled(self), &labelled(later), LedgerGroup::add)?
                .into_iter()
                .map(|(_, g)| g)
                .collect();
        let mut overall = self.overall.add(&LedgerGroup {
            engineers: None,
            ..later.overall.clone()
        })?;
        overall.engineers = overall_engineers(self.period, &groups);
        Ok(Ledger {
            currency: self.currency,
            categories: self.categories.clone(),
            target_mix: self.target_mix.clone(),
            period: self.period,
            tz: self.tz.clone(),
            groups,
            overall,
        })
    }

    /// Checks a loaded ledger (the rules [`ledger`] keeps): options valid,
    /// groups sorted without repeats, keys of one type, period starts that
    /// fit the period, one total per category, revenue and cost the sums of
    /// their categories, amounts `>= 0`, engineers finite and `>= 0`, and
    /// the overall group the sum of the groups.
    fn check_state(&self) -> Result<()> {
        let bad = |r: String| merge::bad_state(r);
        LedgerOptions {
            currency: self.currency,
            rates: Vec::new(),
            categories: self.categories.clone(),
            target_mix: self.target_mix.clone(),
        }
        .validate()
        .map_err(|e| bad(e.to_string()))?;
        let periods = self.periods();
        periods.check()?;
        let labels: Vec<merge::Label> = self
            .groups
            .iter()
            .map(|g| (g.key.clone(), g.period_start))
            .collect();
        merge::check_sorted(&labels)?;
        merge::uniform_shape("group", self.groups.iter().map(|g| &g.key))?;
        let k = self.categories.len();
        let side_total = |g: &LedgerGroup, side: Side| -> i128 {
            g.by_category
                .iter()
                .zip(&self.categories)
                .filter(|(_, c)| c.side == side)
                .map(|(&v, _)| i128::from(v))
                .sum()
        };
        let fits = |i: usize, g: &LedgerGroup| -> Result<()> {
            let ok = g.by_category.len() == k
                && g.by_category.iter().all(|&v| v >= 0)
                && side_total(g, Side::Revenue) == i128::from(g.revenue_minor)
                && side_total(g, Side::Cost) == i128::from(g.cost_minor)
                && g.engineers.is_none_or(|e| e.is_finite() && e >= 0.0);
            if ok {
                Ok(())
            } else {
                Err(bad(format!(
                    "group {i}: one total per category, each >= 0, revenue and cost their sums, engineers finite and >= 0"
                )))
            }
        };
        let mut lines = 0u64;
        let mut all = vec![0i128; k];
        for (i, g) in self.groups.iter().enumerate() {
            periods.check_start(i, g.period_start)?;
            fits(i, g)?;
            lines += g.lines;
            for (t, &v) in all.iter_mut().zip(&g.by_category) {
                *t += i128::from(v);
            }
        }
        let o = &self.overall;
        fits(self.groups.len(), o)?;
        let sums: Vec<i128> = o.by_category.iter().map(|&v| i128::from(v)).collect();
        if o.key != GroupKey::All
            || o.period_start.is_some()
            || o.lines != lines
            || sums != all
            || o.engineers != overall_engineers(self.period, &self.groups)
        {
            return Err(bad("the overall group is the sum of the groups".into()));
        }
        Ok(())
    }
}

impl crate::state::Saved for Ledger {
    const KIND: &'static str = "Ledger";
    fn check(&self) -> Result<()> {
        self.check_state()
    }
}

impl Ledger {
    /// The groups as a [`Table`]: key columns, `period`, then `currency`,
    /// `lines`, `revenue_minor`, `cost_minor`, `profit_minor`, `margin`,
    /// `input_output_ratio`, `cost_to_revenue`, `engineers`,
    /// `revenue_per_engineer_minor`, one `<category>_minor` column per
    /// category, `share_<category>` per revenue category, and
    /// `target_<category>` / `gap_<category>` (share − target) per target
    /// of the mix. No data is null.
    pub fn to_table(&self) -> Table {
        let gs = &self.groups;
        let mut t = Table::from_labels(gs.iter().map(|g| (&g.key, g.period_start)), self.period);
        let f = |h: &dyn Fn(&LedgerGroup) -> Option<f64>| Column::F64(gs.iter().map(h).collect());
        let i =
            |h: &dyn Fn(&LedgerGroup) -> i64| Column::I64(gs.iter().map(|g| Some(h(g))).collect());
        t.push(
            "currency",
            Column::Str(
                gs.iter()
                    .map(|_| Some(self.currency.code().to_owned()))
                    .collect(),
            ),
        );
        t.push(
            "lines",
            Column::U64(gs.iter().map(|g| Some(g.lines)).collect()),
        );
        t.push("revenue_minor", i(&|g| g.revenue_minor));
        t.push("cost_minor", i(&|g| g.cost_minor));
        t.push("profit_minor", i(&|g| g.profit_minor()));
        t.push("margin", f(&|g| g.margin()));
        t.push("input_output_ratio", f(&|g| g.input_output_ratio()));
        t.push("cost_to_revenue", f(&|g| g.cost_to_revenue()));
        t.push("engineers", f(&|g| g.engineers));
        t.push(
            "revenue_per_engineer_minor",
            f(&|g| g.revenue_per_engineer()),
        );
        for (c, cat) in self.categories.iter().enumerate() {
            t.push(&format!("{}_minor", cat.name), i(&|g| g.by_category[c]));
        }
        for (c, cat) in self.categories.iter().enumerate() {
            if cat.side == Side::Revenue {
                t.push(&format!("share_{}", cat.name), f(&|g| g.share(c)));
            }
        }
        for (name, target) in &self.target_mix {
            let c = self
                .categories
                .iter()
                .position(|k| &k.name == name)
                .unwrap_or(0);
            t.push(&format!("target_{name}"), f(&|_| Some(*target)));
            t.push(
                &format!("gap_{name}"),
                f(&|g| g.share(c).map(|s| s - target)),
            );
        }
        t
    }
}
