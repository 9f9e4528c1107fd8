//! The `regionlink` command-line tool. Exit codes: 0 ok, 1 bad input (data files or
//! arguments), 2 any other error. A closed stdout (broken pipe) is not an error.

use std::io::Write;
use std::process::ExitCode;

mod cli;

use cli::args::Cli;

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if !e.use_stderr() || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                // --help, --version, or `regionlink` alone: the help as clap writes it.
                let _ = e.print();
                return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
            }
            eprintln!("regionlink: error: {}", one_line(&e));
            return ExitCode::from(1);
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
            eprintln!("regionlink: error: {}", one_line_text(&chain.join(": ")));
            let input = e.chain().any(|c| {
                c.downcast_ref::<regionlink::Error>()
                    .is_some_and(regionlink::Error::is_input)
            });
            ExitCode::from(if input { 1 } else { 2 })
        }
    }
}

/// `text` with its control characters escaped (`\n` for a line feed, as in JSON), so that a
/// value echoed from the input (a name with a line break) cannot split the one-line message.
fn one_line_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The arguments, with negative numbers read as values everywhere (`--epsilon -1` is the value
/// -1, refused with its reason, not an unknown flag `-1`).
fn parse() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    fn negatives(c: clap::Command) -> clap::Command {
        c.allow_negative_numbers(true).mut_subcommands(negatives)
    }
    let matches = negatives(Cli::command()).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// A clap error on one line, as every other error: the message, its tips, and the usage of the
/// subcommand.
fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut msg = String::new();
    let mut usage = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("For more information") {
            continue;
        }
        if let Some(u) = line.strip_prefix("Usage: ") {
            usage = Some(u.to_string());
        } else if line.starts_with("tip:") {
            msg.push_str("; ");
            msg.push_str(line);
        } else {
            if !msg.is_empty() {
                msg.push(' ');
            }
            msg.push_str(line.strip_prefix("error: ").unwrap_or(line));
        }
    }
    match usage {
        Some(u) => format!("{msg} (usage: {u}; more with --help)"),
        None => msg,
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
