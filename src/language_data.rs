//! The one loader of the language data embedded from `data/`: line and
//! field parsing shared by every stage, and the abbreviation table that
//! both the splitter and the normalizer read.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The maps and sets language data is looked up in, at nearly every word
/// of every text. Their keys come from our own files, never from the text,
/// so they need no hash that resists chosen keys (the standard one), and a
/// fast one makes `briefing normalize` about a tenth faster.
pub type Map<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;
pub type Set<T> = HashSet<T, rustc_hash::FxBuildHasher>;

/// Data lines: not empty, not comments.
pub fn lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// The tab-separated fields of a data line, at least `count` of them.
pub fn fields<'a>(line: &'a str, count: usize, file: &str) -> Vec<&'a str> {
    let fields: Vec<&str> = line.split('\t').collect();
    assert!(fields.len() >= count, "data/{file}: {count} tab-separated fields expected in {line:?}");
    fields
}

/// The data lines of a file divided by `[section]` headings, each with its
/// section's name.
pub fn sectioned(data: &'static str, file: &str) -> Vec<(&'static str, &'static str)> {
    let mut section = None;
    let mut lines_in = Vec::new();
    for line in lines(data) {
        match line.trim().strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            Some(name) => section = Some(name),
            None => {
                let section = section.unwrap_or_else(|| panic!("data/{file}: {line:?} outside a section"));
                lines_in.push((section, line));
            }
        }
    }
    lines_in
}

/// A set of words from a data file, one a line.
pub fn word_set(data: &'static str) -> Set<&'static str> {
    lines(data).map(str::trim).collect()
}

/// An abbreviation: how the normalizer reads it, and whether its full stop
/// ends a sentence (`data/fr/abbreviations.tsv`).
#[derive(Debug)]
pub struct Abbreviation {
    pub written: &'static str,
    /// `None` for one the normalizer leaves as written ("ibid.", "Mr.").
    pub spoken: Option<&'static str>,
    pub condition: Condition,
    pub stop: Stop,
}

/// When the normalizer expands an abbreviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// A capitalized word follows ("M. Dupont"), or a title ("M. le maire").
    BeforeName,
    /// Likewise, and no capitalized word stands before it nor an English
    /// word after it: "Me" is English in "Didn't Like Me" and "Me Too".
    BeforeNameNotEnglish,
    /// A number follows ("p. 12").
    BeforeNumber,
    /// After a number or "avant"/"après" ("52 J.-C.").
    Era,
}

/// What the full stop of an abbreviation does to a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The splitter's general rules decide.
    Unknown,
    /// It never ends a sentence ("M. Le Drian").
    Holds,
    /// It does not before a number ("p. 12"); elsewhere it may.
    HoldsBeforeNumber,
    /// It often ends one, and there the normalizer keeps it ("av. J.-C.").
    MayEnd,
}

static ABBREVIATIONS: LazyLock<Vec<Abbreviation>> = LazyLock::new(|| {
    let file = "fr/abbreviations.tsv";
    lines(include_str!("../data/fr/abbreviations.tsv"))
        .map(|line| {
            let f = fields(line, 2, file);
            let condition = match f.get(2).copied().unwrap_or("") {
                "name" => Condition::BeforeName,
                "name-fr" => Condition::BeforeNameNotEnglish,
                "number" => Condition::BeforeNumber,
                "era" => Condition::Era,
                "" => Condition::Always,
                other => panic!("data/{file}: unknown condition {other:?}"),
            };
            let stop = match f.get(3).copied().unwrap_or("") {
                "holds" => Stop::Holds,
                "holds before a number" => Stop::HoldsBeforeNumber,
                "may end" => Stop::MayEnd,
                "" => Stop::Unknown,
                other => panic!("data/{file}: unknown full stop {other:?}"),
            };
            let spoken = Some(f[1]).filter(|s| *s != "-");
            Abbreviation { written: f[0], spoken, condition, stop }
        })
        .collect()
});

/// Every abbreviation of the table, in its order.
pub fn abbreviations() -> &'static [Abbreviation] {
    &ABBREVIATIONS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_abbreviation_table_reads_whole() {
        let find = |w: &str| abbreviations().iter().find(|a| a.written == w).unwrap();
        assert_eq!(find("M.").spoken, Some("monsieur"));
        assert_eq!(find("M.").stop, Stop::Holds);
        assert_eq!(find("p.").stop, Stop::HoldsBeforeNumber);
        assert_eq!(find("etc.").stop, Stop::MayEnd);
        assert_eq!(find("ibid.").spoken, None);
    }
}
