//! A bare relay: the least a chat server can do, to show the ceiling that
//! loopback, tokio and line framing allow on this machine. It speaks just
//! enough IRC for the generator (NICK/USER → 001, JOIN → 366, PRIVMSG to a
//! channel forwarded to its other members, PING → PONG) and nothing else:
//! no accounts, no storage, no limits, no checks. `compare.sh` runs it next
//! to the real servers (`tertulia-bench --relay PORT`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

type Members = Vec<(u64, mpsc::UnboundedSender<Bytes>)>;
type Channels = Arc<Mutex<HashMap<String, Members>>>;

/// Serves on 127.0.0.1:`port` until the process is stopped.
pub async fn serve(port: u16) -> anyhow::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let channels: Channels = Arc::default();
    let mut next = 0u64;
    loop {
        let (socket, _) = listener.accept().await?;
        next += 1;
        tokio::spawn(client(socket, next, channels.clone()));
    }
}

async fn client(socket: TcpStream, id: u64, channels: Channels) {
    let _ = socket.set_nodelay(true);
    let (read, write) = socket.into_split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Bytes>();
    // The writer: everything queued goes out, flushed when the queue is empty.
    tokio::spawn(async move {
        let mut out = BufWriter::with_capacity(64 * 1024, write);
        while let Some(line) = rx.recv().await {
            if out.write_all(&line).await.is_err() {
                return;
            }
            while let Ok(line) = rx.try_recv() {
                if out.write_all(&line).await.is_err() {
                    return;
                }
            }
            if out.flush().await.is_err() {
                return;
            }
        }
    });
    let mut lines = BufReader::with_capacity(64 * 1024, read).lines();
    let mut nick = String::from("?");
    let mut joined = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        let (command, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        match command {
            "NICK" => nick = rest.trim().to_owned(),
            "USER" => {
                let _ = tx.send(Bytes::from(format!(":relay 001 {nick} :welcome\r\n")));
            }
            "JOIN" => {
                let channel = rest.trim().to_owned();
                channels
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry(channel.clone())
                    .or_default()
                    .push((id, tx.clone()));
                let _ = tx.send(Bytes::from(format!(
                    ":{nick} JOIN {channel}\r\n:relay 366 {nick} {channel} :end\r\n"
                )));
                joined.push(channel);
            }
            "PRIVMSG" => {
                let Some((channel, _)) = rest.split_once(' ') else {
                    continue;
                };
                let out = Bytes::from(format!(":{nick} PRIVMSG {rest}\r\n"));
                let channels = channels.lock().unwrap_or_else(|p| p.into_inner());
                for (member, sender) in channels.get(channel).into_iter().flatten() {
                    if *member != id {
                        let _ = sender.send(out.clone());
                    }
                }
            }
            "PING" => {
                let token = rest.trim_start_matches(':');
                let _ = tx.send(Bytes::from(format!(":relay PONG relay :{token}\r\n")));
            }
            _ => {}
        }
    }
    let mut channels = channels.lock().unwrap_or_else(|p| p.into_inner());
    for channel in joined {
        if let Some(members) = channels.get_mut(&channel) {
            members.retain(|(member, _)| *member != id);
        }
    }
}
