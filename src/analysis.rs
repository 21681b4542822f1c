//! Each entry's words, found once per build. Segmenting is most of what a
//! build does, and both the related topics and the index are made from the
//! same words, so every text is segmented once and the words are kept until
//! the entry is indexed.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::corpus::Entry;
use crate::glossary::Glossary;
use crate::progress::Progress;
use crate::segment::{self, Analysis, Segmenter};

/// The words found so far, numbered as they are first seen. Entries keep
/// their words as these numbers, 4 bytes a word, so that a large corpus's
/// words fit in memory until it is indexed.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: FxHashMap<String, u32>,
    words: Vec<String>,
}

impl Vocabulary {
    /// The word's number, if it has one yet.
    fn known(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(word.to_string(), id);
        self.words.push(word.to_string());
        id
    }

    pub fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    /// How many words it has: their numbers are `0..len`.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// One text's words, as numbers in a [`Vocabulary`].
#[derive(Debug)]
pub struct TextWords {
    /// Its [`Segmenter::words`], then the words [`Segmenter::index_words`]
    /// adds to them.
    ids: Box<[u32]>,
    /// How many of `ids` are [`Segmenter::words`].
    words: usize,
    /// The glossary groups it mentions, in order.
    mentions: Box<[usize]>,
}

impl TextWords {
    pub fn of(text: &str, segmenter: &Segmenter, glossary: &Glossary, vocabulary: &mut Vocabulary) -> TextWords {
        FoundWords::of(text, segmenter, glossary).numbered(vocabulary)
    }

    /// Its words for search, as [`Segmenter::words`] finds them.
    pub fn words(&self) -> &[u32] {
        &self.ids[..self.words]
    }

    /// Its words for the index, as [`Segmenter::index_words`] finds them.
    pub fn index_words(&self) -> &[u32] {
        &self.ids
    }

    /// The glossary groups it mentions.
    pub fn mentions(&self) -> &[usize] {
        &self.mentions
    }

    /// Its index words as the index takes them (see [`segment::listed`]).
    pub fn listed(&self, vocabulary: &Vocabulary) -> String {
        segment::listed(self.index_words().iter().map(|&id| vocabulary.word(id)))
    }
}

/// The words of an entry's three texts.
#[derive(Debug)]
pub struct EntryWords {
    pub question: TextWords,
    pub context: TextWords,
    pub answer: TextWords,
}

impl EntryWords {
    pub fn of(entry: &Entry, segmenter: &Segmenter, glossary: &Glossary, vocabulary: &mut Vocabulary) -> EntryWords {
        EntryWords::numbered(FoundWords::of_entry(entry, segmenter, glossary), vocabulary)
    }

    /// The words of every entry, the same as [`EntryWords::of`] finds one
    /// entry after another, numbered in the same order, but found on all
    /// cores. Advances `progress` once per entry.
    pub fn of_all(
        entries: &[Entry],
        segmenter: &Segmenter,
        glossary: &Glossary,
        vocabulary: &mut Vocabulary,
        progress: &dyn Progress,
    ) -> Vec<EntryWords> {
        let mut all = Vec::with_capacity(entries.len());
        // A batch at a time, so that only one batch's words are held as
        // strings. The words already numbered are looked up on all cores;
        // the new ones are then numbered in entry order, so that the numbers
        // do not depend on which thread was quicker.
        for batch in entries.chunks(BATCH) {
            let known = &*vocabulary;
            let found: Vec<[(FoundWords, Box<[u32]>); 3]> = batch
                .par_iter()
                .inspect(|_| progress.advance(1))
                .map(|entry| FoundWords::of_entry(entry, segmenter, glossary).map(|text| text.looked_up(known)))
                .collect();
            all.extend(found.into_iter().map(|texts| {
                let [question, context, answer] = texts.map(|(text, ids)| text.numbered_from(ids, vocabulary));
                EntryWords { question, context, answer }
            }));
        }
        all
    }

    fn numbered(texts: [FoundWords; 3], vocabulary: &mut Vocabulary) -> EntryWords {
        let [question, context, answer] = texts.map(|text| text.numbered(vocabulary));
        EntryWords { question, context, answer }
    }
}

/// Entries segmented at once by [`EntryWords::of_all`].
const BATCH: usize = 1024;

/// A word [`FoundWords::looked_up`] found no number for.
const UNNUMBERED: u32 = u32::MAX;

/// One text's words as the segmenter finds them, before they are numbered:
/// what any thread can find on its own.
struct FoundWords {
    analysis: Analysis,
    mentions: Box<[usize]>,
}

impl FoundWords {
    fn of(text: &str, segmenter: &Segmenter, glossary: &Glossary) -> FoundWords {
        let analysis = segmenter.analyze(text);
        let mentions = glossary.mentions(&analysis.normalized).into_iter().map(|m| m.group).collect();
        FoundWords { analysis, mentions }
    }

    /// The words of an entry's question, context and answer.
    fn of_entry(entry: &Entry, segmenter: &Segmenter, glossary: &Glossary) -> [FoundWords; 3] {
        entry.texts().map(|text| FoundWords::of(text, segmenter, glossary))
    }

    fn numbered(self, vocabulary: &mut Vocabulary) -> TextWords {
        let words = self.analysis.words().len();
        let ids = self.all_words().map(|word| vocabulary.id(word)).collect();
        TextWords { ids, words, mentions: self.mentions }
    }

    /// The numbers its words have in `vocabulary`, [`UNNUMBERED`] for a word
    /// that has none yet: what any thread can look up on its own.
    fn looked_up(self, vocabulary: &Vocabulary) -> (FoundWords, Box<[u32]>) {
        let ids = self.all_words().map(|word| vocabulary.known(word).unwrap_or(UNNUMBERED)).collect();
        (self, ids)
    }

    /// [`FoundWords::numbered`], given the numbers [`FoundWords::looked_up`]
    /// found: only the words without one are looked up again.
    fn numbered_from(self, mut ids: Box<[u32]>, vocabulary: &mut Vocabulary) -> TextWords {
        for (id, word) in ids.iter_mut().zip(self.all_words()) {
            if *id == UNNUMBERED {
                *id = vocabulary.id(word);
            }
        }
        TextWords { ids, words: self.analysis.words().len(), mentions: self.mentions }
    }

    fn all_words(&self) -> impl Iterator<Item = &str> {
        self.analysis.words().chain(self.analysis.extra())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::compact_dictionary;

    const TEXT: &str = "南京市长江大桥：TCP 的三次握手，threading.local";

    fn segmenter() -> Segmenter {
        Segmenter::from_dictionary(compact_dictionary([TEXT], &[]).as_bytes()).unwrap()
    }

    fn spelled(ids: &[u32], vocabulary: &Vocabulary) -> Vec<String> {
        ids.iter().map(|&id| vocabulary.word(id).to_string()).collect()
    }

    #[test]
    fn words_are_the_segmenters() {
        let (segmenter, mut vocabulary) = (segmenter(), Vocabulary::default());
        let glossary = Glossary::from_groups(vec![vec!["tcp".into(), "传输控制协议".into()]]);
        let found = TextWords::of(TEXT, &segmenter, &glossary, &mut vocabulary);
        assert_eq!(spelled(found.words(), &vocabulary), segmenter.words(TEXT));
        assert_eq!(spelled(found.index_words(), &vocabulary), segmenter.index_words(TEXT));
        assert!(found.index_words().len() > found.words().len(), "no extra index words in {TEXT}");
        assert_eq!(found.mentions(), [0]);
    }
}
