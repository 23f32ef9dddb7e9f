//! Compensation authority: who must approve a package of compensation
//! items (`nps_policy_required_approver`).

use std::ffi::c_char;

use nps_core::money::Rate;
use nps_core::policy::{Granted, Item, Layer};
use nps_core::Error;

use crate::ffi::{self, CEnum, FfiError, Handle, NpsStatus};
use crate::money::{code_text, currency_of, NpsMoney};
use crate::policy::{role_index, tier_of, NpsPolicy, NPS_ROLE_NONE};

/// The layer of a compensation item. Passed as `uint32_t`; also the index
/// into `NpsApproval::by_layer_minor`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsLayer {
    /// Fix the problem: free, fast repair.
    ProblemRepair = 0,
    /// Compensate time, money, inconvenience: refunds, free services,
    /// vouchers.
    LossCompensation = 1,
    /// Emotional repair: apology visit, gifts, personal contact.
    EmotionalRepair = 2,
}

c_enum!(NpsLayer {
    ProblemRepair,
    LossCompensation,
    EmotionalRepair
});

fn layer_of(v: u32, row: usize) -> Result<Layer, FfiError> {
    let layer = NpsLayer::from_u32(v)
        .ok_or_else(|| FfiError::arg("items", format!("item [{row}]: {}", NpsLayer::unknown(v))))?;
    Ok(match layer {
        NpsLayer::ProblemRepair => Layer::ProblemRepair,
        NpsLayer::LossCompensation => Layer::LossCompensation,
        NpsLayer::EmotionalRepair => Layer::EmotionalRepair,
    })
}

fn layer_slot(l: Layer) -> usize {
    match l {
        Layer::ProblemRepair => NpsLayer::ProblemRepair,
        Layer::LossCompensation => NpsLayer::LossCompensation,
        Layer::EmotionalRepair => NpsLayer::EmotionalRepair,
    }
    .to_u32() as usize
}

/// One item of a compensation package: its value in minor units of an ISO
/// 4217 currency (items in a currency other than the policy's need a rate)
/// and its `NpsLayer`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsItem {
    /// Value in minor units (not negative).
    pub minor: i64,
    /// ISO 4217 code, NUL-terminated (`"CNY"`).
    pub currency: [c_char; 4],
    /// An `NpsLayer`.
    pub layer: u32,
}

/// An exchange rate: 1 `from` = `rate` `to` (either direction is used).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsRate {
    /// Source currency, NUL-terminated ISO 4217 code.
    pub from: [c_char; 4],
    /// Target currency, NUL-terminated ISO 4217 code.
    pub to: [c_char; 4],
    /// The rate as exact decimal text, NUL-terminated (`"7.1234"`: digits,
    /// at most one `.`, at most 12 decimals, no exponent; positive).
    pub rate: *const c_char,
}

/// Optional inputs of `nps_policy_required_approver`. **Zero-initialise
/// it** (`NpsApprovalOptions o = {0};` in C, `NpsApprovalOptions o{};` in
/// C++): all-zero means no exchange rates and nothing granted before. It
/// is only read during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsApprovalOptions {
    /// Exchange rates (`rates_len` of them; NULL with 0 = none).
    pub rates: *const NpsRate,
    /// Number of rates.
    pub rates_len: usize,
    /// Whether `granted_case` is set.
    pub has_granted_case: bool,
    /// Granted in earlier packages on this case (counts against the tier
    /// cap and the per-case cap).
    pub granted_case: NpsMoney,
    /// Whether `granted_customer` is set.
    pub has_granted_customer: bool,
    /// Granted to this customer within the policy's per-customer period.
    pub granted_customer: NpsMoney,
    /// Whether `granted_vehicle` is set.
    pub has_granted_vehicle: bool,
    /// Granted for this vehicle within the policy's per-vehicle period.
    pub granted_vehicle: NpsMoney,
}

/// Who must approve a package.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsApproval {
    /// False: denied (no role on the ladder may approve it).
    pub approved: bool,
    /// The lowest sufficient role (ladder index), `NPS_ROLE_NONE` when
    /// denied.
    pub approver: u32,
    /// Number of roles on the escalation path, from the lowest role up to
    /// the approver (the whole ladder when denied); the roles are written
    /// to the caller's `path` array.
    pub path_count: usize,
    /// The package total in the policy currency.
    pub total: NpsMoney,
    /// Package totals per layer in minor units of the policy currency,
    /// indexed by `NpsLayer`.
    pub by_layer_minor: [i64; 3],
    /// Whether the case total (earlier packages included) stays within the
    /// tier's compensation cap (true for a case without tier).
    pub within_cap: bool,
}

/// # Safety
/// `ptr` must be NULL or readable for `len` items.
unsafe fn items_of(ptr: *const NpsItem, len: usize) -> Result<Vec<Item>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let items = unsafe { ffi::slice(ptr, len, "items") }?;
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let currency = currency_of(&it.currency, "items.currency").map_err(|e| match e {
                FfiError::Core(Error::InvalidArgument { reason, .. }) => {
                    FfiError::arg("items", format!("item [{i}]: {reason}"))
                }
                FfiError::InvalidUtf8 {
                    name, valid_up_to, ..
                } => FfiError::InvalidUtf8 {
                    name,
                    row: Some(i),
                    valid_up_to,
                },
                other => other,
            })?;
            Ok(Item {
                value: nps_core::money::Money::new(it.minor, currency),
                layer: layer_of(it.layer, i)?,
            })
        })
        .collect()
}

/// # Safety
/// `ptr` must be NULL or readable for `len` rates, each `rate` NULL or a
/// NUL-terminated string.
pub(crate) unsafe fn rates_of(ptr: *const NpsRate, len: usize) -> Result<Vec<Rate>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let rates = unsafe { ffi::slice(ptr, len, "rates") }?;
    rates
        .iter()
        .enumerate()
        .map(|(i, r)| {
            // SAFETY: the caller guarantees `rate` is NULL or a valid string.
            let text = unsafe { ffi::text(r.rate, "rates.rate", Some(i)) }?;
            let code = |c: &[c_char; 4]| code_text(c, "rates.currency");
            Rate::parse(&code(&r.from)?, &code(&r.to)?, text).map_err(|e| match e {
                Error::InvalidArgument { reason, .. } => {
                    FfiError::arg("rates", format!("rate [{i}]: {reason}"))
                }
                other => FfiError::Core(other),
            })
        })
        .collect()
}

/// Who must approve a package of `items_len` items for a case of `tier`
/// (an `NpsTier`; `NPS_TIER_NONE` for a case without tier), with the
/// cumulative caps: the lowest sufficient role, the escalation path, the
/// total and whether the case stays within the tier's cap. `options` may
/// be NULL (no rates, nothing granted). Limits are inclusive unless the
/// policy sets `equal_escalates`; a package above every limit is denied
/// (`approved` false), which is a success.
///
/// The path's role indices are written to `path` when it is non-NULL:
/// `path_len` must then be at least `path_count` (else
/// `NPS_STATUS_BUFFER_TOO_SMALL`; `nps_policy_role_count` always
/// suffices). Pass `path = NULL, path_len = 0` to skip it.
///
/// Errors (`NPS_STATUS_INVALID_ARGUMENT`, the message names the item or
/// rate): a negative value, an unknown currency code, a currency without
/// a rate to the policy currency, a malformed rate, an unknown layer or
/// tier.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `items` NULL or readable for
/// `items_len` values; `options` NULL or valid, with `rates` readable for
/// `rates_len` values; `out` NULL or writable; `path` NULL or writable for
/// `path_len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_required_approver(
    policy: *const NpsPolicy,
    items: *const NpsItem,
    items_len: usize,
    tier: u32,
    options: *const NpsApprovalOptions,
    out: *mut NpsApproval,
    path: *mut u32,
    path_len: usize,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        if path.is_null() && path_len > 0 {
            return Err(FfiError::null("path"));
        }
        if !path.is_null() && !path.is_aligned() {
            return Err(FfiError::Misaligned { name: "path" });
        }
        // SAFETY: caller guarantees.
        let (p, items, o) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                items_of(items, items_len)?,
                ffi::opt_reference(options, "options")?.copied(),
            )
        };
        let tier = tier_of(tier)?;
        let (rates, granted) = match o {
            None => (Vec::new(), Granted::default()),
            Some(o) => {
                let money = |has: bool, m: NpsMoney, name| has.then(|| m.to_core(name)).transpose();
                (
                    // SAFETY: caller guarantee on (rates, rates_len).
                    unsafe { rates_of(o.rates, o.rates_len) }?,
                    Granted {
                        case: money(o.has_granted_case, o.granted_case, "granted_case")?,
                        customer: money(
                            o.has_granted_customer,
                            o.granted_customer,
                            "granted_customer",
                        )?,
                        vehicle: money(
                            o.has_granted_vehicle,
                            o.granted_vehicle,
                            "granted_vehicle",
                        )?,
                    },
                )
            }
        };
        let a = p.required_approver(&items, tier, &rates, &granted)?;
        let roles = a
            .path
            .iter()
            .map(|r| role_index(p, r))
            .collect::<Result<Vec<_>, _>>()?;
        if !path.is_null() && path_len < roles.len() {
            return Err(FfiError::BufferTooSmall {
                name: "path",
                needed: roles.len(),
                given: path_len,
                unit: "roles",
            });
        }
        let mut by_layer_minor = [0i64; 3];
        for (layer, m) in [
            Layer::ProblemRepair,
            Layer::LossCompensation,
            Layer::EmotionalRepair,
        ]
        .into_iter()
        .zip(a.by_layer)
        {
            by_layer_minor[layer_slot(layer)] = m.minor;
        }
        let value = NpsApproval {
            approved: a.approver.is_some(),
            approver: match &a.approver {
                Some(r) => role_index(p, r)?,
                None => NPS_ROLE_NONE,
            },
            path_count: roles.len(),
            total: NpsMoney::from_core(a.total),
            by_layer_minor,
            within_cap: a.within_cap,
        };
        // SAFETY: out was checked; path is non-NULL, aligned and the caller
        // guarantees it is writable for path_len >= roles.len() values.
        unsafe {
            if !path.is_null() {
                std::ptr::copy_nonoverlapping(roles.as_ptr(), path, roles.len());
            }
            out.write(value);
        }
        Ok(())
    })
}
