//! Enumerations cross the boundary as `uint32_t`. Every C enumeration
//! implements [`CEnum`] through `c_enum!`, the one place where a raw value
//! becomes an enum: an unknown value is `NPS_STATUS_INVALID_ARGUMENT` (or
//! `NPS_STATUS_INVALID_VALUE` with its row for a column), never undefined
//! behaviour, and the message lists the valid constants.

use nps_core::Error;

use super::status::FfiError;

/// A `#[repr(u32)]` C enumeration. Implement it with `c_enum!`.
pub(crate) trait CEnum: Copy + Sized + 'static {
    /// The C type name (`"NpsPeriod"`).
    const NAME: &'static str;
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// The Rust names of the variants (`"Day"`), in the order of `ALL`.
    const VARIANTS: &'static [&'static str];

    /// The value that crosses the boundary.
    fn to_u32(self) -> u32;

    /// The variant with value `v`, if any.
    fn from_u32(v: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.to_u32() == v)
    }

    /// `"unknown NpsPeriod 9 (expected NPS_PERIOD_NONE, ...)"`.
    fn unknown(v: u32) -> String {
        let prefix = screaming_snake(Self::NAME);
        let expected: Vec<String> = Self::VARIANTS
            .iter()
            .map(|v| format!("{prefix}_{}", screaming_snake(v)))
            .collect();
        format!(
            "unknown {} {v} (expected {})",
            Self::NAME,
            expected.join(", ")
        )
    }

    /// Parses the argument `name`: `NPS_STATUS_INVALID_ARGUMENT` when `v`
    /// is not a value of the enumeration.
    fn parse(v: u32, name: &'static str) -> Result<Self, FfiError> {
        Self::from_u32(v).ok_or_else(|| FfiError::arg(name, Self::unknown(v)))
    }

    /// Parses row `row` of the column `name`: `NPS_STATUS_INVALID_VALUE`
    /// naming the row when `v` is not a value of the enumeration.
    fn parse_at(v: u32, name: &'static str, row: usize) -> Result<Self, FfiError> {
        Self::from_u32(v).ok_or_else(|| {
            Error::InvalidValue {
                name: name.into(),
                index: row,
                reason: Self::unknown(v),
            }
            .into()
        })
    }
}

/// `NpsIntervalMethod` → `NPS_INTERVAL_METHOD` (cbindgen's spelling of the
/// constants: QualifiedScreamingSnakeCase).
fn screaming_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// Implements [`CEnum`] for a fieldless `#[repr(u32)]` enum:
/// `c_enum!(NpsPeriod { None, Day, Week, Month, Quarter });`. The list
/// must name every variant (checked at compile time by an exhaustive
/// match).
macro_rules! c_enum {
    ($ty:ident { $($variant:ident),+ $(,)? }) => {
        impl $crate::ffi::CEnum for $ty {
            const NAME: &'static str = stringify!($ty);
            const ALL: &'static [Self] = &[$($ty::$variant),+];
            const VARIANTS: &'static [&'static str] = &[$(stringify!($variant)),+];
            fn to_u32(self) -> u32 {
                self as u32
            }
        }
        // Fails to compile when a variant is missing from the list.
        const _: fn($ty) = |v| match v {
            $($ty::$variant)|+ => {}
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::NpsStatus;

    #[test]
    fn unknown_values_name_the_constants() {
        assert_eq!(screaming_snake("NpsIntervalMethod"), "NPS_INTERVAL_METHOD");
        assert_eq!(screaming_snake("S"), "S");
        assert_eq!(NpsStatus::from_u32(105), Some(NpsStatus::MisalignedPointer));
        assert_eq!(NpsStatus::from_u32(106), None);
        let m = NpsStatus::unknown(7000);
        assert!(m.starts_with("unknown NpsStatus 7000 (expected NPS_STATUS_OK, "));
        assert!(m.ends_with("NPS_STATUS_OTHER)"), "{m}");
    }
}
