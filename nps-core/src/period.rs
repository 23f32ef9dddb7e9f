//! Calendar periods.
