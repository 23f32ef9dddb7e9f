//! The panic boundary: no unwind ever crosses into C.
//!
//! Every `extern "C"` body is wrapped in one of these macros *inside* the
//! function, so cbindgen sees a plain signature. A panic (always a bug) is
//! caught, recorded as the thread's last error and reported as
//! `NPS_STATUS_PANIC` (or as the documented fallback value of a function
//! that returns no status). The crate never uses `panic = "abort"`: a host
//! process must not die for a bug in this library.

/// Body of a function returning `NpsStatus`.
///
/// The body is a block evaluating to `Result<(), FfiError>`. The thread's last
/// error is cleared first and set again on failure.
macro_rules! ffi_status {
    ($body:block) => {{
        $crate::error::clear_last_error();
        let result = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::ffi::FfiError> { $body },
        ));
        $crate::error::finish(result)
    }};
}

/// Body of a function returning a plain value: on a panic the panic is
/// recorded as the last error and `$fallback` is returned.
macro_rules! ffi_value {
    ($fallback:expr, $body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(value) => value,
            Err(payload) => {
                $crate::error::record_panic(payload);
                $fallback
            }
        }
    }};
}

#[cfg(test)]
mod tests {
    use crate::error::{nps_last_error_index, nps_last_error_message, nps_last_error_status};
    use crate::ffi::{FfiError, NpsStatus};

    extern "C" fn panics_with_status(n: u32) -> NpsStatus {
        ffi_status!({
            if n > 0 {
                panic!("boom {n}");
            }
            Ok::<(), FfiError>(())
        })
    }

    extern "C" fn panics_with_value(n: u32) -> u64 {
        ffi_value!(u64::MAX, {
            if n > 0 {
                std::panic::panic_any(n); // a non-string payload
            }
            7
        })
    }

    fn message() -> String {
        // SAFETY: a NULL buffer with length 0 is allowed (size query).
        let len = unsafe { nps_last_error_message(std::ptr::null_mut(), 0) };
        let mut buf = vec![0u8; len + 1];
        // SAFETY: buf is writable for buf.len() bytes.
        let n = unsafe { nps_last_error_message(buf.as_mut_ptr().cast(), buf.len()) };
        assert_eq!(n, len);
        assert_eq!(buf[len], 0);
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn panic_becomes_status() {
        assert_eq!(panics_with_status(0), NpsStatus::Ok);
        assert_eq!(nps_last_error_status(), NpsStatus::Ok as u32);
        assert_eq!(panics_with_status(3), NpsStatus::Panic);
        assert_eq!(nps_last_error_status(), NpsStatus::Panic as u32);
        let m = message();
        assert!(m.contains("boom 3"), "{m}");
        let mut idx = 99usize;
        // SAFETY: idx is a valid usize.
        assert!(!unsafe { nps_last_error_index(&mut idx) });
        assert_eq!(idx, 99);
        // The next successful call clears the error.
        assert_eq!(panics_with_status(0), NpsStatus::Ok);
        assert_eq!(message(), "");
    }

    #[test]
    fn panic_in_value_function_returns_fallback() {
        assert_eq!(panics_with_value(0), 7);
        assert_eq!(panics_with_value(1), u64::MAX);
        assert_eq!(nps_last_error_status(), NpsStatus::Panic as u32);
        assert!(message().contains("panic"), "{}", message());
    }

    #[test]
    fn last_error_is_per_thread() {
        assert_eq!(panics_with_status(1), NpsStatus::Panic);
        let other = std::thread::spawn(|| nps_last_error_status())
            .join()
            .unwrap();
        assert_eq!(other, NpsStatus::Ok as u32);
        assert_eq!(nps_last_error_status(), NpsStatus::Panic as u32);
    }
}
