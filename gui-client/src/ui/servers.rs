//! The list of chat servers on this network, beside the login and signup
//! forms: the ones heard on the LAN right now, the ones used before, and
//! hosting a chat on this computer.

use super::Intent;
use egui::{RichText, Ui};

/// Every sentence of this panel, in one place for translation.
mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        TITLE = "servers-title";
        LOOKING = "servers-looking";
        NONE_FOUND = "servers-none-found";
        ENCRYPTED = "servers-encrypted";
        NOT_ENCRYPTED = "servers-not-encrypted";
        NOT_SEEN = "servers-not-seen";
        HOST = "servers-host";
        OFFERED = "servers-offered";
        HOST_HINT = "servers-host-hint";
        STARTING = "servers-starting";
    }

    pub fn online(n: usize) -> String {
        match n {
            1 => crate::i18n::tr("servers-online-one"),
            n => tr_args("servers-online-many", &[("n", &n)]),
        }
    }
    pub fn hosting(name: &str) -> String {
        tr_args("servers-hosting", &[("name", &name)])
    }
}

/// One server in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerRow {
    pub name: String,
    pub address: String,
    pub online: Option<usize>,
    pub encrypted: bool,
    /// Heard on the LAN now (false: remembered from an earlier run).
    pub heard: bool,
    /// Set up by the lab's policy (`/etc/tertulia/client.toml`).
    pub offered: bool,
}

/// What this computer hosts, for the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostLine {
    Starting,
    Running {
        name: String,
        addresses: Vec<String>,
        fingerprint: String,
    },
    Failed(String),
}

pub fn servers_ui(
    ui: &mut Ui,
    rows: &[ServerRow],
    selected: &str,
    searching: bool,
    host: Option<&HostLine>,
    can_host: bool,
    asking: &mut bool,
) -> Option<Intent> {
    ui.add_space(8.0);
    ui.heading(text::TITLE());
    ui.add_space(6.0);
    // Hosting comes first: the list below it grows and shrinks as servers
    // are heard, and must not move its button. A lab may leave it out.
    let mut hosting = None;
    if can_host || host.is_some() {
        hosting = host_ui(ui, host, asking);
        ui.separator();
    }
    list_ui(ui, rows, selected, searching).or(hosting)
}

/// The servers heard on the LAN and remembered; a click chooses one.
fn list_ui(ui: &mut Ui, rows: &[ServerRow], selected: &str, searching: bool) -> Option<Intent> {
    let mut action = None;
    ui.add_space(4.0);
    if rows.is_empty() {
        if searching {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(text::LOOKING());
            });
        } else {
            ui.label(RichText::new(text::NONE_FOUND()).weak());
        }
    }
    for row in rows {
        let chosen = row.address == selected;
        let label = ui.selectable_label(chosen, RichText::new(&row.name).strong());
        if label.clicked() {
            action = Some(Intent::ChooseServer(row.clone()));
        }
        let mut details = vec![row.address.clone()];
        if let Some(online) = row.online {
            details.push(text::online(online));
        }
        details.push(
            if row.encrypted {
                text::ENCRYPTED()
            } else {
                text::NOT_ENCRYPTED()
            }
            .to_owned(),
        );
        if row.offered && !row.heard {
            details.push(text::OFFERED().to_owned());
        } else if !row.heard {
            details.push(text::NOT_SEEN().to_owned());
        }
        ui.label(RichText::new(details.join(" · ")).small().weak());
        ui.add_space(4.0);
    }
    action
}

/// Hosting a chat on this computer: the button, then how it goes.
fn host_ui(ui: &mut Ui, host: Option<&HostLine>, asking: &mut bool) -> Option<Intent> {
    let mut action = None;
    match host {
        None => {
            if ui
                .button(text::HOST())
                .on_hover_text(text::HOST_HINT())
                .clicked()
            {
                action = Some(Intent::HostChat);
            }
        }
        Some(HostLine::Starting) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(text::STARTING());
            });
        }
        Some(HostLine::Running {
            name,
            addresses,
            fingerprint,
        }) => {
            ui.label(text::hosting(name));
            for address in addresses {
                ui.label(RichText::new(address).monospace());
            }
            ui.add_space(6.0);
            action = super::host_fingerprint_ui(ui, fingerprint, asking);
        }
        Some(HostLine::Failed(why)) => {
            ui.label(RichText::new(why).color(ui.visuals().error_fg_color));
            if ui.button(text::HOST()).clicked() {
                action = Some(Intent::HostChat);
            }
        }
    }
    action
}
