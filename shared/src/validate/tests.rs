use super::*;

#[test]
fn windows_line_breaks_become_plain_ones_and_are_accepted() {
    let pasted = line_breaks("línea 1\r\nlínea 2\rlínea 3".to_owned());
    assert_eq!(pasted, "línea 1\nlínea 2\nlínea 3");
    assert_eq!(message(&pasted), Ok(()));
    assert!(
        message("a\r\nb").is_err(),
        "the rule itself still refuses \\r"
    );
}

use crate::protocol::{Gender, Password};

#[test]
fn logins() {
    for ok in ["ana", "Ana_01", "j.perez-2", &"a".repeat(32)] {
        assert_eq!(login(ok), Ok(()), "{ok}");
    }
    for bad in [
        "",
        "ab",
        "1ana",
        "_ana",
        "ana pérez",
        "josé",
        "a b",
        &"a".repeat(33),
    ] {
        assert_eq!(login(bad).map_err(|e| e.field), Err(Field::Login), "{bad}");
    }
}

#[test]
fn rooms() {
    for ok in ["lobby", "física", "año-2", "r", &"ñ".repeat(32)] {
        assert_eq!(room(ok), Ok(()), "{ok}");
    }
    for bad in ["", "two words", "tab\there", "emoji🙂", &"a".repeat(33)] {
        assert_eq!(room(bad).map_err(|e| e.field), Err(Field::Room), "{bad}");
    }
}

#[test]
fn names_ages_passwords_messages() {
    assert!(person_name(Field::FirstNames, "María José").is_ok());
    assert!(person_name(Field::LastNames, "  ").is_err());
    assert!(person_name(Field::LastNames, &"x".repeat(65)).is_err());
    assert!(person_name(Field::LastNames, "a\u{7}b").is_err());
    assert!(age(AGE_MIN).is_ok() && age(AGE_MAX).is_ok());
    assert!(age(AGE_MIN - 1).is_err() && age(AGE_MAX + 1).is_err());
    assert!(password("12345678").is_ok());
    assert!(password("1234567").is_err());
    assert!(
        password(&"ñ".repeat(37)).is_err(),
        "74 bytes is over bcrypt's 72"
    );
    assert!(message("hola\nmundo").is_ok());
    assert!(message(" \n ").is_err());
    assert!(message("bell\u{7}").is_err());
    assert!(message(&"é".repeat(MESSAGE_MAX_CHARS)).is_ok());
    assert!(message(&"é".repeat(MESSAGE_MAX_CHARS + 1)).is_err());
}

#[test]
fn rooms_that_pose_as_others_are_refused() {
    let refused = |name: &str| room(&normalize_room(name)).is_err();
    for bad in [
        "f\u{456}sica",  // Cyrillic і among Latin letters
        "lobb\u{443}",   // Cyrillic у
        "ｌｏｂｂｙ",    // fullwidth
        "𝐥𝐨𝐛𝐛𝐲",         // mathematical bold
        "lobby\u{345}",  // a combining mark that composes with nothing
        "lo\u{200B}bby", // zero-width space
        "\u{202E}ybbol", // right-to-left override
    ] {
        assert!(refused(bad), "{bad:?} should be refused");
    }
    for ok in [
        "física",
        "fi\u{301}sica",
        "año-2",
        "Ελληνικά",
        "русский",
        "日本語",
    ] {
        assert!(!refused(ok), "{ok:?} should be accepted");
    }
    assert_eq!(normalize_room("fi\u{301}sica"), "física");
    assert_eq!(room_skeleton("lobby"), room_skeleton("LOBBY"));
    assert_eq!(room_skeleton("lobby"), room_skeleton("1obby"));
    assert_ne!(room_skeleton("física"), room_skeleton("fisica2"));
}

#[test]
fn invisible_and_direction_tricks_are_refused_in_text() {
    for bad in [
        "\u{200B}",
        "\u{3164}\u{3164}",
        "\u{2800}",
        " \u{FEFF} ",
        "a\u{202E}b",
        "a\u{2028}b",
    ] {
        assert!(message(bad).is_err(), "{bad:?}");
        assert!(person_name(Field::FirstNames, bad).is_err(), "{bad:?}");
    }
    assert!(message("dos\nlíneas\ty tab 🙂").is_ok());
    assert!(message("עברית and English").is_ok());
}

#[test]
fn folding_makes_names_case_insensitive() {
    assert_eq!(fold("Ana"), fold("aNA"));
    assert_eq!(fold("FÍSICA"), "física");
    assert_eq!(cmp_logins("ana", "BETO"), std::cmp::Ordering::Less);
    assert_eq!(cmp_logins("Luis", "luis"), std::cmp::Ordering::Equal);
}

#[test]
fn gender_spellings_round_trip() {
    for g in Gender::ALL {
        assert_eq!(Gender::parse(g.as_str()), Some(g));
    }
    assert_eq!(Gender::parse("robot"), None);
}

#[test]
fn registration_lists_every_error_in_form_order() {
    let form = Registration {
        first_names: "".into(),
        last_names: "Pérez".into(),
        login: "x".into(),
        password: Password("short".into()),
        age: 200,
        gender: Gender::Other,
    };
    let fields: Vec<Field> = registration(&form).into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [Field::FirstNames, Field::Login, Field::Password, Field::Age]
    );
}
