//! Goals.
