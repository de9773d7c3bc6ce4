//! The `briefing` command: flags and the config file become library
//! options, [`briefing::build`] does the work, progress goes to stderr.

mod cli;

fn main() -> std::process::ExitCode {
    // An interrupted run (Ctrl-C, a termination signal) leaves no staging
    // file behind: they are removed before the process ends.
    // A running `serve` is asked to stop instead, at the first signal.
    let handler = ctrlc::set_handler(|| {
        if cli::stop_serving() {
            return;
        }
        briefing::remove_staging();
        cli::restore_terminal();
        std::process::exit(130);
    });
    if let Err(e) = handler {
        eprintln!("briefing: warning: interruptions may leave staging files behind: {e}");
    }
    cli::main()
}
