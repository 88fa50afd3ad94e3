//! The moderation window of teachers and admins: exam mode, the current
//! room's announcement flag, an export of the room's log, roles (admins),
//! and the audit record. Everything it asks goes out as one request.

use egui::{RichText, Ui};
use tertulia_shared::{AuditEntry, ExportFormat, Request, Role};

use super::{Intent, clock_time};
use crate::i18n::{tr, tr_args};
use crate::state::ChatState;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// What the window keeps between frames.
#[derive(Debug, Clone)]
pub struct PanelState {
    pub open: bool,
    /// How many days back an export reaches.
    pub export_days: i64,
    pub format: ExportFormat,
    pub role_login: String,
    pub role: Role,
}

impl Default for PanelState {
    fn default() -> Self {
        PanelState {
            open: false,
            export_days: 1,
            format: ExportFormat::Csv,
            role_login: String::new(),
            role: Role::Teacher,
        }
    }
}

/// The window, when open and the user is staff.
pub fn moderation_window(
    ctx: &egui::Context,
    panel: &mut PanelState,
    state: &ChatState,
    now_ms: i64,
) -> Option<Intent> {
    if !panel.open || !state.moderation.is_staff() {
        return None;
    }
    let mut intent = None;
    let mut open = true;
    egui::Window::new(tr("mod-panel-title"))
        .open(&mut open)
        .default_width(420.0)
        // Below the exam banner, over the log rather than the sidebar.
        .default_pos(ctx.content_rect().left_top() + egui::vec2(200.0, 80.0))
        .show(ctx, |ui| {
            intent = class_ui(ui, state)
                .or(export_ui(ui, panel, &state.room, now_ms))
                .or(roles_ui(ui, panel, state.moderation.role))
                .or(audit_ui(
                    ui,
                    &state.moderation.audit,
                    state.moderation.audit_more,
                ));
        });
    panel.open = open;
    intent
}

/// Exam mode and the current room's announcement flag.
fn class_ui(ui: &mut Ui, state: &ChatState) -> Option<Intent> {
    let exam = state.moderation.exam;
    let mut intent = None;
    ui.horizontal(|ui| {
        let status = if exam {
            "mod-exam-is-on"
        } else {
            "mod-exam-is-off"
        };
        ui.label(RichText::new(tr(status)).strong());
        let button = if exam {
            "mod-exam-end"
        } else {
            "mod-exam-start"
        };
        if ui.button(tr(button)).clicked() {
            intent = Some(Intent::Send(Request::Exam { on: !exam }));
        }
    });
    let room = &state.room;
    let mut announce = state.moderation.is_announce(room);
    if ui
        .checkbox(&mut announce, tr_args("mod-announce", &[("room", room)]))
        .changed()
    {
        intent = Some(Intent::Send(Request::RoomSettings {
            room: room.clone(),
            announce,
        }));
    }
    ui.separator();
    intent
}

/// The current room's log of the last days, as a file.
fn export_ui(ui: &mut Ui, panel: &mut PanelState, room: &str, now_ms: i64) -> Option<Intent> {
    let mut intent = None;
    ui.label(RichText::new(tr_args("mod-export-title", &[("room", &room)])).strong());
    ui.horizontal(|ui| {
        for (days, key) in [
            (1, "mod-export-day"),
            (7, "mod-export-week"),
            (30, "mod-export-month"),
        ] {
            ui.selectable_value(&mut panel.export_days, days, tr(key));
        }
        ui.separator();
        ui.selectable_value(&mut panel.format, ExportFormat::Csv, "CSV");
        ui.selectable_value(&mut panel.format, ExportFormat::Html, "HTML");
        if ui.button(tr("mod-export")).clicked() {
            intent = Some(Intent::Send(Request::ExportRoom {
                room: room.to_owned(),
                from_ms: now_ms - panel.export_days * DAY_MS,
                to_ms: now_ms + 60_000,
                format: panel.format,
            }));
        }
    });
    ui.separator();
    intent
}

/// Admins give and take roles by login.
fn roles_ui(ui: &mut Ui, panel: &mut PanelState, my_role: Role) -> Option<Intent> {
    if my_role != Role::Admin {
        return None;
    }
    let mut intent = None;
    ui.label(RichText::new(tr("mod-roles-title")).strong());
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut panel.role_login)
                .hint_text(tr("mod-roles-login"))
                .desired_width(140.0),
        );
        for role in [Role::Student, Role::Teacher, Role::Admin] {
            ui.selectable_value(
                &mut panel.role,
                role,
                tr(&format!("role-{}", role.as_str())),
            );
        }
        let login = panel.role_login.trim();
        if ui
            .add_enabled(!login.is_empty(), egui::Button::new(tr("mod-roles-apply")))
            .clicked()
        {
            intent = Some(Intent::Send(Request::SetRole {
                login: login.to_owned(),
                role: panel.role,
            }));
        }
    });
    ui.separator();
    intent
}

/// The audit record, newest first, read a page at a time.
fn audit_ui(ui: &mut Ui, entries: &[AuditEntry], more: bool) -> Option<Intent> {
    let mut intent = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(tr("mod-audit-title")).strong());
        if ui.button(tr("mod-audit-load")).clicked() {
            intent = Some(Intent::Send(Request::Audit { before_id: None }));
        }
    });
    egui::ScrollArea::vertical()
        .max_height(220.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for entry in entries {
                let whom = entry.target.as_deref().unwrap_or("");
                // The request's name, in the reader's words.
                let action = match tr(&format!("audit-{}", entry.action.replace('_', "-"))) {
                    said if said.starts_with("audit-") => entry.action.clone(),
                    said => said,
                };
                let mut line = format!(
                    "{}  {}  {action}  {whom}",
                    clock_time(entry.time_ms),
                    entry.actor,
                );
                for extra in [&entry.reason, &entry.detail].into_iter().flatten() {
                    line.push_str(&format!(" — {extra}"));
                }
                ui.add(egui::Label::new(RichText::new(line).small()).wrap());
            }
            if more
                && let Some(last) = entries.last()
                && ui.button(tr("mod-audit-older")).clicked()
            {
                intent = Some(Intent::Send(Request::Audit {
                    before_id: Some(last.id),
                }));
            }
        });
    intent
}
