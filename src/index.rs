//! The tantivy index: schema, building it from a corpus, and swapping a new
//! build in atomically so that a failed or interrupted build never leaves a
//! broken index behind.
//!
//! Besides tantivy's own files the index directory holds `qabot.json` (what it
//! was built from), `words.txt` (its segmentation dictionary, see `segment`)
//! and a copy of the glossary, so that opening it needs nothing else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::Index;
use tantivy::directory::MmapDirectory;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, OwnedValue, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TokenizerManager;

use crate::analysis::{EntryWords, TextWords, Vocabulary};
use crate::corpus::Entry;
use crate::load::{self, Corpus};
use crate::progress::{Progress, Silent};
use crate::segment::{self, FullDictionary, ListedWords, Segmenter, char_pairs, compact_dictionary_from};
use crate::{Error, related};

/// Bumped whenever the schema or the way text is indexed changes, so that an
/// index built by an older qabot is rebuilt.
pub const SCHEMA_VERSION: u32 = 22;

pub(crate) const META_FILE: &str = "qabot.json";
pub(crate) const DICT_FILE: &str = "words.txt";
pub(crate) const GLOSSARY_COPY: &str = "glossary.toml";
/// The glossary parsed, with its matchers built: a one-shot answer need
/// not parse or build them (see [`crate::glossary::Glossary::stored`]).
pub(crate) const GLOSSARY_STORED: &str = "glossary.bin";

/// The tokenizer of every indexed text field: a build gives each field its
/// words already found, one space between two (see [`entry_document`]).
const LISTED: &str = "qabot_listed";

/// Entries whose related topics are ranked at once.
const RELATED_BATCH: usize = 2048;

/// The memory tantivy sizes the term table of a part of the index by (this
/// gives its largest first table, 2^19 terms). A part's memory then grows as
/// it needs: tantivy addresses up to 4 GB of it.
const WRITER_MEMORY: usize = 64 << 20;

/// The most text of one part of the index (see [`parts`]).
const PART_TEXT: usize = 128 << 20;

/// Where the parts of the index are built, inside the index being built.
const PARTS_DIR: &str = "parts";

/// What the index was built from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    pub schema_version: u32,
    pub fingerprint: String,
    pub entries: usize,
    /// How the corpus directory was named at build time, for `source`.
    pub corpus_label: String,
    /// See [`Corpus::settings`].
    #[serde(default)]
    pub settings: String,
    /// Hash of each Markdown file, for incremental updates.
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, String>,
}

impl Meta {
    pub(crate) fn of(corpus: &Corpus, corpus_label: &str) -> Meta {
        Meta {
            schema_version: SCHEMA_VERSION,
            fingerprint: corpus.fingerprint.clone(),
            entries: corpus.entries.len(),
            corpus_label: corpus_label.trim_end_matches('/').to_string(),
            settings: corpus.settings.clone(),
            files: corpus.files.iter().map(|f| (f.file.clone(), f.hash.clone())).collect(),
        }
    }
}

/// The index's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub file: Field,
    pub line: Field,
    /// The words of the question, context and answer, indexed; their texts
    /// are stored in the three fields after them.
    pub question: Field,
    pub context: Field,
    pub answer: Field,
    pub question_text: Field,
    pub context_text: Field,
    pub answer_text: Field,
    /// The question again, as a fast field: read per candidate without
    /// decoding the stored document.
    pub title: Field,
    pub title_pairs: Field,
    pub category: Field,
    pub tags: Field,
    pub related: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let listed = || {
        let indexing =
            TextFieldIndexing::default().set_tokenizer(LISTED).set_index_option(IndexRecordOption::WithFreqs);
        TextOptions::default().set_indexing_options(indexing)
    };
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED | FAST),
        file: builder.add_text_field("file", STRING | STORED | FAST),
        line: builder.add_u64_field("line", STORED),
        question: builder.add_text_field("question", listed()),
        context: builder.add_text_field("context", listed()),
        answer: builder.add_text_field("answer", listed()),
        question_text: builder.add_text_field("question_text", STORED),
        context_text: builder.add_text_field("context_text", STORED),
        answer_text: builder.add_text_field("answer_text", STORED),
        title: builder.add_text_field("title", TextOptions::default().set_fast("raw")),
        title_pairs: builder.add_text_field("title_pairs", listed()),
        category: builder.add_text_field("category", STRING | STORED),
        tags: builder.add_text_field("tags", STORED),
        related: builder.add_text_field("related", STORED),
    };
    (builder.build(), fields)
}

pub(crate) fn register_tokenizers(index: &Index) {
    register_listed(index.tokenizers());
}

fn register_listed(tokenizers: &TokenizerManager) {
    tokenizers.register(LISTED, ListedWords);
}

/// Whether an index directory can serve the corpus as it is now.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Fresh,
    Missing,
    /// Built from another corpus or by another schema version.
    Stale,
    /// Present but unreadable.
    Corrupt(String),
}

/// Compares the index with the corpus's fingerprint.
pub fn status(index_dir: &Path, corpus: &Corpus) -> Status {
    status_of(index_dir, &corpus.fingerprint)
}

fn status_of(index_dir: &Path, fingerprint: &str) -> Status {
    if !index_dir.exists() {
        return Status::Missing;
    }
    match read_meta(index_dir) {
        Err(e) => Status::Corrupt(e.to_string()),
        Ok(meta) if meta.schema_version != SCHEMA_VERSION || meta.fingerprint != fingerprint => Status::Stale,
        Ok(_) => Status::Fresh,
    }
}

/// What the index in `index_dir` was built from.
pub fn read_meta(index_dir: &Path) -> Result<Meta, Error> {
    let path = index_dir.join(META_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io(path.clone(), e))?;
    serde_json::from_str(&text).map_err(|e| Error::CorruptIndex(path, e.to_string()))
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub entries: usize,
    /// For an incremental update, the files it re-indexed.
    pub updated_files: Option<usize>,
    /// Warnings found in the corpus (files without entries, empty answers…).
    pub warnings: Vec<crate::Problem>,
    pub files: usize,
    pub elapsed: Duration,
}

/// Builds the index for `corpus` into `index_dir`, replacing what is there
/// only once the new index is complete. Refuses a corpus with errors.
pub fn build(corpus: &Corpus, corpus_label: &str, index_dir: &Path) -> Result<BuildReport, Error> {
    build_reporting(corpus, corpus_label, index_dir, &Silent)
}

/// [`build`], telling `progress` how far it got.
pub fn build_reporting(
    corpus: &Corpus,
    corpus_label: &str,
    index_dir: &Path,
    progress: &dyn Progress,
) -> Result<BuildReport, Error> {
    build_from(corpus, corpus_label, index_dir, progress, FullDictionary::load)
}

/// Loads the corpus in `corpus_dir` and builds its index, the way
/// [`build_reporting`] does. jieba's full dictionary is read on another
/// thread meanwhile: a build needs both, and reading either keeps one core
/// busy for about 100 ms.
pub fn load_and_build(corpus_dir: &Path, index_dir: &Path, progress: &dyn Progress) -> Result<BuildReport, Error> {
    let full = std::thread::spawn(FullDictionary::load);
    let corpus = load::load(corpus_dir)?;
    let full = || full.join().unwrap_or_else(|_| FullDictionary::load());
    build_from(&corpus, &corpus_dir.to_string_lossy(), index_dir, progress, full)
}

/// [`build_reporting`], with `full` to give it jieba's full dictionary.
fn build_from(
    corpus: &Corpus,
    corpus_label: &str,
    index_dir: &Path,
    progress: &dyn Progress,
    full: impl FnOnce() -> FullDictionary,
) -> Result<BuildReport, Error> {
    let started = Instant::now();
    if corpus.errors().next().is_some() {
        return Err(Error::InvalidCorpus(corpus.errors().cloned().collect()));
    }
    let staging = sibling(index_dir, "building");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| Error::Io(staging.clone(), e))?;
    let written = write_index(corpus, corpus_label, &staging, progress, full());
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap_in(&staging, index_dir)?;
    let warnings = corpus.problems.clone();
    Ok(BuildReport {
        entries: corpus.entries.len(),
        updated_files: None,
        warnings,
        files: corpus.files.len(),
        elapsed: started.elapsed(),
    })
}

/// Brings the index up to date when it is not: updated in place when only
/// some files changed, built afresh when it is missing or unreadable.
/// Returns why it changed the index and the build report, when it did.
pub fn ensure_fresh(
    corpus_dir: &Path,
    index_dir: &Path,
    progress: &dyn Progress,
) -> Result<Option<(Status, BuildReport)>, Error> {
    let status = status_of(index_dir, &load::fingerprint(corpus_dir)?);
    let report = match status {
        Status::Fresh => return Ok(None),
        Status::Stale => crate::update::update(corpus_dir, index_dir)?,
        Status::Missing | Status::Corrupt(_) => load_and_build(corpus_dir, index_dir, progress)?,
    };
    Ok(Some((status, report)))
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Fresh => write!(f, "the index is up to date"),
            Status::Missing => write!(f, "there was no index yet"),
            Status::Stale => write!(f, "the corpus or qabot changed since the last build"),
            Status::Corrupt(why) => write!(f, "the index was unreadable ({why}) and was rebuilt"),
        }
    }
}

fn write_index(
    corpus: &Corpus,
    corpus_label: &str,
    dir: &Path,
    progress: &dyn Progress,
    full: FullDictionary,
) -> Result<(), Error> {
    let entries = corpus.entries.len() as u64;
    progress.stage("reading words", entries);
    let texts = corpus.entries.par_iter().inspect(|_| progress.advance(1)).flat_map_iter(Entry::texts);
    let function_words = crate::text::function_words().map(str::to_string);
    let glossary_words: Vec<String> = corpus.glossary.words().cloned().chain(function_words).collect();
    let dictionary = compact_dictionary_from(full, texts, &glossary_words);
    let segmenter = Segmenter::from_dictionary(dictionary.as_bytes()).map_err(|e| Error::Internal(e.to_string()))?;
    progress.stage("segmenting", entries);
    let mut vocabulary = Vocabulary::default();
    let words = EntryWords::of_all(&corpus.entries, &segmenter, &corpus.glossary, &mut vocabulary, progress);
    progress.stage("related topics", entries);
    let ranking = related::Ranking::new(&corpus.entries, &words, &vocabulary);
    progress.advance(entries);

    progress.stage("indexing", entries);
    write_entries(dir, corpus, &words, &vocabulary, &ranking, progress)?;

    let meta = Meta::of(corpus, corpus_label);
    write_file(&dir.join(DICT_FILE), dictionary.as_bytes())?;
    write_file(&dir.join(GLOSSARY_COPY), corpus.glossary_text.as_bytes())?;
    write_file(&dir.join(GLOSSARY_STORED), &corpus.glossary.stored(&corpus.glossary_text))?;
    let meta = serde_json::to_vec_pretty(&meta).map_err(|e| Error::Internal(e.to_string()))?;
    write_file(&dir.join(META_FILE), &meta)
}

/// The tantivy index of the corpus's entries, in one segment whose documents
/// are in the corpus's order. The entries are split into consecutive parts
/// indexed side by side, one segment each, and the segments are then merged
/// in order: tantivy's own writer indexes on one thread, or on several that
/// take documents in no fixed order, and the order settles ties between
/// equal scores.
fn write_entries(
    dir: &Path,
    corpus: &Corpus,
    words: &[EntryWords],
    vocabulary: &Vocabulary,
    ranking: &related::Ranking,
    progress: &dyn Progress,
) -> Result<(), Error> {
    let parts = parts(corpus);
    let write = |part_dir: &Path, range: &std::ops::Range<usize>| {
        write_part(part_dir, corpus, range.clone(), words, vocabulary, ranking, progress)
    };
    let [whole] = parts.as_slice() else {
        let parts_dir = dir.join(PARTS_DIR);
        let written: Result<Vec<Index>, Error> =
            parts.par_iter().enumerate().map(|(i, range)| write(&parts_dir.join(i.to_string()), range)).collect();
        let merged = written.and_then(|indexes| {
            let output = MmapDirectory::open(dir).map_err(|e| Error::Internal(e.to_string()))?;
            // A public function of tantivy's that its documentation hides:
            // it stacks the segments in the order given.
            tantivy::indexer::merge_indices(&indexes, output)?;
            Ok(())
        });
        let _ = std::fs::remove_dir_all(&parts_dir);
        return merged;
    };
    write(dir, whole).map(drop)
}

/// One part of the index, in `dir`: the entries in `range`, in one segment,
/// indexed on the calling thread a batch at a time, each batch's related
/// topics ranked first (on all cores).
fn write_part(
    dir: &Path,
    corpus: &Corpus,
    range: std::ops::Range<usize>,
    words: &[EntryWords],
    vocabulary: &Vocabulary,
    ranking: &related::Ranking,
    progress: &dyn Progress,
) -> Result<Index, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    let (schema, f) = schema();
    let tokenizers = TokenizerManager::default();
    register_listed(&tokenizers);
    let directory = MmapDirectory::open(dir).map_err(|e| Error::Internal(e.to_string()))?;
    let mut writer = Index::builder()
        .schema(schema)
        .tokenizers(tokenizers)
        .single_segment_index_writer::<BTreeMap<Field, OwnedValue>>(directory, WRITER_MEMORY)?;
    for start in range.clone().step_by(RELATED_BATCH) {
        let batch = start..(start + RELATED_BATCH).min(range.end);
        let related = ranking.of(batch.clone());
        for ((entry, words), related) in corpus.entries[batch.clone()].iter().zip(&words[batch]).zip(&related) {
            writer.add_document(entry_document(&f, entry, words, vocabulary, related))?;
            progress.advance(1);
        }
    }
    Ok(writer.finalize()?)
}

/// The consecutive ranges of entries indexed side by side: one for each
/// core, and more when a part would hold more than [`PART_TEXT`] bytes of
/// text, since a part is gathered in memory whole (about three times its
/// text).
fn parts(corpus: &Corpus) -> Vec<std::ops::Range<usize>> {
    let count = corpus.entries.len();
    let text: usize = corpus.entries.iter().flat_map(Entry::texts).map(str::len).sum();
    let wanted = rayon::current_num_threads().max(text.div_ceil(PART_TEXT));
    // A part of fewer entries than a batch of related topics is not worth its merge.
    let size = count.div_ceil(wanted).max(RELATED_BATCH);
    // An empty corpus has one part, of no entries.
    (0..count.div_ceil(size).max(1)).map(|part| part * size..((part + 1) * size).min(count)).collect()
}

/// An entry's document, one value per field. Each text is stored as it is
/// and indexed as its `words`, found once and listed with a space between
/// two, so that tantivy need not segment it again. (tantivy's own
/// pre-tokenized text costs a string per word, which its one indexing
/// thread copies twice more.) The title's character pairs are found here as
/// well, on the thread that feeds tantivy's.
pub(crate) fn entry_document(
    f: &Fields,
    entry: &Entry,
    words: &EntryWords,
    vocabulary: &Vocabulary,
    related: &[(String, f32)],
) -> BTreeMap<Field, OwnedValue> {
    let text = |text: &str| OwnedValue::Str(text.to_string());
    let listed = |words: &TextWords| OwnedValue::Str(words.listed(vocabulary));
    BTreeMap::from([
        (f.id, text(&entry.id)),
        (f.file, text(&entry.file)),
        (f.line, OwnedValue::U64(entry.line as u64)),
        (f.question, listed(&words.question)),
        (f.context, listed(&words.context)),
        (f.answer, listed(&words.answer)),
        (f.question_text, text(&entry.question)),
        (f.context_text, text(&entry.context)),
        (f.answer_text, text(&entry.answer)),
        (f.title, text(&entry.question)),
        (f.title_pairs, OwnedValue::Str(segment::listed(char_pairs(&entry.question).iter().map(String::as_str)))),
        (f.category, text(&entry.category)),
        (f.tags, OwnedValue::Str(entry.tags.join("\n"))),
        (f.related, OwnedValue::Str(format_related(related))),
    ])
}

/// Related entries as stored: one `id<TAB>score` line each.
fn format_related(related: &[(String, f32)]) -> String {
    related.iter().map(|(id, score)| format!("{id}\t{score:.3}")).collect::<Vec<_>>().join("\n")
}

/// The stored related entries, read back.
pub(crate) fn parse_related(stored: &str) -> Vec<(String, f32)> {
    stored
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(id, score)| (id.to_string(), score.parse().unwrap_or(0.0)))
        .collect()
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|e| Error::Io(path.to_path_buf(), e))
}

/// `index` → `.index.building` beside it.
fn sibling(index_dir: &Path, what: &str) -> PathBuf {
    let name = index_dir.file_name().map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    index_dir.with_file_name(format!(".{name}.{what}.{}", std::process::id()))
}

/// Puts the finished `staging` directory where `index_dir` is. On Linux the
/// two directories are exchanged in one atomic step; a reader opening the
/// index sees the old one or the new one, never none.
fn swap_in(staging: &Path, index_dir: &Path) -> Result<(), Error> {
    if !index_dir.exists() {
        return std::fs::rename(staging, index_dir).map_err(|e| Error::Io(index_dir.to_path_buf(), e));
    }
    if !exchange(staging, index_dir) {
        let old = sibling(index_dir, "old");
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(index_dir, &old).map_err(|e| Error::Io(index_dir.to_path_buf(), e))?;
        std::fs::rename(staging, index_dir).map_err(|e| Error::Io(index_dir.to_path_buf(), e))?;
        let _ = std::fs::remove_dir_all(&old);
        return Ok(());
    }
    // `staging` now holds the old index; readers that have it open keep their
    // memory maps of the removed files.
    let _ = std::fs::remove_dir_all(staging);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (CString::new(a.as_os_str().as_bytes()), CString::new(b.as_os_str().as_bytes())) else {
        return false;
    };
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}
