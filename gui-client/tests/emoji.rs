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
