use super::*;
use crate::cli::Cli;

fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn parse(args: &[&str]) -> Result<Cli, ConfigFileError> {
    Cli::from_args_and_file(args.iter().map(OsString::from))
}

/// A value for every option of the command line, as a TOML line.
fn every_option() -> String {
    let mut lines = Vec::new();
    for arg in Cli::command().get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if matches!(long, "config" | "help" | "version") {
            continue;
        }
        let value = if matches!(arg.get_action(), ArgAction::SetTrue) {
            "false".to_owned()
        } else if let Some(default) = arg.get_default_values().first() {
            let default = default.to_string_lossy();
            match default.parse::<f64>() {
                Ok(_) => default.into_owned(),
                Err(_) => format!("\"{default}\""),
            }
        } else {
            match long {
                "admin" => "[\"ana\", \"luis\"]".into(),
                "bcrypt-cost" => "10".into(),
                "hash-queue" => "100".into(),
                _ => format!("\"/srv/tertulia/{long}\""),
            }
        };
        lines.push(format!("{long} = {value}"));
    }
    lines.join("\n")
}

#[test]
fn every_option_can_be_set_in_the_file() {
    let text = every_option();
    let (_dir, path) = file(&text);
    let path = path.to_string_lossy().into_owned();
    let cli = parse(&["tertulia-server", "--config", &path]).expect("every option");
    let defaults = parse(&["tertulia-server"]).unwrap();
    assert_eq!(cli.port, defaults.port);
    assert_eq!(cli.max_per_address, defaults.max_per_address);
    assert_eq!(cli.bcrypt_cost, Some(10));
    assert_eq!(cli.admins, ["ana", "luis"]);
    assert_eq!(cli.db, Some(PathBuf::from("/srv/tertulia/db")));
    assert_eq!(cli.name.as_deref(), Some("/srv/tertulia/name"));
    // Every option of the command line is in it (there are over thirty).
    assert!(text.lines().count() > 30, "{text}");
    assert!(text.contains("max-anonymous-per-address = 256"), "{text}");
}

#[test]
fn the_command_line_wins_over_the_file() {
    let (_dir, path) =
        file("port = 7000\nmax_per_address = 300\nname = \"Aula 3\"\nno-announce = true\n");
    let path = path.to_string_lossy().into_owned();
    let cli = parse(&["tertulia-server", "--config", &path]).unwrap();
    assert_eq!((cli.port, cli.max_per_address), (7000, 300));
    assert_eq!(cli.name.as_deref(), Some("Aula 3"));
    assert!(cli.no_announce);
    let cli = parse(&["tertulia-server", "--port", "7001", "--config", &path]).unwrap();
    assert_eq!(
        cli.port, 7001,
        "typed after or before --config, the command line wins"
    );
}

#[test]
fn a_typo_is_refused_with_its_line_and_the_options() {
    let (_dir, path) = file("# the lab's server\nport = 7000\nmax-per-adress = 5\n");
    let shown = path.to_string_lossy().into_owned();
    let error = parse(&["tertulia-server", "--config", &shown]).unwrap_err();
    assert!(
        matches!(&error, ConfigFileError::Unknown { line: 3, key, .. } if key == "max-per-adress"),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains(&format!("{shown}, line 3")), "{message}");
    assert!(
        message.contains("max-per-address"),
        "the right name is listed: {message}"
    );
}

#[test]
fn a_bad_value_is_refused_with_its_line_and_why() {
    for (text, line, why) in [
        ("port = \"seventy\"\n", 1, "invalid value"),
        ("\n\nport = 99999\n", 3, "invalid value"),
        ("bcrypt-cost = 40\n", 1, "4..=31"),
        ("plain = 1\n", 1, "true or false"),
        ("port = [1, 2]\n", 1, "one value"),
    ] {
        let (_dir, path) = file(text);
        let shown = path.to_string_lossy().into_owned();
        let error = parse(&["tertulia-server", "--config", &shown]).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error, ConfigFileError::Value { line: l, .. } if l == line),
            "{text}: {message}"
        );
        assert!(message.contains(why), "{text}: {message}");
    }
}

#[test]
fn a_file_that_is_not_toml_or_not_there_is_named() {
    let (_dir, path) = file("port = \n");
    let shown = path.to_string_lossy().into_owned();
    let error = parse(&["tertulia-server", "--config", &shown]).unwrap_err();
    assert!(matches!(error, ConfigFileError::Syntax { .. }), "{error}");
    assert!(error.to_string().contains("line 1"), "{error}");
    let missing = parse(&["tertulia-server", "--config", "/nonexistent/server.toml"]).unwrap_err();
    assert!(
        missing
            .to_string()
            .starts_with("/nonexistent/server.toml: "),
        "{missing}"
    );
}
