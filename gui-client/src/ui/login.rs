//! The first screen: server address, login, password.

use super::Intent;
use egui::{Align, Layout, RichText, Ui};

use super::{field, field_error};

/// Every sentence of this screen, in one place for translation.
mod text {
    crate::texts! {
        TITLE = "login-title";
        SUBTITLE = "login-subtitle";
        SERVER = "login-server";
        LOGIN = "login-login";
        PASSWORD = "login-password";
        LOG_IN = "login-log-in";
        CREATE_ACCOUNT = "login-create-account";
        NO_ACCOUNT = "login-no-account";
        CANCEL = "login-cancel";
        RETRY = "login-retry";
        NEED_LOGIN = "login-need-login";
        NEED_PASSWORD = "login-need-password";
        PLAIN = "login-plain";
        PLAIN_HINT = "login-plain-hint";
    }
}

/// The login form's contents and what went wrong last.
#[derive(Debug, Clone, Default)]
pub struct LoginForm {
    pub server: String,
    pub login: String,
    pub password: String,
    /// A failure to show above the buttons (connection or credentials).
    pub error: Option<String>,
    /// Neutral news, e.g. "You left the chat."
    pub notice: Option<String>,
    pub login_error: Option<String>,
    pub password_error: Option<String>,
    /// Connect in plain text (an explicit choice).
    pub plain: bool,
    /// The first empty field takes the keyboard when the form next appears.
    pub focus_pending: bool,
}

impl LoginForm {
    /// Checks the form before anything is sent; returns false if incomplete.
    pub fn check(&mut self) -> bool {
        self.login_error = self
            .login
            .trim()
            .is_empty()
            .then(|| text::NEED_LOGIN().to_owned());
        self.password_error = self
            .password
            .is_empty()
            .then(|| text::NEED_PASSWORD().to_owned());
        self.login_error.is_none() && self.password_error.is_none()
    }
}

/// Draws the login card. `connecting` holds the progress sentence while an
/// attempt is under way.
pub fn login_ui(ui: &mut Ui, form: &mut LoginForm, connecting: Option<&str>) -> Option<Intent> {
    let mut action = None;
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() * 0.12).min(80.0));
        ui.label(RichText::new(text::TITLE()).size(34.0).strong());
        ui.label(RichText::new(text::SUBTITLE()).weak());
        ui.add_space(16.0);
    });
    card(ui, |ui| {
        let busy = connecting.is_some();
        ui.add_enabled_ui(!busy, |ui| {
            let server = field(ui, &text::SERVER(), &mut form.server, false);
            ui.add_space(6.0);
            let login = field(ui, &text::LOGIN(), &mut form.login, false);
            field_error(ui, "login", 1, form.login_error.as_ref());
            ui.add_space(6.0);
            let password = field(ui, &text::PASSWORD(), &mut form.password, true);
            field_error(ui, "password", 1, form.password_error.as_ref());
            if form.focus_pending {
                form.focus_pending = false;
                if form.login.is_empty() {
                    login.request_focus();
                } else {
                    password.request_focus();
                }
            }
            // Enter in any field logs in, as in any desktop form.
            let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
            if enter && [&server, &login, &password].iter().any(|r| r.lost_focus()) {
                action = Some(Intent::LogIn);
            }
            ui.add_space(4.0);
            plain_checkbox(ui, &mut form.plain);
        });
        ui.add_space(10.0);
        if let Some(progress) = connecting {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(progress);
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    if ui.button(text::CANCEL()).clicked() {
                        action = Some(Intent::CancelConnecting);
                    }
                });
            });
            return;
        }
        if let Some(error) = &form.error {
            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
            ui.add_space(6.0);
        } else if let Some(notice) = &form.notice {
            ui.label(RichText::new(notice).weak());
            ui.add_space(6.0);
        }
        ui.horizontal(|ui| {
            let primary = if form.error.is_some() {
                text::RETRY()
            } else {
                text::LOG_IN()
            };
            let log_in = ui.add(egui::Button::new(RichText::new(primary).strong()));
            if log_in.clicked() {
                action = Some(Intent::LogIn);
            }
            if form.error.is_some() {
                // Keep "Log in" findable by name whatever the button says.
                log_in.on_hover_text(text::LOG_IN());
            }
        });
        ui.add_space(10.0);
        ui.separator();
        ui.horizontal(|ui| {
            ui.label(text::NO_ACCOUNT());
            if ui.button(text::CREATE_ACCOUNT()).clicked() {
                action = Some(Intent::OpenSignup);
            }
        });
    });
    action
}

/// "Connect without encryption": unticked unless the user chooses it.
pub fn plain_checkbox(ui: &mut Ui, plain: &mut bool) {
    ui.checkbox(plain, text::PLAIN())
        .on_hover_text(text::PLAIN_HINT());
}

/// A centred, framed column of fixed width.
pub fn card(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    let width = ui.available_width().min(380.0);
    ui.vertical_centered(|ui| {
        ui.set_max_width(width);
        egui::Frame::group(ui.style())
            .inner_margin(egui::Margin::same(18))
            .corner_radius(8.0)
            .show(ui, |ui| {
                ui.with_layout(Layout::top_down(Align::Min), add);
            });
    });
}
