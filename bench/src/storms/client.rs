//! A storm client's connection: TLS of its own (its own tickets, as on
//! separate computers), hello, login or `resume`, and the heartbeat.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tertulia_shared::codec::encode;
use tertulia_shared::{ClientRequest, PROTOCOL_VERSION, Password, Request, SessionToken};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::proto::{PASSWORD, STEP_TIMEOUT, open};
use crate::scenario::Target;

/// How the clients of a storm log in.
#[derive(Debug, Clone)]
pub(super) enum Credentials {
    Password(String),
    /// Signs up first, then logs in with the password.
    Register(String),
    Token(SessionToken),
}

/// One storm client's connection, read line by line.
pub(super) struct Link {
    reader: BufReader<tokio::io::ReadHalf<Box<dyn crate::proto::Io>>>,
    writer: tokio::io::WriteHalf<Box<dyn crate::proto::Io>>,
    next_id: u64,
}

/// Connects (TLS with `tls`, resuming its TLS session when it has one),
/// says hello and logs in; returns the link, the session token, and
/// whether the TLS handshake was a resumption.
pub(super) async fn log_in(
    target: &Target,
    from: Option<std::net::IpAddr>,
    tls: Option<&Arc<rustls::ClientConfig>>,
    credentials: &Credentials,
) -> anyhow::Result<(Link, SessionToken, bool)> {
    let stream = open(target.addr, from, None).await?;
    let mut resumed = false;
    let stream: Box<dyn crate::proto::Io> = match tls {
        Some(config) => {
            let name = rustls::pki_types::ServerName::try_from("localhost")?;
            let tls = tokio_rustls::TlsConnector::from(config.clone())
                .connect(name, stream)
                .await
                .context("TLS handshake")?;
            resumed = tls.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
            Box::new(tls)
        }
        None => Box::new(stream),
    };
    let (read, writer) = tokio::io::split(stream);
    let mut link = Link {
        reader: BufReader::new(read),
        writer,
        next_id: 1,
    };
    link.ask(Request::Hello {
        version: PROTOCOL_VERSION,
        client: "tertulia-bench".into(),
    })
    .await?;
    if let Credentials::Register(login) = credentials {
        link.ask(Request::Register(crate::proto::registration(login)))
            .await?;
    }
    let answer = link
        .ask(match credentials {
            Credentials::Password(login) | Credentials::Register(login) => Request::Login {
                login: login.clone(),
                password: Password(PASSWORD.into()),
            },
            Credentials::Token(token) => Request::Resume {
                token: token.clone(),
            },
        })
        .await?;
    let token = answer["token"]
        .as_str()
        .map(|t| SessionToken(t.to_owned()))
        .context("logged_in without a token")?;
    Ok((link, token, resumed))
}

impl Link {
    /// Sends `request` and returns its reply's `result`; on `busy`, waits
    /// as told plus up to a quarter more (as the desktop client does) and
    /// asks again.
    async fn ask(&mut self, request: Request) -> anyhow::Result<serde_json::Value> {
        let id = self.next_id;
        self.next_id += 1;
        let line = encode(&ClientRequest::new(id, request));
        self.writer.write_all(&line).await?;
        self.writer.flush().await?;
        let mut text = String::new();
        loop {
            text.clear();
            let read = tokio::time::timeout(STEP_TIMEOUT, self.reader.read_line(&mut text))
                .await
                .context("no answer in time")??;
            if read == 0 {
                bail!("the server closed the connection");
            }
            let value: serde_json::Value = serde_json::from_str(&text)?;
            if value["id"].as_u64() != Some(id) {
                continue;
            }
            if value["type"] == "reply" {
                return Ok(value["result"].clone());
            }
            if value["code"] == "busy" {
                let told = Duration::from_millis(value["retry_after_ms"].as_u64().unwrap_or(1000));
                tokio::time::sleep(told + told.mul_f64(jitter() / 4.0)).await;
                self.writer.write_all(&line).await?;
                self.writer.flush().await?;
                continue;
            }
            bail!("refused: {}", text.trim_end());
        }
    }

    /// Reads until the server closes the connection, sending the desktop
    /// client's heartbeat (`time` every 15 s) meanwhile.
    pub(super) async fn idle_until_closed(&mut self) {
        let mut sink = Vec::new();
        let mut heartbeat = tokio::time::interval(Duration::from_secs(15));
        loop {
            tokio::select! {
                read = self.reader.read_until(b'\n', &mut sink) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(_) => sink.clear(),
                },
                _ = heartbeat.tick() => {
                    let id = self.next_id;
                    self.next_id += 1;
                    let line = encode(&ClientRequest::new(id, Request::Time));
                    if self.writer.write_all(&line).await.is_err() || self.writer.flush().await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// A number in [0, 1), different at each call.
pub(super) fn jitter() -> f64 {
    use std::hash::BuildHasher;
    let bits = std::hash::RandomState::new().hash_one(Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// A TLS configuration of the client's own, so that its session tickets are
/// its own, as on separate computers (`resume`: keep them at all).
pub(super) fn own_tls(resume: bool) -> Option<Arc<rustls::ClientConfig>> {
    let shared = crate::proto::tls_config()?;
    let mut config = (*shared).clone();
    config.resumption = match resume {
        true => rustls::client::Resumption::in_memory_sessions(4),
        false => rustls::client::Resumption::disabled(),
    };
    Some(Arc::new(config))
}
