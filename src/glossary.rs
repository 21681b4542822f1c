//! The glossary: groups of words that mean the same thing (TCP = 传输控制协议,
//! handshake = 握手). A question that names one word of a group also searches
//! for the others, so English questions find Chinese answers and back.
//!
//! It lives beside the Markdown as `corpus/glossary.toml`: a TOML file of
//! tables (for people only) whose lines are `term = ["same", "meaning"]`.
//! One table is read differently, [`HINTS_TABLE`]: its lines point one way,
//! from a word people use when describing a situation to the terms of the
//! field it suggests (就近访问 → CDN), which a question then also asks
//! about.

use std::collections::{BTreeMap, HashMap};

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};
use xxhash_rust::xxh3::xxh3_64;

use crate::text::normalize;

/// The file name the glossary has inside the corpus directory.
pub const FILE_NAME: &str = "glossary.toml";

/// The table whose lines are hints, `cue = ["suggested", "terms"]`, not
/// groups of synonyms. A suggested word of a group stands for its group. A
/// cue that is a word of a group gives the whole group its hints; any other
/// cue is found in questions on its own ([`Glossary::cues`]), around the
/// words it is made of: 频繁创建线程 still names 线程, with its synonyms.
pub const HINTS_TABLE: &str = "hints";

#[derive(Clone, Default)]
pub struct Glossary {
    /// Each group's words, normalized.
    groups: Vec<Vec<String>>,
    /// The words each group hints at (see [`HINTS_TABLE`]), normalized.
    /// Empty for most groups.
    hints: Vec<Vec<String>>,
    /// The cues that are no group's word, and the words each hints at.
    cues: Vec<(String, Vec<String>)>,
    /// Every cue of `cues`, for finding them in a question.
    cue_matcher: Option<CharwiseDoubleArrayAhoCorasick<u32>>,
    /// Every word of every group, for finding them in a question.
    matcher: Option<CharwiseDoubleArrayAhoCorasick<u32>>,
    /// Group of each pattern of `matcher`.
    pattern_group: Vec<usize>,
}

impl std::fmt::Debug for Glossary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Glossary").field("groups", &self.groups).finish_non_exhaustive()
    }
}

/// A glossary word found in a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub group: usize,
    /// Byte range in the normalized question.
    pub start: usize,
    pub end: usize,
}

impl Glossary {
    /// Parses the TOML text. Errors name the line, as the toml crate does.
    pub fn parse(text: &str) -> Result<Self, String> {
        let Parsed { groups, hints, cues } = parse(text)?;
        Ok(Glossary { hints, ..Self::from_groups(groups) }.with_cues(cues))
    }

    /// [`Glossary::parse`], read from `stored` (what [`Glossary::stored`]
    /// gave for the same text) rather than parsed and built, which would
    /// take a third of a one-shot answer's start-up. When `stored` is
    /// anything else, the text is parsed.
    pub fn parse_with_stored(text: &str, stored: &[u8]) -> Result<Self, String> {
        match read_stored(stored, text) {
            Some(glossary) => Ok(glossary),
            None => Self::parse(text),
        }
    }

    /// The glossary as stored beside the index, for
    /// [`Glossary::parse_with_stored`]: a hash of the `text` it was parsed
    /// from, a hash of the rest; then the lengths of its words (as JSON)
    /// and of its matcher, and those, and its cues' matcher.
    pub fn stored(&self, text: &str) -> Vec<u8> {
        let words = Words {
            groups: self.groups.clone(),
            hints: self.hints.clone(),
            cues: self.cues.clone(),
            pattern_group: self.pattern_group.clone(),
        };
        let words = serde_json::to_vec(&words).expect("strings and numbers serialize");
        let [matcher, cue_matcher] = [&self.matcher, &self.cue_matcher].map(|m| m.as_ref().map(|m| m.serialize()));
        let (matcher, cue_matcher) = (matcher.unwrap_or_default(), cue_matcher.unwrap_or_default());
        let mut rest = Vec::with_capacity(16 + words.len() + matcher.len() + cue_matcher.len());
        for part in [&words, &matcher] {
            rest.extend((part.len() as u64).to_le_bytes());
        }
        for part in [words, matcher, cue_matcher] {
            rest.extend(part);
        }
        let mut stored = Vec::with_capacity(16 + rest.len());
        stored.extend(xxh3_64(text.as_bytes()).to_le_bytes());
        stored.extend(xxh3_64(&rest).to_le_bytes());
        stored.extend(rest);
        stored
    }

    pub fn from_groups(groups: Vec<Vec<String>>) -> Self {
        let (patterns, pattern_group) = patterns_of(&groups);
        let matcher = build(&patterns);
        let hints = vec![Vec::new(); groups.len()];
        Glossary { groups, hints, matcher, pattern_group, cues: Vec::new(), cue_matcher: None }
    }

    fn with_cues(self, cues: Vec<(String, Vec<String>)>) -> Self {
        let cue_matcher = build(&cues.iter().map(|(cue, _)| cue.as_str()).collect::<Vec<_>>());
        Glossary { cues, cue_matcher, ..self }
    }

    pub fn group(&self, group: usize) -> &[String] {
        &self.groups[group]
    }

    /// The words a group hints at: the suggested words' whole groups.
    pub fn hints(&self, group: usize) -> &[String] {
        &self.hints[group]
    }

    /// The cues of no group in a normalized question, each with its byte
    /// range and the words it hints at. Cues may overlap.
    pub fn cues(&self, question: &str) -> Vec<(usize, usize, &[String])> {
        let Some(matcher) = &self.cue_matcher else { return Vec::new() };
        matcher
            .find_overlapping_iter(question)
            .filter(|m| stands_alone(question, m.start(), m.end()))
            .filter_map(|m| Some((m.start(), m.end(), self.cues.get(m.value() as usize)?.1.as_slice())))
            .collect()
    }

    /// The cues of no group, for knowing their Latin words.
    pub fn cue_words(&self) -> impl Iterator<Item = &String> {
        self.cues.iter().map(|(cue, _)| cue)
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every word of every group.
    pub fn words(&self) -> impl Iterator<Item = &String> {
        self.groups.iter().flatten()
    }

    /// Glossary words in a normalized question, longest first where they
    /// overlap. A Latin word must stand alone (`tcp` in `tcp/ip`, not in
    /// `tcpdump`), so `io` is not found inside `ratio`.
    pub fn mentions(&self, question: &str) -> Vec<Mention> {
        let Some(matcher) = &self.matcher else { return Vec::new() };
        // Every match that stands alone, then the leftmost-longest of those:
        // `http status codes` is `http` + `status codes`, though `http
        // status code` matches at the same place without standing alone.
        let mut found: Vec<(Mention, usize)> = matcher
            .find_overlapping_iter(question)
            .filter_map(|m| {
                let plural = plural_ending(question, m.end());
                let group = *self.pattern_group.get(m.value() as usize)?;
                Some((Mention { group, start: m.start(), end: m.end() + plural }, plural))
            })
            .filter(|(m, _)| stands_alone(question, m.start, m.end))
            .collect();
        // A word as written before a plural (https is not a plural of http).
        found.sort_by_key(|(m, plural)| (m.start, std::cmp::Reverse(m.end), *plural));
        let mentions: Vec<Mention> = found.into_iter().map(|(m, _)| m).collect();
        most_covering(&mentions).into_iter().map(|i| mentions[i].clone()).collect()
    }
}

/// Of mentions sorted by start (longest first), the ones that do not
/// overlap and cover most of the question, with as few mentions as
/// can, then the leftmost-longest: `http响应码` is `http` + `响应码`
/// (status code), not `http响应` (response) + `码`.
fn most_covering(mentions: &[Mention]) -> Vec<usize> {
    // The first mention after mention i that does not overlap it.
    let next: Vec<usize> =
        (0..mentions.len()).map(|i| i + mentions[i..].partition_point(|m| m.start < mentions[i].end)).collect();
    // best[i]: (bytes covered, fewer mentions) from mention i on, and
    // whether mention i is taken.
    let mut best: Vec<((usize, std::cmp::Reverse<usize>), bool)> =
        vec![((0, std::cmp::Reverse(0)), false); mentions.len() + 1];
    for i in (0..mentions.len()).rev() {
        let ((covered, std::cmp::Reverse(count)), _) = best[next[i]];
        let take = (covered + mentions[i].end - mentions[i].start, std::cmp::Reverse(count + 1));
        best[i] = if take >= best[i + 1].0 { (take, true) } else { (best[i + 1].0, false) };
    }
    let mut chosen = Vec::new();
    let mut i = 0;
    while i < mentions.len() {
        if best[i].1 {
            chosen.push(i);
            i = next[i];
        } else {
            i += 1;
        }
    }
    chosen
}

/// A glossary's TOML text, normalized.
struct Parsed {
    groups: Vec<Vec<String>>,
    /// What each group hints at.
    hints: Vec<Vec<String>>,
    /// The cues of no group, and what each hints at.
    cues: Vec<(String, Vec<String>)>,
}

fn parse(text: &str) -> Result<Parsed, String> {
    let mut tables: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        toml::from_str(text).map_err(|e| e.to_string())?;
    let hint_lines = tables.remove(HINTS_TABLE).unwrap_or_default();
    let groups: Vec<Vec<String>> = tables
        .into_values()
        .flat_map(|table| table.into_iter())
        .map(|(term, same)| normalized(std::iter::once(term).chain(same)))
        .filter(|words| words.len() > 1)
        .collect();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (group, words) in groups.iter().enumerate() {
        for word in words {
            group_of.entry(word).or_insert(group);
        }
    }
    let mut hints = vec![Vec::new(); groups.len()];
    let mut cues: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (cue, suggested) in hint_lines {
        let Some(cue) = normalized([cue]).pop() else { continue };
        let suggested = normalized(suggested)
            .into_iter()
            .flat_map(|word| group_of.get(word.as_str()).map_or_else(|| vec![word], |&g| groups[g].clone()));
        let hinted = match group_of.get(cue.as_str()) {
            Some(&group) => &mut hints[group],
            None => cues.entry(cue.clone()).or_default(),
        };
        for word in suggested {
            if word != cue && !hinted.contains(&word) {
                hinted.push(word);
            }
        }
    }
    for (group, hinted) in hints.iter_mut().enumerate() {
        hinted.retain(|word| !groups[group].contains(word));
    }
    Ok(Parsed { groups, hints, cues: cues.into_iter().collect() })
}

/// Glossary words as compared: normalized, trimmed, without empty ones or
/// one repeated next to itself.
fn normalized(words: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut words: Vec<String> = words.into_iter().map(|w| normalize(w.trim())).collect();
    words.retain(|w| !w.is_empty());
    words.dedup();
    words
}

/// Every word of the groups once, with its group: a word in two groups
/// belongs to the first.
fn patterns_of(groups: &[Vec<String>]) -> (Vec<&str>, Vec<usize>) {
    let mut seen = std::collections::HashSet::new();
    let mut patterns = Vec::new();
    let mut pattern_group = Vec::new();
    for (group, words) in groups.iter().enumerate() {
        for word in words.iter().filter(|w| seen.insert(w.as_str())) {
            patterns.push(word.as_str());
            pattern_group.push(group);
        }
    }
    (patterns, pattern_group)
}

/// A double-array automaton over the patterns: it builds several times
/// faster than the aho-corasick crate's, which matters at start-up.
fn build(patterns: &[&str]) -> Option<CharwiseDoubleArrayAhoCorasick<u32>> {
    (!patterns.is_empty())
        .then(|| CharwiseDoubleArrayAhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(patterns))
        .and_then(|built| {
            built.inspect_err(|e| tracing::warn!("the glossary's words cannot be searched for: {e}")).ok()
        })
}

/// What [`Glossary::stored`] keeps of a glossary besides its matchers.
#[derive(serde::Serialize, serde::Deserialize)]
struct Words {
    groups: Vec<Vec<String>>,
    hints: Vec<Vec<String>>,
    cues: Vec<(String, Vec<String>)>,
    pattern_group: Vec<usize>,
}

/// The glossary in `stored`, if it is a whole one made from `text`.
fn read_stored(stored: &[u8], text: &str) -> Option<Glossary> {
    let (text_hash, rest) = stored.split_first_chunk::<8>()?;
    let (rest_hash, rest) = rest.split_first_chunk::<8>()?;
    if u64::from_le_bytes(*text_hash) != xxh3_64(text.as_bytes()) || u64::from_le_bytes(*rest_hash) != xxh3_64(rest) {
        return None;
    }
    let (words_len, rest) = rest.split_first_chunk::<8>()?;
    let (matcher_len, rest) = rest.split_first_chunk::<8>()?;
    let (words, rest) = rest.split_at_checked(usize::try_from(u64::from_le_bytes(*words_len)).ok()?)?;
    let (matcher, cue_matcher) = rest.split_at_checked(usize::try_from(u64::from_le_bytes(*matcher_len)).ok()?)?;
    let Words { groups, hints, cues, pattern_group } = serde_json::from_slice(words).ok()?;
    let [matcher, cue_matcher] = [matcher, cue_matcher].map(|bytes| {
        let (matcher, rest) = CharwiseDoubleArrayAhoCorasick::deserialize(bytes).ok()?;
        rest.is_empty().then_some(matcher)
    });
    Some(Glossary { groups, hints, cues, cue_matcher, matcher, pattern_group })
}

/// The length of a plural ending (`s`, `es`) after a Latin word ending at
/// `end`, so that `sticky packets` is found as `sticky packet`.
fn plural_ending(text: &str, end: usize) -> usize {
    let latin = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if !text[..end].ends_with(|c: char| c.is_ascii_alphabetic()) {
        return 0;
    }
    ["es", "s"]
        .into_iter()
        .find(|ending| text[end..].strip_prefix(ending).is_some_and(|rest| !rest.starts_with(latin)))
        .map_or(0, str::len)
}

/// A match that starts or ends with a Latin letter or digit must not continue
/// a Latin word on that side.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let word = &text[start..end];
    let latin = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let starts_latin = word.chars().next().is_some_and(latin);
    let ends_latin = word.chars().next_back().is_some_and(latin);
    !(starts_latin && before.is_some_and(latin) || ends_latin && after.is_some_and(latin))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[network]
tcp = ["传输控制协议", "Transmission Control Protocol"]
"load balancing" = ["负载均衡"]
io = ["输入输出"]
"#;

    #[test]
    fn finds_words_of_any_language_and_case() {
        let glossary = Glossary::parse(SAMPLE).unwrap();
        let found = glossary.mentions(&normalize("什么是Transmission Control Protocol和load balancing"));
        let groups: Vec<&[String]> = found.iter().map(|m| glossary.group(m.group)).collect();
        assert!(groups.iter().any(|g| g.contains(&"传输控制协议".to_string())));
        assert!(groups.iter().any(|g| g.contains(&"负载均衡".to_string())));
    }

    #[test]
    fn latin_words_must_stand_alone() {
        let glossary = Glossary::parse(SAMPLE).unwrap();
        assert!(glossary.mentions("ratio of tcpdump").is_empty());
        assert_eq!(glossary.mentions("io多路复用").len(), 1);
    }

    #[test]
    fn a_longer_word_that_does_not_stand_alone_hides_no_shorter_one() {
        let glossary = Glossary::parse(
            "[web]\nhttp = [\"超文本传输协议\"]\nhttps = [\"安全超文本传输协议\"]\n\
             \"http status code\" = [\"http状态码\"]\n\"status code\" = [\"状态码\"]\n",
        )
        .unwrap();
        let first_words = |text: &str| -> Vec<String> {
            glossary.mentions(text).iter().map(|m| glossary.group(m.group)[0].clone()).collect()
        };
        assert_eq!(first_words("common http status codes"), ["http status code"], "a plural");
        assert_eq!(first_words("http status codebook"), ["http"]);
        assert_eq!(first_words("https"), ["https"], "a word before a plural");
        assert_eq!(first_words("https和http"), ["https", "http"]);
    }

    #[test]
    fn overlapping_words_are_read_to_cover_the_most() {
        let glossary = Glossary::parse(
            "[web]\nhttp = [\"超文本传输协议\"]\n\"http response\" = [\"http响应\"]\n\
             \"status code\" = [\"响应码\", \"状态码\"]\n\"three-way handshake\" = [\"三次握手\"]\n\
             handshake = [\"握手\"]\n",
        )
        .unwrap();
        let first_words = |text: &str| -> Vec<String> {
            glossary.mentions(text).iter().map(|m| glossary.group(m.group)[0].clone()).collect()
        };
        assert_eq!(first_words("http响应码有哪些"), ["http", "status code"]);
        assert_eq!(first_words("http响应报文"), ["http response"]);
        assert_eq!(first_words("三次握手过程"), ["three-way handshake"], "one word rather than two");
    }

    #[test]
    fn a_stored_glossary_finds_what_a_parsed_one_does() {
        let text = format!("{SAMPLE}{HINTED}").replace("[network]\nudp", "[network2]\nudp");
        let parsed = Glossary::parse(&text).unwrap();
        let read = read_stored(&parsed.stored(&text), &text).expect("stored from the same text");
        let question = normalize("tcp的负载均衡和io，丢包了想就近访问");
        assert_eq!(read.mentions(&question), parsed.mentions(&question));
        assert_eq!(read.mentions(&question).len(), 4);
        assert_eq!(read.cues(&question), parsed.cues(&question));
        assert_eq!(read.cues(&question).len(), 2, "就近 and 就近访问");
        let loss = read.mentions("丢包")[0].group;
        assert_eq!(read.hints(loss), parsed.hints(loss));
    }

    #[test]
    fn a_stored_glossary_of_another_text_or_damaged_is_not_used() {
        let other_text = "[x]\nudp = [\"用户数据报协议\"]\n";
        let other = Glossary::parse(other_text).unwrap().stored(other_text);
        let mut damaged = Glossary::parse(SAMPLE).unwrap().stored(SAMPLE);
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(read_stored(&damaged, SAMPLE).is_none());
        for stored in [other, damaged, b"junk".to_vec(), Vec::new()] {
            let glossary = Glossary::parse_with_stored(SAMPLE, &stored).unwrap();
            assert_eq!(glossary.mentions("tcp").len(), 1);
            assert!(glossary.mentions("udp").is_empty());
        }
    }

    const HINTED: &str = r#"
[network]
udp = ["用户数据报协议"]
cdn = ["内容分发网络"]
"packet loss" = ["丢包"]

[hints]
"丢包" = ["UDP", "重传"]
"就近访问" = ["cdn"]
"就近" = ["cdn"]
"#;

    #[test]
    fn a_hint_suggests_whole_groups_one_way() {
        let glossary = Glossary::parse(HINTED).unwrap();
        let group_of = |word: &str| glossary.mentions(word).first().map(|m| m.group).unwrap();
        let loss = group_of("丢包");
        assert_eq!(glossary.hints(loss), ["udp", "用户数据报协议", "重传"], "udp's group, then a word of none");
        assert!(glossary.hints(group_of("udp")).is_empty(), "udp does not hint at 丢包");
        assert_eq!(glossary.group(loss), ["packet loss", "丢包"], "hints are no synonyms");
    }

    #[test]
    fn a_cue_of_no_group_is_found_on_its_own_and_may_overlap() {
        let glossary = Glossary::parse(HINTED).unwrap();
        assert!(glossary.mentions("想就近访问").is_empty(), "a cue is no glossary word");
        let found: Vec<(usize, usize)> = glossary.cues("想就近访问").iter().map(|&(s, e, _)| (s, e)).collect();
        assert_eq!(found, [(3, 9), (3, 15)]);
        assert_eq!(glossary.cues("就近")[0].2, ["cdn", "内容分发网络"]);
        assert_eq!(glossary.cue_words().count(), 2);
    }

    #[test]
    fn a_bad_file_says_where() {
        let err = Glossary::parse("[x]\ntcp = 3\n").unwrap_err();
        assert!(err.contains("line 2") || err.contains("2 |"), "{err}");
    }
}
