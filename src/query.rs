//! Understanding a question: which *concepts* it asks about, and which index
//! terms stand for each. A concept is a word of the question (filler dropped)
//! or a glossary word with all its synonyms; a misspelled Latin word is
//! corrected against the index's own vocabulary first.
//!
//! User text is never query syntax: everything here works on words.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::glossary::Glossary;
use crate::segment::{Segmenter, char_pairs, is_compound};
use crate::sound::{self, SoundIndex};
use crate::text::{is_filler, is_han, is_weak, normalize};

/// A word this long may be a shortened name (see [`Vocabulary::complete`]).
const MIN_COMPLETED_LEN: usize = 6;
/// Weight of the word an unknown compound ends in (see [`head_of_unknown`]),
/// as of a part of a word.
const HEAD_WEIGHT: f32 = 0.4;
/// Weight of a term a glossary word's hint suggests (see
/// [`crate::glossary::HINTS_TABLE`]), as of a part of a word: the word
/// itself says more.
pub const HINT_WEIGHT: f32 = 0.5;

/// Only this many characters of a question are read.
pub const MAX_QUESTION_CHARS: usize = 400;

/// One thing the question asks about.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// What the user wrote for it (after typo correction).
    pub label: String,
    /// Index terms that stand for it, with a weight (1 for the word itself,
    /// less for the shorter words inside it).
    pub terms: Vec<(String, f32)>,
    /// Terms the hints of its glossary word suggest (丢包 → UDP), weighted
    /// less: an entry that has one is about what was described, but they do
    /// not name the concept (not in its title precision or its count of
    /// entries). A cue of no glossary line is a concept of its own instead.
    pub hints: Vec<(String, f32)>,
    /// Its glossary words that are several index terms (b+tree is b and
    /// tree): a text with all of one's terms most likely has the word.
    pub phrases: Vec<Vec<String>>,
    /// Helps ranking, says nothing about the subject (区别, difference).
    pub weak: bool,
    /// The word was a typo and has been corrected: weaker evidence.
    pub corrected: bool,
}

impl Concept {
    /// Whether it stands for more terms than the word: a glossary group's
    /// synonyms, or the words inside a long word.
    pub fn has_more_terms(&self) -> bool {
        self.terms.len() > 1
    }
}

/// A question, understood.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    pub concepts: Vec<Concept>,
    /// Ideograph and pinyin pairs of the question's subject words, matched
    /// against titles to catch Chinese typos.
    pub pairs: Vec<String>,
    pub truncated: bool,
    /// See [`crate::text::intents`].
    pub intents: u8,
}

impl Analysis {
    pub fn has_subject(&self) -> bool {
        self.concepts.iter().any(|c| !c.weak)
    }
}

/// Latin words of the index (and the glossary) with their document counts,
/// for correcting typos.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    /// Each known word, and in how many entries it is found.
    words: HashMap<String, u32>,
    /// The words found in some entry, the only ones a typo is read as,
    /// grouped by length in characters, to compare only plausible ones.
    by_len: HashMap<usize, Vec<String>>,
    /// The words found in some entry, sorted: the words that start with a
    /// given one are a range.
    sorted: Vec<String>,
}

impl Vocabulary {
    /// A word counted in no entry is known, so never taken for a typo, but
    /// no typo is read as it: the question would ask about nothing the
    /// corpus has (seen is no typo of seven, the word of a glossary phrase).
    pub fn new(words: HashMap<String, u32>) -> Self {
        let found: Vec<&String> = words.iter().filter(|(_, count)| **count > 0).map(|(word, _)| word).collect();
        let mut by_len: HashMap<usize, Vec<String>> = HashMap::new();
        for &word in &found {
            by_len.entry(word.chars().count()).or_default().push(word.clone());
        }
        by_len.values_mut().for_each(|v| v.sort());
        let mut sorted: Vec<String> = found.into_iter().cloned().collect();
        sorted.sort();
        Vocabulary { words, by_len, sorted }
    }

    /// The most common known word that `word` is the start of, when it is
    /// at least half of it: a name shortened as people shorten them
    /// (`callerruns` for `callerrunspolicy`, `countdown` for
    /// `countdownlatch`). Only for words of 6 letters or more.
    pub fn complete(&self, word: &str) -> Option<&str> {
        if word.len() < MIN_COMPLETED_LEN {
            return None;
        }
        let from = self.sorted.partition_point(|w| w.as_str() < word);
        self.sorted[from..]
            .iter()
            .take_while(|w| w.starts_with(word))
            .filter(|w| w.len() > word.len() && w.len() <= 2 * word.len())
            .max_by_key(|w| (self.words[w.as_str()], std::cmp::Reverse(w.len())))
            .map(String::as_str)
    }

    pub fn contains(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// The closest known word within the typo limit, preferring fewer edits,
    /// then more common words. The limit grows with length, as in Meilisearch
    /// (one typo from 5 letters, two from 9, one in the first letter counting
    /// twice); a 4-letter word may only have lost a letter (epol → epoll) and
    /// a 3-letter one only have two letters after the first swapped (cnd →
    /// cdn), since a changed letter in a short word makes another word as
    /// often as a typo.
    pub fn correct(&self, word: &str) -> Option<&str> {
        let len = word.chars().count();
        let limit = match len {
            0..3 => return None,
            3 | 4 => 1,
            5..=8 => 1,
            _ => 2,
        };
        // (edits, first letter changed, fewer entries first), word
        type Rank = (usize, bool, std::cmp::Reverse<u32>);
        let mut best: Option<(Rank, &str)> = None;
        for candidate_len in len.saturating_sub(limit)..=len + limit {
            if len == 3 && candidate_len != 3 || len == 4 && candidate_len != 5 {
                continue;
            }
            for candidate in self.by_len.get(&candidate_len).into_iter().flatten() {
                // As in Meilisearch, a typo in the first letter counts twice:
                // people rarely get it wrong (iphone is not phone).
                let first_changed = candidate.chars().next() != word.chars().next();
                let distance = strsim::osa_distance(word, candidate);
                if distance == 0 || distance + usize::from(first_changed) > limit {
                    continue;
                }
                if len == 3 && !same_letters(word, candidate) {
                    continue;
                }
                // Among equally close words, one that starts as typed wins,
                // then the more common one.
                let rank = (distance, first_changed, std::cmp::Reverse(self.words[candidate]));
                if best.is_none_or(|(b, _)| rank < b) {
                    best = Some((rank, candidate));
                }
            }
        }
        best.map(|(_, w)| w)
    }
}

/// The vocabulary, read from the index only when a question first needs it
/// (a misspelled word): a one-shot `qabot ask` should not pay for it.
pub type LazyVocabulary = LazyLock<Vocabulary, Box<dyn FnOnce() -> Vocabulary + Send>>;

fn same_letters(a: &str, b: &str) -> bool {
    let sorted = |w: &str| {
        let mut letters: Vec<char> = w.chars().collect();
        letters.sort_unstable();
        letters
    };
    sorted(a) == sorted(b)
}

/// Greetings and thanks: not questions.
const GREETINGS: &[&str] = &[
    "你好",
    "您好",
    "嗨",
    "哈喽",
    "hello",
    "hi",
    "hey",
    "thanks",
    "thank you",
    "thx",
    "谢谢",
    "多谢",
    "感谢",
    "再见",
    "拜拜",
    "bye",
    "goodbye",
    "早上好",
    "晚上好",
    "下午好",
    "晚安",
    "good morning",
    "good night",
    "ok",
    "好的",
    "嗯",
    "哈哈",
    "在吗",
    "在不在",
    "你是谁",
    "who are you",
];

/// Whether the whole question is a greeting, give or take punctuation.
pub fn is_greeting(question: &str) -> bool {
    let bare: String = normalize(question)
        .trim_end_matches(|c: char| "呀啊哦吧呢嘛哈啦~～!！.。 ".contains(c))
        .chars()
        .filter(|c| c.is_alphanumeric() || is_han(*c) || *c == ' ')
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    GREETINGS.contains(&bare.as_str())
}

/// What the index knows about words: everything `analyze` consults.
pub struct Lexicon<'a> {
    pub segmenter: &'a Segmenter,
    pub glossary: &'a Glossary,
    pub vocabulary: &'a LazyVocabulary,
    pub sounds: &'a SoundIndex,
    /// How many entries have this word (in question or answer).
    pub doc_freq: &'a dyn Fn(&str) -> u64,
    pub entries: u64,
}

/// Turns a question into concepts.
pub fn analyze(question: &str, lexicon: &Lexicon) -> Analysis {
    let Lexicon { segmenter, glossary, vocabulary, sounds, doc_freq, entries } = *lexicon;
    let names = capitalized_names(question);
    // Filler, unless written as a name.
    let filler = |word: &str| is_filler(word) && !names.contains(word);
    let mut text = normalize(question);
    let truncated = text.chars().count() > MAX_QUESTION_CHARS;
    if truncated {
        text = text.chars().take(MAX_QUESTION_CHARS).collect();
    }
    let (text, mut corrected) = correct_typos(&text, |w| doc_freq(w) > 0, vocabulary);
    // A character left alone is unknown too: the dictionary has every
    // character of the corpus, but a typo (防火强) leaves one behind.
    let words: Vec<sound::Cut> = segmenter
        .cut(&text)
        .into_iter()
        .map(|(start, w)| {
            let unknown = w.chars().any(is_han) && !(is_compound(w) && segmenter.has_word(w)) && !filler(w);
            sound::Cut { start, end: start + w.len(), unknown }
        })
        .collect();
    let common = |w: &str| doc_freq(w) >= 3.max(entries / 1000);
    let whole = |w: &str| segmenter.cut(w).len() == 1;
    let (text, heard) = sound::correct(&text, &words, |w| segmenter.has_word(w), common, whole, sounds);
    corrected.extend(heard);
    let mut concepts = Vec::new();
    let mentions = glossary.mentions(&text);
    for mention in &mentions {
        let label = text[mention.start..mention.end].to_string();
        if filler(&label) {
            continue;
        }
        let (mut terms, mut phrases) = (Vec::new(), Vec::new());
        for word in glossary.group(mention.group) {
            let tokens = segmenter.cut(word);
            let share = 1.0 / tokens.len().max(1) as f32;
            if tokens.len() > 1 {
                phrases.push(tokens.iter().map(|(_, t)| t.to_string()).collect());
            }
            terms.extend(tokens.into_iter().map(|(_, t)| (t.to_string(), share)));
        }
        // The parts of what the user wrote, in case no word of the group is
        // in the corpus whole (互斥锁 → 锁).
        terms.extend(word_terms(&label, segmenter).into_iter().filter(|(_, w)| *w < 1.0));
        terms.extend(head_of_unknown(&label, &terms, doc_freq));
        dedup_terms(&mut terms);
        let hints = hint_terms(glossary.hints(mention.group), HINT_WEIGHT, segmenter);
        let corrected = corrected.iter().any(|c| label.contains(c.as_str()));
        concepts.push(Concept { weak: is_weak(&label), label, terms, phrases, hints, corrected });
    }
    let mut subject = String::new();
    for (start, word) in segmenter.cut(&text) {
        let inside_mention = mentions.iter().any(|m| start >= m.start && start < m.end);
        if filler(word) {
            subject.push(' ');
            continue;
        }
        subject.push_str(word);
        if inside_mention || concepts.iter().any(|c| c.label == word) {
            continue;
        }
        let corrected = corrected.iter().any(|c| c == word);
        let mut terms = word_terms(word, segmenter);
        terms.extend(head_of_unknown(word, &terms, doc_freq));
        let (label, hints, phrases) = (word.to_string(), Vec::new(), Vec::new());
        concepts.push(Concept { label, terms, phrases, hints, weak: is_weak(word), corrected });
    }
    // A cue of no group (就近访问) is a concept of its own, made of the
    // terms it suggests; the words it is written with stay concepts too.
    let cues = glossary.cues(&text);
    let outermost = cues
        .iter()
        .filter(|&&(start, end, _)| !cues.iter().any(|&(s, e, _)| s <= start && end <= e && e - s > end - start));
    for &(start, end, hinted) in outermost {
        let terms = hint_terms(hinted, 1.0, segmenter);
        concepts.push(Concept {
            label: text[start..end].to_string(),
            terms,
            phrases: Vec::new(),
            hints: Vec::new(),
            weak: false,
            corrected: false,
        });
    }
    for concept in &mut concepts {
        concept.hints.retain(|(hint, _)| !concept.terms.iter().any(|(term, _)| term == hint));
    }
    drop_shared_parts(&mut concepts);
    // A word whose parts are all filler (要用) or all named by other concepts
    // (不稳 after 稳) has no terms left: no entry can have it, and it would
    // only weigh against every candidate.
    concepts.retain(|c| !c.terms.is_empty());
    Analysis { concepts, pairs: char_pairs(&subject), truncated, intents: crate::text::intents(&text) }
}

/// The index terms for words a glossary hint suggests, each word's
/// `weight` shared among its tokens.
fn hint_terms(words: &[String], weight: f32, segmenter: &Segmenter) -> Vec<(String, f32)> {
    let mut terms = Vec::new();
    for word in words {
        let tokens = segmenter.cut(word);
        let share = weight / tokens.len().max(1) as f32;
        terms.extend(tokens.into_iter().map(|(_, t)| (t.to_string(), share)));
    }
    dedup_terms(&mut terms);
    terms
}

/// Words written in capitals in a question that is not all capitals (`GET`
/// in "GET 跟 POST 有啥不一样"), lower-cased: names, however common the word
/// is in English.
fn capitalized_names(question: &str) -> HashSet<String> {
    if !question.chars().any(|c| c.is_ascii_lowercase() || is_han(c)) {
        return HashSet::new();
    }
    question
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase()))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A word the question names on its own is evidence for that concept only,
/// not also, as a part, for a longer one: `python` in "python global
/// interpreter lock" must not let any Python entry half-match the GIL.
fn drop_shared_parts(concepts: &mut [Concept]) {
    let whole: Vec<Vec<String>> =
        concepts.iter().map(|c| c.terms.iter().filter(|(_, w)| *w >= 1.0).map(|(t, _)| t.clone()).collect()).collect();
    for (i, concept) in concepts.iter_mut().enumerate() {
        let named_elsewhere = |term: &String| whole.iter().enumerate().any(|(j, terms)| j != i && terms.contains(term));
        concept.terms.retain(|(term, weight)| *weight >= 1.0 || !named_elsewhere(term));
        concept.hints.retain(|(term, _)| !named_elsewhere(term));
    }
}

/// The word a Chinese compound ends in, when none of the compound's terms
/// is in the corpus: Chinese compounds name their kind last (互斥锁 is a
/// kind of 锁, 消息边界 a kind of 边界), so an entry on the kind is the best
/// the corpus has. Weighted as a part.
fn head_of_unknown(label: &str, terms: &[(String, f32)], doc_freq: &dyn Fn(&str) -> u64) -> Option<(String, f32)> {
    if label.chars().count() < 3 || !label.chars().all(is_han) || terms.iter().any(|(t, _)| doc_freq(t) > 0) {
        return None;
    }
    label
        .char_indices()
        .skip(1)
        .map(|(i, _)| &label[i..])
        .find(|head| !is_filler(head) && doc_freq(head) > 0)
        .map(|head| (head.to_string(), HEAD_WEIGHT))
}

/// Whether a question's word is a concept of its own, not only filler in
/// parts (要用 is 要 + 用): what a title's subject is made of too.
pub(crate) fn names_something(word: &str, segmenter: &Segmenter) -> bool {
    !is_filler(word) && (!word.chars().all(crate::text::is_filler_char) || !word_terms(word, segmenter).is_empty())
}

/// The index terms for one word: itself, and at a lower weight the shorter
/// words jieba finds inside it (三次握手 → 三次, 握手).
fn word_terms(word: &str, segmenter: &Segmenter) -> Vec<(String, f32)> {
    let normalized = normalize(word);
    let words = segmenter.words(&normalized);
    if words.len() <= 1 {
        return words.into_iter().map(|w| (w, 1.0)).collect();
    }
    let whole_is_token = words.contains(&normalized);
    let share = if whole_is_token { 0.4 } else { 1.0 / words.len() as f32 };
    words
        .into_iter()
        .filter(|w| !is_filler(w))
        .map(|w| {
            let weight = if w == normalized { 1.0 } else { share };
            (w, weight)
        })
        .collect()
}

fn dedup_terms(terms: &mut Vec<(String, f32)>) {
    let mut best: HashMap<String, f32> = HashMap::new();
    for (term, weight) in terms.drain(..) {
        let entry = best.entry(term).or_insert(0.0);
        *entry = entry.max(weight);
    }
    terms.extend(best);
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// Replaces Latin words that the index does not know (`indexed` is false,
/// and not in the vocabulary) by the closest word it does know. Returns the
/// new text and the corrected words.
fn correct_typos(text: &str, indexed: impl Fn(&str) -> bool, vocabulary: &LazyVocabulary) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut corrected = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic()) {
        out.push_str(&rest[..start]);
        let word_len =
            rest[start..].find(|c: char| !c.is_ascii_alphanumeric() && c != '_').unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let known = is_filler(word) || indexed(word) || vocabulary.contains(word);
        let fixed = if known {
            None
        } else {
            stem(word, vocabulary).or_else(|| vocabulary.correct(word)).or_else(|| vocabulary.complete(word))
        };
        match fixed {
            Some(fixed) => {
                out.push_str(fixed);
                corrected.push(fixed.to_string());
            }
            None => out.push_str(word),
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    (out, corrected)
}

/// `packets` → `packet`, `processes` → `process`, `networking` →
/// `network`, `cached` → `cache`, when the stem is known.
fn stem<'v>(word: &str, vocabulary: &'v Vocabulary) -> Option<&'v str> {
    let stems = ["es", "s", "ing", "ed"].into_iter().filter_map(|suffix| word.strip_suffix(suffix));
    // caching → cach → cache
    let stems = stems.flat_map(|stem| [stem.to_string(), format!("{stem}e")]);
    stems.filter(|stem| stem.len() >= 3).find_map(|stem| vocabulary.words.get_key_value(&stem).map(|(k, _)| k.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(words: &[&str]) -> Vocabulary {
        Vocabulary::new(words.iter().map(|w| (w.to_string(), 1)).collect())
    }

    #[test]
    fn no_typo_is_read_as_a_word_no_entry_has() {
        // `seven`, of the glossary phrase "seven layers", is in no entry.
        let v = Vocabulary::new([("seven".to_string(), 0), ("select".to_string(), 3)].into());
        assert!(v.contains("seven"), "a known word is no typo");
        assert_eq!(v.correct("seen"), None);
        assert_eq!(v.correct("seleect"), Some("select"));
        assert_eq!(Vocabulary::new([("sevenfold".to_string(), 0)].into()).complete("sevenf"), None);
    }

    #[test]
    fn typos_are_corrected_within_the_limit() {
        let v = vocabulary(&["epoll", "select", "nginx", "gevent", "make"]);
        assert_eq!(v.correct("selcet"), Some("select"));
        assert_eq!(v.correct("nignx"), Some("nginx"));
        assert_eq!(v.correct("gevnet"), Some("gevent"));
        assert_eq!(v.correct("epol"), Some("epoll"));
        let v = Vocabulary::new([("pool".to_string(), 9), ("epoll".to_string(), 1)].into());
        assert_eq!(v.correct("epool"), Some("epoll"), "the first letter as typed wins a tie");
        assert_eq!(v.correct("bake"), None, "a changed letter in a 4-letter word is not a typo");
        let v = vocabulary(&["phone", "select"]);
        assert_eq!(v.correct("iphone"), None, "a typo in the first letter counts twice");
        assert_eq!(v.correct("xselect"), None);
        let v = vocabulary(&["cdn", "gil", "dns"]);
        assert_eq!(v.correct("cnd"), Some("cdn"));
        assert_eq!(v.correct("gli"), Some("gil"));
        assert_eq!(v.correct("dna"), None, "only letters swapped");
        assert_eq!(v.correct("ndc"), None, "the first letter stays");
        assert_eq!(v.correct("xyz"), None);
    }

    #[test]
    fn a_shortened_name_is_completed() {
        let v = Vocabulary::new(
            [("callerrunspolicy", 3), ("callerrunsx", 1), ("countdownlatch", 5), ("thread", 9)]
                .map(|(w, n)| (w.to_string(), n))
                .into(),
        );
        assert_eq!(v.complete("callerruns"), Some("callerrunspolicy"), "the more common of two");
        assert_eq!(v.complete("countdown"), Some("countdownlatch"));
        assert_eq!(v.complete("count"), None, "too short");
        assert_eq!(v.complete("thread"), None, "nothing longer starts with it");
        assert_eq!(v.complete("countd"), None, "less than half of the name");
    }

    #[test]
    fn an_inflected_word_is_read_as_its_stem() {
        let v = vocabulary(&["packet", "process", "network", "cache", "use"]);
        assert_eq!(stem("packets", &v), Some("packet"));
        assert_eq!(stem("processes", &v), Some("process"));
        assert_eq!(stem("networking", &v), Some("network"));
        assert_eq!(stem("caching", &v), Some("cache"));
        assert_eq!(stem("cached", &v), Some("cache"));
        assert_eq!(stem("uses", &v), Some("use"));
        assert_eq!(stem("ping", &v), None, "too short a stem");
    }

    #[test]
    fn a_word_named_on_its_own_is_no_part_of_another_concept() {
        let concept = |label: &str, terms: &[(&str, f32)]| Concept {
            label: label.into(),
            terms: terms.iter().map(|&(t, w)| (t.to_string(), w)).collect(),
            phrases: Vec::new(),
            hints: Vec::new(),
            weak: false,
            corrected: false,
        };
        let mut concepts = [
            concept("global interpreter lock", &[("gil", 1.0), ("python", 0.5), ("lock", 0.3)]),
            concept("python", &[("python", 1.0)]),
        ];
        drop_shared_parts(&mut concepts);
        assert_eq!(concepts[0].terms, [("gil".to_string(), 1.0), ("lock".to_string(), 0.3)]);
        assert_eq!(concepts[1].terms, [("python".to_string(), 1.0)]);
    }

    #[test]
    fn an_unknown_compound_falls_back_to_its_kind() {
        let doc_freq = |w: &str| u64::from(["锁", "边界", "的"].contains(&w));
        let terms = |words: &[&str]| words.iter().map(|w| (w.to_string(), 1.0)).collect::<Vec<_>>();
        assert_eq!(
            head_of_unknown("互斥锁", &terms(&["互斥锁", "mutex"]), &doc_freq),
            Some(("锁".into(), HEAD_WEIGHT))
        );
        assert_eq!(head_of_unknown("消息边界", &terms(&["消息边界"]), &doc_freq), Some(("边界".into(), HEAD_WEIGHT)));
        assert_eq!(head_of_unknown("互斥锁", &terms(&["互斥锁", "边界"]), &doc_freq), None, "a term is known");
        assert_eq!(head_of_unknown("读写的", &terms(&["读写的"]), &doc_freq), None, "filler is no kind");
        assert_eq!(head_of_unknown("斥锁", &terms(&["斥锁"]), &doc_freq), None, "too short to be a compound");
    }

    #[test]
    fn a_word_in_capitals_is_a_name() {
        let names = capitalized_names("GET 跟 POST 有啥不一样, and IO");
        assert_eq!(names, ["get", "post", "io"].map(String::from).into());
        assert!(capitalized_names("WHAT IS TCP").is_empty(), "a question in capitals has no names by case");
    }

    #[test]
    fn greetings_are_recognised() {
        assert!(is_greeting("你好！"));
        assert!(is_greeting("Thank you"));
        assert!(is_greeting("你好呀~"));
        assert!(!is_greeting("你好，tcp是什么"));
    }
}
