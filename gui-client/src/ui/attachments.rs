//! Files in the window: a shared file in the log (with a thumbnail for
//! images already here), the strip of transfers in progress above the input,
//! and a simple file picker (no native dialog: it would need packages a lab
//! machine may lack).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{RichText, Ui};
use tertulia_shared::FileInfo;

use super::Intent;
use crate::net::transfers::{TransferId, TransferState, TransferUpdate};

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        DOWNLOAD = "files-download";
        PREPARING = "files-preparing";
        PAUSED = "files-paused";
        CANCEL = "files-cancel";
        DISMISS = "files-dismiss";
        UP = "files-up";
        DOWN = "files-down";
        PICKER_UP = "files-picker-up";
        PICKER_SEND = "files-picker-send";
        OPEN_FOLDER = "files-open-folder";
    }

    pub fn saved(name: &str) -> String {
        tr_args("files-saved", &[("name", &name)])
    }
    pub fn shared(name: &str) -> String {
        tr_args("files-shared", &[("name", &name)])
    }
    pub fn cancelled(name: &str) -> String {
        tr_args("files-cancelled", &[("name", &name)])
    }
    pub fn failed(name: &str, reason: &str) -> String {
        tr_args("files-failed", &[("name", &name), ("reason", &reason)])
    }
    pub fn progress(done: &str, total: &str, speed: &str, left: &str) -> String {
        tr_args(
            "files-progress",
            &[
                ("done", &done),
                ("total", &total),
                ("speed", &speed),
                ("left", &left),
            ],
        )
    }
    pub fn picker_title(to: &str) -> String {
        tr_args("files-picker-title", &[("where", &to)])
    }
}

/// What the user asked for about files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileAction {
    /// Share the file at `path` with the room, or with `to`.
    Share {
        path: PathBuf,
        to: Option<String>,
    },
    Download(FileInfo),
    Cancel(TransferId),
    /// Take a finished transfer off the strip.
    Dismiss(TransferId),
    /// Open the file picker (for the room, or for `to`).
    Pick {
        to: Option<String>,
    },
}

/// `1.5 MB`, `820 kB`, `12 B`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "kB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn human_duration(seconds: f64) -> String {
    let seconds = seconds.max(0.0).round() as u64;
    if seconds >= 60 {
        format!("{} min {} s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds} s")
    }
}

/// A shared file in a log: its name, size and a download button; the
/// image itself when it is already on this computer.
pub fn file_card(ui: &mut Ui, file: &FileInfo, thumbnail: Option<&egui::TextureHandle>) -> bool {
    let mut clicked = false;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("📎 {}", file.name)).strong());
        ui.label(RichText::new(human_size(file.size)).weak());
        clicked = ui.small_button(format!("⬇ {}", text::DOWNLOAD())).clicked();
    });
    if let Some(texture) = thumbnail {
        let size = texture.size_vec2();
        let scale = (240.0 / size.x).min(160.0 / size.y).min(1.0);
        let image = egui::Image::new(texture).fit_to_exact_size(size * scale);
        clicked |= ui.add(egui::Button::image(image).frame(false)).clicked();
    }
    clicked
}

/// A transfer as the strip shows it, with what is needed for its speed.
#[derive(Debug, Clone)]
pub struct TransferView {
    pub update: TransferUpdate,
    started: Instant,
    /// Bytes done when the transfer (re)started running.
    base: u64,
    /// When it ended (done, failed or cancelled): it is shown a little
    /// longer, then goes away by itself.
    finished_at: Option<Instant>,
}

/// How long an ended transfer stays in the strip: long enough to read, and
/// longer for a failure. The file stays reachable from its message.
const SHOWN_WHEN_DONE: Duration = Duration::from_secs(6);
const SHOWN_WHEN_FAILED: Duration = Duration::from_secs(20);

impl TransferView {
    pub fn new(update: TransferUpdate) -> TransferView {
        let mut view = TransferView {
            base: update.done,
            update,
            started: Instant::now(),
            finished_at: None,
        };
        if view.finished() {
            view.finished_at = Some(Instant::now());
        }
        view
    }

    /// Takes a newer update; the speed restarts after a pause.
    pub fn update(&mut self, update: TransferUpdate) {
        if update.state == TransferState::Running && self.update.state != TransferState::Running {
            self.started = Instant::now();
            self.base = update.done;
        }
        self.update = update;
        if self.finished() && self.finished_at.is_none() {
            self.finished_at = Some(Instant::now());
        }
    }

    /// When it stops being shown, if it has ended.
    pub fn gone_at(&self) -> Option<Instant> {
        let shown = match self.update.state {
            TransferState::Failed(_) => SHOWN_WHEN_FAILED,
            _ => SHOWN_WHEN_DONE,
        };
        self.finished_at.map(|at| at + shown)
    }

    /// Bytes per second since it (re)started.
    fn speed(&self) -> f64 {
        let seconds = self.started.elapsed().as_secs_f64().max(0.2);
        self.update.done.saturating_sub(self.base) as f64 / seconds
    }

    pub fn finished(&self) -> bool {
        matches!(
            self.update.state,
            TransferState::Done(_) | TransferState::Failed(_) | TransferState::Cancelled
        )
    }
}

/// The transfers strip, floating above the message box (it never moves
/// the log, so a Download button stays under the pointer): one row per
/// transfer under way with its progress, speed, time left and a cancel
/// button; an ended one folds into a short notice that says it is done and
/// goes away by itself. `above` is where the message box starts.
pub fn transfers_ui(
    ctx: &egui::Context,
    above: egui::Pos2,
    transfers: &[TransferView],
) -> Option<Intent> {
    if transfers.is_empty() {
        return None;
    }
    let mut action = None;
    egui::Area::new(egui::Id::unique("transfers"))
        .order(egui::Order::Foreground)
        .pivot(egui::Align2::RIGHT_BOTTOM)
        .fixed_pos(above)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(520.0);
                for view in transfers {
                    let row = if view.finished() {
                        ended_ui(ui, &view.update)
                    } else {
                        running_ui(ui, view)
                    };
                    if row.is_some() {
                        action = row;
                    }
                }
            });
        });
    action.map(Intent::File)
}

fn running_ui(ui: &mut Ui, view: &TransferView) -> Option<FileAction> {
    let update = &view.update;
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        let (arrow, verb) = if update.upload {
            ("⬆", text::UP())
        } else {
            ("⬇", text::DOWN())
        };
        ui.label(format!("{arrow} {verb}"));
        ui.label(RichText::new(&update.name).strong());
        let fraction = if update.total == 0 {
            1.0
        } else {
            update.done as f32 / update.total as f32
        };
        let status = match &update.state {
            TransferState::Preparing => text::PREPARING(),
            TransferState::Paused => text::PAUSED(),
            _ => {
                let speed = view.speed();
                let left = update.total.saturating_sub(update.done) as f64;
                let eta = if speed > 0.0 { left / speed } else { 0.0 };
                text::progress(
                    &human_size(update.done),
                    &human_size(update.total),
                    &human_size(speed as u64),
                    &human_duration(eta),
                )
            }
        };
        ui.add(
            egui::ProgressBar::new(fraction)
                .desired_width(120.0)
                .show_percentage(),
        );
        if ui.small_button(format!("✖ {}", text::CANCEL())).clicked() {
            action = Some(FileAction::Cancel(update.id));
        }
        ui.label(RichText::new(status).weak());
    });
    action
}

/// An ended transfer as one short line: done, failed or cancelled.
fn ended_ui(ui: &mut Ui, update: &TransferUpdate) -> Option<FileAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        let (said, color) = match &update.state {
            TransferState::Done(Some(_)) => (text::saved(&update.name), ui.visuals().text_color()),
            TransferState::Failed(reason) => (
                format!("⚠ {}", text::failed(&update.name, reason)),
                ui.visuals().error_fg_color,
            ),
            TransferState::Cancelled => (
                text::cancelled(&update.name),
                ui.visuals().weak_text_color(),
            ),
            _ => (text::shared(&update.name), ui.visuals().text_color()),
        };
        let shown = ui.add(egui::Label::new(RichText::new(said).color(color)).truncate());
        if let TransferState::Done(Some(path)) = &update.state {
            shown.on_hover_text(path.display().to_string());
            if let Some(folder) = path.parent()
                && ui.small_button(text::OPEN_FOLDER()).clicked()
            {
                ui.ctx()
                    .open_url(egui::OpenUrl::new_tab(folder_url(folder)));
            }
        }
        if ui
            .small_button("✖")
            .on_hover_text(text::DISMISS())
            .clicked()
        {
            action = Some(FileAction::Dismiss(update.id));
        }
    });
    action
}

fn folder_url(folder: &Path) -> String {
    format!("file://{}", folder.display())
}

/// The file picker: a folder's entries, folders first; a click on a folder
/// opens it, on a file shares it.
#[derive(Debug, Clone)]
pub struct FilePicker {
    pub dir: PathBuf,
    /// With whom (None: the current room).
    pub to: Option<String>,
    pub open: bool,
}

impl FilePicker {
    pub fn new(dir: PathBuf, to: Option<String>) -> FilePicker {
        FilePicker {
            dir,
            to,
            open: true,
        }
    }
}

/// Draws the picker; the file chosen is to be shared.
pub fn picker_ui(ctx: &egui::Context, picker: &mut FilePicker, room: &str) -> Option<Intent> {
    let mut chosen = None;
    let mut go_to = None;
    let title = text::picker_title(picker.to.as_deref().unwrap_or(room));
    let mut open = picker.open;
    egui::Window::new(title)
        .id(egui::Id::unique("file-picker"))
        .open(&mut open)
        .default_size([420.0, 360.0])
        .collapsible(false)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui.button(format!("⬆ {}", text::PICKER_UP())).clicked() {
                    go_to = picker.dir.parent().map(Path::to_path_buf);
                }
                ui.label(RichText::new(picker.dir.display().to_string()).monospace());
            });
            ui.separator();
            let mut entries: Vec<(bool, String, PathBuf)> = std::fs::read_dir(&picker.dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    (!name.starts_with('.')).then(|| (!entry.path().is_dir(), name, entry.path()))
                })
                .collect();
            entries.sort_by_key(|(is_file, name, _)| (*is_file, name.to_lowercase()));
            egui::ScrollArea::vertical().show(ui, |ui| {
                for (is_file, name, path) in entries {
                    if is_file {
                        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                        ui.horizontal(|ui| {
                            if ui
                                .button(format!("📄 {name}"))
                                .on_hover_text(text::PICKER_SEND())
                                .clicked()
                            {
                                chosen = Some(path.clone());
                            }
                            ui.label(RichText::new(human_size(size)).weak());
                        });
                    } else if ui.button(format!("📁 {name}")).clicked() {
                        go_to = Some(path);
                    }
                }
            });
        });
    picker.open = open && chosen.is_none();
    if let Some(dir) = go_to {
        picker.dir = dir;
    }
    chosen.map(|path| {
        Intent::File(FileAction::Share {
            path,
            to: picker.to.clone(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(state: TransferState) -> TransferUpdate {
        TransferUpdate {
            id: 1,
            name: "notas.pdf".into(),
            upload: false,
            done: 10,
            total: 10,
            state,
            sha256: None,
            path: None,
        }
    }

    #[test]
    fn an_ended_transfer_goes_away_by_itself_one_under_way_never() {
        let mut view = TransferView::new(update(TransferState::Running));
        assert_eq!(view.gone_at(), None);
        view.update(update(TransferState::Done(None)));
        let gone = view.gone_at().unwrap_or_else(Instant::now);
        assert!(gone > Instant::now() && gone <= Instant::now() + SHOWN_WHEN_DONE);
        let failed = TransferView::new(update(TransferState::Failed("disco lleno".into())));
        assert!(failed.gone_at() > view.gone_at(), "a failure stays longer");
    }

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(1_500_000), "1.5 MB");
        assert_eq!(human_size(820_000), "820.0 kB");
        assert_eq!(human_duration(75.2), "1 min 15 s");
        assert_eq!(human_duration(3.6), "4 s");
    }
}
