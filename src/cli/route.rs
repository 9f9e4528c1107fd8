//! `regionlink route FROM TO`: the fastest path, leg by leg.

use std::io::Write;

use anyhow::{Result, bail};

use crate::cli::args::RouteArgs;
use regionlink::load::{Inputs, members_of};
use regionlink::model::{Minutes, UnitId};
use regionlink::network::NetworkKind;
use regionlink::route::{Dijkstra, Leg};

/// A place on the command line: a core (several units) or one unit.
#[derive(Debug, Clone)]
pub struct Place {
    /// Display name.
    pub label: String,
    /// Its units.
    pub units: Vec<UnitId>,
}

/// Resolve a command-line place: a core name (English or Chinese), a unit code, or a unit
/// name in either language.
pub fn resolve(inputs: &Inputs, q: &str) -> Result<Place> {
    let region = &inputs.region;
    for c in &inputs.study.cores {
        if c.name.eq_ignore_ascii_case(q.trim()) || c.name_zh.as_deref() == Some(q.trim()) {
            let mut units: Vec<UnitId> = c
                .codes
                .iter()
                .flat_map(|code| members_of(region, code))
                .collect();
            units.sort();
            units.dedup();
            return Ok(Place {
                label: format!("core {} ({} units)", c.name, units.len()),
                units,
            });
        }
    }
    let found = region.find(q);
    match found.as_slice() {
        [u] => {
            let u = region.unit(*u);
            Ok(Place {
                label: u.label_code(),
                units: vec![u.id],
            })
        }
        [] => Err(regionlink::Error::Usage(format!(
            "\"{q}\" matches no unit code, unit name or core name of {}",
            region.source
        ))
        .into()),
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|&u| format!("{} ({})", region.unit(u).name, region.unit(u).code))
                .collect();
            Err(regionlink::Error::Usage(format!(
                "\"{q}\" is ambiguous: {}; use a code",
                names.join(", ")
            ))
            .into())
        }
    }
}

/// Run the subcommand.
pub fn run(a: &RouteArgs, out: &mut dyn Write) -> Result<()> {
    if a.network == NetworkKind::Composite {
        bail!(regionlink::Error::Usage(
            "--network composite is a combination of two matrices and has no paths; use road or rail".into()
        ));
    }
    let inputs = crate::cli::load(&a.input)?;
    let from = resolve(&inputs, &a.from)?;
    let to = resolve(&inputs, &a.to)?;
    let (net, _) = crate::cli::network(&inputs, &a.scenario, a.network)?;
    let region = &inputs.region;
    let mut dj = Dijkstra::new(net.node_count());
    let sources: Vec<_> = from
        .units
        .iter()
        .map(|&u| (net.unit_node(u), Minutes::ZERO))
        .collect();
    let tree = dj.run(&net, &sources, None);
    let best = to
        .units
        .iter()
        .filter_map(|&u| tree.time(net.unit_node(u)).map(|t| (t, u)))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let scen = a.scenario.scenario().describe();
    let Some((total, dest)) = best else {
        writeln!(
            out,
            "{} → {}: not reachable on the {} network ({scen}).",
            from.label,
            to.label,
            a.network.as_str()
        )?;
        return Ok(());
    };
    let legs = tree
        .legs(net.unit_node(dest))
        .expect("reachable node has a path");
    writeln!(
        out,
        "{} → {}: {:.1} min on the {} network ({scen})",
        from.label,
        to.label,
        total.0,
        a.network.as_str()
    )?;
    if to.units.len() > 1 {
        let u = region.unit(dest);
        writeln!(out, "nearest unit of the destination: {}", u.label_code())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:>3}  {:<44} {:<11} {:>7}  link, line, time source",
        "leg", "from → to", "mode", "min"
    )?;
    let mut estimates = Vec::new();
    let mut penalties = false;
    for (i, leg) in legs.iter().enumerate() {
        let n = i + 1;
        match leg {
            Leg::Access {
                unit,
                mode,
                minutes,
            } => {
                penalties = true;
                writeln!(
                    out,
                    "{n:>3}  {:<44} {:<11} {minutes:>7.1}  station access (study network.{mode}.access_min, assumed)",
                    region.unit(*unit).name,
                    format!("to {mode}")
                )?;
            }
            Leg::Egress {
                unit,
                mode,
                minutes,
            } => {
                penalties = true;
                writeln!(
                    out,
                    "{n:>3}  {:<44} {:<11} {minutes:>7.1}  station egress (study network.{mode}.egress_min, assumed)",
                    region.unit(*unit).name,
                    format!("from {mode}")
                )?;
            }
            Leg::Road { minutes, arcs } => {
                estimates.push(n);
                writeln!(
                    out,
                    "{n:>3}  {:<44} {:<11} {minutes:>7.1}  {arcs} arcs of the road graph, seat connectors included [estimate: length / class speed]",
                    "road graph (--roads)", "road"
                )?;
            }
            Leg::Ride {
                link,
                from,
                to,
                minutes,
            } => {
                let l = net.link(*link);
                if l.estimate {
                    estimates.push(n);
                }
                let line = l.line_name.as_deref().unwrap_or("");
                writeln!(
                    out,
                    "{n:>3}  {:<44} {:<11} {minutes:>7.1}  {} {} [{}{}]",
                    format!("{} → {}", region.unit(*from).name, region.unit(*to).name),
                    l.mode.as_str(),
                    l.link_id,
                    line,
                    l.time_source,
                    if l.estimate { ", estimate" } else { "" }
                )?;
            }
        }
    }
    writeln!(out)?;
    if estimates.is_empty() {
        writeln!(out, "Every ride time is a timetable figure.")?;
    } else {
        let e: Vec<String> = estimates.iter().map(|n| n.to_string()).collect();
        writeln!(
            out,
            "Estimated ride times (not timetable figures): legs {}.",
            e.join(", ")
        )?;
    }
    if penalties {
        writeln!(
            out,
            "Station access/egress minutes are assumptions of the study file ([network.<mode>])."
        )?;
    }
    Ok(())
}
