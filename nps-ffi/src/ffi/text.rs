//! Text out to C: the bottom layer of the plumbing. Knows nothing of
//! errors or status codes (callers decide what a short buffer means).

use std::ffi::{c_char, CStr, CString};
use std::sync::Mutex;

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

#[cfg(test)]
mod tests {
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
