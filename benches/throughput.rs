//! `cargo bench`: scan + locate throughput, a full `update` per file, and `check` over many
//! files, each beside a baseline measured in the same run on the same bytes (see
//! BENCHMARKS.md for the figures and how to read them).

mod corpus;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fluxtask::overrides::{Overrides, RawOverrides};
use fluxtask::payload::{self, Mode, TaskFields};
use fluxtask::report::{self, Style};
use fluxtask::span::LineIndex;
use fluxtask::{check, diff, locate, update};

fn scan_and_locate(c: &mut Criterion) {
    // FLUXTASK_CLASSIFIER=portable|avx2 measures a slower classifier than this CPU's best.
    eprintln!("block classifier: {}", fluxtask::scan::classifier_name());
    let files = corpus::corpus(42, 2000);
    let bytes: usize = files.iter().map(String::len).sum();
    let mut group = c.benchmark_group("corpus-2000");
    group.throughput(Throughput::Bytes(bytes as u64));
    // Baselines: touching every byte, and memmem for "option task" (what `grep -c` does).
    group.bench_function("baseline: sum bytes", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| f.bytes().map(u64::from).sum::<u64>())
                .sum::<u64>()
        })
    });
    let finder = memchr::memmem::Finder::new("option task");
    group.bench_function("baseline: memmem count", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| finder.find_iter(f.as_bytes()).count())
                .sum::<usize>()
        })
    });
    group.bench_function("scan + locate", |b| {
        b.iter(|| {
            files
                .iter()
                .filter(|f| locate::locate(black_box(f)).is_ok())
                .count()
        })
    });
    group.bench_function("check", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| check::check(black_box(f)).len())
                .sum::<usize>()
        })
    });
    group.finish();

    let large = corpus::large(7, 1 << 20);
    let mut group = c.benchmark_group("large-1mb");
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("baseline: memmem count", |b| {
        b.iter(|| finder.find_iter(large.as_bytes()).count())
    });
    group.bench_function("scan + locate", |b| {
        b.iter(|| locate::locate(black_box(&large)).is_ok())
    });
    group.finish();

    let mut group = c.benchmark_group("hostile-1mb");
    group.sample_size(20);
    for (label, text) in corpus::hostile(1 << 20) {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(label, |b| {
            b.iter(|| locate::locate(black_box(&text)).is_ok())
        });
    }
    group.finish();
}

fn full_update(c: &mut Criterion) {
    let files = corpus::corpus(42, 2000);
    let typical = files
        .iter()
        .find(|f| (4000..6000).contains(&f.len()))
        .expect("a ~5 KB script");
    let raw = RawOverrides {
        every: Some("2h".into()),
        offset: Some("5m".into()),
        ..RawOverrides::default()
    };
    let overrides = Overrides::new(&raw).unwrap();
    let mut group = c.benchmark_group("update-one-file");
    group.throughput(Throughput::Bytes(typical.len() as u64));
    group.bench_function("baseline: copy the text", |b| {
        b.iter(|| black_box(typical.clone()))
    });
    group.bench_function("locate + edit + diff + payload", |b| {
        b.iter(|| {
            let updated = update::update(black_box(typical), &overrides).unwrap();
            let shown = diff::unified(typical, &updated.output, "t.flux", false);
            let body = payload::safe_body(
                Mode::Flux,
                &updated.record,
                &updated.output,
                &overrides,
                &TaskFields::default(),
            );
            (shown, body.map(|b| payload::to_json(&b.body)))
        })
    });
    group.finish();
}

/// Many findings in one file: a record of 16 000 keys named `k` on one line (16 000
/// warnings), checked and rendered as people read them. Each finding must cost the same
/// wherever it is on the line.
fn many_findings(c: &mut Criterion) {
    let keys = 16_000;
    let src = format!(
        "option task = {{name: \"a\", every: 1h, {}}}\n",
        "k: 1, ".repeat(keys)
    );
    let mut group = c.benchmark_group("findings");
    group.sample_size(20);
    group.throughput(Throughput::Elements(keys as u64));
    group.bench_function("check + render 16 000 findings on one line", |b| {
        b.iter(|| {
            let findings = check::check(black_box(&src));
            let lines = LineIndex::new(&src);
            findings
                .iter()
                .map(|d| report::human("k.flux", &lines, d, Style { color: false }).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, scan_and_locate, full_update, many_findings);
criterion_main!(benches);
