//! Question → [`Answer`]: tantivy finds candidates, then each candidate is
//! scored by how much of the question it covers, and qabot answers only when
//! the evidence is strong (see [`Engine::ask`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::glossary::Glossary;
use crate::index::{self, DICT_FILE, Fields, GLOSSARY_COPY, GLOSSARY_MATCHER, Meta};
use crate::memo::Memo;
use crate::query::{Analysis, Concept, LazyVocabulary, Lexicon, Vocabulary, analyze, is_greeting};
use crate::segment::Segmenter;
use crate::sound::SoundIndex;
use crate::title::Title;
use crate::{Answer, Error, Hit, Note};

/// Candidates tantivy fetches before they are scored in full.
const CANDIDATES: usize = 12;
/// Candidates added for the question's rarest concept alone.
const RAREST_CANDIDATES: usize = 3;
const QUESTION_BOOST: f32 = 3.0;
const CONTEXT_BOOST: f32 = 1.5;
const PAIRS_BOOST: f32 = 0.4;
/// Clauses a search has at most (see [`Engine::query`]): at 1M entries,
/// 20 instead of all took p99 latency from 6.8 to 5.3 ms.
const MAX_CLAUSES: usize = 20;
/// Postings a search reads at most, in all (see [`within_budget`]). A
/// corpus of 2,000 entries cannot reach it, and at 100k entries it changed
/// none of 2,000 answers. At 1M entries it took p99 latency from 5.05 to
/// 4.20 ms (medians of 5 runs) and changed 54 of 2,000 answers.
const POSTINGS_BUDGET: u64 = 40_000;
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
/// Added to title precision when the title asks the same kind of question.
const INTENT_BONUS: f32 = 0.5;
/// Entries whose decoded document and title an engine keeps at most.
const MEMO_CAPACITY: usize = 20_000;
/// Terms of answers (and title pairs) in more entries than this are not
/// searched for, only counted; title words may be in 1/`COMMON_SHARE` of the
/// entries, if that is more (see [`Engine::query`]).
const COMMON_FLOOR: u64 = 2_000;
const COMMON_SHARE: u64 = 100;
/// Weight of a word found as all of its parts (see [`share_of_label`]).
const PARTS_WEIGHT: f32 = 0.8;
/// Weight of a question word the corpus does not have at all: more often
/// the user's own phrasing than a sign of another subject (1.0 and 1.5 lost
/// real questions; 0.5 and 0.7 answered an off-topic probe on JavaGuide).
const UNKNOWN_WORD_WEIGHT: f32 = 0.8;
/// The words jieba's dictionary was counted on (its frequencies add up to
/// about 60 million), and the words an entry is taken to be for
/// [`Engine::everyday_df`]. 150 and 200 scored the same on every eval set;
/// 300 lost a JavaGuide question, and 600 three seed ones.
const EVERYDAY_WORDS: f64 = 6.0e7;
const EVERYDAY_WORDS_PER_ENTRY: f64 = 150.0;

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
    /// for the same kind of question (see [`Engine::title_match`]).
    precision: f32,
}

impl Scored {
    /// Whether the evidence is strong enough to answer with this candidate,
    /// the first, when the second scored `runner_up`.
    fn is_answer(&self, runner_up: f32) -> bool {
        (self.evidence || self.sound >= MIN_SOUND)
            && (self.coverage >= MIN_COVERAGE
                || (self.sound >= MIN_SOUND && self.coverage >= MIN_COVERAGE_WITH_SOUND)
                || (self.coverage >= MIN_COVERAGE_CLEAR_WINNER && self.score >= CLEAR_WIN * runner_up)
                || (self.coverage >= MIN_COVERAGE_RARE_EVIDENCE && self.rare_evidence >= MIN_RARE_EVIDENCE)
                || (self.precision >= WHOLE_TITLE && self.coverage >= MIN_COVERAGE_TITLE_ASKED))
    }
}

/// An entry's stored fields, decoded.
struct Stored {
    hit: Hit,
    related: Vec<(String, f32)>,
}

/// How much of the question an entry covers.
struct Coverage {
    share: f32,
    in_title: f32,
    evidence: bool,
    /// The weight of the concepts found.
    covered: f32,
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
        let stored_matcher = std::fs::read(dir.join(GLOSSARY_MATCHER)).unwrap_or_default();
        let glossary = Glossary::parse_with_stored(&glossary_text, &stored_matcher).map_err(|e| corrupt(&e))?;
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
        let runner_up = ranked.get(1).map_or(0.0, |s| s.score);
        let confident = ranked.first().filter(|s| s.is_answer(runner_up));
        match confident {
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
            let terms: Vec<String> = concept.terms.iter().map(|(t, w)| format!("{t}:{w:.1}")).collect();
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

    /// Pairs of entries that ask the same question in other words.
    pub fn near_duplicates(&self) -> Vec<(Hit, Hit)> {
        let entries = self.entries();
        let questions: Vec<&str> = entries.iter().map(|h| h.question.as_str()).collect();
        crate::related::near_duplicates(&questions, &self.segmenter, &self.glossary)
            .into_iter()
            .map(|(i, j)| (entries[i].clone(), entries[j].clone()))
            .collect()
    }

    fn rank(&self, searcher: &Searcher, analysis: &Analysis) -> Vec<Scored> {
        let query = self.query(searcher, analysis);
        let Ok(mut top) = searcher.search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score()) else {
            return Vec::new();
        };
        let Some(&(top_score, _)) = top.first() else { return Vec::new() };
        let weights = self.concept_weights(searcher, analysis);
        // Entries with the question's rarest word, which BM25 may rank below
        // many titles with its commonest (`prestartAllCoreThreads 是做什么用的`
        // is about an answer that names it, not the titles with 做). Scored
        // like the others, without a BM25 share of their own.
        for address in self.rarest_concept_entries(searcher, analysis, &weights) {
            if !top.iter().any(|&(_, a)| a == address) {
                top.push((0.0, address));
            }
        }
        let presence = Presence::new(searcher, top.iter().map(|&(_, address)| address).collect());
        let rarest = rare_weight(searcher.num_docs(), 0);
        let mut scored: Vec<Scored> = top
            .into_iter()
            .enumerate()
            .map(|(candidate, (bm25, address))| {
                let Coverage { share: coverage, in_title, evidence, covered } =
                    self.coverage(&presence, candidate, analysis, &weights);
                let (sound, sound_only, precision) = self.title_match(address, analysis);
                let bm25 = bm25 / top_score.max(f32::EPSILON);
                let score = 10.0 * coverage + 4.0 * in_title + 3.0 * bm25 + 2.0 * sound_only + 2.0 * precision;
                Scored { address, score, coverage, sound, evidence, rare_evidence: covered / rarest, precision }
            })
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score));
        scored
    }

    /// The best few entries for the question's rarest concept alone, when it
    /// is one of several and in no more entries than a search's candidates.
    fn rarest_concept_entries(&self, searcher: &Searcher, analysis: &Analysis, weights: &[f32]) -> Vec<DocAddress> {
        let subject = analysis.concepts.iter().zip(weights).filter(|(c, w)| !c.weak && **w > 0.0);
        if subject.clone().count() < 2 {
            return Vec::new();
        }
        let Some((rarest, _)) = subject.max_by(|a, b| a.1.total_cmp(b.1)) else { return Vec::new() };
        let df = self.concept_df(searcher, rarest);
        if df == 0 || df > CANDIDATES as u64 {
            return Vec::new();
        }
        let alone = Analysis { concepts: vec![rarest.clone()], ..Analysis::default() };
        let query = self.query(searcher, &alone);
        let found = searcher.search(&query, &TopDocs::with_limit(RAREST_CANDIDATES).order_by_score());
        found.map(|top| top.into_iter().map(|(_, address)| address).collect()).unwrap_or_default()
    }

    /// One optional clause per term and field; nothing is required.
    ///
    /// A term found in a large share of a big corpus says almost nothing and
    /// makes every search read its long postings list, so it is left out of
    /// the search (coverage still counts it for each candidate), as long as
    /// its concept keeps a clause. Small corpora are searched in full.
    ///
    /// Every clause also costs tantivy's block-WAND a step on each document
    /// it considers, so a long question with many synonyms is searched on its
    /// [`MAX_CLAUSES`] most telling clauses, taken in turns: each concept's
    /// best clause first, then each one's second best, and so on.
    fn query(&self, searcher: &Searcher, analysis: &Analysis) -> BooleanQuery {
        let f = &self.fields;
        let n = searcher.num_docs();
        // A title word weighs much, so its list may be longer: cutting title
        // words at the floor too left a 1M-entry corpus answering 86% of its
        // questions instead of 95%.
        let common = COMMON_FLOOR.max(n / COMMON_SHARE);
        let mut clauses: Vec<Clause> = Vec::new();
        // Whether the term is rare enough to search (`limit`); one the
        // corpus lacks is rare, but needs no clause.
        let mut add = |field: Field, text: &str, boost: f32, limit: u64, concept: usize| {
            let term = Term::from_field_text(field, text);
            let df = searcher.doc_freq(&term).unwrap_or(0);
            if df > 0 && df <= limit {
                clauses.push(Clause { telling: boost * rare_weight(n, df), term, boost, concept, df });
            }
            df <= limit
        };
        let fields = [(f.question, QUESTION_BOOST), (f.context, CONTEXT_BOOST), (f.answer, 1.0)];
        let fields = if self.has_context { &fields[..] } else { &[fields[0], fields[2]][..] };
        // A weak word (区别, 有哪些) counts for nothing in coverage, and its
        // many synonyms would make every search walk their long lists.
        for (i, concept) in analysis.concepts.iter().enumerate().filter(|(_, c)| !c.weak) {
            let mut kept = false;
            for (term, weight) in &concept.terms {
                for &(field, boost) in fields {
                    let limit = if field == f.question { common } else { COMMON_FLOOR };
                    kept |= add(field, term, boost * weight, limit, i);
                }
            }
            if let (false, Some((term, weight))) = (kept, concept.terms.first()) {
                add(f.question, term, QUESTION_BOOST * weight, u64::MAX, i);
            }
        }
        // The title pairs take their turns as one more concept.
        for pair in &analysis.pairs {
            add(f.title_pairs, pair, PAIRS_BOOST, COMMON_FLOOR, analysis.concepts.len());
        }
        let clauses = in_turns(clauses, analysis.concepts.len() + 1).take(MAX_CLAUSES);
        let clauses = within_budget(clauses, POSTINGS_BUDGET)
            .map(|Clause { term, boost, .. }| {
                let term = TermQuery::new(term, IndexRecordOption::WithFreqs);
                (Occur::Should, Box::new(BoostQuery::new(Box::new(term), boost)) as Box<dyn Query>)
            })
            .collect();
        BooleanQuery::new(clauses)
    }

    /// How much each subject concept counts: rarer is stronger, and a word
    /// the corpus does not have at all counts most, since missing it means
    /// the question is about something else.
    fn concept_weights(&self, searcher: &Searcher, analysis: &Analysis) -> Vec<f32> {
        let n = searcher.num_docs();
        let english = !analysis.concepts.iter().any(|c| c.label.chars().any(crate::text::is_han));
        analysis
            .concepts
            .iter()
            .map(|concept| {
                if concept.weak {
                    return 0.0;
                }
                let df = self.concept_df(searcher, concept);
                let single_char = concept.label.chars().count() == 1;
                match (df > 0, single_char) {
                    (true, _) => {
                        let weight = rare_weight(n, df.max(self.everyday_df(n, concept)));
                        if single_char { 0.3 * weight } else { weight }
                    }
                    // In an English question, an English word neither the
                    // corpus nor the glossary knows, and no typo of one: the
                    // question is about something else (best movies of
                    // 2024). A Chinese question's English word is jargon.
                    (false, false) if english && is_plain_english(&concept.label) => rare_weight(n, 0),
                    // A word the corpus lacks: the question may be about
                    // something else, or only phrased in other words.
                    (false, false) => UNKNOWN_WORD_WEIGHT,
                    (false, true) => 0.3,
                }
            })
            .collect()
    }

    /// In how many of `n` entries of everyday Chinese a concept's word would
    /// be, by jieba's count of it: a word is no rarer than that, however
    /// seldom the corpus has it. Chat such as 希望 or 后来, or a character
    /// left alone (挂, 丢), is rare in a corpus of answers, yet says nothing
    /// about what is asked. Only a plain Chinese word counts so: a glossary
    /// group or a name is jargon.
    fn everyday_df(&self, n: u64, concept: &Concept) -> u64 {
        if concept.terms.len() > 1 || !concept.label.chars().all(crate::text::is_han) {
            return 0;
        }
        let share = self.segmenter.everyday_count(&concept.label) as f64 / EVERYDAY_WORDS;
        (n as f64 * EVERYDAY_WORDS_PER_ENTRY * share) as u64
    }

    /// In how many entries a concept's main terms are found, at most.
    fn concept_df(&self, searcher: &Searcher, concept: &Concept) -> u64 {
        concept
            .terms
            .iter()
            .filter(|(_, w)| *w > 0.5)
            .flat_map(|(t, _)| [self.fields.question, self.fields.answer].map(|f| (f, t)))
            .map(|(f, t)| searcher.doc_freq(&Term::from_field_text(f, t)).unwrap_or(0))
            .max()
            .unwrap_or(0)
    }

    /// Weighted share of the subject concepts a candidate has anywhere, and
    /// the share it has in its title.
    fn coverage(&self, presence: &Presence, candidate: usize, analysis: &Analysis, weights: &[f32]) -> Coverage {
        let total: f32 = weights.iter().sum();
        if total <= 0.0 {
            return Coverage { share: 0.0, in_title: 0.0, evidence: false, covered: 0.0 };
        }
        let f = &self.fields;
        let (mut covered, mut in_title, mut matched, mut identifier, mut titled) = (0.0, 0.0, 0, false, false);
        for (concept, weight) in analysis.concepts.iter().zip(weights) {
            if *weight <= 0.0 {
                continue;
            }
            let typo = if concept.corrected { 0.75 } else { 1.0 };
            let in_question = concept_match(presence, candidate, f.question, concept);
            let elsewhere = [f.context, f.answer].map(|field| concept_match(presence, candidate, field, concept));
            let found = in_question.max(0.8 * elsewhere[0].max(elsewhere[1]));
            if found <= 0.0 {
                continue;
            }
            in_title += weight * typo * in_question;
            covered += weight * typo * found;
            // A single ideograph turns up in any long answer, and in many a
            // title (话 in 这句话): not evidence, unless it is all that was
            // asked or a glossary term with synonyms (锁 = lock, 加锁).
            let word = concept.label.chars().count() > 1 || analysis.concepts.len() == 1 || concept.terms.len() > 1;
            matched += usize::from(word);
            titled |= word && in_question > 0.0;
            identifier |= is_name(concept) && named_as_written(presence, candidate, f, &concept.label);
        }
        let evidence = titled || matched >= 2 || identifier;
        Coverage { share: covered / total, in_title: in_title / total, evidence, covered }
    }

    /// How the title compares with the question: the share of the
    /// question's pinyin pairs it has (catches typos), and the share of its
    /// own subject the question asked about (prefers 阻塞与非阻塞 over
    /// 异步非阻塞 for 非阻塞).
    fn title_match(&self, address: DocAddress, analysis: &Analysis) -> (f32, f32, f32) {
        let title = self.titles_seen.get(address, || Some(Title::new(&self.title_of(address), &self.segmenter)));
        // The same kind of question counts only for a title wholly about
        // what was asked.
        let score = |t: &Title| {
            let precision = t.precision(analysis);
            let exact = precision >= WHOLE_TITLE && t.same_intent(analysis);
            let intent = match (exact, t.compares_unasked(analysis)) {
                (true, _) => INTENT_BONUS,
                (false, true) => -INTENT_BONUS,
                (false, false) => 0.0,
            };
            (t.sound(analysis), t.sound_only(analysis), precision + intent)
        };
        title.map_or((0.0, 0.0, 0.0), |t| score(&t))
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

/// How much a word found in `df` of `n` entries tells (an IDF): the rarer,
/// the more. A word in no entry weighs as one in a single entry.
fn rare_weight(n: u64, df: u64) -> f32 {
    (1.0 + n.max(1) as f32 / (df.max(1) as f32 + 0.5)).ln()
}

/// A term to search for, and what it stands for.
struct Clause {
    /// The most the clause can add to a score, as BM25 sees it: boost
    /// times rarity.
    telling: f32,
    term: Term,
    boost: f32,
    /// The concept it stands for (or the title pairs).
    concept: usize,
    /// The length of its postings list.
    df: u64,
}

/// The clauses in turns: each concept's most telling one first, then each
/// one's second, and so on; within a turn, the most telling first.
fn in_turns(mut clauses: Vec<Clause>, concepts: usize) -> impl Iterator<Item = Clause> {
    clauses.sort_by(|a, b| b.telling.total_cmp(&a.telling));
    let mut seen = vec![0usize; concepts];
    let mut turns: Vec<(usize, Clause)> = clauses
        .into_iter()
        .map(|clause| {
            let turn = seen[clause.concept];
            seen[clause.concept] += 1;
            (turn, clause)
        })
        .collect();
    turns.sort_by_key(|&(turn, _)| turn);
    turns.into_iter().map(|(_, clause)| clause)
}

/// The clauses, in order, whose postings together fit in `budget`: one
/// that would overdraw it is left out, a shorter one after it may still
/// fit. The first is always kept. A search's time grows with the postings
/// it reads, so this bounds the slowest searches of a large corpus.
fn within_budget(clauses: impl Iterator<Item = Clause>, budget: u64) -> impl Iterator<Item = Clause> {
    let mut spent = None;
    clauses.filter(move |clause| {
        let total = spent.map_or(clause.df, |spent: u64| spent + clause.df);
        let keep = spent.is_none() || total <= budget;
        if keep {
            spent = Some(total);
        }
        keep
    })
}

/// A word of letters only, or a number (`movies`, `2024`; not `2msl` or
/// `so_reuseaddr`): one the corpus lacks is most likely everyday English.
fn is_plain_english(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_alphabetic()) || word.chars().all(|c| c.is_ascii_digit())
}

/// Whether the candidate has the Latin word the user wrote as it is, not
/// only a translation of it: `write` is a name in an entry about `write()`,
/// but not in one that says 写操作.
fn named_as_written(presence: &Presence, candidate: usize, f: &Fields, label: &str) -> bool {
    let one_latin_word = label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    !one_latin_word || [f.question, f.context, f.answer].into_iter().any(|field| presence.has(field, label, candidate))
}

/// A concept that names one thing: an identifier (`SYN_RCVD`, `nginx`) or a
/// long glossary term (反向代理服务器). Found anywhere, it is evidence.
fn is_name(concept: &Concept) -> bool {
    let ideographs = concept.label.chars().filter(|&c| crate::text::is_han(c)).count();
    concept.label.chars().any(|c| c.is_ascii_alphanumeric()) || concept.terms.len() > 1 && ideographs >= 4
}

/// How much of a concept a candidate's field has: the weight of its best
/// term there (1 for the word itself, less for a part of it).
fn concept_match(presence: &Presence, candidate: usize, field: Field, concept: &Concept) -> f32 {
    let found: Vec<&(String, f32)> =
        concept.terms.iter().filter(|(term, _)| presence.has(field, term, candidate)).collect();
    let best = found.iter().map(|&&(_, weight)| weight.min(1.0)).fold(0.0, f32::max);
    if best >= PARTS_WEIGHT || found.len() < 2 {
        return best;
    }
    best.max(PARTS_WEIGHT * share_of_label(&concept.label, found.iter().map(|(term, _)| term.as_str())))
}

/// A word found in parts: the share of the label's characters that the
/// parts found cover, when there are at least two of them (服务器内部错误 in
/// a text saying 内部服务器错误).
fn share_of_label<'t>(label: &str, parts: impl Iterator<Item = &'t str>) -> f32 {
    let chars: Vec<char> = label.chars().collect();
    let mut covered = vec![false; chars.len()];
    let mut count = 0;
    for part in parts.filter(|p| p.chars().count() > 1 && *p != label) {
        let Some(start) = label.find(part) else { continue };
        let first = label[..start].chars().count();
        covered[first..first + part.chars().count()].iter_mut().for_each(|c| *c = true);
        count += 1;
    }
    if count < 2 {
        return 0.0;
    }
    covered.iter().filter(|&&c| c).count() as f32 / chars.len() as f32
}

/// Which candidates of a question have which terms: each term's postings
/// are read once for all the candidates, when first asked about.
struct Presence<'s> {
    searcher: &'s Searcher,
    /// The candidates, and their positions in index order.
    candidates: Vec<DocAddress>,
    in_order: Vec<usize>,
    known: RefCell<HashMap<(Field, String), Vec<bool>>>,
}

impl<'s> Presence<'s> {
    fn new(searcher: &'s Searcher, candidates: Vec<DocAddress>) -> Self {
        let mut in_order: Vec<usize> = (0..candidates.len()).collect();
        in_order.sort_by_key(|&i| candidates[i]);
        Presence { searcher, candidates, in_order, known: RefCell::new(HashMap::new()) }
    }

    fn has(&self, field: Field, term: &str, candidate: usize) -> bool {
        let key = (field, term.to_string());
        if let Some(found) = self.known.borrow().get(&key) {
            return found[candidate];
        }
        let found = self.read(field, term);
        let answer = found[candidate];
        self.known.borrow_mut().insert(key, found);
        answer
    }

    /// Walks the term's postings forward through the candidates in index order.
    fn read(&self, field: Field, text: &str) -> Vec<bool> {
        let term = Term::from_field_text(field, text);
        let mut found = vec![false; self.candidates.len()];
        let mut postings: Option<(u32, Option<tantivy::postings::SegmentPostings>)> = None;
        for &i in &self.in_order {
            let address = self.candidates[i];
            if postings.as_ref().is_none_or(|(segment, _)| *segment != address.segment_ord) {
                let segment = self.searcher.segment_reader(address.segment_ord);
                let read = segment
                    .inverted_index(field)
                    .ok()
                    .and_then(|inverted| inverted.read_postings(&term, IndexRecordOption::Basic).ok().flatten());
                postings = Some((address.segment_ord, read));
            }
            if let Some((_, Some(list))) = postings.as_mut() {
                // `seek` only moves forward: the list may already be past this one.
                found[i] = list.doc() <= address.doc_id && list.seek(address.doc_id) == address.doc_id;
            }
        }
        found
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
    let glossary_words = glossary.words().flat_map(|w| w.split(|c: char| !c.is_ascii_alphabetic()));
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
    fn engine_of(files: &[(&str, &str)]) -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let corpus = crate::load::load(dir.path()).unwrap();
        index::build(&corpus, "corpus", &dir.path().join("index")).unwrap();
        let engine = Engine::open(&dir.path().join("index")).unwrap();
        (dir, engine)
    }

    const CORPUS: &str = "#### TCP 和 UDP 的区别？\n\nTCP 面向连接，UDP 无连接。\n\n\
                          #### 进程和线程有什么区别？\n\n进程是资源分配的单位，线程是调度的单位。\n";

    #[test]
    fn a_weak_word_adds_no_clause_to_the_search() {
        let (_dir, engine) =
            engine_of(&[("qa.md", CORPUS), ("glossary.toml", "[x]\ndifference = [\"区别\", \"差异\"]\n")]);
        let analysis = engine.analyze("TCP和UDP的区别");
        assert!(analysis.concepts.iter().any(|c| c.weak && c.label == "区别"), "{:?}", analysis.concepts);
        let query = format!("{:?}", engine.query(&engine.searcher, &analysis));
        let f = &engine.fields;
        for field in [f.question, f.context, f.answer] {
            let clause = |word: &str| format!("Term(field={}, type=Str, \"{word}\")", field.field_id());
            assert!(!query.contains(&clause("区别")) && !query.contains(&clause("差异")), "{query}");
        }
        assert!(query.contains("\"tcp\""), "{query}");
        assert_eq!(engine.ask("TCP和UDP的区别").best.map(|hit| hit.question), Some("TCP 和 UDP 的区别？".to_string()));
    }

    #[test]
    fn an_everyday_word_is_no_rarer_than_everyday_text_has_it() {
        // 希望 and 网卡 are each in one entry of many; jieba counts 希望
        // in everyday text some twelve thousand times, 网卡 fifty.
        let mut corpus = String::from("#### 网卡是什么？\n\n重复调用结果不变。\n\n#### 希望有什么用？\n\n没有。\n\n");
        for i in 0..300 {
            corpus.push_str(&format!("#### 第{i}个问题是什么？\n\n答案{i}。\n\n"));
        }
        let (_dir, engine) = engine_of(&[("qa.md", &corpus)]);
        let analysis = engine.analyze("希望 网卡");
        let weights = engine.concept_weights(&engine.searcher, &analysis);
        let position = |label: &str| analysis.concepts.iter().position(|c| c.label == label);
        let weight = |label: &str| weights[position(label).unwrap_or_else(|| panic!("{label}: {analysis:?}"))];
        assert!(weight("希望") < 0.75 * weight("网卡"), "{weights:?} {:?}", analysis.concepts);
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
    fn an_answer_with_the_questions_rarest_word_is_a_candidate_however_many_titles_have_another() {
        // Titles with 做, among many other entries, and one long answer with the rare word.
        let mut corpus: String =
            (0..2 * CANDIDATES).map(|i| format!("#### 数据冷热分离第{i}步如何做？\n\n分离{i}。\n\n")).collect();
        corpus.extend((0..200).map(|i| format!("#### 第{i}个概念是什么？\n\n概念{i}。\n\n")));
        let long = "提交任务时，如果当前运行的线程数小于核心线程数，就新建一个线程来执行任务。".repeat(20);
        corpus.push_str(&format!("#### 线程池处理任务的流程？\n\n{long}prestartAllCoreThreads 会启动所有核心线程。\n"));
        let (_dir, engine) = engine_of(&[("qa.md", &corpus)]);
        let best = engine.ask("prestartAllCoreThreads 是做什么用的").best.map(|hit| hit.question);
        assert_eq!(best.as_deref(), Some("线程池处理任务的流程？"));
    }

    #[test]
    fn a_long_question_is_searched_on_each_concepts_best_clauses_first() {
        let words = [
            ("进程", "process"),
            ("线程", "thread"),
            ("协程", "coroutine"),
            ("内存", "memory"),
            ("缓存", "cache"),
            ("锁", "lock"),
            ("队列", "queue"),
            ("管道", "pipe"),
            ("信号", "signal"),
            ("套接字", "socket"),
            ("端口", "port"),
            ("路由", "route"),
        ];
        let corpus: String = words.iter().map(|(w, _)| format!("#### {w}是什么？\n\n{w}是一个概念。\n\n")).collect();
        // Each word has a synonym the corpus also has, in another entry.
        let synonyms: String = words.iter().map(|(_, en)| format!("{en} ")).collect();
        let glossary: String = words.iter().map(|(zh, en)| format!("{en} = [\"{zh}\"]\n")).collect();
        let (_dir, engine) = engine_of(&[
            ("qa.md", &corpus),
            ("qa2.md", &format!("#### 别名\n\n{synonyms}\n")),
            ("glossary.toml", &format!("[x]\n{glossary}")),
        ]);
        let question = words.map(|(zh, _)| zh).join("和");
        let analysis = engine.analyze(&question);
        let query = format!("{:?}", engine.query(&engine.searcher, &analysis));
        assert_eq!(query.matches("Term(field=").count(), MAX_CLAUSES, "{query}");
        let question_field = format!("Term(field={}, type=Str, ", engine.fields.question.field_id());
        for (word, _) in words {
            assert!(query.contains(&format!("{question_field}\"{word}\")")), "{word} has no title clause: {query}");
        }
    }

    #[test]
    fn clauses_take_turns_by_concept() {
        let clause = |telling: f32, concept: usize| clause_of(telling, concept, 1);
        let clauses =
            vec![clause(9.0, 0), clause(8.0, 0), clause(7.0, 0), clause(2.0, 1), clause(1.0, 2), clause(3.0, 2)];
        let order: Vec<f32> = in_turns(clauses, 3).map(|c| c.telling).collect();
        assert_eq!(order, [9.0, 3.0, 2.0, 8.0, 1.0, 7.0]);
    }

    fn clause_of(telling: f32, concept: usize, df: u64) -> Clause {
        let term = Term::from_field_text(Field::from_field_id(0), &telling.to_string());
        Clause { telling, term, boost: 1.0, concept, df }
    }

    #[test]
    fn clauses_are_searched_while_their_postings_fit_the_budget() {
        let dfs = [30, 20, 5, 10, 5];
        let clauses = dfs.iter().enumerate().map(|(i, &df)| clause_of(i as f32, i, df));
        let kept: Vec<u64> = within_budget(clauses, 40).map(|c| c.df).collect();
        assert_eq!(kept, [30, 5, 5]);
        // The first clause is searched even when it alone overdraws.
        let alone = within_budget([clause_of(0.0, 0, 50), clause_of(1.0, 1, 1)].into_iter(), 40);
        assert_eq!(alone.map(|c| c.df).collect::<Vec<_>>(), [50]);
    }

    #[test]
    fn a_title_asked_in_full_needs_less_coverage() {
        let candidate = |coverage: f32, precision: f32| Scored {
            address: DocAddress::new(0, 0),
            score: 10.0,
            coverage,
            sound: 0.0,
            evidence: true,
            rare_evidence: 0.5,
            precision,
        };
        // Not a clear winner: the runner-up scored 9.
        assert!(candidate(0.55, 1.0).is_answer(9.0));
        assert!(!candidate(0.55, 0.6).is_answer(9.0), "the title names more than was asked");
        assert!(!candidate(0.45, 1.0).is_answer(9.0), "too little of the question is covered");
        assert!(candidate(0.7, 0.6).is_answer(9.0));
    }

    #[test]
    fn a_single_ideograph_glossary_term_is_evidence() {
        let corpus =
            "#### 什么是GIL锁？\n\nGIL 是解释器里的一把全局锁。\n\n#### 进程和线程的区别？\n\n进程是资源分配的单位。\n";
        let (_dir, engine) = engine_of(&[("qa.md", corpus), ("glossary.toml", "[x]\nlock = [\"锁\", \"加锁\"]\n")]);
        let evidence = |question: &str| {
            let analysis = engine.analyze(question);
            engine.rank(&engine.searcher, &analysis).first().map(|s| s.evidence)
        };
        assert_eq!(evidence("锁"), Some(true));
        assert_eq!(evidence("大锁是啥"), Some(true), "锁 is a glossary term, 大锁 unknown");
    }
}
