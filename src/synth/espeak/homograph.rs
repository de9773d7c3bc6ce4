//! Homographs: words written alike and said two ways ("les fils" /fis/ and
//! "des fils électriques" /fil/, "ils président" and "le président"), the
//! words around them deciding which. The rules are in
//! `data/fr/homographs.tsv`, tried in order; where none holds, the engine
//! keeps its own choice.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::safe_text::engine_safe;
use crate::language_data::{fields, lines};

const HOMOGRAPHS_TSV: &str = include_str!("../../../data/fr/homographs.tsv");
const FILE: &str = "fr/homographs.tsv";

/// What must hold around the word: one of several runs of words before it
/// or after it.
enum Condition {
    After(Vec<Vec<String>>),
    Before(Vec<Vec<String>>),
}

struct Rule {
    conditions: Vec<Condition>,
    /// The phonemes (mnemonics), or none for the engine's own reading.
    phonemes: Option<&'static str>,
}

/// The words around a homograph, in lower case as the engine-safe text
/// spells them: those right before it (the nearest last) and right after
/// it, only spaces between; and whether a mark or the end follows it.
pub(super) struct Context {
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub ends_clause: bool,
    pub figures_after: bool,
}

/// How a homograph is to be said in its context.
pub(super) enum Reading {
    /// As the engine says it.
    Engine,
    /// As the rule numbered so says it (see [`phonemes`]).
    Rule(usize),
}

/// The rules in the file's order, and each word's rules by their numbers.
struct Rules {
    rules: Vec<Rule>,
    by_word: HashMap<String, Vec<usize>>,
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let data: Vec<Vec<&'static str>> = lines(HOMOGRAPHS_TSV).map(|line| fields(line, 2, FILE)).collect();
    let classes: HashMap<&str, &str> =
        data.iter().filter(|f| f[0].starts_with('@')).map(|f| (&f[0][1..], f[1])).collect();
    let (mut rules, mut by_word) = (Vec::new(), HashMap::<String, Vec<usize>>::new());
    for f in data.iter().filter(|f| !f[0].starts_with('@')) {
        let phonemes = f.get(2).copied().filter(|p| *p != "-");
        let conditions = f[1].split(';').filter(|c| *c != "*").map(|c| condition(c, &classes)).collect();
        by_word.entry(engine_safe(f[0])).or_default().push(rules.len());
        rules.push(Rule { conditions, phonemes });
    }
    Rules { rules, by_word }
});

fn condition(text: &'static str, classes: &HashMap<&'static str, &'static str>) -> Condition {
    let runs = |list: &'static str| -> Vec<Vec<String>> {
        list.split('|')
            .flat_map(|alternative| match alternative.strip_prefix('@') {
                Some(name) => classes.get(name).unwrap_or_else(|| panic!("data/{FILE}: no class @{name}")).split('|'),
                None => alternative.split('|'),
            })
            .map(|run| run.split(' ').map(|word| engine_safe(&word.to_lowercase())).collect())
            .collect()
    };
    if let Some(list) = text.strip_prefix("after:") {
        Condition::After(runs(list))
    } else if let Some(list) = text.strip_prefix("before:") {
        Condition::Before(runs(list))
    } else {
        panic!("data/{FILE}: unknown context {text:?}")
    }
}

/// Whether `word` (lower case, engine-safe) is a homograph of the file.
pub(super) fn is_homograph(word: &str) -> bool {
    RULES.by_word.contains_key(word)
}

/// How `word` is said in `context`, by its first rule that holds; none
/// when none does.
pub(super) fn reading(word: &str, context: &Context) -> Option<Reading> {
    let Rules { rules, by_word } = &*RULES;
    let found = by_word.get(word)?.iter().find(|&&n| rules[n].conditions.iter().all(|c| holds(c, context)))?;
    Some(rules[*found].phonemes.map_or(Reading::Engine, |_| Reading::Rule(*found)))
}

/// The phonemes of the rule numbered `n`.
pub(super) fn phonemes(n: usize) -> &'static str {
    RULES.rules[n].phonemes.expect("a rule with phonemes")
}

fn holds(condition: &Condition, context: &Context) -> bool {
    match condition {
        Condition::After(runs) => runs.iter().any(|run| {
            run.len() <= context.before.len() && run.iter().rev().zip(context.before.iter().rev()).all(|(a, b)| a == b)
        }),
        Condition::Before(runs) => runs.iter().any(|run| match run.as_slice() {
            [mark] if mark == "." => context.ends_clause,
            [figures] if figures == "#" => context.figures_after,
            _ => run.len() <= context.after.len() && run.iter().zip(&context.after).all(|(a, b)| a == b),
        }),
    }
}
