//! Feeds arbitrary bytes, as UTF-8, to `Policy::from_json` and
//! `Calendar::from_json`: neither may panic, and whatever loads must
//! round-trip through its own JSON to an equal value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nps_core::calendar::Calendar;
use nps_core::policy::Policy;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Policy::from_json(text) {
        let json = p.to_json();
        let again = Policy::from_json(&json).expect("a loaded policy reloads from its JSON");
        assert_eq!(again, p, "policy does not round-trip:\n{json}");
    }
    if let Ok(c) = Calendar::from_json(text) {
        let json = c.to_json();
        let again = Calendar::from_json(&json).expect("a loaded calendar reloads from its JSON");
        assert_eq!(again, c, "calendar does not round-trip:\n{json}");
    }
});
