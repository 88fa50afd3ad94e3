//! The View menu: language, light or dark (or as the system says), text
//! size, the notification sound, and whether to stay logged in.

use egui::Ui;

use crate::i18n::Lang;
use crate::settings::{Theme, ViewPrefs};

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        VIEW = "view-view";
        SYSTEM = "view-system";
        LIGHT = "view-light";
        DARK = "view-dark";
        BIGGER = "view-bigger";
        SMALLER = "view-smaller";
        NORMAL = "view-normal";
        LANGUAGE_SYSTEM = "view-language-system";
        SOUND = "view-sound";
        STAY = "view-stay-logged-in";
        STAY_HINT = "view-stay-logged-in-hint";
    }

    pub fn size(percent: f32) -> String {
        tr_args("view-size", &[("percent", &format!("{percent:.0}"))])
    }
}

/// Zoom steps and limits.
const STEP: f32 = 0.1;
const MIN: f32 = 0.7;
const MAX: f32 = 2.0;

/// What the View menu shows: the choices made, and whether the lab's
/// policy locks the language (its choices are then greyed out).
#[derive(Debug, Clone, Copy)]
pub struct ViewMenu<'a> {
    pub prefs: &'a ViewPrefs,
    pub language_locked: bool,
}

/// The menu; the choices as they then are, when one of them changed.
pub fn view_menu(ui: &mut Ui, menu: ViewMenu<'_>) -> Option<super::Intent> {
    let ViewMenu {
        prefs,
        language_locked,
    } = menu;
    let mut wanted_prefs = *prefs;
    let ViewPrefs {
        theme,
        zoom,
        language,
        sound,
        stay_logged_in,
    } = &mut wanted_prefs;
    let mut changed = false;
    // The menu stays open while its choices are made (several steps of
    // text size, say); a click outside closes it.
    let config = egui::containers::menu::MenuConfig::new()
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    egui::containers::menu::MenuButton::new(text::VIEW())
        .config(config)
        .ui(ui, |ui| {
            for (choice, label) in [
                (None, text::LANGUAGE_SYSTEM()),
                (Some(Lang::Es), Lang::Es.name().to_owned()),
                (Some(Lang::En), Lang::En.name().to_owned()),
            ] {
                changed |= ui
                    .add_enabled_ui(!language_locked, |ui| {
                        ui.radio_value(language, choice, label).clicked()
                    })
                    .inner;
            }
            ui.separator();
            for (choice, label) in [
                (Theme::System, text::SYSTEM()),
                (Theme::Light, text::LIGHT()),
                (Theme::Dark, text::DARK()),
            ] {
                changed |= ui.radio_value(theme, choice, label).clicked();
            }
            ui.separator();
            ui.label(text::size(*zoom * 100.0));
            let mut wanted = *zoom;
            if ui.button(text::BIGGER()).clicked() {
                wanted = (*zoom + STEP).min(MAX);
            }
            if ui.button(text::SMALLER()).clicked() {
                wanted = (*zoom - STEP).max(MIN);
            }
            if ui.button(text::NORMAL()).clicked() {
                wanted = 1.0;
            }
            if (wanted - *zoom).abs() > f32::EPSILON {
                *zoom = wanted;
                changed = true;
            }
            ui.separator();
            changed |= ui.checkbox(sound, text::SOUND()).changed();
            changed |= ui
                .checkbox(stay_logged_in, text::STAY())
                .on_hover_text(text::STAY_HINT())
                .changed();
        });
    changed.then_some(super::Intent::View(wanted_prefs))
}
