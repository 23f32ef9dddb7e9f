//! Service economics (`nps_core::econ`): the service ledger, the lifecycle
//! service cost and the strategic value matrix. Results are `NpsTable`s
//! (read with `nps_table_*`, released with `nps_table_free`).

use std::ffi::c_char;
use std::sync::OnceLock;

use nps_core::econ::{
    self, Axis, CostEvents, Fleet, LedgerOptions, LifecycleOptions, Lines, MatrixOptions,
    MeasureColumn, MeasureSpec, Quadrant, QuadrantText,
};

use crate::ffi::text::static_c_str;
use crate::ffi::{self, CEnum, FfiError, Handle, NpsStatus};
use crate::kpi::table::{grouping, NpsKpiGrouping};
use crate::money::currency_of;
use crate::policy::approval::rates_of;
use crate::table::NpsTable;

/// A quadrant of the strategic value matrix. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsQuadrant {
    /// High customer value, high business value (增长引擎).
    GrowthEngine = 0,
    /// High customer value, low business value (价值孤岛).
    ValueIsland = 1,
    /// Low customer value, low business value (成本废墟).
    CostRuin = 2,
    /// Low customer value, high business value (利润榨取机).
    ProfitExtractor = 3,
}

c_enum!(NpsQuadrant {
    GrowthEngine,
    ValueIsland,
    CostRuin,
    ProfitExtractor
});

fn quadrant_to_c(q: Quadrant) -> NpsQuadrant {
    match q {
        Quadrant::GrowthEngine => NpsQuadrant::GrowthEngine,
        Quadrant::ValueIsland => NpsQuadrant::ValueIsland,
        Quadrant::CostRuin => NpsQuadrant::CostRuin,
        Quadrant::ProfitExtractor => NpsQuadrant::ProfitExtractor,
    }
}

fn quadrant_of(q: NpsQuadrant) -> Quadrant {
    match q {
        NpsQuadrant::GrowthEngine => Quadrant::GrowthEngine,
        NpsQuadrant::ValueIsland => Quadrant::ValueIsland,
        NpsQuadrant::CostRuin => Quadrant::CostRuin,
        NpsQuadrant::ProfitExtractor => Quadrant::ProfitExtractor,
    }
}

/// Which text of a quadrant `nps_econ_quadrant_text` returns. Passed as
/// `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsQuadrantText {
    /// The quadrant's name in the source (增长引擎, ...).
    LabelZh = 0,
    /// The challenge, in English.
    Challenge = 1,
    /// The action, in English.
    Action = 2,
    /// The challenge in the source's words.
    ChallengeZh = 3,
    /// The action in the source's words.
    ActionZh = 4,
}

c_enum!(NpsQuadrantText {
    LabelZh,
    Challenge,
    Action,
    ChallengeZh,
    ActionZh
});

/// An axis of the matrix. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsAxis {
    /// Customer value.
    Customer = 0,
    /// Business value.
    Business = 1,
}

c_enum!(NpsAxis { Customer, Business });

/// Options of the strategic value matrix: nps-core's
/// `econ::MatrixOptions` (the quadrants' texts are the defaults). Start
/// from `nps_matrix_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsMatrixOptions {
    /// Customer value at or above which it is high (in [0, 1]).
    pub customer_threshold: f64,
    /// Business value at or above which it is high (in [0, 1]).
    pub business_threshold: f64,
}

impl NpsMatrixOptions {
    fn default_value() -> NpsMatrixOptions {
        let d = MatrixOptions::default();
        NpsMatrixOptions {
            customer_threshold: d.customer_threshold,
            business_threshold: d.business_threshold,
        }
    }
}

/// The default matrix options (thresholds 0.5), converted from nps-core's
/// `econ::MatrixOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_matrix_options_default() -> NpsMatrixOptions {
    ffi_value!(NpsMatrixOptions::default_value(), {
        NpsMatrixOptions::default_value()
    })
}

/// # Safety
/// `options` NULL or readable.
unsafe fn matrix_options(options: *const NpsMatrixOptions) -> Result<MatrixOptions, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let o = unsafe { ffi::opt_reference(options, "options") }?
        .copied()
        .unwrap_or_else(NpsMatrixOptions::default_value);
    Ok(MatrixOptions {
        customer_threshold: o.customer_threshold,
        business_threshold: o.business_threshold,
        ..Default::default()
    })
}

/// The quadrant (an `NpsQuadrant`, written to `*out`) of a point with
/// customer value `customer_value` and business value `business_value`
/// (each in [0, 1]); a point exactly on a threshold counts as high.
/// `options` NULL = `nps_matrix_options_default()`. A value outside [0, 1]
/// or NaN is `NPS_STATUS_INVALID_ARGUMENT` naming it.
///
/// # Safety
///
/// `options` NULL or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_econ_quadrant(
    customer_value: f64,
    business_value: f64,
    options: *const NpsMatrixOptions,
    out: *mut u32,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let opts = unsafe { matrix_options(options) }?;
        let q = econ::quadrant(customer_value, business_value, &opts)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(quadrant_to_c(q).to_u32()) };
        Ok(())
    })
}

/// The name of a quadrant (`"growth_engine"`, `"value_island"`,
/// `"cost_ruin"`, `"profit_extractor"`), static; NULL for a value that is
/// not an `NpsQuadrant`.
#[no_mangle]
pub extern "C" fn nps_econ_quadrant_name(quadrant: u32) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        match NpsQuadrant::from_u32(quadrant) {
            Some(q) => static_c_str(quadrant_of(q).name()),
            None => std::ptr::null(),
        }
    })
}

fn texts() -> &'static [QuadrantText] {
    static T: OnceLock<Vec<QuadrantText>> = OnceLock::new();
    T.get_or_init(econ::default_texts)
}

/// A text of a quadrant from the source article (nps-core's
/// `econ::default_texts()`): `which` is an `NpsQuadrantText`. Static UTF-8;
/// NULL when `quadrant` or `which` is not a valid constant.
#[no_mangle]
pub extern "C" fn nps_econ_quadrant_text(quadrant: u32, which: u32) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        let (Some(q), Some(w)) = (
            NpsQuadrant::from_u32(quadrant),
            NpsQuadrantText::from_u32(which),
        ) else {
            return std::ptr::null();
        };
        let q = quadrant_of(q);
        let Some(t) = texts().iter().find(|t| t.quadrant == q) else {
            return std::ptr::null();
        };
        let s: &'static str = match w {
            NpsQuadrantText::LabelZh => &t.label_zh,
            NpsQuadrantText::Challenge => &t.challenge,
            NpsQuadrantText::Action => &t.action,
            NpsQuadrantText::ChallengeZh => &t.challenge_zh,
            NpsQuadrantText::ActionZh => &t.action_zh,
        };
        static_c_str(s)
    })
}

/// One measure of `nps_econ_quadrants`: how it enters its axis
/// (nps-core's `econ::MeasureSpec`) and its values. Fill the spec of a
/// known measure with `nps_econ_known_measure`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsMeasure {
    /// The measure's name (NUL-terminated; also its table column).
    pub name: *const c_char,
    /// `NpsAxis`.
    pub axis: u32,
    /// Weight within the axis (finite, > 0).
    pub weight: f64,
    /// Raw value that normalizes to 0.
    pub low: f64,
    /// Raw value that normalizes to 1 (`low > high`: lower is better).
    pub high: f64,
    /// One value per row; NaN = not stated on that row.
    pub values: *const f64,
}

/// Fills `out` with the spec of a known measure (`"nps"`, `"retention"`,
/// `"first_visit_resolution"`, `"first_time_fix_rate"`, `"csat"`,
/// `"margin"`, `"input_output_ratio"`, `"cost_to_revenue"`: nps-core's
/// `econ::known_measures()`); `out->values` is set to NULL and `out->name`
/// to a static copy of the name. An unknown name is
/// `NPS_STATUS_INVALID_ARGUMENT` naming `name`.
///
/// # Safety
///
/// `name` a NUL-terminated string; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_econ_known_measure(
    name: *const c_char,
    out: *mut NpsMeasure,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let name = unsafe { ffi::text(name, "name", None) }?;
        let all: &'static [MeasureSpec] = {
            static M: OnceLock<Vec<MeasureSpec>> = OnceLock::new();
            M.get_or_init(econ::known_measures)
        };
        let m = all
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| FfiError::arg("name", format!("`{name}` is not a known measure")))?;
        let axis = match m.axis {
            Axis::Customer => NpsAxis::Customer,
            Axis::Business => NpsAxis::Business,
        };
        // SAFETY: checked by ffi::out.
        unsafe {
            out.write(NpsMeasure {
                name: static_c_str(&m.name),
                axis: axis.to_u32(),
                weight: m.weight,
                low: m.low,
                high: m.high,
                values: std::ptr::null(),
            })
        };
        Ok(())
    })
}

/// The strategic value matrix per unit and period: `n_measures` measures
/// over `len` rows grouped by `grouping` (NULL = one group). Writes a new
/// `NpsTable` to `*out`: key columns, `period`, each measure's value (f64,
/// named after it), `customer_value`, `business_value` (f64), `quadrant`,
/// `previous_quadrant` (text: the quadrant's name) and `moved` (bool); a
/// unit missing a measure has null axis values and no quadrant.
///
/// # Safety
///
/// `measures` readable for `n_measures` entries, each with a
/// NUL-terminated `name` and `values` NULL (with `len == 0`) or readable
/// for `len` values; `grouping` NULL or readable, its columns readable for
/// `len` values; `options` NULL or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_econ_quadrants(
    measures: *const NpsMeasure,
    n_measures: usize,
    len: usize,
    grouping: *const NpsKpiGrouping,
    options: *const NpsMatrixOptions,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (ms, g, opts) = unsafe {
            (
                ffi::slice(measures, n_measures, "measures")?,
                self::grouping(grouping, len)?,
                matrix_options(options)?,
            )
        };
        let mut specs = Vec::with_capacity(ms.len());
        let mut values = Vec::with_capacity(ms.len());
        for (i, m) in ms.iter().enumerate() {
            // SAFETY: caller guarantees.
            let (name, v) = unsafe {
                (
                    ffi::text(m.name, "measures.name", Some(i))?,
                    ffi::slice(m.values, len, "measures.values")?,
                )
            };
            let axis = match NpsAxis::parse(m.axis, "measures.axis")? {
                NpsAxis::Customer => Axis::Customer,
                NpsAxis::Business => Axis::Business,
            };
            specs.push(MeasureSpec {
                name: name.to_owned(),
                axis,
                weight: m.weight,
                low: m.low,
                high: m.high,
            });
            values.push(
                v.iter()
                    .map(|x| (!x.is_nan()).then_some(*x))
                    .collect::<Vec<_>>(),
            );
        }
        let cols: Vec<MeasureColumn<'_>> = specs
            .iter()
            .zip(&values)
            .map(|(spec, values)| MeasureColumn { spec, values })
            .collect();
        let t = g.with(|g| econ::quadrants(&cols, &opts, g))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsTable::write_new(out, t.to_table()) };
        Ok(())
    })
}

/// A currency as a NUL-terminated ISO 4217 code.
fn currency_code(c: nps_core::money::Currency) -> [c_char; 4] {
    let mut code = [0 as c_char; 4];
    for (dst, src) in code.iter_mut().zip(c.code().bytes()) {
        *dst = src as c_char;
    }
    code
}

/// Options of `nps_econ_ledger`: nps-core's `econ::LedgerOptions` (by
/// default the categories are revenue `parts`, `extended_warranty`,
/// `paid_service`, `value_added_services`, `external`; cost
/// `quality_failure`, `service_delivery`, `parts_sunk`, `churn_credit`).
/// Start from `nps_ledger_options_default()`; it is only read during the
/// call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsLedgerOptions {
    /// The reporting currency, NUL-terminated ISO 4217 code (default CNY).
    pub currency: [c_char; 4],
    /// Exact rates for lines in other currencies (NULL with `n_rates == 0`:
    /// none).
    pub rates: *const crate::policy::NpsRate,
    /// Number of rates.
    pub n_rates: usize,
    /// Revenue categories with a target share of revenue (NULL with
    /// `n_targets == 0`: none).
    pub target_names: *const *const c_char,
    /// Their target shares, each in [0, 1], summing to at most 1.
    pub target_shares: *const f64,
    /// Number of targets.
    pub n_targets: usize,
    /// Categories replacing the defaults (policy data; NULL with
    /// `n_categories == 0`: the defaults): their names, NUL-terminated.
    /// To extend the defaults, list them too.
    pub category_names: *const *const c_char,
    /// The side of each category: `"revenue"` or `"cost"`.
    pub category_sides: *const *const c_char,
    /// Number of categories (0 = the defaults).
    pub n_categories: usize,
}

impl NpsLedgerOptions {
    fn default_value() -> NpsLedgerOptions {
        let d = LedgerOptions::default();
        NpsLedgerOptions {
            currency: currency_code(d.currency),
            rates: std::ptr::null(),
            n_rates: 0,
            target_names: std::ptr::null(),
            target_shares: std::ptr::null(),
            n_targets: 0,
            category_names: std::ptr::null(),
            category_sides: std::ptr::null(),
            n_categories: 0,
        }
    }
}

/// The default ledger options (CNY, no rates, no target mix), converted
/// from nps-core's `econ::LedgerOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_ledger_options_default() -> NpsLedgerOptions {
    ffi_value!(NpsLedgerOptions::default_value(), {
        NpsLedgerOptions::default_value()
    })
}

/// The service ledger (P&L) per unit and period: `len` lines with their
/// `categories` (names), `amounts_minor` (0..=2^53 minor units),
/// `currencies` (NULL = every line in `options->currency`) and `engineers`
/// (the unit's engineers in the period, NULL or NaN on a row = not
/// stated), grouped by `grouping` (NULL = one group); `options` NULL =
/// `nps_ledger_options_default()`. Writes a new `NpsTable` to `*out`: key
/// columns, `period`, `currency` (text), `lines` (u64), `revenue_minor`,
/// `cost_minor`, `profit_minor` (i64), `margin`, `input_output_ratio`,
/// `cost_to_revenue`, `engineers`, `revenue_per_engineer_minor` (f64,
/// null = no data), `<category>_minor` (i64) per category,
/// `share_<category>` (f64) per revenue category, and `target_<name>` /
/// `gap_<name>` per target. An unknown category, an amount out of range,
/// a bad currency or disagreeing engineers are
/// `NPS_STATUS_INVALID_VALUE` with the row (`nps_last_error_index`); a
/// missing rate is `NPS_STATUS_INVALID_ARGUMENT` naming `rates`.
///
/// # Safety
///
/// `categories` readable for `len` NUL-terminated strings; `amounts_minor`
/// readable for `len` values; `currencies` NULL or readable for `len`
/// strings; `engineers` NULL or readable for `len` values; `grouping` NULL
/// or readable, its columns readable for `len` values; `options` NULL or
/// readable with valid arrays; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_econ_ledger(
    categories: *const *const c_char,
    amounts_minor: *const i64,
    currencies: *const *const c_char,
    engineers: *const f64,
    len: usize,
    grouping: *const NpsKpiGrouping,
    options: *const NpsLedgerOptions,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (cats, amounts, cur, eng, g, o) = unsafe {
            (
                ffi::str_column(categories, len, "categories")?,
                ffi::slice(amounts_minor, len, "amounts_minor")?,
                ffi::opt_str_column(currencies, len, "currencies")?,
                ffi::opt_slice(engineers, len, "engineers")?,
                self::grouping(grouping, len)?,
                ffi::opt_reference(options, "options")?
                    .copied()
                    .unwrap_or_else(NpsLedgerOptions::default_value),
            )
        };
        // SAFETY: caller guarantees (the options' arrays).
        let (rates, names, shares, cat_names, cat_sides) = unsafe {
            (
                rates_of(o.rates, o.n_rates)?,
                ffi::str_column(o.target_names, o.n_targets, "target_names")?,
                ffi::slice(o.target_shares, o.n_targets, "target_shares")?,
                ffi::str_column(o.category_names, o.n_categories, "category_names")?,
                ffi::str_column(o.category_sides, o.n_categories, "category_sides")?,
            )
        };
        let d = LedgerOptions::default();
        let opts = LedgerOptions {
            categories: if o.n_categories == 0 {
                d.categories
            } else {
                cat_names
                    .iter()
                    .zip(&cat_sides)
                    .map(|(n, s)| econ::LineCategory::new(n, s))
                    .collect::<nps_core::Result<_>>()?
            },
            currency: currency_of(&o.currency, "currency")?,
            rates,
            target_mix: names
                .iter()
                .zip(shares)
                .map(|(n, s)| ((*n).to_owned(), *s))
                .collect(),
        };
        let eng: Option<Vec<Option<f64>>> =
            eng.map(|e| e.iter().map(|x| (!x.is_nan()).then_some(*x)).collect());
        let lines = Lines {
            categories: &cats,
            amounts_minor: amounts,
            currencies: cur.as_deref(),
            engineers: eng.as_deref(),
        };
        let l = g.with(|g| econ::ledger(&lines, &opts, g))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsTable::write_new(out, l.to_table()) };
        Ok(())
    })
}

/// Options of `nps_econ_lifecycle_cost`: nps-core's
/// `econ::LifecycleOptions`. Start from `nps_lifecycle_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsLifecycleOptions {
    /// Whether `as_of` is set; false = the latest sale or event.
    pub has_as_of: bool,
    /// The instant the data run to (Unix seconds).
    pub as_of: i64,
    /// Confidence of the band (default 0.95).
    pub confidence: f64,
    /// IANA time zone of the calendar months (NUL-terminated), NULL = UTC.
    pub tz: *const c_char,
    /// Horizons in months of the summary (NULL with `n_horizons == 0`:
    /// the default 36 and 60).
    pub horizons_months: *const u32,
    /// Number of horizons.
    pub n_horizons: usize,
    /// The currency of the result and of the manufacturing costs,
    /// NUL-terminated ISO 4217 code (default CNY).
    pub currency: [c_char; 4],
    /// Exact rates for events in other currencies (NULL with
    /// `n_rates == 0`: none).
    pub rates: *const crate::policy::NpsRate,
    /// Number of rates.
    pub n_rates: usize,
}

impl NpsLifecycleOptions {
    fn default_value() -> NpsLifecycleOptions {
        let d = LifecycleOptions::default();
        NpsLifecycleOptions {
            has_as_of: false,
            as_of: 0,
            confidence: d.confidence,
            tz: std::ptr::null(),
            horizons_months: std::ptr::null(),
            n_horizons: 0,
            currency: currency_code(d.currency),
            rates: std::ptr::null(),
            n_rates: 0,
        }
    }
}

/// The default lifecycle options (as of the latest data, 95 %, UTC,
/// horizons 36 and 60 months), from nps-core's
/// `econ::LifecycleOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_lifecycle_options_default() -> NpsLifecycleOptions {
    ffi_value!(NpsLifecycleOptions::default_value(), {
        NpsLifecycleOptions::default_value()
    })
}

/// The lifecycle service cost per product line: Nelson's mean cumulative
/// function of the service cost per unit by age in completed months, with
/// censoring (a unit sold 14 months ago contributes to ages 0–14 only).
/// The fleet: `n_units` `units` (distinct ids), `product_lines`, `sold`
/// (Unix seconds) and `manufacturing_cost_minor` (NULL = unknown; with
/// `has_manufacturing_cost` NULL = every cost known, else 0/1 per unit);
/// the events: `n_events` `event_units`, `event_at`,
/// `event_amounts_minor` and `event_currencies` (ISO 4217 codes; NULL =
/// every event in `options->currency`; others are converted with
/// `options->rates`, a missing rate is `NPS_STATUS_INVALID_ARGUMENT`
/// naming `rates`). `options` NULL = `nps_lifecycle_options_default()`.
/// Writes to `*curves` a new `NpsTable`: `product_line`, `age_months`,
/// `at_risk`, `events` (u64), `cost_minor` (i64), `mean_cumulative_minor`,
/// `se`, `low`, `high` (f64), one row per product line and age where the
/// curve changes (ages with events), at age 0, the month before each
/// horizon reached and the oldest age (a step function: between two rows
/// it holds the earlier); and, when `summary` is not NULL, to `*summary`
/// one row per product line: `product_line`, `currency`, `units`,
/// `max_age_months`,
/// `manufacturing_cost_minor`, then per horizon h `cost_<h>m_minor`,
/// `low_<h>m`, `high_<h>m`, `share_of_manufacturing_<h>m` (null where the
/// data do not reach). An event of an unknown unit or before its sale is
/// `NPS_STATUS_INVALID_VALUE` with the row.
///
/// # Safety
///
/// String arrays readable for their length of NUL-terminated strings;
/// numeric arrays NULL (with a zero length; the optional ones always) or
/// readable for their length; `options` NULL or readable; `curves`
/// writable; `summary` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_econ_lifecycle_cost(
    units: *const *const c_char,
    product_lines: *const *const c_char,
    sold: *const i64,
    manufacturing_cost_minor: *const i64,
    has_manufacturing_cost: *const u8,
    n_units: usize,
    event_units: *const *const c_char,
    event_at: *const i64,
    event_amounts_minor: *const i64,
    event_currencies: *const *const c_char,
    n_events: usize,
    options: *const NpsLifecycleOptions,
    curves: *mut *mut NpsTable,
    summary: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let curves = ffi::out(curves, "curves")?;
        let summary = ffi::opt_out(summary, "summary")?;
        // SAFETY: caller guarantees.
        let (u, p, s, mc, has, eu, at, am, cur, o) = unsafe {
            (
                ffi::str_column(units, n_units, "units")?,
                ffi::str_column(product_lines, n_units, "product_lines")?,
                ffi::slice(sold, n_units, "sold")?,
                ffi::opt_slice(
                    manufacturing_cost_minor,
                    n_units,
                    "manufacturing_cost_minor",
                )?,
                ffi::opt_slice(has_manufacturing_cost, n_units, "has_manufacturing_cost")?,
                ffi::str_column(event_units, n_events, "event_units")?,
                ffi::slice(event_at, n_events, "event_at")?,
                ffi::slice(event_amounts_minor, n_events, "event_amounts_minor")?,
                ffi::opt_str_column(event_currencies, n_events, "event_currencies")?,
                ffi::opt_reference(options, "options")?
                    .copied()
                    .unwrap_or_else(NpsLifecycleOptions::default_value),
            )
        };
        // SAFETY: caller guarantees (the options' fields).
        let (tz, horizons, rates) = unsafe {
            (
                ffi::opt_text(o.tz, "tz")?,
                ffi::slice(o.horizons_months, o.n_horizons, "horizons_months")?,
                rates_of(o.rates, o.n_rates)?,
            )
        };
        let mc = mc
            .map(|m| crate::kpi::optional(m, has, "has_manufacturing_cost"))
            .transpose()?;
        let d = LifecycleOptions::default();
        let opts = LifecycleOptions {
            as_of: o.has_as_of.then_some(o.as_of),
            horizons_months: if horizons.is_empty() {
                d.horizons_months
            } else {
                horizons.to_vec()
            },
            confidence: o.confidence,
            tz: tz.map(str::to_owned),
            currency: currency_of(&o.currency, "currency")?,
            rates,
        };
        let fleet = Fleet {
            units: &u,
            product_lines: &p,
            sold: s,
            manufacturing_cost_minor: mc.as_deref(),
        };
        let events = CostEvents {
            units: &eu,
            at,
            amounts_minor: am,
            currencies: cur.as_deref(),
        };
        let l = econ::lifecycle_cost(&fleet, &events, &opts)?;
        if let Some(summary) = summary {
            // SAFETY: checked by ffi::opt_out.
            unsafe { NpsTable::write_new(summary, l.summary_table()) };
        }
        // SAFETY: checked by ffi::out.
        unsafe { NpsTable::write_new(curves, l.to_table()) };
        Ok(())
    })
}
