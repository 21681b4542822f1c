//! A serving engine that follows the corpus: edits are picked up (notify,
//! debounced) or reloaded on request, the index is rebuilt in the background
//! and swapped in. A question in flight keeps the engine it started with; a
//! failed rebuild keeps the old engine serving and remembers why.
//!
//! Also where unanswered questions are logged for `qabot report`.

use std::io::Write;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use notify::{RecursiveMode, Watcher};
use qabot::{Answer, Engine, Note, index};

use super::{Paths, open_engine};

/// Edits closer together than this make one reload.
const DEBOUNCE: Duration = Duration::from_millis(500);

pub struct Live {
    inner: Arc<Inner>,
    /// Kept alive while watching.
    _watcher: Option<notify::RecommendedWatcher>,
}

struct Inner {
    paths: Paths,
    engine: RwLock<Arc<Engine>>,
    /// Serializes rebuilds.
    rebuilding: Mutex<()>,
    log: Mutex<()>,
}

impl Live {
    /// Opens the index (building it when needed) and, with `watch`, starts
    /// following the corpus.
    pub fn open(paths: &Paths, watch: bool) -> anyhow::Result<Live> {
        let engine = open_engine(paths)?;
        let inner = Arc::new(Inner {
            paths: paths.clone(),
            engine: RwLock::new(Arc::new(engine)),
            rebuilding: Mutex::new(()),
            log: Mutex::new(()),
        });
        let watcher = if watch { Some(watch_corpus(inner.clone())?) } else { None };
        Ok(Live { inner, _watcher: watcher })
    }

    /// The engine to answer the next question with.
    pub fn engine(&self) -> Arc<Engine> {
        self.inner.engine()
    }

    /// Rebuilds from the corpus now; says what happened, or why the old
    /// index is still serving.
    pub fn reload(&self) -> anyhow::Result<String> {
        self.inner.reload()
    }

    /// Appends a question that got no confident answer to the data directory.
    pub fn record_unanswered(&self, question: &str, answer: &Answer, front_end: &str) {
        record_unanswered(&self.inner.paths, &self.inner.log, question, answer, front_end);
    }
}

impl Inner {
    fn engine(&self) -> Arc<Engine> {
        self.engine.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn reload(&self) -> anyhow::Result<String> {
        let _one_at_a_time = self.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        // The update reads the corpus once, and leaves a fresh index alone.
        let report = qabot::update::update(&self.paths.corpus, &self.paths.index)?;
        let serving = self.engine();
        if report.updated_files == Some(0) && index::read_meta(&self.paths.index).is_ok_and(|m| &m == serving.meta()) {
            return Ok(format!("{} entries, unchanged", serving.len()));
        }
        let engine = Engine::open(&self.paths.index)?;
        let entries = engine.len();
        *self.engine.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(engine);
        let elapsed = started.elapsed().as_secs_f64();
        let changed = report.updated_files.map_or("all".to_string(), |n| n.to_string());
        tracing::info!(entries, files_changed = %changed, seconds = elapsed, "reloaded the corpus");
        Ok(format!("{entries} entries, {changed} files re-indexed, in {elapsed:.2} s"))
    }
}

/// Watches the corpus directory; a burst of edits triggers one reload.
fn watch_corpus(inner: Arc<Inner>) -> anyhow::Result<notify::RecommendedWatcher> {
    let (events, receive) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            let _ = events.send(());
        }
    })?;
    watcher.watch(&inner.paths.corpus, RecursiveMode::Recursive)?;
    std::thread::spawn(move || {
        while receive.recv().is_ok() {
            loop {
                match receive.recv_timeout(DEBOUNCE) {
                    Ok(()) => continue,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            if let Err(e) = inner.reload() {
                tracing::error!("the corpus edit was not loaded; still serving the previous index: {e:#}");
            }
        }
    });
    Ok(watcher)
}

/// The log `qabot report` reads.
pub const UNANSWERED_LOG: &str = "unanswered.jsonl";

/// One line per question without a confident answer: time, question, best
/// score, front-end. No user ids.
pub fn record_unanswered(paths: &Paths, lock: &Mutex<()>, question: &str, answer: &Answer, front_end: &str) {
    if answer.best.is_some() || matches!(answer.note, Some(Note::Empty | Note::Greeting)) {
        return;
    }
    let line = serde_json::json!({
        "time": SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        "question": question,
        "best_score": answer.suggestions.first().map_or(0.0, |h| h.score),
        "front_end": front_end,
    });
    let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
    let written = std::fs::create_dir_all(&paths.data).and_then(|()| {
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(paths.data.join(UNANSWERED_LOG))?;
        writeln!(file, "{line}")
    });
    if let Err(e) = written {
        tracing::warn!(dir = %paths.data.display(), "cannot log an unanswered question: {e}");
    }
}
