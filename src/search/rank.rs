//! How a question's candidates are found and scored: the tantivy query
//! built from its concepts, how much each concept weighs, and how much of
//! the question each candidate covers, in its title and elsewhere.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use super::{Engine, Scored, WHOLE_TITLE};
use crate::index::Fields;
use crate::query::{Analysis, Concept, HINT_WEIGHT};
use crate::title::Title;

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
/// Added to title precision when the title asks the same kinds of question.
const INTENT_BONUS: f32 = 0.5;
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

/// How much of the question an entry covers.
struct Coverage {
    share: f32,
    in_title: f32,
    evidence: bool,
    /// The weight of the concepts found.
    covered: f32,
}

impl Engine {
    /// The candidates for the question, best first.
    pub(super) fn rank(&self, searcher: &Searcher, analysis: &Analysis) -> Vec<Scored> {
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
                let title =
                    self.titles_seen.get(address, || Some(Title::new(&self.title_of(address), &self.segmenter)));
                let Coverage { share: coverage, in_title, evidence, covered } =
                    self.coverage(&presence, candidate, analysis, &weights, title.as_deref());
                let (sound, sound_only, precision) = title.map_or((0.0, 0.0, 0.0), |t| title_match(&t, analysis));
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
            for (term, weight) in concept.terms.iter().chain(&concept.hints) {
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
    pub(super) fn concept_weights(&self, searcher: &Searcher, analysis: &Analysis) -> Vec<f32> {
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
                    // something else, or only phrased in other words. A
                    // glossary word whose hints the corpus has is jargon
                    // for what those entries are about (网卡地址 → ARP).
                    (false, false) => UNKNOWN_WORD_WEIGHT.max(self.hinted_weight(searcher, concept)),
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
        if concept.has_more_terms() || !concept.label.chars().all(crate::text::is_han) {
            return 0;
        }
        let share = self.segmenter.everyday_count(&concept.label) as f64 / EVERYDAY_WORDS;
        (n as f64 * EVERYDAY_WORDS_PER_ENTRY * share) as u64
    }

    /// How much a concept weighs by the entries its hints are found in, as
    /// much less than a word of theirs as a hint is (0 when none has them):
    /// at full weight, 内存不够 in 手机内存不够怎么清理照片 answered with the
    /// one entry on virtual memory.
    fn hinted_weight(&self, searcher: &Searcher, concept: &Concept) -> f32 {
        let df = self.most_entries(searcher, concept.hints.iter().filter(|(_, w)| *w >= HINT_WEIGHT));
        if df == 0 { 0.0 } else { HINT_WEIGHT * rare_weight(searcher.num_docs(), df) }
    }

    /// In how many entries a concept's main terms are found, at most.
    pub(super) fn concept_df(&self, searcher: &Searcher, concept: &Concept) -> u64 {
        self.most_entries(searcher, concept.terms.iter().filter(|(_, w)| *w > 0.5))
    }

    /// In how many entries (by question or answer) the commonest of these
    /// terms is found.
    fn most_entries<'t>(&self, searcher: &Searcher, terms: impl Iterator<Item = &'t (String, f32)>) -> u64 {
        terms
            .flat_map(|(t, _)| [self.fields.question, self.fields.answer].map(|f| (f, t)))
            .map(|(f, t)| searcher.doc_freq(&Term::from_field_text(f, t)).unwrap_or(0))
            .max()
            .unwrap_or(0)
    }

    /// Weighted share of the subject concepts a candidate has anywhere, and
    /// the share it has in its title (`title`, when it has one).
    fn coverage(
        &self,
        presence: &Presence,
        candidate: usize,
        analysis: &Analysis,
        weights: &[f32],
        title: Option<&Title>,
    ) -> Coverage {
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
            let word = concept.label.chars().count() > 1 || analysis.concepts.len() == 1 || concept.has_more_terms();
            matched += usize::from(word);
            // A word found in the title only inside a longer one (手机 of
            // 手机号, time of TIME_WAIT) is not what the title is about.
            let whole = |t: &Title| concept.terms.iter().any(|(term, w)| *w >= 1.0 && t.has_word(term));
            titled |= word && in_question > 0.0 && title.is_none_or(whole);
            identifier |= is_name(concept) && named_as_written(presence, candidate, f, &concept.label);
        }
        let evidence = titled || matched >= 2 || identifier;
        Coverage { share: covered / total, in_title: in_title / total, evidence, covered }
    }
}

/// How the title compares with the question: the share of the question's
/// pinyin pairs it has (catches typos), how much more of them than as
/// written, and the share of its own subject the question asked about
/// (prefers 阻塞与非阻塞 over 异步非阻塞 for 非阻塞). The same kind of
/// question counts only for a title wholly about what was asked, and in
/// full only when it asks all the kinds the user did and no others
/// (什么是线程和进程 asks what they are; 进程和线程的区别是什么 also compares them).
fn title_match(title: &Title, analysis: &Analysis) -> (f32, f32, f32) {
    let precision = title.precision(analysis);
    let shared = title.shared_intent(analysis);
    let exact = precision >= WHOLE_TITLE && shared > 0.0;
    let intent = match (exact, title.compares_unasked(analysis)) {
        (true, _) => INTENT_BONUS * shared,
        (false, true) => -INTENT_BONUS,
        (false, false) => 0.0,
    };
    (title.sound(analysis), title.sound_only(analysis), precision + intent)
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

/// A concept that names one thing: an identifier (`SYN_RCVD`, `nginx`), a
/// number of three digits or more (404, 65535), or a long glossary term
/// (反向代理服务器). Found anywhere, it is evidence. A shorter number (1, 3)
/// counts steps and items in any long answer, and a short plain word the
/// glossary does not know (yes, go, life) turns up in its code and prose.
fn is_name(concept: &Concept) -> bool {
    let label = &concept.label;
    // A word of a few letters has no parts, so its other terms are synonyms.
    let more_terms = concept.has_more_terms();
    let short_number = label.len() < 3 && label.chars().all(|c| c.is_ascii_digit());
    let short_word = label.len() <= 4 && label.chars().all(|c| c.is_ascii_alphabetic()) && !more_terms;
    let latin = label.chars().any(|c| c.is_ascii_alphanumeric()) && !short_number && !short_word;
    let ideographs = label.chars().filter(|&c| crate::text::is_han(c)).count();
    latin || more_terms && ideographs >= 4
}

/// How much of a concept a candidate's field has: the weight of its best
/// term there (1 for the word itself, less for a part of it or a hint).
fn concept_match(presence: &Presence, candidate: usize, field: Field, concept: &Concept) -> f32 {
    let found: Vec<&(String, f32)> =
        concept.terms.iter().filter(|(term, _)| presence.has(field, term, candidate)).collect();
    let hinted = concept.hints.iter().filter(|(term, _)| presence.has(field, term, candidate));
    let hinted = hinted.map(|&(_, weight)| weight).fold(0.0, f32::max);
    let phrased = concept.phrases.iter().any(|p| p.iter().all(|term| presence.has(field, term, candidate)));
    let phrased = if phrased { PARTS_WEIGHT } else { 0.0 };
    let best = found.iter().map(|&&(_, weight)| weight.min(1.0)).fold(hinted.max(phrased), f32::max);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::engine_of;

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
    fn a_short_number_or_plain_word_alone_is_no_evidence_but_a_name_is() {
        let corpus = "#### 常见状态码有哪些？\n\n404 表示找不到页面，1 开头的表示信息。\n\n\
                      #### 三次握手的过程？\n\n第 1 步客户端发 SYN。\n\n\
                      #### 如何读取用户的输入？\n\n例如 input(\"yes or no\") 读入一行。\n\n\
                      #### Python 自带的异步框架？\n\nasyncio 是标准库的一部分。\n";
        let (_dir, engine) = engine_of(&[("qa.md", corpus)]);
        let best = |question: &str| engine.ask(question).best.map(|hit| hit.question);
        assert_eq!(best("1"), None);
        assert_eq!(best("yes"), None);
        assert_eq!(best("404").as_deref(), Some("常见状态码有哪些？"));
        assert_eq!(best("asyncio").as_deref(), Some("Python 自带的异步框架？"));
    }

    #[test]
    fn a_word_inside_a_longer_title_word_is_no_evidence() {
        let corpus = "#### 手机号存储用 INT 还是 VARCHAR？\n\n手机号用字符串存。\n\n\
                      #### 进程和线程的区别？\n\n进程是资源分配的单位。\n";
        let (_dir, engine) = engine_of(&[("qa.md", corpus)]);
        let best = |question: &str| engine.ask(question).best.map(|hit| hit.question);
        assert_eq!(best("手机没信号"), None, "手机 is only inside 手机号");
        assert_eq!(best("手机号怎么存").as_deref(), Some("手机号存储用 INT 还是 VARCHAR？"));
    }

    #[test]
    fn a_glossary_word_of_several_terms_is_found_as_all_of_them() {
        let corpus = "#### 索引用什么结构？\n\n用 B+Tree。\n\n#### 索引有什么缺点？\n\n占空间，像一棵 tree。\n";
        let glossary = "[x]\n\"b+ tree\" = [\"b+树\", \"b+tree\"]\n";
        let (_dir, engine) = engine_of(&[("qa.md", corpus), ("glossary.toml", glossary)]);
        let analysis = engine.analyze("b+树");
        let ranked = engine.rank(&engine.searcher, &analysis);
        let coverage = |title: &str| {
            let scored = ranked.iter().find(|s| engine.title_of(s.address) == title);
            scored.map_or(0.0, |s| s.coverage)
        };
        let about = |a: f32, b: f32| (a - b).abs() < 1e-6;
        assert!(about(coverage("索引用什么结构？"), 0.8 * PARTS_WEIGHT), "b and tree, in the answer");
        assert!(about(coverage("索引有什么缺点？"), 0.8 * 0.5), "only tree");
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
