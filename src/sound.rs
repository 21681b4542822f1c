//! Chinese typos: most are homophones typed with a pinyin input method
//! (携程 for 协程, 防火强 for 防火墙, 进城 for 进程). Each word of the index's
//! dictionary is filed under its pinyin, and a stretch of a question that is
//! not a known word but sounds like one is read as that word.
//!
//! Tones are ignored; initials and finals must match exactly, since the
//! "fuzzy" pinyin of input methods (an/ang, l/n) turns too many ordinary
//! words into corpus words.

use std::collections::HashMap;
use std::sync::OnceLock;

use pinyin::ToPinyinMulti;

use crate::text::{is_filler, is_han};

/// Words up to this many characters are filed by sound.
const MAX_WORD_CHARS: usize = 4;
/// Readings tried per word when its characters have several.
const MAX_READINGS: usize = 8;
/// Readings of a dictionary word's character that a typo may sound like:
/// 粘 is read nian or zhan (站包 means 粘包), but 接 is only rarely cha, so
/// 差在 is not 接在.
const COMMON_READINGS: usize = 2;

/// Known words by sound. The table is built on the first lookup: most
/// questions have no unknown word, and a one-shot `qabot ask` should not
/// pay for it.
#[derive(Debug, Default)]
pub struct SoundIndex {
    dictionary: String,
    words: OnceLock<HashMap<String, String>>,
}

impl SoundIndex {
    /// Files every ideograph word of a segmentation dictionary (`word freq`
    /// lines) under its sounds; among words that sound alike the more
    /// frequent one wins.
    pub fn from_dictionary(dictionary: String) -> Self {
        SoundIndex { dictionary, words: OnceLock::new() }
    }

    fn words(&self) -> &HashMap<String, String> {
        self.words.get_or_init(|| {
            let mut best: HashMap<String, (usize, &str)> = HashMap::new();
            for line in self.dictionary.lines() {
                let mut parts = line.split_whitespace();
                let (Some(word), freq) = (parts.next(), parts.next().and_then(|f| f.parse().ok()).unwrap_or(0)) else {
                    continue;
                };
                let chars = word.chars().count();
                if !(2..=MAX_WORD_CHARS).contains(&chars) || !word.chars().all(is_han) {
                    continue;
                }
                for key in keys(word, true) {
                    let slot = best.entry(key).or_insert((0, ""));
                    if freq > slot.0 {
                        *slot = (freq, word);
                    }
                }
            }
            best.into_iter().map(|(k, (_, w))| (k, w.to_string())).collect()
        })
    }

    /// The known word that `text` sounds like, if any (not `text` itself).
    pub fn lookup(&self, text: &str) -> Option<&str> {
        let words = self.words();
        keys(text, false).into_iter().find_map(|k| words.get(&k)).map(String::as_str).filter(|w| *w != text)
    }
}

/// The pinyin readings of `word`, tones ignored: every combination of its
/// characters' readings (a few at most) for a dictionary word, only the most
/// common reading for what the user typed — so that 站包 finds 粘包 (粘 is
/// also read zhan) but a rare reading of a typed character finds nothing.
fn keys(word: &str, all_readings: bool) -> Vec<String> {
    let mut readings = vec![String::new()];
    for c in word.chars() {
        let Some(multi) = c.to_pinyin_multi() else { return Vec::new() };
        let sounds: Vec<&str> =
            multi.into_iter().map(|p| p.plain()).take(if all_readings { COMMON_READINGS } else { 1 }).collect();
        let mut next = Vec::new();
        for reading in &readings {
            for sound in &sounds {
                if next.len() < MAX_READINGS {
                    next.push(format!("{reading}{sound}-"));
                }
            }
        }
        next.dedup();
        readings = next;
    }
    readings
}

/// A word of `text` as the segmenter cut it: its byte range, and whether
/// the dictionary lacks it (filler excluded), so that it may be a typo.
#[derive(Debug, Clone, Copy)]
pub struct Cut {
    pub start: usize,
    pub end: usize,
    pub unknown: bool,
}

/// Replaces stretches of `text` that are not known words but sound like one.
/// `words` are its words as cut; `known` tells whether a word is in the
/// dictionary. Only characters of unknown words may change, and a known
/// word is in a stretch whole or not at all, so a word the user spelled
/// right is never altered: 防火强 becomes 防火墙, but 线程锁 never becomes
/// 线参数, nor 哪种传输 哪重传输 (种 alone sounds like 重, but 传输 is whole).
///
/// When every character would change (县城 → 线程), the stretch is a word of
/// its own as often as a typo, so only a word that is common in the corpus
/// (`common`) is taken. A word is taken only if the segmenter keeps it whole
/// (`whole`): 应于 is a dictionary word, yet 对应于 is cut 对应 / 于, so no
/// question could find it.
pub fn correct(
    text: &str,
    words: &[Cut],
    known: impl Fn(&str) -> bool,
    common: impl Fn(&str) -> bool,
    whole: impl Fn(&str) -> bool,
    sounds: &SoundIndex,
) -> (String, Vec<String>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let unknown = || words.iter().filter(|w| w.unknown);
    let is_unknown = |byte: usize| unknown().any(|w| byte >= w.start && byte < w.end);
    // A character the segmenter cut alone.
    let lone = |&(b, c): &(usize, char)| unknown().any(|w| w.start == b && w.end == b + c.len_utf8());
    let splits_known = |start: usize, end: usize| {
        words.iter().any(|w| !w.unknown && w.start < end && w.end > start && (w.start < start || w.end > end))
    };
    let mut out = String::with_capacity(text.len());
    let mut corrected = Vec::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        for len in (2..=MAX_WORD_CHARS).rev() {
            let Some(window) = chars.get(i..i + len) else { continue };
            if !window.iter().all(|&(_, c)| is_han(c)) || !window.iter().any(|&(b, _)| is_unknown(b)) {
                continue;
            }
            let start = window[0].0;
            let end = chars.get(i + len).map_or(text.len(), |&(b, _)| b);
            let stretch = &text[start..end];
            if known(stretch) || splits_known(start, end) {
                continue;
            }
            // Two characters each cut alone are two words more often than a
            // typo of one: 要抢 is 要 + 抢, not 要强.
            if len == 2 && window.iter().all(lone) {
                continue;
            }
            let Some(word) = sounds.lookup(stretch) else { continue };
            let only_unknown_changed =
                window.iter().zip(word.chars()).all(|(&(byte, typed), meant)| typed == meant || is_unknown(byte));
            let all_changed = window.iter().zip(word.chars()).all(|(&(_, typed), meant)| typed != meant);
            // Every character changed: only a common word, read as it is
            // usually read, will do (去哪 is not 区内, though 内 can be read na),
            // and not from a filler character, which was meant as typed
            // (同步器是 is not 同步其实).
            let filler = window.iter().any(|&(_, c)| is_filler(c.encode_utf8(&mut [0; 4])));
            let plausible = !all_changed || (common(word) && !filler && keys(word, false) == keys(stretch, false));
            if only_unknown_changed && word.chars().count() == len && plausible && whole(word) {
                out.push_str(word);
                corrected.push(word.to_string());
                i += len;
                continue 'outer;
            }
        }
        out.push(chars[i].1);
        i += 1;
    }
    (out, corrected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// These byte ranges of a text as its unknown words.
    fn unknown(ranges: &[(usize, usize)]) -> Vec<Cut> {
        ranges.iter().map(|&(start, end)| Cut { start, end, unknown: true }).collect()
    }

    fn sounds() -> SoundIndex {
        SoundIndex::from_dictionary("协程 100\n防火墙 50\n进程 300\n生产者 20\n握手 40\n粘包 10\n间隔 5\n".into())
    }

    #[test]
    fn two_characters_each_cut_alone_are_not_a_typo() {
        let sounds = SoundIndex::from_dictionary("要强 9\n".into());
        let correct =
            |ranges: &[(usize, usize)]| correct("要抢", &unknown(ranges), |_| false, |_| true, |_| true, &sounds).0;
        assert_eq!(correct(&[(0, 3), (3, 6)]), "要抢");
        assert_eq!(correct(&[(0, 6)]), "要强", "one unknown word of two characters may be a typo");
    }

    #[test]
    fn a_filler_character_is_not_a_typo_of_a_word_that_changes_it_all() {
        let sounds = SoundIndex::from_dictionary("其实 9\n".into());
        let all = unknown(&[(0, "器是".len())]);
        assert_eq!(correct("器是", &all, |_| false, |_| true, |_| true, &sounds).0, "器是", "是 was meant");
        let all = unknown(&[(0, "器时".len())]);
        assert_eq!(correct("器时", &all, |_| false, |_| true, |_| true, &sounds).0, "其实");
    }

    #[test]
    fn only_a_word_the_segmenter_keeps_whole_is_taken() {
        let all = unknown(&[(0, "防火强".len())]);
        let fixed = |whole: fn(&str) -> bool| correct("防火强", &all, |_| false, |_| true, whole, &sounds()).0;
        assert_eq!(fixed(|_| true), "防火墙");
        assert_eq!(fixed(|w| w != "防火墙"), "防火强");
    }

    fn fix(text: &str) -> String {
        let all = unknown(&[(0, text.len())]);
        correct(text, &all, |w| ["协程", "进程"].contains(&w), |w| w == "进程", |_| true, &sounds()).0
    }

    #[test]
    fn homophones_become_the_known_word() {
        assert_eq!(fix("携程"), "协程");
        assert_eq!(fix("防火强"), "防火墙");
        assert_eq!(fix("进城锁"), "进程锁");
        assert_eq!(fix("生厂者"), "生厂者", "厂 (chang) does not sound like 产 (chan)");
        assert_eq!(fix("站包"), "粘包", "粘 is also read zhan");
        let sounds = SoundIndex::from_dictionary("接在 50\n".into());
        assert_eq!(sounds.lookup("差在"), None, "接 is read cha only rarely");
    }

    #[test]
    fn known_and_unrelated_words_stay() {
        assert_eq!(fix("协程"), "协程");
        assert_eq!(fix("天气"), "天气");
        assert_eq!(fix("讲个"), "讲个", "jiang is not jian");
        assert_eq!(fix("进城"), "进程", "a common word may replace every character");
        assert_eq!(fix("携城"), "携城", "a rare one may not (协程 is not common here)");
        let (text, _) = correct(
            "线程锁",
            &unknown(&[(6, 9)]),
            |w| w == "线程",
            |_| true,
            |_| true,
            &SoundIndex::from_dictionary("参数 9\n".into()),
        );
        assert_eq!(text, "线程锁", "characters of a known word never change");
        let (text, _) = correct("携程", &[], |_| false, |_| true, |_| true, &sounds());
        assert_eq!(text, "携程", "only stretches with an unknown word are corrected");
    }

    #[test]
    fn a_rare_reading_does_not_turn_a_whole_word_into_another() {
        let sounds = SoundIndex::from_dictionary("区内 50\n".into());
        assert_eq!(sounds.lookup("去哪"), Some("区内"), "内 can be read na");
        let (text, corrected) = correct("去哪", &unknown(&[(0, 6)]), |_| false, |_| true, |_| true, &sounds);
        assert_eq!((text.as_str(), corrected.len()), ("去哪", 0));
    }

    #[test]
    fn a_known_word_is_corrected_whole_or_not_at_all() {
        // 种 is cut alone and 种传 sounds like 重传, but 传输 is spelled right.
        let sounds = SoundIndex::from_dictionary("重传 20\n".into());
        let text = "哪种传输";
        let words =
            [(0, 3, false), (3, 6, true), (6, 12, false)].map(|(start, end, unknown)| Cut { start, end, unknown });
        assert_eq!(correct(text, &words, |w| w == "传输", |_| true, |_| true, &sounds).0, text);
        let words = [(0, 3, false), (3, 9, true)].map(|(start, end, unknown)| Cut { start, end, unknown });
        let (fixed, _) = correct("哪种传", &words, |_| false, |_| true, |_| true, &sounds);
        assert_eq!(fixed, "哪重传", "种传 cut as one unknown word may be a typo");
    }
}
