//! The recovery policy: the `NpsPolicy` handle, JSON in and out, and the
//! roles of its authority ladder. The policy's uses are in the submodules
//! (as in `nps_core::policy`): triage of responses, approval of
//! compensation, deadline status of a case, early warnings during a visit.
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

use nps_core::policy::Policy;

use crate::ffi::{self, text_out, FfiError, Handle, NpsStatus};

pub mod triage;

pub mod approval;

pub mod deadline;

pub mod warning;

pub use approval::*;
pub use deadline::*;
pub use triage::*;
pub use warning::*;

/// A recovery policy: an opaque, immutable handle.
///
/// Ownership: created by `nps_policy_default` or `nps_policy_from_json`,
/// owned by the caller and released with `nps_policy_free` exactly once.
/// Results computed from it (triage, approvals, case status, calendars)
/// do not borrow it. Thread safety: immutable after creation, so any
/// number of threads may use one handle at the same time (share it freely);
/// `nps_policy_free` must not race with any other use.
pub struct NpsPolicy {
    _private: [u8; 0],
}

impl Handle for NpsPolicy {
    type RustType = Policy;
}

/// "No role" in a role field (`owner`, `escalate_to`, `approver`, ...).
pub const NPS_ROLE_NONE: u32 = u32::MAX;

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

/// A copy of the policy behind `p`, or the default policy when `p` is NULL.
///
/// # Safety
///
/// `p` NULL or a live policy handle.
pub(crate) unsafe fn policy_or_default(p: *const NpsPolicy) -> Result<Policy, FfiError> {
    if p.is_null() {
        return Ok(Policy::default());
    }
    // SAFETY: forwarded caller guarantee.
    Ok(unsafe { NpsPolicy::try_ref(p, "policy") }?.clone())
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
        unsafe { NpsPolicy::write_new(out, Policy::default()) };
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
        let text = unsafe { ffi::json_text(json, len) }?;
        let policy = Policy::from_json(text)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsPolicy::write_new(out, policy) };
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
        let p = unsafe { NpsPolicy::try_ref(policy, "policy") }?;
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
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsPolicy::free(policy) } })
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
        unsafe { NpsPolicy::try_ref(policy, "policy") }.map_or(0, |p| p.authority.ladder.len())
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
        let p = unsafe { NpsPolicy::try_ref(policy, "policy") }?;
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
        let (p, name) = unsafe {
            (
                NpsPolicy::try_ref(policy, "policy")?,
                ffi::text(name, "name", None)?,
            )
        };
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
        let p = unsafe { NpsPolicy::try_ref(policy, "policy") }?;
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(p.currency.code(), buf, len, text_len) }
    })
}
