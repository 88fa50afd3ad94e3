//! The two protocols the bench speaks: Tertulia's JSON lines and IRC.
//! Each client logs in, joins a room, sends benchmark messages and reads
//! everything, answering PINGs.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{Context, bail};
use tertulia_shared::Gender;
use tertulia_shared::codec::encode;
use tertulia_shared::{ClientRequest, PROTOCOL_VERSION, Password, Registration, Request};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, ReadHalf, WriteHalf,
};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

pub const PASSWORD: &str = "bench-password";
/// Every step of a login must answer within this.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tertulia,
    Irc,
}

/// A client's byte stream: TLS (`--tls`) or plain TCP.
pub trait Io: AsyncRead + AsyncWrite + Send + Sync + Unpin + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Send + Sync + Unpin + std::fmt::Debug> Io for T {}

/// The sending half of a client's connection.
pub type Writer = WriteHalf<Box<dyn Io>>;

/// Set once at start by `--tls`: every Tertulia client then speaks TLS.
static TLS: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();

/// Makes every client speak TLS, trusting whatever certificate the server
/// shows: the bench only talks to servers on this machine's loopback, and
/// measures what encryption costs, not who the server is.
pub fn use_tls() {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map(|builder| {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
                .with_no_client_auth()
        });
    if let Ok(config) = config {
        let _ = TLS.set(Arc::new(config));
    }
}

/// The TLS configuration `--tls` set up, if it did.
pub fn tls_config() -> Option<Arc<rustls::ClientConfig>> {
    TLS.get().cloned()
}

/// Accepts any certificate (loopback benchmarks only), checking signatures.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Writes `bytes` and flushes them (TLS holds what it encrypted until then).
pub async fn send(writer: &Mutex<Writer>, bytes: &[u8]) -> std::io::Result<()> {
    let mut writer = writer.lock().await;
    writer.write_all(bytes).await?;
    writer.flush().await
}

/// A connected, logged-in client, before its reader starts.
#[derive(Debug)]
pub struct Session {
    pub reader: BufReader<ReadHalf<Box<dyn Io>>>,
    pub writer: Arc<Mutex<Writer>>,
    pub name: String,
}

impl Proto {
    /// Connects and logs in as `name`; for Tertulia, registers first when `register`.
    pub async fn connect(
        self,
        addr: std::net::SocketAddr,
        name: &str,
        register: bool,
    ) -> anyhow::Result<Session> {
        self.connect_from(addr, None, name, register).await
    }

    /// [`Self::connect`] from a given loopback address (`127.0.1.7`…), so
    /// that each simulated machine has its own, as in a real lab.
    pub async fn connect_from(
        self,
        addr: std::net::SocketAddr,
        from: Option<std::net::IpAddr>,
        name: &str,
        register: bool,
    ) -> anyhow::Result<Session> {
        let stream = open(addr, from, None).await?;
        self.log_in_over(stream, name, register).await
    }

    /// Logs in as `name` over an open connection (registering first when
    /// `register`, for Tertulia).
    pub async fn log_in_over(
        self,
        stream: TcpStream,
        name: &str,
        register: bool,
    ) -> anyhow::Result<Session> {
        let stream: Box<dyn Io> = match (self, TLS.get()) {
            (Proto::Tertulia, Some(config)) => {
                let name = rustls::pki_types::ServerName::try_from("localhost")?;
                let tls = tokio_rustls::TlsConnector::from(config.clone())
                    .connect(name, stream)
                    .await
                    .context("TLS handshake")?;
                Box::new(tls)
            }
            _ => Box::new(stream),
        };
        let (read, write) = tokio::io::split(stream);
        let mut session = Session {
            reader: BufReader::with_capacity(64 * 1024, read),
            writer: Arc::new(Mutex::new(write)),
            name: name.to_owned(),
        };
        match self {
            Proto::Tertulia => {
                let mut steps = vec![Request::Hello {
                    version: PROTOCOL_VERSION,
                    client: "tertulia-bench".into(),
                }];
                if register {
                    steps.push(Request::Register(registration(name)));
                }
                steps.push(Request::Login {
                    login: name.into(),
                    password: Password(PASSWORD.into()),
                });
                for (id, step) in steps.into_iter().enumerate() {
                    let id = id as u64 + 1;
                    let line = encode(&ClientRequest::new(id, step));
                    session.write(&line).await?;
                    // A server checking as many passwords as it can says
                    // when to come back, as a real client would.
                    while let Some(wait) = session.expect_reply(id).await? {
                        tokio::time::sleep(wait + wait / 8).await;
                        session.write(&line).await?;
                    }
                }
            }
            Proto::Irc => {
                session
                    .write(format!("NICK {name}\r\nUSER {name} 0 * :bench\r\n").as_bytes())
                    .await?;
                session.wait_for(|line| line.contains(" 001 ")).await?;
            }
        }
        Ok(session)
    }

    /// Enters `room`; `create` when this client must create it (Tertulia).
    pub async fn join(self, session: &mut Session, room: &str, create: bool) -> anyhow::Result<()> {
        match self {
            Proto::Tertulia => {
                let request = if create {
                    Request::CreateRoom { room: room.into() }
                } else {
                    Request::JoinRoom { room: room.into() }
                };
                let line = encode(&ClientRequest::new(100, request));
                // A room made on another node of a cluster reaches this
                // one a moment later.
                for _ in 0..100 {
                    session.write(&line).await?;
                    match session.expect_reply(100).await {
                        Ok(None) => return Ok(()),
                        Ok(Some(_)) => bail!("{} was told to wait before joining", session.name),
                        Err(e) if !create && e.to_string().contains("room_not_found") => {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        Err(e) => return Err(e),
                    }
                }
                bail!("{} never found room {room}", session.name)
            }
            Proto::Irc => {
                session
                    .write(format!("JOIN #{room}\r\n").as_bytes())
                    .await?;
                // 366: end of the member list.
                session.wait_for(|line| line.contains(" 366 ")).await
            }
        }
    }

    /// One chat line carrying `text` (no newline inside).
    pub fn message(self, room: &str, text: &str) -> Vec<u8> {
        match self {
            Proto::Tertulia => encode(&ClientRequest {
                id: None,
                request: Request::Say {
                    text: text.into(),
                    reply_to: None,
                },
            })
            .to_vec(),
            Proto::Irc => format!("PRIVMSG #{room} :{text}\r\n").into_bytes(),
        }
    }

    /// A request whose answer proves everything sent before was processed.
    pub fn sync(self, token: u64) -> Vec<u8> {
        match self {
            Proto::Tertulia => encode(&ClientRequest::new(token, Request::Time)).to_vec(),
            Proto::Irc => format!("PING :sync{token}\r\n").into_bytes(),
        }
    }

    /// Whether `line` answers a [`Self::sync`].
    pub fn is_sync_answer(self, line: &str) -> bool {
        match self {
            Proto::Tertulia => line.contains(r#""result":{"type":"time""#),
            Proto::Irc => line.contains(" PONG ") && line.contains("sync"),
        }
    }

    /// The answer a line needs from us, if any (IRC PING).
    pub fn answer(self, line: &str) -> Option<Vec<u8>> {
        match self {
            Proto::Irc => line
                .strip_prefix("PING ")
                .map(|token| format!("PONG {}\r\n", token.trim_end()).into_bytes()),
            Proto::Tertulia => None,
        }
    }

    /// Lines that only echo our own request (Tertulia's `sent` replies).
    pub fn is_reply(self, line: &str) -> bool {
        self == Proto::Tertulia && line.starts_with(r#"{"type":"reply""#)
    }
}

impl Session {
    pub async fn write(&self, bytes: &[u8]) -> anyhow::Result<()> {
        send(&self.writer, bytes).await?;
        Ok(())
    }

    async fn next_line(&mut self, line: &mut String) -> anyhow::Result<()> {
        line.clear();
        let read = tokio::time::timeout(STEP_TIMEOUT, self.reader.read_line(line))
            .await
            .context("server did not answer in time")??;
        if read == 0 {
            bail!("server closed the connection ({})", self.name);
        }
        Ok(())
    }

    async fn wait_for(&mut self, done: impl Fn(&str) -> bool) -> anyhow::Result<()> {
        let mut line = String::new();
        loop {
            self.next_line(&mut line).await?;
            if let Some(answer) = Proto::Irc.answer(&line) {
                self.write(&answer).await?;
            }
            if line.starts_with("ERROR") {
                bail!("server refused {}: {}", self.name, line.trim_end());
            }
            if done(&line) {
                return Ok(());
            }
        }
    }

    /// Waits for the answer to `id`: `None` for a reply, `Some(wait)` when
    /// the server is busy and says to retry after `wait`.
    async fn expect_reply(&mut self, id: u64) -> anyhow::Result<Option<Duration>> {
        let reply = format!(r#"{{"type":"reply","id":{id},"#);
        let error = format!(r#"{{"type":"error","id":{id},"#);
        let mut line = String::new();
        loop {
            self.next_line(&mut line).await?;
            if line.starts_with(&reply) {
                return Ok(None);
            }
            if line.starts_with(&error) && line.contains(r#""code":"busy""#) {
                let wait = serde_json::from_str::<serde_json::Value>(&line)
                    .ok()
                    .and_then(|v| v["retry_after_ms"].as_u64())
                    .unwrap_or(1000);
                return Ok(Some(Duration::from_millis(wait)));
            }
            if line.starts_with(&error) || line.starts_with(r#"{"type":"error","id":null"#) {
                bail!("{} refused: {}", self.name, line.trim_end());
            }
        }
    }
}

/// The signup form of bench user `login`.
pub fn registration(login: &str) -> Registration {
    Registration {
        first_names: "Bench".into(),
        last_names: "Client".into(),
        login: login.into(),
        password: Password(PASSWORD.into()),
        age: 30,
        gender: Gender::PreferNotToSay,
    }
}

/// A TCP connection to `addr`, from `from` when given, with a receive
/// buffer of `receive_buffer` bytes when given (for clients that stop reading).
pub async fn open(
    addr: std::net::SocketAddr,
    from: Option<std::net::IpAddr>,
    receive_buffer: Option<u32>,
) -> anyhow::Result<TcpStream> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    if let Some(bytes) = receive_buffer {
        socket.set_recv_buffer_size(bytes)?;
    }
    if let Some(ip) = from {
        socket
            .bind(std::net::SocketAddr::new(ip, 0))
            .with_context(|| format!("bind {ip}"))?;
    }
    let stream = socket
        .connect(addr)
        .await
        .with_context(|| format!("connect {addr}"))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}
