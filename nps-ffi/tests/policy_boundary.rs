//! Panic safety of the recovery-policy C API: hostile input to every
//! `nps_policy_*`, `nps_calendar_*`, `nps_wall_*` and `nps_case_status_*`
//! function gives a typed status and leaves the outputs untouched; a panic
//! inside nps-core (a bug) is caught at the boundary, reported as
//! `NPS_STATUS_PANIC`, and the library and the handle stay usable. (An
//! unwind into C would abort this test process.)

use std::ffi::{c_char, CStr};
use std::ptr::{null, null_mut};

use nps::*;

const T0: i64 = 1_749_819_600; // Fri 2025-06-13 13:00 UTC

fn default_policy() -> *mut NpsPolicy {
    let mut p = null_mut();
    // SAFETY: p is writable.
    assert_eq!(unsafe { nps_policy_default(&mut p) }, NpsStatus::Ok);
    p
}

fn message() -> String {
    let mut buf = [0u8; 512];
    // SAFETY: buf is writable for its length.
    unsafe { nps_last_error_message(buf.as_mut_ptr().cast(), buf.len()) };
    CStr::from_bytes_until_nul(&buf)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn response(score: u8, at: i64) -> NpsResponse {
    NpsResponse {
        score,
        submitted_at: at,
        high_value: false,
        public_opinion_risk: false,
    }
}

fn code(s: &str) -> [c_char; 4] {
    let mut c = [0 as c_char; 4];
    for (d, b) in c.iter_mut().zip(s.bytes()) {
        *d = b as c_char;
    }
    c
}

/// The library still answers normally on this thread and this handle.
fn still_usable(p: *const NpsPolicy) {
    let mut t = std::mem::MaybeUninit::<NpsTriage>::uninit();
    // SAFETY: p is live; t is writable.
    let s = unsafe { nps_policy_triage(p, &response(0, T0), t.as_mut_ptr()) };
    assert_eq!(s, NpsStatus::Ok, "{}", message());
    // SAFETY: written on success.
    let t = unsafe { t.assume_init() };
    assert_eq!(t.alert, NpsAlert::Red as u32);
    assert_eq!(nps_last_error_status(), NpsStatus::Ok as u32);
}

#[test]
fn handles_are_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    // The doc comments promise that handles may be used from many threads.
    shareable::<NpsPolicy>();
    shareable::<NpsCalendar>();
    shareable::<NpsCaseStatus>();
}

#[test]
fn hostile_input_gives_typed_statuses() {
    let p = default_policy();
    let mut t = [0xA5u8; size_of::<NpsTriage>()];
    let tp = t.as_mut_ptr().cast::<NpsTriage>();
    // SAFETY (whole block): every pointer is NULL, a live handle, or valid
    // local memory of the right size; the library rejects the bad ones
    // before reading.
    unsafe {
        let bad_score = response(200, T0);
        assert_eq!(
            nps_policy_triage(p, &bad_score, tp),
            NpsStatus::InvalidScore
        );
        let far = response(3, i64::MIN);
        assert_eq!(nps_policy_triage(p, &far, tp), NpsStatus::InvalidTimestamp);
        assert_eq!(nps_policy_triage(null(), &far, tp), NpsStatus::NullPointer);
        assert_eq!(
            nps_policy_triage_many(p, null(), usize::MAX, tp),
            NpsStatus::NullPointer
        );
        let rs = [response(1, T0)];
        assert_eq!(
            nps_policy_triage_many(p, rs.as_ptr(), usize::MAX / 2, tp),
            NpsStatus::InvalidArgument,
            "a length whose byte size overflows is rejected before reading"
        );
        assert!(t.iter().all(|&b| b == 0xA5), "output written on failure");

        // Out-of-range enumerations.
        let items = [NpsItem {
            minor: 100,
            currency: code("CNY"),
            layer: u32::MAX,
        }];
        let mut a = std::mem::MaybeUninit::<NpsApproval>::uninit();
        let s = nps_policy_required_approver(
            p,
            items.as_ptr(),
            1,
            0,
            null(),
            a.as_mut_ptr(),
            null_mut(),
            0,
        );
        assert_eq!(s, NpsStatus::InvalidArgument);
        let s = nps_policy_required_approver(
            p,
            null(),
            0,
            u32::MAX,
            null(),
            a.as_mut_ptr(),
            null_mut(),
            0,
        );
        assert_eq!(s, NpsStatus::InvalidArgument);
        // Overflowing money is a typed error, not an arithmetic panic.
        let big = [
            NpsItem {
                minor: i64::MAX,
                currency: code("CNY"),
                layer: NpsLayer::LossCompensation as u32,
            },
            NpsItem {
                minor: i64::MAX,
                currency: code("CNY"),
                layer: NpsLayer::LossCompensation as u32,
            },
        ];
        let s = nps_policy_required_approver(
            p,
            big.as_ptr(),
            2,
            0,
            null(),
            a.as_mut_ptr(),
            null_mut(),
            0,
        );
        assert_eq!(s, NpsStatus::Overflow, "{}", message());
        let rate = NpsRate {
            from: code("USD"),
            to: code("CNY"),
            rate: c"999999999999.999999".as_ptr(),
        };
        let opts = NpsApprovalOptions {
            rates: &rate,
            rates_len: 1,
            has_granted_case: false,
            granted_case: NpsMoney {
                minor: 0,
                currency: [0; 4],
            },
            has_granted_customer: false,
            granted_customer: NpsMoney {
                minor: 0,
                currency: [0; 4],
            },
            has_granted_vehicle: false,
            granted_vehicle: NpsMoney {
                minor: 0,
                currency: [0; 4],
            },
        };
        let usd = [NpsItem {
            minor: i64::MAX,
            currency: code("USD"),
            layer: 0,
        }];
        let s = nps_policy_required_approver(
            p,
            usd.as_ptr(),
            1,
            0,
            &opts,
            a.as_mut_ptr(),
            null_mut(),
            0,
        );
        assert_eq!(s, NpsStatus::Overflow, "{}", message());

        // Calendars: extreme durations and instants.
        let json = br#"{"tz": "UTC", "weekly": {"mon": [["00:00", "24:00"]]}}"#;
        let mut cal = null_mut();
        assert_eq!(
            nps_calendar_from_json(json.as_ptr().cast(), json.len(), &mut cal),
            NpsStatus::Ok
        );
        let mut out = 7i64;
        for (unit, amount) in [(1, i64::MAX), (0, i64::MIN), (2, i64::MAX), (9, 1)] {
            let d = NpsDuration { unit, amount };
            let s = nps_calendar_deadline(cal, 0, d, null(), 0, &mut out);
            assert_eq!(s, NpsStatus::InvalidArgument, "unit {unit} amount {amount}");
        }
        let d = NpsDuration {
            unit: 2,
            amount: i64::from(u32::MAX),
        };
        // Beyond MAX_BUSINESS_DAYS: an argument out of its documented
        // range, not "no data".
        assert_eq!(
            nps_calendar_deadline(cal, 0, d, null(), 0, &mut out),
            NpsStatus::InvalidArgument
        );
        assert!(message().contains("MAX_BUSINESS_DAYS"), "{}", message());
        assert_eq!(
            nps_calendar_elapsed(cal, i64::MIN, i64::MAX, null(), 0, &mut out),
            NpsStatus::InvalidArgument
        );
        // Pause instants outside years 1..=9999 are rejected, like starts.
        let huge = NpsPause {
            start: i64::MIN,
            end: i64::MAX,
        };
        assert_eq!(
            nps_calendar_elapsed(cal, 0, 3600, &huge, 1, &mut out),
            NpsStatus::InvalidArgument
        );
        // A pause over the whole supported range leaves no business time.
        let all = NpsPause {
            start: -62_135_596_800,
            end: 253_402_300_799,
        };
        assert_eq!(
            nps_calendar_elapsed(cal, 0, 3600, &all, 1, &mut out),
            NpsStatus::Ok
        );
        assert_eq!(out, 0);
        out = 7;
        let mut open = false;
        assert_eq!(
            nps_calendar_is_open(cal, i64::MAX, &mut open),
            NpsStatus::InvalidArgument
        );
        assert_eq!(nps_wall_elapsed(0, 10, &all, 1, &mut out), NpsStatus::Ok);
        assert_eq!(out, 0);
        nps_calendar_free(cal);

        // Case status with extreme progress and "now".
        let g = NpsProgress {
            has_acknowledged_at: true,
            acknowledged_at: i64::MIN,
            has_contacted_at: true,
            contacted_at: i64::MAX,
        };
        // An acknowledgement before the submission is refused
        // (Progress::validate), never counted as "met".
        for now in [i64::MIN, i64::MAX] {
            let mut cs = null_mut();
            let s = nps_policy_case_status(p, &response(2, T0), &g, now, c"x".as_ptr(), &mut cs);
            assert_eq!(s, NpsStatus::InvalidArgument, "{}", message());
            assert!(message().contains("acknowledged_at"), "{}", message());
            assert!(cs.is_null());
        }
        let late = NpsProgress {
            has_acknowledged_at: true,
            acknowledged_at: T0,
            has_contacted_at: true,
            contacted_at: i64::MAX,
        };
        for now in [i64::MIN, i64::MAX] {
            let mut cs = null_mut();
            let s = nps_policy_case_status(p, &response(2, T0), &late, now, c"x".as_ptr(), &mut cs);
            assert_eq!(s, NpsStatus::Ok, "{}", message());
            nps_case_status_free(cs);
        }

        // Problems of a document that is not even JSON.
        let mut q = null_mut();
        let junk = [0xFFu8, 0xFE, 0x00, b'{'];
        assert_eq!(
            nps_policy_from_json(junk.as_ptr().cast(), 4, &mut q),
            NpsStatus::InvalidUtf8
        );
        assert_eq!(
            nps_policy_from_json(junk[2..].as_ptr().cast(), 2, &mut q),
            NpsStatus::InvalidPolicy
        );
        assert!(q.is_null());
        assert!(nps_last_error_problem_count() >= 1);
        assert_eq!(nps_last_error_problem_path(usize::MAX, null_mut(), 0), 0);
    }
    still_usable(p);
    // SAFETY: p is live and freed once.
    unsafe { nps_policy_free(p) };
}

/// Inputs that make nps-core's arithmetic overflow (core gaps: the visit's
/// lateness `now - promised_at` and a wall deadline after a pause that
/// ends near `i64::MAX` are computed unchecked). Whatever the core does,
/// the C boundary must return a status — never unwind — write nothing,
/// record the error, and keep the library and the handle usable.
#[test]
fn core_panics_stay_behind_the_boundary() {
    let p = default_policy();
    let visit = NpsVisit {
        has_promised_at: true,
        promised_at: i64::MIN,
        now: i64::MAX,
        progress_inquiries: 0,
        messages: null(),
        messages_len: 0,
        ratings: null(),
        ratings_len: 0,
    };
    let mut a = [0xA5u8; size_of::<NpsVisitAssessment>()];
    // SAFETY: p is live, visit valid, `a` writable for the struct.
    let s = unsafe { nps_policy_assess_visit(p, &visit, a.as_mut_ptr().cast()) };
    assert_eq!(nps_last_error_status(), s as u32);
    if s != NpsStatus::Ok {
        assert!(a.iter().all(|&b| b == 0xA5), "output written on failure");
    }
    if s == NpsStatus::Panic {
        assert!(message().contains("a bug in nps"), "{}", message());
    }
    still_usable(p);

    let pause = NpsPause {
        start: 5,
        end: i64::MAX,
    };
    let mut out = 42i64;
    // SAFETY: pause is one valid value; out is writable.
    let s = unsafe { nps_wall_deadline(0, 10, &pause, 1, &mut out) };
    assert_ne!(
        s,
        NpsStatus::Ok,
        "no instant 10 s after a pause to the end of time"
    );
    assert_eq!(out, 42);
    assert_eq!(nps_last_error_status(), s as u32);
    still_usable(p);
    // SAFETY: p is live and freed once.
    unsafe { nps_policy_free(p) };
}
