//! The config file `briefing.toml`: any long option of a command, written as
//! `option = value` (`voice = "fr-BE"`, `pause-article = 2.0`, `subtitles =
//! "vtt"`, `no-normalize = true`), in a table named after the command
//! (`[build]`, `[text]`, `[normalize]`…), or at the top level for every
//! command that has the option.
//!
//! Each value becomes the option's default, checked by the same parser as
//! the flag, so the file and the command line accept exactly the same
//! values, and a flag given on the command line wins. A key no command
//! knows, or a value its option refuses, is an error naming the file and
//! the line: `briefing.toml:3: rate = 99: must be between 0.5 and 3`.

use super::args::Cli;
use briefing::line_of;
use briefing::{Error, Result};
use clap::error::{ContextKind, ContextValue};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use toml_edit::{ImDocument, Item, Table, Value};

/// The command line, with the options it leaves out taken from the config
/// file: `--config`, else `./briefing.toml`, else `briefing.toml` in the
/// config folder. Help, version and misused flags end the process as clap
/// does.
pub fn parse(args: Vec<OsString>) -> Result<Cli> {
    let command = Cli::command();
    let matches = command.clone().get_matches_from(&args);
    let Some(path) = find(matches.get_one::<PathBuf>("config").map(PathBuf::as_path)) else {
        return from_matches(&matches);
    };
    let file = File::read(&path)?;
    let Some((name, given)) = matches.subcommand() else { return from_matches(&matches) };
    let defaults = file.defaults(&command, name, given)?;
    if defaults.is_empty() {
        return from_matches(&matches);
    }
    let command = command.mut_subcommand(name, |mut sub| {
        for (id, value) in defaults {
            sub = sub.mut_arg(id, |arg| arg.default_value(value));
        }
        sub
    });
    from_matches(&command.get_matches_from(&args))
}

fn from_matches(matches: &ArgMatches) -> Result<Cli> {
    Cli::from_arg_matches(matches).map_err(|e| Error::Usage(e.to_string()))
}

/// The file to read: `explicit`, else `./briefing.toml`, else
/// `briefing.toml` in the config folder.
fn find(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let here = PathBuf::from("briefing.toml");
    if here.is_file() {
        return Some(here);
    }
    Some(briefing::config_dir()?.join("briefing.toml")).filter(|p| p.is_file())
}

/// A config file as written, with the position of every key.
struct File {
    name: String,
    document: ImDocument<String>,
}

impl File {
    fn read(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::reading(&name, e))?;
        match ImDocument::parse(text.clone()) {
            Ok(document) => Ok(File { name, document }),
            Err(e) => {
                let line = e.span().map_or(1, |span| line_of(&text, span.start));
                let message: Vec<&str> = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect();
                Err(Error::Usage(format!("{name}:{line}: {}", message.join(": "))))
            }
        }
    }

    /// For the command `name`, each option the file sets and `given` (the
    /// command line) does not, as (argument id, value). Every key of the
    /// file is checked, whichever command runs.
    fn defaults(&self, command: &clap::Command, name: &str, given: &ArgMatches) -> Result<Vec<(String, String)>> {
        let mut defaults = Vec::new();
        let mut keep = |sub: &clap::Command, id: String, value: String| {
            if sub.get_name() == name && given.value_source(&id) != Some(ValueSource::CommandLine) {
                defaults.push((id, value));
            }
        };
        for (key, item) in self.document.as_table().iter() {
            match item {
                Item::Table(section) => {
                    let sub = command.find_subcommand(key).ok_or_else(|| {
                        self.problem(self.line(self.document.as_table(), key), format!("unknown section [{key}]"))
                    })?;
                    for (key, item) in section.iter() {
                        let line = self.line(section, key);
                        let arg = option(sub, key).ok_or_else(|| self.problem(line, format!("unknown key {key:?}")))?;
                        let value = self.value(sub, arg, key, item, line)?;
                        keep(sub, arg.get_id().to_string(), value);
                    }
                }
                _ => {
                    let line = self.line(self.document.as_table(), key);
                    let mut known = false;
                    for sub in command.get_subcommands() {
                        if let Some(arg) = option(sub, key) {
                            known = true;
                            let value = self.value(sub, arg, key, item, line)?;
                            keep(sub, arg.get_id().to_string(), value);
                        }
                    }
                    if !known {
                        return Err(self.problem(line, format!("unknown key {key:?}")));
                    }
                }
            }
        }
        Ok(defaults)
    }

    /// The value of `key` as the option `arg` of `sub` takes it on the
    /// command line, checked by that option's own parser.
    fn value(&self, sub: &clap::Command, arg: &clap::Arg, key: &str, item: &Item, line: usize) -> Result<String> {
        let written = item.as_value().map_or_else(|| item.to_string(), |v| v.to_string());
        let written = written.trim();
        let wrong = |problem: String| self.problem(line, format!("{key} = {written}: {problem}"));
        let switch = !arg.get_action().takes_values();
        let text = match (item.as_value(), switch) {
            (Some(Value::Boolean(b)), true) => return Ok(b.value().to_string()),
            (_, true) => return Err(wrong("write true or false".into())),
            (Some(Value::String(s)), false) => s.value().clone(),
            (Some(Value::Integer(n)), false) => n.value().to_string(),
            (Some(Value::Float(x)), false) => x.value().to_string(),
            (_, false) => return Err(wrong("write a string or a number".into())),
        };
        // The option alone, given the value as `--key=value`, which also
        // keeps a value starting with "-" a value.
        let alone = clap::Command::new(sub.get_name().to_owned()).no_binary_name(true).arg(arg.clone());
        match alone.try_get_matches_from([format!("--{key}={text}")]) {
            Ok(_) => Ok(text),
            Err(e) => Err(wrong(refusal(&e))),
        }
    }

    fn line(&self, table: &Table, key: &str) -> usize {
        let span = table.key(key).and_then(|k| k.span());
        span.map_or(1, |span| line_of(self.document.raw(), span.start))
    }

    fn problem(&self, line: usize, problem: String) -> Error {
        Error::Usage(format!("{}:{line}: {problem}", self.name))
    }
}

/// The long option `--key` of a command; `--help` and `--config` are not
/// set in the file.
fn option<'a>(sub: &'a clap::Command, key: &str) -> Option<&'a clap::Arg> {
    sub.get_arguments().find(|arg| arg.get_long() == Some(key) && key != "help" && key != "config")
}

/// Why an option's parser refused a value, without clap's decoration.
fn refusal(error: &clap::Error) -> String {
    if let Some(source) = std::error::Error::source(error) {
        return source.to_string();
    }
    if let Some(ContextValue::Strings(valid)) = error.get(ContextKind::ValidValue) {
        return format!("must be one of {}", valid.join(", "));
    }
    let text = error.to_string();
    let first = text.lines().next().unwrap_or_default();
    first.trim_start_matches("error: ").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::Command;

    /// Parses `args` with `toml` as the config file.
    fn parse_with(toml: &str, args: &[&str]) -> Result<Cli> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("briefing.toml");
        std::fs::write(&path, toml).unwrap();
        let mut all: Vec<OsString> = vec!["briefing".into(), "--config".into(), path.clone().into()];
        all.extend(args.iter().map(OsString::from));
        parse(all).map_err(|e| Error::Usage(e.to_string().replace(&path.display().to_string(), "briefing.toml")))
    }

    fn build(toml: &str, args: &[&str]) -> Box<crate::cli::args::BuildArgs> {
        let all: Vec<&str> = ["build"].iter().chain(args).copied().collect();
        match parse_with(toml, &all).unwrap().command {
            Command::Build(args) => args,
            other => panic!("build expected, got {other:?}"),
        }
    }

    #[test]
    fn values_come_from_the_file_unless_given_on_the_command_line() {
        let toml = "voice = \"fr-BE\"\ndialect = \"fr-CH\"\n[build]\npause-article = 2.5\ndry-run = true\nrate = 1.5\n";
        let args = build(toml, &["a.txt", "--rate", "2"]);
        assert_eq!(args.bulletin.voice, "fr-BE");
        assert_eq!(args.bulletin.script.reading.dialect, Some(briefing::Dialect::Switzerland));
        assert_eq!(args.bulletin.pauses.pause_article, 2.5);
        assert!(args.dry_run);
        assert_eq!(args.bulletin.rate, 2.0, "the command line wins");
    }

    #[test]
    fn values_starting_with_a_dash_are_values() {
        let args = build("[build]\ntitle-template = \"- {title}\"\nloudness = -20\n", &["a.txt"]);
        assert_eq!(args.bulletin.announce.title_template, "- {title}");
        assert_eq!(args.bulletin.level.loudness, -20.0);
    }

    #[test]
    fn problems_name_the_file_and_the_line() {
        let error = |toml: &str| parse_with(toml, &["build", "a.txt"]).unwrap_err().to_string();
        assert_eq!(error("voice = \"fr-FR\"\n\nrate = 99\n"), "briefing.toml:3: rate = 99: must be between 0.5 and 3");
        assert_eq!(error("[build]\nvoix = \"fr-FR\""), "briefing.toml:2: unknown key \"voix\"");
        assert_eq!(error("[normalize]\n\nvoice = 1"), "briefing.toml:3: unknown key \"voice\"");
        assert_eq!(error("\n[bulid]\nvoice = 1"), "briefing.toml:2: unknown section [bulid]");
        assert_eq!(error("[build]\nvoice = true"), "briefing.toml:2: voice = true: write a string or a number");
        assert_eq!(error("dry-run = \"yes\""), "briefing.toml:1: dry-run = \"yes\": write true or false");
        assert_eq!(
            error("[build]\nsubtitles = \"ass\""),
            "briefing.toml:2: subtitles = \"ass\": must be one of srt, vtt"
        );
        assert_eq!(
            error("[text]\ndialect = \"fr-QC\""),
            "briefing.toml:2: dialect = \"fr-QC\": must be one of fr-FR, fr-BE, fr-CH"
        );
        assert_eq!(error("[build]\npitch = 101"), "briefing.toml:2: pitch = 101: 101 is not in 0..=100");
        assert!(
            error("voice = \"fr-FR\nrate = 1").starts_with("briefing.toml:1: "),
            "{}",
            error("voice = \"fr-FR\nrate = 1")
        );
    }

    proptest::proptest! {
        /// Whatever the file holds, parsing ends in options or in one line
        /// naming the file, never in a panic.
        #[test]
        fn any_file_gives_options_or_a_line_naming_it(text in "(voice|rate|dialect|\\[build\\]|\\[text\\]|=| |\"|-|[0-9]|\n|true|[a-z]){0,60}") {
            match parse_with(&text, &["build", "a.txt"]) {
                Ok(_) => {}
                Err(error) => {
                    let message = error.to_string();
                    proptest::prop_assert!(message.starts_with("briefing.toml:"), "{}", message);
                    proptest::prop_assert!(!message.contains('\n'), "{}", message);
                }
            }
        }
    }
}
