//! The `regionlink` command-line tool. Exit codes: 0 ok, 1 bad input (data files or
//! arguments), 2 any other error. A closed stdout (broken pipe) is not an error.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
mod cli;

use cli::args::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Interrupted (SIGINT, SIGTERM): remove the temporary files being written, so no
    // `.name.tmp-PID` is left behind, and exit 130 as shells do for an interrupted command.
    let _ = ctrlc::set_handler(|| {
        regionlink::export::write::remove_temporaries();
        std::process::exit(130);
    });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = cli::run(cli, &mut out).and_then(|()| Ok(out.flush()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let chain = cli::errors::chain(&e);
            eprintln!("regionlink: error: {}", chain.join(": "));
            let input = e.chain().any(|c| {
                c.downcast_ref::<regionlink::Error>()
                    .is_some_and(regionlink::Error::is_input)
            });
            ExitCode::from(if input { 1 } else { 2 })
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(c);
        while let Some(err) = cur {
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return true;
                }
                if let Some(inner) = io.get_ref() {
                    cur = Some(inner);
                    continue;
                }
            }
            if let Some(ce) = err.downcast_ref::<csv::Error>()
                && let csv::ErrorKind::Io(io) = ce.kind()
            {
                return io.kind() == std::io::ErrorKind::BrokenPipe;
            }
            cur = err.source();
        }
        false
    })
}
