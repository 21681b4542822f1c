//! Each entry's words, found once per build. Segmenting is most of what a
//! build does, and both the related topics and the index are made from the
//! same words, so every text is segmented once and the words are kept until
//! the entry is indexed.

use std::collections::HashMap;

use tantivy::tokenizer::PreTokenizedString;

use crate::corpus::Entry;
use crate::glossary::Glossary;
use crate::segment::{self, Segmenter};

/// The words found so far, numbered as they are first seen. Entries keep
/// their words as these numbers, 4 bytes a word, so that a large corpus's
/// words fit in memory until it is indexed.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: HashMap<String, u32>,
    words: Vec<String>,
}

impl Vocabulary {
    fn id(&mut self, word: String) -> u32 {
        let next = self.words.len() as u32;
        *self.ids.entry(word).or_insert_with_key(|word| {
            self.words.push(word.clone());
            next
        })
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
        let analysis = segmenter.analyze(text);
        let mentions = glossary.mentions(&analysis.normalized).into_iter().map(|m| m.group).collect();
        let words = analysis.words.len();
        let ids = analysis.words.into_iter().chain(analysis.extra).map(|word| vocabulary.id(word)).collect();
        TextWords { ids, words, mentions }
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

    /// `text`, which these are the words of, with its index words as tantivy
    /// tokens: what the tokenizer registered for the field would find.
    pub fn pre_tokenized(&self, text: &str, vocabulary: &Vocabulary) -> PreTokenizedString {
        let words = self.index_words().iter().map(|&id| vocabulary.word(id).to_string());
        PreTokenizedString { text: text.to_string(), tokens: segment::tokens(words) }
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
        let mut words = |text: &str| TextWords::of(text, segmenter, glossary, vocabulary);
        EntryWords { question: words(&entry.question), context: words(&entry.context), answer: words(&entry.answer) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::compact_dictionary;

    const TEXT: &str = "南京市长江大桥：TCP 的三次握手，threading.local";

    fn segmenter() -> Segmenter {
        Segmenter::from_dictionary(compact_dictionary([TEXT].into_iter(), &[]).as_bytes()).unwrap()
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
