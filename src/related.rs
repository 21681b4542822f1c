//! Related topics, computed once at index time and stored with each entry so
//! that answering stays fast.
//!
//! Each entry becomes a TF-IDF vector over the words of its question (which
//! weigh most), context and answer, with glossary synonyms folded into one
//! term (进程 = process) and filler dropped. Like tantivy's MoreLikeThis, only
//! an entry's most distinctive terms take part; unlike its defaults, rare
//! terms are kept, since on a small corpus they are what topics share.
//! Near-duplicates of an entry (the same question asked twice) are left out:
//! a person who just read one does not want the other suggested.

use std::collections::{HashMap, HashSet};

use crate::corpus::Entry;
use crate::glossary::Glossary;
use crate::segment::Segmenter;
use crate::text::{is_filler, is_weak, normalize};

/// How many related entries each entry keeps.
pub const MAX_RELATED: usize = 5;
/// Terms per entry that take part in the comparison.
const TOP_TERMS: usize = 40;
const QUESTION_WEIGHT: f32 = 3.0;
/// Questions sharing this share of their words are the same question.
const DUPLICATE_OVERLAP: f32 = 0.75;

/// For every entry, up to [`MAX_RELATED`] `(id, score)` of related entries, best first.
pub fn compute(entries: &[Entry], segmenter: &Segmenter, glossary: &Glossary) -> Vec<Vec<(String, f32)>> {
    let terms = Terms::new(glossary);
    let bags: Vec<HashMap<String, f32>> = entries.iter().map(|e| terms.bag(e, segmenter)).collect();
    let vectors = tf_idf(&bags);
    let titles: Vec<HashSet<String>> = entries.iter().map(|e| terms.title_set(&e.question, segmenter)).collect();

    let mut postings: HashMap<&str, Vec<(usize, f32)>> = HashMap::new();
    for (i, vector) in vectors.iter().enumerate() {
        for (term, weight) in vector {
            postings.entry(term.as_str()).or_default().push((i, *weight));
        }
    }
    // A term shared by a large part of a big corpus says little and costs much.
    let max_postings = 200.max(entries.len() / 50);
    let mut scores = vec![0.0f32; entries.len()];
    let mut touched: Vec<usize> = Vec::new();
    (0..entries.len())
        .map(|i| {
            for (term, weight) in &vectors[i] {
                let list = &postings[term.as_str()];
                if list.len() > max_postings {
                    continue;
                }
                for &(j, other) in list {
                    if j != i {
                        if scores[j] == 0.0 {
                            touched.push(j);
                        }
                        scores[j] += weight * other;
                    }
                }
            }
            let mut ranked: Vec<(usize, f32)> = touched
                .drain(..)
                .map(|j| {
                    let score = std::mem::take(&mut scores[j]);
                    (j, if entries[j].file == entries[i].file { score * 1.1 } else { score })
                })
                .collect();
            let best_first = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
            // Only the best few need sorting (and a duplicate check), unless
            // too many of them are duplicates.
            let few = 4 * MAX_RELATED;
            if ranked.len() > few {
                ranked.select_nth_unstable_by(few, best_first);
                let kept = ranked[..few].iter().filter(|&&(j, _)| !is_duplicate(&titles[i], &titles[j])).count();
                if kept >= MAX_RELATED {
                    ranked.truncate(few);
                }
            }
            ranked.sort_unstable_by(best_first);
            // Duplicates are checked best first, only until enough are kept.
            ranked
                .into_iter()
                .filter(|&(j, _)| !is_duplicate(&titles[i], &titles[j]))
                .take(MAX_RELATED)
                .map(|(j, s)| (entries[j].id.clone(), s))
                .collect()
        })
        .collect()
}

/// Pairs of entries (by index) whose questions are the same question in
/// other words. Compares every pair, so meant for `qabot check`.
pub fn near_duplicates(questions: &[&str], segmenter: &Segmenter, glossary: &Glossary) -> Vec<(usize, usize)> {
    let terms = Terms::new(glossary);
    let titles: Vec<HashSet<String>> = questions.iter().map(|q| terms.title_set(q, segmenter)).collect();
    let mut pairs = Vec::new();
    for i in 0..titles.len() {
        for j in i + 1..titles.len() {
            if is_duplicate(&titles[i], &titles[j]) {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

/// Whether two questions' word sets make them the same question.
pub fn is_duplicate(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    // Questions naming different things (asyncio, gevent) are different
    // questions however alike the rest of their wording.
    let names = |set: &HashSet<String>| -> HashSet<String> {
        set.iter().filter(|w| w.chars().any(|c| c.is_ascii_alphabetic())).cloned().collect()
    };
    let (names_a, names_b) = (names(a), names(b));
    if !names_a.is_empty() && !names_b.is_empty() && names_a.is_disjoint(&names_b) {
        return false;
    }
    let shared = a.intersection(b).count() as f32;
    shared / a.len().min(b.len()) as f32 >= DUPLICATE_OVERLAP && shared / a.len().max(b.len()) as f32 >= 0.5
}

/// Turns text into comparable terms: glossary words become their group.
struct Terms<'g> {
    glossary: &'g Glossary,
}

impl<'g> Terms<'g> {
    fn new(glossary: &'g Glossary) -> Self {
        Terms { glossary }
    }

    fn of(&self, text: &str, segmenter: &Segmenter, mut add: impl FnMut(String)) {
        let text = normalize(text);
        for mention in self.glossary.mentions(&text) {
            add(format!("§{}", mention.group));
        }
        for word in segmenter.words(&text) {
            if meaningful(&word) {
                add(word);
            }
        }
    }

    fn bag(&self, entry: &Entry, segmenter: &Segmenter) -> HashMap<String, f32> {
        let mut bag = HashMap::new();
        self.of(&entry.question, segmenter, |t| *bag.entry(t).or_default() += QUESTION_WEIGHT);
        for text in [&entry.context, &entry.answer] {
            self.of(text, segmenter, |t| *bag.entry(t).or_default() += 1.0);
        }
        bag
    }

    fn title_set(&self, question: &str, segmenter: &Segmenter) -> HashSet<String> {
        let mut set = HashSet::new();
        self.of(question, segmenter, |t| {
            set.insert(t);
        });
        set
    }
}

/// The subject words of a question (no glossary folding).
pub fn title_words(question: &str, segmenter: &Segmenter) -> HashSet<String> {
    segmenter.words(question).into_iter().filter(|w| meaningful(w)).collect()
}

fn meaningful(word: &str) -> bool {
    let chars = word.chars().count();
    chars > 1 && !is_filler(word) && !is_weak(word) && !word.chars().all(|c| c.is_ascii_digit())
}

/// Sub-linear TF times IDF, the top terms of each entry, unit length.
fn tf_idf(bags: &[HashMap<String, f32>]) -> Vec<Vec<(String, f32)>> {
    let mut df: HashMap<&str, f32> = HashMap::new();
    for bag in bags {
        for term in bag.keys() {
            *df.entry(term).or_default() += 1.0;
        }
    }
    let n = bags.len() as f32;
    bags.iter()
        .map(|bag| {
            let mut vector: Vec<(String, f32)> = bag
                .iter()
                .map(|(term, tf)| (term.clone(), (1.0 + tf.ln()) * (1.0 + n / df[term.as_str()]).ln()))
                .collect();
            vector.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            vector.truncate(TOP_TERMS);
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt().max(f32::EPSILON);
            vector.iter_mut().for_each(|(_, w)| *w /= norm);
            vector
        })
        .collect()
}
