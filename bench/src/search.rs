//! The `search` scenario: writers fill the log (each alone in a room, so
//! nothing fans out) with messages drawn from a class's vocabulary, at the
//! most the server stores; then one client searches, one request at a
//! time, for words common and rare, in one room and everywhere. Reports
//! stored messages per second (run it once with `--search-index on`, once
//! with `off`: bench/search.sh) and the searches' p50/p99.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tertulia_shared::codec::encode;
use tertulia_shared::{ClientRequest, Reply, Request, ServerMessage};
use tokio::io::AsyncBufReadExt;

use crate::measure::histogram;
use crate::proto::{Proto, Session};
use crate::scenario::{Report, Target};

/// Messages each writer keeps in flight.
const WINDOW: u64 = 256;

/// Words the messages are made of: a programming class's, accents
/// included, and numbered ones so that some words are rare.
const WORDS: &[&str] = &[
    "compilar",
    "función",
    "variable",
    "bucle",
    "práctica",
    "examen",
    "física",
    "canción",
    "error",
    "puntero",
    "memoria",
    "vector",
    "entrega",
    "jueves",
    "profesora",
    "ejercicio",
    "clase",
    "rust",
    "python",
    "cadena",
    "número",
    "lógica",
    "módulo",
    "prueba",
    "código",
];

/// The searches: common words, rare ones, two words, and a prefix.
const QUERIES: &[&str] = &[
    "fisica",
    "cancion",
    "compilar error",
    "palabra7",
    "palabra123",
    "ejerc",
    "modulo prueba",
    "jueves entrega",
];

/// Message `n`'s text: six words of the vocabulary and a rarer one.
fn text(n: u64) -> String {
    let mut words: Vec<String> = (0..6)
        .map(|i| WORDS[((n * 7 + i * 13 + n / 3) % WORDS.len() as u64) as usize].to_owned())
        .collect();
    words.push(format!("palabra{}", n % 1000));
    words.join(" ")
}

pub async fn search(target: &Target, messages: u64, writers: usize) -> anyhow::Result<Report> {
    if target.proto != Proto::Tertulia {
        bail!("search measures Tertulia's stored log only");
    }
    let setup_started = Instant::now();
    let mut sessions = Vec::with_capacity(writers);
    for i in 0..writers {
        let name = target.name_of(&format!("writer{i}"));
        let mut session = target.proto.connect(target.addr, &name, true).await?;
        target
            .proto
            .join(&mut session, &format!("{}-{i}", target.room(0)), true)
            .await?;
        sessions.push(session);
    }
    let setup = setup_started.elapsed();
    let each = messages / writers as u64;
    let started = Instant::now();
    let filling: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(i, session)| tokio::spawn(fill(session, i as u64 * each, each)))
        .collect();
    // The writers stay (a room goes when its creator leaves), saying
    // `time` now and then so that the server keeps them.
    let mut writers_kept = Vec::with_capacity(writers);
    for writer in filling {
        writers_kept.push(tokio::spawn(keep_alive(writer.await??)));
    }
    let stored_per_s = (each * writers as u64) as f64 / started.elapsed().as_secs_f64();

    let name = target.name_of("searcher");
    let mut searcher = target.proto.connect(target.addr, &name, true).await?;
    let room = format!("{}-0", target.room(0));
    let mut latencies = histogram();
    let mut found = 0u64;
    let mut id = 1_000u64;
    'rounds: for round in 0..25 {
        for query in QUERIES {
            id += 1;
            let in_room = round % 2 == 1;
            let request = Request::Search {
                query: (*query).to_owned(),
                room: in_room.then(|| room.clone()),
                before_id: None,
            };
            let asked = Instant::now();
            searcher
                .write(&encode(&ClientRequest::new(id, request)))
                .await?;
            match answer(&mut searcher, id).await? {
                Some(hits) => found += hits,
                // `--search-index off`: only the writing is measured.
                None => break 'rounds,
            }
            latencies.record(asked.elapsed().as_micros().max(1) as u64)?;
        }
    }
    for writer in writers_kept {
        writer.abort();
    }
    let ms = |q| latencies.value_at_quantile(q) as f64 / 1000.0;
    if latencies.is_empty() {
        let params = format!(
            "{messages} messages by {writers} writers: {stored_per_s:.0} stored/s; search off"
        );
        return Ok(Report::new("search", params, writers + 1, setup));
    }
    let params = format!(
        "{messages} messages by {writers} writers: {stored_per_s:.0} stored/s; {} searches \
         (p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {found} hits)",
        latencies.len(),
        ms(0.5),
        ms(0.99),
        latencies.max() as f64 / 1000.0
    );
    Ok(Report::new("search", params, writers + 1, setup))
}

/// Says `count` messages from `first` on, [`WINDOW`] in flight, until
/// every one is answered `sent` (stored).
async fn fill(mut session: Session, first: u64, count: u64) -> anyhow::Result<Session> {
    let (mut sent, mut stored) = (0u64, 0u64);
    let mut line = String::new();
    while stored < count {
        while sent < count && sent - stored < WINDOW {
            let request = Request::Say {
                text: text(first + sent),
                reply_to: None,
            };
            session
                .write(&encode(&ClientRequest::new(sent + 1, request)))
                .await?;
            sent += 1;
        }
        next_line(&mut session, &mut line, "a writer's").await?;
        match serde_json::from_str::<ServerMessage>(&line) {
            Ok(ServerMessage::Reply {
                result: Reply::Sent { .. },
                ..
            }) => stored += 1,
            Ok(ServerMessage::Error { error, .. }) => {
                if error.code == tertulia_shared::ErrorCode::Busy {
                    // The writer's queue is full: what was refused is lost
                    // to this count; wait as told.
                    stored += 1;
                    let wait = error.retry_after_ms.unwrap_or(100);
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                } else {
                    bail!("a message was refused: {}", error.message);
                }
            }
            _ => {}
        }
    }
    Ok(session)
}

/// The next line the server sends `whose` connection, in `line`.
async fn next_line(session: &mut Session, line: &mut String, whose: &str) -> anyhow::Result<()> {
    line.clear();
    if session.reader.read_line(line).await.context("reading")? == 0 {
        bail!("the server closed {whose} connection");
    }
    Ok(())
}

/// Keeps a writer's session open: a heartbeat, and its lines read.
async fn keep_alive(mut session: Session) -> anyhow::Result<()> {
    let mut beat = tokio::time::interval(Duration::from_secs(10));
    let mut line = String::new();
    loop {
        line.clear();
        tokio::select! {
            _ = beat.tick() => session.write(&encode(&ClientRequest::new(0, Request::Time))).await?,
            read = session.reader.read_line(&mut line) => {
                if read? == 0 {
                    return Ok(());
                }
            }
        }
    }
}

/// Reads until the answer to request `id`: how many hits it gave, or
/// `None` when the server has no search index (`forbidden`).
async fn answer(session: &mut Session, id: u64) -> anyhow::Result<Option<u64>> {
    let mut line = String::new();
    loop {
        next_line(session, &mut line, "the searcher's").await?;
        match serde_json::from_str::<ServerMessage>(&line) {
            Ok(ServerMessage::Reply {
                id: Some(got),
                result: Reply::SearchResults { hits, .. },
            }) if got == id => return Ok(Some(hits.len() as u64)),
            Ok(ServerMessage::Error {
                id: Some(got),
                error,
            }) if got == id => {
                if error.code == tertulia_shared::ErrorCode::Forbidden {
                    return Ok(None);
                }
                bail!("search refused: {}", error.message)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_mix_common_and_rare_words() {
        let text = super::text(1234);
        assert_eq!(text.split(' ').count(), 7);
        assert!(text.ends_with("palabra234"), "{text}");
    }
}
