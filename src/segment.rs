//! Chinese word segmentation (jieba) as tantivy tokenizers.
//!
//! Loading jieba's full dictionary takes ~120 ms, far more than a whole
//! one-shot answer may. So the index carries its own small dictionary: every
//! word of jieba's dictionary that occurs anywhere in the corpus, plus the
//! glossary. Index and queries are both segmented with that dictionary, so
//! they always agree; words that are not in the corpus could not match anyway.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::Arc;

use jieba_rs::Jieba;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::{is_han, normalize};

/// jieba's dictionary frequencies add up to about this much. The compact
/// dictionary is padded to the same total so that word probabilities, and so
/// segmentations, come out as with the full dictionary.
const FULL_DICT_TOTAL: usize = 60_101_964;

/// A word that cannot occur in text: it only carries the padding frequency.
const PADDING_WORD: &str = "\u{E000}";

/// Splits text into lower-cased words, the unit both index and queries use.
#[derive(Clone)]
pub struct Segmenter {
    jieba: Arc<Jieba>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").finish_non_exhaustive()
    }
}

impl Segmenter {
    /// Reads a dictionary written by [`compact_dictionary`].
    pub fn from_dictionary(mut dict: impl BufRead) -> Result<Self, jieba_rs::Error> {
        Ok(Segmenter { jieba: Arc::new(Jieba::with_dict(&mut dict)?) })
    }

    /// Words of `text` for search: jieba's words, and for a long Chinese word
    /// also the shorter words inside it (三次握手 → 三次, 握手, 三次握手), as
    /// in jieba's search mode. Latin words are kept whole (`asyncio` does not
    /// also yield `syn`), but `threading.local` yields its parts too.
    /// Punctuation and white space are dropped; Latin text is lower-cased.
    pub fn words(&self, text: &str) -> Vec<String> {
        self.normalized_words(&normalize(text)).into_iter().map(str::to_string).collect()
    }

    /// [`Segmenter::words`] of already normalized text, as parts of it.
    fn normalized_words<'t>(&self, normalized: &'t str) -> Vec<&'t str> {
        let mut out = Vec::new();
        for token in self.jieba.cut(normalized, true) {
            let word = token.word;
            if !is_word(word) {
                continue;
            }
            if word.chars().any(is_han) {
                if word.chars().count() > 2 {
                    let inner = self.jieba.cut_for_search(word, false);
                    out.extend(inner.iter().map(|t| t.word).filter(|w| *w != word && w.chars().all(is_han)));
                }
                // A dictionary word mixing scripts (hosts文件) also holds its
                // Latin word, unless that is a two-letter abbreviation (io, ip),
                // which says too little without the rest.
                let latin = word.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| p.len() > 2 && *p != word);
                out.extend(latin);
            } else if word.contains(['.', '_', '-']) {
                // threading.local → threading, local; a dotted name's parts
                // may be names themselves: Propagation.REQUIRES_NEW →
                // requires_new, then requires, new.
                for part in word.split('.').filter(|p| p.len() > 1 && is_word(p)) {
                    if part.contains(['_', '-']) {
                        let pieces = part.split(['_', '-']).filter(|p| p.len() > 1 && is_word(p));
                        out.extend(pieces);
                        if part != word {
                            out.push(part);
                        }
                    } else {
                        out.push(part);
                    }
                }
            }
            out.push(word);
        }
        out
    }

    /// Words of already normalized text, without search mode's sub-words,
    /// with their byte offsets: the units a question is understood in.
    pub fn cut<'t>(&self, normalized: &'t str) -> Vec<(usize, &'t str)> {
        self.jieba
            .cut(normalized, true)
            .into_iter()
            .filter(|t| is_word(t.word))
            .map(|t| (t.byte_start, t.word))
            .collect()
    }

    /// Words to index: [`Segmenter::words`] plus every dictionary word inside
    /// the text however jieba cut it, so that a question's word is found even
    /// where the text was segmented differently (阻塞与非阻塞 is cut 阻塞 / 与非 /
    /// 阻塞, yet holds 非阻塞).
    pub fn index_words(&self, text: &str) -> Vec<String> {
        let analysis = self.analyze(text);
        analysis.words().chain(analysis.extra()).map(str::to_string).collect()
    }

    /// Everything a build reads from a text, segmenting it once: the text
    /// normalized, its [`Segmenter::words`], and the words
    /// [`Segmenter::index_words`] adds to them.
    pub fn analyze(&self, text: &str) -> Analysis {
        let normalized = normalize(text);
        let words = self.normalized_words(&normalized);
        let seen: FxHashSet<&str> = words.iter().copied().collect();
        let all = self.jieba.cut_all(&normalized);
        let extra = all.iter().map(|t| t.word).filter(|w| is_compound(w) && w.chars().all(is_han));
        let extra: Vec<&str> = extra.filter(|w| !seen.contains(w)).collect();
        let span = |word: &str| {
            // Every word is a part of the normalized text, not a copy.
            let start = word.as_ptr() as usize - normalized.as_ptr() as usize;
            debug_assert!(start + word.len() <= normalized.len(), "{word:?} is not in {normalized:?}");
            (start, start + word.len())
        };
        let spans = words.iter().chain(&extra).map(|w| span(w)).collect();
        Analysis { words: words.len(), spans, normalized }
    }

    /// How often jieba's dictionary says the word occurs in everyday
    /// Chinese text (its frequency in about 60 million words), at least 1.
    pub fn everyday_count(&self, word: &str) -> usize {
        self.jieba.suggest_freq(word)
    }

    /// Whether the dictionary has this word.
    pub fn has_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }
}

/// A text as [`Segmenter::analyze`] finds it: its words are kept as where
/// they are in the normalized text, so that finding them copies nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The text, normalized (see [`normalize`]).
    pub normalized: String,
    /// Where each word is in `normalized`: its [`Segmenter::words`], then
    /// the words [`Segmenter::index_words`] adds to them.
    spans: Vec<(usize, usize)>,
    /// How many of `spans` are [`Segmenter::words`].
    words: usize,
}

impl Analysis {
    /// Its [`Segmenter::words`].
    pub fn words(&self) -> impl ExactSizeIterator<Item = &str> {
        self.spans[..self.words].iter().map(|&(start, end)| &self.normalized[start..end])
    }

    /// The words [`Segmenter::index_words`] adds to them.
    pub fn extra(&self) -> impl Iterator<Item = &str> {
        self.spans[self.words..].iter().map(|&(start, end)| &self.normalized[start..end])
    }
}

/// Whether a word has more than one character (without counting them all).
pub(crate) fn is_compound(word: &str) -> bool {
    word.chars().nth(1).is_some()
}

/// A token worth indexing: it has a letter, a digit or an ideograph.
fn is_word(word: &str) -> bool {
    word.chars().any(|c| c.is_alphanumeric() || is_han(c))
}

/// jieba's full dictionary, which a build reads the compact one from.
pub struct FullDictionary(Jieba);

impl FullDictionary {
    /// Reads it: about 100 ms, on one core.
    pub fn load() -> Self {
        FullDictionary(Jieba::new())
    }
}

/// Builds the dictionary the index carries: every word of jieba's full
/// dictionary that occurs in `texts`, and every glossary word. The texts are
/// read on all cores.
pub fn compact_dictionary<'a>(texts: impl IntoParallelIterator<Item = &'a str>, extra_words: &[String]) -> String {
    compact_dictionary_from(FullDictionary::load(), texts, extra_words)
}

/// [`compact_dictionary`], from the full dictionary already read.
pub fn compact_dictionary_from<'a>(
    full: FullDictionary,
    texts: impl IntoParallelIterator<Item = &'a str>,
    extra_words: &[String],
) -> String {
    let FullDictionary(mut full) = full;
    let mut words: BTreeMap<String, usize> = BTreeMap::new();
    for word in extra_words {
        let word = normalize(word);
        // Latin words stay out: jieba would split `photosynthesis` at `syn`.
        if word.chars().count() > 1 && word.chars().any(is_han) && !word.contains(char::is_whitespace) {
            let freq = full.add_word(&word, None, None);
            words.insert(word, freq);
        }
    }
    // Each word's frequency is worked out once, whichever texts it is in.
    let found = dictionary_words_in(texts, &full, &words.keys().map(String::as_str).collect());
    for word in found {
        let freq = full.suggest_freq(&word).saturating_sub(1).max(1);
        words.insert(word, freq);
    }
    write_dictionary(&words)
}

/// The words of `dictionary` that occur in `texts` and are not `known`:
/// words with an ideograph, single characters too: where a word begins,
/// jieba cuts a character alone only if its dictionary has it.
fn dictionary_words_in<'a>(
    texts: impl IntoParallelIterator<Item = &'a str>,
    dictionary: &Jieba,
    known: &FxHashSet<&str>,
) -> FxHashSet<String> {
    texts
        .into_par_iter()
        .fold(FxHashSet::default, |mut found, text| {
            for token in dictionary.cut_all(&normalize(text)) {
                let word = token.word;
                // Most words were seen before: that is the first question.
                if !found.contains(word)
                    && word.chars().any(is_han)
                    && !known.contains(word)
                    && dictionary.has_word(word)
                {
                    found.insert(word.to_string());
                }
            }
            found
        })
        .reduce(FxHashSet::default, |mut all, found| {
            all.extend(found);
            all
        })
}

/// The union of two dictionaries written by [`compact_dictionary`], padded
/// again: how an incremental update adds the words of edited files.
pub fn merge_dictionaries(old: &str, new: &str) -> String {
    let mut words = BTreeMap::new();
    for line in old.lines().chain(new.lines()) {
        let mut parts = line.split_whitespace();
        if let (Some(word), Some(freq)) = (parts.next(), parts.next().and_then(|f| f.parse::<usize>().ok()))
            && word != PADDING_WORD
        {
            words.insert(word.to_string(), freq);
        }
    }
    write_dictionary(&words)
}

fn write_dictionary(words: &BTreeMap<String, usize>) -> String {
    let total: usize = words.values().sum();
    let mut out = String::with_capacity(words.len() * 12);
    for (word, freq) in words {
        out.push_str(&format!("{word} {freq}\n"));
    }
    out.push_str(&format!("{PADDING_WORD} {}\n", FULL_DICT_TOTAL.saturating_sub(total).max(1)));
    out
}

/// tantivy tokenizer of the index's text fields: the words of a text found
/// beforehand ([`Segmenter::index_words`], or the title's [`char_pairs`]),
/// with a space between two. One string a field, not one a word: handing
/// tantivy its words is the part of a build it does on one thread.
#[derive(Clone, Default)]
pub struct ListedWords;

/// `words` as a [`ListedWords`] text: a space between two. No word holds
/// white space, since the segmenter splits text there.
pub fn listed<'w>(words: impl IntoIterator<Item = &'w str>) -> String {
    let mut out = String::new();
    for word in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The words of a [`ListedWords`] text, one at a time in the same token.
pub struct ListedWordStream<'a> {
    words: std::str::Split<'a, char>,
    token: Token,
}

impl Tokenizer for ListedWords {
    type TokenStream<'a> = ListedWordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ListedWordStream<'a> {
        let token = Token { position: usize::MAX, ..Token::default() };
        ListedWordStream { words: text.split(' '), token }
    }
}

impl TokenStream for ListedWordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(word) = self.words.by_ref().find(|word| !word.is_empty()) else { return false };
        self.token.text.clear();
        self.token.text.push_str(word);
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Ideograph pairs and pinyin-syllable pairs of every run of ideographs, for
/// typo-tolerant title matching: 三次握受 → 三次, 次握, 握受, and 防火强 →
/// fang|huo, huo|qiang, so a wrong character or a homophone typed with a
/// pinyin input method still shares most pairs with the title.
pub fn char_pairs(text: &str) -> Vec<String> {
    use pinyin::ToPinyin;
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for run in chars.split(|c| !is_han(*c)).filter(|run| run.len() > 1) {
        for pair in run.windows(2) {
            out.push(pair.iter().collect());
        }
        let sounds: Vec<&str> = run.iter().map(|c| c.to_pinyin().map_or("?", |p| p.plain())).collect();
        for pair in sounds.windows(2) {
            out.push(format!("{}|{}", pair[0], pair[1]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(texts: &[&str]) -> Segmenter {
        let dict = compact_dictionary(texts.to_vec(), &["全局解释器锁".to_string()]);
        Segmenter::from_dictionary(dict.as_bytes()).unwrap()
    }

    #[test]
    fn compact_dictionary_segments_like_the_full_one() {
        let full = Segmenter { jieba: Arc::new(Jieba::new()) };
        // Without its single characters the compact dictionary cut the
        // second text 单 / 台服 / 务器…: where a word begins, jieba takes a
        // character alone only if the dictionary has it.
        for text in ["简要介绍三次握手和四次挥手，TCP连接的建立", "单台服务器读到了事务，没数据更合适"]
        {
            assert_eq!(compact(&[text]).words(text), full.words(text), "{text}");
        }
    }

    #[test]
    fn full_dictionary_total_matches_the_padding_constant() {
        let debug = format!("{:?}", Jieba::new());
        let total = FULL_DICT_TOTAL.to_string();
        assert!(debug.contains(&total), "jieba's dictionary total changed: {debug}");
    }

    #[test]
    fn words_drop_punctuation_and_lower_case_latin() {
        let words = compact(&["三次握手"]).words("TCP，三次握手？ GIL");
        assert!(words.contains(&"tcp".to_string()));
        assert!(words.contains(&"握手".to_string()));
        assert!(words.contains(&"gil".to_string()));
        assert!(words.iter().all(|w| w != "，" && w != "？" && w != " "));
    }

    #[test]
    fn a_word_mixing_scripts_also_yields_its_latin_word() {
        let dict = compact_dictionary(["修改 hosts文件"], &["hosts文件".to_string()]);
        let words = Segmenter::from_dictionary(dict.as_bytes()).unwrap().words("修改hosts文件");
        assert!(words.contains(&"hosts文件".to_string()) && words.contains(&"hosts".to_string()), "{words:?}");
    }

    #[test]
    fn dotted_names_yield_their_parts_and_theirs() {
        let words = compact(&[]).words("Propagation.REQUIRES_NEW 和 threading.local");
        for word in ["propagation.requires_new", "propagation", "requires_new", "requires", "new", "threading", "local"]
        {
            assert!(words.contains(&word.to_string()), "{word} in {words:?}");
        }
    }

    #[test]
    fn glossary_words_stay_whole() {
        assert!(compact(&["GIL"]).words("全局解释器锁").contains(&"全局解释器锁".to_string()));
    }

    #[test]
    fn listed_words_are_read_back_one_token_each() {
        let mut tokenizer = ListedWords;
        let mut stream = tokenizer.token_stream("三次握手 tcp  fang|huo");
        let mut read = Vec::new();
        while stream.advance() {
            read.push((stream.token().text.clone(), stream.token().position));
        }
        let expected = [("三次握手", 0), ("tcp", 1), ("fang|huo", 2)];
        assert_eq!(read, expected.map(|(word, position)| (word.to_string(), position)));
    }

    #[test]
    fn homophone_typos_share_pinyin_pairs() {
        let title = char_pairs("防火墙");
        assert!(char_pairs("防火强").iter().all(|p| title.contains(p) || !p.contains('|')));
    }
}
