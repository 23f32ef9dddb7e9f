//! Pre-counted rows (u64 / i64 / f64) into HeatMap::from_rows.
//! The check is `nps_fuzz::check` (fuzz/src/lib.rs), shared with the
//! regression replay in tests/integration/fuzz_regressions.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nps_fuzz::check("heatmap_rows", data));
