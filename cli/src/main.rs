fn main() {
    std::process::exit(mikopbx_cli::run(std::env::args_os()));
}
