#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fluxtask_fuzz::targets::skim_agrees(data));
