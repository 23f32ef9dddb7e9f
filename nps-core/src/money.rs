//! Money as integer minor units of an ISO 4217 currency — never floating
//! point — and exchange rates as exact decimals.
//!
//! ```
//! use nps_core::money::{Currency, Money, Rate};
//! let cny = Currency::from_code("CNY")?;
//! let m = Money::new(1_800_00, cny); // 1800.00 CNY
//! assert_eq!(m.to_string(), "1800.00 CNY");
//! let usd = Money::new(100_00, Currency::from_code("USD")?);
//! let rate = Rate::parse("USD", "CNY", "7.1234")?;
//! assert_eq!(usd.convert(cny, &[rate])?.minor, 712_34);
//! # Ok::<(), nps_core::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// An ISO 4217 currency with a minor unit (CNY, USD, JPY, KWD, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Looks up an ISO 4217 code; unknown codes and units without a minor
    /// unit (XAU, XDR, ...) are [`Error::InvalidArgument`].
    pub fn from_code(code: &str) -> Result<Currency> {
        let c = iso_currency::Currency::from_code(code).ok_or_else(|| {
            Error::arg(
                "currency",
                format!(
                    "`{}` is not an ISO 4217 currency code",
                    crate::error::quote(code)
                ),
            )
        })?;
        if c.exponent().is_none() {
            return Err(Error::arg(
                "currency",
                format!("`{code}` has no minor unit (not a money currency)"),
            ));
        }
        Ok(Currency(c))
    }

    /// The three-letter code.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits of the minor unit (2 for CNY, 0 for JPY, 3 for KWD).
    pub fn exponent(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }
}

impl schemars::JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "description": "ISO 4217 currency code with a minor unit (CNY, USD, EUR, JPY, ...)"
        })
    }
}

impl TryFrom<String> for Currency {
    type Error = Error;
    fn try_from(s: String) -> Result<Currency> {
        Currency::from_code(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount of money: integer minor units plus a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Money {
    /// Amount in minor units (fen for CNY, cents for USD).
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// `minor` minor units of `currency`.
    pub const fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Adds two amounts of the same currency; a currency mismatch or an
    /// overflow is an error.
    pub fn checked_add(self, other: Money) -> Result<Money> {
        if self.currency != other.currency {
            return Err(Error::arg(
                "currency",
                format!(
                    "cannot add {} to {} without an exchange rate",
                    other.currency, self.currency
                ),
            ));
        }
        let minor = self.minor.checked_add(other.minor).ok_or(Error::Overflow {
            what: "money total",
        })?;
        Ok(Money::new(minor, self.currency))
    }

    /// Converts to `to` with one of `rates` (either direction), rounding
    /// half to even in the target's minor unit. Same currency: unchanged.
    pub fn convert(self, to: Currency, rates: &[Rate]) -> Result<Money> {
        if self.currency == to {
            return Ok(self);
        }
        let (num, den) = rates
            .iter()
            .find_map(|r| {
                if r.from == self.currency && r.to == to {
                    Some((r.mantissa as i128, 10i128.pow(r.scale)))
                } else if r.from == to && r.to == self.currency {
                    Some((10i128.pow(r.scale), r.mantissa as i128))
                } else {
                    None
                }
            })
            .ok_or_else(|| {
                Error::arg(
                    "rates",
                    format!(
                        "no exchange rate from {} to {} was given",
                        self.currency, to
                    ),
                )
            })?;
        // minor_to = minor_from · rate · 10^(e_to − e_from)
        let (ef, et) = (self.currency.exponent() as i32, to.exponent() as i32);
        let (mut n, mut d) = (self.minor as i128 * num, den);
        if et >= ef {
            n *= 10i128.pow((et - ef) as u32);
        } else {
            d *= 10i128.pow((ef - et) as u32);
        }
        let minor = i64::try_from(div_round_half_even(n, d)).map_err(|_| Error::Overflow {
            what: "converted money",
        })?;
        Ok(Money::new(minor, to))
    }
}

fn div_round_half_even(n: i128, d: i128) -> i128 {
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if e == 0 {
            write!(f, "{sign}{abs} {}", self.currency)
        } else {
            let p = 10u64.pow(e);
            write!(
                f,
                "{sign}{}.{:0w$} {}",
                abs / p,
                abs % p,
                self.currency,
                w = e as usize
            )
        }
    }
}

/// An exchange rate `1 from = rate to`, kept as an exact decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RateSpec", into = "RateSpec")]
pub struct Rate {
    /// Source currency.
    pub from: Currency,
    /// Target currency.
    pub to: Currency,
    mantissa: i64,
    scale: u32,
}

#[derive(Serialize, Deserialize)]
struct RateSpec {
    from: String,
    to: String,
    rate: String,
}

impl TryFrom<RateSpec> for Rate {
    type Error = Error;
    fn try_from(s: RateSpec) -> Result<Rate> {
        Rate::parse(&s.from, &s.to, &s.rate)
    }
}

impl From<Rate> for RateSpec {
    fn from(r: Rate) -> RateSpec {
        RateSpec {
            from: r.from.code().to_owned(),
            to: r.to.code().to_owned(),
            rate: r.decimal(),
        }
    }
}

impl Rate {
    /// Parses a positive decimal rate such as `"7.1234"` (at most 12
    /// decimals, no exponent notation).
    pub fn parse(from: &str, to: &str, rate: &str) -> Result<Rate> {
        let from = Currency::from_code(from)?;
        let to = Currency::from_code(to)?;
        let bad = || {
            Error::arg(
                "rate",
                format!(
                    "`{}` is not a positive decimal exchange rate",
                    crate::error::quote(rate)
                ),
            )
        };
        let (int, frac) = rate.split_once('.').unwrap_or((rate, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
            || frac.len() > 12
        {
            return Err(bad());
        }
        let mantissa: i64 = format!("{int}{frac}").parse().map_err(|_| bad())?;
        if mantissa == 0 {
            return Err(bad());
        }
        Ok(Rate {
            from,
            to,
            mantissa,
            scale: frac.len() as u32,
        })
    }

    /// Whether `self` and `other` say the same thing about the same pair:
    /// equal values in the same direction (7.1 and 7.10), or exact
    /// reciprocals in opposite directions (8 and 0.125).
    fn agrees(&self, other: &Rate) -> bool {
        let (m1, m2) = (i128::from(self.mantissa), i128::from(other.mantissa));
        let (s1, s2) = (self.scale, other.scale);
        if (self.from, self.to) == (other.from, other.to) {
            m1 * 10i128.pow(s2) == m2 * 10i128.pow(s1)
        } else {
            m1.checked_mul(m2) == Some(10i128.pow(s1 + s2))
        }
    }

    /// Checks a list of rates: for each pair of currencies (either
    /// direction) every rate agrees with the first (equal values, or exact
    /// reciprocals), and a rate from a currency to itself is 1. Otherwise
    /// [`Error::InvalidArgument`] naming `rates` with both positions:
    /// conflicting rates would otherwise resolve by their order.
    ///
    /// ```
    /// use nps_core::money::Rate;
    /// let r = |a, b, x| Rate::parse(a, b, x).unwrap();
    /// assert!(Rate::check_all(&[r("USD", "CNY", "8"), r("CNY", "USD", "0.125")]).is_ok());
    /// let e = Rate::check_all(&[r("USD", "CNY", "7.1"), r("USD", "CNY", "7.2")]).unwrap_err();
    /// assert_eq!(e.argument(), Some("rates"));
    /// ```
    pub fn check_all(rates: &[Rate]) -> Result<()> {
        for (j, b) in rates.iter().enumerate() {
            if b.from == b.to && b.mantissa != 10i64.pow(b.scale) {
                return Err(Error::arg(
                    "rates",
                    format!(
                        "rates[{j}] converts {} to itself at {}, not 1",
                        b.from,
                        b.decimal()
                    ),
                ));
            }
            let same_pair =
                |a: &Rate| (a.from, a.to) == (b.from, b.to) || (a.from, a.to) == (b.to, b.from);
            if let Some(i) = rates[..j].iter().position(|a| same_pair(a) && !a.agrees(b)) {
                let a = &rates[i];
                return Err(Error::arg(
                    "rates",
                    format!(
                        "conflicting exchange rates: rates[{i}] {} -> {} = {} and rates[{j}] {} -> {} = {}",
                        a.from,
                        a.to,
                        a.decimal(),
                        b.from,
                        b.to,
                        b.decimal()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The rate as decimal text.
    pub fn decimal(&self) -> String {
        let s = format!("{:0w$}", self.mantissa, w = self.scale as usize + 1);
        if self.scale == 0 {
            s
        } else {
            let (a, b) = s.split_at(s.len() - self.scale as usize);
            format!("{a}.{b}")
        }
    }
}

#[cfg(test)]
#[allow(clippy::inconsistent_digit_grouping)] // money as yuan_fen
mod tests {
    use super::*;

    #[test]
    fn rounding_and_reverse_rates() {
        let cny = Currency::from_code("CNY").unwrap();
        let jpy = Currency::from_code("JPY").unwrap();
        // 1 CNY = 20.5 JPY: 1.00 CNY -> 20.5 JPY, a tie, rounds to even 20;
        // 3.00 CNY -> 61.5 -> 62; 0.01 CNY -> 0.205 -> 0.
        let r = Rate::parse("CNY", "JPY", "20.5").unwrap();
        assert_eq!(Money::new(100, cny).convert(jpy, &[r]).unwrap().minor, 20);
        assert_eq!(Money::new(300, cny).convert(jpy, &[r]).unwrap().minor, 62);
        assert_eq!(Money::new(1, cny).convert(jpy, &[r]).unwrap().minor, 0);
        // The reverse direction: 41 JPY -> 2.00 CNY (41 / 20.5).
        assert_eq!(Money::new(41, jpy).convert(cny, &[r]).unwrap().minor, 200);
    }

    #[test]
    fn errors() {
        assert!(Currency::from_code("XYZ").is_err());
        assert!(Currency::from_code("XAU").is_err());
        assert!(Rate::parse("USD", "CNY", "1e3").is_err());
        assert!(Rate::parse("USD", "CNY", "0").is_err());
        let cny = Currency::from_code("CNY").unwrap();
        let usd = Currency::from_code("USD").unwrap();
        assert!(Money::new(1, cny).checked_add(Money::new(1, usd)).is_err());
        assert!(Money::new(1, usd).convert(cny, &[]).is_err());
    }

    #[test]
    fn display() {
        let kwd = Currency::from_code("KWD").unwrap();
        assert_eq!(Money::new(-1_005, kwd).to_string(), "-1.005 KWD");
        assert_eq!(Rate::parse("USD", "CNY", "0.05").unwrap().decimal(), "0.05");
    }
}
