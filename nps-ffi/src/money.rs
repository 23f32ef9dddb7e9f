//! Money values: integer minor units of an ISO 4217 currency.

use std::ffi::c_char;

use nps_core::money::{Currency, Money};

use crate::ffi::FfiError;

/// An amount of money: integer minor units (fen, cents) of an ISO 4217
/// currency. `currency` holds the three-letter code and a NUL (`"CNY"`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsMoney {
    /// Amount in minor units.
    pub minor: i64,
    /// ISO 4217 code, NUL-terminated (a fourth letter without NUL is read
    /// as part of the code, and rejected).
    pub currency: [c_char; 4],
}

/// The text of a code field: the bytes up to the first NUL (all four when
/// there is none), which must be UTF-8.
pub(crate) fn code_text(code: &[c_char; 4], name: &'static str) -> Result<String, FfiError> {
    let bytes = code.map(|b| b as u8);
    let n = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..n])
        .map(str::to_owned)
        .map_err(|e| FfiError::InvalidUtf8 {
            name,
            row: None,
            valid_up_to: e.valid_up_to(),
        })
}

/// A currency from a C code field.
pub(crate) fn currency_of(code: &[c_char; 4], name: &'static str) -> Result<Currency, FfiError> {
    Ok(Currency::from_code(&code_text(code, name)?)?)
}

impl NpsMoney {
    pub(crate) fn from_core(m: Money) -> NpsMoney {
        let mut currency = [0 as c_char; 4];
        // ISO 4217 codes are three ASCII letters.
        for (dst, src) in currency.iter_mut().zip(m.currency.code().bytes().take(3)) {
            *dst = src as c_char;
        }
        NpsMoney {
            minor: m.minor,
            currency,
        }
    }

    /// The core value; a bad currency code is reported under `name`.
    pub(crate) fn to_core(self, name: &'static str) -> Result<Money, FfiError> {
        let currency = currency_of(&self.currency, name).map_err(|e| match e {
            FfiError::Core(nps_core::Error::InvalidArgument { reason, .. }) => {
                FfiError::arg(name, reason)
            }
            other => other,
        })?;
        Ok(Money::new(self.minor, currency))
    }
}

pub(crate) const ZERO_MONEY: NpsMoney = NpsMoney {
    minor: 0,
    currency: [0; 4],
};
