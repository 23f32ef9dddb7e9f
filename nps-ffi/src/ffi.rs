//! Pointer, slice and text checks shared by every function.
//!
//! Rules: a NULL pointer with length 0 is an empty array; NULL with a length
//! above 0 is `NPS_STATUS_NULL_POINTER`; a pointer not aligned for its type is
//! `NPS_STATUS_MISALIGNED_POINTER`; text is NUL-terminated UTF-8.

use std::ffi::{c_char, CStr, CString};
use std::ptr::NonNull;
use std::sync::Mutex;

use crate::error::FfiError;

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

/// Copies `s` into `buf` (capacity `len`), truncated at a character
/// boundary to fit with a NUL; returns `s.len()`. Writes nothing when `buf`
/// is NULL or `len` is 0.
///
/// # Safety
///
/// `buf` must be NULL or writable for `len` bytes.
pub(crate) unsafe fn copy_truncated(s: &str, buf: *mut c_char, len: usize) -> usize {
    if buf.is_null() || len == 0 {
        return s.len();
    }
    let mut n = s.len().min(len - 1);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: n + 1 <= len bytes of buf are writable (caller guarantee); the
    // source is n readable bytes of s; the regions cannot overlap (s is Rust
    // memory the caller cannot name).
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), n);
        buf.add(n).write(0);
    }
    s.len()
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

/// A static NUL-terminated copy of a static string, made once per distinct
/// string, so names owned by `nps-core` need no second spelling here.
///
/// The set of names is small and fixed (status, method, period and category
/// names), so a list searched linearly suffices. (A list also keeps valgrind
/// quiet: hash tables hold interior pointers that it reports as possibly
/// lost.)
pub(crate) fn static_c_str(s: &'static str) -> *const c_char {
    static INTERNED: Mutex<Vec<(&'static str, &'static CStr)>> = Mutex::new(Vec::new());
    // A poisoned lock only means another thread panicked while pushing; the
    // list itself is still consistent.
    let mut names = INTERNED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, c)) = names.iter().find(|(name, _)| *name == s) {
        return c.as_ptr();
    }
    // Static names never contain NUL bytes; fall back to "" if one does.
    let owned = CString::new(s).unwrap_or_default();
    // Leaked on purpose: one small allocation per distinct name, kept for the
    // life of the process and reachable through the list.
    let c: &'static CStr = Box::leak(owned.into_boxed_c_str());
    names.push((s, c));
    c.as_ptr()
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

#[cfg(test)]
mod tests {
    use crate::error::NpsStatus;
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

    #[test]
    fn truncation_respects_characters() {
        let mut buf = [0x7fu8; 4];
        // "aé…": 'é' is 2 bytes, so 3 bytes of room hold "aé" exactly; with
        // 2 bytes of room only "a" fits.
        // SAFETY: buf is writable for its length.
        let n = unsafe { super::copy_truncated("aé…", buf.as_mut_ptr().cast(), 4) };
        assert_eq!(n, "aé…".len());
        assert_eq!(&buf, "aé\0".as_bytes());
        // SAFETY: as above.
        unsafe { super::copy_truncated("aé…", buf.as_mut_ptr().cast(), 3) };
        assert_eq!(&buf[..2], b"a\0");
    }
}
