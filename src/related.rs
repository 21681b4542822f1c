//! Related topics, computed once at index time and stored with each entry so
//! that answering stays fast.
//!
//! Each entry becomes a TF-IDF vector over the words of its question (which
//! weigh most), context and answer, with glossary synonyms folded into one
//! term (进程 = process) and filler dropped. Like tantivy's MoreLikeThis, only
//! an entry's most distinctive terms take part; unlike its defaults, rare
//! terms are kept, since on a small corpus they are what topics share.
//! Entries next to each other in a file get a small bonus: people write
//! about one subject in a row, which says most where entries are too short
//! to share words (hosts文件 next to 域名解析).
//! Near-duplicates of an entry (the same question asked twice) are left out:
//! a person who just read one does not want the other suggested.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::{EntryWords, TextWords, Vocabulary};
use crate::corpus::Entry;
use crate::glossary::Glossary;
use crate::progress::Progress;
use crate::segment::Segmenter;
use crate::text::{intents, is_filler, is_weak, normalize};

/// How many related entries each entry keeps.
pub const MAX_RELATED: usize = 5;
/// Terms per entry that take part in the comparison.
const TOP_TERMS: usize = 40;
const QUESTION_WEIGHT: f32 = 3.0;
/// Entries compared per term, at most: with [`TOP_TERMS`], at most 2,000
/// comparisons per entry, however large the corpus. A 100,000-entry build
/// takes a quarter less time than with 200, and an entry's best matches
/// share its rarer terms, whose lists are short.
const MAX_POSTINGS: usize = 50;
/// People write about one subject in a row: entries this close in a file
/// get a bonus, divided by their distance.
const NEIGHBOURHOOD: usize = 2;
const NEIGHBOUR_BONUS: f32 = 0.02;
/// Questions sharing this share of their words are the same question.
const DUPLICATE_OVERLAP: f32 = 0.75;

/// For every entry, up to [`MAX_RELATED`] `(id, score)` of related entries,
/// best first, from the entries' words (`words[i]` are `entries[i]`'s).
/// Advances `progress` once per entry.
pub fn compute(
    entries: &[Entry],
    words: &[EntryWords],
    vocabulary: &Vocabulary,
    progress: &dyn Progress,
) -> Vec<Vec<(String, f32)>> {
    let ranking = Ranking::new(entries, words, vocabulary);
    let related = ranking.of(0..entries.len());
    progress.advance(entries.len() as u64);
    related
}

/// What ranking the entries related to an entry takes, worked out once for
/// the whole corpus; then any entries' related topics, a range at a time
/// ([`compute`] is all of them at once).
pub struct Ranking<'e> {
    entries: &'e [Entry],
    /// Each entry's most telling terms, weighed.
    vectors: Vec<Vec<(u32, f32)>>,
    /// For each term, the entries it is among the most telling terms of.
    /// Numbered by `u32`: the lists are walked for every entry, and half
    /// the bytes is half the memory traffic.
    postings: Vec<Vec<(u32, f32)>>,
    /// Each entry's file, numbered.
    files: Vec<usize>,
    titles: Vec<Title<u32>>,
}

impl<'e> Ranking<'e> {
    pub fn new(entries: &'e [Entry], words: &[EntryWords], vocabulary: &Vocabulary) -> Self {
        // Terms are numbered in entry order, so that a build gives the same
        // numbers every time; then the entries are weighed on all cores.
        let mut terms = Terms::new(vocabulary);
        for entry in words {
            [&entry.question, &entry.context, &entry.answer].into_iter().for_each(|text| terms.number(text));
        }
        let bags: Vec<Bag> = words.par_iter().map(|w| terms.bag(w)).collect();
        let vectors = tf_idf(&bags, terms.count());
        let titles: Vec<Title<u32>> =
            entries.par_iter().zip(words).map(|(e, w)| terms.title(&e.question, &w.question)).collect();

        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms.count()];
        for (i, vector) in (0u32..).zip(&vectors) {
            for &(term, weight) in vector {
                postings[term as usize].push((i, weight));
            }
        }
        // A term shared by a large part of a big corpus says little and costs much.
        let common = 200.max(entries.len() / 50);
        postings.par_iter_mut().for_each(|list| {
            if list.len() > common {
                list.clear();
            } else if list.len() > MAX_POSTINGS {
                // Of a term many entries share, only the entries it weighs most
                // in are compared (as in an impact-ordered index): the work stays
                // linear in the size of the corpus, and no list is cut on a corpus
                // small enough for all of its terms to count.
                list.select_nth_unstable_by(MAX_POSTINGS, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(MAX_POSTINGS);
            }
        });
        // Entries of the same file are a little more related; files numbered.
        let mut file_ids: FxHashMap<&str, usize> = FxHashMap::default();
        let files: Vec<usize> = entries
            .iter()
            .map(|e| {
                let next = file_ids.len();
                *file_ids.entry(e.file.as_str()).or_insert(next)
            })
            .collect();
        Ranking { entries, vectors, postings, files, titles }
    }

    /// The related entries of the entries in `range`, as [`compute`] finds
    /// them: each entry on its own, on all cores, each thread with its own
    /// scratch.
    pub fn of(&self, range: std::ops::Range<usize>) -> Vec<Vec<(String, f32)>> {
        range
            .into_par_iter()
            .map_init(
                || Scratch::new(self.entries.len()),
                |scratch, i| {
                    scratch.rank(i, &self.vectors, &self.postings, &self.files);
                    let best = scratch.best_distinct(i, &self.titles);
                    best.into_iter().map(|(j, s)| (self.entries[j as usize].id.clone(), s)).collect()
                },
            )
            .collect()
    }
}

/// The entries next to entry `i` in its file, within [`NEIGHBOURHOOD`].
fn neighbours(i: usize, files: &[usize]) -> impl Iterator<Item = usize> + '_ {
    let around = i.saturating_sub(NEIGHBOURHOOD)..=(i + NEIGHBOURHOOD).min(files.len() - 1);
    around.filter(move |&j| j != i && files[j] == files[i])
}

/// What ranking one entry's related entries works in, kept by each thread
/// from one entry to the next so that ranking allocates nothing.
struct Scratch {
    /// Each entry's score; all zeros between two entries.
    scores: Vec<f32>,
    /// The entries `scores` holds a score for, first come first: the first
    /// `touched` of them. One longer than there are entries, so that an
    /// entry is written after them without a branch, and counted only
    /// when it is new.
    touched_entries: Vec<u32>,
    touched: usize,
    /// The last entry's scored entries, by number.
    ranked: Vec<(u32, f32)>,
}

impl Scratch {
    fn new(entries: usize) -> Self {
        let (scores, touched_entries) = (vec![0.0; entries], vec![0; entries + 1]);
        Scratch { scores, touched_entries, touched: 0, ranked: Vec::new() }
    }

    /// Scores the entries sharing terms with entry `i`, or next to it, into
    /// `ranked`, in no order.
    fn rank(&mut self, i: usize, vectors: &[Vec<(u32, f32)>], postings: &[Vec<(u32, f32)>], files: &[usize]) {
        let Scratch { scores, touched_entries, touched, ranked } = self;
        for &(term, weight) in &vectors[i] {
            for &(j, other) in &postings[term as usize] {
                let score = &mut scores[j as usize];
                touched_entries[*touched] = j;
                *touched += usize::from(*score == 0.0);
                *score += weight * other;
            }
        }
        for j in neighbours(i, files) {
            touched_entries[*touched] = j as u32;
            *touched += usize::from(scores[j] == 0.0);
            scores[j] += NEIGHBOUR_BONUS / i.abs_diff(j) as f32;
        }
        // Entry `i` itself was scored too, to spare a test per entry.
        scores[i] = 0.0;
        ranked.clear();
        for &j in &touched_entries[..std::mem::take(touched)] {
            let score = std::mem::take(&mut scores[j as usize]);
            if score != 0.0 {
                ranked.push((j, if files[j as usize] == files[i] { score * 1.1 } else { score }));
            }
        }
    }

    /// The best [`MAX_RELATED`] of the entries [`Scratch::rank`] scored that
    /// are not duplicates of entry `i`, best first.
    fn best_distinct(&mut self, i: usize, titles: &[Title<u32>]) -> Vec<(u32, f32)> {
        let ranked = &mut self.ranked;
        let best_first = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let distinct = |&(j, _): &(u32, f32)| !is_duplicate(&titles[i], &titles[j as usize]);
        // Only the best few are sorted first, and checked for duplicates best
        // first until enough are kept; the rest only when too many of the
        // few were duplicates. (The few are all better than the rest.)
        let few = (4 * MAX_RELATED).min(ranked.len());
        if ranked.len() > few {
            ranked.select_nth_unstable_by(few, best_first);
        }
        let (best, rest) = ranked.split_at_mut(few);
        best.sort_unstable_by(best_first);
        let mut kept: Vec<(u32, f32)> = best.iter().copied().filter(distinct).take(MAX_RELATED).collect();
        if kept.len() < MAX_RELATED && !rest.is_empty() {
            rest.sort_unstable_by(best_first);
            kept.extend(rest.iter().copied().filter(distinct).take(MAX_RELATED - kept.len()));
        }
        kept
    }
}

/// Pairs of entries (by index) whose questions are the same question in
/// other words, each pair once, in order. Only questions sharing a term can
/// be duplicates, so each is compared with those, not with every other.
fn near_duplicates(questions: &[&str], segmenter: &Segmenter, glossary: &Glossary) -> Vec<(usize, usize)> {
    let mut vocabulary = Vocabulary::default();
    let words: Vec<TextWords> =
        questions.iter().map(|q| TextWords::of(q, segmenter, glossary, &mut vocabulary)).collect();
    let mut terms = Terms::new(&vocabulary);
    words.iter().for_each(|w| terms.number(w));
    let titles: Vec<Title<u32>> = questions.iter().zip(&words).map(|(q, w)| terms.title(q, w)).collect();
    let mut postings: Vec<Vec<usize>> = vec![Vec::new(); terms.count()];
    for (i, title) in titles.iter().enumerate() {
        title.terms.iter().for_each(|&term| postings[term as usize].push(i));
    }
    let mut pairs = Vec::new();
    // The last question each other question was compared with.
    let mut compared_with = vec![usize::MAX; titles.len()];
    for (i, title) in titles.iter().enumerate() {
        for &term in &title.terms {
            for &j in postings[term as usize].iter().filter(|&&j| j > i) {
                if std::mem::replace(&mut compared_with[j], i) != i && is_duplicate(title, &titles[j]) {
                    pairs.push((i, j));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

/// [`near_duplicates`] as groups: the questions joined by a chain of
/// duplicate pairs, each group in order, groups in order of their first.
pub fn duplicate_groups(questions: &[&str], segmenter: &Segmenter, glossary: &Glossary) -> Vec<Vec<usize>> {
    /// The first question of `i`'s group, shortening the path there.
    fn root(first: &mut [usize], mut i: usize) -> usize {
        while first[i] != i {
            first[i] = first[first[i]];
            i = first[i];
        }
        i
    }
    // Union-find, each question pointing towards the first of its group.
    let mut first: Vec<usize> = (0..questions.len()).collect();
    let pairs = near_duplicates(questions, segmenter, glossary);
    for &(i, j) in &pairs {
        let (a, b) = (root(&mut first, i), root(&mut first, j));
        first[a.max(b)] = a.min(b);
    }
    let mut members: Vec<usize> = pairs.iter().flat_map(|&(i, j)| [i, j]).collect();
    members.sort_unstable();
    members.dedup();
    // A group's first member is its root, so taking the members in order
    // opens each group at its first and fills it in order.
    let mut group_of_root = vec![usize::MAX; questions.len()];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in members {
        let root = root(&mut first, i);
        if group_of_root[root] == usize::MAX {
            group_of_root[root] = groups.len();
            groups.push(Vec::new());
        }
        groups[group_of_root[root]].push(i);
    }
    groups
}

/// A question's terms, each once, those of them that are names (words
/// with a Latin letter), both sorted, and the kinds of question it asks
/// ([`intents`]): what tells two questions apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Title<T> {
    terms: Vec<T>,
    names: Vec<T>,
    kinds: u8,
}

impl<T: Ord + Clone> Title<T> {
    fn new(question: &str, terms: impl IntoIterator<Item = T>, is_name: impl Fn(&T) -> bool) -> Self {
        let mut terms: Vec<T> = terms.into_iter().collect();
        terms.sort_unstable();
        terms.dedup();
        let names = terms.iter().filter(|term| is_name(term)).cloned().collect();
        Title { terms, names, kinds: intents(&normalize(question)) }
    }
}

/// Whether two questions' terms make them the same question.
pub fn is_duplicate<T: Ord>(a: &Title<T>, b: &Title<T>) -> bool {
    if a.terms.is_empty() || b.terms.is_empty() {
        return false;
    }
    // Questions naming different things (asyncio, gevent; 事务 and Redis
    // 事务) are different questions however alike the rest of their wording,
    // and so are questions asking different things of one subject (什么是
    // Redis, Redis 为什么这么快).
    if a.names != b.names || (a.kinds & b.kinds == 0 && a.kinds != 0 && b.kinds != 0) {
        return false;
    }
    let shared = shared(&a.terms, &b.terms) as f32;
    let (a, b) = (a.terms.len(), b.terms.len());
    shared / a.min(b) as f32 >= DUPLICATE_OVERLAP && shared / a.max(b) as f32 > 0.5
}

/// How many items two sorted lists of distinct items share.
fn shared<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j, count) = (i + 1, j + 1, count + 1),
        }
    }
    count
}

fn is_name(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_alphabetic())
}

/// Turns words into comparable terms: glossary words become their group.
/// Terms are numbered as they are first seen.
struct Terms<'v> {
    vocabulary: &'v Vocabulary,
    /// The term of each word of the vocabulary, by its number, once seen:
    /// `Some(None)` for a word that is not [`meaningful`]. Looked up for
    /// every word of every text, so by number rather than by spelling.
    words: Vec<Option<Option<u32>>>,
    groups: FxHashMap<usize, u32>,
    /// Whether each term is a name (see [`Title`]); a group is not.
    names: Vec<bool>,
}

impl<'v> Terms<'v> {
    fn new(vocabulary: &'v Vocabulary) -> Self {
        let words = vec![None; vocabulary.len()];
        Terms { vocabulary, words, groups: FxHashMap::default(), names: Vec::new() }
    }

    fn count(&self) -> usize {
        self.names.len()
    }

    /// Numbers the terms of a text that are new: first the glossary groups
    /// it mentions, then its [`meaningful`] words.
    fn number(&mut self, text: &TextWords) {
        for &group in text.mentions() {
            let next = self.names.len() as u32;
            self.groups.entry(group).or_insert_with(|| {
                self.names.push(false);
                next
            });
        }
        for &word in text.words() {
            self.words[word as usize].get_or_insert_with(|| {
                let spelled = self.vocabulary.word(word);
                meaningful(spelled).then(|| {
                    self.names.push(is_name(spelled));
                    self.names.len() as u32 - 1
                })
            });
        }
    }

    /// The terms of a text already [`Terms::number`]ed, in the same order,
    /// each as often as it occurs.
    fn of<'t>(&'t self, text: &'t TextWords) -> impl Iterator<Item = u32> + 't {
        let groups = text.mentions().iter().filter_map(|group| self.groups.get(group).copied());
        let words = text.words().iter().filter_map(|&word| self.words[word as usize].flatten());
        groups.chain(words)
    }

    fn bag(&self, entry: &EntryWords) -> Bag {
        let texts = [(&entry.question, QUESTION_WEIGHT), (&entry.context, 1.0), (&entry.answer, 1.0)];
        let mut bag: Bag =
            texts.into_iter().flat_map(|(text, weight)| self.of(text).map(move |t| (t, weight))).collect();
        // Sorted, a term's occurrences are next to each other: summed there,
        // they leave one (term, weight) each. (Cheaper than a hash map of an
        // entry's few hundred words.)
        bag.sort_unstable_by_key(|&(term, _)| term);
        bag.dedup_by(|(term, weight), (kept, sum)| {
            let same = term == kept;
            if same {
                *sum += *weight;
            }
            same
        });
        bag
    }

    fn title(&self, question: &str, words: &TextWords) -> Title<u32> {
        Title::new(question, self.of(words), |&term| self.names[term as usize])
    }
}

/// The subject words of a question (no glossary folding).
pub fn title_words(question: &str, segmenter: &Segmenter) -> Title<String> {
    Title::new(question, segmenter.words(question).into_iter().filter(|w| meaningful(w)), |w| is_name(w))
}

fn meaningful(word: &str) -> bool {
    let chars = word.chars().count();
    chars > 1 && !is_filler(word) && !is_weak(word) && !word.chars().all(|c| c.is_ascii_digit())
}

/// An entry's terms, each once with its weighed count, sorted by term.
type Bag = Vec<(u32, f32)>;

/// Sub-linear TF times IDF, the top terms of each entry, unit length.
fn tf_idf(bags: &[Bag], terms: usize) -> Vec<Vec<(u32, f32)>> {
    // Counted on all cores, each a share of the entries into counts of its own.
    let share = bags.len().div_ceil(rayon::current_num_threads()).max(1);
    let df = bags
        .par_iter()
        .with_min_len(share)
        .fold(
            || vec![0u32; terms],
            |mut df, bag| {
                bag.iter().for_each(|&(term, _)| df[term as usize] += 1);
                df
            },
        )
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
            a
        })
        .unwrap_or_default();
    let df: Vec<f32> = df.into_iter().map(|count| count as f32).collect();
    let n = bags.len() as f32;
    let heaviest_first = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    bags.par_iter()
        .map(|bag| {
            let mut vector: Vec<(u32, f32)> =
                bag.iter().map(|&(term, tf)| (term, (1.0 + tf.ln()) * (1.0 + n / df[term as usize]).ln())).collect();
            if vector.len() > TOP_TERMS {
                vector.select_nth_unstable_by(TOP_TERMS, heaviest_first);
                vector.truncate(TOP_TERMS);
            }
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt().max(f32::EPSILON);
            vector.iter_mut().for_each(|(_, w)| *w /= norm);
            vector
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::compact_dictionary;

    #[test]
    fn related_topics_ranked_a_range_at_a_time_are_those_of_the_whole() {
        let markdown = "## 1. TCP 的三次握手是什么？\nTCP 建立连接要握手三次。\n\n\
                        ## 2. TCP 的四次挥手是什么？\nTCP 断开连接要挥手四次。\n\n\
                        ## 3. UDP 是什么？\nUDP 是无连接的传输协议，不握手。\n\n\
                        ## 4. 进程和线程有什么区别？\n线程是进程里的执行单元。\n\n\
                        ## 5. 线程池有什么用？\n线程池复用线程，少建线程。\n";
        let entries = crate::corpus::parse(markdown, "net.md", None).entries;
        assert_eq!(entries.len(), 5);
        let texts: Vec<&str> = entries.iter().flat_map(|e| e.texts()).collect();
        let segmenter = Segmenter::from_dictionary(compact_dictionary(texts, &[]).as_bytes()).unwrap();
        let (glossary, mut vocabulary) = (Glossary::default(), Vocabulary::default());
        let words: Vec<EntryWords> =
            entries.iter().map(|e| EntryWords::of(e, &segmenter, &glossary, &mut vocabulary)).collect();

        let whole = compute(&entries, &words, &vocabulary, &crate::progress::Silent);
        assert!(whole.iter().all(|related| !related.is_empty()), "{whole:?}");
        let ranking = Ranking::new(&entries, &words, &vocabulary);
        let in_parts: Vec<_> = [0..2, 2..3, 3..5].into_iter().flat_map(|range| ranking.of(range)).collect();
        assert_eq!(in_parts, whole);
    }

    fn segmenter_of(questions: &[&str]) -> Segmenter {
        Segmenter::from_dictionary(compact_dictionary(questions.to_vec(), &[]).as_bytes()).unwrap()
    }

    #[test]
    fn questions_naming_or_asking_different_things_are_no_duplicates() {
        let pairs = [
            ("Redis 为什么这么快？", "为什么 Redis 这么快", true),
            ("HashMap 和 Hashtable 的区别", "HashMap 和 Hashtable 有什么区别？", true),
            ("什么是 Redis？", "Redis 为什么这么快？", false),
            ("什么是事务？", "什么是 Redis 事务？", false),
            ("HashMap 和 Hashtable 的区别", "HashMap 和 HashSet 区别", false),
        ];
        let segmenter = segmenter_of(&pairs.iter().flat_map(|&(a, b, _)| [a, b]).collect::<Vec<_>>());
        for (a, b, same) in pairs {
            let (a_title, b_title) = (title_words(a, &segmenter), title_words(b, &segmenter));
            assert_eq!(is_duplicate(&a_title, &b_title), same, "{a} ~ {b}");
        }
    }

    #[test]
    fn duplicates_are_found_among_questions_sharing_a_term_and_grouped() {
        let questions = [
            "输出什么？",
            "什么是进程？",
            "输出什么？",
            "进程是什么",
            "线程池有什么用？",
            "输出什么？",
            "什么是线程？",
        ];
        let segmenter = segmenter_of(&questions);
        let glossary = Glossary::default();
        let titles: Vec<Title<String>> = questions.iter().map(|q| title_words(q, &segmenter)).collect();
        let every_pair: Vec<(usize, usize)> = (0..questions.len())
            .flat_map(|i| (i + 1..questions.len()).map(move |j| (i, j)))
            .filter(|&(i, j)| is_duplicate(&titles[i], &titles[j]))
            .collect();
        assert_eq!(near_duplicates(&questions, &segmenter, &glossary), every_pair);
        assert_eq!(duplicate_groups(&questions, &segmenter, &glossary), [vec![0, 2, 5], vec![1, 3]]);
    }

    #[test]
    fn duplicates_among_the_best_few_give_way_to_the_next_best() {
        // Entry 0 and the 18 best-scored entries ask the same question; the
        // six after them do not.
        let same = || Title::new("", [1u32, 2, 3], |_| false);
        let other = |k: u32| Title::new("", [10 + k, 100 + k], |_| false);
        let titles: Vec<Title<u32>> = (0..25).map(|j| if j <= 18 { same() } else { other(j) }).collect();
        let mut scratch = Scratch::new(titles.len());
        scratch.ranked = (1..25u32).rev().map(|j| (j, 100.0 - j as f32)).collect();
        let best = scratch.best_distinct(0, &titles);
        assert_eq!(best.iter().map(|&(j, _)| j).collect::<Vec<_>>(), [19, 20, 21, 22, 23]);
    }

    #[test]
    fn neighbours_are_near_and_in_the_same_file() {
        let files = [0, 0, 0, 0, 1, 1];
        assert_eq!(neighbours(0, &files).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(neighbours(3, &files).collect::<Vec<_>>(), [1, 2], "entry 4 is in another file");
        assert_eq!(neighbours(5, &files).collect::<Vec<_>>(), [4]);
    }
}
