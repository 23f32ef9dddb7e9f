//! Opaque handles: one mechanism to create, borrow and free every handle
//! type (in the style of rustls-ffi's `Castable` / `BoxCastPtr`).
//!
//! The C type of a handle is an opaque marker struct (cbindgen emits
//! `typedef struct NpsX NpsX;`) that never exists as a value: a handle
//! pointer is a `Box<RustType>` cast to `*mut NpsX`. Implementing
//! [`Handle`] for the marker names its Rust type; the provided methods do
//! the boxing, the NULL / alignment checks and the freeing.

use super::args::{reference, Out};
use super::status::FfiError;

/// An opaque C handle owning a boxed [`Handle::RustType`].
pub(crate) trait Handle: Sized {
    /// The Rust value behind the handle.
    type RustType;

    /// Moves `value` into a new handle owned by the caller (who releases it
    /// with the type's `_free` function).
    fn to_box(value: Self::RustType) -> *mut Self {
        Box::into_raw(Box::new(value)).cast()
    }

    /// Writes a new handle holding `value` to a checked out-pointer.
    ///
    /// # Safety
    ///
    /// The out-pointer must be writable (the caller's guarantee behind
    /// `args::out`).
    unsafe fn write_new(out: Out<*mut Self>, value: Self::RustType) {
        // SAFETY: forwarded caller guarantee.
        unsafe { out.write(Self::to_box(value)) }
    }

    /// Borrows the value of a handle: NULL is `NPS_STATUS_NULL_POINTER` and
    /// a misaligned pointer `NPS_STATUS_MISALIGNED_POINTER`, both naming
    /// the argument `name`.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or a live handle of this type, not freed and not
    /// mutated by another thread during `'a`.
    unsafe fn try_ref<'a>(
        ptr: *const Self,
        name: &'static str,
    ) -> Result<&'a Self::RustType, FfiError> {
        // SAFETY: a live handle is a Box<RustType> cast to *const Self
        // (`to_box`); forwarded caller guarantee.
        unsafe { reference(ptr.cast::<Self::RustType>(), name) }
    }

    /// Borrows the value of a handle mutably; errors as [`Handle::try_ref`].
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or a live handle of this type, used by no other
    /// thread during `'a`.
    unsafe fn try_mut<'a>(
        ptr: *mut Self,
        name: &'static str,
    ) -> Result<&'a mut Self::RustType, FfiError> {
        // SAFETY: checked non-NULL and aligned by `reference`; the caller
        // guarantees exclusive access to a live handle.
        unsafe { reference(ptr.cast_const().cast::<Self::RustType>(), name) }?;
        // SAFETY: as above.
        Ok(unsafe { &mut *ptr.cast::<Self::RustType>() })
    }

    /// Releases a handle; NULL is accepted and ignored. The body of every
    /// `nps_*_free` function.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or a handle made by [`Handle::to_box`] not yet
    /// freed, used by no other thread.
    unsafe fn free(ptr: *mut Self) {
        if !ptr.is_null() {
            // SAFETY: made by Box::into_raw in `to_box` (caller guarantee),
            // freed exactly once.
            drop(unsafe { Box::from_raw(ptr.cast::<Self::RustType>()) });
        }
    }
}
