//! qabot answers questions from a Markdown corpus of questions and answers.
//!
//! The corpus is parsed into entries (`corpus`, `load`), indexed with tantivy
//! (`index`), and searched (`search`): [`Engine::ask`] returns the best entry,
//! related topics and "did you mean" suggestions as plain data that the
//! front-ends render.

pub mod analysis;
pub mod corpus;
pub mod glossary;
pub mod index;
pub mod load;
mod memo;
pub mod progress;
pub mod query;
pub mod related;
pub mod search;
pub mod segment;
pub mod sound;
pub mod text;
mod title;
pub mod update;

use std::path::PathBuf;

use serde::Serialize;

pub use corpus::{Entry, Problem, Severity};
pub use search::Engine;

/// One entry as a search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub question: String,
    /// The answer's Markdown. For a question with context (code to read,
    /// options), the context comes first.
    pub answer: String,
    pub category: String,
    pub score: f32,
    /// Where the entry is written: `corpus/FILE.md:LINE`.
    pub source: String,
}

/// What a question gets.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Answer {
    /// The entry that answers the question, when qabot is confident.
    pub best: Option<Hit>,
    /// Other entries on the same subject as `best`.
    pub related: Vec<Hit>,
    /// When there is no confident answer: entries the question may have meant.
    pub suggestions: Vec<Hit>,
    /// Why there is no answer, when it is not simply that nothing matched.
    pub note: Option<Note>,
}

/// A reason to tell the user, beside or instead of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// The question was empty or blank.
    Empty,
    /// A greeting or thanks, not a question.
    Greeting,
    /// The question was very long; only its beginning was read.
    Truncated,
}

impl Note {
    /// A sentence for people.
    pub fn message(self) -> &'static str {
        match self {
            Note::Empty => "empty question: type a question, e.g. \"tcp和udp的区别\"",
            Note::Greeting => "hello! ask me a question, e.g. \"什么是粘包\"",
            Note::Truncated => "the question was very long; only its beginning was read",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("corpus directory {0} not found: create it and put Markdown files in it, or pass --corpus DIR")]
    MissingCorpus(PathBuf),
    #[error("the corpus has errors:\n{}", format_problems(.0))]
    InvalidCorpus(Vec<Problem>),
    #[error("index at {0} is unreadable ({1}); rebuild it with `qabot index`")]
    CorruptIndex(PathBuf, String),
    #[error("no index at {0}: build it with `qabot index`")]
    MissingIndex(PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("internal error: {0}")]
    Internal(String),
}

fn format_problems(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  {}:{}: {}", p.file, p.line, p.message)).collect::<Vec<_>>().join("\n")
}
