fn main() {
    restore_sigpipe();
    std::process::exit(fluxtask::cli::run());
}

/// Rust ignores SIGPIPE, which turns `fluxtask … | head` into a panic on the next print.
/// Restoring the default makes fluxtask stop quietly like every other Unix filter.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread or I/O exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
