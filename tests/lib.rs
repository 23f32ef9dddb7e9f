//! Shared test helpers: loading the golden vectors.
