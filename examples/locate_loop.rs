//! Profiling aid: `locate` over the benchmark corpus many times (`perf record` this).
#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)] // the profiler needs only part of the generator
mod corpus;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let files = corpus::corpus(42, 2000);
    let mut ok = 0;
    for _ in 0..rounds {
        ok += files
            .iter()
            .filter(|f| fluxtask::locate::locate(f).is_ok())
            .count();
    }
    println!("{ok}");
}
