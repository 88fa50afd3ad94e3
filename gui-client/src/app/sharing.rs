//! Sharing files, on the app's side: what the user asked for (a `#file`
//! line, a file dropped on a window, the picker, a download button) becomes
//! an order for the network thread, which runs the transfers and reports
//! their progress here; and fetching the images `ui::thumbnails` asks for.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use tertulia_shared::files::{is_image, mime_from_name};

use super::TertuliaApp;
use crate::net::NetOrder;
use crate::net::transfers::{TransferId, TransferState, TransferUpdate};
use crate::ui::Intent;
use crate::ui::attachments::{FileAction, FilePicker};
use crate::ui::thumbnails::Thumbnails;
use crate::ui::transfers::TransferView;

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
        if matches!(action, FileAction::Pick { .. }) && !self.sharing_allowed() {
            return;
        }
        match action {
            FileAction::Share { path, to } => self.share_file(path, to),
            FileAction::Download(file) => {
                let id = self.files.next();
                let dir = self.files.downloads.clone();
                self.net.order(NetOrder::Download { id, file, dir });
            }
            FileAction::Cancel(id) => {
                self.net.order(NetOrder::CancelTransfer { id });
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
        self.files.thumbnails.loaded()
    }

    /// Where downloads are saved.
    pub fn downloads_dir(&self) -> &Path {
        &self.files.downloads
    }

    /// Shares the file at `path` (refused in the log if there is none).
    /// Whether the lab lets files be shared here; if not, says so in the chat.
    fn sharing_allowed(&mut self) -> bool {
        if !self.policy.files
            && let Some(chat) = &mut self.chat
        {
            chat.state.error(crate::i18n::tr("files-off"));
        }
        self.policy.files
    }

    pub(super) fn share_file(&mut self, path: PathBuf, to: Option<String>) {
        if !self.sharing_allowed() {
            return;
        }
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
        self.net.order(NetOrder::Upload { id, path, to });
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

    /// Ended transfers leave the strip once shown long enough; a repaint
    /// is asked for when the next one goes.
    pub(super) fn expire_transfers(&mut self, ctx: &egui::Context) {
        let now = std::time::Instant::now();
        self.files
            .transfers
            .retain(|t| t.gone_at().is_none_or(|gone| gone > now));
        if let Some(next) = self
            .files
            .transfers
            .iter()
            .filter_map(|t| t.gone_at())
            .min()
        {
            ctx.request_repaint_after(next.saturating_duration_since(now));
        }
    }

    /// Ended transfers of an earlier session are not this one's.
    pub(super) fn forget_ended_transfers(&mut self) {
        self.files.transfers.retain(|t| !t.finished());
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
        let wanted = self.files.thumbnails.take_wanted();
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
            self.net.order(NetOrder::Download {
                id,
                file,
                dir: cached,
            });
        }
    }
}
