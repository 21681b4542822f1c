//! Deterministic synthetic corpus for the performance study (`scripts/bench.sh`).
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --entries 100000 --seed 1 --out target/bench/c100k \
//!     [--questions target/bench/q100k.txt --num-questions 2000]
//! ```
//!
//! Real sentences and question headings are read at run time from the seed
//! corpus (`corpus/network-and-concurrency.md`) and `../shared/corpora/` (or
//! the `--source` paths given), never copied into the repository, and
//! recombined into `## N. question？` entries with one to three answer
//! paragraphs, 1,000 entries per file (`part-0000.md`, …). `glossary.toml` is
//! copied beside them. The same arguments and sources give identical bytes.
//!
//! `--questions FILE` also writes questions to ask the generated corpus: some
//! verbatim titles, some shortened or with a word dropped.

use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Parser;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

#[derive(Debug, Parser)]
#[command(about = "Writes a deterministic synthetic Markdown Q&A corpus")]
struct Args {
    /// Number of entries to write.
    #[arg(long)]
    entries: usize,
    /// Seed of the generator: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output corpus directory (created; its `part-*.md` files are replaced).
    #[arg(long)]
    out: PathBuf,
    /// Entries per Markdown file.
    #[arg(long, default_value_t = 1000)]
    per_file: usize,
    /// Markdown files or directories to take sentences from [default: the seed
    /// corpus and ../shared/corpora].
    #[arg(long = "source")]
    sources: Vec<PathBuf>,
    /// Glossary copied into the output [default: corpus/glossary.toml].
    #[arg(long)]
    glossary: Option<PathBuf>,
    /// Also write questions for the generated corpus, one per line, here.
    #[arg(long)]
    questions: Option<PathBuf>,
    #[arg(long, default_value_t = 1000)]
    num_questions: usize,
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// What the sources provide.
#[derive(Default)]
struct Material {
    sentences: Vec<String>,
    /// Question headings, numbering and trailing question mark stripped.
    titles: Vec<String>,
    /// Leading clauses of sentences, to build more questions from.
    clauses: Vec<String>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.per_file == 0 {
        bail!("--per-file must be positive");
    }
    let manifest = Path::new(MANIFEST_DIR);
    let sources = if args.sources.is_empty() {
        vec![manifest.join("corpus/network-and-concurrency.md"), manifest.join("../shared/corpora")]
    } else {
        args.sources.clone()
    };
    let mut files = Vec::new();
    for source in &sources {
        markdown_files(source, &mut files).with_context(|| format!("reading {}", source.display()))?;
    }
    files.sort();
    files.dedup();
    let mut material = Material::default();
    let (mut seen_sentences, mut seen_titles, mut seen_clauses) = (HashSet::new(), HashSet::new(), HashSet::new());
    for file in &files {
        let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        extract(&text, &mut material, &mut seen_sentences, &mut seen_titles, &mut seen_clauses);
    }
    if material.sentences.len() < 10 || material.titles.len() < 10 {
        bail!(
            "too little material in {} files ({} sentences, {} titles)",
            files.len(),
            material.sentences.len(),
            material.titles.len()
        );
    }
    eprintln!(
        "gen_corpus: {} source files, {} sentences, {} titles, {} clauses",
        files.len(),
        material.sentences.len(),
        material.titles.len(),
        material.clauses.len()
    );

    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    for item in fs::read_dir(&args.out)? {
        let path = item?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with("part-") && name.ends_with(".md") {
            fs::remove_file(&path)?;
        }
    }
    let glossary = args.glossary.clone().unwrap_or_else(|| manifest.join("corpus/glossary.toml"));
    fs::copy(&glossary, args.out.join("glossary.toml")).with_context(|| format!("copying {}", glossary.display()))?;

    let mut rng = Rng(args.seed);
    let mut questions = Vec::with_capacity(args.entries);
    let mut bytes = 0usize;
    let files_needed = args.entries.div_ceil(args.per_file);
    for part in 0..files_needed {
        let path = args.out.join(format!("part-{part:04}.md"));
        let mut out = BufWriter::new(fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?);
        let mut text = format!("---\ntitle: 合成语料 {part:04}\n---\n\n");
        let first = part * args.per_file;
        for n in first..(first + args.per_file).min(args.entries) {
            let question = make_question(&mut rng, &material);
            text.push_str(&format!("## {}. {question}？\n\n", n + 1));
            text.push_str(&make_answer(&mut rng, &material));
            text.push('\n');
            questions.push(question);
            if text.len() > 1 << 20 {
                out.write_all(text.as_bytes())?;
                bytes += text.len();
                text.clear();
            }
        }
        out.write_all(text.as_bytes())?;
        bytes += text.len();
        out.flush()?;
    }
    eprintln!(
        "gen_corpus: wrote {} entries in {files_needed} files, {bytes} bytes, to {}",
        args.entries,
        args.out.display()
    );

    if let Some(path) = &args.questions {
        let mut out = BufWriter::new(fs::File::create(path).with_context(|| format!("creating {}", path.display()))?);
        // A separate stream, so that the corpus does not depend on the number of questions.
        let mut rng = Rng(args.seed ^ 0x5155_4553_5449_4F4E);
        for _ in 0..args.num_questions.min(questions.len().max(1) * 4) {
            let Some(question) = (!questions.is_empty()).then(|| rng.pick(&questions).clone()) else { break };
            writeln!(out, "{}", vary_question(&mut rng, &question))?;
        }
        out.flush()?;
    }
    Ok(())
}

fn markdown_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut items: Vec<PathBuf> = fs::read_dir(path)?.map(|i| i.map(|i| i.path())).collect::<Result<_, _>>()?;
    items.sort();
    for item in items {
        let name = item.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if item.is_dir() {
            markdown_files(&item, out)?;
        } else if name.ends_with(".md") || name.ends_with(".markdown") {
            out.push(item);
        }
    }
    Ok(())
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Sentences, titles and clauses of one Markdown file, in order, each kept once.
fn extract(
    text: &str,
    material: &mut Material,
    seen_sentences: &mut HashSet<String>,
    seen_titles: &mut HashSet<String>,
    seen_clauses: &mut HashSet<String>,
) {
    let mut lines = text.lines().peekable();
    // Front matter.
    if lines.peek() == Some(&"---") {
        lines.next();
        for line in lines.by_ref() {
            if line == "---" {
                break;
            }
        }
    }
    let mut in_fence = false;
    for line in lines {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        // Code is kept out; prose written inside fences (the seed corpus does that) is kept.
        if in_fence && !looks_like_prose(trimmed) {
            continue;
        }
        if !in_fence && trimmed.starts_with('#') {
            let title = clean_heading(trimmed);
            let chars = title.chars().count();
            let clean = !title.contains(['<', '>', '|', '$', '{', '}', '#']);
            if (4..=40).contains(&chars) && clean && seen_titles.insert(title.clone()) {
                material.titles.push(title);
            }
            continue;
        }
        if trimmed.starts_with('|') || trimmed.starts_with('<') || trimmed.starts_with("![") || trimmed.is_empty() {
            continue;
        }
        let prose = plain(strip_list_marker(trimmed));
        for sentence in split_sentences(&prose) {
            let chars = sentence.chars().count();
            let hans = sentence.chars().filter(|c| is_han(*c)).count();
            let latin_words = sentence.split_whitespace().filter(|w| w.chars().any(|c| c.is_alphabetic())).count();
            if !(8..=160).contains(&chars) || (hans < 4 && latin_words < 4) || !is_clean(sentence) {
                continue;
            }
            if let Some(clause) = sentence.split(['，', ',', '：', ':']).next() {
                let clause = clause.trim_matches(|c: char| !c.is_alphanumeric() && !is_han(c));
                let n = clause.chars().count();
                if (4..=16).contains(&n) && clause.chars().any(is_han) && seen_clauses.insert(clause.to_string()) {
                    material.clauses.push(clause.to_string());
                }
            }
            if seen_sentences.insert(sentence.to_string()) {
                material.sentences.push(sentence.to_string());
            }
        }
    }
}

/// A line inside a code fence that is prose, not code: mostly ideographs.
fn looks_like_prose(line: &str) -> bool {
    let chars = line.chars().filter(|c| !c.is_whitespace()).count();
    let hans = line.chars().filter(|c| is_han(*c)).count();
    hans * 10 >= chars * 4 && !line.starts_with(['#', '/', '*'])
}

/// A sentence that is safe to put in Markdown as a paragraph and reads as
/// prose: it cannot start a heading, list, quote or table, and has no HTML,
/// maths or code in it.
fn is_clean(sentence: &str) -> bool {
    let first = sentence.chars().next().unwrap_or(' ');
    (first.is_alphanumeric() || is_han(first) || "“\"'（(《「".contains(first))
        && !sentence.contains(['<', '>', '|', '$', '{', '}', '='])
        && !sentence.contains("//")
        && !sentence.contains("/*")
}

/// `### 18. 什么是 **AOP**？` → `什么是 AOP`.
fn clean_heading(line: &str) -> String {
    let text = plain(line.trim_start_matches('#').trim());
    let mut text = text.trim_start_matches(|c: char| !c.is_alphanumeric() && !is_han(c)).to_string();
    // Numbering: `18.` / `18、` / `Q3:`.
    let digits = text.trim_start_matches(['Q', 'q']);
    let rest = digits.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() < digits.len()
        && let Some(stripped) = rest.strip_prefix(['.', '、', ':', '：', ')', '）'])
    {
        text = stripped.trim().to_string();
    }
    text.trim_end_matches(['？', '?', '。', '：', ':', ' ']).trim().to_string()
}

fn strip_list_marker(line: &str) -> &str {
    let line = line.trim_start_matches(['>', ' ']);
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest;
        }
    }
    let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() < line.len()
        && let Some(rest) = rest.strip_prefix(['.', '、', ')'])
    {
        return rest.trim_start();
    }
    line
}

/// Inline Markdown to plain text: `[text](url)` → text, emphasis and code marks dropped.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| after[close..].find(')').map(|end| (close, close + end))) {
            Some((close, end)) => {
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace('`', "")
}

/// Sentences ending in 。！？；!? or `. `, each with its end mark.
fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = match c {
            '。' | '！' | '？' | '；' | '!' | '?' => true,
            '.' => chars.peek().is_none_or(|(_, next)| next.is_whitespace()),
            _ => false,
        };
        if end {
            let stop = i + c.len_utf8();
            out.push(text[start..stop].trim());
            start = stop;
        }
    }
    let tail = text[start..].trim();
    if !tail.is_empty() {
        out.push(tail);
    }
    out
}

const SUFFIXES: &[&str] =
    &["是什么", "的原理是什么", "如何实现", "有什么作用", "有哪些优缺点", "怎么理解", "的使用场景有哪些"];

fn make_question(rng: &mut Rng, m: &Material) -> String {
    match rng.below(10) {
        // A real question heading.
        0 | 1 => rng.pick(&m.titles).to_string(),
        // Two headings compared.
        2..=5 => {
            let a = rng.pick(&m.titles);
            let b = rng.pick(&m.titles);
            let a: String = a.chars().take(16).collect();
            let b: String = b.chars().take(16).collect();
            format!("{a}和{b}有什么区别")
        }
        // A clause of an answer, asked about.
        _ if !m.clauses.is_empty() => format!("{}{}", rng.pick(&m.clauses), rng.pick(SUFFIXES)),
        _ => rng.pick(&m.titles).clone(),
    }
}

fn make_answer(rng: &mut Rng, m: &Material) -> String {
    let mut out = String::new();
    let paragraphs = 1 + rng.below(3);
    for _ in 0..paragraphs {
        let sentences = 1 + rng.below(5);
        if rng.chance(15) {
            for _ in 0..sentences.max(2) {
                out.push_str("- ");
                out.push_str(rng.pick(&m.sentences).as_str());
                out.push('\n');
            }
        } else {
            for k in 0..sentences {
                let sentence: &str = rng.pick(&m.sentences).as_str();
                let latin = !sentence.chars().any(is_han);
                if k > 0 && latin {
                    out.push(' ');
                }
                out.push_str(sentence);
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// A question as a person might ask it: verbatim, shortened, or missing a word.
fn vary_question(rng: &mut Rng, question: &str) -> String {
    let chars: Vec<char> = question.chars().collect();
    match rng.below(4) {
        0 | 1 => question.to_string(),
        2 if chars.len() > 6 => chars[..chars.len() * 2 / 3].iter().collect(),
        _ if chars.len() > 6 => {
            let at = rng.below(chars.len() - 2);
            chars[..at].iter().chain(&chars[at + 2..]).collect()
        }
        _ => question.to_string(),
    }
}
