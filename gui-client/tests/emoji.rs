//! The fonts the client ships draw the emoji students use and Spanish
//! punctuation, pixel for pixel: a kittest snapshot against
//! `tests/snapshots/emoji.png` (wgpu; `--features screenshots`, run by
//! `.ci/run`). Refresh with `UPDATE_SNAPSHOTS=1` after a deliberate change.

use egui::RichText;
use egui_kittest::Harness;

#[test]
fn emoji_and_spanish_punctuation_are_drawn() {
    // The first frame installs the fonts (as the app does at start); text is
    // drawn from the next one on.
    let mut harness = Harness::builder().with_size([440.0, 110.0]).build_ui_state(
        |ui, installed: &mut bool| {
            if !*installed {
                tertulia::style::install(ui.ctx());
                *installed = true;
                return;
            }
            ui.label(RichText::new("🎉 👍 ✅ 🙂 😀 ❤ 🇪🇸").size(28.0));
            ui.label(RichText::new("¿Qué tal, Íñigo? ¡Olé! á é í ó ú ñ ü").size(20.0));
        },
        false,
    );
    harness.set_render_cursor(false);
    harness.run();
    harness.snapshot("emoji");
}

/// A fenced Rust block in a message is drawn in the monospace font with
/// its keywords, strings and comments in colours of their own: a snapshot
/// (`tests/snapshots/code.png`), and a count of the colours in the code's
/// layout, which a plain block would not pass.
#[test]
fn a_fenced_rust_block_is_monospace_and_highlighted() {
    let text = "¿por qué no compila?\n```rust\n// suma\nfn main() {\n    let s = \"hola\";\n    println!(\"{s}\");\n}\n```";
    let blocks = tertulia::ui::markdown::blocks(text);
    let Some(tertulia::ui::markdown::Block::Code { language, code }) = blocks.get(1) else {
        panic!("{blocks:?}");
    };
    assert_eq!(language, "rust");
    let mut harness = Harness::builder().with_size([460.0, 190.0]).build_ui_state(
        |ui, installed: &mut bool| {
            if !*installed {
                tertulia::style::install(ui.ctx());
                *installed = true;
                return;
            }
            let font = egui::FontId::proportional(14.0);
            tertulia::ui::markdown::markdown_ui(ui, text, &font, |ui| ui.label("10:42 luis:"));
        },
        false,
    );
    harness.set_render_cursor(false);
    harness.run();
    let ctx = egui::Context::default();
    let theme = egui_extras::syntax_highlighting::CodeTheme::light(12.0);
    let job = egui_extras::syntax_highlighting::highlight(
        &ctx,
        &ctx.global_style(),
        &theme,
        code,
        language,
    );
    let colours: std::collections::HashSet<_> =
        job.sections.iter().map(|s| s.format.color).collect();
    assert!(colours.len() >= 3, "{colours:?}");
    assert!(
        job.sections
            .iter()
            .all(|s| s.format.font_id.family == egui::FontFamily::Monospace)
    );
    harness.snapshot("code");
}
