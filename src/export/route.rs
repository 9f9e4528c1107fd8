//! A trip leg by leg: station access, each ride with its link, line, mode, minutes and time
//! source, egress; and which legs are estimates.

use std::io::{Result, Write};

use crate::analysis::Route;
use crate::route::Leg;

/// Print the route.
///
/// # Errors
/// Writing fails.
pub fn write(r: &Route, region: &crate::Region, out: &mut dyn Write) -> Result<()> {
    let (from, to, net, scen) = (&r.from, &r.to, &r.net, &r.scenario);
    let Some((total, dest)) = r.best else {
        return writeln!(
            out,
            "{} → {}: not reachable on the {} network ({scen}).",
            from.label,
            to.label,
            r.kind.as_str()
        );
    };
    let legs = &r.legs;
    writeln!(
        out,
        "{} → {}: {:.1} min {} on the {} network ({scen})",
        from.label,
        to.label,
        total.0,
        r.time.as_str(),
        r.kind.as_str()
    )?;
    if to.units.len() > 1 {
        let u = region.unit(dest);
        writeln!(out, "nearest unit of the destination: {}", u.label_code())?;
    }
    writeln!(out)?;
    if legs.is_empty() {
        writeln!(
            out,
            "The origin and the destination share a unit: no trip, 0 min."
        )?;
        return Ok(());
    }
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
            Leg::Transfer {
                unit,
                from,
                to,
                minutes,
            } => {
                penalties = true;
                let key = if from <= to {
                    format!("{from}_{to}")
                } else {
                    format!("{to}_{from}")
                };
                writeln!(
                    out,
                    "{n:>3}  {:<44} {:<11} {minutes:>7.1}  change of line (study network.transfer.{key}, assumed)",
                    format!("transfer at {}", region.unit(*unit).name),
                    format!("{from}→{to}")
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
            "Station access, egress and transfer minutes are assumptions of the study file ([network.<mode>], [network.transfer])."
        )?;
    }
    Ok(())
}
