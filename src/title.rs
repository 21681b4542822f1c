//! What ranking needs to know about an entry's title, computed once per
//! title: its pinyin pairs (to catch homophone typos) and which of its
//! characters carry its subject (to prefer titles mostly about the question).

use std::collections::HashSet;

use crate::query::{Analysis, names_something};
use crate::segment::{Segmenter, char_pairs};
use crate::text::{COMPARISON, is_weak, normalize};

pub struct Title {
    text: String,
    sounds: HashSet<String>,
    /// Per byte of `text`: part of a subject word (not filler, made of
    /// filler, or punctuation).
    subject: Vec<bool>,
    intents: u8,
    /// Its words as the segmenter cuts them, without the words inside them.
    words: HashSet<String>,
}

/// Byte ranges of the text inside brackets, `(…)` or `（…）`, outermost.
fn bracketed(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, c) in text.char_indices() {
        match c {
            '(' | '（' => {
                if depth == 0 {
                    start = at;
                }
                depth += 1;
            }
            ')' | '）' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    ranges.push((start, at + c.len_utf8()));
                }
            }
            _ => {}
        }
    }
    ranges
}

/// Characters that join two words into one phrase (the glossary's 局域网和广域网).
const JOINERS: [char; 5] = ['和', '与', '跟', '及', '或'];

/// The word, and the words a joiner inside it joins, when every one of them
/// is a word of two characters or more: a title asking about
/// 局域网和广域网 has 广域网 whole.
fn with_joined(word: &str) -> Vec<&str> {
    let parts: Vec<&str> = word.split(JOINERS).collect();
    let joined = parts.len() > 1 && parts.iter().all(|p| p.chars().count() > 1);
    std::iter::once(word).chain(parts.into_iter().filter(|_| joined)).collect()
}

impl Title {
    pub fn new(title: &str, segmenter: &Segmenter) -> Self {
        let text = normalize(title);
        let sounds = char_pairs(&text).into_iter().filter(|p| p.contains('|')).collect();
        let mut subject = vec![false; text.len()];
        let cut = segmenter.cut(&text);
        for &(start, word) in &cut {
            if names_something(word, segmenter) && !is_weak(word) {
                subject[start..start + word.len()].iter_mut().for_each(|c| *c = true);
            }
        }
        // A remark in brackets is an aside, not what the title asks:
        // `TCP 与 UDP 的区别（重要）` is wholly about TCP and UDP.
        for (start, end) in bracketed(&text) {
            subject[start..end].iter_mut().for_each(|c| *c = false);
        }
        let intents = crate::text::intents(&text);
        let words = cut.into_iter().flat_map(|(_, word)| with_joined(word)).map(str::to_string).collect();
        Title { text, sounds, subject, intents, words }
    }

    /// Whether the title has this word whole, not only inside a longer one.
    pub fn has_word(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// How far the title asks the same kinds of question (what, why, how…)
    /// as the user: of the kinds either asks, the share both ask.
    pub fn shared_intent(&self, analysis: &Analysis) -> f32 {
        let (both, either) = (self.intents & analysis.intents, self.intents | analysis.intents);
        both.count_ones() as f32 / either.count_ones().max(1) as f32
    }

    /// Whether the title compares things the question did not ask to compare
    /// (`Spring AOP 和 AspectJ AOP 有什么区别` for "what is AOP in spring").
    pub fn compares_unasked(&self, analysis: &Analysis) -> bool {
        self.intents & COMPARISON != 0 && analysis.intents & COMPARISON == 0
    }

    /// Share of the question's pinyin pairs the title has.
    pub fn sound(&self, analysis: &Analysis) -> f32 {
        let asked: Vec<&String> = analysis.pairs.iter().filter(|p| p.contains('|')).collect();
        if asked.is_empty() {
            return 0.0;
        }
        asked.iter().filter(|p| self.sounds.contains(p.as_str())).count() as f32 / asked.len() as f32
    }

    /// How much more of the question the title has by sound than as
    /// written: what only a homophone typo explains (防火强 for 防火墙), not
    /// a word both simply share (状态 of "CLOSE_WAIT 状态" in 常见状态码).
    pub fn sound_only(&self, analysis: &Analysis) -> f32 {
        let written: Vec<&String> = analysis.pairs.iter().filter(|p| !p.contains('|')).collect();
        if written.is_empty() {
            return self.sound(analysis);
        }
        let spelled = written.iter().filter(|p| self.text.contains(p.as_str())).count() as f32 / written.len() as f32;
        (self.sound(analysis) - spelled).max(0.0)
    }

    /// Share of the title's subject characters the question's terms cover.
    pub fn precision(&self, analysis: &Analysis) -> f32 {
        let mut covered = vec![false; self.text.len()];
        for (term, _) in analysis.concepts.iter().flat_map(|c| &c.terms) {
            for (at, _) in self.text.match_indices(term.as_str()) {
                covered[at..at + term.len()].iter_mut().for_each(|c| *c = true);
            }
        }
        let total = self.subject.iter().filter(|c| **c).count();
        let hit = self.subject.iter().zip(&covered).filter(|(s, c)| **s && **c).count();
        if total == 0 { 0.0 } else { hit as f32 / total as f32 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::compact_dictionary;
    use crate::text::intents;

    /// A question about these words, each a concept of its own term.
    fn asking_about(words: &[&str]) -> Analysis {
        let concept = |word: &&str| crate::query::Concept {
            label: word.to_string(),
            terms: vec![(word.to_string(), 1.0)],
            phrases: Vec::new(),
            hints: Vec::new(),
            weak: false,
            corrected: false,
        };
        Analysis { concepts: words.iter().map(concept).collect(), ..Analysis::default() }
    }

    #[test]
    fn the_intent_shared_is_the_share_of_the_kinds_asked_that_both_ask() {
        let titles = ["什么是线程和进程？", "进程和线程的区别是什么？", "为什么要用线程池？"];
        let segmenter = Segmenter::from_dictionary(compact_dictionary(titles, &[]).as_bytes()).unwrap();
        let [what, what_and_difference, why] = titles.map(|title| Title::new(title, &segmenter));
        let asked = |question: &str| Analysis { intents: intents(&normalize(question)), ..Analysis::default() };
        let what_is = asked("线程和进程是什么");
        assert_eq!(what.shared_intent(&what_is), 1.0);
        assert_eq!(what_and_difference.shared_intent(&what_is), 0.5, "the title also compares");
        assert_eq!(why.shared_intent(&what_is), 0.0);
    }

    #[test]
    fn a_comparison_title_is_unasked_unless_the_question_compares() {
        let title = "Spring AOP 和 AspectJ AOP 有什么区别？";
        let segmenter = Segmenter::from_dictionary(compact_dictionary([title], &[]).as_bytes()).unwrap();
        let title = Title::new(title, &segmenter);
        let asked = |question: &str| Analysis { intents: intents(&normalize(question)), ..Analysis::default() };
        assert!(title.compares_unasked(&asked("what is AOP in spring")));
        assert!(!title.compares_unasked(&asked("spring aop 和 aspectj 有什么不同")));
        assert!(!Title::new("谈谈自己对于 AOP 的了解", &segmenter).compares_unasked(&asked("what is AOP")));
    }

    #[test]
    fn a_remark_in_brackets_is_no_part_of_the_subject() {
        let title = "TCP 与 UDP 的区别（重要）";
        let segmenter = Segmenter::from_dictionary(compact_dictionary([title], &[]).as_bytes()).unwrap();
        let asked = asking_about(&["tcp", "udp"]);
        assert_eq!(Title::new(title, &segmenter).precision(&asked), 1.0);
        assert!(Title::new("TCP 与 UDP 的重要区别", &segmenter).precision(&asked) < 1.0);
    }

    #[test]
    fn a_word_made_of_filler_is_no_part_of_the_subject() {
        let title = "为什么要用 Redis？";
        let segmenter = Segmenter::from_dictionary(compact_dictionary([title], &[]).as_bytes()).unwrap();
        let precision = Title::new(title, &segmenter).precision(&asking_about(&["redis"]));
        assert_eq!(precision, 1.0, "要用 is 要 + 用, as in a question");
    }

    #[test]
    fn the_words_of_a_joined_phrase_are_the_titles_whole() {
        let title = "什么是局域网和广域网？";
        let glossary = ["局域网和广域网".to_string()];
        let segmenter = Segmenter::from_dictionary(compact_dictionary([title], &glossary).as_bytes()).unwrap();
        assert!(segmenter.cut(&normalize(title)).iter().any(|&(_, w)| w == "局域网和广域网"), "a glossary word");
        let title = Title::new(title, &segmenter);
        assert!(title.has_word("广域网") && title.has_word("局域网"));
        assert!(!title.has_word("域网"));
        assert_eq!(with_joined("共和国"), ["共和国"], "a joiner between single characters joins nothing");
    }

    #[test]
    fn a_word_shared_as_written_is_no_sound_evidence() {
        let title = "常见状态码有那些";
        let segmenter = Segmenter::from_dictionary(compact_dictionary([title], &[]).as_bytes()).unwrap();
        let title = Title::new(title, &segmenter);
        let asked = |subject: &str| Analysis { pairs: char_pairs(subject), ..Analysis::default() };
        assert_eq!(title.sound(&asked("状态")), 1.0);
        assert_eq!(title.sound_only(&asked("状态")), 0.0, "状态 is written in the title");
        assert!(title.sound_only(&asked("状台码")) > 0.5, "状台 only sounds like 状态");
    }
}
