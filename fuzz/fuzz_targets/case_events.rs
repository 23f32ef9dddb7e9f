//! A case built event by event (structured): rejected events leave it unchanged; round-trip, status, statistics.
//! The check is `nps_fuzz::check` (fuzz/src/lib.rs), shared with the
//! regression replay in tests/integration/fuzz_regressions.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nps_fuzz::check("case_events", data));
