//! The README's examples are run: the quick start's command writes the
//! files it names and the manifest the README shows (every key, and the
//! values shown, lists cut after their first items), and each example of a
//! command with its output (`echo "…" | briefing …` followed by what it
//! prints) prints exactly that. The README cannot go stale unnoticed.

mod common;

use serde_json::Value;
use std::fs;
use std::io::Write;
use std::process::Stdio;

fn readme() -> String {
    fs::read_to_string("README.md").unwrap()
}

/// The code blocks of `text`: (language, content).
fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (line.strip_prefix("```"), open.as_mut()) {
            (Some(_), Some(_)) => blocks.push(open.take().unwrap()),
            (Some(language), None) => open = Some((language.trim().to_owned(), String::new())),
            (None, Some((_, content))) => {
                content.push_str(line);
                content.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Whether the README's `shown` value is what the run gave (`real`): the
/// same keys, the values shown (numbers to the digits shown), lists cut
/// after the items shown. The first difference, where it is.
fn agrees(shown: &Value, real: &Value, at: &str) -> Result<(), String> {
    match (shown, real) {
        (Value::Object(shown), Value::Object(real)) => {
            let (keys, real_keys): (Vec<_>, Vec<_>) = (shown.keys().collect(), real.keys().collect());
            if keys != real_keys {
                return Err(format!("{at}: the README shows the keys {keys:?}, a run gives {real_keys:?}"));
            }
            shown.iter().try_for_each(|(key, value)| agrees(value, &real[key], &format!("{at}.{key}")))
        }
        (Value::Array(shown), Value::Array(real)) if !shown.is_empty() && shown.len() <= real.len() => {
            shown.iter().zip(real).enumerate().try_for_each(|(i, (s, r))| agrees(s, r, &format!("{at}[{i}]")))
        }
        (Value::Number(shown), Value::Number(real)) if shown.is_f64() || real.is_f64() => {
            let (shown, real) = (shown.as_f64().unwrap(), real.as_f64().unwrap());
            let ok = (shown - real).abs() < 0.006;
            ok.then_some(()).ok_or_else(|| format!("{at}: the README shows {shown}, a run gives {real}"))
        }
        _ if shown == real => Ok(()),
        _ => Err(format!("{at}: the README shows {shown}, a run gives {real}")),
    }
}

#[test]
fn the_quick_start_writes_the_manifest_the_readme_shows() {
    let text = readme();
    let blocks = code_blocks(&text);
    let quick_start = "cargo run --release -- build examples/articles/01-budget.txt";
    assert!(blocks.iter().any(|(_, content)| content.trim() == quick_start), "the quick start is `{quick_start}`");
    // The same command, from a folder of its own that sees the examples.
    let tmp = tempfile::TempDir::new().unwrap();
    std::os::unix::fs::symlink(fs::canonicalize("examples").unwrap(), tmp.path().join("examples")).unwrap();
    common::briefing().current_dir(tmp.path()).args(["build", "examples/articles/01-budget.txt"]).assert().success();
    assert!(tmp.path().join("output/briefing.wav").is_file());
    let real: Value = serde_json::from_slice(&fs::read(tmp.path().join("output/briefing.json")).unwrap()).unwrap();

    let manifest_section = &text[text.find("## The manifest").expect("a manifest section")..];
    let (_, shown) = code_blocks(manifest_section).into_iter().find(|(language, _)| language == "json").unwrap();
    let shown: Value = serde_json::from_str(&shown).expect("the README's manifest is JSON");
    agrees(&shown, &real, "manifest").unwrap();
}

/// An example: the command's arguments, what it reads, what it prints.
struct Example {
    args: Vec<String>,
    input: String,
    output: Vec<String>,
}

/// Each `echo "TEXT" | briefing ARGS` line of a code block (a leading `$ `
/// allowed), with the lines after it up to a blank line as its output.
fn examples(text: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    for (_, content) in code_blocks(text) {
        let mut lines = content.lines().peekable();
        while let Some(line) = lines.next() {
            let line = line.strip_prefix("$ ").unwrap_or(line);
            let Some((echo, command)) = line.split_once(" | briefing ") else { continue };
            let input = echo.strip_prefix("echo \"").and_then(|e| e.strip_suffix('"')).expect("echo \"…\"");
            let mut output = Vec::new();
            while let Some(next) = lines.next_if(|l| !l.trim().is_empty() && !l.contains("| briefing ")) {
                output.push(next.to_owned());
            }
            let args = command.split_whitespace().map(str::to_owned).collect();
            examples.push(Example { args, input: format!("{input}\n"), output });
        }
    }
    examples
}

#[test]
fn each_example_prints_what_the_readme_shows() {
    let examples = examples(&readme());
    assert!(examples.len() >= 2, "the README shows the normalize --explain and phonemes examples");
    for example in examples {
        let mut child = std::process::Command::new(common::briefing().get_program())
            .envs(common::briefing().get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
            .args(&example.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(example.input.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "briefing {:?}", example.args);
        let printed: Vec<String> = String::from_utf8(output.stdout).unwrap().lines().map(str::to_owned).collect();
        assert_eq!(printed, example.output, "briefing {:?} on {:?}", example.args, example.input);
    }
}

/// Each `briefing …` command line of the README's code blocks: its
/// subcommand (two words for `cache`) and the flags it shows.
fn command_lines(text: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut commands = Vec::new();
    for (_, content) in code_blocks(text) {
        for line in content.lines() {
            let line = line.split(" # ").next().unwrap_or(line);
            let Some(at) = line.find("briefing ").filter(|&at| at == 0 || !line[..at].ends_with('/')) else {
                continue;
            };
            let words: Vec<&str> = line[at + "briefing ".len()..].split_whitespace().collect();
            let Some(&first) = words.first() else { continue };
            let mut command = vec![first.to_owned()];
            if first == "cache" {
                command.extend(words.get(1).map(|w| (*w).to_owned()));
            }
            let flags = words
                .iter()
                .map(|w| w.trim_matches(|c| matches!(c, '[' | ']' | ',' | '"')))
                .filter(|w| w.starts_with('-') && w.len() > 1)
                .map(|w| w.split('=').next().unwrap_or(w).to_owned())
                .collect();
            commands.push((command, flags));
        }
    }
    commands
}

/// The flags in the first column of the table under `heading`.
fn table_flags(text: &str, heading: &str) -> Vec<String> {
    let section = &text[text.find(heading).unwrap_or_else(|| panic!("{heading}"))..];
    let table = section.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|'));
    let first_columns = table.filter_map(|row| row.split('|').nth(1).map(str::to_owned)).collect::<Vec<_>>();
    let flags =
        first_columns.iter().flat_map(|cell| cell.split(['`', ',', ' ']).map(str::to_owned).collect::<Vec<_>>());
    let named = |w: &String| w.trim_start_matches('-').starts_with(|c: char| c.is_ascii_alphabetic());
    flags.filter(|w| (w.starts_with("--") || (w.starts_with('-') && w.len() == 2)) && named(w)).collect()
}

/// What `briefing COMMAND --help` prints.
fn help(command: &[String]) -> String {
    let output = common::briefing().args(command).arg("--help").output().unwrap();
    assert!(output.status.success(), "briefing {command:?} --help");
    String::from_utf8(output.stdout).unwrap()
}

/// Every command the README shows exists, and takes every flag shown with
/// it; every flag in the table of `build`'s options is one `build` takes.
#[test]
fn each_command_and_flag_the_readme_shows_is_taken() {
    let text = readme();
    let mut commands = command_lines(&text);
    assert!(commands.len() >= 15, "{commands:?}");
    commands.push((vec!["build".to_owned()], table_flags(&text, "### Options of `build`")));
    let mut helps = std::collections::HashMap::new();
    for (command, flags) in commands {
        let help = helps.entry(command.clone()).or_insert_with(|| help(&command));
        for flag in flags {
            let taken = help.match_indices(&flag).any(|(at, _)| {
                let next = help[at + flag.len()..].chars().next();
                !next.is_some_and(|c| c.is_alphanumeric() || c == '-')
            });
            assert!(taken, "the README shows `briefing {} … {flag}`, which it does not take", command.join(" "));
        }
    }
}
