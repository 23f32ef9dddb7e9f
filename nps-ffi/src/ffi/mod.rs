//! The FFI plumbing shared by every binding file, in layers (each file
//! imports only the layers below it; none imports the binding files or
//! `crate::error`):
//!
//! 1. [`text`]: copying text out to C (truncating copies, interned static
//!    names). Knows nothing of errors.
//! 2. [`enums`]: the [`CEnum`] trait and `c_enum!`, the one way a
//!    `uint32_t` enumeration value is parsed (and named in messages).
//! 3. [`status`]: [`NpsStatus`] and [`FfiError`], the binding's error type.
//! 4. [`args`]: argument checks (NULL, alignment, lengths, UTF-8,
//!    out-pointers, text into caller buffers).
//! 5. [`handle`]: the [`Handle`] trait, the one way an opaque handle is
//!    created, borrowed and freed.
//!
//! `crate::error` (the per-thread last error and its C getters) and
//! `crate::panic` (the boundary macros) sit above the plumbing.

#[macro_use]
pub(crate) mod enums;
pub(crate) mod args;
pub(crate) mod handle;
pub(crate) mod status;
pub(crate) mod text;

pub(crate) use args::*;
pub(crate) use enums::CEnum;
pub(crate) use handle::Handle;
pub(crate) use status::FfiError;
pub use status::NpsStatus;
