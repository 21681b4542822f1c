//! Question → [`Answer`]: tantivy finds candidates, then each candidate is
//! scored by how much of the question it covers, and qabot answers only when
//! the evidence is strong (see [`Engine::ask`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::columnar::StrColumn;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::glossary::Glossary;
use crate::index::{self, DICT_FILE, Fields, GLOSSARY_COPY, GLOSSARY_STORED, Meta};
use crate::memo::Memo;
use crate::query::{Analysis, LazyVocabulary, Lexicon, Vocabulary, analyze, is_greeting};
use crate::segment::Segmenter;
use crate::sound::SoundIndex;
use crate::title::Title;
use crate::{Answer, Error, Hit, Note};

mod rank;

/// Share of the question's subject an entry must cover to be the answer.
const MIN_COVERAGE: f32 = 0.66;
/// With a title that sounds like the question (a homophone typo), less will do.
const MIN_COVERAGE_WITH_SOUND: f32 = 0.34;
const MIN_SOUND: f32 = 0.5;
/// A candidate far ahead of the next one needs less.
const MIN_COVERAGE_CLEAR_WINNER: f32 = 0.35;
const CLEAR_WIN: f32 = 1.4;
/// A long question, described in the user's own words, shares only part of
/// its words with the entry it is about, but those it shares may be rare ones.
/// Such a candidate needs this share of the question, and this much evidence
/// counted in words as rare as a corpus has (a word found in one entry
/// only is worth 1): more than any one word can give.
const MIN_COVERAGE_RARE_EVIDENCE: f32 = 0.3;
const MIN_RARE_EVIDENCE: f32 = 1.2;
/// A question that asks about everything its title names, and about
/// more besides (`python线程局部变量怎么用` for `threading.local的作用`).
const MIN_COVERAGE_TITLE_ASKED: f32 = 0.5;
/// Title precision from which the question asked about all of the title.
const WHOLE_TITLE: f32 = 0.99;
const MAX_SUGGESTIONS: usize = 3;
/// Entries whose decoded document and title an engine keeps at most.
const MEMO_CAPACITY: usize = 20_000;

/// An open index, ready to answer. Cheap to share between threads.
pub struct Engine {
    /// The index as it was opened; an engine never changes (a rebuild
    /// makes a new engine).
    searcher: Searcher,
    /// Per segment, the titles column.
    titles: Vec<StrColumn>,
    /// Whether any entry has question context (else its clauses are skipped).
    has_context: bool,
    documents: Memo<DocAddress, Stored>,
    answers: Memo<u64, Answer>,
    titles_seen: Memo<DocAddress, Title>,
    fields: Fields,
    segmenter: Segmenter,
    glossary: Glossary,
    vocabulary: LazyVocabulary,
    sounds: SoundIndex,
    meta: Meta,
    dir: PathBuf,
}

/// A candidate and what it was scored on.
#[derive(Debug, Clone)]
struct Scored {
    address: DocAddress,
    score: f32,
    coverage: f32,
    sound: f32,
    /// More than one incidental word of a long answer: something in the
    /// title, several concepts, or a name (`SYN_RCVD`, 反向代理服务器).
    evidence: bool,
    /// The weight of the concepts found, in words as rare as any in the corpus.
    rare_evidence: f32,
    /// Share of the title's subject the question asks about, with a bonus
    /// for asking the same kinds of question (see `rank::title_match`).
    precision: f32,
}

impl Scored {
    /// Whether anything beyond an incidental word ties it to the question:
    /// evidence, or a title that sounds like it.
    fn has_evidence(&self) -> bool {
        self.evidence || self.sound >= MIN_SOUND
    }

    /// Whether the evidence is strong enough to answer with this candidate
    /// when the best of the others scored `runner_up` (see [`confident`]).
    fn is_answer(&self, runner_up: f32) -> bool {
        self.has_evidence()
            && (self.coverage >= MIN_COVERAGE
                || (self.sound >= MIN_SOUND && self.coverage >= MIN_COVERAGE_WITH_SOUND)
                || (self.coverage >= MIN_COVERAGE_CLEAR_WINNER && self.score >= CLEAR_WIN * runner_up)
                || (self.coverage >= MIN_COVERAGE_RARE_EVIDENCE && self.rare_evidence >= MIN_RARE_EVIDENCE)
                || (self.precision >= WHOLE_TITLE && self.coverage >= MIN_COVERAGE_TITLE_ASKED))
    }
}

/// The answer among the ranked candidates, if any is strong enough. One with
/// no evidence cannot be, however well it scored: the first that has some is
/// weighed against the best of the others (so it is no clear winner when one
/// above it was passed over).
fn confident(ranked: &[Scored]) -> Option<&Scored> {
    let first = ranked.iter().position(Scored::has_evidence)?;
    let others = ranked.iter().enumerate().filter(|&(i, _)| i != first);
    let runner_up = others.map(|(_, s)| s.score).fold(0.0, f32::max);
    Some(&ranked[first]).filter(|s| s.is_answer(runner_up))
}

/// An entry's stored fields, decoded.
struct Stored {
    hit: Hit,
    related: Vec<(String, f32)>,
}

impl Engine {
    /// Opens the index in `dir` (built by [`index::build`]).
    pub fn open(dir: &Path) -> Result<Engine, Error> {
        if !dir.join(index::META_FILE).exists() {
            return Err(if dir.exists() {
                Error::CorruptIndex(dir.to_path_buf(), format!("{} is missing", index::META_FILE))
            } else {
                Error::MissingIndex(dir.to_path_buf())
            });
        }
        let corrupt = |e: &dyn std::fmt::Display| Error::CorruptIndex(dir.to_path_buf(), e.to_string());
        let meta = index::read_meta(dir)?;
        let dict = std::fs::read(dir.join(DICT_FILE)).map_err(|e| corrupt(&e))?;
        let segmenter = Segmenter::from_dictionary(dict.as_slice()).map_err(|e| corrupt(&e))?;
        let sounds = SoundIndex::from_dictionary(String::from_utf8_lossy(&dict).into_owned());
        let glossary_text = std::fs::read_to_string(dir.join(GLOSSARY_COPY)).unwrap_or_default();
        let stored = std::fs::read(dir.join(GLOSSARY_STORED)).unwrap_or_default();
        let glossary = Glossary::parse_with_stored(&glossary_text, &stored).map_err(|e| corrupt(&e))?;
        let index = Index::open_in_dir(dir).map_err(|e| corrupt(&e))?;
        let (_, fields) = index::schema();
        index::register_tokenizers(&index);
        let reader: IndexReader =
            index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(|e| corrupt(&e))?;
        let searcher = reader.searcher();
        let titles = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                segment.fast_fields().str("title").ok().flatten().ok_or_else(|| corrupt(&"no titles column"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let has_context = searcher
            .segment_readers()
            .iter()
            .any(|s| s.inverted_index(fields.context).is_ok_and(|i| i.terms().num_terms() > 0));
        let vocabulary = {
            let (searcher, glossary) = (searcher.clone(), glossary.clone());
            LazyVocabulary::new(Box::new(move || latin_vocabulary(&searcher, &fields, &glossary)))
        };
        let dir = dir.to_path_buf();
        let (documents, titles_seen) = (Memo::new(MEMO_CAPACITY), Memo::new(MEMO_CAPACITY));
        Ok(Engine {
            searcher,
            titles,
            has_context,
            documents,
            answers: Memo::new(MEMO_CAPACITY),
            titles_seen,
            fields,
            segmenter,
            glossary,
            vocabulary,
            sounds,
            meta,
            dir,
        })
    }

    fn lexicon<'a>(&'a self, doc_freq: &'a dyn Fn(&str) -> u64) -> Lexicon<'a> {
        Lexicon {
            segmenter: &self.segmenter,
            glossary: &self.glossary,
            vocabulary: &self.vocabulary,
            sounds: &self.sounds,
            doc_freq,
            entries: self.searcher.num_docs(),
        }
    }

    /// The question, understood against this index.
    fn analyze(&self, question: &str) -> Analysis {
        analyze(question, &self.lexicon(&|w| self.doc_freq(w)))
    }

    /// Entries with `word` in their question or answer (an upper bound).
    fn doc_freq(&self, word: &str) -> u64 {
        let f = &self.fields;
        let count = |field| self.searcher.doc_freq(&Term::from_field_text(field, word)).unwrap_or(0);
        count(f.question).max(count(f.answer))
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.searcher.clone().num_docs() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Answers a question. Never fails: a question qabot cannot answer gets
    /// `best: None`, with suggestions when some entries come close.
    ///
    /// An entry is the answer when it covers enough of the question's
    /// subject: each concept (a word or a glossary term) counts by its rarity
    /// in the corpus, filler counts not at all, and a word found only in the
    /// answer text or only after typo correction counts less than one in the
    /// title. A title that sounds like the question (same pinyin) helps too.
    pub fn ask(&self, question: &str) -> Answer {
        // People ask the same questions again and again; an engine never
        // changes, so its answers can be kept.
        let key = xxhash_rust::xxh3::xxh3_64(question.as_bytes());
        self.answers.get(key, || Some(self.answer(question))).map(|a| (*a).clone()).unwrap_or_default()
    }

    fn answer(&self, question: &str) -> Answer {
        if question.trim().is_empty() {
            return Answer { note: Some(Note::Empty), ..Answer::default() };
        }
        if is_greeting(question) {
            return Answer { note: Some(Note::Greeting), ..Answer::default() };
        }
        let analysis = self.analyze(question);
        let note = analysis.truncated.then_some(Note::Truncated);
        if !analysis.has_subject() && analysis.pairs.is_empty() {
            return Answer { note, ..Answer::default() };
        }
        let searcher = self.searcher.clone();
        let ranked = self.rank(&searcher, &analysis);
        match confident(&ranked) {
            Some(best) => {
                let best = self.hit(&searcher, best.address, best.score);
                let related = best.as_ref().map(|b| self.related_of(&searcher, &b.id)).unwrap_or_default();
                Answer { best, related, suggestions: Vec::new(), note }
            }
            None => {
                let suggestions = ranked
                    .iter()
                    .filter(|s| s.coverage > 0.0 || s.sound >= MIN_SOUND)
                    .take(MAX_SUGGESTIONS)
                    .filter_map(|s| self.hit(&searcher, s.address, s.score))
                    .collect();
                Answer { best: None, related: Vec::new(), suggestions, note }
            }
        }
    }

    /// Up to `limit` entries that match the question best, confident or not
    /// (for browsing, such as Telegram's inline mode).
    pub fn search(&self, question: &str, limit: usize) -> Vec<Hit> {
        let analysis = self.analyze(question);
        if !analysis.has_subject() && analysis.pairs.is_empty() {
            return Vec::new();
        }
        let searcher = self.searcher.clone();
        self.rank(&searcher, &analysis)
            .into_iter()
            .filter(|s| s.coverage > 0.0 || s.sound >= MIN_SOUND)
            .take(limit)
            .filter_map(|s| self.hit(&searcher, s.address, s.score))
            .collect()
    }

    /// The entry with this id, with its related entries.
    pub fn show(&self, id: &str) -> Option<(Hit, Vec<Hit>)> {
        let searcher = self.searcher.clone();
        let address = self.address_of(&searcher, id)?;
        let hit = self.hit(&searcher, address, 0.0)?;
        let related = self.related_of(&searcher, id);
        Some((hit, related))
    }

    /// Every entry, in corpus order (file, then line).
    pub fn entries(&self) -> Vec<Hit> {
        let searcher = self.searcher.clone();
        let mut all: Vec<(String, u64, Hit)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let address = DocAddress::new(ord as u32, doc);
                if let Ok(document) = searcher.doc::<TantivyDocument>(address) {
                    let line = document.get_first(self.fields.line).and_then(|v| v.as_u64()).unwrap_or(0);
                    let hit = self.to_hit(&document, 0.0);
                    all.push((hit.source.rsplit_once(':').map_or(String::new(), |(f, _)| f.to_string()), line, hit));
                }
            }
        }
        all.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        all.into_iter().map(|(_, _, hit)| hit).collect()
    }

    /// How a question was understood and how the top candidates scored, for
    /// `qabot ask --explain`.
    pub fn explain(&self, question: &str) -> String {
        let analysis = self.analyze(question);
        let searcher = self.searcher.clone();
        let weights = self.concept_weights(&searcher, &analysis);
        let mut out = String::new();
        for (concept, weight) in analysis.concepts.iter().zip(&weights) {
            let terms = concept.terms.iter().map(|(t, w)| format!("{t}:{w:.1}"));
            let hints = concept.hints.iter().map(|(t, w)| format!("hint {t}:{w:.2}"));
            let terms: Vec<String> = terms.chain(hints).collect();
            let flags = format!(
                "{}{}",
                if concept.weak { " weak" } else { "" },
                if concept.corrected { " corrected" } else { "" }
            );
            let df = self.concept_df(&searcher, concept);
            out.push_str(&format!(
                "concept {:?} weight {weight:.2} in {df}{flags}: {}\n",
                concept.label,
                terms.join(" ")
            ));
        }
        out.push_str(&format!("pairs: {}\n", analysis.pairs.join(" ")));
        out.push_str(&format!("subject weight {:.2}\n", weights.iter().sum::<f32>()));
        for s in self.rank(&searcher, &analysis) {
            let title = self.hit(&searcher, s.address, s.score).map(|h| h.question).unwrap_or_default();
            out.push_str(&format!(
                "{:7.2} coverage {:.2} sound {:.2} precision {:.2} rare {:.2}{} {title}\n",
                s.score,
                s.coverage,
                s.sound,
                s.precision,
                s.rare_evidence,
                if s.evidence { "" } else { " no-evidence" }
            ));
        }
        out
    }

    /// Groups of entries that ask the same question in other words, each
    /// in corpus order.
    pub fn near_duplicates(&self) -> Vec<Vec<Hit>> {
        let entries = self.entries();
        let questions: Vec<&str> = entries.iter().map(|h| h.question.as_str()).collect();
        crate::related::duplicate_groups(&questions, &self.segmenter, &self.glossary)
            .into_iter()
            .map(|group| group.into_iter().map(|i| entries[i].clone()).collect())
            .collect()
    }

    fn related_of(&self, searcher: &Searcher, id: &str) -> Vec<Hit> {
        let Some(stored) = self.address_of(searcher, id).and_then(|a| self.stored(searcher, a)) else {
            return Vec::new();
        };
        stored
            .related
            .iter()
            .filter_map(|(id, score)| {
                let address = self.address_of(searcher, id)?;
                self.hit(searcher, address, *score)
            })
            .collect()
    }

    /// Where the entry with this id is: read straight from the id's postings.
    fn address_of(&self, searcher: &Searcher, id: &str) -> Option<DocAddress> {
        let term = Term::from_field_text(self.fields.id, id);
        searcher.segment_readers().iter().enumerate().find_map(|(ord, segment)| {
            let mut postings =
                segment.inverted_index(self.fields.id).ok()?.read_postings(&term, IndexRecordOption::Basic).ok()??;
            loop {
                let doc = postings.doc();
                if doc == tantivy::TERMINATED {
                    return None;
                }
                if !segment.is_deleted(doc) {
                    return Some(DocAddress::new(ord as u32, doc));
                }
                postings.advance();
            }
        })
    }

    /// An entry's question, from the titles column.
    fn title_of(&self, address: DocAddress) -> String {
        let mut title = String::new();
        if let Some(column) = self.titles.get(address.segment_ord as usize)
            && let Some(ord) = column.term_ords(address.doc_id).next()
        {
            let _ = column.ord_to_str(ord, &mut title);
        }
        title
    }

    fn hit(&self, searcher: &Searcher, address: DocAddress, score: f32) -> Option<Hit> {
        let mut hit = self.stored(searcher, address)?.hit.clone();
        hit.score = (score * 1000.0).round() / 1000.0;
        Some(hit)
    }

    /// An entry's stored fields, decoded once.
    fn stored(&self, searcher: &Searcher, address: DocAddress) -> Option<Arc<Stored>> {
        self.documents.get(address, || {
            let document = searcher.doc::<TantivyDocument>(address).ok()?;
            let related = document.get_first(self.fields.related).and_then(|v| v.as_str()).unwrap_or("");
            let related = index::parse_related(related);
            Some(Stored { hit: self.to_hit(&document, 0.0), related })
        })
    }

    fn to_hit(&self, document: &TantivyDocument, score: f32) -> Hit {
        let f = &self.fields;
        let text = |field| document.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let line = document.get_first(f.line).and_then(|v| v.as_u64()).unwrap_or(0);
        let (context, answer) = (text(f.context_text), text(f.answer_text));
        let answer = if context.is_empty() { answer } else { format!("{context}\n\n{answer}") };
        Hit {
            id: text(f.id),
            question: text(f.question_text),
            answer,
            category: text(f.category),
            score: (score * 1000.0).round() / 1000.0,
            source: format!("{}/{}:{line}", self.meta.corpus_label, text(f.file)),
        }
    }
}

/// Latin words of the question and answer fields, and of the glossary.
fn latin_vocabulary(searcher: &Searcher, fields: &Fields, glossary: &Glossary) -> Vocabulary {
    let mut words: HashMap<String, u32> = HashMap::new();
    for segment in searcher.segment_readers() {
        for field in [fields.question, fields.context, fields.answer] {
            // The index opened fine; a term dictionary that fails to read
            // now only costs typo correction.
            let Ok(inverted) = segment.inverted_index(field) else { continue };
            let Ok(mut stream) = inverted.terms().stream() else { continue };
            while stream.advance() {
                let Ok(word) = std::str::from_utf8(stream.key()) else { continue };
                if word.len() >= 3 && word.chars().all(|c| c.is_ascii_alphabetic()) {
                    *words.entry(word.to_string()).or_default() += stream.value().doc_freq;
                }
            }
        }
    }
    // A glossary word is as common as its group in the corpus: in a Chinese
    // corpus `thread` is rare, yet 线程 is everywhere (thred is a typo of
    // thread, not of three).
    let doc_freq = |word: &str| {
        let fields = [fields.question, fields.context, fields.answer];
        let terms = fields.map(|field| Term::from_field_text(field, word));
        terms.iter().map(|term| searcher.doc_freq(term).unwrap_or(0)).sum::<u64>()
    };
    for group in (0..glossary.len()).map(|g| glossary.group(g)) {
        let count = group.iter().map(|w| doc_freq(w)).max().unwrap_or(0).min(u32::MAX.into()) as u32;
        for word in group.iter().filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic())) {
            let known = words.entry(word.clone()).or_default();
            *known = (*known).max(count);
        }
    }
    // Glossary words are known, and so are the words of its phrases: `three`
    // of "three-way handshake" is no typo for `tree`. Such a word is in no
    // entry by itself, so no typo is read as it.
    let glossary_words =
        glossary.words().chain(glossary.cue_words()).flat_map(|w| w.split(|c: char| !c.is_ascii_alphabetic()));
    for word in glossary_words.filter(|w| w.len() >= 3) {
        words.entry(word.to_string()).or_insert(0);
    }
    Vocabulary::new(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine over these files (name, text), and the directory that
    /// holds them and its index.
    pub(super) fn engine_of(files: &[(&str, &str)]) -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let corpus = crate::load::load(dir.path()).unwrap();
        index::build(&corpus, "corpus", &dir.path().join("index")).unwrap();
        let engine = Engine::open(&dir.path().join("index")).unwrap();
        (dir, engine)
    }

    #[test]
    fn a_typo_is_read_as_the_glossary_word_whose_group_the_corpus_has_most() {
        let corpus = "#### 线程是什么？\n\n线程是调度的单位。\n\n#### 什么是三次握手？\n\nthree-way handshake。\n\n\
                      #### 线程池有什么用？\n\n复用线程。\n";
        let glossary = "[x]\nthread = [\"线程\"]\n";
        let (_dir, engine) = engine_of(&[("qa.md", corpus), ("glossary.toml", glossary)]);
        let labels: Vec<String> = engine.analyze("thred").concepts.into_iter().map(|c| c.label).collect();
        assert_eq!(labels, ["thread"], "thread is in no entry, three in one, but 线程 in two");
    }

    #[test]
    fn a_cue_is_a_concept_of_the_terms_it_suggests_beside_its_words() {
        let corpus = "#### 线程是什么？\n\n线程是调度的单位。\n\n#### 线程池有什么用？\n\n复用线程。\n";
        let glossary = "[x]\nthread = [\"线程\"]\n\"thread pool\" = [\"线程池\"]\n\n\
                        [hints]\n\"频繁创建线程\" = [\"thread pool\"]\n\"创建线程\" = [\"thread pool\"]\n";
        let (_dir, engine) = engine_of(&[("qa.md", corpus), ("glossary.toml", glossary)]);
        let concepts = engine.analyze("频繁创建线程很慢").concepts;
        let thread = concepts.iter().find(|c| c.label == "线程").expect("线程 is still a concept");
        assert!(thread.terms.iter().any(|(t, _)| t == "thread"), "{thread:?}");
        let cues: Vec<&crate::query::Concept> = concepts.iter().filter(|c| c.label.contains("创建线程")).collect();
        assert_eq!(cues.len(), 1, "the cue inside a longer one adds nothing: {concepts:?}");
        assert_eq!(cues[0].label, "频繁创建线程");
        assert!(cues[0].terms.iter().any(|(t, w)| t == "线程池" && *w == 1.0), "{:?}", cues[0]);
        assert!(engine.analyze("线程很慢").concepts.iter().all(|c| !c.terms.iter().any(|(t, _)| t == "线程池")));
    }

    #[test]
    fn a_word_with_no_terms_of_its_own_is_no_concept() {
        let corpus = "#### TCP 为什么稳？\n\nTCP 有重传，UDP 没有。\n\n#### 为什么要用 Redis？\n\nRedis 快。\n";
        let (_dir, engine) = engine_of(&[("qa.md", corpus)]);
        for question in ["tcp稳 udp不稳 原因在哪", "为什么要用 Redis？"] {
            let concepts = engine.analyze(question).concepts;
            assert!(concepts.iter().all(|c| !c.terms.is_empty()), "{question}: {concepts:?}");
        }
        let best = engine.ask("为什么要用 Redis？").best.map(|hit| hit.question);
        assert_eq!(best.as_deref(), Some("为什么要用 Redis？"));
    }

    fn candidate(score: f32, coverage: f32, evidence: bool, precision: f32) -> Scored {
        Scored { address: DocAddress::new(0, 0), score, coverage, sound: 0.0, evidence, rare_evidence: 0.5, precision }
    }

    #[test]
    fn a_glossary_word_the_corpus_lacks_weighs_as_its_hints_do() {
        let others = (1..8).map(|i| format!("#### 第{i}个问题？\n\n按 IP 转发。\n\n")).collect::<String>();
        let corpus = format!("#### 什么是ARP协议？\n\nARP 把 IP 地址解析为链路层地址。\n\n{others}");
        let glossary = "[x]\n\"mac address\" = [\"网卡地址\"]\n\n[hints]\n\"网卡地址\" = [\"arp\"]\n";
        let (_dir, engine) = engine_of(&[("qa.md", &corpus), ("glossary.toml", glossary)]);
        let weight = |question: &str| engine.concept_weights(&engine.searcher, &engine.analyze(question))[0];
        let hinted = crate::query::HINT_WEIGHT * weight("arp");
        assert!((weight("网卡地址") - hinted).abs() < 1e-6, "a hint's share of the one entry with ARP");
        assert!(weight("网卡地址") > weight("硬盘地址"), "a word of no glossary line is only unknown");
    }

    #[test]
    fn a_candidate_without_evidence_is_passed_over_for_the_next() {
        let ranked = [candidate(10.0, 0.8, false, 0.0), candidate(9.0, 0.7, true, 0.0)];
        assert_eq!(confident(&ranked).map(|s| s.score), Some(9.0));
        let clear_winner_only = [candidate(10.0, 0.8, false, 0.0), candidate(9.0, 0.4, true, 0.0)];
        assert!(confident(&clear_winner_only).is_none(), "it is not clear of the one above it");
        assert!(confident(&[candidate(10.0, 0.8, false, 0.0)]).is_none());
    }

    #[test]
    fn a_title_asked_in_full_needs_less_coverage() {
        let candidate = |coverage: f32, precision: f32| candidate(10.0, coverage, true, precision);
        // Not a clear winner: the runner-up scored 9.
        assert!(candidate(0.55, 1.0).is_answer(9.0));
        assert!(!candidate(0.55, 0.6).is_answer(9.0), "the title names more than was asked");
        assert!(!candidate(0.45, 1.0).is_answer(9.0), "too little of the question is covered");
        assert!(candidate(0.7, 0.6).is_answer(9.0));
    }
}
