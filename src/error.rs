//! One error type for the whole pipeline. Every message names the file (or
//! stage) and the problem on one line, so the CLI can print it as is.

use std::fmt::Display;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input that cannot be read as an article.
    #[error("{name}: {problem}")]
    Input { name: String, problem: String },
    /// An output that cannot be written.
    #[error("{name}: cannot write: {problem}")]
    Output { name: String, problem: String },
    /// A voice engine that cannot start or speak.
    #[error("voice {voice}: {problem}")]
    Engine { voice: String, problem: String },
    /// Options that contradict each other or are out of range.
    #[error("{0}")]
    Usage(String),
    /// Several inputs that cannot be read, told together on one line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Inputs(Vec<Error>),
}

impl Error {
    pub fn input(name: impl Into<String>, problem: impl Display) -> Self {
        Error::Input { name: name.into(), problem: problem.to_string() }
    }

    pub fn output(name: impl Into<String>, problem: impl Display) -> Self {
        Error::Output { name: name.into(), problem: problem.to_string() }
    }

    /// One error for all of `errors` (at least one).
    pub fn all(mut errors: Vec<Error>) -> Self {
        if errors.len() == 1 {
            errors.remove(0)
        } else {
            Error::Inputs(errors)
        }
    }

    pub fn engine(voice: impl Into<String>, problem: impl Display) -> Self {
        Error::Engine { voice: voice.into(), problem: problem.to_string() }
    }
}

/// An OS error without the "(os error 2)" suffix, which tells a user nothing.
pub(crate) fn io_problem(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}
