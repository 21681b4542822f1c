//! The machine interface: one JSON object per question (see README, "JSON
//! interface"). The field names are a contract; change them only additively.

use qabot::{Answer, Hit, Note};
use serde::Serialize;

#[derive(Serialize)]
struct Line<'a> {
    query: &'a str,
    answer: Option<Full<'a>>,
    related: Vec<Brief<'a>>,
    suggestions: Vec<Brief<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct Full<'a> {
    id: &'a str,
    question: &'a str,
    answer: &'a str,
    category: &'a str,
    score: f32,
    source: &'a str,
}

#[derive(Serialize)]
struct Brief<'a> {
    id: &'a str,
    question: &'a str,
    score: f32,
}

fn brief(hit: &Hit) -> Brief<'_> {
    Brief { id: &hit.id, question: &hit.question, score: hit.score }
}

/// The JSON line for `answer` to `query`; `error` says what was wrong with
/// the input, if anything (it overrides the answer's own note).
pub fn line(query: &str, answer: &Answer, error: Option<&str>) -> String {
    let note_error = answer.note.filter(|n| *n != Note::Greeting).map(Note::message);
    let line = Line {
        query,
        answer: answer.best.as_ref().map(|h| Full {
            id: &h.id,
            question: &h.question,
            answer: &h.answer,
            category: &h.category,
            score: h.score,
            source: &h.source,
        }),
        related: answer.related.iter().map(brief).collect(),
        suggestions: answer.suggestions.iter().map(brief).collect(),
        error: error.or(note_error),
    };
    serde_json::to_string(&line).unwrap_or_else(|e| {
        format!("{{\"query\":\"\",\"answer\":null,\"related\":[],\"suggestions\":[],\"error\":\"{e}\"}}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_answer_keeps_every_field() {
        let answer = Answer { note: Some(Note::Empty), ..Answer::default() };
        let value: serde_json::Value = serde_json::from_str(&line("", &answer, None)).unwrap();
        assert!(value["answer"].is_null());
        assert_eq!(value["related"], serde_json::json!([]));
        assert_eq!(value["suggestions"], serde_json::json!([]));
        assert!(value["error"].as_str().unwrap().contains("empty"));
    }
}
