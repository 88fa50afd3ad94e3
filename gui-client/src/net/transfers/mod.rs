//! File transfers, run by the network thread so that chunks go out as fast
//! as their answers come back, whatever the window is doing.
//!
//! Each transfer keeps at most [`WINDOW`] chunk requests in flight, so a
//! chat line typed meanwhile waits behind a few tens of kilobytes at most.
//! A lost connection pauses every transfer; after the next login uploads
//! are offered again (the server answers how much it has) and downloads
//! continue from the bytes already written. Hashing a whole file runs on a
//! blocking thread; chunk reads and writes (8 KiB) run in place.
//! This module starts, pauses and ends transfers; [`chunks`] moves their
//! bytes; [`disk`] names and checks the files on this computer.

mod chunks;
mod disk;

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tertulia_shared::{FileInfo, Request, RequestId};
use tokio::sync::mpsc;

use super::NetEvent;
use super::out::Out;
pub use disk::free_path;
use disk::{hash_file, part_of};

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

impl Transfers {
    /// A transfer order while no connection serves (the rest wait for
    /// one; a cancelled upload is simply forgotten).
    pub(in crate::net) fn order(&mut self, out: &Out, order: super::NetOrder) {
        use super::NetOrder;
        match order {
            NetOrder::Upload { id, path, to } => self.upload(out, id, path, to),
            NetOrder::Download { id, file, dir } => self.download(out, id, file, &dir),
            NetOrder::CancelTransfer { id } => {
                self.cancel(out, id);
            }
            _ => {}
        }
    }

    /// Starts sharing the file at `path` (with `to`, or the current room).
    pub(in crate::net) fn upload(
        &mut self,
        out: &Out,
        id: TransferId,
        path: PathBuf,
        to: Option<String>,
    ) {
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
    pub(in crate::net) fn download(
        &mut self,
        out: &Out,
        id: TransferId,
        info: FileInfo,
        dir: &Path,
    ) {
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
    pub(in crate::net) fn cancel(&mut self, out: &Out, id: TransferId) -> Option<Request> {
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

    /// The session ended for good (logout, cancel, taken over): nothing
    /// may continue under whoever logs in next.
    pub(in crate::net) fn cancel_all(&mut self, out: &Out) {
        let ids: Vec<TransferId> = self.transfers.keys().copied().collect();
        for id in ids {
            self.cancel(out, id);
        }
    }

    /// The connection is gone: every request in flight is lost.
    pub(in crate::net) fn pause(&mut self, out: &Out) {
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
    pub(in crate::net) fn on_hashed(
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
}
