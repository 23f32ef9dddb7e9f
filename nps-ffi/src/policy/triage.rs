//! Triage of survey responses: alert level, detractor tier, owner,
//! deadlines, compensation cap and immediate escalation
//! (`nps_policy_triage`, `nps_policy_triage_many`).

use std::ffi::c_char;

use nps_core::policy::{AlertLevel, Policy, Response, Tier, Triage};

use crate::ffi::text::copy_truncated;
use crate::ffi::{self, CEnum, FfiError, Handle, NpsStatus};
use crate::money::{NpsMoney, ZERO_MONEY};
use crate::policy::{opt_role_index, NpsPolicy};
use crate::score::NpsCategory;

/// Capacity of `NpsTriage::mark`, including the terminating NUL.
pub const NPS_MARK_CAPACITY: usize = 32;

/// Survey alert level. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsAlert {
    /// No alert (promoters and, by default, 8s).
    None = 0,
    /// Red (scores 0–3 by default): notify at once, acknowledge within 2 h.
    Red = 1,
    /// Yellow (scores 4–6 by default): acknowledge within 6 h.
    Yellow = 2,
    /// Orange (score 7 by default): passive-conversion follow-up.
    Orange = 3,
}

c_enum!(NpsAlert {
    None,
    Red,
    Yellow,
    Orange
});

/// Detractor handling tier. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsTier {
    /// No tier (not a detractor, or a case without tier).
    None = 0,
    /// Tier S, the most severe.
    S = 1,
    /// Tier A.
    A = 2,
    /// Tier B.
    B = 3,
}

c_enum!(NpsTier { None, S, A, B });

pub(crate) fn alert_to_c(a: Option<AlertLevel>) -> u32 {
    match a {
        None => NpsAlert::None,
        Some(AlertLevel::Red) => NpsAlert::Red,
        Some(AlertLevel::Yellow) => NpsAlert::Yellow,
        Some(AlertLevel::Orange) => NpsAlert::Orange,
    }
    .to_u32()
}

fn tier_to_c(t: Option<Tier>) -> u32 {
    match t {
        None => NpsTier::None,
        Some(Tier::S) => NpsTier::S,
        Some(Tier::A) => NpsTier::A,
        Some(Tier::B) => NpsTier::B,
    }
    .to_u32()
}

/// Converts a C `NpsTier` value.
pub(crate) fn tier_of(v: u32) -> Result<Option<Tier>, FfiError> {
    Ok(match NpsTier::parse(v, "tier")? {
        NpsTier::None => None,
        NpsTier::S => Some(Tier::S),
        NpsTier::A => Some(Tier::A),
        NpsTier::B => Some(Tier::B),
    })
}

/// A survey response to triage. Zero-initialise it and set the fields.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsResponse {
    /// Score 0..=10 (anything else is `NPS_STATUS_INVALID_SCORE`).
    pub score: u8,
    /// Submission instant, Unix seconds (UTC).
    pub submitted_at: i64,
    /// A high-value customer.
    pub high_value: bool,
    /// Public-opinion risk (a threat to go to the media, a regulator or
    /// social networks).
    pub public_opinion_risk: bool,
}

impl NpsResponse {
    pub(crate) fn to_core(self) -> Response {
        Response {
            score: self.score,
            submitted_at: self.submitted_at,
            high_value: self.high_value,
            public_opinion_risk: self.public_opinion_risk,
        }
    }
}

/// The triage of one response. Optional values have a `has_` flag (the
/// value is 0 when the flag is false); roles are ladder indices or
/// `NPS_ROLE_NONE`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsTriage {
    /// The response's `NpsCategory`.
    pub category: u32,
    /// An `NpsAlert` (`NPS_ALERT_NONE` when no alert applies).
    pub alert: u32,
    /// An `NpsTier` (`NPS_TIER_NONE` for passives and promoters).
    pub tier: u32,
    /// Role owning the case (the tier's owner; for an orange alert the
    /// notified role), or `NPS_ROLE_NONE`.
    pub owner: u32,
    /// Whether `acknowledge_by` is set (an alert applies).
    pub has_acknowledge_by: bool,
    /// Alert acknowledgement deadline (orange: the follow-up deadline),
    /// Unix seconds.
    pub acknowledge_by: i64,
    /// Whether `contact_by` is set (a tier applies).
    pub has_contact_by: bool,
    /// Customer-contact deadline of the tier, Unix seconds.
    pub contact_by: i64,
    /// Whether `compensation_cap` is set (a tier applies).
    pub has_compensation_cap: bool,
    /// The tier's compensation cap per case, in the policy currency.
    pub compensation_cap: NpsMoney,
    /// Escalate at once (a detractor with public-opinion risk).
    pub escalate_immediately: bool,
    /// Role escalated to at once, or when the alert is not acknowledged in
    /// time; `NPS_ROLE_NONE` if none.
    pub escalate_to: u32,
    /// Whether the alert marks the case (`mark`).
    pub has_mark: bool,
    /// The case marking (`"urgent"`, `"important"`), NUL-terminated UTF-8;
    /// `""` without one. A policy's marking longer than
    /// `NPS_MARK_CAPACITY - 1` bytes is truncated at a character boundary
    /// (`mark_len` tells).
    pub mark: [c_char; NPS_MARK_CAPACITY],
    /// Full length of the marking in bytes, without the NUL: greater than
    /// `NPS_MARK_CAPACITY - 1` means `mark` was truncated.
    pub mark_len: usize,
}

fn triage_to_c(policy: &Policy, t: &Triage) -> Result<NpsTriage, FfiError> {
    let mut mark = [0 as c_char; NPS_MARK_CAPACITY];
    let text = t.mark.as_deref().unwrap_or("");
    // SAFETY: `mark` is a local array writable for its whole length.
    let mark_len = unsafe { copy_truncated(text, mark.as_mut_ptr(), mark.len()) };
    Ok(NpsTriage {
        category: NpsCategory::from(t.category).to_u32(),
        alert: alert_to_c(t.alert),
        tier: tier_to_c(t.tier),
        owner: opt_role_index(policy, t.owner.as_deref())?,
        has_acknowledge_by: t.acknowledge_by.is_some(),
        acknowledge_by: t.acknowledge_by.unwrap_or(0),
        has_contact_by: t.contact_by.is_some(),
        contact_by: t.contact_by.unwrap_or(0),
        has_compensation_cap: t.compensation_cap.is_some(),
        compensation_cap: t.compensation_cap.map_or(ZERO_MONEY, NpsMoney::from_core),
        escalate_immediately: t.escalate_immediately,
        escalate_to: opt_role_index(policy, t.escalate_to.as_deref())?,
        has_mark: t.mark.is_some(),
        mark,
        mark_len,
    })
}

/// Triage of one response: alert level, tier, owner, acknowledge-by and
/// contact-by deadlines, compensation cap, immediate escalation. A score
/// outside 0..=10 is `NPS_STATUS_INVALID_SCORE` (index 0); a deadline
/// outside years 1..=9999 is `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `response` NULL or valid; `out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_triage(
    policy: *const NpsPolicy,
    response: *const NpsResponse,
    out: *mut NpsTriage,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, r) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                ffi::reference(response, "response")?,
            )
        };
        let t = triage_to_c(p, &p.triage(&r.to_core())?)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(t) };
        Ok(())
    })
}

/// Triage of `len` responses into `out` (room for `len` results), all or
/// nothing: the first response with a score outside 0..=10 fails the call
/// with `NPS_STATUS_INVALID_SCORE` and its row in `nps_last_error_index`,
/// and `out` is left untouched.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `responses` NULL or readable for
/// `len` values; `out` NULL or writable for `len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_triage_many(
    policy: *const NpsPolicy,
    responses: *const NpsResponse,
    len: usize,
    out: *mut NpsTriage,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let (p, rs) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                ffi::slice(responses, len, "responses")?,
            )
        };
        if len > 0 {
            ffi::out(out, "out")?;
        }
        let scores: Vec<u8> = rs.iter().map(|r| r.score).collect();
        let at: Vec<i64> = rs.iter().map(|r| r.submitted_at).collect();
        let hv: Vec<bool> = rs.iter().map(|r| r.high_value).collect();
        let risk: Vec<bool> = rs.iter().map(|r| r.public_opinion_risk).collect();
        let results = p
            .triage_many(&scores, &at, &hv, &risk)?
            .iter()
            .map(|t| triage_to_c(p, t))
            .collect::<Result<Vec<_>, _>>()?;
        if results.len() != len {
            // triage_many returns one result per row.
            return Err(FfiError::Panic(format!(
                "triage_many returned {} results for {len} rows",
                results.len()
            )));
        }
        // SAFETY: out is non-NULL and aligned (checked when len > 0) and the
        // caller guarantees it is writable for len values.
        unsafe { std::ptr::copy_nonoverlapping(results.as_ptr(), out, len) };
        Ok(())
    })
}
