//! The app's side of the LAN: the servers heard (and remembered), hosting a
//! chat on this computer, and not closing a hosted chat by accident.

use egui::{RichText, Ui};

use super::TertuliaApp;
use crate::host::HostState;
use crate::net::discovery::Discovery;
use crate::net::server_key;
use crate::ui::Intent;
use crate::ui::servers::{HostLine, ServerRow, servers_ui};

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        CLOSE_TITLE = "host-close-title";
        KEEP = "host-keep";
        CLOSE = "host-close";
    }

    pub fn hosting(name: &str, addresses: &[String], connected: usize) -> String {
        match addresses.first() {
            Some(address) => tr_args(
                "host-hosting-at",
                &[
                    ("name", &name),
                    ("address", address),
                    ("connected", &connected),
                ],
            ),
            None => tr_args(
                "host-hosting",
                &[("name", &name), ("connected", &connected)],
            ),
        }
    }
    pub fn close(others: usize) -> String {
        match others {
            1 => crate::i18n::tr("host-close-one"),
            n => tr_args("host-close-many", &[("others", &n)]),
        }
    }
}

/// How the app looks for servers on the LAN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lan {
    /// Not at all (tests outside a network namespace: no multicast may
    /// leave the machine).
    #[default]
    Off,
    /// On this machine's loopback only (tests inside a namespace).
    Loopback,
    /// On every network interface (the program).
    Network,
}

/// How long the list says "looking…" before explaining what to check.
const SEARCH_GRACE: std::time::Duration = std::time::Duration::from_secs(4);

impl TertuliaApp {
    pub(super) fn start_discovery(lan: Lan, ctx: &egui::Context) -> Option<Discovery> {
        let wake = ctx.clone();
        match lan {
            Lan::Off => None,
            Lan::Loopback => Some(Discovery::start(true, move || wake.request_repaint())),
            Lan::Network => Some(Discovery::start(false, move || wake.request_repaint())),
        }
    }

    /// The rows of the list: heard now, then remembered ones not heard.
    fn server_rows(&self) -> Vec<ServerRow> {
        let heard = self
            .discovery
            .as_ref()
            .map(Discovery::servers)
            .unwrap_or_default();
        let mut rows: Vec<ServerRow> = heard
            .into_iter()
            .map(|s| ServerRow {
                name: s.name,
                address: s.address,
                online: s.online,
                encrypted: s.encrypted,
                heard: true,
                offered: false,
            })
            .collect();
        // The lab's servers, whether or not discovery reaches them.
        for address in &self.policy.servers {
            match rows
                .iter_mut()
                .find(|r| server_key(&r.address) == server_key(address))
            {
                Some(row) => row.offered = true,
                None => rows.push(ServerRow {
                    name: address.clone(),
                    address: address.clone(),
                    online: None,
                    encrypted: true,
                    heard: false,
                    offered: true,
                }),
            }
        }
        for (name, address) in &self.settings.known {
            if !rows
                .iter()
                .any(|r| &r.name == name || &r.address == address)
            {
                rows.push(ServerRow {
                    name: name.clone(),
                    address: address.clone(),
                    online: None,
                    encrypted: true,
                    heard: false,
                    offered: false,
                });
            }
        }
        rows
    }

    /// Remembers the server just logged in to, so the next start lists it
    /// before mDNS answers (or where mDNS never reaches): under its
    /// announced name if it was heard, else under its address.
    pub(super) fn remember_server(&mut self, address: &str) {
        let key = server_key(address);
        let heard = self
            .discovery
            .as_ref()
            .map(Discovery::servers)
            .unwrap_or_default();
        match heard.iter().find(|s| server_key(&s.address) == key) {
            Some(server) => {
                self.settings
                    .known
                    .insert(server.name.clone(), server.address.clone());
            }
            None if !self.settings.known.values().any(|a| server_key(a) == key)
                && !address.is_empty() =>
            {
                self.settings
                    .known
                    .insert(address.to_owned(), address.to_owned());
            }
            None => {}
        }
    }

    fn host_line(&mut self) -> Option<HostLine> {
        let hosting = self.hosting.as_mut()?;
        Some(match hosting.state() {
            HostState::Starting => HostLine::Starting,
            HostState::Failed(why) => HostLine::Failed(why.text()),
            HostState::Running(hosted) => HostLine::Running {
                name: hosted.name.clone(),
                addresses: hosted.addresses.clone(),
                fingerprint: hosted.fingerprint.clone(),
            },
        })
    }

    /// Once the hosted server is up, the forms point at it; its certificate
    /// is this computer's own, so it is trusted without a question.
    pub(super) fn follow_hosting(&mut self) {
        let Some(hosting) = &mut self.hosting else {
            return;
        };
        if self.hosting_applied {
            return;
        }
        if let HostState::Running(hosted) = hosting.state() {
            let address = format!("localhost:{}", hosted.port);
            self.settings
                .pinned
                .insert(server_key(&address), hosted.fingerprint.clone());
            self.store.save(&self.settings);
            self.login.server = address;
            self.login.plain = false;
            self.hosting_applied = true;
        }
    }

    /// The list beside the login and signup forms.
    pub(super) fn servers_panel(&mut self, ui: &mut Ui) -> Option<Intent> {
        if self.discovery.is_none()
            && self.hosting.is_none()
            && self.settings.known.is_empty()
            && self.policy.servers.is_empty()
        {
            return None;
        }
        let rows = self.server_rows();
        let searching = self
            .discovery
            .as_ref()
            .is_some_and(|d| d.searching_for() < SEARCH_GRACE);
        let host = self.host_line();
        let mut action = None;
        egui::Panel::left("servers")
            .default_size(280.0)
            .show(ui, |ui| {
                action = servers_ui(
                    ui,
                    &rows,
                    &self.login.server,
                    searching,
                    host.as_ref(),
                    self.policy.host,
                    &mut self.stop_hosting_asked,
                );
            });
        if searching {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(500));
        }
        action
    }

    /// "Hosting … · N connected" and the certificate's fingerprint, for
    /// the status bar.
    pub(super) fn hosting_status(&mut self) -> Option<(String, String)> {
        let hosting = self.hosting.as_mut()?;
        let connected = hosting.online();
        match hosting.state() {
            HostState::Running(hosted) => Some((
                text::hosting(&hosted.name, &hosted.addresses, connected),
                hosted.fingerprint.clone(),
            )),
            _ => None,
        }
    }

    /// Closing the window while others use the chat this computer hosts
    /// asks first.
    pub(super) fn guard_close(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested())
            && !self.close_confirmed
            && let Some(hosting) = &self.hosting
        {
            let me = usize::from(self.chat.is_some());
            let others = hosting.online().saturating_sub(me);
            if others > 0 {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.closing_with = Some(others);
            }
        }
        let Some(others) = self.closing_with else {
            return;
        };
        let modal = egui::Modal::new(egui::Id::unique("close-hosted")).show(&ctx, |ui| {
            ui.heading(text::CLOSE_TITLE());
            ui.label(text::close(others));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new(text::KEEP()).strong()).clicked() {
                    self.closing_with = None;
                }
                if ui.button(text::CLOSE()).clicked() {
                    self.closing_with = None;
                    self.close_confirmed = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
        });
        if modal.should_close() {
            self.closing_with = None;
        }
    }

    /// Stops the chat this computer hosts: this user leaves it first (back
    /// to the login), then the server stops, telling everyone in it.
    pub(super) fn stop_hosting(&mut self) {
        self.stop_hosting_asked = false;
        self.widgets.host_fingerprint_open = false;
        if self.chat.is_some() {
            self.forget_session();
            self.net.order(crate::net::NetOrder::Logout);
        }
        // Dropping it stops the server (clients told, messages stored),
        // which takes a moment: not on the UI thread.
        if let Some(hosting) = self.hosting.take() {
            let _ = std::thread::Builder::new()
                .name("tertulia-host-stop".into())
                .spawn(move || drop(hosting));
        }
        self.hosting_applied = false;
    }
}
