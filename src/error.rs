//! One error type for the whole pipeline. Every message names the file (or
//! stage) and the problem on one line, so the CLI can print it as is.

use std::fmt::Display;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Another library's error, kept as the cause of ours.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input that cannot be read as an article.
    #[error("{name}: {problem}")]
    Input { name: String, problem: String },
    /// An input the system could not read, with the system's error.
    #[error("{name}: {}", io_problem(.source))]
    Read {
        name: String,
        #[source]
        source: std::io::Error,
    },
    /// An output that cannot be written.
    #[error("{name}: cannot write: {problem}")]
    Output { name: String, problem: String },
    /// An output the system could not write, with the system's error.
    #[error("{name}: cannot write: {}", io_problem(.source))]
    Write {
        name: String,
        #[source]
        source: std::io::Error,
    },
    /// A voice engine that cannot start or speak.
    #[error("voice {voice}: {problem}")]
    Engine { voice: String, problem: String },
    /// A voice engine that failed at `doing`, with the engine's own error.
    #[error("voice {voice}: {doing}: {source}")]
    EngineFailed {
        voice: String,
        doing: &'static str,
        #[source]
        source: Cause,
    },
    /// Something `name` needed failed at `doing` (an encoder, the sound card,
    /// a decoder): the library's error is kept as the cause.
    #[error("{name}: {doing}: {source}")]
    Failed {
        name: String,
        doing: &'static str,
        #[source]
        source: Cause,
    },
    /// A sentence cache entry that went wrong under a run: not the user's
    /// input, and not a file the run writes.
    #[error("{name}: sentence cache entry {problem}")]
    Cache { name: String, problem: &'static str },
    /// Options that contradict each other or are out of range.
    #[error("{0}")]
    Usage(String),
    /// A run stopped part-way by its caller (see [`crate::Cancel`]): what
    /// it was making is not published.
    #[error("stopped before the end, as asked: nothing was published")]
    Stopped,
    /// Several inputs that cannot be read, told together on one line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Inputs(Vec<Error>),
}

impl Error {
    /// `name` is shown as messages show names (see [`crate::controls::shown`]),
    /// as in every constructor here.
    pub fn input(name: impl Into<String>, problem: impl Display) -> Self {
        Error::Input { name: shown(name), problem: problem.to_string() }
    }

    /// `name` could not be read: the system's error is kept as the cause.
    pub fn reading(name: impl Into<String>, source: std::io::Error) -> Self {
        Error::Read { name: shown(name), source }
    }

    /// `name` could not be written: the system's error is kept as the cause.
    pub fn writing(name: impl Into<String>, source: std::io::Error) -> Self {
        Error::Write { name: shown(name), source }
    }

    pub fn output(name: impl Into<String>, problem: impl Display) -> Self {
        Error::Output { name: shown(name), problem: problem.to_string() }
    }

    /// One error for all of `errors` (at least one).
    pub fn all(mut errors: Vec<Error>) -> Self {
        if errors.len() == 1 {
            errors.remove(0)
        } else {
            Error::Inputs(errors)
        }
    }

    /// The process exit code: 2 for a misused option, 1 for anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    pub fn engine(voice: impl Into<String>, problem: impl Display) -> Self {
        Error::Engine { voice: voice.into(), problem: problem.to_string() }
    }

    /// `name` failed at `doing`: the other library's error is kept as the cause.
    pub fn failed(name: impl Into<String>, doing: &'static str, source: impl Into<Cause>) -> Self {
        Error::Failed { name: name.into(), doing, source: source.into() }
    }

    /// `voice` failed at `doing`: the engine's error is kept as the cause.
    pub fn engine_failed(voice: impl Into<String>, doing: &'static str, source: impl Into<Cause>) -> Self {
        Error::EngineFailed { voice: voice.into(), doing, source: source.into() }
    }
}

fn shown(name: impl Into<String>) -> String {
    crate::controls::shown(name.into())
}

/// An OS error without the "(os error 2)" suffix, which tells a user nothing.
pub fn io_problem(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// The line, from 1, of byte `at` in `text`: messages about a file name
/// the line as well.
pub fn line_of(text: &str, at: usize) -> usize {
    1 + text.as_bytes()[..at.min(text.len())].iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn system_errors_are_kept_as_the_cause_and_told_on_one_line() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let error = Error::reading("a.txt", missing);
        assert_eq!(error.to_string(), "a.txt: entity not found");
        assert!(error.source().is_some_and(|cause| cause.is::<std::io::Error>()));
        let full = Error::writing("b.wav", std::io::Error::from_raw_os_error(28));
        assert_eq!(full.to_string(), "b.wav: cannot write: No space left on device");
        assert!(full.source().is_some());
        let named = Error::writing("b\u{1b}[2J.wav", std::io::Error::from_raw_os_error(28));
        assert_eq!(named.to_string(), "b\\u{1b}[2J.wav: cannot write: No space left on device");
    }
}
