//! `tertulia`: the desktop chat program. `tertulia [server-address |
//! tertulia://host:port]`;
//! `tertulia --list-servers [seconds]` prints the chat servers heard on the
//! LAN and exits (no window).

use tertulia::app::{AppOptions, Lan, TertuliaApp};
use tertulia::settings::SettingsStore;

/// Prints `name<TAB>address<TAB>fingerprint` for each server heard within
/// `seconds`, once each.
#[allow(clippy::print_stdout)]
fn list_servers(seconds: u64) {
    let discovery = tertulia::net::discovery::Discovery::start(false, || {});
    if let Some(failure) = &discovery.failure {
        eprintln!("{failure}");
        std::process::exit(1);
    }
    std::thread::sleep(std::time::Duration::from_secs(seconds));
    for server in discovery.servers() {
        println!(
            "{}\t{}\t{}",
            server.name,
            server.address,
            server.fingerprint.unwrap_or_default()
        );
    }
}

fn main() -> eframe::Result {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("--list-servers") {
        list_servers(args.next().and_then(|s| s.parse().ok()).unwrap_or(5));
        return Ok(());
    }
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
        // An address, or a `tertulia://` link the desktop hands over.
        server: first.map(|given| tertulia::net::without_link(&given).to_owned()),
        roots: None,
        // TERTULIA_LAN=off: no looking for servers on the LAN (a network that
        // forbids multicast, or tests on a shared machine).
        lan: match std::env::var("TERTULIA_LAN").as_deref() {
            Ok("off") => Lan::Off,
            _ => Lan::Network,
        },
        host: None,
        language: None,
        silent: false,
        files_dir: None,
        policy: tertulia::policy::PolicyKeys::system(),
    };
    eframe::run_native(
        "tertulia",
        options,
        Box::new(|cc| Ok(Box::new(TertuliaApp::new(&cc.egui_ctx, app_options)?))),
    )
}
