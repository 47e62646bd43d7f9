fn main() {
    std::process::exit(fluxtask::cli::run());
}
