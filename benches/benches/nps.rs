//! Criterion benches of the hot paths of nps-core.
//!
//! Run with `cargo bench -p nps-benches` (about two minutes; see
//! `benches/README.md`). Sizes: 10^7 rows for the column benches, so every
//! input is far larger than the caches and the numbers reflect memory-bound
//! throughput, as on real data.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nps_benches::{dealers, scores, timestamps};
use nps_core::group::{group_by, GroupOptions, Keys};
use nps_core::period::Period;
use nps_core::{
    compare, Bayes, Credible, IntervalMethod, NpsSample, Tally, TestMethod, TestOptions,
};

const ROWS: usize = 10_000_000;
const DEALERS: u32 = 5_000;
const MONTHS: i64 = 24;

fn tally(c: &mut Criterion) {
    let s8 = scores(ROWS, 1);
    let s64: Vec<i64> = s8.iter().map(|&x| i64::from(x)).collect();
    let f64s: Vec<f64> = s8.iter().map(|&x| f64::from(x)).collect();
    let mut g = c.benchmark_group("tally_from_scores");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("u8", |b| {
        b.iter(|| Tally::from_scores(black_box(&s8[..])).unwrap())
    });
    g.bench_function("u8_one_thread", |b| {
        nps_core::set_max_threads(1);
        b.iter(|| Tally::from_scores(black_box(&s8[..])).unwrap());
        nps_core::set_max_threads(0);
    });
    g.bench_function("i64", |b| {
        b.iter(|| Tally::from_scores(black_box(&s64[..])).unwrap())
    });
    g.bench_function("f64", |b| {
        b.iter(|| Tally::from_scores(black_box(&f64s[..])).unwrap())
    });
    g.finish();
}

fn grouping(c: &mut Criterion) {
    let s = scores(ROWS, 1);
    let d = dealers(ROWS, DEALERS, 2);
    let t = timestamps(ROWS, MONTHS, 3);
    let mut g = c.benchmark_group("group_by");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("dealer", |b| {
        let opts = GroupOptions {
            keys: Some(Keys::U32(&d)),
            ..Default::default()
        };
        b.iter(|| group_by(black_box(&s[..]), &opts).unwrap())
    });
    for tz in ["UTC", "Asia/Shanghai"] {
        g.bench_with_input(BenchmarkId::new("month", tz), &tz, |b, &tz| {
            let opts = GroupOptions {
                timestamps: Some(&t),
                period: Some(Period::Month),
                tz: Some(tz),
                ..Default::default()
            };
            b.iter(|| group_by(black_box(&s[..]), &opts).unwrap())
        });
    }
    g.bench_function("dealer_x_month/Asia/Shanghai", |b| {
        let opts = GroupOptions {
            keys: Some(Keys::U32(&d)),
            timestamps: Some(&t),
            period: Some(Period::Month),
            tz: Some("Asia/Shanghai"),
            ..Default::default()
        };
        b.iter(|| group_by(black_box(&s[..]), &opts).unwrap())
    });
    g.finish();
}

fn statistics(c: &mut Criterion) {
    let a = Tally::from_counts([30, 12, 15, 20, 25, 40, 60, 150, 220, 310, 380]).unwrap();
    let b = Tally::from_counts([40, 15, 20, 25, 30, 45, 70, 160, 200, 280, 300]).unwrap();
    let mut g = c.benchmark_group("stats");
    g.bench_function("interval_score", |bch| {
        bch.iter(|| {
            black_box(&a)
                .interval(&IntervalMethod::Score, 0.95)
                .unwrap()
        })
    });
    for (name, credible) in [
        ("interval_bayes_equal_tailed", Credible::EqualTailed),
        ("interval_bayes_hpd", Credible::Hpd),
    ] {
        let m = IntervalMethod::Bayes(Bayes {
            credible,
            ..Default::default()
        });
        if let Err(e) = a.interval(&m, 0.95) {
            // Keeps the bench suite usable while a method is unavailable.
            eprintln!("skipping stats/{name}: {e}");
            continue;
        }
        g.bench_function(name, |bch| {
            bch.iter(|| black_box(&a).interval(&m, 0.95).unwrap())
        });
    }
    g.bench_function("compare_wald", |bch| {
        bch.iter(|| {
            compare(
                black_box(&a),
                black_box(&b),
                &TestOptions::from(TestMethod::Wald),
            )
            .unwrap()
        })
    });
    g.bench_function("compare_adjusted_wald", |bch| {
        let m = TestOptions::default();
        bch.iter(|| compare(black_box(&a), black_box(&b), &m).unwrap())
    });
    g.finish();
}

/// Bayesian credible intervals (issue 12) at three sizes: a small dealer,
/// a medium one and 10^6 responses; each call is one interval.
fn bayes_intervals(c: &mut Criterion) {
    let sizes = [
        ("small_n20", [3u64, 5, 12]),
        ("medium_n1362", [142, 530, 690]),
        ("large_n1e6", [150_000, 250_000, 600_000]),
    ];
    let mut g = c.benchmark_group("bayes");
    for (credible_name, credible) in [
        ("equal_tailed", Credible::EqualTailed),
        ("hpd", Credible::Hpd),
    ] {
        let m = IntervalMethod::Bayes(Bayes {
            credible,
            ..Default::default()
        });
        for (size, [d, pa, p]) in sizes {
            let t = Tally::from_categories(d, pa, p).unwrap();
            g.bench_function(BenchmarkId::new(credible_name, size), |bch| {
                bch.iter(|| black_box(&t).interval(&m, 0.95).unwrap())
            });
        }
    }
    g.finish();
}

fn config() -> Criterion {
    // Short runs: the whole `cargo bench` stays within about two minutes on
    // 2 cores; 10 samples of a 10^7-row pass are plenty for a stable mean.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
}

criterion_group! {
    name = benches;
    config = config();
    targets = tally, grouping, statistics, bayes_intervals
}
criterion_main!(benches);
