//! A fake Telegram Bot API server on loopback: it queues scripted updates for `getUpdates`, answers the other
//! methods with valid Bot API JSON, records every request and can fail the next call of a method on demand:
//! with an HTTP error, a dropped connection, a malformed body or a late answer.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::serve::IncomingStream;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The bot's `id`, as `getMe` reports it.
pub const BOT_ID: i64 = 4242;
/// The bot's `username`, as `getMe` reports it.
pub const BOT_USERNAME: &str = "qabot_test_bot";

/// The longest a `getUpdates` call waits for updates, whatever `timeout` it asks for.
const MAX_POLL_WAIT: Duration = Duration::from_secs(1);
const POLL_STEP: Duration = Duration::from_millis(20);
/// The bot's own messages get ids from here up; scripted user messages should stay below.
const FIRST_BOT_MESSAGE_ID: i64 = 100_000;

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method, lower-cased: `sendmessage`, `getupdates`…
    pub method: String,
    /// The token from the URL (`/bot<TOKEN>/<Method>`).
    pub token: String,
    /// The JSON body; a multipart or form body becomes an object of its fields.
    pub body: Value,
    /// The `result` the fake answered with (`null` for a faulted request).
    pub result: Value,
    /// Whether the request was failed on purpose ([`FakeBotApi::fail_next`]) rather than delivered.
    pub faulted: bool,
}

/// A failure to inject into the next call of a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 with `parameters.retry_after`.
    TooManyRequests { retry_after: u64 },
    /// HTTP 500. (teloxide waits 10 s after a server error before returning it.)
    ServerError,
    /// The connection is reset (RST) without any response: the request was read but not carried out.
    Reset,
    /// HTTP 200 with a truncated JSON body; the request is not carried out.
    MalformedJson,
    /// The request is carried out and answered normally, but only after this long.
    Slow(Duration),
    /// Nothing for this long, then the connection is reset; the request is not carried out.
    Hang(Duration),
}

impl Fault {
    /// Whether a request that meets this fault is still carried out (and recorded as delivered).
    fn delivers(self) -> bool {
        matches!(self, Fault::Slow(_))
    }
}

#[derive(Default)]
struct Inner {
    updates: Vec<Value>,
    /// Updates the next `getUpdates` sends again, whatever its offset.
    redeliveries: Vec<Value>,
    next_update_id: i64,
    next_message_id: i64,
    requests: Vec<Request>,
    faults: VecDeque<(String, Fault)>,
}

type Shared = Arc<Mutex<Inner>>;

/// The running server; it stops when dropped.
pub struct FakeBotApi {
    url: String,
    inner: Shared,
    runtime: Option<tokio::runtime::Runtime>,
}

impl FakeBotApi {
    /// Starts the server on `127.0.0.1` at a free port, in a runtime of its own.
    pub fn start() -> FakeBotApi {
        let inner: Shared = Arc::new(Mutex::new(Inner {
            next_update_id: 1,
            next_message_id: FIRST_BOT_MESSAGE_ID,
            ..Inner::default()
        }));
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().route("/{bot}/{method}", post(handle)).with_state(inner.clone());
        runtime.spawn(async move {
            let listener = Connections(tokio::net::TcpListener::from_std(listener).unwrap());
            axum::serve(listener, app.into_make_service_with_connect_info::<Connection>()).await.unwrap();
        });
        FakeBotApi { url, inner, runtime: Some(runtime) }
    }

    /// The base URL to give the bot (`--api-url`), without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Queues an update for `getUpdates`, giving it the next `update_id`, which it returns.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let mut inner = self.lock();
        let id = inner.next_update_id;
        inner.next_update_id += 1;
        update["update_id"] = json!(id);
        inner.updates.push(update);
        id
    }

    /// Queues many updates at once; returns the first one's `update_id`.
    pub fn push_updates(&self, updates: impl IntoIterator<Item = Value>) -> i64 {
        let mut inner = self.lock();
        let first = inner.next_update_id;
        for mut update in updates {
            update["update_id"] = json!(inner.next_update_id);
            inner.next_update_id += 1;
            inner.updates.push(update);
        }
        first
    }

    /// Makes the next `getUpdates` send update `update_id` again, as Telegram does when it did not see the
    /// offset that confirmed it.
    pub fn redeliver(&self, update_id: i64) {
        let mut inner = self.lock();
        let update = inner.updates.iter().find(|u| self::update_id(u) == update_id).cloned();
        inner.redeliveries.push(update.unwrap_or_else(|| panic!("no update {update_id} to deliver again")));
    }

    /// Makes the next call of `method` (any case) fail with `fault`.
    pub fn fail_next(&self, method: &str, fault: Fault) {
        self.lock().faults.push_back((method.to_lowercase(), fault));
    }

    /// Whether every fault queued with [`FakeBotApi::fail_next`] has been met.
    pub fn faults_done(&self) -> bool {
        self.lock().faults.is_empty()
    }

    /// Every request so far, faulted ones included.
    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    /// The last `last` calls but `getUpdates`, one per line, for failure messages.
    pub fn describe_calls(&self, last: usize) -> String {
        let requests = self.requests();
        let calls: Vec<String> = requests
            .iter()
            .filter(|r| r.method != "getupdates")
            .map(|r| format!("  {}{} {}", r.method, if r.faulted { " (faulted)" } else { "" }, r.body))
            .collect();
        calls[calls.len().saturating_sub(last)..].join("\n")
    }

    /// The bodies of the delivered (not faulted) calls of `method` (any case), in order.
    pub fn sent(&self, method: &str) -> Vec<Value> {
        delivered(&self.lock().requests, method).map(|r| r.body.clone()).collect()
    }

    /// Polls the recorded requests every 20 ms until `done` holds; false when `timeout` passes first.
    pub fn wait_for(&self, mut done: impl FnMut(&[Request]) -> bool, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if done(&self.lock().requests) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(POLL_STEP);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for FakeBotApi {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The delivered (not faulted) requests of `method` (any case), with the fake's answers.
pub fn delivered<'a>(requests: &'a [Request], method: &str) -> impl Iterator<Item = &'a Request> {
    let method = method.to_lowercase();
    requests.iter().filter(move |r| r.method == method && !r.faulted)
}

async fn handle(
    State(shared): State<Shared>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(token) = bot.strip_prefix("bot") else {
        return reply(StatusCode::NOT_FOUND, json!({"ok": false, "error_code": 404, "description": "Not Found"}));
    };
    let method = method.to_lowercase();
    let body = parse_body(&headers, &body);
    if method == "getupdates" {
        wait_for_updates(&shared, &body).await;
    }
    let fault = take_fault(&mut lock(&shared).faults, &method);
    let token = token.to_string();
    if let Some(fault) = fault.filter(|f| !f.delivers()) {
        // Recorded before any wait: the client may give up, and hyper then drops this future.
        lock(&shared).requests.push(Request { method, token, body, result: Value::Null, faulted: true });
        return fault_response(fault, &connection).await;
    }
    if let Some(Fault::Slow(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    let mut inner = lock(&shared);
    let result = answer(&mut inner, &method, &body);
    inner.requests.push(Request { method, token, body, result: result.clone(), faulted: false });
    reply(StatusCode::OK, json!({"ok": true, "result": result}))
}

fn lock(shared: &Shared) -> MutexGuard<'_, Inner> {
    shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn reply(status: StatusCode, body: Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn take_fault(faults: &mut VecDeque<(String, Fault)>, method: &str) -> Option<Fault> {
    let position = faults.iter().position(|(m, _)| m == method)?;
    faults.remove(position).map(|(_, fault)| fault)
}

/// What a request that is not carried out gets.
async fn fault_response(fault: Fault, connection: &Connection) -> Response {
    match fault {
        Fault::TooManyRequests { retry_after } => reply(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"ok": false, "error_code": 429, "description": format!("Too Many Requests: retry after {retry_after}"),
                   "parameters": {"retry_after": retry_after}}),
        ),
        Fault::ServerError => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"ok": false, "error_code": 500, "description": "Internal Server Error"}),
        ),
        Fault::MalformedJson => {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], r#"{"ok": true, "result": {"mess"#)
                .into_response()
        }
        Fault::Reset | Fault::Hang(_) | Fault::Slow(_) => {
            if let Fault::Hang(delay) = fault {
                tokio::time::sleep(delay).await;
            }
            connection.reset();
            // Never sent: the connection fails as soon as hyper writes this.
            StatusCode::OK.into_response()
        }
    }
}

// ---- Connections that can be reset -------------------------------------------------------------------------

/// The listener behind the fake: every accepted connection gets a [`Connection`] switch that handlers see.
struct Connections(tokio::net::TcpListener);

/// A handler's way to reset the connection its request came on.
#[derive(Clone, Debug, Default)]
struct Connection(Arc<AtomicBool>);

impl Connection {
    /// The next write fails and the socket is closed with an RST: the client gets no response at all.
    fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl axum::serve::Listener for Connections {
    type Io = Stream;
    type Addr = Connection;

    async fn accept(&mut self) -> (Stream, Connection) {
        loop {
            match self.0.accept().await {
                Ok((tcp, _)) => {
                    let connection = Connection::default();
                    return (Stream { tcp, reset: connection.0.clone() }, connection);
                }
                // Out of file descriptors and the like: wait and try again, as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Connection> {
        self.0.local_addr().map(|_| Connection::default())
    }
}

impl Connected<IncomingStream<'_, Connections>> for Connection {
    fn connect_info(stream: IncomingStream<'_, Connections>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream whose writes fail once its connection is reset.
struct Stream {
    tcp: tokio::net::TcpStream,
    reset: Arc<AtomicBool>,
}

impl Stream {
    fn check(&self) -> std::io::Result<()> {
        if !self.reset.load(Ordering::SeqCst) {
            return Ok(());
        }
        // Linger 0: closing sends an RST instead of a FIN.
        let _ = self.tcp.set_zero_linger();
        Err(std::io::ErrorKind::ConnectionReset.into())
    }
}

impl AsyncRead for Stream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// Long polling: waits until an update at or after `offset` is queued, at most `timeout` (capped at 1 s).
async fn wait_for_updates(inner: &Shared, body: &Value) {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0)).min(MAX_POLL_WAIT);
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let ready = {
            let inner = lock(inner);
            !inner.redeliveries.is_empty() || inner.updates.iter().any(|u| update_id(u) >= offset)
        };
        if ready || tokio::time::Instant::now() >= deadline {
            return;
        }
        tokio::time::sleep(POLL_STEP).await;
    }
}

fn update_id(update: &Value) -> i64 {
    update["update_id"].as_i64().unwrap_or(0)
}

/// The `result` of a delivered call.
fn answer(inner: &mut Inner, method: &str, body: &Value) -> Value {
    match method {
        "getme" => me(),
        "getupdates" => {
            let mut updates = std::mem::take(&mut inner.redeliveries);
            updates.extend(pending_updates(&inner.updates, body));
            Value::Array(updates)
        }
        "getwebhookinfo" => json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0}),
        "sendmessage" => {
            let id = inner.next_message_id;
            inner.next_message_id += 1;
            bot_message(id, &body["chat_id"], body["text"].as_str().unwrap_or_default(), &body["reply_markup"])
        }
        "editmessagetext" | "editmessagereplymarkup" if body.get("inline_message_id").is_none() => {
            let id = body["message_id"].as_i64().unwrap_or(0);
            bot_message(id, &body["chat_id"], body["text"].as_str().unwrap_or("edited"), &body["reply_markup"])
        }
        _ => json!(true),
    }
}

fn pending_updates(updates: &[Value], body: &Value) -> Vec<Value> {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let limit = body["limit"].as_u64().map_or(100, |l| l.clamp(1, 100)) as usize;
    updates.iter().filter(|u| update_id(u) >= offset).take(limit).cloned().collect()
}

/// The bot as a message's sender.
pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "qabot", "username": BOT_USERNAME})
}

/// The bot as `getMe` describes it (teloxide 0.17 requires `has_main_web_app`).
fn me() -> Value {
    let mut me = bot_user();
    let capabilities = json!({"can_join_groups": true, "can_read_all_group_messages": false,
                              "supports_inline_queries": true, "can_connect_to_business": false,
                              "has_main_web_app": false});
    me.as_object_mut().unwrap().extend(capabilities.as_object().unwrap().clone());
    me
}

/// A message the bot sent, as `sendMessage` returns it.
fn bot_message(message_id: i64, chat_id: &Value, text: &str, reply_markup: &Value) -> Value {
    let chat_id = chat_id.as_i64().or_else(|| chat_id.as_str().and_then(|s| s.parse().ok())).unwrap_or(0);
    let chat = if chat_id > 0 { private_chat(chat_id) } else { group_chat(chat_id) };
    let mut message = json!({"message_id": message_id, "date": now(), "chat": chat, "from": bot_user(), "text": text});
    if reply_markup.get("inline_keyboard").is_some() {
        message["reply_markup"] = reply_markup.clone();
    }
    message
}

/// Parses a JSON, multipart or url-encoded body; fields of a form that hold JSON (`reply_markup`) are parsed too.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> Value {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let text = String::from_utf8_lossy(body);
    if let Some(boundary) = content_type.split("boundary=").nth(1) {
        return multipart_fields(&text, boundary.trim_matches('"'));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let fields = text.split('&').filter_map(|pair| pair.split_once('=')).map(|(k, v)| (k, v.replace('+', " ")));
        return Value::Object(fields.map(|(k, v)| (k.to_string(), field_value(&v))).collect());
    }
    serde_json::from_str(&text).unwrap_or_else(|_| if text.is_empty() { json!({}) } else { json!({"_raw": text}) })
}

/// The text fields of a multipart body (file contents are kept as text, lossily).
fn multipart_fields(text: &str, boundary: &str) -> Value {
    let mut fields = Map::new();
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else { continue };
        let Some(name) = head.split("name=\"").nth(1).and_then(|rest| rest.split('"').next()) else { continue };
        fields.insert(name.to_string(), field_value(value.strip_suffix("\r\n").unwrap_or(value)));
    }
    Value::Object(fields)
}

fn field_value(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(value) if value.is_object() || value.is_array() || value.is_number() || value.is_boolean() => value,
        _ => Value::String(text.to_string()),
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

// ---- Updates to script -------------------------------------------------------------------------------------

/// A user (`id` > 0).
pub fn user(id: i64) -> Value {
    json!({"id": id, "is_bot": false, "first_name": format!("User {id}"), "username": format!("user{id}"),
           "language_code": "en"})
}

/// The private chat with user `id`.
pub fn private_chat(id: i64) -> Value {
    json!({"id": id, "type": "private", "first_name": format!("User {id}"), "username": format!("user{id}")})
}

/// A supergroup (`id` < 0).
pub fn group_chat(id: i64) -> Value {
    json!({"id": id, "type": "supergroup", "title": format!("Group {id}")})
}

/// A text message update from user `user_id` in `chat`; a leading `/command` gets its `bot_command` entity.
pub fn text_message(chat: Value, user_id: i64, message_id: i64, text: &str) -> Value {
    let mut message =
        json!({"message_id": message_id, "date": now(), "chat": chat, "from": user(user_id), "text": text});
    if let Some(command) = text.strip_prefix('/') {
        let length = 1 + command.split_whitespace().next().unwrap_or_default().encode_utf16().count();
        message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
    }
    json!({"message": message})
}

/// A text message from user `user_id` in their private chat with the bot.
pub fn private_text(user_id: i64, message_id: i64, text: &str) -> Value {
    text_message(private_chat(user_id), user_id, message_id, text)
}

/// A text message from user `user_id` in the supergroup `chat_id`.
pub fn group_text(chat_id: i64, user_id: i64, message_id: i64, text: &str) -> Value {
    text_message(group_chat(chat_id), user_id, message_id, text)
}

/// Adds a `mention` entity for each `@qabot_test_bot` in a message update's text (offsets in UTF-16 units).
pub fn with_mention(mut update: Value) -> Value {
    let text = update["message"]["text"].as_str().unwrap_or_default().to_string();
    let mention = format!("@{BOT_USERNAME}");
    let length = mention.encode_utf16().count();
    let mut entities: Vec<Value> = update["message"]["entities"].as_array().cloned().unwrap_or_default();
    for (at, _) in text.match_indices(&mention) {
        let offset = text[..at].encode_utf16().count();
        entities.push(json!({"type": "mention", "offset": offset, "length": length}));
    }
    update["message"]["entities"] = Value::Array(entities);
    update
}

/// Makes a message update a reply to `message` (for example the bot's answer, a [`Request::result`]).
pub fn replying_to(mut update: Value, message: &Value) -> Value {
    update["message"]["reply_to_message"] = message.clone();
    update
}

/// A tap on an inline button with `data` under `message` (the bot's message, a [`Request::result`]).
pub fn callback_query(id: &str, user_id: i64, message: &Value, data: &str) -> Value {
    json!({"callback_query": {"id": id, "from": user(user_id), "message": message,
                              "chat_instance": format!("instance-{user_id}"), "data": data}})
}

/// An inline query `@qabot_test_bot query` from user `user_id`.
pub fn inline_query(id: &str, user_id: i64, query: &str) -> Value {
    json!({"inline_query": {"id": id, "from": user(user_id), "query": query, "offset": "", "chat_type": "private"}})
}

// ---- The fake against teloxide's own client ----------------------------------------------------------------

#[test]
fn teloxide_talks_to_the_fake() {
    use teloxide::prelude::*;

    let api = FakeBotApi::start();
    let bot = Bot::new("123:TEST").set_api_url(api.url().parse().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (me, sent) = runtime.block_on(async {
        let me = bot.get_me().await.unwrap();
        (me, bot.send_message(ChatId(1), "hi").await.unwrap())
    });
    assert_eq!(me.username(), BOT_USERNAME);
    assert_eq!(me.id.0, BOT_ID as u64);
    assert_eq!((sent.chat.id, sent.text()), (ChatId(1), Some("hi")));
    let methods: Vec<_> = api.requests().iter().map(|r| (r.method.clone(), r.token.clone())).collect();
    assert_eq!(methods, [("getme".into(), "123:TEST".into()), ("sendmessage".into(), "123:TEST".into())]);
    assert_eq!(api.sent("SendMessage"), [json!({"chat_id": 1, "text": "hi"})]);
}

#[test]
fn updates_are_delivered_from_the_offset_and_faults_are_recorded() {
    use teloxide::prelude::*;
    use teloxide::types::UpdateKind;

    let api = FakeBotApi::start();
    let bot = Bot::new("123:TEST").set_api_url(api.url().parse().unwrap());
    let first = api.push_update(private_text(7, 1, "hello"));
    api.push_update(with_mention(group_text(-1001, 8, 2, "@qabot_test_bot 什么是粘包")));
    let answer = bot_message(FIRST_BOT_MESSAGE_ID, &json!(-1001), "<b>什么是粘包</b>", &Value::Null);
    api.push_update(replying_to(group_text(-1001, 8, 3, "再问一个"), &answer));
    api.fail_next("sendMessage", Fault::TooManyRequests { retry_after: 1 });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let updates = bot.get_updates().offset(first as i32 + 1).timeout(5).await.unwrap();
        assert_eq!(updates.len(), 2);
        let UpdateKind::Message(message) = &updates[0].kind else { panic!("{:?}", updates[0]) };
        assert_eq!(message.parse_entities().unwrap()[0].text(), "@qabot_test_bot");
        let UpdateKind::Message(reply) = &updates[1].kind else { panic!("{:?}", updates[1]) };
        let replied = reply.reply_to_message().and_then(|m| m.from.as_ref()).map(|u| u.id.0);
        assert_eq!(replied, Some(BOT_ID as u64));
        let started = std::time::Instant::now();
        let none = bot.get_updates().offset(first as i32 + 3).timeout(30).await.unwrap();
        assert!(none.is_empty() && started.elapsed() < Duration::from_secs(3), "polls are capped at 1 s");
        let error = bot.send_message(ChatId(7), "x").await.unwrap_err();
        assert!(matches!(error, teloxide::RequestError::RetryAfter(_)), "{error:?}");
        bot.send_message(ChatId(7), "y").await.unwrap();
    });
    let sends: Vec<_> = api.requests().into_iter().filter(|r| r.method == "sendmessage").collect();
    assert_eq!(sends.iter().map(|r| r.faulted).collect::<Vec<_>>(), [true, false]);
    assert_eq!(api.sent("sendmessage").len(), 1);
}

#[test]
fn a_server_error_is_a_500_and_unknown_methods_succeed() {
    let api = FakeBotApi::start();
    api.fail_next("getMe", Fault::ServerError);
    let (status, body) = raw_post(api.url(), "/bot1:T/GetMe", "{}");
    assert_eq!((status, body["error_code"].clone()), (500, json!(500)));
    let (status, body) = raw_post(api.url(), "/bot1:T/getMe", "");
    assert_eq!((status, body["result"]["username"].clone()), (200, json!(BOT_USERNAME)));
    let (status, body) = raw_post(api.url(), "/bot1:T/setChatMenuButton", r#"{"chat_id": 1}"#);
    assert_eq!((status, body), (200, json!({"ok": true, "result": true})));
    let faulted: Vec<_> = api.requests().iter().map(|r| (r.method.clone(), r.faulted)).collect();
    assert_eq!(faulted, [("getme".into(), true), ("getme".into(), false), ("setchatmenubutton".into(), false)]);
}

#[test]
fn resets_malformed_bodies_slow_answers_and_redeliveries() {
    use teloxide::RequestError;
    use teloxide::prelude::*;

    let api = FakeBotApi::start();
    let bot = Bot::new("123:TEST").set_api_url(api.url().parse().unwrap());
    let first = api.push_update(private_text(7, 1, "hello"));
    for fault in [Fault::Reset, Fault::MalformedJson, Fault::Slow(Duration::from_millis(300))] {
        api.fail_next("sendMessage", fault);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let error = bot.send_message(ChatId(7), "reset").await.unwrap_err();
        assert!(matches!(error, RequestError::Network(_)), "{error:?}");
        let error = bot.send_message(ChatId(7), "malformed").await.unwrap_err();
        assert!(matches!(error, RequestError::InvalidJson { .. }), "{error:?}");
        let started = Instant::now();
        bot.send_message(ChatId(7), "slow").await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(300));
        bot.send_message(ChatId(7), "after a reset, a new connection").await.unwrap();
        assert!(bot.get_updates().offset(first as i32 + 1).await.unwrap().is_empty());
        api.redeliver(first);
        let again = bot.get_updates().offset(first as i32 + 1).await.unwrap();
        assert_eq!(again.iter().map(|u| i64::from(u.id.0)).collect::<Vec<_>>(), [first]);
    });
    let sends: Vec<_> = api.requests().into_iter().filter(|r| r.method == "sendmessage").collect();
    assert_eq!(sends.iter().map(|r| r.faulted).collect::<Vec<_>>(), [true, true, false, false]);
    let texts: Vec<_> = api.sent("sendMessage").iter().map(|b| b["text"].as_str().unwrap().to_string()).collect();
    assert_eq!(texts, ["slow", "after a reset, a new connection"]);
    assert!(api.faults_done());
}

/// A bare HTTP/1.1 POST of a JSON body: the status and the JSON answer.
#[cfg(test)]
fn raw_post(url: &str, path: &str, body: &str) -> (u16, Value) {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let json =
        response.split_once("\r\n\r\n").map_or(Value::Null, |(_, b)| serde_json::from_str(b).unwrap_or(Value::Null));
    (status, json)
}

/// `qabot telegram` run against `api_url` over a copy of the bundled corpus
/// plus `extra` files, its stderr captured to a file in the temporary directory.
pub struct SpawnedBot {
    pub dir: tempfile::TempDir,
    pub child: std::process::Child,
    pub stderr: std::path::PathBuf,
}

pub fn spawn_bot(
    api_url: &str,
    token: &str,
    log_level: &str,
    extra: &[(&str, &str)],
    env: &[(&str, &str)],
) -> SpawnedBot {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for name in ["network-and-concurrency.md", "glossary.toml"] {
        std::fs::copy(super::support::repo().join("corpus").join(name), corpus.join(name)).unwrap();
    }
    for (name, text) in extra {
        std::fs::write(corpus.join(name), text).unwrap();
    }
    let stderr = dir.path().join("stderr.log");
    let child = Command::new(env!("CARGO_BIN_EXE_qabot"))
        .current_dir(dir.path())
        .arg("--corpus")
        .arg(&corpus)
        .arg("--index")
        .arg(dir.path().join("index"))
        .args(["telegram", "--no-watch", "--api-url", api_url])
        .env("TELOXIDE_TOKEN", token)
        .env("RUST_LOG", log_level)
        .env_remove("TELOXIDE_API_URL")
        .env_remove("QABOT_ALLOWED_CHATS")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    SpawnedBot { dir, child, stderr }
}
