//! Customer value, recovery value, the ranking of open cases by it, and the
//! high-value customer rule.

use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::policy::Policy;
use crate::programme::RankedCase;

/// Largest amount in minor units a value may reach (2^53: every amount is
/// exact as a double in the bindings).
pub const MAX_MINOR: i64 = 1 << 53;

/// Parameters of [`customer_value`] (policy data).
///
/// | field                  | default |
/// |------------------------|---------|
/// | `margin`               | 1.0 (value counted as revenue, as the source does) |
/// | `years`                | 1.0 (one year's spend) |
/// | `discount_rate`        | 0.0 (no discounting) |
/// | `referral_value_minor` | 0 |
/// | `currency`             | CNY |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValueOptions {
    /// Share of spend kept as margin, in [0, 1].
    pub margin: f64,
    /// Expected remaining years as a customer, finite and ≥ 0 (fractions
    /// allowed).
    pub years: f64,
    /// Yearly discount rate, finite and > −1 (0 = none).
    pub discount_rate: f64,
    /// Value of one referred customer, minor units in 0..=2^53.
    pub referral_value_minor: i64,
    /// Currency of every amount.
    pub currency: Currency,
}

impl Default for ValueOptions {
    fn default() -> ValueOptions {
        ValueOptions {
            margin: 1.0,
            years: 1.0,
            discount_rate: 0.0,
            referral_value_minor: 0,
            // SAFETY of expect: CNY is a constant ISO 4217 code.
            currency: Currency::from_code("CNY").expect("CNY is ISO 4217"),
        }
    }
}

impl ValueOptions {
    /// Checks every parameter ([`Error::InvalidArgument`] naming it).
    pub fn validate(&self) -> Result<()> {
        if !(self.margin.is_finite() && (0.0..=1.0).contains(&self.margin)) {
            return Err(Error::arg(
                "margin",
                format!("a margin is in [0, 1], got {}", self.margin),
            ));
        }
        if !(self.years.is_finite() && self.years >= 0.0) {
            return Err(Error::arg(
                "years",
                format!("years must be finite and >= 0, got {}", self.years),
            ));
        }
        if !(self.discount_rate.is_finite() && self.discount_rate > -1.0) {
            return Err(Error::arg(
                "discount_rate",
                format!(
                    "a discount rate must be finite and > -1, got {}",
                    self.discount_rate
                ),
            ));
        }
        if !(0..=MAX_MINOR).contains(&self.referral_value_minor) {
            return Err(Error::arg(
                "referral_value_minor",
                format!(
                    "must be in 0..=2^53 minor units, got {}",
                    self.referral_value_minor
                ),
            ));
        }
        Ok(())
    }

    /// The present value of 1 a year for `years` years at
    /// `discount_rate`, paid at the end of each year:
    /// `(1 − (1 + r)^−T) / r`, and `T` when r = 0 (fractional T follows
    /// the same formula).
    ///
    /// ```
    /// use nps_core::loyalty::ValueOptions;
    /// let o = ValueOptions { years: 3.0, discount_rate: 0.1, ..Default::default() };
    /// let f = o.annuity_factor()?;
    /// assert!((f - (1.0 / 1.1 + 1.0 / 1.21 + 1.0 / 1.331)).abs() < 1e-12);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn annuity_factor(&self) -> Result<f64> {
        self.validate()?;
        let (t, r) = (self.years, self.discount_rate);
        Ok(if r == 0.0 {
            t
        } else {
            -(-t * r.ln_1p()).exp_m1() / r
        })
    }
}

/// A customer's value: own spend over the remaining years (present value,
/// at margin) plus referrals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CustomerValue {
    /// annual spend × margin × annuity factor, rounded.
    pub own: Money,
    /// referrals × value per referral, rounded.
    pub referral: Money,
    /// own + referral.
    pub total: Money,
    /// The annuity factor used ([`ValueOptions::annuity_factor`]).
    pub annuity_factor: f64,
}

fn round_minor(x: f64, what: &'static str) -> Result<i64> {
    let r = x.round();
    if !(r.is_finite() && r.abs() <= MAX_MINOR as f64) {
        return Err(Error::Overflow { what });
    }
    Ok(r as i64)
}

/// Customer value, and recovery value of a detractor.
///
/// `own = annual_spend × margin × annuity(years, discount_rate)` and
/// `referral = referrals × referral_value`; `total = own + referral`.
/// Each part is computed in double precision and rounded to the nearest
/// minor unit (halves away from zero). With no discounting the own part is
/// spend × margin × years.
///
/// The **recovery value** of a detractor is the same formula with
/// `referrals` = the referrals expected if the customer is recovered: what
/// winning them back is worth.
///
/// The source's cases (seed 003), with the parameters that reproduce them
/// (margin 1 and one year: the source counts revenue, once; a referral is
/// worth 221,000 CNY, ≈ one new car, the value the source's "about
/// 480,000" implies):
///
/// - Mr Wang: 38,000 own spend + 2 referrals → 480,000.
/// - Ms Li: 45,000 own spend + 3 referrals → 708,000; her service spend,
///   3 visits a year × 2,200, is 6,600 a year.
///
/// Errors: [`Error::InvalidArgument`] naming the parameter
/// (`annual_spend_minor` negative or above 2^53, `referrals` negative or
/// not finite, or an option); [`Error::Overflow`] above 2^53 minor units.
///
/// ```
/// use nps_core::loyalty::{customer_value, ValueOptions};
/// let o = ValueOptions { referral_value_minor: 221_000_00, ..Default::default() };
/// let wang = customer_value(38_000_00, 2.0, &o)?;
/// assert_eq!(wang.total.minor, 480_000_00);
/// // 6,600 a year for 5 years at 30 % margin, discounted at 8 %.
/// let o = ValueOptions { margin: 0.3, years: 5.0, discount_rate: 0.08, ..Default::default() };
/// assert_eq!(customer_value(6_600_00, 0.0, &o)?.own.minor, 7_905_57);
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn customer_value(
    annual_spend_minor: i64,
    referrals: f64,
    options: &ValueOptions,
) -> Result<CustomerValue> {
    let f = options.annuity_factor()?;
    if !(0..=MAX_MINOR).contains(&annual_spend_minor) {
        return Err(Error::arg(
            "annual_spend_minor",
            format!("must be in 0..=2^53 minor units, got {annual_spend_minor}"),
        ));
    }
    if !(referrals.is_finite() && referrals >= 0.0) {
        return Err(Error::arg(
            "referrals",
            format!("referrals must be finite and >= 0, got {referrals}"),
        ));
    }
    let own = round_minor(
        annual_spend_minor as f64 * options.margin * f,
        "customer value",
    )?;
    let referral = round_minor(
        referrals * options.referral_value_minor as f64,
        "referral value",
    )?;
    let total = own
        .checked_add(referral)
        .filter(|t| *t <= MAX_MINOR)
        .ok_or(Error::Overflow {
            what: "customer value",
        })?;
    let c = options.currency;
    Ok(CustomerValue {
        own: Money::new(own, c),
        referral: Money::new(referral, c),
        total: Money::new(total, c),
        annuity_factor: f,
    })
}

/// Customer columns of [`customer_values`], one row per customer.
#[derive(Debug, Clone, Copy)]
pub struct CustomerColumns<'a> {
    /// Annual spend in minor units (0..=2^53).
    pub annual_spend_minor: &'a [i64],
    /// Referrals (expected if recovered, for a recovery value); `None` = 0.
    pub referrals: Option<&'a [f64]>,
    /// Expected remaining years per customer; `None` = `options.years`.
    pub years: Option<&'a [f64]>,
}

/// [`customer_value`] of every row; an invalid value is
/// [`Error::InvalidValue`] naming the column and the row.
///
/// ```
/// use nps_core::loyalty::{customer_values, CustomerColumns, ValueOptions};
/// let o = ValueOptions { referral_value_minor: 221_000_00, ..Default::default() };
/// let c = CustomerColumns { annual_spend_minor: &[38_000_00, 45_000_00],
///     referrals: Some(&[2.0, 3.0]), years: None };
/// let v = customer_values(&c, &o)?;
/// assert_eq!((v[0].total.minor, v[1].total.minor), (480_000_00, 708_000_00));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn customer_values(
    cols: &CustomerColumns<'_>,
    options: &ValueOptions,
) -> Result<Vec<CustomerValue>> {
    options.validate()?;
    let n = cols.annual_spend_minor.len();
    if let Some(r) = cols.referrals {
        Error::check_len("referrals", r.len(), "annual_spend_minor", n)?;
    }
    if let Some(y) = cols.years {
        Error::check_len("years", y.len(), "annual_spend_minor", n)?;
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut o = *options;
        if let Some(y) = cols.years {
            o.years = y[i];
        }
        let r = cols.referrals.map_or(0.0, |r| r[i]);
        let v = customer_value(cols.annual_spend_minor[i], r, &o).map_err(|e| match e {
            Error::InvalidArgument { name, reason } => Error::value(name, i, reason),
            other => other,
        })?;
        out.push(v);
    }
    Ok(out)
}

/// Open cases ranked by expected recovered value, the values computed from
/// customer columns ([`customer_values`], one row per case): the same as
/// [`programme::rank_open_cases`](crate::programme::rank_open_cases) given
/// the totals in minor units.
///
/// ```
/// use nps_core::case::{At, Case, Event};
/// use nps_core::loyalty::{rank_open_cases, CustomerColumns, ValueOptions};
/// use nps_core::policy::Policy;
/// let open = |id, at| Case::new(id, Event::Opened { at: At(at), score: 3, reason: "r".into(),
///     high_value: false, public_opinion_risk: false, dealer: None });
/// let now = 100 * 3600;
/// let cases = [open("wang", now - 2 * 3600)?, open("li", now - 30 * 3600)?];
/// let o = ValueOptions { referral_value_minor: 221_000_00, ..Default::default() };
/// let c = CustomerColumns { annual_spend_minor: &[38_000_00, 45_000_00],
///     referrals: Some(&[2.0, 3.0]), years: None };
/// let r = rank_open_cases(&cases, &c, &o, &Policy::default(), now)?;
/// // 0.85 × 480,000 against 0.40 × 708,000.
/// assert_eq!((r[0].case_id.as_str(), r[0].value), ("wang", 480_000_00.0));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn rank_open_cases(
    cases: &[Case],
    customers: &CustomerColumns<'_>,
    options: &ValueOptions,
    policy: &Policy,
    now: i64,
) -> Result<Vec<RankedCase>> {
    Error::check_len(
        "annual_spend_minor",
        customers.annual_spend_minor.len(),
        "cases",
        cases.len(),
    )?;
    let values: Vec<f64> = customer_values(customers, options)?
        .iter()
        .map(|v| v.total.minor as f64)
        .collect();
    crate::programme::rank_open_cases(cases, &values, policy, now)
}

/// Amounts in minor units read from a floating-point column (a DataFrame's
/// numbers): NaN is not known (`None`); anything else must be a whole
/// number of minor units below 2^53, else [`Error::InvalidValue`] naming
/// `name` and the row.
///
/// ```
/// use nps_core::loyalty::minor_amounts;
/// assert_eq!(minor_amounts(&[660_000.0, f64::NAN], "annual_spend_minor")?, [Some(660_000), None]);
/// assert!(minor_amounts(&[1.5], "annual_spend_minor").is_err());
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn minor_amounts(values: &[f64], name: &str) -> Result<Vec<Option<i64>>> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.is_nan() {
                Ok(None)
            } else if v.fract() == 0.0 && v.abs() < 9.0e15 {
                Ok(Some(v as i64))
            } else {
                Err(Error::InvalidValue {
                    name: name.into(),
                    index: i,
                    reason: format!("must be an integer amount or missing, got {v}"),
                })
            }
        })
        .collect()
}

impl Policy {
    /// The policy's high-value rule ([`Policy::high_value`]) for every
    /// customer: the `high_value` column of
    /// [`Policy::triage_many`](crate::policy::Policy::triage_many) when it
    /// is not given explicitly (see [`HighValueRule::evaluate`]).
    ///
    /// ```
    /// use nps_core::policy::Policy;
    /// let p = Policy::default();
    /// let hv = p.high_value_customers(Some(&[5_200.0, 100.0]), None)?;
    /// let t = p.triage_many(&[6, 6], &[1_749_819_600; 2], &hv, &[])?;
    /// assert_eq!(t.get(0).unwrap().tier.map(|t| t.name()), Some("A")); // high value: tier A
    /// assert_eq!(t.get(1).unwrap().tier.map(|t| t.name()), Some("B"));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn high_value_customers(
        &self,
        annual_kwh: Option<&[f64]>,
        annual_spend_minor: Option<&[Option<i64>]>,
    ) -> Result<Vec<bool>> {
        self.high_value.evaluate(annual_kwh, annual_spend_minor)
    }
}

/// The high-value customer rule (policy data, the `high_value` section of
/// a [`Policy`]): a customer is high value
/// when any stated condition holds. A condition set to `None` is off; an
/// attribute not known for a customer does not make them high value.
///
/// Defaults from the source: annual charging above 5,000 kWh (seed 001,
/// "年充电量超5000度"), and annual service spend of at least 6,600 CNY —
/// the source's example customer with three visits a year at 2,200 each
/// (seed 003) is on the boundary and counts.
///
/// ```
/// use nps_core::loyalty::HighValueRule;
/// let r = HighValueRule::default();
/// assert!(r.is_high_value(Some(5_200.0), None)?);
/// assert!(r.is_high_value(None, Some(3 * 2_200_00))?); // Ms Li
/// assert!(!r.is_high_value(Some(5_000.0), Some(4_400_00))?);
/// let again = HighValueRule::from_json(&r.to_json())?;
/// assert_eq!(again, r);
/// # Ok::<(), nps_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HighValueRule {
    /// High value above this many kWh charged a year (strictly above).
    pub annual_kwh_above: Option<f64>,
    /// High value at or above this annual service spend.
    pub annual_spend_at_least: Option<Money>,
}

impl Default for HighValueRule {
    fn default() -> HighValueRule {
        HighValueRule {
            annual_kwh_above: Some(5_000.0),
            annual_spend_at_least: Some(Money::new(
                660_000, // 6,600.00 CNY
                // SAFETY of expect: CNY is a constant ISO 4217 code.
                Currency::from_code("CNY").expect("CNY is ISO 4217"),
            )),
        }
    }
}

impl HighValueRule {
    /// Checks the thresholds ([`Error::InvalidArgument`] naming them).
    pub fn validate(&self) -> Result<()> {
        if let Some(k) = self.annual_kwh_above {
            if !(k.is_finite() && k >= 0.0) {
                return Err(Error::arg(
                    "annual_kwh_above",
                    format!("must be finite and >= 0, got {k}"),
                ));
            }
        }
        if let Some(m) = self.annual_spend_at_least {
            if !(0..=MAX_MINOR).contains(&m.minor) {
                return Err(Error::arg(
                    "annual_spend_at_least",
                    format!("must be in 0..=2^53 minor units, got {}", m.minor),
                ));
            }
        }
        Ok(())
    }

    /// Loads a rule from JSON (`{"annual_kwh_above": 5000, "annual_spend_at_least":
    /// {"minor": 660000, "currency": "CNY"}}`; a missing field takes its
    /// default, `null` turns it off), validated.
    pub fn from_json(json: &str) -> Result<HighValueRule> {
        let r: HighValueRule = serde_json::from_str(json)
            .map_err(|e| Error::arg("rule", format!("not a high-value rule: {e}")))?;
        r.validate()?;
        Ok(r)
    }

    /// The rule as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether one customer is high value, from their annual kWh and annual
    /// service spend in minor units of the rule's currency (`None` = not
    /// known).
    pub fn is_high_value(
        &self,
        annual_kwh: Option<f64>,
        annual_spend_minor: Option<i64>,
    ) -> Result<bool> {
        self.validate()?;
        Ok(self.holds(annual_kwh, annual_spend_minor))
    }

    fn holds(&self, kwh: Option<f64>, spend: Option<i64>) -> bool {
        let by_kwh = matches!((self.annual_kwh_above, kwh), (Some(t), Some(k)) if k > t);
        let by_spend =
            matches!((self.annual_spend_at_least, spend), (Some(t), Some(s)) if s >= t.minor);
        by_kwh || by_spend
    }

    /// The rule for every row: the `high_value` column of
    /// [`Policy::triage_many`](crate::policy::Policy::triage_many) when it
    /// is not given. `annual_kwh` NaN and `annual_spend_minor` `None` are
    /// "not known"; a negative value is [`Error::InvalidValue`] with its
    /// column and row.
    ///
    /// ```
    /// use nps_core::loyalty::HighValueRule;
    /// let hv = HighValueRule::default().evaluate(Some(&[6_000.0, f64::NAN]), None)?;
    /// assert_eq!(hv, [true, false]);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn evaluate(
        &self,
        annual_kwh: Option<&[f64]>,
        annual_spend_minor: Option<&[Option<i64>]>,
    ) -> Result<Vec<bool>> {
        self.validate()?;
        let n = match (annual_kwh, annual_spend_minor) {
            (Some(k), Some(s)) => {
                Error::check_len("annual_spend_minor", s.len(), "annual_kwh", k.len())?;
                k.len()
            }
            (Some(k), None) => k.len(),
            (None, Some(s)) => s.len(),
            (None, None) => 0,
        };
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let k = annual_kwh.map(|k| k[i]).filter(|k| !k.is_nan());
            if let Some(k) = k {
                if !(k.is_finite() && k >= 0.0) {
                    return Err(Error::value(
                        "annual_kwh",
                        i,
                        format!("must be finite and >= 0, got {k}"),
                    ));
                }
            }
            let s = annual_spend_minor.and_then(|s| s[i]);
            if let Some(s) = s {
                if s < 0 {
                    return Err(Error::value(
                        "annual_spend_minor",
                        i,
                        format!("must be >= 0, got {s}"),
                    ));
                }
            }
            out.push(self.holds(k, s));
        }
        Ok(out)
    }
}
