//! Argument checks shared by every function: pointers, arrays, text in,
//! out-pointers and text out to caller buffers. Above `status` (it reports
//! [`FfiError`]s) and `text`.
//!
//! Rules: a NULL pointer with length 0 is an empty array; NULL with a length
//! above 0 is `NPS_STATUS_NULL_POINTER`; a pointer not aligned for its type is
//! `NPS_STATUS_MISALIGNED_POINTER`; text is NUL-terminated UTF-8.

use std::ffi::{c_char, CStr};
use std::ptr::NonNull;

use super::status::FfiError;
use super::text::copy_truncated;

pub(crate) fn check_ptr<T>(ptr: *const T, name: &'static str) -> Result<(), FfiError> {
    if ptr.is_null() {
        Err(FfiError::null(name))
    } else if !ptr.is_aligned() {
        Err(FfiError::Misaligned { name })
    } else {
        Ok(())
    }
}

/// A slice from `(ptr, len)`.
///
/// # Safety
///
/// If `len > 0` and `ptr` is non-NULL, `ptr` must be valid for reading
/// `len` values of `T` for `'a`, and not be written meanwhile.
pub(crate) unsafe fn slice<'a, T>(
    ptr: *const T,
    len: usize,
    name: &'static str,
) -> Result<&'a [T], FfiError> {
    if len == 0 {
        return Ok(&[]);
    }
    check_ptr(ptr, name)?;
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|bytes| bytes > isize::MAX as usize)
    {
        return Err(FfiError::arg(name, format!("length {len} is too large")));
    }
    // SAFETY: ptr is non-NULL and aligned, len * size_of::<T>() <= isize::MAX
    // (checked above); the caller guarantees it is valid for len reads.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An optional column of `len` rows: NULL means "not given".
///
/// # Safety
///
/// As [`slice`].
pub(crate) unsafe fn opt_slice<'a, T>(
    ptr: *const T,
    len: usize,
    name: &'static str,
) -> Result<Option<&'a [T]>, FfiError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded caller guarantee.
        unsafe { slice(ptr, len, name) }.map(Some)
    }
}

/// A shared reference from a pointer that must not be NULL.
///
/// # Safety
///
/// If non-NULL, `ptr` must point to a valid, initialised `T` for `'a`.
pub(crate) unsafe fn reference<'a, T>(
    ptr: *const T,
    name: &'static str,
) -> Result<&'a T, FfiError> {
    check_ptr(ptr, name)?;
    // SAFETY: non-NULL and aligned (checked); the caller guarantees validity.
    Ok(unsafe { &*ptr })
}

/// An optional input: NULL means "use the default".
///
/// # Safety
///
/// As [`reference`].
pub(crate) unsafe fn opt_reference<'a, T>(
    ptr: *const T,
    name: &'static str,
) -> Result<Option<&'a T>, FfiError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded caller guarantee.
        unsafe { reference(ptr, name) }.map(Some)
    }
}

/// An out-pointer checked for NULL and alignment, written once on success.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Writes the result without reading or dropping the old contents (the
    /// caller's memory may be uninitialised).
    ///
    /// # Safety
    ///
    /// The pointer must be valid for a write of `T`.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: non-NULL and aligned (checked in `out`); the caller
        // guarantees it is writable.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Options of an operation: the core options converted by `to_core` from
/// the C struct at `ptr`, or the core type's `Default` when `ptr` is NULL
/// (so a default is never written in the binding).
///
/// # Safety
///
/// As [`reference`].
pub(crate) unsafe fn options_or_default<C: Copy, T: Default>(
    ptr: *const C,
    to_core: impl FnOnce(C) -> Result<T, FfiError>,
) -> Result<T, FfiError> {
    // SAFETY: forwarded caller guarantee.
    match unsafe { opt_reference(ptr, "options") }? {
        Some(o) => to_core(*o),
        None => Ok(T::default()),
    }
}

/// Checks a required out-pointer.
pub(crate) fn out<T>(ptr: *mut T, name: &'static str) -> Result<Out<T>, FfiError> {
    check_ptr(ptr, name)?;
    NonNull::new(ptr).map(Out).ok_or(FfiError::null(name))
}

/// Checks an optional out-pointer (NULL = the caller does not want it).
pub(crate) fn opt_out<T>(ptr: *mut T, name: &'static str) -> Result<Option<Out<T>>, FfiError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        out(ptr, name).map(Some)
    }
}

/// Borrowed NUL-terminated UTF-8 text.
///
/// # Safety
///
/// If non-NULL, `ptr` must point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    name: &'static str,
    row: Option<usize>,
) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::NullPointer { name, row });
    }
    // SAFETY: non-NULL; the caller guarantees NUL termination and validity.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map_err(|e| FfiError::InvalidUtf8 {
        name,
        row,
        valid_up_to: e.valid_up_to(),
    })
}

/// Optional text: NULL means "not given".
///
/// # Safety
///
/// As [`text`].
pub(crate) unsafe fn opt_text<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded caller guarantee.
        unsafe { text(ptr, name, None) }.map(Some)
    }
}

/// Copies all of `s` plus a NUL into `buf`, or fails with
/// `NPS_STATUS_BUFFER_TOO_SMALL` (writing nothing).
///
/// # Safety
///
/// `buf` must be NULL or writable for `len` bytes.
pub(crate) unsafe fn copy_exact(
    s: &str,
    buf: *mut c_char,
    len: usize,
    name: &'static str,
) -> Result<(), FfiError> {
    let needed = s.len() + 1;
    if len < needed {
        return Err(FfiError::BufferTooSmall {
            name,
            needed,
            given: len,
            unit: "bytes (with the NUL)",
        });
    }
    // len >= 1 here, so a NULL buf is a NULL pointer with a length.
    if buf.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: buf is non-NULL and writable for len >= s.len() + 1 bytes.
    unsafe { copy_truncated(s, buf, len) };
    Ok(())
}

/// Copies text with a NUL into `buf` (capacity `len`); `*text_len` (may be
/// NULL) receives its length without the NUL, also on
/// `NPS_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` NULL or writable for `len` bytes; `text_len` NULL or writable.
pub(crate) unsafe fn text_out(
    text: &str,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> Result<(), FfiError> {
    let text_len = opt_out(text_len, "text_len")?;
    // SAFETY: forwarded caller guarantee.
    let copied = unsafe { copy_exact(text, buf, len, "buf") };
    if matches!(copied, Ok(()) | Err(FfiError::BufferTooSmall { .. })) {
        if let Some(t) = text_len {
            // SAFETY: checked; the caller guarantees it is writable.
            unsafe { t.write(text.len()) };
        }
    }
    copied
}

/// JSON text from `(ptr, len)` bytes (not NUL-terminated).
///
/// # Safety
///
/// `ptr` must be NULL or readable for `len` bytes.
pub(crate) unsafe fn json_text<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let bytes = unsafe { slice(ptr.cast::<u8>(), len, "json") }?;
    std::str::from_utf8(bytes).map_err(|e| FfiError::InvalidUtf8 {
        name: "json",
        row: None,
        valid_up_to: e.valid_up_to(),
    })
}

/// An optional column of `len` NUL-terminated strings (NULL = not given;
/// a NULL entry is `NPS_STATUS_NULL_POINTER` naming its row).
///
/// # Safety
///
/// `ptr` must be NULL or readable for `len` pointers, each NULL or a
/// NUL-terminated string.
pub(crate) unsafe fn opt_str_column<'a>(
    ptr: *const *const c_char,
    len: usize,
    name: &'static str,
) -> Result<Option<Vec<&'a str>>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let Some(ptrs) = (unsafe { opt_slice(ptr, len, name) })? else {
        return Ok(None);
    };
    ptrs.iter()
        .enumerate()
        // SAFETY: the caller guarantees each entry is NULL or a valid string.
        .map(|(row, &p)| unsafe { text(p, name, Some(row)) })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// An optional column of `len` NUL-terminated strings whose rows may be
/// missing: NULL = not given (empty), a NULL entry = no value on that row.
///
/// # Safety
///
/// As [`opt_str_column`].
pub(crate) unsafe fn nullable_str_column<'a>(
    ptr: *const *const c_char,
    len: usize,
    name: &'static str,
) -> Result<Vec<Option<&'a str>>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let Some(ptrs) = (unsafe { opt_slice(ptr, len, name) })? else {
        return Ok(Vec::new());
    };
    ptrs.iter()
        .enumerate()
        .map(|(row, &p)| {
            if p.is_null() {
                return Ok(None);
            }
            // SAFETY: the caller guarantees each entry is NULL or a valid string.
            unsafe { text(p, name, Some(row)) }.map(Some)
        })
        .collect()
}

/// A required column of `len` NUL-terminated strings (NULL only with
/// `len == 0`).
///
/// # Safety
///
/// As [`opt_str_column`].
pub(crate) unsafe fn str_column<'a>(
    ptr: *const *const c_char,
    len: usize,
    name: &'static str,
) -> Result<Vec<&'a str>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let ptrs = unsafe { slice(ptr, len, name) }?;
    ptrs.iter()
        .enumerate()
        // SAFETY: the caller guarantees each entry is NULL or a valid string.
        .map(|(row, &p)| unsafe { text(p, name, Some(row)) })
        .collect()
}

/// A writable caller array of `len` values (NULL only with `len == 0`).
///
/// # Safety
///
/// `ptr` NULL or writable for `len` values and not aliased meanwhile.
pub(crate) unsafe fn out_slice<'a, T>(
    ptr: *mut T,
    len: usize,
    name: &'static str,
) -> Result<&'a mut [T], FfiError> {
    if len == 0 {
        return Ok(&mut []);
    }
    check_ptr(ptr.cast_const(), name)?;
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|bytes| bytes > isize::MAX as usize)
    {
        return Err(FfiError::arg(name, format!("length {len} is too large")));
    }
    // SAFETY: non-NULL, aligned, size checked; the caller guarantees it is
    // writable for len values.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// `n` writable, possibly uninitialised elements at `ptr`.
///
/// # Safety
///
/// `ptr` NULL or writable for at least `n` elements (callers check `n`
/// against the capacity the caller declared).
pub(crate) unsafe fn dst_slice<'a, T>(
    ptr: *mut T,
    n: usize,
    name: &'static str,
) -> Result<&'a mut [std::mem::MaybeUninit<T>], FfiError> {
    if n == 0 {
        return Ok(&mut []);
    }
    check_ptr(ptr.cast_const(), name)?;
    // SAFETY: non-NULL and aligned (checked); the caller guarantees it is
    // writable for n elements.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr.cast(), n) })
}

/// Copies a list result into a caller array `out` (room for `capacity`
/// items); `*count` (may be NULL) receives the number of items, also on
/// `NPS_STATUS_BUFFER_TOO_SMALL`, so `out = NULL, capacity = 0` queries it.
///
/// # Safety
///
/// `out` NULL or writable for `capacity` items; `count` NULL or writable.
pub(crate) unsafe fn list_out<T: Copy>(
    items: &[T],
    out: *mut T,
    capacity: usize,
    count: *mut usize,
) -> Result<(), FfiError> {
    let count = opt_out(count, "count")?;
    if let Some(c) = count {
        // SAFETY: checked; caller guarantee. Set also when too small.
        unsafe { c.write(items.len()) };
    }
    if capacity < items.len() {
        return Err(FfiError::BufferTooSmall {
            name: "out",
            needed: items.len(),
            given: capacity,
            unit: "items",
        });
    }
    if items.is_empty() {
        return Ok(());
    }
    check_ptr(out.cast_const(), "out")?;
    // SAFETY: out is non-NULL and aligned; the caller guarantees room for
    // capacity >= items.len() items.
    unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), out, items.len()) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::ffi::NpsStatus;
    use crate::stats::nps_tally_nps;
    use crate::tally::{nps_tally_from_categories, nps_tally_from_f64, NpsInvalidPolicy, NpsTally};

    #[test]
    fn misaligned_pointers_are_rejected() {
        let buf = [0u64; 4];
        // One byte past an aligned address: not aligned for f64.
        let misaligned = buf.as_ptr().cast::<u8>().wrapping_add(1).cast::<f64>();
        let mut out = std::mem::MaybeUninit::<NpsTally>::uninit();
        // SAFETY: the pointer is rejected before any read; out is writable.
        let status = unsafe {
            nps_tally_from_f64(
                misaligned,
                2,
                NpsInvalidPolicy::Raise as u32,
                out.as_mut_ptr(),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(status, NpsStatus::MisalignedPointer);
        let mut value = 0.0f64;
        let t = misaligned.cast::<NpsTally>();
        // SAFETY: rejected before any read.
        let status = unsafe { nps_tally_nps(t, &mut value) };
        assert_eq!(status, NpsStatus::MisalignedPointer);
        let out_misaligned = buf
            .as_ptr()
            .cast::<u8>()
            .wrapping_add(4)
            .cast_mut()
            .cast::<f64>();
        let mut t = std::mem::MaybeUninit::<NpsTally>::uninit();
        // SAFETY: t is writable.
        let status = unsafe { nps_tally_from_categories(1, 0, 0, t.as_mut_ptr()) };
        assert_eq!(status, NpsStatus::Ok);
        // SAFETY: t was initialised; the misaligned out-pointer is rejected
        // before any write.
        let status = unsafe { nps_tally_nps(t.as_ptr(), out_misaligned) };
        assert_eq!(status, NpsStatus::MisalignedPointer);
        assert_eq!(buf, [0; 4]);
    }
}
