//! Complaint records with keys and timestamps into HeatMap::from_records.
//! The check is `nps_fuzz::check` (fuzz/src/lib.rs), shared with the
//! regression replay in tests/integration/fuzz_regressions.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nps_fuzz::check("heatmap", data));
