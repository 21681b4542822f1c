//! Incremental updates: when only some Markdown files changed, only their
//! entries are re-indexed (deleted by file, added again) in the index in
//! place — a tantivy commit is atomic, and engines already open keep reading
//! the segments they opened. Anything wider (the glossary, `qabot.toml`,
//! qabot's schema, or a large share of the corpus) rebuilds from scratch.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Index, Searcher, Term};

use crate::corpus::Entry;
use crate::index::{self, BuildReport, DICT_FILE, META_FILE, Meta, SCHEMA_VERSION};
use crate::load::Corpus;
use crate::segment::{Segmenter, compact_dictionary, merge_dictionaries};
use crate::text::{is_filler, is_weak};
use crate::{Error, related};

/// Above this share of changed entries a full rebuild is as quick and keeps
/// every entry's related topics exact.
const MAX_CHANGED_SHARE: f32 = 0.2;

/// Brings the index up to date with `corpus`, incrementally when it can.
pub fn update(corpus: &Corpus, corpus_label: &str, index_dir: &Path) -> Result<BuildReport, Error> {
    let started = Instant::now();
    if corpus.errors().next().is_some() {
        return Err(Error::InvalidCorpus(corpus.errors().cloned().collect()));
    }
    let Ok(meta) = index::read_meta(index_dir) else { return index::build(corpus, corpus_label, index_dir) };
    if meta.schema_version != SCHEMA_VERSION || meta.settings != corpus.settings || meta.files.is_empty() {
        return index::build(corpus, corpus_label, index_dir);
    }
    let changed = changed_files(&meta, corpus);
    let entries: Vec<&Entry> = corpus.entries.iter().filter(|e| changed.contains(e.file.as_str())).collect();
    if entries.len() as f32 > MAX_CHANGED_SHARE * corpus.entries.len() as f32 && entries.len() > 100 {
        return index::build(corpus, corpus_label, index_dir);
    }
    let result = apply(corpus, corpus_label, index_dir, &changed, &entries);
    if let Err(e) = result {
        tracing::warn!("incremental update failed ({e}); rebuilding");
        return index::build(corpus, corpus_label, index_dir);
    }
    Ok(BuildReport {
        entries: corpus.entries.len(),
        updated_files: Some(changed.len()),
        warnings: corpus.problems.clone(),
        files: corpus.files.len(),
        elapsed: started.elapsed(),
    })
}

/// Files added, edited or removed since the index was built.
fn changed_files<'c>(meta: &'c Meta, corpus: &'c Corpus) -> BTreeSet<&'c str> {
    let now = corpus.files.iter().filter(|f| meta.files.get(&f.file) != Some(&f.hash)).map(|f| f.file.as_str());
    let gone = meta.files.keys().filter(|f| !corpus.files.iter().any(|c| &c.file == *f)).map(String::as_str);
    now.chain(gone).collect()
}

fn apply(corpus: &Corpus, label: &str, dir: &Path, changed: &BTreeSet<&str>, entries: &[&Entry]) -> Result<(), Error> {
    let index = Index::open_in_dir(dir)?;
    let old_dictionary = std::fs::read_to_string(dir.join(DICT_FILE)).map_err(|e| Error::Io(dir.join(DICT_FILE), e))?;
    let dictionary = if entries.is_empty() {
        old_dictionary
    } else {
        let texts = entries.iter().flat_map(|e| [e.question.as_str(), e.context.as_str(), e.answer.as_str()]);
        merge_dictionaries(&old_dictionary, &compact_dictionary(texts, &[]))
    };
    let segmenter = Segmenter::from_dictionary(dictionary.as_bytes()).map_err(|e| Error::Internal(e.to_string()))?;
    index::register_tokenizers(&index, &segmenter);
    let (_, f) = index::schema();
    let searcher = index.reader()?.searcher();
    let mut writer = index.writer_with_num_threads(1, 32 * 1024 * 1024)?;
    for file in changed {
        writer.delete_term(Term::from_field_text(f.file, file));
    }
    for entry in entries {
        let related = related_by_index(entry, &searcher, &segmenter, changed);
        writer.add_document(index::entry_document(&f, entry, &related))?;
    }
    writer.commit()?;
    index::write_file(&dir.join(DICT_FILE), dictionary.as_bytes())?;
    let meta = serde_json::to_vec_pretty(&Meta::of(corpus, label)).map_err(|e| Error::Internal(e.to_string()))?;
    index::write_file(&dir.join(META_FILE), &meta)
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
