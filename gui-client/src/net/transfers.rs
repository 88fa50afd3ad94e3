//! File transfers, run by the network thread so that chunks go out as fast
//! as their answers come back, whatever the window is doing.
//!
//! Each transfer keeps at most [`WINDOW`] chunk requests in flight, so a
//! chat line typed meanwhile waits behind a few tens of kilobytes at most.
//! A lost connection pauses every transfer; after the next login uploads
//! are offered again (the server answers how much it has) and downloads
//! continue from the bytes already written. Hashing a whole file runs on a
//! blocking thread; chunk reads and writes (8 KiB) run in place.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use tertulia_shared::files::{CHUNK_BYTES, decode_chunk, encode_chunk, hex};
use tertulia_shared::{ErrorBody, ErrorCode, FileInfo, Reply, Request, RequestId};
use tokio::sync::mpsc;

use super::NetEvent;
use super::link::Out;

/// Chunk requests in flight per transfer.
pub const WINDOW: usize = 4;

/// The UI's name for a transfer.
pub type TransferId = u64;

/// Where a transfer stands, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferState {
    /// Reading the file to compute its hash.
    Preparing,
    Running,
    /// The connection is down; it continues after the next login.
    Paused,
    /// Shared (upload), or saved at this path (download).
    Done(Option<PathBuf>),
    Failed(String),
    Cancelled,
}

/// What the UI learns about a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferUpdate {
    pub id: TransferId,
    pub name: String,
    pub upload: bool,
    pub done: u64,
    pub total: u64,
    pub state: TransferState,
    /// The content's SHA-256, once known.
    pub sha256: Option<String>,
    /// The file on this computer: the one shared, or the one saved.
    pub path: Option<PathBuf>,
}

/// A file being shared.
#[derive(Debug)]
struct Upload {
    path: PathBuf,
    name: String,
    to: Option<String>,
    size: u64,
    sha256: Option<String>,
    upload: Option<u64>,
    file: Option<File>,
    /// Bytes the server confirmed, and the next offset to send.
    acked: u64,
    next: u64,
    in_flight: usize,
}

/// A shared file being saved.
#[derive(Debug)]
struct Download {
    info: FileInfo,
    dest: PathBuf,
    part: PathBuf,
    file: File,
    written: u64,
    next: u64,
    in_flight: usize,
}

#[derive(Debug)]
enum Transfer {
    Upload(Upload),
    Download(Download),
}

/// A file read through on a blocking thread: its size and SHA-256.
type Hashed = (TransferId, Result<(u64, String), String>);

/// Every transfer of this session.
#[derive(Debug)]
pub(super) struct Transfers {
    transfers: HashMap<TransferId, Transfer>,
    /// Which transfer each request in flight belongs to.
    requests: HashMap<RequestId, TransferId>,
    /// Hashes computed on blocking threads, and downloads checked there.
    hashed_tx: mpsc::UnboundedSender<Hashed>,
    hashed_rx: mpsc::UnboundedReceiver<Hashed>,
    last_update: HashMap<TransferId, Instant>,
}

impl Default for Transfers {
    fn default() -> Self {
        let (hashed_tx, hashed_rx) = mpsc::unbounded_channel();
        Transfers {
            transfers: HashMap::new(),
            requests: HashMap::new(),
            hashed_tx,
            hashed_rx,
            last_update: HashMap::new(),
        }
    }
}

fn hash_file(path: &Path) -> Result<(u64, String), String> {
    use sha2::Digest;
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let mut hasher = sha2::Sha256::new();
    let mut block = vec![0; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut block).map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok((size, hex(&hasher.finalize())));
        }
        size += n as u64;
        hasher.update(&block[..n]);
    }
}

/// `dir/name`, or `dir/name (1).ext`… — never a file that exists (nor its
/// `.part`).
pub fn free_path(dir: &Path, name: &str) -> PathBuf {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    };
    (0..)
        .map(|n| match n {
            0 => dir.join(name),
            n => dir.join(format!("{stem} ({n}){extension}")),
        })
        .find(|path| !path.exists() && !part_of(path).exists())
        .unwrap_or_else(|| dir.join(name))
}

fn part_of(path: &Path) -> PathBuf {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    PathBuf::from(part)
}

impl Transfers {
    /// A transfer command while no connection serves (the rest wait for
    /// one; a cancelled upload is simply forgotten).
    pub(super) fn command(&mut self, out: &Out, command: super::NetCommand) {
        use super::NetCommand;
        match command {
            NetCommand::Upload { id, path, to } => self.upload(out, id, path, to),
            NetCommand::Download { id, file, dir } => self.download(out, id, file, &dir),
            NetCommand::CancelTransfer { id } => {
                self.cancel(out, id);
            }
            _ => {}
        }
    }

    /// Starts sharing the file at `path` (with `to`, or the current room).
    pub(super) fn upload(&mut self, out: &Out, id: TransferId, path: PathBuf, to: Option<String>) {
        let name = path
            .file_name()
            .map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
        let upload = Upload {
            path: path.clone(),
            name,
            to,
            size: 0,
            sha256: None,
            upload: None,
            file: None,
            acked: 0,
            next: 0,
            in_flight: 0,
        };
        self.transfers.insert(id, Transfer::Upload(upload));
        self.report(out, id, TransferState::Preparing, true);
        let done = self.hashed_tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = done.send((id, hash_file(&path)));
        });
    }

    /// Starts saving a shared file into `dir` (never over an existing file).
    pub(super) fn download(&mut self, out: &Out, id: TransferId, info: FileInfo, dir: &Path) {
        let dest = free_path(dir, &tertulia_shared::files::safe_file_name(&info.name));
        let part = part_of(&dest);
        let file = std::fs::create_dir_all(dir).and_then(|()| File::create(&part));
        match file {
            Ok(file) => {
                let download = Download {
                    info,
                    dest,
                    part,
                    file,
                    written: 0,
                    next: 0,
                    in_flight: 0,
                };
                let empty = download.info.size == 0;
                self.transfers.insert(id, Transfer::Download(download));
                self.report(out, id, TransferState::Running, true);
                if empty {
                    self.check_download(out, id);
                }
            }
            Err(e) => {
                let name = info.name.clone();
                out.emit(NetEvent::Transfer(TransferUpdate {
                    id,
                    name,
                    upload: false,
                    done: 0,
                    total: info.size,
                    state: TransferState::Failed(e.to_string()),
                    sha256: Some(info.sha256),
                    path: None,
                }));
            }
        }
    }

    /// Stops a transfer; returns the request that tells the server, if any.
    pub(super) fn cancel(&mut self, out: &Out, id: TransferId) -> Option<Request> {
        self.report(out, id, TransferState::Cancelled, true);
        self.requests.retain(|_, t| *t != id);
        match self.transfers.remove(&id)? {
            Transfer::Upload(upload) => {
                upload.upload.map(|upload| Request::CancelUpload { upload })
            }
            Transfer::Download(download) => {
                let _ = std::fs::remove_file(&download.part);
                None
            }
        }
    }

    /// The connection is gone: every request in flight is lost.
    pub(super) fn pause(&mut self, out: &Out) {
        self.requests.clear();
        let ids: Vec<TransferId> = self.transfers.keys().copied().collect();
        for id in ids {
            match self.transfers.get_mut(&id) {
                Some(Transfer::Upload(upload)) => {
                    upload.in_flight = 0;
                    upload.upload = None;
                    upload.next = upload.acked;
                }
                Some(Transfer::Download(download)) => {
                    download.in_flight = 0;
                    download.next = download.written;
                }
                None => {}
            }
            self.report(out, id, TransferState::Paused, true);
        }
    }

    /// The next hash computed on a blocking thread.
    pub(super) async fn hashed(&mut self) -> (TransferId, Result<(u64, String), String>) {
        match self.hashed_rx.recv().await {
            Some(hashed) => hashed,
            // Never: this struct holds a sender.
            None => std::future::pending().await,
        }
    }

    /// A hash is ready: the upload can be offered, or a download ends.
    pub(super) fn on_hashed(
        &mut self,
        out: &Out,
        id: TransferId,
        result: Result<(u64, String), String>,
    ) {
        match (self.transfers.get_mut(&id), result) {
            (Some(Transfer::Upload(upload)), Ok((size, sha256))) => {
                upload.size = size;
                upload.sha256 = Some(sha256);
                self.report(out, id, TransferState::Running, true);
            }
            (Some(Transfer::Download(_)), Ok((_, sha256))) => {
                let Some(Transfer::Download(download)) = self.transfers.remove(&id) else {
                    return;
                };
                let state = if sha256 != download.info.sha256 {
                    let _ = std::fs::remove_file(&download.part);
                    TransferState::Failed(crate::i18n::tr("files-corrupt"))
                } else {
                    match std::fs::rename(&download.part, &download.dest) {
                        Ok(()) => TransferState::Done(Some(download.dest.clone())),
                        Err(e) => TransferState::Failed(e.to_string()),
                    }
                };
                self.transfers.insert(id, Transfer::Download(download));
                self.report(out, id, state, true);
                self.transfers.remove(&id);
            }
            (Some(_), Err(error)) => {
                self.report(out, id, TransferState::Failed(error), true);
                self.transfers.remove(&id);
            }
            (None, _) => {}
        }
    }

    /// The requests the transfers want sent now, with the ids given by `next_id`.
    pub(super) fn wanted(
        &mut self,
        mut next_id: impl FnMut() -> RequestId,
    ) -> Vec<(RequestId, Request)> {
        let mut wanted = Vec::new();
        for (&id, transfer) in &mut self.transfers {
            match transfer {
                Transfer::Upload(upload) => {
                    let Some(sha256) = &upload.sha256 else {
                        continue;
                    };
                    let Some(upload_id) = upload.upload else {
                        if upload.in_flight == 0 {
                            upload.in_flight = 1;
                            let request = Request::OfferFile {
                                name: upload.name.clone(),
                                size: upload.size,
                                sha256: sha256.clone(),
                                to: upload.to.clone(),
                            };
                            let rid = next_id();
                            self.requests.insert(rid, id);
                            wanted.push((rid, request));
                        }
                        continue;
                    };
                    while upload.in_flight < WINDOW && upload.next < upload.size {
                        let Some(file) = &mut upload.file else { break };
                        let len = (upload.size - upload.next).min(CHUNK_BYTES as u64) as usize;
                        let mut bytes = vec![0; len];
                        let read = file
                            .seek(SeekFrom::Start(upload.next))
                            .and_then(|_| file.read_exact(&mut bytes));
                        if read.is_err() {
                            break;
                        }
                        let rid = next_id();
                        self.requests.insert(rid, id);
                        wanted.push((
                            rid,
                            Request::UploadChunk {
                                upload: upload_id,
                                offset: upload.next,
                                data: encode_chunk(&bytes),
                            },
                        ));
                        upload.next += len as u64;
                        upload.in_flight += 1;
                    }
                }
                Transfer::Download(download) => {
                    while download.in_flight < WINDOW && download.next < download.info.size {
                        let rid = next_id();
                        self.requests.insert(rid, id);
                        wanted.push((
                            rid,
                            Request::DownloadChunk {
                                file: download.info.id,
                                offset: download.next,
                            },
                        ));
                        download.next += CHUNK_BYTES as u64;
                        download.in_flight += 1;
                    }
                }
            }
        }
        wanted
    }

    /// Whether `id` is one of the transfers' requests.
    pub(super) fn owns(&self, id: RequestId) -> bool {
        self.requests.contains_key(&id)
    }

    /// An answer to one of the transfers' requests.
    pub(super) fn on_reply(&mut self, out: &Out, rid: RequestId, reply: Reply) {
        let Some(id) = self.requests.remove(&rid) else {
            return;
        };
        let Some(transfer) = self.transfers.get_mut(&id) else {
            return;
        };
        match (transfer, reply) {
            (
                Transfer::Upload(upload),
                Reply::Upload {
                    upload: upload_id,
                    received,
                    ..
                },
            ) => {
                upload.in_flight = upload.in_flight.saturating_sub(1);
                if upload.upload.is_none() {
                    // The answer to the offer: start (or resume) there.
                    upload.upload = Some(upload_id);
                    upload.next = received;
                    match File::open(&upload.path) {
                        Ok(file) => upload.file = Some(file),
                        Err(e) => return self.fail(out, id, e.to_string()),
                    }
                }
                upload.acked = upload.acked.max(received);
                self.report(out, id, TransferState::Running, false);
            }
            (Transfer::Upload(upload), Reply::Sent { .. }) => {
                upload.acked = upload.size;
                self.finish(out, id, TransferState::Done(None));
            }
            (Transfer::Upload(upload), Reply::PrivateSent { message, .. }) => {
                upload.acked = upload.size;
                out.emit(NetEvent::Event(tertulia_shared::Event::Private(message)));
                self.finish(out, id, TransferState::Done(None));
            }
            (
                Transfer::Download(download),
                Reply::FileChunk {
                    offset, data, eof, ..
                },
            ) => {
                download.in_flight = download.in_flight.saturating_sub(1);
                let Some(bytes) = decode_chunk(&data) else {
                    return self.fail(out, id, "unreadable chunk".into());
                };
                let written = download
                    .file
                    .seek(SeekFrom::Start(offset))
                    .and_then(|_| download.file.write_all(&bytes));
                if let Err(e) = written {
                    return self.fail(out, id, e.to_string());
                }
                download.written = download.written.max(offset + bytes.len() as u64);
                if eof || download.written >= download.info.size {
                    self.check_download(out, id);
                } else {
                    self.report(out, id, TransferState::Running, false);
                }
            }
            _ => {}
        }
    }

    /// A request of a transfer failed.
    pub(super) fn on_error(&mut self, out: &Out, rid: RequestId, error: ErrorBody) {
        let Some(id) = self.requests.remove(&rid) else {
            return;
        };
        if error.code == ErrorCode::WrongOffset
            && let Some(Transfer::Upload(upload)) = self.transfers.get_mut(&id)
        {
            // Out of step (a chunk lost with a connection): offer again.
            upload.upload = None;
            upload.in_flight = 0;
            self.requests.retain(|_, t| *t != id);
            return;
        }
        self.fail(out, id, crate::i18n::error_message(&error));
    }

    fn check_download(&mut self, out: &Out, id: TransferId) {
        let Some(Transfer::Download(download)) = self.transfers.get_mut(&id) else {
            return;
        };
        if let Err(e) = download.file.flush() {
            return self.fail(out, id, e.to_string());
        }
        let part = download.part.clone();
        let done = self.hashed_tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = done.send((id, hash_file(&part)));
        });
    }

    fn fail(&mut self, out: &Out, id: TransferId, message: String) {
        if let Some(Transfer::Download(download)) = self.transfers.get(&id) {
            let _ = std::fs::remove_file(&download.part);
        }
        self.finish(out, id, TransferState::Failed(message));
    }

    fn finish(&mut self, out: &Out, id: TransferId, state: TransferState) {
        self.report(out, id, state, true);
        self.transfers.remove(&id);
        self.requests.retain(|_, t| *t != id);
        self.last_update.remove(&id);
    }

    /// Tells the UI; progress at most ten times a second per transfer.
    fn report(&mut self, out: &Out, id: TransferId, state: TransferState, always: bool) {
        let now = Instant::now();
        if !always
            && self
                .last_update
                .get(&id)
                .is_some_and(|last| now.duration_since(*last).as_millis() < 100)
        {
            return;
        }
        self.last_update.insert(id, now);
        let Some(transfer) = self.transfers.get(&id) else {
            return;
        };
        let update = match transfer {
            Transfer::Upload(upload) => TransferUpdate {
                id,
                name: upload.name.clone(),
                upload: true,
                done: upload.acked,
                total: upload.size,
                state,
                sha256: upload.sha256.clone(),
                path: Some(upload.path.clone()),
            },
            Transfer::Download(download) => TransferUpdate {
                id,
                name: download.info.name.clone(),
                upload: false,
                done: download.written,
                total: download.info.size,
                sha256: Some(download.info.sha256.clone()),
                path: matches!(state, TransferState::Done(_)).then(|| download.dest.clone()),
                state,
            },
        };
        out.emit(NetEvent::Transfer(update));
    }
}
