//! `qabot telegram`: the bot. Private chats: any text is a question. Groups:
//! `/ask`, mentions of the bot and replies to it. Inline mode: `@bot question`.
//! Answers are HTML with related topics as buttons (`s:ID` callbacks).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use qabot::{Answer, Hit};
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{
    ChatAction, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResult, InlineQueryResultArticle,
    InputMessageContent, InputMessageContentText, Me, MessageId, ParseMode, ReplyParameters,
};
use teloxide::utils::command::BotCommands;

use super::telegram_html::{entry_messages, escape};
use super::{Paths, live::Live};

type Tg = Throttle<Bot>;
type HandlerResult = Result<(), teloxide::RequestError>;

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Bot token from @BotFather.
    #[arg(long, env = "TELOXIDE_TOKEN", hide_env_values = true, required_unless_present = "token_file")]
    token: Option<String>,
    /// Read the token from this file instead (it should be readable only by you).
    #[arg(long, value_name = "FILE")]
    token_file: Option<std::path::PathBuf>,
    /// Bot API server, for a self-hosted server or tests.
    #[arg(long, env = "TELOXIDE_API_URL", value_name = "URL")]
    api_url: Option<url::Url>,
    /// Only these chat ids may use the bot (comma-separated); others get a polite refusal.
    #[arg(long = "allow", env = "QABOT_ALLOWED_CHATS", value_delimiter = ',', value_name = "IDS")]
    allowed: Vec<i64>,
    /// User ids allowed to run /reload (comma-separated).
    #[arg(long = "admins", env = "QABOT_ADMINS", value_delimiter = ',', value_name = "IDS")]
    admins: Vec<i64>,
    /// Receive updates by webhook at this public URL instead of long polling.
    #[arg(long, value_name = "URL", requires = "listen")]
    webhook: Option<url::Url>,
    /// Address the webhook server listens on, e.g. 0.0.0.0:8443.
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::SocketAddr>,
    /// Do not watch the corpus for edits.
    #[arg(long)]
    no_watch: bool,
}

/// What every handler can see.
struct State {
    live: Live,
    allowed: Option<HashSet<i64>>,
    admins: HashSet<i64>,
    /// Messages already handled, so an update delivered twice is answered once.
    seen: std::sync::Mutex<Seen>,
}

/// The most recent (chat, message) ids handled; old ones are forgotten.
#[derive(Default)]
struct Seen {
    set: HashSet<(i64, i32)>,
    order: std::collections::VecDeque<(i64, i32)>,
}

impl Seen {
    const CAPACITY: usize = 10_000;

    /// `false` when this message was handled before.
    fn first_time(&mut self, key: (i64, i32)) -> bool {
        if !self.set.insert(key) {
            return false;
        }
        self.order.push_back(key);
        if self.order.len() > Self::CAPACITY {
            self.order.pop_front().map(|old| self.set.remove(&old));
        }
        true
    }
}

impl State {
    fn allows(&self, chat_or_user: i64) -> bool {
        self.allowed.as_ref().is_none_or(|ids| ids.contains(&chat_or_user))
    }
}

#[derive(BotCommands, Clone, Debug)]
#[command(rename_rule = "lowercase", description = "Ask me about networking, concurrency and Python:")]
enum Command {
    #[command(description = "welcome and examples")]
    Start,
    #[command(description = "how to ask")]
    Help,
    #[command(description = "answer a question, e.g. /ask 什么是粘包")]
    Ask(String),
    #[command(description = "browse topics by category")]
    Topics,
    #[command(description = "a random entry")]
    Random,
    #[command(description = "show an entry by id")]
    Show(String),
    #[command(description = "rebuild the index from the corpus (admins)")]
    Reload,
}

pub fn run(paths: &Paths, options: &Options) -> anyhow::Result<()> {
    let token = read_token(options)?;
    let live = Live::open(paths, !options.no_watch)?;
    let state = Arc::new(State {
        live,
        allowed: (!options.allowed.is_empty()).then(|| options.allowed.iter().copied().collect()),
        admins: options.admins.iter().copied().collect(),
        seen: Default::default(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(serve(token, options, state))
}

fn read_token(options: &Options) -> anyhow::Result<String> {
    let token = match &options.token_file {
        Some(path) => {
            warn_if_readable_by_others(path);
            std::fs::read_to_string(path).with_context(|| format!("reading the token file {}", path.display()))?
        }
        None => options.token.clone().unwrap_or_default(),
    };
    let token = token.trim().to_string();
    if token.is_empty() || token.contains(char::is_whitespace) {
        bail!("the bot token is empty or malformed: set TELOXIDE_TOKEN or pass --token-file");
    }
    Ok(token)
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(file = %path.display(), "the token file is readable by others: chmod 600 it");
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &std::path::Path) {}

async fn serve(token: String, options: &Options, state: Arc<State>) -> anyhow::Result<()> {
    let mut bot = Bot::new(&token);
    if let Some(url) = &options.api_url {
        bot = bot.set_api_url(url.clone());
    }
    let redact = Redactor(token);
    let me = get_me_with_retry(&bot, &redact).await?;
    tracing::info!(username = me.username(), "connected to the Bot API");
    let bot = bot.throttle(Limits::default());
    if let Err(e) = bot.set_my_commands(Command::bot_commands()).await {
        tracing::warn!(error = %redact.apply(&e.to_string()), "could not register the commands");
    }
    let mut dispatcher = Dispatcher::builder(bot.clone(), schema())
        .dependencies(dptree::deps![state, me])
        .error_handler(Arc::new(move |e: teloxide::RequestError| {
            let message = Redactor::scrub(&e.to_string());
            async move { tracing::warn!(error = %message, "handling an update failed") }
        }))
        .default_handler(|_| async {})
        .build();
    let shutdown = dispatcher.shutdown_token();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing replies in flight");
        if let Ok(done) = shutdown.shutdown() {
            done.await;
        }
    });
    let listener_errors = Arc::new(move |e: teloxide::RequestError| {
        let message = Redactor::scrub(&e.to_string());
        async move { tracing::warn!(error = %message, "receiving updates failed; retrying") }
    });
    match (&options.webhook, options.listen) {
        (Some(url), Some(address)) => {
            let webhook = teloxide::update_listeners::webhooks::Options::new(address, url.clone());
            let listener = teloxide::update_listeners::webhooks::axum(bot, webhook)
                .await
                .map_err(|e| anyhow::anyhow!("setting up the webhook failed: {}", redact.apply(&e.to_string())))?;
            let never = Arc::new(|e: std::convert::Infallible| async move { match e {} });
            dispatcher.dispatch_with_listener(listener, never).await;
        }
        _ => {
            let listener = teloxide::update_listeners::polling_default(bot).await;
            dispatcher.dispatch_with_listener(listener, listener_errors).await;
        }
    }
    Ok(())
}

/// Bot API errors carry the request URL, which holds the token.
struct Redactor(String);

impl Redactor {
    fn apply(&self, text: &str) -> String {
        text.replace(&self.0, "<token>")
    }

    /// Removes anything shaped like a bot token (`123456:ABC…`) from `text`.
    fn scrub(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for (i, part) in text.split("/bot").enumerate() {
            if i > 0 {
                out.push_str("/bot");
                let end = part.find('/').unwrap_or(part.len());
                out.push_str("<token>");
                out.push_str(&part[end..]);
            } else {
                out.push_str(part);
            }
        }
        out
    }
}

async fn get_me_with_retry(bot: &Bot, redact: &Redactor) -> anyhow::Result<Me> {
    let mut delay = Duration::from_millis(500);
    for attempt in 1..=8 {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(teloxide::RequestError::Api(e)) => bail!("the Bot API refused the token: {e}"),
            Err(e) => {
                tracing::warn!(attempt, error = %redact.apply(&e.to_string()), "cannot reach the Bot API yet");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        }
    }
    bail!("cannot reach the Bot API; check the network or --api-url")
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("installing a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

fn schema() -> UpdateHandler<teloxide::RequestError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline_query))
}

async fn on_message(bot: Tg, msg: Message, me: Me, state: Arc<State>) -> HandlerResult {
    let Some(text) = msg.text() else { return Ok(()) };
    let first_time = state.seen.lock().unwrap_or_else(|e| e.into_inner()).first_time((msg.chat.id.0, msg.id.0));
    if !first_time {
        tracing::info!(chat = msg.chat.id.0, message = msg.id.0, "ignoring a message delivered twice");
        return Ok(());
    }
    let private = msg.chat.is_private();
    let command = Command::parse(text, me.username()).ok();
    let addressed = private || command.is_some() || mentions(&msg, &me) || replies_to(&msg, &me);
    if !addressed {
        return Ok(());
    }
    if !state.allows(msg.chat.id.0) {
        let refusal = "Sorry, this bot is not allowed in this chat.";
        bot.send_message(msg.chat.id, refusal).reply_parameters(ReplyParameters::new(msg.id)).await?;
        return Ok(());
    }
    let reply = Reply { bot: &bot, chat: msg.chat.id, to: Some(msg.id) };
    match command {
        Some(command) => on_command(&reply, command, &msg, &state).await,
        None if text.trim_start().starts_with('/') && private => {
            reply.text("I don't know that command. /help lists what I can do.", None).await
        }
        None => {
            let question = text.replace(&format!("@{}", me.username()), " ");
            reply.answer(&state, question).await
        }
    }
}

async fn on_command(reply: &Reply<'_>, command: Command, msg: &Message, state: &Arc<State>) -> HandlerResult {
    let engine = state.live.engine();
    match command {
        Command::Start => {
            let examples: Vec<Hit> =
                ["tcp和udp的区别", "什么是粘包", "what is the GIL"].iter().filter_map(|q| engine.ask(q).best).collect();
            let text = format!(
                "Ask me a question about networking, concurrency or Python, in Chinese or English — \
                 just type it. In groups, mention me or use /ask. I know {} entries. Try:",
                engine.len()
            );
            reply.text(&text, keyboard(&examples)).await
        }
        Command::Help => reply.text(&help_text(), None).await,
        Command::Ask(question) if question.trim().is_empty() => reply.text("Usage: /ask 什么是粘包", None).await,
        Command::Ask(question) => reply.answer(state, question).await,
        Command::Topics => {
            let categories = super::categories(&engine.entries());
            let mut text = String::from("<b>Topics</b>\n");
            let buttons = categories.iter().enumerate().map(|(i, (name, hits))| {
                text.push_str(&format!("\n{} ({})", escape(name), hits.len()));
                vec![InlineKeyboardButton::callback(format!("{name} ({})", hits.len()), format!("c:{i}:0"))]
            });
            let markup = InlineKeyboardMarkup::new(buttons.collect::<Vec<_>>());
            reply.text(&text, Some(markup)).await
        }
        Command::Random => match super::random_entry(&engine) {
            Some((hit, related)) => reply.entry(&hit, &related).await,
            None => reply.text("The corpus is empty.", None).await,
        },
        Command::Show(id) => match engine.show(id.trim()) {
            Some((hit, related)) => reply.entry(&hit, &related).await,
            None => reply.text(&format!("No entry with id {}.", escape(id.trim())), None).await,
        },
        Command::Reload => {
            let user = msg.from.as_ref().map_or(0, |u| u.id.0 as i64);
            if !state.admins.contains(&user) {
                return reply.text("Only admins can reload (QABOT_ADMINS).", None).await;
            }
            let outcome = tokio::task::spawn_blocking({
                let state = state.clone();
                move || state.live.reload()
            })
            .await;
            let text = match outcome {
                Ok(Ok(summary)) => format!("Reloaded: {}", escape(&summary)),
                Ok(Err(e)) => format!(
                    "Reload failed; still serving the previous index.\n<pre>{}</pre>",
                    escape(&format!("{e:#}"))
                ),
                Err(e) => format!("Reload failed: {}", escape(&e.to_string())),
            };
            reply.text(&text, None).await
        }
    }
}

fn help_text() -> String {
    format!(
        "Type a question, e.g. <i>tcp跟udp有啥不一样</i> or <i>what is the GIL</i>. \
         Tap a related topic to read it. In groups, mention me or use /ask. \
         In any chat, type @ and my name, then a question.\n\n{}",
        escape(&Command::descriptions().to_string())
    )
}

async fn on_callback(bot: Tg, query: CallbackQuery, state: Arc<State>) -> HandlerResult {
    bot.answer_callback_query(query.id.clone()).await?;
    let Some(chat) = query.message.as_ref().map(|m| m.chat().id) else { return Ok(()) };
    if !state.allows(chat.0) {
        return Ok(());
    }
    let reply = Reply { bot: &bot, chat, to: None };
    let data = query.data.as_deref().unwrap_or("");
    let engine = state.live.engine();
    if let Some(id) = data.strip_prefix("s:") {
        match engine.show(id) {
            Some((hit, related)) => reply.entry(&hit, &related).await,
            None => reply.text("That entry is gone; the corpus has changed.", None).await,
        }
    } else if let Some((category, page)) = data.strip_prefix("c:").and_then(|r| r.split_once(':')) {
        let (Ok(category), Ok(page)) = (category.parse::<usize>(), page.parse::<usize>()) else { return Ok(()) };
        let categories = super::categories(&engine.entries());
        let Some((name, hits)) = categories.get(category) else { return Ok(()) };
        let (text, markup) = category_page(category, name, hits, page);
        reply.text(&text, Some(markup)).await
    } else {
        Ok(())
    }
}

const PAGE: usize = 10;

fn category_page(index: usize, name: &str, hits: &[Hit], page: usize) -> (String, InlineKeyboardMarkup) {
    let pages = hits.len().div_ceil(PAGE).max(1);
    let page = page.min(pages - 1);
    let shown = &hits[page * PAGE..hits.len().min((page + 1) * PAGE)];
    let mut text = format!("<b>{}</b> ({}/{pages})\n", escape(name), page + 1);
    for hit in shown {
        text.push_str(&format!("\n• {}", escape(&hit.question)));
    }
    let mut rows = keyboard(shown).map_or_else(Vec::new, |k| k.inline_keyboard);
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(InlineKeyboardButton::callback("◀ previous", format!("c:{index}:{}", page - 1)));
    }
    if page + 1 < pages {
        nav.push(InlineKeyboardButton::callback("next ▶", format!("c:{index}:{}", page + 1)));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    (text, InlineKeyboardMarkup::new(rows))
}

async fn on_inline_query(bot: Tg, query: InlineQuery, state: Arc<State>) -> HandlerResult {
    if !state.allows(query.from.id.0 as i64) {
        return bot.answer_inline_query(query.id, Vec::<InlineQueryResult>::new()).await.map(|_| ());
    }
    let engine = state.live.engine();
    let text = query.query.clone();
    let hits = tokio::task::spawn_blocking(move || engine.search(&text, 10)).await.unwrap_or_default();
    let results: Vec<InlineQueryResult> = hits
        .iter()
        .filter(|hit| hit.id.len() <= 64)
        .map(|hit| {
            let first = entry_messages(&hit.question, &hit.answer).swap_remove(0);
            let content = InputMessageContentText::new(first).parse_mode(ParseMode::Html);
            let article = InlineQueryResultArticle::new(&hit.id, &hit.question, InputMessageContent::Text(content))
                .description(hit.category.clone());
            InlineQueryResult::Article(article)
        })
        .collect();
    bot.answer_inline_query(query.id, results).await.map(|_| ())
}

fn mentions(msg: &Message, me: &Me) -> bool {
    let name = format!("@{}", me.username()).to_lowercase();
    msg.text().is_some_and(|t| t.to_lowercase().contains(&name))
}

fn replies_to(msg: &Message, me: &Me) -> bool {
    msg.reply_to_message().and_then(|m| m.from.as_ref()).is_some_and(|u| u.id == me.id)
}

/// Up to 5 entries as buttons, one per row; ids too long for callback data are left out.
fn keyboard(hits: &[Hit]) -> Option<InlineKeyboardMarkup> {
    let rows: Vec<Vec<InlineKeyboardButton>> = hits
        .iter()
        .map(|h| (h, format!("s:{}", h.id)))
        .filter(|(_, data)| data.len() <= 64)
        .take(5)
        .map(|(h, data)| vec![InlineKeyboardButton::callback(button_label(&h.question), data)])
        .collect();
    (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
}

fn button_label(question: &str) -> String {
    let mut label: String = question.chars().take(60).collect();
    if question.chars().count() > 60 {
        label.push('…');
    }
    label
}

/// How often a message is tried before it is given up (and logged).
const SEND_ATTEMPTS: u32 = 6;

/// Errors worth another try: the network, and the server's own failures.
fn is_transient(error: &teloxide::RequestError) -> bool {
    use teloxide::{ApiError, RequestError};
    match error {
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => true,
        RequestError::Api(ApiError::Unknown(text)) => {
            let text = text.to_lowercase();
            ["internal server error", "bad gateway", "service unavailable", "gateway timeout"]
                .iter()
                .any(|t| text.contains(t))
        }
        _ => false,
    }
}

/// Where replies go.
#[derive(Clone, Copy)]
struct Reply<'a> {
    bot: &'a Tg,
    chat: ChatId,
    to: Option<MessageId>,
}

impl Reply<'_> {
    /// Sends one message. Rate limits (429) are waited out by the Throttle
    /// adaptor; network errors and server errors are retried with backoff.
    async fn text(&self, html: &str, markup: Option<InlineKeyboardMarkup>) -> HandlerResult {
        let mut delay = Duration::from_millis(200);
        let mut attempt = 1;
        loop {
            let mut request = self.bot.send_message(self.chat, html).parse_mode(ParseMode::Html);
            if let Some(to) = self.to {
                request = request.reply_parameters(ReplyParameters::new(to).allow_sending_without_reply());
            }
            if let Some(markup) = markup.clone() {
                request = request.reply_markup(markup);
            }
            match request.await {
                Ok(_) => return Ok(()),
                Err(e) if attempt < SEND_ATTEMPTS && is_transient(&e) => {
                    tracing::warn!(attempt, error = %Redactor::scrub(&e.to_string()), "sending failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(10));
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// An entry in as many messages as it needs; the related topics' buttons
    /// come with the last one.
    async fn entry(&self, hit: &Hit, related: &[Hit]) -> HandlerResult {
        let messages = entry_messages(&hit.question, &hit.answer);
        let last = messages.len() - 1;
        for (i, message) in messages.iter().enumerate() {
            let markup = if i == last { keyboard(related) } else { None };
            let reply = Reply { to: if i == 0 { self.to } else { None }, ..*self };
            reply.text(message, markup).await?;
        }
        Ok(())
    }

    /// Answers a question; shows "typing…" only when that takes a while.
    async fn answer(&self, state: &Arc<State>, question: String) -> HandlerResult {
        let engine = state.live.engine();
        let typing = tokio::spawn({
            let (bot, chat) = (self.bot.clone(), self.chat);
            async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                let _ = bot.send_chat_action(chat, ChatAction::Typing).await;
            }
        });
        let asked = question.clone();
        let answer = tokio::task::spawn_blocking(move || engine.ask(&asked)).await.unwrap_or_default();
        typing.abort();
        state.live.record_unanswered(&question, &answer, "telegram");
        self.answer_text(&answer).await
    }

    async fn answer_text(&self, answer: &Answer) -> HandlerResult {
        if let Some(best) = &answer.best {
            return self.entry(best, &answer.related).await;
        }
        let text = match answer.note {
            Some(note) if answer.suggestions.is_empty() => escape(note.message()),
            _ if answer.suggestions.is_empty() => "I don't know that one: nothing in my corpus matches.".to_string(),
            _ => "I don't know that one. Did you mean:".to_string(),
        };
        self.text(&text, keyboard(&answer.suggestions)).await
    }
}
