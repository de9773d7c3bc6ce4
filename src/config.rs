//! The config file `briefing.toml`: any long option of a command, written as
//! `option = value` (`voice = "fr-BE"`, `pause-article = 2.0`, `subtitles =
//! "vtt"`, `no-normalize = true`), in a `[build]`, `[text]` or `[normalize]`
//! table, or at the top level for every command that has the option. Flags
//! on the command line override it. An unknown key is an error that names it.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use toml::Value;

/// The file to read: `--config`, else `./briefing.toml`, else
/// `briefing.toml` in the config folder.
pub fn find(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let here = PathBuf::from("briefing.toml");
    if here.is_file() {
        return Some(here);
    }
    Some(crate::paths::config_dir()?.join("briefing.toml")).filter(|p| p.is_file())
}

/// The options a command `command` takes, as `--flag value` arguments for
/// clap, from the file at `path`. `flags(command)` lists the long options
/// each command accepts, and whether each takes a value.
pub fn arguments(
    path: &Path,
    command: &str,
    flags: impl Fn(&str) -> Option<Vec<(String, bool)>>,
) -> Result<Vec<String>> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::input(&name, crate::error::io_problem(&e)))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| Error::input(&name, e.message()))?;
    let mut arguments = Vec::new();
    for (key, value) in &table {
        match value {
            Value::Table(section) => {
                let known = flags(key).ok_or_else(|| Error::input(&name, format!("unknown section [{key}]")))?;
                if key == command {
                    for (key, value) in section {
                        arguments.extend(to_flag(&name, key, value, &known)?);
                    }
                } else {
                    check_keys(&name, section, &known)?;
                }
            }
            _ => {
                let known_anywhere =
                    ["build", "text", "normalize"].iter().any(|c| flags(c).is_some_and(|f| has(&f, key)));
                if !known_anywhere {
                    return Err(Error::input(&name, format!("unknown key {key:?}")));
                }
                let own = flags(command).unwrap_or_default();
                if has(&own, key) {
                    arguments.extend(to_flag(&name, key, value, &own)?);
                }
            }
        }
    }
    Ok(arguments)
}

fn has(flags: &[(String, bool)], key: &str) -> bool {
    flags.iter().any(|(flag, _)| flag == key)
}

fn check_keys(name: &str, section: &toml::Table, known: &[(String, bool)]) -> Result<()> {
    for key in section.keys() {
        if !has(known, key) {
            return Err(Error::input(name, format!("unknown key {key:?}")));
        }
    }
    Ok(())
}

fn to_flag(name: &str, key: &str, value: &Value, known: &[(String, bool)]) -> Result<Vec<String>> {
    let takes_value = known
        .iter()
        .find(|(flag, _)| flag == key)
        .map(|&(_, takes)| takes)
        .ok_or_else(|| Error::input(name, format!("unknown key {key:?}")))?;
    let flag = format!("--{key}");
    Ok(match (value, takes_value) {
        (Value::Boolean(true), false) => vec![flag],
        (Value::Boolean(false), false) => Vec::new(),
        (Value::String(s), true) => vec![flag, s.clone()],
        (Value::Integer(n), true) => vec![flag, n.to_string()],
        (Value::Float(x), true) => vec![flag, x.to_string()],
        _ => return Err(Error::input(name, format!("{key}: wrong kind of value {value}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(command: &str) -> Option<Vec<(String, bool)>> {
        let build = vec![("voice".to_owned(), true), ("pause-article".to_owned(), true), ("dry-run".to_owned(), false)];
        match command {
            "build" => Some(build),
            "text" => Some(vec![("dialect".to_owned(), true)]),
            "normalize" => Some(vec![("dialect".to_owned(), true)]),
            _ => None,
        }
    }

    fn args(toml: &str, command: &str) -> Result<Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("briefing.toml");
        std::fs::write(&path, toml).unwrap();
        arguments(&path, command, flags)
    }

    #[test]
    fn keys_become_flags_for_the_command_that_has_them() {
        let toml = "voice = \"fr-BE\"\ndialect = \"fr-CH\"\n[build]\npause-article = 2.5\ndry-run = true\n";
        let mut build = args(toml, "build").unwrap();
        build.sort();
        assert_eq!(build, ["--dry-run", "--pause-article", "--voice", "2.5", "fr-BE"]);
        assert_eq!(args(toml, "normalize").unwrap(), ["--dialect", "fr-CH"]);
    }

    #[test]
    fn unknown_keys_are_named() {
        let error = args("voix = \"fr-FR\"", "build").unwrap_err().to_string();
        assert!(error.ends_with("unknown key \"voix\""), "{error}");
        let error = args("[build]\nvoix = 1", "text").unwrap_err().to_string();
        assert!(error.ends_with("unknown key \"voix\""), "{error}");
        let error = args("[bulid]\nvoice = 1", "build").unwrap_err().to_string();
        assert!(error.ends_with("unknown section [bulid]"), "{error}");
        assert!(args("[build]\nvoice = true", "build").is_err());
    }
}
