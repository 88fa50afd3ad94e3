//! Look and fonts. Text uses egui's embedded Ubuntu Light (Latin-1: á é í ó
//! ú ñ ü ¿ ¡); DejaVu Sans, shipped in `assets/fonts`, backs it up for every
//! other character (● ○ ✉ ⚠ ✖, Greek, Cyrillic…), then Noto Emoji and
//! Symbola (monochrome emoji: 🎉 👍 ✅ 🙂…; licences beside them). System
//! font fallback is off (see `main.rs`), so every lab machine renders the same.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily, FontId, TextStyle};

/// Fallbacks, in the order they are tried after egui's own fonts.
const FALLBACKS: &[(&str, &[u8])] = &[
    (
        "DejaVuSans",
        include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    ),
    (
        "NotoEmoji",
        include_bytes!("../../assets/fonts/NotoEmoji-Regular.ttf"),
    ),
    ("Symbola", include_bytes!("../../assets/fonts/Symbola.ttf")),
];

fn fonts() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in FALLBACKS {
        fonts
            .font_data
            .insert((*name).to_owned(), Arc::new(FontData::from_static(bytes)));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts
                .families
                .entry(family)
                .or_default()
                .push((*name).to_owned());
        }
    }
    fonts
}

pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(fonts());
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
