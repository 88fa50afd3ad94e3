//! `tertulia`: the desktop chat program. `tertulia [server-address]`.

use tertulia::app::{AppOptions, TertuliaApp};
use tertulia::settings::SettingsStore;

fn main() -> eframe::Result {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let store = SettingsStore::user();
    let size = store.load().window_size.unwrap_or([1040.0, 680.0]);
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Tertulia")
        .with_app_id("tertulia")
        .with_inner_size(size)
        .with_min_inner_size([640.0, 420.0]);
    match eframe::icon_data::from_png_bytes(include_bytes!("../../assets/tertulia.png")) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(e) => tracing::warn!("window icon unusable: {e}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        system_font_fallback: false,
        ..Default::default()
    };
    let app_options = AppOptions {
        settings: store,
        server: std::env::args().nth(1),
        roots: None,
    };
    eframe::run_native(
        "tertulia",
        options,
        Box::new(|cc| Ok(Box::new(TertuliaApp::new(&cc.egui_ctx, app_options)?))),
    )
}
