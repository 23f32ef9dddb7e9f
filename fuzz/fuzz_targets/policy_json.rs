//! Policy and calendar JSON text: never a panic; whatever loads round-trips.
//! The check is `nps_fuzz::check` (fuzz/src/lib.rs), shared with the
//! regression replay in tests/integration/fuzz_regressions.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nps_fuzz::check("policy_json", data));
