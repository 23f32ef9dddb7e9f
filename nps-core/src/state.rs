//! Saved states: results and handles written to bytes and read back
//! exactly.
//!
//! Python pickles them, Dask ships partial results between workers, and a
//! DMS can cache a result between runs. A state is a JSON document
//! `{"nps_state": VERSION, "kind": "...", "value": ...}`: the kind is
//! checked on load (a saved heat map does not load as a grouped result),
//! the version is [`STATE_VERSION`], and the value is the type's serde form,
//! checked again by [`Saved::check`] on load (a state is input like any
//! other: a hand-edited or truncated one is an [`Error::InvalidArgument`]
//! naming `state` and the JSON path, never a panic or a silently wrong
//! result).
//!
//! ```
//! use nps_core::state::Saved;
//! use nps_core::group::{group_by, GroupOptions, Grouped};
//!
//! let g = group_by(&[10u8, 9, 0], &GroupOptions::default())?;
//! let bytes = g.to_state();
//! assert_eq!(Grouped::from_state(&bytes)?, g);
//! # Ok::<(), nps_core::Error>(())
//! ```

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};

/// The version written into every state; states of another version do not
/// load (an error that says which version was found).
pub const STATE_VERSION: u32 = 1;

/// The largest state read, in bytes (1 GiB).
pub const MAX_STATE_BYTES: usize = 1 << 30;

#[derive(Serialize)]
struct Out<'a, T> {
    nps_state: u32,
    kind: &'a str,
    value: &'a T,
}

#[derive(Deserialize)]
struct Header {
    nps_state: u32,
    kind: String,
}

#[derive(Deserialize)]
struct In<T> {
    value: T,
}

fn invalid(path: &str, reason: impl Into<String>) -> Error {
    let reason = reason.into();
    Error::InvalidArgument {
        name: "state",
        reason: if path.is_empty() {
            reason
        } else {
            format!("at {path}: {reason}")
        },
    }
}

/// A JSON error of [`crate::json::from_str`] as a state error.
fn read<T: DeserializeOwned>(text: &str) -> Result<T> {
    crate::json::from_str(text).map_err(|e| match e {
        Error::InvalidPolicy { problems } => {
            let p: &Problem = &problems[0];
            invalid(&p.path, p.message.clone())
        }
        other => other,
    })
}

/// A type whose values can be saved as bytes and loaded back exactly.
pub trait Saved: Serialize + DeserializeOwned {
    /// The kind written into the state (the type's name).
    const KIND: &'static str;

    /// Checks a loaded value (the rules its constructor enforces).
    fn check(&self) -> Result<()> {
        Ok(())
    }

    /// The value as a state (UTF-8 JSON bytes).
    fn to_state(&self) -> Vec<u8> {
        serde_json::to_vec(&Out {
            nps_state: STATE_VERSION,
            kind: Self::KIND,
            value: self,
        })
        .expect("nps states serialize")
    }

    /// Loads a state written by [`Saved::to_state`].
    ///
    /// Errors: [`Error::InvalidArgument`] (`state`, with the JSON path) for
    /// a state that is not JSON, of another kind or version, has a value that
    /// does not read, or is larger than [`MAX_STATE_BYTES`]; the error of
    /// [`Saved::check`] for a value that breaks the type's rules.
    fn from_state(bytes: &[u8]) -> Result<Self> {
        let kind = saved_kind(bytes)?;
        if kind != Self::KIND {
            return Err(invalid(
                "kind",
                format!("a saved {kind:?} does not load as {:?}", Self::KIND),
            ));
        }
        // saved_kind checked that the bytes are UTF-8.
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        let value = read::<In<Self>>(text)?.value;
        value.check()?;
        Ok(value)
    }
}

/// The kind of a state (the type it loads as), after the checks of
/// [`Saved::from_state`] on its size, encoding and version: a binding that
/// holds one of several types picks the one to load.
///
/// Errors: [`Error::InvalidArgument`] (`state`) as [`Saved::from_state`].
///
/// ```
/// use nps_core::state::{saved_kind, Saved};
/// use nps_core::group::{group_by, GroupOptions};
/// let g = group_by(&[10u8, 9, 0], &GroupOptions::default())?;
/// assert_eq!(saved_kind(&g.to_state())?, "Grouped");
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn saved_kind(bytes: &[u8]) -> Result<String> {
    if bytes.len() > MAX_STATE_BYTES {
        return Err(Error::InvalidArgument {
            name: "state",
            reason: format!(
                "{} bytes, more than the {MAX_STATE_BYTES} a state may have",
                bytes.len()
            ),
        });
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| invalid("", format!("a state is UTF-8 JSON: {e}")))?;
    let header: Header = read(text)?;
    if header.nps_state != STATE_VERSION {
        return Err(invalid(
            "nps_state",
            format!(
                "state version {} cannot be read by this version of nps (it reads {STATE_VERSION})",
                header.nps_state
            ),
        ));
    }
    Ok(header.kind)
}

/// Exact saved form of an `Option<f64>` that may be infinite, for
/// `#[serde(with = "crate::state::exact_f64")]`: finite values are JSON
/// numbers, `±∞` the strings `"inf"` and `"-inf"` (JSON has no infinity;
/// serde_json would write `null` and read back `None`).
pub(crate) mod exact_f64 {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Number(f64),
        Text(String),
    }

    pub(crate) fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        v.map(|x| match x {
            x if x == f64::INFINITY => Repr::Text("inf".into()),
            x if x == f64::NEG_INFINITY => Repr::Text("-inf".into()),
            x => Repr::Number(x),
        })
        .serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<Repr>::deserialize(d)?
            .map(|r| match r {
                Repr::Number(x) => Ok(x),
                Repr::Text(t) if t == "inf" => Ok(f64::INFINITY),
                Repr::Text(t) if t == "-inf" => Ok(f64::NEG_INFINITY),
                Repr::Text(t) => Err(serde::de::Error::custom(format!(
                    "`{}` is not a number, \"inf\" or \"-inf\"",
                    crate::error::quote(&t)
                ))),
            })
            .transpose()
    }
}
