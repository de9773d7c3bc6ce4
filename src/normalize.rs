//! Written French to the words a newsreader says. This is the stage between
//! splitting and synthesis; for now it only tidies spacing, and the reading
//! rules (numbers, dates, money, units, abbreviations) arrive here next.

/// The spoken form of one sentence.
pub fn spoken(sentence: &str) -> String {
    sentence.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn spacing_is_tidied() {
        assert_eq!(super::spoken("  Il\u{a0}pleut \t fort. "), "Il pleut fort.");
    }
}
