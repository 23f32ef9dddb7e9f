//! Score, key, timestamp and respondent columns into group_by, checked against a BTreeMap oracle.
//! The check is `nps_fuzz::check` (fuzz/src/lib.rs), shared with the
//! regression replay in tests/integration/fuzz_regressions.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nps_fuzz::check("group_by", data));
