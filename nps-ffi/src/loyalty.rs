//! Customer value and loyalty (`nps_core::loyalty`): outcomes by score
//! band (an `NpsTable`), customer and recovery value, the ranking of open
//! cases by value computed from customer columns, and the high-value
//! customer rule.

use std::ffi::c_char;

use nps_core::loyalty::{
    self, Band, CustomerColumns, CustomerValue, HighValueRule, OutcomeColumns, OutcomeOptions,
    ValueOptions,
};

use crate::case::NpsCase;
use crate::ffi::{self, FfiError, Handle, NpsStatus};
use crate::kpi::table::{grouping, NpsKpiGrouping};
use crate::money::{currency_of, NpsMoney};
use crate::policy::{policy_or_default, NpsPolicy};
use crate::programme::{cases_of, write_ranked, NpsRankedCase};
use crate::table::NpsTable;

/// A score band: the scores `low..=high` under `name` (NUL-terminated).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsBand {
    /// The band's name (non-empty, unique).
    pub name: *const c_char,
    /// Lowest score.
    pub low: i64,
    /// Highest score (inclusive).
    pub high: i64,
}

/// Options of `nps_loyalty_outcome_by_score` (nps-core's
/// `loyalty::OutcomeOptions`). Start from `nps_outcome_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsOutcomeOptions {
    /// The bands (NULL with `n_bands` 0 = the categories detractor 0–6,
    /// passive 7–8, promoter 9–10); together they cover 0..=10 exactly.
    pub bands: *const NpsBand,
    /// Number of bands.
    pub n_bands: usize,
    /// Name of the reference band (NUL-terminated); NULL = the band
    /// holding score 0.
    pub reference: *const c_char,
    /// Whether `as_of` is set (needed with `observed_until`).
    pub has_as_of: bool,
    /// The instant the outcomes were read (Unix seconds): a window ending
    /// after it is censored.
    pub as_of: i64,
    /// Confidence of the intervals (default 0.95).
    pub confidence: f64,
}

impl NpsOutcomeOptions {
    fn default_value() -> NpsOutcomeOptions {
        let d = OutcomeOptions::default();
        NpsOutcomeOptions {
            bands: std::ptr::null(),
            n_bands: 0,
            reference: std::ptr::null(),
            has_as_of: d.as_of.is_some(),
            as_of: d.as_of.unwrap_or(0),
            confidence: d.confidence,
        }
    }

    /// # Safety
    /// `bands` NULL or readable for `n_bands` bands with valid names;
    /// `reference` NULL or NUL-terminated.
    unsafe fn to_core(self) -> Result<OutcomeOptions, FfiError> {
        // SAFETY: forwarded caller guarantee.
        let bands = unsafe { ffi::slice(self.bands, self.n_bands, "bands") }?;
        let bands = if self.n_bands == 0 {
            None
        } else {
            Some(
                bands
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        // SAFETY: forwarded caller guarantee.
                        let name = unsafe { ffi::text(b.name, "bands", Some(i)) }?;
                        Ok(Band::new(name, b.low, b.high))
                    })
                    .collect::<Result<Vec<_>, FfiError>>()?,
            )
        };
        Ok(OutcomeOptions {
            bands,
            // SAFETY: forwarded caller guarantee.
            reference: unsafe { ffi::opt_text(self.reference, "reference") }?.map(str::to_owned),
            as_of: self.has_as_of.then_some(self.as_of),
            confidence: self.confidence,
        })
    }
}

/// The default outcome options (the categories, detractors as reference,
/// nothing censored, 0.95), from nps-core's `OutcomeOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_outcome_options_default() -> NpsOutcomeOptions {
    ffi_value!(NpsOutcomeOptions::default_value(), {
        NpsOutcomeOptions::default_value()
    })
}

/// The rate of a later outcome (repurchase, referral) per score band, with
/// its Wilson interval, the lift over the reference band (Koopman's score
/// interval) and the pooled score test, per group of `grouping` (NULL = one
/// group). `scores` are whole numbers 0..=10; `observed_until` (NULL =
/// every window has ended) with `options->as_of`: a respondent whose window
/// ends after `as_of` is censored (left out and counted). `options` NULL =
/// `nps_outcome_options_default()`. Writes a new `NpsTable` to `*out`: key
/// columns, `period`, `band` (text), `n`, `outcomes`, `censored` (u64),
/// `rate`, `low`, `high`, `lift`, `lift_low`, `lift_high`, `p_value` (f64,
/// null = no data). A bad score is `NPS_STATUS_INVALID_SCORE` with its row
/// (`nps_last_error_index`); bad bands, an unknown reference, or
/// `observed_until` without `as_of` are `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `scores` and `outcomes` readable for `len` values; `observed_until` NULL
/// or readable for `len` values; `grouping` NULL or readable with columns
/// readable for `len` values; `options` NULL or readable with valid arrays;
/// `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_loyalty_outcome_by_score(
    scores: *const f64,
    outcomes: *const bool,
    observed_until: *const i64,
    len: usize,
    grouping: *const NpsKpiGrouping,
    options: *const NpsOutcomeOptions,
    out: *mut *mut NpsTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (s, o, u, g, opts) = unsafe {
            (
                ffi::slice(scores, len, "scores")?,
                ffi::slice(outcomes, len, "outcomes")?,
                ffi::opt_slice(observed_until, len, "observed_until")?,
                self::grouping(grouping, len)?,
                match ffi::opt_reference(options, "options")? {
                    Some(o) => o.to_core()?,
                    None => OutcomeOptions::default(),
                },
            )
        };
        let cols = OutcomeColumns {
            scores: s,
            outcomes: o,
            observed_until: u,
        };
        let t = g.with(|g| loyalty::outcome_by_score(&cols, &opts, g))?;
        let table = t.to_table()?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsTable::write_new(out, table) };
        Ok(())
    })
}

/// Parameters of the customer value (nps-core's `loyalty::ValueOptions`).
/// Start from `nps_value_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsValueOptions {
    /// Share of spend kept as margin, in [0, 1] (default 1).
    pub margin: f64,
    /// Expected remaining years, finite and >= 0 (default 1).
    pub years: f64,
    /// Yearly discount rate, finite and > -1 (default 0).
    pub discount_rate: f64,
    /// Value of one referred customer in minor units (default 0).
    pub referral_value_minor: i64,
    /// ISO 4217 code of every amount, NUL-terminated (default CNY).
    pub currency: [c_char; 4],
}

impl NpsValueOptions {
    fn of(o: ValueOptions) -> NpsValueOptions {
        NpsValueOptions {
            margin: o.margin,
            years: o.years,
            discount_rate: o.discount_rate,
            referral_value_minor: o.referral_value_minor,
            currency: NpsMoney::from_core(nps_core::money::Money::new(0, o.currency)).currency,
        }
    }

    fn to_core(self) -> Result<ValueOptions, FfiError> {
        Ok(ValueOptions {
            margin: self.margin,
            years: self.years,
            discount_rate: self.discount_rate,
            referral_value_minor: self.referral_value_minor,
            currency: currency_of(&self.currency, "currency")?,
        })
    }
}

/// The default value parameters (margin 1, one year, no discounting, no
/// referral value, CNY), from nps-core's `ValueOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_value_options_default() -> NpsValueOptions {
    ffi_value!(NpsValueOptions::of(ValueOptions::default()), {
        NpsValueOptions::of(ValueOptions::default())
    })
}

/// A customer's value (nps-core's `loyalty::CustomerValue`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsCustomerValue {
    /// annual spend × margin × annuity factor, rounded.
    pub own: NpsMoney,
    /// referrals × value per referral, rounded.
    pub referral: NpsMoney,
    /// own + referral.
    pub total: NpsMoney,
    /// The annuity factor (1 − (1 + r)^−years) / r, or years when r = 0.
    pub annuity_factor: f64,
}

fn value_to_c(v: &CustomerValue) -> NpsCustomerValue {
    NpsCustomerValue {
        own: NpsMoney::from_core(v.own),
        referral: NpsMoney::from_core(v.referral),
        total: NpsMoney::from_core(v.total),
        annuity_factor: v.annuity_factor,
    }
}

/// Customer value, or the recovery value of a detractor with `referrals`
/// = the referrals expected if recovered: annual spend × margin ×
/// annuity(years, discount rate) + referrals × referral value, each part
/// rounded to the minor unit (halves away from zero). `options` NULL =
/// `nps_value_options_default()`. A parameter out of its domain is
/// `NPS_STATUS_INVALID_ARGUMENT` naming it; above 2^53 minor units is
/// `NPS_STATUS_OVERFLOW`.
///
/// # Safety
///
/// `options` NULL or readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_loyalty_customer_value(
    annual_spend_minor: i64,
    referrals: f64,
    options: *const NpsValueOptions,
    out: *mut NpsCustomerValue,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let o = unsafe { ffi::options_or_default(options, NpsValueOptions::to_core) }?;
        let v = loyalty::customer_value(annual_spend_minor, referrals, &o)?;
        // SAFETY: checked; the caller guarantees it is writable.
        unsafe { out.write(value_to_c(&v)) };
        Ok(())
    })
}

/// `nps_loyalty_customer_value` of `len` customers: `referrals` and
/// `years` NULL = 0 referrals and `options->years` for everyone. Writes
/// `len` values to `out`. A bad value is `NPS_STATUS_INVALID_VALUE` with
/// its row.
///
/// # Safety
///
/// `annual_spend_minor` readable for `len` values, `referrals` and `years`
/// NULL or readable for `len` values, `options` NULL or readable, `out`
/// writable for `len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_loyalty_customer_values(
    annual_spend_minor: *const i64,
    referrals: *const f64,
    years: *const f64,
    len: usize,
    options: *const NpsValueOptions,
    out: *mut NpsCustomerValue,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let (cols, o) = unsafe { customers(annual_spend_minor, referrals, years, len, options) }?;
        let vs = loyalty::customer_values(&cols, &o)?;
        // SAFETY: caller guarantees `out` is writable for `len` values.
        let dst = unsafe { ffi::dst_slice(out, vs.len(), "out") }?;
        for (d, v) in dst.iter_mut().zip(&vs) {
            d.write(value_to_c(v));
        }
        Ok(())
    })
}

/// # Safety
/// As `nps_loyalty_customer_values`.
unsafe fn customers<'a>(
    spend: *const i64,
    referrals: *const f64,
    years: *const f64,
    len: usize,
    options: *const NpsValueOptions,
) -> Result<(CustomerColumns<'a>, ValueOptions), FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        Ok((
            CustomerColumns {
                annual_spend_minor: ffi::slice(spend, len, "annual_spend_minor")?,
                referrals: ffi::opt_slice(referrals, len, "referrals")?,
                years: ffi::opt_slice(years, len, "years")?,
            },
            ffi::options_or_default(options, NpsValueOptions::to_core)?,
        ))
    }
}

/// `nps_rank_open_cases` with each case's value computed from customer
/// columns (one row per case, as `nps_loyalty_customer_values`): the
/// ranked cases' `expected` is the success probability × the total value
/// in minor units. Writes up to `out_len` rows to `out` and the number of
/// open cases to `*count` (may be NULL); `out_len` below it is
/// `NPS_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
///
/// `policy` NULL or a live handle; `cases` readable for `n` live handles;
/// the columns as `nps_loyalty_customer_values` with `len` = `n`;
/// `options` NULL or readable; `out` NULL or writable for `out_len` rows;
/// `count` NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_loyalty_rank_open_cases(
    policy: *const NpsPolicy,
    cases: *const *const NpsCase,
    n: usize,
    annual_spend_minor: *const i64,
    referrals: *const f64,
    years: *const f64,
    options: *const NpsValueOptions,
    now: i64,
    out: *mut NpsRankedCase,
    out_len: usize,
    count: *mut usize,
) -> NpsStatus {
    ffi_status!({
        let count = ffi::opt_out(count, "count")?;
        // SAFETY: caller guarantees.
        let (p, cs, (cols, o)) = unsafe {
            (
                policy_or_default(policy)?,
                cases_of(cases, n)?,
                customers(annual_spend_minor, referrals, years, n, options)?,
            )
        };
        let ranked = loyalty::rank_open_cases(&cs, &cols, &o, &p, now)?;
        // SAFETY: caller guarantees (out writable for out_len rows).
        unsafe { write_ranked(&ranked, out, out_len, count) }
    })
}

/// The high-value customer rule (nps-core's `loyalty::HighValueRule`):
/// high value when any enabled condition holds. Start from
/// `nps_high_value_rule_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsHighValueRule {
    /// Whether the kWh condition is on (default true).
    pub has_annual_kwh_above: bool,
    /// High value above this many kWh charged a year (default 5000).
    pub annual_kwh_above: f64,
    /// Whether the spend condition is on (default true).
    pub has_annual_spend_at_least: bool,
    /// High value at or above this annual service spend (default 6,600.00
    /// CNY: three visits a year at 2,200).
    pub annual_spend_at_least: NpsMoney,
}

impl NpsHighValueRule {
    fn of(r: HighValueRule) -> NpsHighValueRule {
        let zero = nps_core::money::Money::new(0, ValueOptions::default().currency);
        NpsHighValueRule {
            has_annual_kwh_above: r.annual_kwh_above.is_some(),
            annual_kwh_above: r.annual_kwh_above.unwrap_or(0.0),
            has_annual_spend_at_least: r.annual_spend_at_least.is_some(),
            annual_spend_at_least: NpsMoney::from_core(r.annual_spend_at_least.unwrap_or(zero)),
        }
    }

    fn to_core(self) -> Result<HighValueRule, FfiError> {
        Ok(HighValueRule {
            annual_kwh_above: self.has_annual_kwh_above.then_some(self.annual_kwh_above),
            annual_spend_at_least: if self.has_annual_spend_at_least {
                Some(
                    self.annual_spend_at_least
                        .to_core("annual_spend_at_least")?,
                )
            } else {
                None
            },
        })
    }
}

/// The default high-value rule (above 5,000 kWh a year, or at least
/// 6,600.00 CNY of service a year), from nps-core's
/// `HighValueRule::default()`.
#[no_mangle]
pub extern "C" fn nps_high_value_rule_default() -> NpsHighValueRule {
    ffi_value!(NpsHighValueRule::of(HighValueRule::default()), {
        NpsHighValueRule::of(HighValueRule::default())
    })
}

/// The high-value rule for `len` customers (the `high_value` column of
/// `nps_policy_triage_many` when it is not known otherwise): `annual_kwh`
/// NULL = not known for anyone, NaN on a row = not known;
/// `annual_spend_minor` NULL = not known, `spend_known` NULL = every
/// spend stated, false on a row = not known. `rule` NULL =
/// `nps_high_value_rule_default()`. Writes `len` flags to `out`. A
/// negative value is `NPS_STATUS_INVALID_VALUE` with its row.
///
/// # Safety
///
/// The columns NULL or readable for `len` values; `rule` NULL or
/// readable; `out` writable for `len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_loyalty_high_value(
    annual_kwh: *const f64,
    annual_spend_minor: *const i64,
    spend_known: *const bool,
    len: usize,
    rule: *const NpsHighValueRule,
    out: *mut bool,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let r = match unsafe { ffi::opt_reference(rule, "rule") }? {
            Some(r) => r.to_core()?,
            None => HighValueRule::default(),
        };
        // SAFETY: forwarded caller guarantees.
        unsafe { high_value_into(&r, annual_kwh, annual_spend_minor, spend_known, len, out) }
    })
}

/// `nps_loyalty_high_value` with the rule of `policy` (its `high_value`
/// section; NULL = the default policy).
///
/// # Safety
///
/// `policy` NULL or a live handle; the rest as `nps_loyalty_high_value`.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_high_value_customers(
    policy: *const NpsPolicy,
    annual_kwh: *const f64,
    annual_spend_minor: *const i64,
    spend_known: *const bool,
    len: usize,
    out: *mut bool,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let p = unsafe { policy_or_default(policy) }?;
        // SAFETY: forwarded caller guarantees.
        unsafe {
            high_value_into(
                &p.high_value,
                annual_kwh,
                annual_spend_minor,
                spend_known,
                len,
                out,
            )
        }
    })
}

/// # Safety
/// As `nps_loyalty_high_value`.
unsafe fn high_value_into(
    r: &HighValueRule,
    annual_kwh: *const f64,
    annual_spend_minor: *const i64,
    spend_known: *const bool,
    len: usize,
    out: *mut bool,
) -> Result<(), FfiError> {
    // SAFETY: forwarded caller guarantee.
    let (kwh, spend, known) = unsafe {
        (
            ffi::opt_slice(annual_kwh, len, "annual_kwh")?,
            ffi::opt_slice(annual_spend_minor, len, "annual_spend_minor")?,
            ffi::opt_slice(spend_known, len, "spend_known")?,
        )
    };
    let spend: Option<Vec<Option<i64>>> = spend.map(|s| {
        s.iter()
            .enumerate()
            .map(|(i, &v)| known.is_none_or(|k| k[i]).then_some(v))
            .collect()
    });
    let flags = match (kwh, spend.as_deref()) {
        (None, None) => {
            r.validate()?;
            vec![false; len]
        }
        (k, s) => r.evaluate(k, s)?,
    };
    // SAFETY: caller guarantees `out` is writable for `len` values.
    let dst = unsafe { ffi::dst_slice(out, len, "out") }?;
    for (d, f) in dst.iter_mut().zip(flags) {
        d.write(f);
    }
    Ok(())
}
