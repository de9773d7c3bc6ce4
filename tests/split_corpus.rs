//! The split corpus: realistic French news paragraphs written for this
//! project, each with the sentences it must be split into, in
//! `tests/corpus/split/*.txt` (format at the top of each file). Prints the
//! share of paragraphs split exactly and fails below the figure measured
//! when the corpus was last extended.

use std::path::Path;

/// Share of paragraphs split exactly below which the test fails.
const FLOOR: f64 = 1.0;
/// The corpus is meant to stay large enough to say something.
const MIN_PARAGRAPHS: usize = 250;

struct Case {
    at: String,
    paragraph: String,
    sentences: Vec<String>,
}

/// Cases of one corpus file: a paragraph line, then "> " lines, then a
/// blank line; "#" or "# ..." lines are comments.
fn parse(name: &str, text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut open = false;
    for (i, line) in text.lines().enumerate() {
        let at = format!("{name}:{}", i + 1);
        if line == "#" || line.starts_with("# ") {
            continue;
        }
        if line.is_empty() {
            open = false;
        } else if let Some(sentence) = line.strip_prefix("> ") {
            assert!(open, "{at}: a sentence without its paragraph");
            cases.last_mut().expect("open case").sentences.push(sentence.to_owned());
        } else {
            assert!(!open, "{at}: a paragraph line inside a case (\"> \" missing?)");
            cases.push(Case { at, paragraph: line.to_owned(), sentences: Vec::new() });
            open = true;
        }
    }
    for case in &cases {
        assert!(!case.sentences.is_empty(), "{}: no expected sentence", case.at);
    }
    cases
}

fn corpus() -> Vec<Case> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/split");
    let mut files: Vec<_> = std::fs::read_dir(&folder).expect("corpus folder").map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .flat_map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            parse(&name, &std::fs::read_to_string(path).expect("corpus file"))
        })
        .collect()
}

#[test]
fn corpus_is_split_as_written() {
    let cases = corpus();
    assert!(cases.len() >= MIN_PARAGRAPHS, "the corpus has {} paragraphs, fewer than {MIN_PARAGRAPHS}", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let found = briefing::sentences(&case.paragraph);
        if found != case.sentences {
            wrong.push(format!("{}\n  expected: {:#?}\n  found:    {:#?}", case.at, case.sentences, found));
        }
    }
    let share = 1.0 - wrong.len() as f64 / cases.len() as f64;
    let exact = cases.len() - wrong.len();
    eprintln!("split corpus: {exact} of {} paragraphs split exactly ({:.1} %)", cases.len(), share * 100.0);
    for w in &wrong {
        eprintln!("{w}");
    }
    assert!(share >= FLOOR, "{} paragraphs split wrong, below the floor of {:.1} %", wrong.len(), FLOOR * 100.0);
}

#[test]
fn long_sentences_of_the_corpus_stay_whole() {
    let long: Vec<String> =
        corpus().into_iter().flat_map(|c| c.sentences).filter(|s| s.chars().count() >= 400).collect();
    assert!(long.len() >= 20, "only {} sentences of 400 characters or more", long.len());
    assert!(long.iter().any(|s| s.chars().count() >= 800), "none near 900 characters");
}
