//! The `file-transfer` scenario: a room chatting at a steady pace while one
//! person shares a large file in it. Chat latency with and without the
//! upload, the upload's speed, and the latency of the uploader's own chat
//! lines, which share the connection with the chunks.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tertulia_shared::codec::encode;
use tertulia_shared::files::{encode_chunk, sha256_hex};
use tertulia_shared::{ClientRequest, Event, Reply, Request, ServerMessage};
use tokio::io::AsyncBufReadExt;

use crate::measure::{histogram, now_us};
use crate::proto::Proto;
use crate::scenario::{CpuWindow, Report, Target, crowd, paced_receipts, summarize};

/// Chunk requests in flight, as the desktop client keeps them.
const WINDOW: usize = 4;

/// How often the uploader says something while uploading.
const OWN_CHAT_EVERY: Duration = Duration::from_millis(50);

/// N clients in one room, S senders at `rate` messages/s for `duration`,
/// and, with `upload_mb`, one more client sharing a file that large.
pub async fn file_transfer(
    target: &Target,
    n: usize,
    senders: usize,
    rate: u64,
    duration: Duration,
    upload_mb: usize,
) -> anyhow::Result<Report> {
    if target.proto != Proto::Tertulia {
        bail!("file-transfer measures Tertulia's file sharing only");
    }
    let senders = senders.min(n);
    let expected = paced_receipts(senders, rate * duration.as_secs());
    let crowd = crowd(target, n, 1, expected).await?;
    let setup = crowd.setup;
    let room = target.room(0);
    let uploading = if upload_mb > 0 {
        let target = target.clone();
        let room = room.clone();
        Some(tokio::spawn(async move {
            upload(&target, &room, upload_mb * 1024 * 1024).await
        }))
    } else {
        None
    };
    let cpu = CpuWindow::start(target);
    let t0 = now_us();
    let sending: Vec<_> = (0..senders)
        .map(|i| crowd.send_paced(target.proto, i, room.clone(), rate, duration, 100))
        .collect();
    for sender in sending {
        sender.await??;
    }
    let (received, _) = crowd.finish(Duration::from_secs(30)).await;
    let upload = match uploading {
        Some(task) => Some(task.await??),
        None => None,
    };
    let mut params = format!(
        "{n} clients, {senders} senders x {rate} msg/s x {}s",
        duration.as_secs()
    );
    if let Some(upload) = &upload {
        params.push_str(&format!(
            " + {upload_mb} MB upload: {:.1} MB/s, uploader's own chat p99 {:.1} ms (max {:.1})",
            upload.mb_per_s, upload.own_p99_ms, upload.own_max_ms
        ));
    } else {
        params.push_str(", no upload");
    }
    let mut report = Report::new("file-transfer", params, n, setup);
    cpu.end(target, &mut report);
    let wanted: u64 = (0..n).map(expected).sum();
    summarize(&mut report, &received, wanted, t0);
    Ok(report)
}

/// How the upload went.
struct Upload {
    mb_per_s: f64,
    own_p99_ms: f64,
    own_max_ms: f64,
}

/// Shares `size` bytes in `room`, `WINDOW` chunks in flight, saying a line
/// every [`OWN_CHAT_EVERY`] on the same connection and timing its echo.
async fn upload(target: &Target, room: &str, size: usize) -> anyhow::Result<Upload> {
    let name = target.name_of("uploader");
    let mut session = target.proto.connect(target.addr, &name, true).await?;
    target.proto.join(&mut session, room, false).await?;
    let bytes: Vec<u8> = (0..size).map(|i| (i * 31 + i / 4099) as u8).collect();
    let offer = Request::OfferFile {
        name: "dataset.bin".into(),
        size: size as u64,
        sha256: sha256_hex(&bytes),
        to: None,
    };
    let started = Instant::now();
    session
        .write(&encode(&ClientRequest::new(10, offer)))
        .await?;
    let mut own = histogram();
    let mut next_id = 100u64;
    let mut upload_id = None;
    let (mut next, mut in_flight) = (0usize, 0usize);
    let mut chat = tokio::time::interval(OWN_CHAT_EVERY);
    let mut said = 0u64;
    let mut line = String::new();
    loop {
        if let Some(upload) = upload_id {
            while in_flight < WINDOW && next < size {
                let end = (next + tertulia_shared::files::CHUNK_BYTES).min(size);
                let chunk = Request::UploadChunk {
                    upload,
                    offset: next as u64,
                    data: encode_chunk(&bytes[next..end]),
                };
                next_id += 1;
                session
                    .write(&encode(&ClientRequest::new(next_id, chunk)))
                    .await?;
                next = end;
                in_flight += 1;
            }
        }
        line.clear();
        tokio::select! {
            _ = chat.tick() => {
                said += 1;
                let text = format!("own {said} {}", now_us());
                next_id += 1;
                session.write(&encode(&ClientRequest::new(next_id, Request::Say { text, reply_to: None }))).await?;
            }
            read = session.reader.read_line(&mut line) => {
                if read.context("reading")? == 0 {
                    bail!("the server closed the uploader's connection");
                }
                match serde_json::from_str::<ServerMessage>(&line) {
                    Ok(ServerMessage::Reply { result: Reply::Upload { upload, .. }, .. }) => {
                        if upload_id.is_none() {
                            upload_id = Some(upload);
                        } else {
                            in_flight = in_flight.saturating_sub(1);
                        }
                    }
                    Ok(ServerMessage::Reply { result: Reply::Sent { message }, .. })
                        if message.file.is_some() =>
                    {
                        let seconds = started.elapsed().as_secs_f64();
                        let ms = |us: u64| us as f64 / 1000.0;
                        return Ok(Upload {
                            mb_per_s: size as f64 / (1024.0 * 1024.0) / seconds,
                            own_p99_ms: ms(own.value_at_quantile(0.99)),
                            own_max_ms: ms(own.max()),
                        });
                    }
                    Ok(ServerMessage::Event { event: Event::Message(message) })
                        if message.from == name =>
                    {
                        let sent = message.text.split(' ').nth(2).and_then(|t| t.parse::<u64>().ok());
                        if let Some(sent) = sent {
                            own.record(now_us().saturating_sub(sent).max(1))?;
                        }
                    }
                    Ok(ServerMessage::Error { error, .. }) => bail!("upload refused: {}", error.message),
                    _ => {}
                }
            }
        }
    }
}
