//! Which links exist: the scenario (a year, planned lines, dropped and added links).

use crate::error::{Error, Opt, OptionError, Result};
use crate::load::RawLink;
use crate::model::LinkStatus;

/// Links added to a scenario from another file.
#[derive(Debug, Clone, PartialEq)]
pub struct AddedLinks {
    /// The file they come from (as named in messages).
    pub file: String,
    /// The links.
    pub links: Vec<RawLink>,
}

/// Which links of the links file are in service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scenario {
    /// Keep the links in service in this year: open links with `opening_year ≤ year` (an open
    /// link without an opening year counts as open throughout), plus under-construction and
    /// planned links whose planned year is `≤ year`. `None`: the open links today.
    pub year: Option<i32>,
    /// Add every under-construction and planned link, whatever its year.
    pub with_planned: bool,
    /// Link ids to remove.
    pub drop: Vec<String>,
    /// Links added from other files (their ids must be new).
    pub add: Vec<AddedLinks>,
}

impl Scenario {
    /// Whether `link` is in service in this scenario (ignoring `drop`).
    pub fn in_service(&self, link: &RawLink) -> bool {
        let by_year = match (self.year, link.status) {
            (None, LinkStatus::Open) => true,
            (None, _) => false,
            (Some(y), LinkStatus::Open) => link.opening_year.is_none_or(|o| o <= y),
            (Some(y), _) => link.planned_year.is_some_and(|p| p <= y),
        };
        by_year || (self.with_planned && link.status != LinkStatus::Open)
    }

    /// The links in service, in file order (the links file, then each added file), after
    /// checking that added ids are new and every dropped id exists. Added links are always in
    /// service, whatever their status and year: adding a planned line is how a user asks what it
    /// would change.
    ///
    /// # Errors
    /// An added link whose id is already a link of `links` (naming its line), or a dropped id
    /// that no link has.
    pub fn select<'a>(&'a self, links: &'a [RawLink]) -> Result<Vec<&'a RawLink>> {
        let mut ids: std::collections::HashMap<&str, &RawLink> =
            links.iter().map(|l| (l.link_id.as_str(), l)).collect();
        for a in self.add.iter().flat_map(|a| &a.links) {
            if let Some(old) = ids.get(a.link_id.as_str()) {
                return Err(Error::input(
                    &a.file,
                    a.location.clone(),
                    format!(
                        "field \"link_id\" is \"{}\", already a link of {}",
                        a.link_id, old.file
                    ),
                ));
            }
            ids.insert(&a.link_id, a);
        }
        let added = || self.add.iter().flat_map(|a| &a.links);
        let all = || links.iter().chain(added());
        for d in &self.drop {
            if !all().any(|l| &l.link_id == d) {
                return Err(OptionError::new()
                    .opt(Opt::Drop, None)
                    .text(format!(": no link has the id \"{d}\""))
                    .into());
            }
        }
        // Added links are the scenario: they count whatever their status or year.
        Ok(links
            .iter()
            .filter(|l| self.in_service(l))
            .chain(added())
            .filter(|l| !self.drop.contains(&l.link_id))
            .collect())
    }

    /// A short description for reports, e.g. `open links in 2020, with planned, without R01-01`.
    pub fn describe(&self) -> String {
        let mut s = match self.year {
            None => "the open links today".to_string(),
            Some(y) => format!("the links in service in {y}"),
        };
        if self.with_planned {
            s.push_str(", plus every planned and under-construction link");
        }
        if !self.add.is_empty() {
            let files: Vec<&str> = self.add.iter().map(|a| a.file.as_str()).collect();
            s.push_str(&format!(", plus the links of {}", files.join(", ")));
        }
        if !self.drop.is_empty() {
            s.push_str(&format!(", without {}", self.drop.join(", ")));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_links;

    fn links() -> Vec<RawLink> {
        let csv = "link_id,from_code,to_code,mode,status,opening_year,planned_opening_year,time_min\n\
                   OLD,a,b,hsr,open,2010,,10\n\
                   NEW,b,c,hsr,open,2020,,10\n\
                   EXP,a,c,expressway,open,,,60\n\
                   UC,c,d,hsr,under_construction,,2027,10\n\
                   PL,d,e,hsr,planned,,,10\n";
        load_links(csv.as_bytes(), "l.csv").unwrap()
    }

    fn ids(sc: &Scenario) -> Vec<String> {
        let l = links();
        sc.select(&l)
            .unwrap()
            .iter()
            .map(|l| l.link_id.clone())
            .collect()
    }

    #[test]
    fn selection_by_year_and_status() {
        assert_eq!(ids(&Scenario::default()), ["OLD", "NEW", "EXP"]);
        assert_eq!(
            ids(&Scenario {
                year: Some(2015),
                ..Default::default()
            }),
            ["OLD", "EXP"]
        );
        assert_eq!(
            ids(&Scenario {
                year: Some(2027),
                ..Default::default()
            }),
            ["OLD", "NEW", "EXP", "UC"]
        );
        assert_eq!(
            ids(&Scenario {
                with_planned: true,
                ..Default::default()
            }),
            ["OLD", "NEW", "EXP", "UC", "PL"]
        );
        assert_eq!(
            ids(&Scenario {
                drop: vec!["NEW".into()],
                ..Default::default()
            }),
            ["OLD", "EXP"]
        );
    }

    #[test]
    fn unknown_drop_is_an_error() {
        let sc = Scenario {
            drop: vec!["NOPE".into()],
            ..Default::default()
        };
        assert_eq!(
            sc.select(&links()).unwrap_err().to_string(),
            "option drop: no link has the id \"NOPE\""
        );
    }

    #[test]
    fn scenario_add_of_a_planned_line_counts_and_is_named() {
        // Issue #16.5: an added link with status planned was a silent no-op.
        let add = load_links(
            b"link_id,from_code,to_code,mode,status,planned_opening_year,time_min\nNEWL,a,c,hsr,planned,2040,5\n",
            "new_line.csv",
        )
        .unwrap();
        let sc = Scenario {
            add: vec![AddedLinks {
                file: "new_line.csv".into(),
                links: add,
            }],
            ..Default::default()
        };
        let base = links();
        let got: Vec<&str> = sc
            .select(&base)
            .unwrap()
            .iter()
            .map(|l| l.link_id.as_str())
            .collect();
        assert_eq!(got, ["OLD", "NEW", "EXP", "NEWL"]);
        assert_eq!(
            sc.describe(),
            "the open links today, plus the links of new_line.csv"
        );
    }
}
