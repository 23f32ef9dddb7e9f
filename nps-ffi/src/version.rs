//! Library version. The header also defines `NPS_VERSION_MAJOR`,
//! `NPS_VERSION_MINOR`, `NPS_VERSION_PATCH` and `NPS_VERSION` (the version
//! the header was generated for; compare with `nps_version()` at run time).

use std::ffi::{c_char, CStr};

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the package version contains a NUL byte"),
    };

/// The version of the linked library, e.g. `"0.1.0"`. Static: do not free.
#[no_mangle]
pub extern "C" fn nps_version() -> *const c_char {
    ffi_value!(VERSION.as_ptr(), { VERSION.as_ptr() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_package_version() {
        // SAFETY: nps_version returns a static NUL-terminated string.
        let v = unsafe { std::ffi::CStr::from_ptr(super::nps_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
