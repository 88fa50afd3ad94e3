//! The list of chat servers on this network, beside the login and signup
//! forms: the ones heard on the LAN right now, the ones used before, and
//! hosting a chat on this computer.

use egui::{RichText, Ui};

/// Every sentence of this panel, in one place for translation.
mod text {
    pub const TITLE: &str = "Chats on this network";
    pub const LOOKING: &str = "Looking for chats on this network…";
    pub const NONE_FOUND: &str = "No chat found on this network yet. Check that this computer \
        is on the same network as the server, and that the firewalls let through TCP port \
        7878 and UDP port 5353 (mDNS). You can also type the server's address in the form.";
    pub const ENCRYPTED: &str = "encrypted";
    pub const NOT_ENCRYPTED: &str = "not encrypted";
    pub const NOT_SEEN: &str = "used before, not heard right now";
    pub fn online(n: usize) -> String {
        match n {
            1 => "1 person online".to_owned(),
            n => format!("{n} people online"),
        }
    }
    pub const HOST: &str = "Host a chat on this computer";
    pub const HOST_HINT: &str = "Starts a chat server here that everyone on this network can \
        find and join; then create your account or log in like everyone else.";
    pub const STARTING: &str = "Starting the chat server…";
    pub fn hosting(name: &str) -> String {
        format!("This computer hosts “{name}”. Others find it in their list, or type:")
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
}

/// What this computer hosts, for the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostLine {
    Starting,
    Running {
        name: String,
        addresses: Vec<String>,
    },
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServersAction {
    Choose(ServerRow),
    Host,
}

pub fn servers_ui(
    ui: &mut Ui,
    rows: &[ServerRow],
    selected: &str,
    searching: bool,
    host: Option<&HostLine>,
) -> Option<ServersAction> {
    let mut action = None;
    ui.add_space(8.0);
    ui.heading(text::TITLE);
    ui.add_space(6.0);
    if rows.is_empty() {
        if searching {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(text::LOOKING);
            });
        } else {
            ui.label(RichText::new(text::NONE_FOUND).weak());
        }
    }
    for row in rows {
        let chosen = row.address == selected;
        let label = ui.selectable_label(chosen, RichText::new(&row.name).strong());
        if label.clicked() {
            action = Some(ServersAction::Choose(row.clone()));
        }
        let mut details = vec![row.address.clone()];
        if let Some(online) = row.online {
            details.push(text::online(online));
        }
        details.push(
            if row.encrypted {
                text::ENCRYPTED
            } else {
                text::NOT_ENCRYPTED
            }
            .to_owned(),
        );
        if !row.heard {
            details.push(text::NOT_SEEN.to_owned());
        }
        ui.label(RichText::new(details.join(" · ")).small().weak());
        ui.add_space(4.0);
    }
    ui.add_space(8.0);
    ui.separator();
    match host {
        None => {
            if ui
                .button(text::HOST)
                .on_hover_text(text::HOST_HINT)
                .clicked()
            {
                action = Some(ServersAction::Host);
            }
        }
        Some(HostLine::Starting) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(text::STARTING);
            });
        }
        Some(HostLine::Running { name, addresses }) => {
            ui.label(text::hosting(name));
            for address in addresses {
                ui.label(RichText::new(address).monospace());
            }
        }
        Some(HostLine::Failed(why)) => {
            ui.label(RichText::new(why).color(ui.visuals().error_fg_color));
            if ui.button(text::HOST).clicked() {
                action = Some(ServersAction::Host);
            }
        }
    }
    action
}
