//! Look and fonts. The fonts are egui's embedded ones (Ubuntu Light for text,
//! Hack for monospace), which cover Latin-1: á é í ó ú ñ ü ¿ ¡. System font
//! fallback is off (see `main.rs`), so every lab machine renders the same.

use egui::{FontId, TextStyle};

pub fn install(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(20.0)),
            (TextStyle::Body, FontId::proportional(15.0)),
            (TextStyle::Button, FontId::proportional(15.0)),
            (TextStyle::Monospace, FontId::monospace(13.5)),
            (TextStyle::Small, FontId::proportional(12.0)),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(10.0, 4.0);
        style.spacing.interact_size.y = 26.0;
    });
}
