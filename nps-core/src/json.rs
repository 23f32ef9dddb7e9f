//! JSON reading with the path of the first structural error.

use serde::de::DeserializeOwned;

use crate::error::{Error, Problem, Result};

/// Deserializes JSON; a syntax or type error becomes [`Error::InvalidPolicy`]
/// with the JSON path of the offending field.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        // serde_path_to_error writes "." for the root and "?" where a syntax
        // error leaves the position unknown; both mean the document itself.
        let path = if path == "." || path == "?" {
            String::new()
        } else {
            path
        };
        Error::InvalidPolicy {
            problems: vec![Problem::new(path, e.into_inner().to_string())],
        }
    })
}
