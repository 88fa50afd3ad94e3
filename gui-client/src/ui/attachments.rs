//! Files in the window: a shared file in the log (with a thumbnail for
//! images already here) and a simple file picker (no native dialog: it
//! would need packages a lab machine may lack). Transfers under way are in
//! `transfers.rs`.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};
use tertulia_shared::FileInfo;

use super::Intent;
use crate::net::transfers::TransferId;

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        DOWNLOAD = "files-download";
        PICKER_UP = "files-picker-up";
        PICKER_SEND = "files-picker-send";
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
pub(super) fn human_size(bytes: u64) -> String {
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

pub(super) fn human_duration(seconds: f64) -> String {
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

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(1_500_000), "1.5 MB");
        assert_eq!(human_size(820_000), "820.0 kB");
        assert_eq!(human_duration(75.2), "1 min 15 s");
        assert_eq!(human_duration(3.6), "4 s");
    }
}
