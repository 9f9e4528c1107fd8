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
