//! The `#` command table is the one source: README.md's table and
//! PROTOCOL.md's request headings must say what it says.

// Test code: a failed expect is a failed test, with its message.
#![allow(clippy::expect_used)]

use tertulia_shared::command::COMMANDS;

fn read(path: &str) -> String {
    let path = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).expect("the document exists")
}

#[test]
fn the_readme_table_is_the_command_table() {
    let readme = read("README.md");
    let rows: Vec<&str> = readme
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("| `#"))
        .collect();
    let expected: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("| `{}` | {} |", c.usage(), c.summary))
        .collect();
    assert_eq!(rows, expected, "README.md's command table, row for row");
}

#[test]
fn protocol_headings_name_each_command_with_its_request() {
    let protocol = read("docs/PROTOCOL.md");
    let headings: Vec<&str> = protocol
        .lines()
        .filter(|line| line.starts_with("### "))
        .collect();
    for command in COMMANDS {
        let Some(request) = command.request else {
            continue;
        };
        let wanted = format!("`{request}` — `{}`", command.usage());
        assert!(
            headings.iter().any(|h| h.contains(&wanted)),
            "PROTOCOL.md has no heading with {wanted}"
        );
    }
}
