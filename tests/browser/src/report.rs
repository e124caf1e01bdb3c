//! What the page's scripts observed, as the page reports it.
//!
//! The page sends one line per observation, `scenario TAB key TAB value`; its script keeps tabs and
//! line breaks out of values.

use std::collections::BTreeMap;

/// Every observation of one page run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    values: BTreeMap<(String, String), String>,
}

impl Report {
    /// Parses the page's report.
    ///
    /// # Errors
    ///
    /// On a line that is not `scenario TAB key TAB value`, or a key reported twice.
    pub fn parse(text: &str) -> Result<Report, String> {
        let mut values = BTreeMap::new();
        for line in text.lines().filter(|l| !l.is_empty()) {
            let mut fields = line.splitn(3, '\t');
            let (Some(scenario), Some(key), Some(value)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(format!("malformed report line {line:?}"));
            };
            let slot = (scenario.to_owned(), key.to_owned());
            if values.insert(slot, value.to_owned()).is_some() {
                return Err(format!("{scenario}.{key} reported twice"));
            }
        }
        Ok(Report { values })
    }

    /// What the script observed for `key` in `scenario`, if it reported it.
    pub fn get(&self, scenario: &str, key: &str) -> Option<&str> {
        self.values
            .get(&(scenario.to_owned(), key.to_owned()))
            .map(String::as_str)
    }

    /// The observations of one server's scenarios, named as the other servers' are: those whose
    /// scenario is `prefix` and then a name without `/`, with `prefix` removed (`prefix` `actix/`
    /// takes `actix/simple` as `simple`; the empty prefix takes only unprefixed scenarios).
    pub fn scoped(&self, prefix: &str) -> Report {
        let values = self
            .values
            .iter()
            .filter_map(|((scenario, key), value)| {
                let name = scenario.strip_prefix(prefix)?;
                (!name.contains('/')).then(|| ((name.to_owned(), key.clone()), value.clone()))
            })
            .collect();
        Report { values }
    }

    /// Every `(scenario, key, value)`, sorted.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.values
            .iter()
            .map(|((s, k), v)| (s.as_str(), k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::Report;

    #[test]
    fn parses_lines_and_keeps_tabs_out_of_keys() {
        let report = Report::parse("simple\tallowed\treadable 200 ok\nsimple\tx\ta\tb\n").unwrap();
        assert_eq!(report.get("simple", "allowed"), Some("readable 200 ok"));
        assert_eq!(report.get("simple", "x"), Some("a\tb"));
        assert_eq!(report.get("simple", "missing"), None);
    }

    #[test]
    fn scopes_one_servers_scenarios() {
        let report =
            Report::parse("simple\ta\t1\nactix/simple\ta\t2\npicoserve/simple\ta\t3\n").unwrap();
        let actix = report.scoped("actix/");
        assert_eq!(actix.get("simple", "a"), Some("2"));
        assert_eq!(actix.iter().count(), 1);
        let tower = report.scoped("");
        assert_eq!(tower.get("simple", "a"), Some("1"));
        assert_eq!(tower.iter().count(), 1);
    }

    #[test]
    fn refuses_malformed_and_repeated_lines() {
        assert!(Report::parse("simple allowed").is_err());
        assert!(Report::parse("a\tb\t1\na\tb\t2").is_err());
    }
}
