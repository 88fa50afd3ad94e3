//! The strip of file transfers floating above the message box: those under
//! way with their progress, the ended ones folded into a line that goes
//! away by itself.

use std::path::Path;
use std::time::{Duration, Instant};

use egui::{RichText, Ui};

use super::Intent;
use super::attachments::{FileAction, human_duration, human_size};
use crate::net::transfers::{TransferState, TransferUpdate};

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        PREPARING = "files-preparing";
        PAUSED = "files-paused";
        CANCEL = "files-cancel";
        DISMISS = "files-dismiss";
        UP = "files-up";
        DOWN = "files-down";
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
}
