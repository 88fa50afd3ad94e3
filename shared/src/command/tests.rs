use super::*;

fn cmd(c: Command) -> Result<Input, ParseError> {
    Ok(Input::Command(c))
}

fn chat(s: &str) -> Result<Input, ParseError> {
    Ok(Input::Chat(s.to_owned()))
}

#[test]
fn table() {
    let private = |to: &str, text: &str| {
        cmd(Command::Private {
            to: to.into(),
            text: text.into(),
        })
    };
    let cases: Vec<(&str, Result<Input, ParseError>)> = vec![
        // plain chat
        ("hola a todos", chat("hola a todos")),
        ("  hola  ", chat("hola")),
        ("¿qué tal? ¡bien!", chat("¿qué tal? ¡bien!")),
        ("##hashtag", chat("#hashtag")),
        ("## spaced", chat("# spaced")),
        ("C# is # not a command", chat("C# is # not a command")),
        // every command
        ("#cR games", cmd(Command::CreateRoom("games".into()))),
        ("#gR física", cmd(Command::JoinRoom("física".into()))),
        ("#eR", cmd(Command::LeaveRoom)),
        ("#exit", cmd(Command::Exit)),
        ("#lR", cmd(Command::ListRooms)),
        ("#dR games", cmd(Command::DeleteRoom("games".into()))),
        ("#show users", cmd(Command::ShowUsers)),
        ("#help", cmd(Command::Help)),
        ("#net", cmd(Command::Net)),
        ("#\\private ana hola", private("ana", "hola")),
        // spaces and case
        (
            "   #cR    games   ",
            cmd(Command::CreateRoom("games".into())),
        ),
        ("#cr games", cmd(Command::CreateRoom("games".into()))),
        ("#CR games", cmd(Command::CreateRoom("games".into()))),
        ("#LR", cmd(Command::ListRooms)),
        ("#Show   USERS", cmd(Command::ShowUsers)),
        ("#EXIT ", cmd(Command::Exit)),
        // private message forms
        (
            "#\\private ana   hola   mundo ",
            private("ana", "hola   mundo"),
        ),
        ("#private ana hola", private("ana", "hola")),
        ("#\\PRIVATE Ana hola", private("Ana", "hola")),
        ("#\\privateana hola", private("ana", "hola")),
        ("#\\privateAna hola", private("Ana", "hola")),
        (
            "#\\private ana #no es comando",
            private("ana", "#no es comando"),
        ),
        // errors
        ("", Err(ParseError::Empty)),
        ("   ", Err(ParseError::Empty)),
        ("#", Err(ParseError::MissingCommand)),
        ("# cR games", Err(ParseError::MissingCommand)),
        ("#xyz", Err(ParseError::Unknown("xyz".into()))),
        ("#cRgames", Err(ParseError::Unknown("cRgames".into()))),
    ];
    for (line, expected) in cases {
        assert_eq!(parse(line), expected, "input {line:?}");
    }
}

#[test]
fn wrong_arguments_show_the_usage() {
    let cases = [
        ("#cR", "#cR <room>"),
        ("#cR two words", "#cR <room>"),
        ("#gR", "#gR <room>"),
        ("#dR", "#dR <room>"),
        ("#eR now", "#eR"),
        ("#lR all", "#lR"),
        ("#exit please", "#exit"),
        ("#show", "#show users"),
        ("#show rooms", "#show users"),
        ("#show users now", "#show users"),
        ("#\\private", "#\\private <user> <message>"),
        ("#\\private ana", "#\\private <user> <message>"),
        ("#\\private ana    ", "#\\private <user> <message>"),
        ("#\\privateana", "#\\private <user> <message>"),
    ];
    for (line, expected_usage) in cases {
        match parse(line) {
            Err(e @ ParseError::Usage { command, .. }) => {
                assert_eq!(command.usage(), expected_usage, "input {line:?}");
                assert!(e.to_string().contains(expected_usage), "{e}");
            }
            other => panic!("input {line:?} gave {other:?}"),
        }
    }
}

#[test]
fn commands_map_to_requests() {
    let request = |line: &str| match parse(line) {
        Ok(Input::Command(c)) => c.to_request(),
        other => panic!("{other:?}"),
    };
    assert_eq!(request("#exit"), Some(Request::Logout));
    assert_eq!(
        request("#show users"),
        Some(Request::ListUsers { after: None })
    );
    assert_eq!(
        request("#\\private ana hi"),
        Some(Request::Private {
            reply_to: None,
            to: "ana".into(),
            text: "hi".into()
        })
    );
    assert_eq!(request("#help"), None);
    assert_eq!(request("#net"), None);
}

#[test]
fn help_lists_every_command() {
    let help = help_text();
    for c in COMMANDS {
        assert!(help.contains(&c.usage()), "{}", c.usage());
    }
}

#[test]
fn every_row_parses_to_the_request_it_names() {
    for spec in COMMANDS {
        let example = match spec.args {
            Args::None => "",
            Args::Room => " física",
            Args::Users => " users",
            Args::UserAndMessage => " ana hola",
            Args::Path => " ~/notas.pdf",
            Args::UserAndReason => " luis escribe en mayúsculas",
            Args::UserMinutesReason => " luis 10 spam",
            Args::User => " luis",
            Args::MessageId => " 42",
            Args::OnOff => " on",
            Args::UserAndRole => " luis teacher",
        };
        let line = format!("#{}{example}", spec.word);
        let command = match parse(&line) {
            Ok(Input::Command(command)) => command,
            other => panic!("{line:?} gave {other:?}"),
        };
        let sent = command
            .to_request()
            .map(|request| serde_json::to_value(request).unwrap_or_default()["type"].clone());
        match (spec.request, sent) {
            (Some(name), Some(sent)) => assert_eq!(sent, name, "{line}"),
            // Answered by the client, or prepared first (`#file` hashes the file).
            (None, None) | (Some("offer_file"), None) => {}
            (named, sent) => panic!("{line}: the table says {named:?}, it sends {sent:?}"),
        }
        // Every alias means the same.
        for alias in spec.aliases {
            let again = parse(&line.replacen(spec.word, alias, 1));
            assert_eq!(again, Ok(Input::Command(command.clone())), "{alias}");
        }
    }
}

#[test]
fn words_are_unique_and_unknown_words_are_errors() {
    for (i, a) in COMMANDS.iter().enumerate() {
        for b in &COMMANDS[i + 1..] {
            assert!(
                !a.is(b.word) && b.aliases.iter().all(|w| !a.is(w)),
                "{a:?} {b:?}"
            );
        }
    }
    for word in ["", "c", "cRR", "privat", "files", "helpme"] {
        assert_eq!(find(word), None, "{word:?}");
    }
    assert_eq!(
        parse("#gr2 sala"),
        Err(ParseError::Unknown("gr2".into())),
        "never the first row"
    );
}

#[test]
fn moderation_commands_read_their_arguments() {
    assert_eq!(
        parse("#mute luis 10 escribe   en mayúsculas"),
        Ok(Input::Command(Command::Mute {
            login: "luis".into(),
            minutes: 10,
            reason: "escribe   en mayúsculas".into()
        }))
    );
    assert_eq!(
        parse("#kick luis"),
        Ok(Input::Command(Command::Kick {
            login: "luis".into(),
            reason: String::new()
        })),
        "a kick's reason may be left out"
    );
    assert_eq!(
        parse("#del #42"),
        Ok(Input::Command(Command::DeleteMessage(42)))
    );
    assert_eq!(parse("#EXAM Off"), Ok(Input::Command(Command::Exam(false))));
    assert_eq!(
        parse("#role eva admin"),
        Ok(Input::Command(Command::SetRole {
            login: "eva".into(),
            role: crate::Role::Admin
        }))
    );
    let problem = |line: &str| match parse(line) {
        Err(ParseError::Usage { problem, .. }) => problem,
        other => panic!("{line}: {other:?}"),
    };
    assert_eq!(problem("#mute luis diez spam"), Problem::HowLong);
    assert_eq!(problem("#mute luis 0 spam"), Problem::HowLong);
    assert_eq!(problem("#mute"), Problem::Who);
    assert_eq!(problem("#del último"), Problem::WhichMessage);
    assert_eq!(problem("#exam maybe"), Problem::OnOrOff);
    assert_eq!(problem("#role eva jefa"), Problem::WhichRole);
    assert_eq!(problem("#unban"), Problem::Who);
}
