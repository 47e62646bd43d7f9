//! Profiling aid: `locate` over the benchmark corpus many times (`perf record` this).
//! Prints the throughput of the loop alone, without generating the corpus.
//!
//!     cargo run --release --example locate_loop -- [ROUNDS]
//!
//! `FILES=N` sets how many scripts the corpus has (2000; 20 fit in the L2 cache);
//! `FLUXTASK_CLASSIFIER=portable|avx2|avx512` picks the block classifier.
#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)] // the profiler needs only part of the generator
mod corpus;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let count = std::env::var("FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let files = corpus::corpus(42, count);
    let bytes: usize = files.iter().map(String::len).sum();
    let started = std::time::Instant::now();
    let mut ok = 0;
    for _ in 0..rounds {
        ok += files
            .iter()
            .filter(|f| fluxtask::locate::locate(f).is_ok())
            .count();
    }
    let seconds = started.elapsed().as_secs_f64();
    let mib_s = (bytes * rounds) as f64 / seconds / (1 << 20) as f64;
    let classifier = fluxtask::scan::classifier_name();
    println!("{ok} records located, {mib_s:.0} MiB/s ({classifier} classifier)");
}
