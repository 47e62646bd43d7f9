//! Writes the benchmark corpus to disk, for the `cat` / `grep -c` / `fluxtask check`
//! comparisons in BENCHMARKS.md:
//!
//!     cargo run --release --example gencorpus -- /tmp/fluxbench
//!
//! gives `/tmp/fluxbench/tasks/0000.flux` … `1999.flux` (1–10 KB each) and
//! `/tmp/fluxbench/large/{1mb,50mb}.flux`.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/fluxbench".into()),
    );
    let tasks = out.join("tasks");
    let large = out.join("large");
    std::fs::create_dir_all(&tasks)?;
    std::fs::create_dir_all(&large)?;
    let mut total = 0;
    for (i, script) in corpus::corpus(42, 2000).iter().enumerate() {
        total += script.len();
        std::fs::write(tasks.join(format!("{i:04}.flux")), script)?;
    }
    std::fs::write(large.join("1mb.flux"), corpus::large(7, 1 << 20))?;
    std::fs::write(large.join("50mb.flux"), corpus::large(7, 50 << 20))?;
    for (label, text) in corpus::hostile(10 << 20) {
        std::fs::write(
            large.join(format!("hostile-{}.flux", label.replace(' ', "-"))),
            text,
        )?;
    }
    eprintln!(
        "wrote 2000 scripts ({total} bytes) and large files under {}",
        out.display()
    );
    Ok(())
}
