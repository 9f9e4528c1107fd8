//! How the library's errors read on the command line: options become their flags.

use regionlink::error::Opt;

/// The flag of an option, with its value: `--mass pop`.
pub fn flag(o: Opt, value: Option<&str>) -> String {
    let f = match o {
        Opt::Mass => "--mass",
        Opt::Bands => "--bands",
        Opt::Decay => "--decay",
        Opt::SelfPotential => "--self-potential",
        Opt::Epsilon => "--epsilon",
        Opt::MaxMinutes => "--max-minutes",
        Opt::Engine => "--engine",
        Opt::Network => "--network",
        Opt::Wide => "--wide",
        Opt::Drop => "--drop",
        Opt::Add => "--add",
        Opt::Study => "--study",
        Opt::Nodes => "--nodes",
        Opt::Units => "--units",
        Opt::Measure => "--measure",
        Opt::Years => "--from/--to/--step",
        Opt::Samples => "--samples",
        Opt::Failures => "--k",
        _ => "--<option>",
    };
    match value {
        Some(v) => format!("{f} {v}"),
        None => f.to_string(),
    }
}

/// One error of a chain as the user reads it: the library's option errors name flags.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    match e.downcast_ref::<regionlink::Error>() {
        Some(regionlink::Error::Option(o)) => o.render(flag),
        _ => e.to_string(),
    }
}

/// The error and its causes as one line's parts, without a cause that only repeats the end of
/// the message before it (`x.csv: Permission denied (os error 13)` is not followed by
/// `Permission denied (os error 13)` again).
pub fn chain(e: &anyhow::Error) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in e.chain().map(describe) {
        if out.last().is_some_and(|prev| prev.ends_with(&m)) {
            continue;
        }
        out.push(m);
    }
    out
}
