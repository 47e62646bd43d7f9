//! Every byte the commands print goes through here, so a failed write (a full disk, a closed
//! file) becomes an error message and exit code 2 instead of a panic.

use std::io::{self, Write};
use std::sync::OnceLock;

static STDOUT_FAILURE: OnceLock<String> = OnceLock::new();

/// Writes to stdout; after the first failure, later writes are skipped.
pub fn write_out(text: &str) {
    if STDOUT_FAILURE.get().is_some() {
        return;
    }
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        let _ = STDOUT_FAILURE.set(e.to_string());
    }
}

/// Writes to stderr; there is nowhere left to report a failure of that.
pub fn write_err(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// The exit code, or 2 with a message if stdout could not be written.
pub fn finish(code: i32) -> i32 {
    match STDOUT_FAILURE.get() {
        Some(e) => {
            write_err(&format!("fluxtask: error: writing to stdout failed: {e}\n"));
            super::EXIT_ERROR
        }
        None => code,
    }
}

macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::write_out(&format!($($arg)*)) };
}
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::output::write_out(&format!("{}\n", format_args!($($arg)*))) };
}
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::output::write_err(&format!($($arg)*)) };
}
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::output::write_err(&format!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use {err, errln, out, outln};
