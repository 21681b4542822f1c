//! Markdown → entries. Pure: text in, entries and problems out; reading the
//! corpus directory lives in `corpus::load` (see `source.rs`).
//!
//! An entry is a question heading plus everything up to the next heading of
//! the same or a higher level. Which heading level holds the questions is
//! chosen per file (see [`choose_level`]); front matter can fix it.

use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::text::{clean_title, looks_like_question};

/// One question and its answer, as parsed from a Markdown file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id: the file's path below the corpus without `.md`, a `#`, and
    /// the entry's position in the file (1-based).
    pub id: String,
    /// The question as shown: numbering and decorations stripped.
    pub question: String,
    /// Text between the question heading and the answer that belongs to the
    /// question (a code block to read, options to pick from). Often empty.
    pub context: String,
    /// The answer's Markdown, kept for display.
    pub answer: String,
    pub category: String,
    pub tags: Vec<String>,
    /// Path of the file below the corpus directory, with `/` separators.
    pub file: String,
    /// 1-based line of the question heading in the file.
    pub line: usize,
}

impl Entry {
    /// Its question, context and answer: the texts that are searched.
    pub fn texts(&self) -> [&str; 3] {
        [&self.question, &self.context, &self.answer]
    }
}

/// How bad a problem found while parsing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file cannot be used as written: the index is not rebuilt from it.
    Error,
    /// Worth a look; the file is still indexed.
    Warning,
}

/// Something a maintainer should fix, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// What parsing one file yields.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    pub entries: Vec<Entry>,
    /// The heading level the questions were taken from, if any.
    pub question_level: Option<u8>,
    pub problems: Vec<Problem>,
}

/// Front matter keys qabot reads; everything else is ignored.
#[derive(Debug, Default, Deserialize)]
struct FrontMatter {
    title: Option<String>,
    category: Option<String>,
    #[serde(default, alias = "tags")]
    tag: OneOrMany,
    #[serde(default)]
    qabot: QabotOptions,
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

/// Per-file options under the `qabot:` front matter key.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub struct QabotOptions {
    /// Heading level (1–6) whose headings are the questions.
    pub question_level: Option<u8>,
}

/// A heading as found in the file, outside code and `<details>` blocks.
#[derive(Debug)]
struct Heading {
    level: u8,
    text: String,
    /// Byte range of the heading line itself.
    start: usize,
    end: usize,
    /// Only a link (a table-of-contents line): never a question.
    link_only: bool,
}

/// Splits one Markdown file into entries.
///
/// `file` is the path below the corpus directory; `default_level` comes from
/// `corpus/qabot.toml` and is overridden by the file's own front matter.
pub fn parse(text: &str, file: &str, default_level: Option<u8>) -> ParsedFile {
    let mut out = ParsedFile::default();
    let scan = scan(text);
    let front = match scan.front_matter.as_deref().map(serde_yaml_ng::from_str::<FrontMatter>) {
        None => FrontMatter::default(),
        Some(Ok(front)) => front,
        Some(Err(err)) => {
            let line = err.location().map_or(1, |l| l.line() + 1);
            out.problems.push(problem(Severity::Error, file, line, format!("invalid front matter: {err}")));
            return out;
        }
    };
    let forced = front.qabot.question_level.or(default_level);
    if let Some(level) = forced.filter(|l| !(1..=6).contains(l)) {
        out.problems.push(problem(Severity::Error, file, 1, format!("question_level {level} is not 1 to 6")));
        return out;
    }
    let Some(level) = forced.or_else(|| choose_level(&scan.headings)) else {
        return out;
    };
    out.question_level = Some(level);
    let category = category(&front, &scan.headings, level, file);
    let tags = match front.tag {
        OneOrMany::None => Vec::new(),
        OneOrMany::One(tag) => vec![tag],
        OneOrMany::Many(tags) => tags,
    };
    let lines = LineIndex::new(text);
    let questions: Vec<usize> =
        (0..scan.headings.len()).filter(|&i| scan.headings[i].level == level && !scan.headings[i].link_only).collect();
    for (ordinal, &i) in questions.iter().enumerate() {
        let heading = &scan.headings[i];
        let end = scan.headings[i + 1..].iter().find(|h| h.level <= level).map_or(text.len(), |h| h.start);
        let body = strip_comments(&text[heading.end.min(end)..end]);
        let (context, answer) = split_details(&body);
        let line = lines.line_of(heading.start);
        let question = clean_title(&heading.text);
        if question.is_empty() {
            out.problems.push(problem(Severity::Warning, file, line, "question heading has no text".into()));
            continue;
        }
        if answer.is_empty() && context.is_empty() {
            out.problems.push(problem(Severity::Warning, file, line, format!("empty answer: {question}")));
        }
        out.entries.push(Entry {
            id: format!("{}#{}", file.trim_end_matches(".md"), ordinal + 1),
            question,
            context,
            answer,
            category: category.clone(),
            tags: tags.clone(),
            file: file.to_string(),
            line,
        });
    }
    warn_skipped_questions(&scan.headings, level, file, &lines, &mut out.problems);
    out
}

/// The rule that picks the question level of a file without an override:
///
/// 1. A *question list*: the shallowest level with at least two headings that
///    look like questions (see [`looks_like_question`]) making up at least a
///    third of that level's headings. In a file with a single H1, a list
///    deeper than H2 must be long (8 or more questions, half of the level) to
///    win over rule 2, since a one-question file often has question-like
///    sub-headings.
/// 2. Otherwise a file with exactly one H1 is one entry: the H1 is the question.
/// 3. Otherwise the file has no entries (and `qabot check` says so).
fn choose_level(headings: &[Heading]) -> Option<u8> {
    let counted: Vec<&Heading> = headings.iter().filter(|h| !h.link_only).collect();
    let h1_count = counted.iter().filter(|h| h.level == 1).count();
    for level in 1..=6u8 {
        let at_level: Vec<&&Heading> = counted.iter().filter(|h| h.level == level).collect();
        let asked = at_level.iter().filter(|h| looks_like_question(&h.text)).count();
        let total = at_level.len();
        let is_list = asked >= 2 && asked * 3 >= total;
        let beats_single_h1 = h1_count != 1 || level <= 2 || (asked >= 8 && asked * 2 >= total);
        if is_list && beats_single_h1 {
            return Some(level);
        }
    }
    (h1_count == 1).then_some(1)
}

/// Front matter `title`, then `category`, then an H1 that is not itself a
/// question, then the file name.
fn category(front: &FrontMatter, headings: &[Heading], level: u8, file: &str) -> String {
    let h1 = headings.iter().find(|h| h.level == 1 && level != 1).map(|h| clean_title(&h.text));
    let from_path = || {
        let path = std::path::Path::new(file);
        let name = if level == 1 { path.parent().and_then(|p| p.file_name()) } else { None };
        name.or_else(|| path.file_stem()).map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
    };
    [front.title.clone(), front.category.clone(), h1]
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_else(from_path)
}

/// Question-like headings at other levels than the chosen one are reported,
/// so a maintainer notices a question that did not become an entry.
fn warn_skipped_questions(headings: &[Heading], level: u8, file: &str, lines: &LineIndex, problems: &mut Vec<Problem>) {
    for h in headings.iter().filter(|h| h.level < level && !h.link_only && looks_like_question(&h.text)) {
        let message =
            format!("heading looks like a question but is level {} (questions are level {level}): {}", h.level, h.text);
        problems.push(problem(Severity::Warning, file, lines.line_of(h.start), message));
    }
}

fn problem(severity: Severity, file: &str, line: usize, message: String) -> Problem {
    Problem { severity, file: file.to_string(), line, message }
}

/// What one pass of pulldown-cmark over a file finds.
struct Scan {
    front_matter: Option<String>,
    headings: Vec<Heading>,
}

fn scan(text: &str) -> Scan {
    let mut options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // Front matter only opens a file: elsewhere `---` is a rule, and a pair
    // of them must not swallow what lies between.
    if text.trim_start_matches('\u{feff}').starts_with("---") {
        options |= Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    }
    let mut front_matter = None;
    let mut headings = Vec::new();
    let mut in_front = false;
    let mut details_depth = 0usize;
    // The heading being read, whether it holds a link, and text outside links.
    let mut current: Option<(Heading, bool, bool)> = None;
    let mut link_depth = 0usize;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(MetadataBlockKind::YamlStyle)) => in_front = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_front = false,
            Event::Text(t) if in_front => front_matter.get_or_insert_with(String::new).push_str(&t),
            Event::Html(html) | Event::InlineHtml(html) => {
                let lower = html.to_ascii_lowercase();
                details_depth += lower.matches("<details").count();
                details_depth = details_depth.saturating_sub(lower.matches("</details").count());
            }
            Event::Start(Tag::Heading { level, .. }) if details_depth == 0 => {
                let heading = Heading {
                    level: level as u8,
                    text: String::new(),
                    start: range.start,
                    end: range.end,
                    link_only: false,
                };
                current = Some((heading, false, false));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((mut heading, saw_link, saw_plain)) = current.take() {
                    heading.link_only = saw_link && !saw_plain;
                    headings.push(heading);
                }
            }
            Event::Start(Tag::Link { .. }) => {
                link_depth += 1;
                if let Some((_, saw_link, _)) = current.as_mut() {
                    *saw_link = true;
                }
            }
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                if let Some((heading, _, saw_plain)) = current.as_mut() {
                    heading.text.push_str(&t);
                    *saw_plain |= link_depth == 0 && !t.trim().is_empty();
                }
            }
            _ => {}
        }
    }
    Scan { front_matter, headings }
}

/// Removes `<!-- … -->` comments, which are notes to editors, not answers.
fn strip_comments(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A question whose answer sits in a `<details>` block keeps the text before
/// it (code to read, options) as question context.
fn split_details(body: &str) -> (String, String) {
    match body.find("<details") {
        Some(at) if !body[..at].trim().is_empty() => (body[..at].trim().to_string(), body[at..].trim().to_string()),
        _ => (String::new(), body.trim().to_string()),
    }
}

/// Byte offset → 1-based line number.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        // A line ends at \n, or at a \r not followed by \n (old Mac files).
        let bytes = text.as_bytes();
        let ends =
            (0..bytes.len()).filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')));
        let starts = std::iter::once(0).chain(ends.map(|i| i + 1)).collect();
        LineIndex { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}
