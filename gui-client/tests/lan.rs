//! Zero-config on a LAN, as a student meets it: servers listed without
//! typing an address, hosting a chat from the client, hosts appearing and
//! going. mDNS must never leave this machine from a test, so each test runs
//! again inside a network namespace of its own that has only a loopback
//! (multicast on); without root and `ip netns` it says why and is skipped.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::*;
use egui_kittest::kittest::Queryable;
use tertulia::app::Lan;
use tertulia::host::HostOptions;
use tertulia::settings::SettingsStore;

const INSIDE: &str = "TERTULIA_TEST_IN_NAMESPACE";

/// True when the caller should run the test body (it is inside a namespace
/// now). Otherwise runs this test again inside one, checks it passed, and
/// returns false — or prints why it cannot, and returns false.
fn inside_a_namespace(test: &str) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        return true;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0"));
    let ip = Command::new("ip").arg("-V").output().is_ok();
    if !root || !ip {
        eprintln!("SKIPPED {test}: needs root and `ip netns` to keep mDNS inside this machine");
        return false;
    }
    let ns = format!("ttlan-{}-{}", std::process::id(), test.len());
    let run = |args: &[&str]| Command::new("ip").args(args).status().unwrap();
    assert!(run(&["netns", "add", &ns]).success());
    run(&["-n", &ns, "link", "set", "lo", "up"]);
    run(&["-n", &ns, "link", "set", "lo", "multicast", "on"]);
    let status = Command::new("ip")
        .args(["netns", "exec", &ns])
        .arg(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .status();
    run(&["netns", "del", &ns]);
    assert!(
        status.unwrap().success(),
        "{test} failed inside its namespace"
    );
    false
}

fn host_options(dir: &tempfile::TempDir, name: &str) -> HostOptions {
    HostOptions {
        data_dir: dir.path().join("host"),
        port: 0,
        name: name.to_owned(),
        loopback_only: true,
        bcrypt_cost: Some(4),
    }
}

#[test]
fn a_server_on_the_lan_is_listed_chosen_and_joined_without_typing_its_address() {
    if !inside_a_namespace(
        "a_server_on_the_lan_is_listed_chosen_and_joined_without_typing_its_address",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_announced(&dir, "Laboratorio 3");
    let _luis = Headless::sign_up(server.addr, "luis");
    let mut app = app_on_lan(None, SettingsStore::in_memory(), Lan::Loopback, None);
    wait_for_text(&mut app, "Laboratorio 3");
    wait_for_text(&mut app, "1 person online");
    app.get_by_label("Laboratorio 3").click();
    app.run();
    assert_eq!(
        text_field(&app, "Server (address or address:port)")
            .value()
            .as_deref(),
        Some(server.addr.to_string().as_str())
    );
    fill_signup_form(&mut app, "ana");
    wait_for_text(&mut app, "Welcome, ana! You are in lobby with luis");
    server.stop();
}

/// The fingerprint lines on screen: four groups of four hexadecimal digits.
fn fingerprint_lines(app: &egui_kittest::Harness<'_, tertulia::app::TertuliaApp>) -> Vec<String> {
    use egui_kittest::kittest::NodeT as _;
    let mut lines: Vec<String> = app
        .query_all(egui_kittest::kittest::by().predicate(|_| true))
        .filter_map(|n| {
            let node = n.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .filter(|text| {
            let groups: Vec<&str> = text.split(' ').collect();
            groups.len() == 4
                && groups
                    .iter()
                    .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .collect();
    lines.dedup();
    lines
}

#[test]
fn host_a_chat_and_a_second_computer_finds_it_and_joins() {
    if !inside_a_namespace("host_a_chat_and_a_second_computer_finds_it_and_joins") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut host = app_on_lan(
        None,
        SettingsStore::in_memory(),
        Lan::Loopback,
        Some(host_options(&dir, "Aula de Ana")),
    );
    click_button(&mut host, "Host a chat on this computer");
    wait_for_text(&mut host, "This computer hosts “Aula de Ana”");
    // The host sees the fingerprint to read out, large and grouped.
    wait_for_text(&mut host, "Read this fingerprint out to the class");
    let read_out = fingerprint_lines(&host);
    assert_eq!(read_out.len(), 4, "{read_out:?}");
    // The host signs up like anyone else; its own certificate asks nothing.
    fill_signup_form(&mut host, "ana");
    wait_for_text(&mut host, "Welcome, ana!");
    wait_for_text(&mut host, "Hosting “Aula de Ana”");

    let guest_settings = SettingsStore::at(dir.path().join("guest/settings.json"));
    let mut guest = app_on_lan(None, guest_settings.clone(), Lan::Loopback, None);
    wait_for_text(&mut guest, "Aula de Ana");
    guest.get_by_label("Aula de Ana").click();
    guest.run();
    fill_signup_form(&mut guest, "luis");
    // A self-signed certificate: the guest compares and trusts it.
    wait_for_text(&mut guest, "Is this the right server?");
    // …the same lines the host reads out.
    assert_eq!(fingerprint_lines(&guest), read_out);
    click_button(&mut guest, "Trust and connect");
    wait_for_text(&mut guest, "Welcome, luis! You are in lobby with ana");
    wait_for_text(&mut host, "luis joined lobby");
    wait_for_text(&mut host, "2 connected");
    // In the chat, the status bar's hosting part shows it again, to copy.
    host.get_by_label_contains("Hosting “Aula de Ana”").click();
    wait_for_text(&mut host, "The fingerprint of your chat");
    assert_eq!(fingerprint_lines(&host), read_out);
    host.get_by_label("Copy the fingerprint").click();
    host.step();
    let copied = host.output().platform_output.commands.iter().any(|c| {
        matches!(c, egui::OutputCommand::CopyText(text) if text.replace(' ', "") == read_out.concat().replace(' ', ""))
    });
    assert!(copied, "the fingerprint was copied");
    click_button(&mut host, "Close");
    // The guest remembers the chat by name for its next start.
    assert!(guest_settings.load().known.contains_key("Aula de Ana"));

    // Closing the host's window while Luis is in the chat asks first.
    host.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    host.run();
    wait_for_text(&mut host, "Stop the chat for everyone?");
    assert!(has_text(&host, "1 other person is connected"));
    click_button(&mut host, "Keep hosting");
    assert!(!has_text(&host, "Stop the chat for everyone?"));
    guest
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Message")
        .focus();
    say(&mut guest, "¿seguimos?");
    wait_for_text(&mut host, "luis: ¿seguimos?");

    // Stopping the chat without closing the window: asked twice, then the
    // host is back at the login and the guest is told.
    host.get_by_label_contains("Hosting “Aula de Ana”").click();
    wait_for_text(&mut host, "The fingerprint of your chat");
    click_button(&mut host, "Stop hosting");
    wait_for_text(&mut host, "Everyone in this chat will be disconnected.");
    click_button(&mut host, "Yes, stop it");
    wait_for_text(&mut host, "Host a chat on this computer");
    wait_for_text(&mut guest, "The server is shutting down");
}

#[test]
fn two_hosts_are_listed_by_name_and_one_that_stops_goes_away() {
    if !inside_a_namespace("two_hosts_are_listed_by_name_and_one_that_stops_goes_away") {
        return;
    }
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = Server::start_announced(&one, "Aula 1");
    let second = Server::start_announced(&two, "Aula 2");
    let mut app = app_on_lan(None, SettingsStore::in_memory(), Lan::Loopback, None);
    wait_for_text(&mut app, "Aula 1");
    wait_for_text(&mut app, "Aula 2");
    second.stop();
    wait_for(&mut app, "Aula 2 to leave the list", |h| {
        !has_text(h, "Aula 2")
    });
    assert!(has_text(&app, "Aula 1"));
    first.stop();
}

#[test]
fn a_lab_policy_offers_its_server_hides_hosting_and_turns_files_off() {
    const HOST: &str = "Host a chat on this computer";
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let address = server.addr.to_string();
    // What the technician wrote in /etc/tertulia/client.toml.
    let file = dir.path().join("client.toml");
    std::fs::write(
        &file,
        format!(
            "servers = [\"{address}\"]\nhost = false\nfiles = false\n\
             locked = [\"servers\", \"host\", \"files\"]\n"
        ),
    )
    .unwrap();
    let policy = tertulia::policy::PolicyKeys::load(&file).unwrap();
    // The student's own settings ask for the opposite: locked keys win.
    let store = tertulia::settings::SettingsStore::at(dir.path().join("settings.json"));
    let mut mine = tertulia::settings::Settings::default();
    (mine.host, mine.files, mine.servers) = (Some(true), Some(true), vec!["casa:7878".into()]);
    store.save(&mine);

    let mut app = app_under_policy(&address, store, policy);
    app.run();
    // The lab's server is offered (discovery is off here), and kept: the
    // student's own list does not replace it.
    assert!(
        app.query_by_label(&address).is_some(),
        "the lab's server is listed"
    );
    assert!(
        app.query_by_label("casa:7878").is_none(),
        "locked: only the lab's"
    );
    assert!(app.query_by_label(HOST).is_none(), "hosting is not offered");
    // With only the server in the policy, the same computer offers it.
    let unmanaged = SettingsStore::in_memory();
    let only_servers = tertulia::policy::PolicyKeys {
        servers: vec![address.clone()],
        ..Default::default()
    };
    let mut free = app_under_policy(&address, unmanaged, only_servers);
    free.run();
    assert!(free.query_by_label(HOST).is_some());
    drop(free);

    sign_up_through_the_form(&mut app, "ana");
    assert!(app.query_by_label("📎 Share a file").is_none());
    say(&mut app, "#file /etc/hostname");
    wait_for_text(&mut app, "Sharing files is turned off on this computer.");
    server.stop();
}
