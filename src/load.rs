//! Reads a corpus directory: every Markdown file below it, the glossary and
//! `qabot.toml`, and a fingerprint of all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;
use xxhash_rust::xxh3::Xxh3;

use crate::Error;
use crate::corpus::{self, Entry, Problem, Severity};
use crate::glossary::{self, Glossary};

/// Options for the whole corpus, from `corpus/qabot.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorpusConfig {
    /// Question heading level for every file that does not set its own.
    pub question_level: Option<u8>,
    /// Question heading level per file (path below the corpus directory).
    #[serde(default)]
    pub files: BTreeMap<String, u8>,
}

pub const CONFIG_FILE: &str = "qabot.toml";

/// Per-file summary, for `qabot check`.
#[derive(Debug, Clone)]
pub struct FileSummary {
    pub file: String,
    /// Hash of the file's bytes, to tell which files an edit changed.
    pub hash: String,
    pub entries: usize,
    pub question_level: Option<u8>,
    /// False for a file [`load_changed`] left unread because the index has
    /// it already; its `entries` and `question_level` are then unknown.
    pub parsed: bool,
}

/// Everything read from a corpus directory.
#[derive(Debug, Default)]
pub struct Corpus {
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
    pub files: Vec<FileSummary>,
    pub glossary: Glossary,
    /// The glossary's text, copied into the index so that it is self-contained.
    pub glossary_text: String,
    /// Changes whenever any file the index is built from changes.
    pub fingerprint: String,
    /// Changes with what applies to every file: qabot's schema, `qabot.toml`
    /// and the glossary. An incremental update needs it unchanged.
    pub settings: String,
}

impl Corpus {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Error)
    }
}

/// Reads the corpus directory `dir`.
pub fn load(dir: &Path) -> Result<Corpus, Error> {
    read(dir, None)
}

/// Reads the corpus directory `dir` like [`load`], but parses only the
/// Markdown files that are not in `indexed` (file → hash, as recorded in the
/// index) with the same hash: what an incremental update needs. `entries`
/// then holds only the entries of the files that were read.
pub fn load_changed(dir: &Path, indexed: &BTreeMap<String, String>) -> Result<Corpus, Error> {
    read(dir, Some(indexed))
}

fn read(dir: &Path, indexed: Option<&BTreeMap<String, String>>) -> Result<Corpus, Error> {
    if !dir.is_dir() {
        return Err(Error::MissingCorpus(dir.to_path_buf()));
    }
    let mut corpus = Corpus::default();
    let mut hasher = Xxh3::new();
    hasher.update(crate::index::SCHEMA_VERSION.to_string().as_bytes());
    let config = read_config(dir, &mut hasher, &mut corpus.problems)?;
    if let Some(text) = read_optional(&dir.join(glossary::FILE_NAME))? {
        hasher.update(text.as_bytes());
        match Glossary::parse(&text) {
            Ok(g) => corpus.glossary = g,
            Err(e) => corpus.problems.push(problem(glossary::FILE_NAME, 1, format!("invalid glossary: {e}"))),
        }
        corpus.glossary_text = text;
    }
    corpus.settings = format!("{:016x}", hasher.digest());
    // Files are read and hashed in order, then parsed on all cores.
    let mut read = Vec::new();
    for path in markdown_files(dir)? {
        let file = relative(dir, &path);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                read.push(FileRead::Unreadable(problem(&file, 1, format!("cannot read: {e}"))));
                continue;
            }
        };
        hasher.update(file.as_bytes());
        hasher.update(&bytes);
        let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
        if indexed.is_some_and(|known| known.get(&file) == Some(&hash)) {
            read.push(FileRead::Known(FileSummary { file, hash, entries: 0, question_level: None, parsed: false }));
            continue;
        }
        match String::from_utf8(bytes) {
            Ok(text) => read.push(FileRead::Text { file, hash, text }),
            Err(_) => read.push(FileRead::Unreadable(problem(&file, 1, "not valid UTF-8".into()))),
        }
    }
    let parsed: Vec<ParsedFile> = read.into_par_iter().map(|file| file.parse(&config)).collect();
    for file in parsed {
        corpus.files.extend(file.summary);
        corpus.entries.extend(file.entries);
        corpus.problems.extend(file.problems);
    }
    corpus.fingerprint = format!("{:016x}", hasher.digest());
    warn_duplicates(&corpus.entries, &mut corpus.problems);
    Ok(corpus)
}

/// A Markdown file of the corpus, read but not parsed yet.
enum FileRead {
    /// The index has it as it is (see [`load_changed`]).
    Known(FileSummary),
    Unreadable(Problem),
    Text {
        file: String,
        hash: String,
        text: String,
    },
}

/// A Markdown file's part of the corpus.
struct ParsedFile {
    summary: Option<FileSummary>,
    entries: Vec<Entry>,
    problems: Vec<Problem>,
}

impl FileRead {
    fn parse(self, config: &CorpusConfig) -> ParsedFile {
        let (file, hash, text) = match self {
            FileRead::Known(summary) => {
                return ParsedFile { summary: Some(summary), entries: Vec::new(), problems: Vec::new() };
            }
            FileRead::Unreadable(problem) => {
                return ParsedFile { summary: None, entries: Vec::new(), problems: vec![problem] };
            }
            FileRead::Text { file, hash, text } => (file, hash, text),
        };
        let level = config.files.get(&file).copied().or(config.question_level);
        let mut parsed = corpus::parse(&text, &file, level);
        if parsed.entries.is_empty() && !parsed.problems.iter().any(|p| p.severity == Severity::Error) {
            let message = "no entries: no heading level looks like a list of questions".to_string();
            parsed.problems.insert(0, Problem { severity: Severity::Warning, file: file.clone(), line: 1, message });
        }
        let summary = FileSummary {
            file,
            hash,
            entries: parsed.entries.len(),
            question_level: parsed.question_level,
            parsed: true,
        };
        ParsedFile { summary: Some(summary), entries: parsed.entries, problems: parsed.problems }
    }
}

/// The same question (with the same context) asked twice is a warning.
fn warn_duplicates(entries: &[Entry], problems: &mut Vec<Problem>) {
    let key =
        |e: &Entry| crate::text::normalize(&format!("{}{}", e.question, e.context)).replace(char::is_whitespace, "");
    let mut first: std::collections::HashMap<String, &Entry> = std::collections::HashMap::new();
    for entry in entries {
        if let Some(earlier) = first.get(&key(entry)) {
            let message =
                format!("duplicate question {:?} (also at {}:{})", entry.question, earlier.file, earlier.line);
            problems.push(Problem { severity: Severity::Warning, file: entry.file.clone(), line: entry.line, message });
        } else {
            first.insert(key(entry), entry);
        }
    }
}

/// The fingerprint [`load`] would compute, without parsing any Markdown:
/// enough to tell that an index is fresh.
pub fn fingerprint(dir: &Path) -> Result<String, Error> {
    if !dir.is_dir() {
        return Err(Error::MissingCorpus(dir.to_path_buf()));
    }
    let mut hasher = Xxh3::new();
    hasher.update(crate::index::SCHEMA_VERSION.to_string().as_bytes());
    for name in [CONFIG_FILE, glossary::FILE_NAME] {
        if let Some(text) = read_optional(&dir.join(name))? {
            hasher.update(text.as_bytes());
        }
    }
    for path in markdown_files(dir)? {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        hasher.update(relative(dir, &path).as_bytes());
        hasher.update(&bytes);
    }
    Ok(format!("{:016x}", hasher.digest()))
}

fn read_config(dir: &Path, hasher: &mut Xxh3, problems: &mut Vec<Problem>) -> Result<CorpusConfig, Error> {
    let Some(text) = read_optional(&dir.join(CONFIG_FILE))? else { return Ok(CorpusConfig::default()) };
    hasher.update(text.as_bytes());
    toml::from_str(&text).or_else(|e| {
        problems.push(problem(CONFIG_FILE, 1, format!("invalid config: {e}")));
        Ok(CorpusConfig::default())
    })
}

fn read_optional(path: &Path) -> Result<Option<String>, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Io(path.to_path_buf(), e)),
    }
}

fn problem(file: &str, line: usize, message: String) -> Problem {
    Problem { severity: Severity::Error, file: file.to_string(), line, message }
}

/// Markdown files below `dir`, in a stable order. Hidden entries are skipped.
fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let listing = std::fs::read_dir(&current).map_err(|e| Error::Io(current.clone(), e))?;
        for item in listing {
            let item = item.map_err(|e| Error::Io(current.clone(), e))?;
            let path = item.path();
            if item.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Path below the corpus directory, with `/` separators on every platform.
fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
