//! Sharing files, on the app's side: what the user asked for (a `#file`
//! line, a file dropped on a window, the picker, a download button) becomes
//! a command for the network thread, which runs the transfers and reports
//! their progress here; and thumbnails of shared images.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use tertulia_shared::FileInfo;
use tertulia_shared::files::{is_image, mime_from_name};

use super::TertuliaApp;
use crate::net::NetCommand;
use crate::net::transfers::{TransferId, TransferState, TransferUpdate};
use crate::ui::Intent;
use crate::ui::files::{FileAction, FilePicker, TransferView};

/// Images larger than this are not fetched just for their thumbnail.
const THUMBNAIL_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// Shared images as textures, by content hash, and the ones the log asked
/// for that are not here yet. Images are decoded on a thread of their own:
/// a large picture must not freeze the window.
pub struct Thumbnails {
    textures: HashMap<String, egui::TextureHandle>,
    wanted: Vec<FileInfo>,
    asked: HashSet<String>,
    decoded_tx: crossbeam_channel::Sender<(String, egui::ColorImage)>,
    decoded: crossbeam_channel::Receiver<(String, egui::ColorImage)>,
}

impl Default for Thumbnails {
    fn default() -> Self {
        let (decoded_tx, decoded) = crossbeam_channel::unbounded();
        Thumbnails {
            textures: HashMap::new(),
            wanted: Vec::new(),
            asked: HashSet::new(),
            decoded_tx,
            decoded,
        }
    }
}

impl std::fmt::Debug for Thumbnails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thumbnails")
            .field("textures", &self.textures.len())
            .finish_non_exhaustive()
    }
}

impl Thumbnails {
    /// The image's thumbnail if it is loaded; otherwise it is fetched (once).
    pub fn get(&mut self, file: &FileInfo) -> Option<&egui::TextureHandle> {
        if !is_image(&file.mime) {
            return None;
        }
        if !self.textures.contains_key(&file.sha256)
            && file.size <= THUMBNAIL_MAX_BYTES
            && self.asked.insert(file.sha256.clone())
        {
            self.wanted.push(file.clone());
        }
        self.textures.get(&file.sha256)
    }

    /// Decodes the image at `path` (on a thread) as the thumbnail of
    /// `sha256`; [`Self::receive`] makes it a texture.
    fn load(&mut self, ctx: &egui::Context, sha256: &str, path: &Path) {
        if std::fs::metadata(path).map_or(true, |m| m.len() > THUMBNAIL_MAX_BYTES) {
            return;
        }
        let (done, ctx, sha256, path) = (
            self.decoded_tx.clone(),
            ctx.clone(),
            sha256.to_owned(),
            path.to_owned(),
        );
        let spawned = std::thread::Builder::new()
            .name("thumbnail".into())
            .spawn(move || match image::open(&path) {
                Ok(image) => {
                    let image = image.thumbnail(480, 320).to_rgba8();
                    let size = [image.width() as usize, image.height() as usize];
                    let pixels = egui::ColorImage::from_rgba_unmultiplied(size, image.as_raw());
                    let _ = done.send((sha256, pixels));
                    ctx.request_repaint();
                }
                Err(e) => tracing::debug!("no thumbnail for {}: {e}", path.display()),
            });
        if let Err(e) = spawned {
            tracing::debug!("no thumbnail: {e}");
        }
    }

    /// Turns the images decoded since the last frame into textures.
    fn receive(&mut self, ctx: &egui::Context) {
        for (sha256, pixels) in self.decoded.try_iter() {
            let texture = ctx.load_texture(&sha256, pixels, egui::TextureOptions::LINEAR);
            self.textures.insert(sha256, texture);
        }
    }
}

/// Transfers in progress and finished, the picker, and where files go.
pub(super) struct Files {
    pub transfers: Vec<TransferView>,
    next_id: TransferId,
    pub picker: Option<FilePicker>,
    downloads: PathBuf,
    /// Where images fetched only for their thumbnail go.
    cache: PathBuf,
    /// Those fetches: not shown in the transfers strip.
    quiet: HashSet<TransferId>,
    pub thumbnails: Thumbnails,
    /// For loading thumbnails as textures.
    ctx: egui::Context,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Files")
            .field("transfers", &self.transfers.len())
            .field("downloads", &self.downloads)
            .finish_non_exhaustive()
    }
}

impl Files {
    /// Downloads go to `downloads`, images fetched for thumbnails to `cache`.
    pub fn new(ctx: &egui::Context, downloads: PathBuf, cache: PathBuf) -> Files {
        Files {
            ctx: ctx.clone(),
            transfers: Vec::new(),
            next_id: 1,
            picker: None,
            downloads,
            cache,
            quiet: HashSet::new(),
            thumbnails: Thumbnails::default(),
        }
    }

    /// The user's Downloads folder (or their home directory), and a cache.
    pub fn for_this_user(ctx: &egui::Context) -> Files {
        let user = directories::UserDirs::new();
        let downloads = user
            .as_ref()
            .and_then(|dirs| dirs.download_dir().map(Path::to_path_buf))
            .or_else(|| user.as_ref().map(|dirs| dirs.home_dir().join("Downloads")))
            .unwrap_or_else(|| PathBuf::from("."));
        let cache = directories::ProjectDirs::from("org", "Tertulia", "tertulia")
            .map_or_else(
                || std::env::temp_dir().join("tertulia"),
                |d| d.cache_dir().to_path_buf(),
            )
            .join("images");
        Files::new(ctx, downloads, cache)
    }

    fn next(&mut self) -> TransferId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

impl TertuliaApp {
    /// Applies what the user asked for about files.
    pub(super) fn apply_file_action(&mut self, action: FileAction) {
        match action {
            FileAction::Share { path, to } => self.share_file(path, to),
            FileAction::Download(file) => {
                let id = self.files.next();
                let dir = self.files.downloads.clone();
                self.net.command(NetCommand::Download { id, file, dir });
            }
            FileAction::Cancel(id) => {
                self.net.command(NetCommand::CancelTransfer { id });
            }
            FileAction::Dismiss(id) => self.files.transfers.retain(|t| t.update.id != id),
            FileAction::Pick { to } => {
                let start = self
                    .files
                    .picker
                    .as_ref()
                    .map(|p| p.dir.clone())
                    .or_else(|| directories::UserDirs::new().map(|d| d.home_dir().to_path_buf()))
                    .unwrap_or_else(|| PathBuf::from("."));
                self.files.picker = Some(FilePicker::new(start, to));
            }
        }
    }

    /// Where every transfer of this window stands, as last reported.
    pub fn transfers(&self) -> Vec<crate::net::transfers::TransferUpdate> {
        self.files
            .transfers
            .iter()
            .map(|t| t.update.clone())
            .collect()
    }

    /// How many shared images have a thumbnail loaded.
    pub fn thumbnails_loaded(&self) -> usize {
        self.files.thumbnails.textures.len()
    }

    /// Where downloads are saved.
    pub fn downloads_dir(&self) -> &Path {
        &self.files.downloads
    }

    /// Shares the file at `path` (refused in the log if there is none).
    pub(super) fn share_file(&mut self, path: PathBuf, to: Option<String>) {
        if !path.is_file() {
            if let Some(chat) = &mut self.chat {
                chat.state.error(crate::i18n::tr_args(
                    "files-no-file",
                    &[("path", &path.display())],
                ));
            }
            return;
        }
        let id = self.files.next();
        self.net.command(NetCommand::Upload { id, path, to });
    }

    /// Files dropped on the main window go to the current room (those a
    /// conversation window claimed in `intents` go to its person).
    pub(super) fn share_dropped_files(&mut self, ctx: &egui::Context, intents: &[Intent]) {
        let claimed: Vec<&PathBuf> = intents
            .iter()
            .filter_map(|intent| match intent {
                Intent::File(FileAction::Share { path, .. }) => Some(path),
                _ => None,
            })
            .collect();
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        for path in dropped.into_iter().map(|f| f.path().to_path_buf()) {
            if !claimed.contains(&&path) {
                self.share_file(path, None);
            }
        }
    }

    /// A transfer moved on.
    pub(super) fn on_transfer(&mut self, update: TransferUpdate) {
        let done_here = match (&update.state, &update.sha256, &update.path) {
            (TransferState::Done(_), Some(sha256), Some(path))
                if is_image(mime_from_name(&update.name)) =>
            {
                Some((sha256.clone(), path.clone()))
            }
            _ => None,
        };
        if let Some((sha256, path)) = done_here {
            let ctx = self.files.ctx.clone();
            self.files.thumbnails.load(&ctx, &sha256, &path);
        }
        if self.files.quiet.contains(&update.id) {
            return;
        }
        match self
            .files
            .transfers
            .iter_mut()
            .find(|t| t.update.id == update.id)
        {
            Some(view) => view.update(update),
            None => self.files.transfers.push(TransferView::new(update)),
        }
    }

    /// Makes textures of the pictures decoded since the last frame, and
    /// fetches the images the log wants thumbnails of (from the cache when
    /// they were fetched before).
    pub(super) fn fetch_thumbnails(&mut self) {
        let ctx = self.files.ctx.clone();
        self.files.thumbnails.receive(&ctx);
        let wanted = std::mem::take(&mut self.files.thumbnails.wanted);
        for file in wanted {
            let cached = self.files.cache.join(&file.sha256);
            if cached.is_dir()
                && let Some(Ok(entry)) = std::fs::read_dir(&cached).into_iter().flatten().next()
            {
                self.files
                    .thumbnails
                    .load(&ctx, &file.sha256, &entry.path());
                continue;
            }
            let id = self.files.next();
            self.files.quiet.insert(id);
            self.net.command(NetCommand::Download {
                id,
                file,
                dir: cached,
            });
        }
    }
}
