//! Compensation approval: who must approve a package, on the authority
//! ladder and against the tier and cumulative caps.

use serde::{Deserialize, Serialize};

use super::{Policy, Role, Tier};
use crate::error::{Error, Result};
use crate::money::{Money, Rate};

/// The layer of a compensation item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Fix it, free, fast.
    ProblemRepair,
    /// Time, money, inconvenience: refunds, free services, vouchers.
    LossCompensation,
    /// Apology visit, gifts, personal contact.
    EmotionalRepair,
}

impl Layer {
    /// Parses `problem_repair`, `loss_compensation` or `emotional_repair`.
    pub fn from_name(s: &str) -> Result<Layer> {
        match s {
            "problem_repair" => Ok(Layer::ProblemRepair),
            "loss_compensation" => Ok(Layer::LossCompensation),
            "emotional_repair" => Ok(Layer::EmotionalRepair),
            other => Err(Error::arg("layer", format!("unknown layer `{other}` (expected problem_repair, loss_compensation or emotional_repair)"))),
        }
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Layer::ProblemRepair => "problem_repair",
            Layer::LossCompensation => "loss_compensation",
            Layer::EmotionalRepair => "emotional_repair",
        }
    }
}

/// One item of a compensation package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Item {
    /// Its value.
    pub value: Money,
    /// Its layer.
    pub layer: Layer,
}

/// What was already granted, for the cumulative caps (all optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Granted {
    /// Earlier packages on this case.
    pub case: Option<Money>,
    /// Granted to this customer within the per-customer period.
    pub customer: Option<Money>,
    /// Granted for this vehicle within the per-vehicle period.
    pub vehicle: Option<Money>,
}

/// A cumulative-cap check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapCheck {
    /// `tier`, `case`, `customer` or `vehicle`.
    pub scope: String,
    /// The cap.
    pub cap: Money,
    /// Total including this package.
    pub total: Money,
    /// Whether the total stays within the cap.
    pub within: bool,
}

/// The answer to "who must approve this package".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The lowest sufficient role, or `None`: denied (no rule matches).
    pub approver: Option<Role>,
    /// Escalation path from the lowest role up to the approver (the whole
    /// ladder when denied).
    pub path: Vec<Role>,
    /// Package total in the policy currency.
    pub total: Money,
    /// Totals per layer (problem repair, loss compensation, emotional repair).
    pub by_layer: [Money; 3],
    /// Whether the case total stays within the tier's cap.
    pub within_cap: bool,
    /// Every cap checked.
    pub caps: Vec<CapCheck>,
    /// Why this approver (or the denial), in words.
    pub reason: String,
}

impl Policy {
    /// Who must approve a package for a case of `tier` (`None` for a case
    /// without tier). Items in other currencies need `rates`; conflicting
    /// rates for one pair are an error ([`Rate::check_all`]), never
    /// resolved by their order.
    ///
    /// ```
    /// use nps_core::money::{Currency, Money};
    /// use nps_core::policy::{Granted, Item, Layer, Policy, Tier};
    /// let p = Policy::default();
    /// let cny = Currency::from_code("CNY")?;
    /// let item = |yuan: i64, layer| Item { value: Money::new(yuan * 100, cny), layer };
    /// // SPEC §4.3's worked shape, Mr Wang's package of seed 003: the free
    /// // 1800 service is problem repair, washes 300, the warranty voucher
    /// // 2000 and the 500 voucher loss compensation: 4600 within the S cap.
    /// let a = p.required_approver(&[
    ///     item(1800, Layer::ProblemRepair), item(300, Layer::LossCompensation),
    ///     item(2000, Layer::LossCompensation), item(500, Layer::LossCompensation),
    /// ], Some(Tier::S), &[], &Granted::default())?;
    /// assert_eq!(a.approver.as_deref(), Some("service_manager"));
    /// assert!(a.within_cap);
    /// assert_eq!(a.path, ["service_advisor", "service_manager"]);
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn required_approver(
        &self,
        items: &[Item],
        tier: Option<Tier>,
        rates: &[Rate],
        granted: &Granted,
    ) -> Result<Approval> {
        Rate::check_all(rates)?;
        let cur = self.currency;
        let zero = Money::new(0, cur);
        let mut total = zero;
        let mut by_layer = [zero; 3];
        for (i, it) in items.iter().enumerate() {
            if it.value.minor < 0 {
                return Err(Error::arg(
                    "items",
                    format!("item [{i}] has a negative value ({})", it.value),
                ));
            }
            let v = it.value.convert(cur, rates).map_err(|e| match e {
                // A package in one currency other than the policy's is not
                // "mixed": say which currency meets which.
                Error::InvalidArgument { reason, .. } => Error::arg(
                    "items",
                    format!(
                        "item [{i}] is in {} but the policy currency is {cur}: {reason}",
                        it.value.currency
                    ),
                ),
                other => other,
            })?;
            total = total.checked_add(v)?;
            let k = it.layer as usize;
            by_layer[k] = by_layer[k].checked_add(v)?;
        }
        for (name, g) in [
            ("case", granted.case),
            ("customer", granted.customer),
            ("vehicle", granted.vehicle),
        ] {
            if g.is_some_and(|m| m.minor < 0) {
                return Err(Error::arg(
                    "granted",
                    format!("the amount already granted per {name} cannot be negative"),
                ));
            }
        }
        let conv = |m: Option<Money>| m.map(|m| m.convert(cur, rates)).transpose();
        let case_total = match conv(granted.case)? {
            Some(g) => g.checked_add(total)?,
            None => total,
        };
        let within = |amount: Money, cap: Money| {
            if self.authority.equal_escalates {
                amount.minor < cap.minor
            } else {
                amount.minor <= cap.minor
            }
        };
        let mut caps = Vec::new();
        let tier_cap = tier
            .and_then(|t| self.tiers.iter().find(|r| r.tier == t))
            .map(|r| r.compensation_cap);
        let within_cap = match tier_cap {
            Some(cap) => {
                let ok = within(case_total, cap);
                caps.push(CapCheck {
                    scope: "tier".into(),
                    cap,
                    total: case_total,
                    within: ok,
                });
                ok
            }
            None => true,
        };
        let cum = &self.authority.cumulative;
        let mut breaks_cumulative = Vec::new();
        if let Some(cap) = cum.per_case {
            let ok = within(case_total, cap);
            caps.push(CapCheck {
                scope: "case".into(),
                cap,
                total: case_total,
                within: ok,
            });
            if !ok {
                breaks_cumulative.push("case");
            }
        }
        for (scope, cap, before) in [
            ("customer", &cum.per_customer, granted.customer),
            ("vehicle", &cum.per_vehicle, granted.vehicle),
        ] {
            if let Some(cap) = cap {
                let t = match conv(before)? {
                    Some(b) => b.checked_add(total)?,
                    None => total,
                };
                let ok = within(t, cap.amount);
                caps.push(CapCheck {
                    scope: scope.into(),
                    cap: cap.amount,
                    total: t,
                    within: ok,
                });
                if !ok {
                    breaks_cumulative.push(scope);
                }
            }
        }
        // Lowest role whose limit covers the case total.
        let ladder = &self.authority.ladder;
        let mut idx = ladder
            .iter()
            .position(|r| r.limit_for(tier).is_none_or(|l| within(case_total, l)));
        let mut reason = match idx {
            Some(i) => format!(
                "{case_total} on the case is within the limit of `{}`{}",
                ladder[i].role,
                ladder[i]
                    .limit_for(tier)
                    .map_or(" (unlimited)".to_string(), |l| format!(" ({l})"))
            ),
            None => format!("{case_total} exceeds every limit on the ladder: denied"),
        };
        if !breaks_cumulative.is_empty() {
            let esc = ladder.iter().position(|r| r.role == cum.escalate_to);
            if let (Some(i), Some(e)) = (idx, esc) {
                if e > i {
                    idx = Some(e);
                    reason = format!(
                        "breaks the cumulative {} cap: escalates to `{}`",
                        breaks_cumulative.join(" and "),
                        ladder[e].role
                    );
                }
            }
        }
        let (approver, path) = match idx {
            Some(i) => (
                Some(ladder[i].role.clone()),
                ladder[..=i].iter().map(|r| r.role.clone()).collect(),
            ),
            None => (None, ladder.iter().map(|r| r.role.clone()).collect()),
        };
        Ok(Approval {
            approver,
            path,
            total,
            by_layer,
            within_cap,
            caps,
            reason,
        })
    }
}

/// An approval saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for Approval {
    const KIND: &'static str = "Approval";
}

/// A cap check saves as its fields (a result: nothing to re-check).
impl crate::state::Saved for CapCheck {
    const KIND: &'static str = "CapCheck";
}

#[cfg(test)]
#[allow(clippy::inconsistent_digit_grouping)] // money as yuan_fen
mod tests {
    use super::*;
    use crate::money::Currency;

    /// Issue 10 (9, 12): conflicting duplicate rates are an error, not
    /// resolved by order; a one-currency USD package on a CNY policy is not
    /// "mixed currencies"; an acknowledgement before submission is not
    /// "met".
    #[test]
    fn conflicting_rates_and_early_progress_are_errors() {
        let p = Policy::default();
        let usd = Currency::from_code("USD").unwrap();
        let item = Item {
            value: Money::new(10_000, usd),
            layer: Layer::LossCompensation,
        };
        let r = |a, b, x| Rate::parse(a, b, x).unwrap();
        let g = Granted::default();
        let e = p
            .required_approver(&[item], None, &[], &g)
            .unwrap_err()
            .to_string();
        assert!(!e.contains("mixed"), "{e}");
        assert!(
            e.contains("item [0] is in USD but the policy currency is CNY"),
            "{e}"
        );
        for rates in [
            [r("USD", "CNY", "7.1"), r("USD", "CNY", "7.2")],
            [r("USD", "CNY", "8"), r("CNY", "USD", "0.12")],
        ] {
            let e = p.required_approver(&[item], None, &rates, &g).unwrap_err();
            assert_eq!(e.argument(), Some("rates"), "{e}");
            let mut swapped = rates;
            swapped.reverse();
            assert!(p.required_approver(&[item], None, &swapped, &g).is_err());
        }
        let agree = [
            r("USD", "CNY", "8"),
            r("CNY", "USD", "0.125"),
            r("USD", "CNY", "8.00"),
        ];
        let a = p.required_approver(&[item], None, &agree, &g).unwrap();
        assert_eq!(a.total, Money::new(80_000, p.currency));
        assert!(p
            .required_approver(&[item], None, &[r("USD", "USD", "2")], &g)
            .is_err());

        let t = p.triage(&crate::policy::Response::new(2, 1000)).unwrap();
        let on_time = crate::policy::Progress {
            acknowledged_at: Some(1000),
            contacted_at: None,
        };
        for progress in [
            crate::policy::Progress {
                acknowledged_at: Some(999),
                contacted_at: None,
            },
            crate::policy::Progress {
                acknowledged_at: Some(i64::MIN),
                contacted_at: Some(0),
            },
        ] {
            let e = progress.validate(1000).unwrap_err();
            assert_eq!(e.argument(), Some("progress"), "{e}");
            // case_status applies the same rule: never "met", an error.
            let e = p.case_status(&t, &progress, 5000, "c").unwrap_err();
            assert_eq!(e.argument(), Some("progress"), "{e}");
        }
        on_time.validate(1000).unwrap();
        let met = p.case_status(&t, &on_time, 5000, "c").unwrap();
        assert_eq!(met.deadlines[0].state, crate::policy::DeadlineState::Met);
    }

    #[test]
    fn approval_limits_inclusive_and_equal_escalates() {
        let mut p = Policy::default();
        let cny = Currency::from_code("CNY").unwrap();
        let pkg = |yuan_minor: i64| {
            [Item {
                value: Money::new(yuan_minor, cny),
                layer: Layer::LossCompensation,
            }]
        };
        let a = p
            .required_approver(&pkg(500_00), Some(Tier::B), &[], &Granted::default())
            .unwrap();
        assert_eq!(a.approver.as_deref(), Some("service_advisor"));
        assert!(a.within_cap);
        let a = p
            .required_approver(&pkg(500_01), Some(Tier::B), &[], &Granted::default())
            .unwrap();
        assert_eq!(a.approver.as_deref(), Some("service_manager"));
        assert!(!a.within_cap);
        p.authority.equal_escalates = true;
        let a = p
            .required_approver(&pkg(500_00), Some(Tier::B), &[], &Granted::default())
            .unwrap();
        assert_eq!(a.approver.as_deref(), Some("service_manager"));
        // No rule: a ladder without an unlimited top denies.
        p.authority.ladder.pop();
        let a = p
            .required_approver(&pkg(9_000_00), Some(Tier::S), &[], &Granted::default())
            .unwrap();
        assert_eq!(a.approver, None);
    }
}
