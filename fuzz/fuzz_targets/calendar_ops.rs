//! Deadlines and elapsed time on fuzzed calendars. The first 26 bytes pick
//! the start, the duration and one pause; the rest is calendar JSON. No call
//! may panic; a business-time deadline must be at or after the start and
//! give back its duration as elapsed time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nps_core::calendar::{Calendar, Duration, Pause};

fn i64_at(b: &[u8], i: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[i..i + 8]);
    i64::from_le_bytes(a)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 26 {
        return;
    }
    let (head, rest) = data.split_at(26);
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(cal) = Calendar::from_json(text) else {
        return;
    };
    // Instants within a few years of 2025, durations up to ~4 weeks, so the
    // search stays short; out-of-range values are covered by the unit tests.
    let start = 1_735_689_600 + i64_at(head, 0).rem_euclid(4 * 365 * 86_400);
    let seconds = i64_at(head, 8).rem_euclid(28 * 86_400);
    let pause_start = start + i64::from(head[16] as i8) * 3600;
    let pause = Pause {
        start: pause_start,
        end: pause_start + i64::from(head[17]) * 900,
    };
    let pauses = if head[18] & 1 == 1 {
        vec![pause]
    } else {
        vec![]
    };
    let duration = match head[19] % 3 {
        0 => Duration::Wall { seconds },
        1 => Duration::Business { seconds },
        _ => Duration::BusinessDays {
            days: u32::from(head[20] % 20),
        },
    };
    let _ = cal.is_open(start);
    if let Ok(due) = cal.deadline(start, duration, &pauses) {
        assert!(due >= start, "deadline {due} before start {start}");
        let elapsed = cal
            .elapsed(start, due, &pauses)
            .expect("elapsed up to a deadline");
        if let Duration::Business { seconds } = duration {
            assert_eq!(elapsed, seconds, "elapsed(start, deadline) != duration");
        }
    }
    let end = start + i64::from(u16::from_le_bytes([head[21], head[22]])) * 60;
    let _ = cal.elapsed(start, end, &pauses);
});
