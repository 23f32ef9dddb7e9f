//! Grouping.
