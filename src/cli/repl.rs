//! `qabot repl`: questions from a person at a terminal (line editing,
//! history, colour), or one per line from a pipe (no prompt, no colour, one
//! answer per line; with `--json` one JSON object per line).

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::sync::{Arc, Weak};

use qabot::{Answer, Engine, Hit};
use rustyline::error::ReadlineError;

use super::live::Live;
use super::{Paths, json, render};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Answer with one JSON object per input line (see README).
    #[arg(long)]
    json: bool,
    /// Follow the corpus: rebuild and switch to the new index when files change.
    #[arg(long)]
    watch: bool,
}

/// A line longer than this is cut; the rest of it is read and dropped.
const MAX_LINE_BYTES: usize = 64 * 1024;

const HELP: &str = "\
Type a question and press Enter. Commands:
  N          show related topic (or suggestion) number N of the last answer
  :show ID   show the entry with that id
  :list      list all entries by category
  :random    show a random entry
  :reload    rebuild the index from the corpus now
  :help      this help
  :quit      leave (or Ctrl-D)";

pub fn run(paths: &Paths, options: &Options) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let live = Live::open(paths, options.watch)?;
    if options.json {
        return json_loop(&live, io::BufReader::with_capacity(1 << 16, io::stdin().lock()), io::stdout().lock());
    }
    if io::stdin().is_terminal() {
        interactive(&live)
    } else {
        let style = render::Style { colour: false };
        let mut session = Session::default();
        let mut out = io::stdout().lock();
        let mut input = io::stdin().lock();
        while let Some(line) = read_line(&mut input)? {
            if !session.handle(&live, &line.text, &mut out, &style)? {
                break;
            }
            out.flush()?;
        }
        Ok(())
    }
}

/// One input line, lossily decoded, and what was wrong with it.
pub struct InputLine {
    pub text: String,
    pub error: Option<&'static str>,
}

/// Reads one line of at most [`MAX_LINE_BYTES`]; `None` at end of input.
pub fn read_line(input: &mut impl BufRead) -> io::Result<Option<InputLine>> {
    let mut bytes = Vec::new();
    let mut too_long = false;
    let mut saw_any = false;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        saw_any = true;
        let (chunk, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (&buffer[..at], at + 1),
            None => (buffer, buffer.len()),
        };
        let room = MAX_LINE_BYTES.saturating_sub(bytes.len());
        too_long |= chunk.len() > room;
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let newline = done > chunk.len();
        input.consume(done);
        if newline {
            break;
        }
    }
    if !saw_any {
        return Ok(None);
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    let (text, error) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some("input is not valid UTF-8")),
    };
    let error = error.or(too_long.then_some("line too long: only its first 64 KiB were read"));
    Ok(Some(InputLine { text, error }))
}

/// The JSON interface: exactly one output line per input line. Each
/// question is answered by the engine serving at that moment. Answers are
/// flushed whenever no more input is waiting, so a client that asks one
/// question at a time gets each answer at once, and a pipe of many questions
/// is not slowed by a write per answer.
pub fn json_loop<R: io::Read>(live: &Live, mut input: io::BufReader<R>, out: impl Write) -> anyhow::Result<()> {
    let mut out = io::BufWriter::new(out);
    let mut written = Written::default();
    while let Some(line) = read_line(&mut input)? {
        let text = line.text.trim_end_matches(['\r', '\n']);
        let engine = live.engine();
        let json = written.line(&engine, text, line.error, || json::line(text, &engine.ask(text), line.error));
        writeln!(out, "{json}")?;
        if input.buffer().is_empty() {
            out.flush()?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The JSON lines already written, for the engine that answered them.
/// People ask the same questions again and again; the engine keeps its
/// answers, but writing one as JSON (its whole text escaped) costs more than
/// finding it there.
#[derive(Default)]
struct Written {
    /// Weak, so that an engine replaced by a reload is not kept alive (with
    /// its maps of removed index files) until the next question.
    engine: Weak<Engine>,
    /// By the question's hash (as the engine keeps its answers) and error.
    lines: HashMap<(u64, Option<&'static str>), String>,
}

/// Lines [`Written`] keeps at most; it starts over when full.
const WRITTEN_LINES: usize = 1024;

impl Written {
    fn line(
        &mut self,
        engine: &Arc<Engine>,
        text: &str,
        error: Option<&'static str>,
        write: impl FnOnce() -> String,
    ) -> &str {
        if !std::ptr::eq(self.engine.as_ptr(), Arc::as_ptr(engine)) || self.lines.len() >= WRITTEN_LINES {
            self.engine = Arc::downgrade(engine);
            self.lines.clear();
        }
        self.lines.entry((xxhash_rust::xxh3::xxh3_64(text.as_bytes()), error)).or_insert_with(write)
    }
}

fn interactive(live: &Live) -> anyhow::Result<()> {
    let mut editor = rustyline::DefaultEditor::new()?;
    let history = std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".qabot_history"));
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let style = render::Style::detect();
    let mut session = Session::default();
    eprintln!("qabot: {} entries. Ask a question, or :help.", live.engine().len());
    loop {
        match editor.readline("qabot> ") {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                let mut out = io::stdout().lock();
                if !session.handle(live, &line, &mut out, &style)? {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(())
}

/// What the REPL remembers between lines: the topics a number refers to.
#[derive(Default)]
struct Session {
    numbered: Vec<Hit>,
}

impl Session {
    /// Handles one line; `false` means quit.
    fn handle(&mut self, live: &Live, line: &str, out: &mut impl Write, style: &render::Style) -> io::Result<bool> {
        let engine = &live.engine();
        let line = line.trim();
        match line.split_once(' ').map_or((line, ""), |(c, rest)| (c, rest.trim())) {
            (":quit" | ":q" | ":exit", _) => return Ok(false),
            (":help" | ":h", _) => writeln!(out, "{HELP}")?,
            (":list", _) => list(engine, out, style)?,
            (":reload", _) => match live.reload() {
                Ok(summary) => writeln!(out, "reloaded: {summary}")?,
                Err(e) => writeln!(out, "reload failed; still serving the previous index:\n{e:#}")?,
            },
            (":random", _) => match super::random_entry(engine) {
                Some((hit, related)) => self.show(out, &hit, related, style)?,
                None => writeln!(out, "the corpus is empty")?,
            },
            (":show", id) => match engine.show(id) {
                Some((hit, related)) => self.show(out, &hit, related, style)?,
                None => writeln!(out, "no entry with id {id:?}; :list shows them all")?,
            },
            (command, _) if command.starts_with(':') => writeln!(out, "unknown command {command}; :help lists them")?,
            _ => match line.parse::<usize>() {
                Ok(n) if n >= 1 && n <= self.numbered.len() => {
                    let id = self.numbered[n - 1].id.clone();
                    if let Some((hit, related)) = engine.show(&id) {
                        self.show(out, &hit, related, style)?;
                    }
                }
                _ => {
                    let answer = engine.ask(line);
                    live.record_unanswered(line, &answer, "repl");
                    render::answer(out, &answer, style)?;
                    self.remember(answer);
                }
            },
        }
        writeln!(out)?;
        Ok(true)
    }

    fn show(&mut self, out: &mut impl Write, hit: &Hit, related: Vec<Hit>, style: &render::Style) -> io::Result<()> {
        render::entry(out, hit, &related, style)?;
        self.numbered = related;
        Ok(())
    }

    fn remember(&mut self, answer: Answer) {
        self.numbered = if answer.best.is_some() { answer.related } else { answer.suggestions };
    }
}

fn list(engine: &Engine, out: &mut impl Write, style: &render::Style) -> io::Result<()> {
    let mut category = None;
    for hit in engine.entries() {
        if category.as_ref() != Some(&hit.category) {
            writeln!(out, "{}", style.bold(&hit.category))?;
            category = Some(hit.category.clone());
        }
        writeln!(out, "  {:<24} {}", hit.id, hit.question)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_asked_again_is_written_once_for_each_engine() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("corpus")).unwrap();
        std::fs::write(dir.path().join("corpus/net.md"), "## 什么是 TCP？\nTCP 是传输控制协议。\n").unwrap();
        let corpus = qabot::load::load(&dir.path().join("corpus")).unwrap();
        qabot::index::build(&corpus, "corpus", &dir.path().join("index")).unwrap();
        let open = || Arc::new(Engine::open(&dir.path().join("index")).unwrap());
        let (first, second) = (open(), open());

        let mut written = Written::default();
        let mut writes = 0;
        let asked = [(&first, None), (&first, None), (&first, Some("too long")), (&second, None), (&second, None)];
        for (engine, error) in asked {
            written.line(engine, "tcp", error, || {
                writes += 1;
                writes.to_string()
            });
        }
        assert_eq!(writes, 3, "once, once more with an error, once for the new engine");
        drop((first, second));
        assert!(written.engine.upgrade().is_none(), "the lines do not keep an engine alive");
    }
}
