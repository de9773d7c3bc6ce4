//! The normalization corpus: realistic French news sentences written for this
//! project, each with the reading a French newsreader gives it, in
//! `tests/corpus/normalize/*.tsv` (`written<TAB>spoken`, `#` comments).
//! Every reading is also checked to be a fixed point (normalizing is
//! idempotent).

use briefing::Normalizer;
use std::path::Path;

/// The share of sentences read exactly right below which the test fails:
/// the figure measured when the corpus was last extended.
const FLOOR: f64 = 1.0;

struct Case {
    file: String,
    line: usize,
    written: String,
    spoken: String,
}

fn cases() -> Vec<Case> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/normalize");
    let mut files: Vec<_> = std::fs::read_dir(&folder).expect("corpus folder").map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "tsv")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).expect("corpus file");
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (written, spoken) =
                line.split_once('\t').unwrap_or_else(|| panic!("{name}:{}: no tab in {line:?}", i + 1));
            cases.push(Case { file: name.clone(), line: i + 1, written: written.into(), spoken: spoken.into() });
        }
    }
    cases
}

#[test]
fn corpus_is_read_as_a_newsreader_reads_it() {
    let normalizer = Normalizer::default();
    let cases = cases();
    assert!(cases.len() >= 600, "the corpus has {} sentences, fewer than 600", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let said = normalizer.normalize(&case.written);
        if said != case.spoken {
            wrong.push(format!(
                "{}:{}\n  written:  {}\n  expected: {}\n  said:     {said}",
                case.file, case.line, case.written, case.spoken
            ));
        }
    }
    let share = 1.0 - wrong.len() as f64 / cases.len() as f64;
    eprintln!(
        "normalization corpus: {} of {} sentences exact ({:.1} %)",
        cases.len() - wrong.len(),
        cases.len(),
        share * 100.0
    );
    for w in &wrong {
        eprintln!("{w}");
    }
    assert!(share >= FLOOR, "{} sentences misread, below the floor of {:.1} %", wrong.len(), FLOOR * 100.0);
}

#[test]
fn corpus_readings_are_fixed_points() {
    let normalizer = Normalizer::default();
    let moved: Vec<String> = cases()
        .iter()
        .filter_map(|case| {
            let again = normalizer.normalize(&case.spoken);
            (again != case.spoken).then(|| format!("{}:{}: {:?} -> {:?}", case.file, case.line, case.spoken, again))
        })
        .collect();
    assert!(moved.is_empty(), "readings changed by a second pass:\n{}", moved.join("\n"));
}
