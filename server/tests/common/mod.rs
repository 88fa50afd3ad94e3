//! A real server on 127.0.0.1:0 with a temporary SQLite file (or a scratch
//! PostgreSQL database, see `engine`), and a plain TCP client that speaks
//! the protocol line by line, as a third party would.

#![allow(dead_code)]

pub mod engine;
pub mod process;
pub mod tls;
pub mod transfer;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use tertulia_server::{Config, Storage};
use tertulia_shared::Gender;
use tertulia_shared::codec::LineCodec;
use tertulia_shared::codec::{decode, encode, line_codec};
use tertulia_shared::{
    ChatMessage, ClientRequest, ErrorBody, ErrorCode, Event, PROTOCOL_VERSION, Password,
    PrivateMessage, Registration, Reply, Request, ServerMessage,
};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::codec::FramedRead;

/// How long a test waits for something that should arrive.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub const PASSWORD: &str = "contraseña-segura";

/// The default limits, except for rates: most tests send faster than a
/// person types. The abuse tests set the limits they exercise.
pub fn test_config() -> Config {
    Config {
        shutdown_grace: Duration::from_secs(2),
        tls: Some(tls::pki().server.clone()),
        ..Config::default().unthrottled()
    }
}

/// A client's byte stream, TLS or plain.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A running server and the database it owns.
pub struct TestServer {
    pub addr: SocketAddr,
    /// Started without TLS.
    pub plain: bool,
    pub db_path: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> (TestServer, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(dir.path().join("accounts.db"), test_config()).await;
        (server, dir)
    }

    pub async fn start_with(config: Config) -> (TestServer, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start_on(dir.path().join("accounts.db"), config).await;
        (server, dir)
    }

    /// Starts a server on an existing (or new) database file.
    pub async fn start_on(db_path: PathBuf, config: Config) -> TestServer {
        let storage = engine::open_storage(&db_path, 4);
        TestServer::start_with_storage(db_path, storage, config).await
    }

    /// Starts a server on a database opened by the test (another bcrypt
    /// cost or password queue).
    pub async fn start_with_storage(
        db_path: PathBuf,
        storage: Storage,
        config: Config,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let plain = config.tls.is_none();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(tertulia_server::run(listener, config, storage, async {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            plain,
            db_path,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Graceful shutdown; returns when the server has finished.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(PATIENCE, task)
                .await
                .expect("server stops in time")
                .expect("server task");
        }
    }

    /// A client speaking what the server speaks (TLS unless `--plain`).
    pub async fn client(&self) -> TestClient {
        if self.plain {
            TestClient::connect_plain(self.addr).await
        } else {
            TestClient::connect(self.addr).await
        }
    }

    /// A client that has said hello.
    pub async fn greeted(&self) -> TestClient {
        let mut client = self.client().await;
        client.hello().await;
        client
    }

    /// A client with a fresh account, logged in, its login events drained.
    pub async fn user(&self, login: &str) -> TestClient {
        let mut client = self.greeted().await;
        client.register(login).await.expect("register");
        client.login(login).await.expect("login");
        client
    }
}

pub fn registration(login: &str) -> Registration {
    Registration {
        first_names: "María José".into(),
        last_names: "Núñez".into(),
        login: login.into(),
        password: Password(PASSWORD.into()),
        age: 20,
        gender: Gender::Other,
    }
}

/// A line-by-line protocol client over a real TCP socket.
pub struct TestClient {
    reader: FramedRead<ReadHalf<Box<dyn Io>>, LineCodec>,
    writer: WriteHalf<Box<dyn Io>>,
    next_id: u64,
    /// Events that arrived while waiting for a reply.
    events: VecDeque<Event>,
}

impl TestClient {
    /// Connects with TLS, trusting the test certificate authority.
    pub async fn connect(addr: SocketAddr) -> TestClient {
        let stream = TcpStream::connect(addr).await.expect("connect");
        TestClient::over(Box::new(Self::tls(stream).await))
    }

    /// Connects in plain text (to a `--plain` server, or to see what a
    /// plain client gets from a TLS one).
    pub async fn connect_plain(addr: SocketAddr) -> TestClient {
        let stream = TcpStream::connect(addr).await.expect("connect");
        TestClient::over(Box::new(stream))
    }

    async fn tls(stream: TcpStream) -> tokio_rustls::client::TlsStream<TcpStream> {
        tokio_rustls::TlsConnector::from(tls::pki().client.clone())
            .connect(tls::server_name(), stream)
            .await
            .expect("TLS handshake")
    }

    /// Connects with TLS; the handshake's failure is returned, not a panic.
    pub async fn try_connect(addr: SocketAddr) -> std::io::Result<TestClient> {
        let stream = TcpStream::connect(addr).await?;
        let tls = tokio_rustls::TlsConnector::from(tls::pki().client.clone())
            .connect(tls::server_name(), stream)
            .await?;
        Ok(TestClient::over(Box::new(tls)))
    }

    /// Connects from the loopback address `from` (127.0.0.2 is another
    /// "machine" as far as the server's per-address limits go), with a
    /// small receive buffer when asked, for clients that stop reading.
    pub async fn connect_from(
        addr: SocketAddr,
        from: [u8; 4],
        receive_buffer: Option<u32>,
    ) -> TestClient {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        if let Some(bytes) = receive_buffer {
            socket.set_recv_buffer_size(bytes).expect("SO_RCVBUF");
        }
        socket
            .bind(SocketAddr::from((from, 0)))
            .expect("bind a loopback address");
        let stream = socket.connect(addr).await.expect("connect");
        TestClient::over(Box::new(Self::tls(stream).await))
    }

    fn over(stream: Box<dyn Io>) -> TestClient {
        let (read, write) = tokio::io::split(stream);
        TestClient {
            reader: FramedRead::new(read, line_codec()),
            writer: write,
            next_id: 1,
            events: VecDeque::new(),
        }
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.expect("write");
        self.writer.flush().await.expect("flush");
    }

    /// The next line from the server, parsed; `None` at end of stream.
    pub async fn next_message(&mut self) -> Option<ServerMessage> {
        let line = tokio::time::timeout(PATIENCE, self.reader.next())
            .await
            .expect("server answers in time")?;
        let line = line.ok()?;
        Some(decode(&line).unwrap_or_else(|e| panic!("server sent unreadable {line:?}: {e}")))
    }

    /// Sends a request with a fresh id; returns its reply or error. Events
    /// that arrive meanwhile are kept for [`Self::event`].
    pub async fn request(&mut self, request: Request) -> Result<Reply, ErrorBody> {
        let id = self.next_id;
        self.next_id += 1;
        self.send_raw(&encode(&ClientRequest::new(id, request)))
            .await;
        self.reply_to(Some(id)).await
    }

    /// Waits for the reply or error carrying `id`.
    pub async fn reply_to(&mut self, id: Option<u64>) -> Result<Reply, ErrorBody> {
        loop {
            match self.next_message().await {
                Some(ServerMessage::Event { event }) => self.events.push_back(event),
                Some(ServerMessage::Reply { id: got, result }) if got == id => return Ok(result),
                Some(ServerMessage::Error { id: got, error }) if got == id => return Err(error),
                Some(other) => panic!("unexpected while waiting for {id:?}: {other:?}"),
                None => panic!("connection closed while waiting for {id:?}"),
            }
        }
    }

    /// The next event (kept or new).
    /// The next event, skipping the batched `members` and `presence`
    /// events (they arrive up to 100 ms after the change; wait for them
    /// with `event_matching(joined(…))`, `left(…)` or `presence(…)`).
    pub async fn event(&mut self) -> Event {
        loop {
            let event = self.any_event().await;
            if !is_batched(&event) {
                return event;
            }
        }
    }

    /// The next event, whatever it is.
    async fn any_event(&mut self) -> Event {
        match self.events.pop_front() {
            Some(event) => event,
            None => match self.next_message().await {
                Some(ServerMessage::Event { event }) => event,
                other => panic!("expected an event, got {other:?}"),
            },
        }
    }

    /// Waits for an event matching `wanted`, skipping others.
    pub async fn event_matching(&mut self, wanted: impl Fn(&Event) -> bool) -> Event {
        loop {
            let event = self.any_event().await;
            if wanted(&event) {
                return event;
            }
        }
    }

    /// Asserts nothing arrives for a while (round-trips a `time` request so
    /// anything already sent is seen first).
    pub async fn assert_no_event(&mut self) {
        self.request(Request::Time).await.expect("time");
        self.events.retain(|e| !is_batched(e));
        assert!(
            self.events.is_empty(),
            "unexpected events: {:?}",
            self.events
        );
    }

    /// Round-trips a `time` request so everything already sent has arrived,
    /// then returns (and forgets) the events kept so far.
    pub async fn settle(&mut self) -> Vec<Event> {
        self.request(Request::Time).await.expect("time");
        self.drain_events()
    }

    pub fn drain_events(&mut self) -> Vec<Event> {
        self.events.drain(..).collect()
    }

    /// Every line until the server closes the connection (or resets it),
    /// unparsed: for counting what a client that stopped reading was sent.
    pub async fn raw_lines_until_closed(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            match tokio::time::timeout(PATIENCE, self.reader.next()).await {
                Err(_) => panic!("the server did not close the connection"),
                Ok(Some(Ok(line))) => lines.push(line),
                Ok(Some(Err(_)) | None) => return lines,
            }
        }
    }

    /// Reads until the server closes the connection; returns what came before.
    pub async fn until_closed(&mut self) -> Vec<ServerMessage> {
        let mut seen = Vec::new();
        while let Some(message) = self.next_message().await {
            seen.push(message);
        }
        seen
    }

    pub async fn hello(&mut self) -> Reply {
        self.request(Request::Hello {
            version: PROTOCOL_VERSION,
            client: "tertulia-tests".into(),
        })
        .await
        .expect("hello")
    }

    pub async fn register(&mut self, login: &str) -> Result<Reply, ErrorBody> {
        self.request(Request::Register(registration(login))).await
    }

    pub async fn login(&mut self, login: &str) -> Result<Reply, ErrorBody> {
        self.request(Request::Login {
            login: login.into(),
            password: Password(PASSWORD.into()),
        })
        .await
    }

    pub async fn say(&mut self, text: &str) -> Reply {
        self.request(Request::Say {
            text: text.into(),
            reply_to: None,
        })
        .await
        .expect("say")
    }

    pub async fn create(&mut self, room: &str) -> Result<Reply, ErrorBody> {
        self.request(Request::CreateRoom { room: room.into() })
            .await
    }

    pub async fn join(&mut self, room: &str) -> Result<Reply, ErrorBody> {
        self.request(Request::JoinRoom { room: room.into() }).await
    }

    /// Every message of `room`'s history, paging back from the newest.
    pub async fn whole_history(&mut self, room: &str) -> Vec<ChatMessage> {
        let mut all = Vec::new();
        let mut before_id = None;
        loop {
            let reply = self
                .request(Request::History {
                    room: room.into(),
                    before_id,
                    after_id: None,
                })
                .await
                .unwrap();
            let Reply::History { messages, more, .. } = reply else {
                panic!("{reply:?}")
            };
            before_id = messages.first().map(|m| m.id);
            all.splice(0..0, messages);
            if !more {
                return all;
            }
        }
    }

    /// Every private message `client` sent or received, paging forward.
    pub async fn whole_private_history(&mut self) -> Vec<PrivateMessage> {
        let mut all: Vec<PrivateMessage> = Vec::new();
        loop {
            let after_id = all.last().map(|m| m.id);
            let reply = self
                .request(Request::PrivateHistory {
                    before_id: None,
                    after_id: Some(after_id.unwrap_or(0)),
                })
                .await
                .unwrap();
            let Reply::PrivateHistory { messages, more } = reply else {
                panic!("{reply:?}")
            };
            all.extend(messages);
            if !more {
                return all;
            }
        }
    }

    /// `(room, members)` of every room.
    pub async fn rooms(&mut self) -> Vec<(String, usize)> {
        match self.request(Request::ListRooms { after: None }).await {
            Ok(Reply::RoomList { rooms, next: None }) => {
                rooms.into_iter().map(|r| (r.name, r.members)).collect()
            }
            other => panic!("list_rooms: {other:?}"),
        }
    }
}

/// The error code of a refused request.
pub fn code(result: Result<Reply, ErrorBody>) -> ErrorCode {
    match result {
        Err(error) => error.code,
        Ok(reply) => panic!("expected an error, got {reply:?}"),
    }
}

/// Collects every log line the server writes during a test.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures this thread's logs at `level` and above while the guard lives.
/// Tests run on a current-thread runtime, so every server task logs here.
pub fn capture_logs(level: tracing::Level) -> (LogCapture, tracing::subscriber::DefaultGuard) {
    let capture = LogCapture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    // Callsites another thread reached meanwhile are asked again.
    tracing::callsite::rebuild_interest_cache();
    (capture, guard)
}

/// A `members` event saying `login` entered `room`.
pub fn joined(room: &str, login: &str) -> impl Fn(&Event) -> bool {
    let (room, login) = (room.to_owned(), login.to_owned());
    move |e| matches!(e, Event::Members { room: r, joined, .. } if *r == room && joined.contains(&login))
}

/// A `members` event saying `login` left `room`.
pub fn left(room: &str, login: &str) -> impl Fn(&Event) -> bool {
    let (room, login) = (room.to_owned(), login.to_owned());
    move |e| matches!(e, Event::Members { room: r, left, .. } if *r == room && left.contains(&login))
}

/// A `presence` event saying `login` came online in `room`, moved there,
/// or (`room` `None`) went offline: `"online"`, `"moved"` or `"offline"`.
pub fn presence(kind: &'static str, login: &str, room: Option<&str>) -> impl Fn(&Event) -> bool {
    let (login, room) = (login.to_owned(), room.map(str::to_owned));
    move |e| {
        let Event::Presence {
            online,
            moved,
            offline,
        } = e
        else {
            return false;
        };
        let placed = |list: &Vec<tertulia_shared::UserPlace>| {
            list.iter()
                .any(|p| p.login == login && Some(&p.room) == room.as_ref())
        };
        match kind {
            "online" => placed(online),
            "moved" => placed(moved),
            _ => offline.contains(&login),
        }
    }
}

/// The events the server gathers for a moment before telling them.
pub fn is_batched(event: &Event) -> bool {
    matches!(event, Event::Members { .. } | Event::Presence { .. })
}
