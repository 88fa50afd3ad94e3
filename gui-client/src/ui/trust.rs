//! The question a student answers the first time they connect to a lab
//! server, and the warning when its certificate has changed: both show the
//! fingerprint to compare, and nothing is trusted until the user says so.

use super::Intent;
use egui::{RichText, Ui};

use super::login::card;

/// Every sentence of this screen, in one place for translation.
mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        FIRST_TITLE = "trust-first-title";
        FIRST_HOW = "trust-first-how";
        TRUST = "trust-trust";
        CHANGED_TITLE = "trust-changed-title";
        CHANGED_HOW = "trust-changed-how";
        BEFORE = "trust-before";
        NOW = "trust-now";
        TRUST_NEW = "trust-trust-new";
        CANCEL = "login-cancel";
    }

    pub fn first(server: &str) -> String {
        tr_args("trust-first", &[("server", &server)])
    }
    pub fn changed(server: &str) -> String {
        tr_args("trust-changed", &[("server", &server)])
    }
}

/// A certificate waiting for the user's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustQuestion {
    pub server: String,
    pub fingerprint: String,
    /// The fingerprint trusted before, when the certificate changed.
    pub pinned: Option<String>,
}

pub fn trust_ui(ui: &mut Ui, question: &TrustQuestion) -> Option<Intent> {
    let mut action = None;
    ui.add_space((ui.available_height() * 0.1).min(60.0));
    card(ui, |ui| {
        match &question.pinned {
            None => {
                ui.heading(text::FIRST_TITLE());
                ui.add_space(6.0);
                ui.label(text::first(&question.server));
                ui.add_space(6.0);
                super::fingerprint_ui(ui, &question.fingerprint);
                ui.add_space(6.0);
                ui.label(RichText::new(text::FIRST_HOW()).weak());
            }
            Some(pinned) => {
                let warn = ui.visuals().error_fg_color;
                ui.heading(RichText::new(text::CHANGED_TITLE()).color(warn));
                ui.add_space(6.0);
                ui.label(text::changed(&question.server));
                ui.add_space(6.0);
                ui.label(text::BEFORE());
                super::fingerprint_ui(ui, pinned);
                ui.label(text::NOW());
                super::fingerprint_ui(ui, &question.fingerprint);
                ui.add_space(6.0);
                ui.label(RichText::new(text::CHANGED_HOW()).strong().color(warn));
            }
        }
        ui.add_space(10.0);
        ui.horizontal(|ui| {
            let trust = match question.pinned {
                None => text::TRUST(),
                Some(_) => text::TRUST_NEW(),
            };
            // Cancel first: the safe choice is the easy one.
            if ui.button(RichText::new(text::CANCEL()).strong()).clicked() {
                action = Some(Intent::DistrustServer);
            }
            if ui.button(trust).clicked() {
                action = Some(Intent::TrustServer);
            }
        });
    });
    action
}
