//! Criterion benches of the operational analytics: service KPIs, heat maps,
//! managed-distribution flags and Erlang C.
//!
//! Run with `cargo bench -p nps-benches --bench analytics` (see
//! `benches/README.md` for the machine and the results).

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nps_benches::{dealers, scores, timestamps, SplitMix64};
use nps_core::erlang::{erlang_c, servers_needed};
use nps_core::group::Keys;
use nps_core::heatmap::{HeatMap, RecordDims, Stage};
use nps_core::integrity::{managed_flags, FlagOptions};
use nps_core::kpi::{first_time_fix_rate, time_kpi_durations, ComebackOptions, Grouping, Jobs};
use nps_core::period::Period;
use nps_core::policy::Policy;
use nps_core::programme::{
    recovery_stats_table_from_case_columns, CaseColumns, CaseTexts, StatsGrouping, StatsOptions,
};

const JOBS: usize = 1_000_000;
const ROWS: usize = 10_000_000;

/// One million repair orders on 300,000 vehicles over two years, 8
/// complaint families, grouped by 500 dealers.
fn kpis(c: &mut Criterion) {
    let mut rng = SplitMix64::new(11);
    let vehicles: Vec<u64> = (0..JOBS).map(|_| rng.below(300_000)).collect();
    let families: Vec<u32> = (0..JOBS).map(|_| rng.below(8) as u32).collect();
    let opened = timestamps(JOBS, 24, 12);
    let closed: Vec<i64> = opened
        .iter()
        .map(|&t| t + 3600 + rng.below(3 * 86_400) as i64)
        .collect();
    let dealer = dealers(JOBS, 500, 13);
    let jobs = Jobs {
        vehicles: Keys::U64(&vehicles),
        complaints: Some(Keys::U32(&families)),
        opened: &opened,
        closed: &closed,
    };
    let mut g = c.benchmark_group("kpi");
    g.throughput(Throughput::Elements(JOBS as u64));
    g.bench_function("first_time_fix_rate", |b| {
        b.iter(|| {
            first_time_fix_rate(
                black_box(&jobs),
                &ComebackOptions::default(),
                &Grouping::default(),
            )
            .unwrap()
        })
    });
    g.bench_function("first_time_fix_rate_by_dealer_month", |b| {
        let grouping = Grouping {
            keys: Some(Keys::U32(&dealer)),
            timestamps: Some(&opened),
            period: Some(Period::Month),
            tz: Some("Asia/Shanghai"),
        };
        b.iter(|| first_time_fix_rate(black_box(&jobs), &ComebackOptions::default(), &grouping))
    });
    let waits: Vec<i64> = (0..JOBS).map(|_| rng.below(900) as i64).collect();
    g.bench_function("time_kpi_by_dealer", |b| {
        let grouping = Grouping {
            keys: Some(Keys::U32(&dealer)),
            ..Default::default()
        };
        b.iter(|| time_kpi_durations(black_box(&waits), 180, &grouping).unwrap())
    });
    g.finish();
}

/// One million complaint records over 60 pain points, 50 dealers, by month.
fn heat(c: &mut Criterion) {
    let mut rng = SplitMix64::new(21);
    let names: Vec<String> = (0..60).map(|i| format!("pain point {i}")).collect();
    let point_of: Vec<usize> = (0..JOBS).map(|_| rng.below(60) as usize).collect();
    let points: Vec<&str> = point_of.iter().map(|&i| names[i].as_str()).collect();
    let stages: Vec<Stage> = point_of
        .iter()
        .map(|&i| Stage::from_code(i as u32 % 6).unwrap())
        .collect();
    let pain: Vec<u8> = (0..JOBS).map(|_| 1 + rng.below(10) as u8).collect();
    let dealer_names: Vec<String> = (0..50).map(|i| format!("D{i:02}")).collect();
    let keys: Vec<&str> = (0..JOBS)
        .map(|_| dealer_names[rng.below(50) as usize].as_str())
        .collect();
    let ts = timestamps(JOBS, 24, 22);
    let mut g = c.benchmark_group("heat_map");
    g.throughput(Throughput::Elements(JOBS as u64));
    g.bench_function("from_records", |b| {
        b.iter(|| {
            HeatMap::from_records(black_box(&stages), &points, &pain, &RecordDims::default())
                .unwrap()
        })
    });
    g.bench_function("from_records_dealer_month", |b| {
        let dims = RecordDims {
            keys: Some(nps_core::group::Keys::Str(&keys)),
            timestamps: Some(&ts),
            period: Period::Month,
            tz: "Asia/Shanghai",
        };
        b.iter(|| HeatMap::from_records(black_box(&stages), &points, &pain, &dims).unwrap())
    });
    g.finish();
}

/// Ten million scores in 5,000 dealers: three exact binomial tests per
/// dealer against the rest of the network.
fn integrity(c: &mut Criterion) {
    let s = scores(ROWS, 31);
    let d = dealers(ROWS, 5_000, 32);
    let mut g = c.benchmark_group("managed_flags");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("5000_dealers", |b| {
        b.iter(|| managed_flags(black_box(&s[..]), Keys::U32(&d), &FlagOptions::default()).unwrap())
    });
    g.finish();
}

/// `Policy::triage_many` over 10^6 responses (scores and submission
/// instants over two years): the default policy (wall-clock deadlines).
fn triage(c: &mut Criterion) {
    let s = scores(JOBS, 41);
    let ts = timestamps(JOBS, 24, 42);
    let policy = Policy::default();
    let mut g = c.benchmark_group("triage");
    g.throughput(Throughput::Elements(JOBS as u64));
    g.bench_function("triage_many_default", |b| {
        b.iter(|| policy.triage_many(black_box(&s), &ts, &[], &[]).unwrap())
    });
    g.finish();
}

/// Recovery statistics (SPEC 4.5) of a case table of 100,000 cases by
/// dealer (50) x month over two years: the shape of `peers_ops.py
/// --tasks recovery` (5 reasons, 80 % contacted, 3 channels, outcomes).
fn recovery(c: &mut Criterion) {
    const CASES: usize = 100_000;
    let mut rng = SplitMix64::new(51);
    let ids: Vec<u64> = (0..CASES as u64).collect();
    let opened = timestamps(CASES, 24, 52);
    let score: Vec<f64> = (0..CASES).map(|_| rng.below(11) as f64).collect();
    const REASONS: [&str; 5] = ["waiting", "price", "repair", "staff", "parts"];
    let reason: Vec<Option<&str>> = (0..CASES)
        .map(|_| Some(REASONS[rng.below(5) as usize]))
        .collect();
    let dealer = dealers(CASES, 50, 53);
    let contacted: Vec<i64> = opened
        .iter()
        .map(|&t| {
            if rng.below(10) < 8 {
                t + rng.below(3 * 86_400) as i64
            } else {
                i64::MIN
            }
        })
        .collect();
    const CHANNELS: [&str; 3] = ["phone", "visit", "message"];
    let channel: Vec<Option<&str>> = contacted
        .iter()
        .map(|&t| (t != i64::MIN).then(|| CHANNELS[rng.below(3) as usize]))
        .collect();
    const OUTCOMES: [Option<&str>; 4] = [None, Some("recovered"), Some("converted"), Some("lost")];
    let outcome: Vec<Option<&str>> = contacted
        .iter()
        .map(|&t| match OUTCOMES[rng.below(4) as usize] {
            Some("recovered" | "converted") if t == i64::MIN => Some("lost"),
            o => o,
        })
        .collect();
    let cols = CaseColumns {
        case: CaseTexts::U64(&ids),
        opened: &opened,
        score: &score,
        reason: CaseTexts::Rows(&reason),
        dealer: CaseTexts::U32(&dealer),
        contacted: &contacted,
        channel: CaseTexts::Rows(&channel),
        outcome: CaseTexts::Rows(&outcome),
        ..CaseColumns::default()
    };
    let policy = Policy::default();
    let grouping = StatsGrouping {
        dealer: true,
        period: Some((Period::Month, "UTC".parse().unwrap())),
    };
    let mut g = c.benchmark_group("programme");
    g.throughput(Throughput::Elements(CASES as u64));
    let run = || {
        recovery_stats_table_from_case_columns(
            black_box(&cols),
            &policy,
            &StatsOptions::default(),
            &grouping,
            None,
        )
        .unwrap()
    };
    g.bench_function("recovery_stats_by_dealer_month", |b| b.iter(run));
    g.bench_function("recovery_stats_by_dealer_month_one_thread", |b| {
        nps_core::set_max_threads(1);
        b.iter(run);
        nps_core::set_max_threads(0);
    });
    g.finish();
}

fn erlang(c: &mut Criterion) {
    let mut g = c.benchmark_group("erlang_c");
    for servers in [10u32, 2_000] {
        let load = f64::from(servers) * 0.9;
        g.bench_with_input(BenchmarkId::new("erlang_c", servers), &servers, |b, &c| {
            b.iter(|| erlang_c(black_box(load), 1.0, c, Some(0.1)).unwrap())
        });
    }
    g.bench_function("servers_needed_load_1800", |b| {
        b.iter(|| servers_needed(black_box(1800.0), 1.0, 0.05, 0.9, None).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = kpis, heat, triage, integrity, recovery, erlang
}
criterion_main!(benches);
