//! The standard repair time (SRT) catalog handle
//! (`nps_core::kpi::SrtCatalog`, in `nps_core::kpi::workshop`).

use std::ffi::c_char;

use nps_core::kpi::SrtCatalog;

use crate::ffi::{self, Handle, NpsStatus};

/// A standard repair time (SRT, flat-rate) catalog: operation code → standard
/// hours. An opaque, immutable handle; create it with
/// `nps_srt_catalog_new` or `nps_srt_catalog_from_json`, release it with
/// `nps_srt_catalog_free` exactly once. Immutable, so threads may share it.
pub struct NpsSrtCatalog {
    _private: [u8; 0],
}

impl Handle for NpsSrtCatalog {
    type RustType = SrtCatalog;
}

/// Builds a catalog from `len` operation codes (NUL-terminated UTF-8,
/// non-empty, unique) and their standard hours (finite, >= 0). A bad
/// element is `NPS_STATUS_INVALID_VALUE` (or `NULL_POINTER` /
/// `INVALID_UTF8`) naming its row. Writes a new handle to `*out`.
///
/// # Safety
///
/// `codes` and `hours` NULL (with `len == 0`) or readable for `len` values,
/// each code a NUL-terminated string; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_new(
    codes: *const *const c_char,
    hours: *const f64,
    len: usize,
    out: *mut *mut NpsSrtCatalog,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (c, h) = unsafe {
            (
                ffi::str_column(codes, len, "codes")?,
                ffi::slice(hours, len, "hours")?,
            )
        };
        let cat = SrtCatalog::new(c.into_iter().zip(h.iter().copied()))?;
        // SAFETY: checked by ffi::out.
        unsafe { NpsSrtCatalog::write_new(out, cat) };
        Ok(())
    })
}

/// Builds a catalog from JSON text (`len` bytes of UTF-8, no NUL needed):
/// an object `{"WHEEL_ALIGN": 0.8, "OIL": 0.5}`. Writes a new handle to
/// `*out`.
///
/// # Safety
///
/// `json` NULL or readable for `len` bytes; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_from_json(
    json: *const c_char,
    len: usize,
    out: *mut *mut NpsSrtCatalog,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let text = unsafe { ffi::json_text(json, len) }?;
        let cat = SrtCatalog::from_json(text)?;
        // SAFETY: checked by ffi::out.
        unsafe { NpsSrtCatalog::write_new(out, cat) };
        Ok(())
    })
}

/// Number of codes in the catalog; 0 for NULL.
///
/// # Safety
///
/// `catalog` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_len(catalog: *const NpsSrtCatalog) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsSrtCatalog::try_ref(catalog, "catalog") }.map_or(0, SrtCatalog::len)
    })
}

/// Looks up `len` operation codes: `out_hours[i]` receives the standard
/// hours and `out_has_srt[i]` 1, or 0 and 0 for an unknown code. The
/// outputs feed `nps_kpi_technician` / `nps_kpi_hours_per_ro` directly.
///
/// # Safety
///
/// `catalog` a live handle; `codes` NULL (with `len == 0`) or readable for
/// `len` NUL-terminated strings; `out_hours` and `out_has_srt` writable
/// for `len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_lookup(
    catalog: *const NpsSrtCatalog,
    codes: *const *const c_char,
    len: usize,
    out_hours: *mut f64,
    out_has_srt: *mut u8,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let cat = unsafe { NpsSrtCatalog::try_ref(catalog, "catalog") }?;
        // SAFETY: caller guarantee.
        let c = unsafe { ffi::str_column(codes, len, "codes") }?;
        // SAFETY: caller guarantee.
        let (h, f) = unsafe {
            (
                ffi::out_slice(out_hours, len, "out_hours")?,
                ffi::out_slice(out_has_srt, len, "out_has_srt")?,
            )
        };
        for (i, v) in cat.lookup(&c).into_iter().enumerate() {
            h[i] = v.unwrap_or(0.0);
            f[i] = u8::from(v.is_some());
        }
        Ok(())
    })
}

/// Releases a catalog. NULL is accepted (and ignored).
///
/// # Safety
///
/// `catalog` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_free(catalog: *mut NpsSrtCatalog) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsSrtCatalog::free(catalog) } })
}
