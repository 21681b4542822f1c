//! Incremental updates: when only some Markdown files changed, only their
//! entries are re-indexed (deleted by file, added again) in the index in
//! place — a tantivy commit is atomic, and engines already open keep reading
//! the segments they opened. Anything wider (the glossary, `qabot.toml`,
//! qabot's schema, or a large share of the corpus) rebuilds from scratch.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, Searcher, TantivyDocument, Term};

use crate::analysis::{EntryWords, Vocabulary};
use crate::corpus::Entry;
use crate::index::{self, BuildReport, DICT_FILE, Fields, META_FILE, Meta, SCHEMA_VERSION};
use crate::load::{self, Corpus};
use crate::segment::{Segmenter, compact_dictionary, merge_dictionaries};
use crate::text::{is_filler, is_weak};
use crate::{Error, related};

/// Above this share of changed entries a full rebuild is as quick and keeps
/// every entry's related topics exact.
const MAX_CHANGED_SHARE: f32 = 0.2;

/// Brings the index in `index_dir` up to date with the corpus in
/// `corpus_dir`. When it can, only the Markdown files that changed are read
/// and re-indexed; otherwise the index is rebuilt. A corpus with errors
/// leaves the index as it was, and an index that is up to date is not
/// touched (`updated_files` is `Some(0)`).
pub fn update(corpus_dir: &Path, index_dir: &Path) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let label = corpus_dir.to_string_lossy();
    let rebuild = || index::load_and_build(corpus_dir, index_dir, &crate::progress::Silent);
    let meta = match index::read_meta(index_dir) {
        Ok(meta) if meta.schema_version == SCHEMA_VERSION && !meta.files.is_empty() => meta,
        _ => return rebuild(),
    };
    let corpus = load::load_changed(corpus_dir, &meta.files)?;
    if corpus.errors().next().is_some() {
        return Err(Error::InvalidCorpus(corpus.errors().cloned().collect()));
    }
    if meta.settings != corpus.settings {
        return rebuild();
    }
    let changed = changed_files(&meta, &corpus);
    if changed.is_empty() && meta.fingerprint == corpus.fingerprint {
        let (warnings, files) = (corpus.problems.clone(), corpus.files.len());
        return Ok(BuildReport {
            entries: meta.entries,
            updated_files: Some(0),
            warnings,
            files,
            elapsed: started.elapsed(),
        });
    }
    // Only the changed files were read: these are their entries.
    let entries: Vec<&Entry> = corpus.entries.iter().collect();
    if entries.len() as f32 > MAX_CHANGED_SHARE * meta.entries as f32 && entries.len() > 100 {
        return rebuild();
    }
    let total = match apply(&corpus, &label, index_dir, &changed, &entries) {
        Ok(total) => total,
        Err(e) => {
            tracing::warn!("incremental update failed ({e}); rebuilding");
            return rebuild();
        }
    };
    Ok(BuildReport {
        entries: total,
        updated_files: Some(changed.len()),
        warnings: corpus.problems.clone(),
        files: corpus.files.len(),
        elapsed: started.elapsed(),
    })
}

/// Files added, edited or removed since the index was built.
fn changed_files<'c>(meta: &'c Meta, corpus: &'c Corpus) -> BTreeSet<&'c str> {
    let now = corpus.files.iter().filter(|f| meta.files.get(&f.file) != Some(&f.hash)).map(|f| f.file.as_str());
    let present: BTreeSet<&str> = corpus.files.iter().map(|f| f.file.as_str()).collect();
    let gone = meta.files.keys().map(String::as_str).filter(|f| !present.contains(f));
    now.chain(gone).collect()
}

/// Re-indexes the entries of the changed files; returns how many entries
/// the index has now.
fn apply(
    corpus: &Corpus,
    label: &str,
    dir: &Path,
    changed: &BTreeSet<&str>,
    entries: &[&Entry],
) -> Result<usize, Error> {
    let index = Index::open_in_dir(dir)?;
    let (_, f) = index::schema();
    let reader = index.reader()?;
    let searcher = reader.searcher();
    // An entry whose text did not change (only moved, or a neighbour was
    // edited) keeps its related topics, and its words are in the dictionary.
    let previous = Previous::read(&searcher, &f, changed);
    let now: HashMap<u64, &str> = entries.iter().map(|e| (content_key(e), e.id.as_str())).collect();
    let edited: Vec<&Entry> =
        entries.iter().copied().filter(|e| !previous.related.contains_key(&content_key(e))).collect();

    let old_dictionary = std::fs::read_to_string(dir.join(DICT_FILE)).map_err(|e| Error::Io(dir.join(DICT_FILE), e))?;
    let dictionary = if edited.is_empty() {
        old_dictionary
    } else {
        let texts = edited.par_iter().flat_map_iter(|e| e.texts());
        merge_dictionaries(&old_dictionary, &compact_dictionary(texts, &[]))
    };
    let segmenter = Segmenter::from_dictionary(dictionary.as_bytes()).map_err(|e| Error::Internal(e.to_string()))?;
    index::register_tokenizers(&index);
    let mut vocabulary = Vocabulary::default();
    let mut documents = Vec::new();
    let mut kept = HashSet::new();
    for entry in entries {
        let related = match previous.related.get(&content_key(entry)) {
            Some(stored) => {
                let related = previous.follow(stored, &now);
                // Same text, same place, same related topics: nothing to do.
                if previous.ids.get(&entry.id).map(|keys| keys.document) == Some(document_key(entry))
                    && related == index::parse_related(stored)
                {
                    kept.insert(entry.id.as_str());
                    continue;
                }
                related
            }
            None => related_by_index(entry, &searcher, &segmenter, changed),
        };
        let words = EntryWords::of(entry, &segmenter, &corpus.glossary, &mut vocabulary);
        documents.push(index::entry_document(&f, entry, &words, &vocabulary, &related));
    }
    // Deletions apply to what was there before, so they go first.
    let mut writer = index.writer_with_num_threads(1, 32 * 1024 * 1024)?;
    for id in previous.ids.keys().filter(|id| !kept.contains(&id[..])) {
        writer.delete_term(Term::from_field_text(f.id, id));
    }
    for document in documents {
        writer.add_document(document)?;
    }
    writer.commit()?;
    reader.reload()?;
    let total = reader.searcher().num_docs() as usize;
    index::write_file(&dir.join(DICT_FILE), dictionary.as_bytes())?;
    let meta = Meta { entries: total, ..Meta::of(corpus, label) };
    let meta = serde_json::to_vec_pretty(&meta).map_err(|e| Error::Internal(e.to_string()))?;
    index::write_file(&dir.join(META_FILE), &meta)?;
    Ok(total)
}

/// What makes an entry's text: equal keys, equal entries (wherever they are).
fn content_key(entry: &Entry) -> u64 {
    text_key(&entry.question, &entry.context, &entry.answer)
}

fn text_key(question: &str, context: &str, answer: &str) -> u64 {
    hash_parts(&[question, context, answer])
}

/// Everything an entry's document holds but its related topics.
fn document_key(entry: &Entry) -> u64 {
    let tags = entry.tags.join("\n");
    stored_key(&entry.question, &entry.context, &entry.answer, &entry.file, entry.line as u64, &entry.category, &tags)
}

/// [`document_key`] of the fields as stored (tags one per line).
fn stored_key(question: &str, context: &str, answer: &str, file: &str, line: u64, category: &str, tags: &str) -> u64 {
    hash_parts(&[question, context, answer, file, &line.to_string(), category, tags])
}

fn hash_parts(parts: &[&str]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(str::as_bytes(part));
        hasher.update(&[0]);
    }
    hasher.digest()
}

/// What the index held for the changed files before the update.
struct Previous {
    /// Stored related topics, by content key.
    related: HashMap<u64, String>,
    /// The keys of each id's entry.
    ids: HashMap<String, Keys>,
}

struct Keys {
    /// [`content_key`]
    content: u64,
    /// [`document_key`]
    document: u64,
}

impl Previous {
    fn read(searcher: &Searcher, f: &Fields, files: &BTreeSet<&str>) -> Previous {
        let mut previous = Previous { related: HashMap::new(), ids: HashMap::new() };
        for file in files {
            let query = TermQuery::new(Term::from_field_text(f.file, file), IndexRecordOption::Basic);
            let Ok(addresses) = searcher.search(&query, &DocSetCollector) else { continue };
            for address in addresses {
                let Ok(document) = searcher.doc::<TantivyDocument>(address) else { continue };
                let text = |field| document.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
                let (question, context, answer) = (text(f.question_text), text(f.context_text), text(f.answer_text));
                let line = document.get_first(f.line).and_then(|v| v.as_u64()).unwrap_or(0);
                let content = text_key(question, context, answer);
                let document =
                    stored_key(question, context, answer, text(f.file), line, text(f.category), text(f.tags));
                previous.related.insert(content, text(f.related).to_string());
                previous.ids.insert(text(f.id).to_string(), Keys { content, document });
            }
        }
        previous
    }

    /// A stored related list, its ids brought up to date: an entry of a
    /// changed file that moved is followed to its new id (`now`: content key
    /// → id), one that was edited or removed is dropped.
    fn follow(&self, related: &str, now: &HashMap<u64, &str>) -> Vec<(String, f32)> {
        index::parse_related(related)
            .into_iter()
            .filter_map(|(id, score)| match self.ids.get(&id) {
                None => Some((id, score)),
                Some(keys) => now.get(&keys.content).map(|new_id| (new_id.to_string(), score)),
            })
            .collect()
    }
}

/// Related topics of an edited entry, found with a query made of its most
/// distinctive words among the entries that did not change.
fn related_by_index(
    entry: &Entry,
    searcher: &Searcher,
    segmenter: &Segmenter,
    changed: &BTreeSet<&str>,
) -> Vec<(String, f32)> {
    let (_, f) = index::schema();
    let n = searcher.num_docs().max(1) as f32;
    let mut weights: std::collections::HashMap<String, f32> = std::collections::HashMap::new();
    for (text, weight) in [(&entry.question, 3.0), (&entry.answer, 1.0)] {
        for word in segmenter.words(text).into_iter().filter(|w| w.chars().count() > 1 && !is_filler(w) && !is_weak(w))
        {
            *weights.entry(word).or_default() += weight;
        }
    }
    let mut terms: Vec<(String, f32)> = weights
        .into_iter()
        .map(|(word, tf)| {
            let df = searcher.doc_freq(&Term::from_field_text(f.answer, &word)).unwrap_or(0) as f32;
            let idf = (1.0 + n / (df + 1.0)).ln();
            (word, (1.0 + tf.ln()) * idf)
        })
        .collect();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(25);
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .flat_map(|(word, weight)| [(f.question, 2.0 * weight), (f.answer, *weight)].map(|(field, w)| (field, word, w)))
        .map(|(field, word, w)| {
            let term = TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs);
            (Occur::Should, Box::new(BoostQuery::new(Box::new(term), w)) as Box<dyn Query>)
        })
        .collect();
    let Ok(top) = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(20).order_by_score()) else {
        return Vec::new();
    };
    let own = related::title_words(&entry.question, segmenter);
    top.into_iter()
        .filter_map(|(score, address)| {
            let text = |column: &str| fast_text(searcher, address, column);
            let (id, file, question) = (text("id")?, text("file")?, text("title")?);
            let duplicate = related::is_duplicate(&own, &related::title_words(&question, segmenter));
            (!changed.contains(file.as_str()) && id != entry.id && !duplicate).then_some((id, score))
        })
        .take(related::MAX_RELATED)
        .collect()
}

/// A text fast field of one entry, without decoding its stored document.
fn fast_text(searcher: &Searcher, address: DocAddress, column: &str) -> Option<String> {
    let column = searcher.segment_reader(address.segment_ord).fast_fields().str(column).ok()??;
    let ord = column.term_ords(address.doc_id).next()?;
    let mut text = String::new();
    column.ord_to_str(ord, &mut text).ok()?;
    Some(text)
}
