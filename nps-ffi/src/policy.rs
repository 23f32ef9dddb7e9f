//! The recovery policy: the `NpsPolicy` handle, roles, money values and
//! triage of survey responses.
//!
//! A policy is loaded from JSON (`nps_policy_from_json`, the document
//! `nps_core::policy::PolicySpec` describes; `docs/policy.schema.json`) or
//! built as SPEC §4 (`nps_policy_default`). Every rule lives in `nps-core`;
//! this file converts values and errors only.
//!
//! **Roles** cross as `uint32_t` indices into the policy's authority ladder
//! (0 = the lowest role; `nps_policy_role_name` gives the name). Loading
//! checks that every role a policy names is on its ladder, so every role in
//! a result has an index; `NPS_ROLE_NONE` means "no role".

use std::ffi::c_char;

use nps_core::money::{Currency, Money};
use nps_core::policy::{AlertLevel, Policy, Response, Tier, Triage};
use nps_core::Category;

use crate::error::{FfiError, NpsStatus};
use crate::ffi;
use crate::ffi::text_out;

/// "No role" in a role field (`owner`, `escalate_to`, `approver`, ...).
pub const NPS_ROLE_NONE: u32 = u32::MAX;

/// Capacity of `NpsTriage::mark`, including the terminating NUL.
pub const NPS_MARK_CAPACITY: usize = 32;

/// A recovery policy: an opaque, immutable handle.
///
/// Ownership: created by `nps_policy_default` or `nps_policy_from_json`,
/// owned by the caller and released with `nps_policy_free` exactly once.
/// Results computed from it (triage, approvals, case status, calendars)
/// do not borrow it. Thread safety: immutable after creation, so any
/// number of threads may use one handle at the same time (share it freely);
/// `nps_policy_free` must not race with any other use.
pub struct NpsPolicy {
    pub(crate) inner: Policy,
}

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

pub(crate) fn alert_to_c(a: Option<AlertLevel>) -> u32 {
    (match a {
        None => NpsAlert::None,
        Some(AlertLevel::Red) => NpsAlert::Red,
        Some(AlertLevel::Yellow) => NpsAlert::Yellow,
        Some(AlertLevel::Orange) => NpsAlert::Orange,
    }) as u32
}

fn tier_to_c(t: Option<Tier>) -> u32 {
    (match t {
        None => NpsTier::None,
        Some(Tier::S) => NpsTier::S,
        Some(Tier::A) => NpsTier::A,
        Some(Tier::B) => NpsTier::B,
    }) as u32
}

/// Converts a C `NpsTier` value.
pub(crate) fn tier_of(v: u32) -> Result<Option<Tier>, FfiError> {
    [
        (NpsTier::None, None),
        (NpsTier::S, Some(Tier::S)),
        (NpsTier::A, Some(Tier::A)),
        (NpsTier::B, Some(Tier::B)),
    ]
    .into_iter()
    .find(|(c, _)| *c as u32 == v)
    .map(|(_, t)| t)
    .ok_or_else(|| {
        FfiError::arg(
            "tier",
            format!("unknown NpsTier {v} (expected NPS_TIER_NONE, _S, _A or _B)"),
        )
    })
}

fn category_to_c(c: Category) -> u32 {
    (match c {
        Category::Detractor => crate::scale::NpsCategory::Detractor,
        Category::Passive => crate::scale::NpsCategory::Passive,
        Category::Promoter => crate::scale::NpsCategory::Promoter,
    }) as u32
}

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

const ZERO_MONEY: NpsMoney = NpsMoney {
    minor: 0,
    currency: [0; 4],
};

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

/// The ladder index of a role. Validation puts every role a policy names
/// on its ladder, so a miss is a bug of the binding or of the core.
pub(crate) fn role_index(policy: &Policy, role: &str) -> Result<u32, FfiError> {
    policy
        .authority
        .ladder
        .iter()
        .position(|r| r.role == role)
        .and_then(|i| u32::try_from(i).ok())
        .filter(|&i| i != NPS_ROLE_NONE)
        .ok_or_else(|| {
            FfiError::Panic(format!(
                "role `{role}` of a result is not on the policy's authority ladder"
            ))
        })
}

/// `role_index` of an optional role, `NPS_ROLE_NONE` for none.
pub(crate) fn opt_role_index(policy: &Policy, role: Option<&str>) -> Result<u32, FfiError> {
    role.map_or(Ok(NPS_ROLE_NONE), |r| role_index(policy, r))
}

fn triage_to_c(policy: &Policy, t: &Triage) -> Result<NpsTriage, FfiError> {
    let mut mark = [0 as c_char; NPS_MARK_CAPACITY];
    let text = t.mark.as_deref().unwrap_or("");
    // SAFETY: `mark` is a local array writable for its whole length.
    let mark_len = unsafe { ffi::copy_truncated(text, mark.as_mut_ptr(), mark.len()) };
    Ok(NpsTriage {
        category: category_to_c(t.category),
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

/// # Safety
/// `p` must be NULL or a live handle.
pub(crate) unsafe fn policy_ref<'a>(p: *const NpsPolicy) -> Result<&'a Policy, FfiError> {
    // SAFETY: forwarded caller guarantee.
    Ok(&unsafe { ffi::reference(p, "policy") }?.inner)
}

/// JSON text from `(ptr, len)` bytes (not NUL-terminated).
///
/// # Safety
/// `ptr` must be NULL or readable for `len` bytes.
pub(crate) unsafe fn json_text<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let bytes = unsafe { ffi::slice(ptr.cast::<u8>(), len, "json") }?;
    std::str::from_utf8(bytes).map_err(|e| FfiError::InvalidUtf8 {
        name: "json",
        row: None,
        valid_up_to: e.valid_up_to(),
    })
}

fn new_handle(policy: Policy) -> *mut NpsPolicy {
    Box::into_raw(Box::new(NpsPolicy { inner: policy }))
}

/// Writes a new handle holding the default policy (SPEC §4: CNY, wall-clock
/// deadlines, no calendar) to `*out`; release it with `nps_policy_free`.
///
/// # Safety
///
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_default(out: *mut *mut NpsPolicy) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(new_handle(Policy::default())) };
        Ok(())
    })
}

/// Loads a policy from JSON text: `len` bytes of UTF-8 at `json` (no NUL
/// needed; NULL with `len` 0 is the empty text). On success writes a new
/// handle to `*out` (release it with `nps_policy_free`). A document with
/// problems is `NPS_STATUS_INVALID_POLICY` and nothing is loaded: every
/// problem, each with its JSON path, is available through
/// `nps_last_error_problem_count`, `nps_last_error_problem_path` and
/// `nps_last_error_problem_message` (a syntax or type error is one problem
/// at the path where reading stopped). Text that is not UTF-8 is
/// `NPS_STATUS_INVALID_UTF8`.
///
/// # Safety
///
/// `json` must be NULL or readable for `len` bytes; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_from_json(
    json: *const c_char,
    len: usize,
    out: *mut *mut NpsPolicy,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee on (json, len).
        let text = unsafe { json_text(json, len) }?;
        let policy = Policy::from_json(text)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(new_handle(policy)) };
        Ok(())
    })
}

/// Copies the policy as JSON (UTF-8, pretty-printed; it loads back to an
/// equal policy) with a terminating NUL into `buf` (capacity `len`).
/// `*text_len` (may be NULL) receives the length without the NUL — also
/// when the call fails with `NPS_STATUS_BUFFER_TOO_SMALL`, so
/// `buf = NULL, len = 0` queries the size.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `buf` NULL or writable for
/// `len` bytes; `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_to_json(
    policy: *const NpsPolicy,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let p = unsafe { policy_ref(policy) }?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&p.to_json(), buf, len, text_len) }
    })
}

/// Releases a policy handle. NULL is accepted (and ignored).
///
/// # Safety
///
/// `policy` must be NULL or a handle from this library not yet freed, and
/// no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_free(policy: *mut NpsPolicy) {
    ffi_value!((), {
        if !policy.is_null() {
            // SAFETY: the caller passes a live handle made by Box::into_raw
            // in this library, exactly once.
            drop(unsafe { Box::from_raw(policy) });
        }
    })
}

/// Number of roles on the policy's authority ladder (valid role indices
/// are below it); 0 for a NULL handle.
///
/// # Safety
///
/// `policy` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_role_count(policy: *const NpsPolicy) -> usize {
    ffi_value!(0, {
        // SAFETY: forwarded caller guarantee.
        unsafe { policy_ref(policy) }.map_or(0, |p| p.authority.ladder.len())
    })
}

/// Copies the name of role `index` (a ladder index, 0 = the lowest role;
/// by default `"service_advisor"`, `"service_manager"`,
/// `"regional_manager"`) with a NUL into `buf`, like `nps_policy_to_json`.
/// `NPS_STATUS_INDEX_OUT_OF_RANGE` for an index not below
/// `nps_policy_role_count` (including `NPS_ROLE_NONE`).
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `buf` NULL or writable for
/// `len` bytes; `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_role_name(
    policy: *const NpsPolicy,
    index: u32,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let p = unsafe { policy_ref(policy) }?;
        let ladder = &p.authority.ladder;
        let i = index as usize;
        let role = ladder.get(i).ok_or(FfiError::IndexOutOfRange {
            index: i,
            len: ladder.len(),
        })?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&role.role, buf, len, text_len) }
    })
}

/// Writes the ladder index of the role named `name` (NUL-terminated UTF-8)
/// to `*out`; `NPS_STATUS_INVALID_ARGUMENT` if the ladder has no such role.
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `name` NULL or a NUL-terminated
/// string; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_role_index(
    policy: *const NpsPolicy,
    name: *const c_char,
    out: *mut u32,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (p, name) = unsafe { (policy_ref(policy)?, ffi::text(name, "name", None)?) };
        let i = p
            .authority
            .ladder
            .iter()
            .position(|r| r.role == name)
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| {
                FfiError::arg(
                    "name",
                    format!("role `{name}` is not on the policy's authority ladder"),
                )
            })?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(i) };
        Ok(())
    })
}

/// Copies the policy's currency (the ISO 4217 code of every cap and limit,
/// e.g. `"CNY"`) with a NUL into `buf`, like `nps_policy_to_json` (4 bytes
/// always suffice).
///
/// # Safety
///
/// `policy` must be NULL or a live handle; `buf` NULL or writable for
/// `len` bytes; `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_policy_currency(
    policy: *const NpsPolicy,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let p = unsafe { policy_ref(policy) }?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(p.currency.code(), buf, len, text_len) }
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
        let (p, r) = unsafe { (policy_ref(policy)?, ffi::reference(response, "response")?) };
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
                policy_ref(policy)?,
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
