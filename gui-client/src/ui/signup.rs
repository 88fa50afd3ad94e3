//! The signup form. The shared field rules run here before anything is sent;
//! server refusals (a taken login) land on their field too.

use super::Intent;
use std::collections::HashMap;

use egui::{RichText, Ui};
use tertulia_shared::{Field, Password, Registration};
use tertulia_shared::{Gender, validate};

use super::login::card;
use super::{field, field_error};

/// Every sentence of this screen, in one place for translation.
mod text {
    crate::texts! {
        TITLE = "signup-title";
        SERVER = "login-server";
        FIRST_NAMES = "signup-first-names";
        LAST_NAMES = "signup-last-names";
        LOGIN = "login-login";
        LOGIN_HINT = "signup-login-hint";
        PASSWORD = "login-password";
        CONFIRM = "signup-confirm";
        AGE = "signup-age";
        GENDER = "signup-gender";
        CHOOSE = "signup-choose";
        CREATE = "login-create-account";
        BACK = "signup-back";
        CANCEL = "login-cancel";
        MISMATCH = "signup-mismatch";
        AGE_NUMBER = "signup-age-number";
        CHOOSE_GENDER = "signup-choose-gender";
    }
}

/// A gender as the interface names it.
fn gender_label(gender: Gender) -> String {
    crate::i18n::tr(match gender {
        Gender::Female => "gender-female",
        Gender::Male => "gender-male",
        Gender::NonBinary => "gender-non-binary",
        Gender::Other => "gender-other",
        Gender::PreferNotToSay => "gender-prefer-not-to-say",
    })
}

#[derive(Debug, Clone, Default)]
pub struct SignupForm {
    pub first_names: String,
    pub last_names: String,
    pub login: String,
    pub password: String,
    pub confirm: String,
    pub age: String,
    pub gender: Option<Gender>,
    /// Errors by field; `Field::Password` covers the confirmation too.
    pub errors: HashMap<Field, String>,
    /// A failure that is not about one field (the server is unreachable…).
    pub error: Option<String>,
    /// After the first attempt, errors update as the user types.
    attempted: bool,
    /// The first field takes the keyboard when the form next appears.
    pub focus_pending: bool,
    /// The first field with an error takes the keyboard on the next frame
    /// (after a refused attempt).
    focus_error: bool,
    /// The gender choice's widget, to tell Enter pressed on it.
    gender_id: Option<egui::Id>,
}

impl SignupForm {
    /// Runs every rule; returns the registration when all pass.
    pub fn validate(&mut self) -> Option<Registration> {
        self.errors.clear();
        let age = self.age.trim().parse::<i64>();
        let form = Registration {
            first_names: self.first_names.trim().to_owned(),
            last_names: self.last_names.trim().to_owned(),
            login: self.login.trim().to_owned(),
            password: Password(self.password.clone()),
            age: *age.as_ref().unwrap_or(&0),
            gender: self.gender.unwrap_or(Gender::PreferNotToSay),
        };
        for error in validate::registration(&form) {
            self.errors
                .entry(error.field)
                .or_insert_with(|| crate::i18n::field_error(&error));
        }
        if age.is_err() {
            self.errors
                .insert(Field::Age, text::AGE_NUMBER().to_owned());
        }
        if self.gender.is_none() {
            self.errors
                .insert(Field::Gender, text::CHOOSE_GENDER().to_owned());
        }
        if !self.errors.contains_key(&Field::Password) && self.password != self.confirm {
            self.errors
                .insert(Field::Password, text::MISMATCH().to_owned());
        }
        self.errors.is_empty().then_some(form)
    }

    /// Puts a server refusal beside its field (or above the buttons).
    pub fn server_error(&mut self, field: Option<Field>, message: String) {
        match field {
            Some(field) => {
                self.errors.insert(field, message);
                self.focus_error = true;
            }
            None => self.error = Some(message),
        }
    }
}

pub fn signup_ui(
    ui: &mut Ui,
    form: &mut SignupForm,
    server: &mut String,
    plain: &mut bool,
    connecting: Option<&str>,
) -> Option<Intent> {
    let mut action = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.add_space(16.0);
        ui.vertical_centered(|ui| ui.heading(RichText::new(text::TITLE()).size(24.0)));
        ui.add_space(10.0);
        card(ui, |ui| {
            let busy = connecting.is_some();
            let mut changed = false;
            // Enter in any text field submits, as in any desktop form.
            let mut entered = false;
            // Enter on the gender choice submits too (instead of opening
            // it), and so does Enter once a choice made with the mouse has
            // left no widget with the keyboard.
            let gender_focused = ui.memory(|m| {
                m.focused()
                    .is_none_or(|focused| Some(focused) == form.gender_id)
            });
            if gender_focused
                && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter))
            {
                entered = true;
            }
            let mut enter = |response: &egui::Response, ui: &Ui| {
                entered |= response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            };
            // After a refused attempt, the first wrong field in form order
            // takes the keyboard.
            let wrong = std::mem::take(&mut form.focus_error)
                .then(|| {
                    [
                        Field::FirstNames,
                        Field::LastNames,
                        Field::Login,
                        Field::Password,
                        Field::Age,
                        Field::Gender,
                    ]
                    .into_iter()
                    .find(|f| form.errors.contains_key(f))
                })
                .flatten();
            let focus_if_wrong = |response: &egui::Response, field: Field| {
                if wrong == Some(field) {
                    response.request_focus();
                }
            };
            ui.add_enabled_ui(!busy, |ui| {
                let server_field = field(ui, &text::SERVER(), server, false);
                enter(&server_field, ui);
                super::login::plain_checkbox(ui, plain);
                ui.add_space(6.0);
                ui.columns(2, |columns| {
                    let first = field(
                        &mut columns[0],
                        &text::FIRST_NAMES(),
                        &mut form.first_names,
                        false,
                    );
                    if form.focus_pending {
                        first.request_focus();
                        form.focus_pending = false;
                    }
                    enter(&first, &columns[0]);
                    focus_if_wrong(&first, Field::FirstNames);
                    changed |= first.changed();
                    field_error(
                        &mut columns[0],
                        "first_names",
                        2,
                        form.errors.get(&Field::FirstNames),
                    );
                    let last = field(
                        &mut columns[1],
                        &text::LAST_NAMES(),
                        &mut form.last_names,
                        false,
                    );
                    enter(&last, &columns[1]);
                    focus_if_wrong(&last, Field::LastNames);
                    changed |= last.changed();
                    field_error(
                        &mut columns[1],
                        "last_names",
                        2,
                        form.errors.get(&Field::LastNames),
                    );
                });
                ui.add_space(6.0);
                let login = field(ui, &text::LOGIN(), &mut form.login, false)
                    .on_hover_text(text::LOGIN_HINT());
                enter(&login, ui);
                focus_if_wrong(&login, Field::Login);
                changed |= login.changed();
                field_error(ui, "login", 1, form.errors.get(&Field::Login));
                ui.add_space(6.0);
                ui.columns(2, |columns| {
                    let password =
                        field(&mut columns[0], &text::PASSWORD(), &mut form.password, true);
                    enter(&password, &columns[0]);
                    focus_if_wrong(&password, Field::Password);
                    let confirm = field(&mut columns[1], &text::CONFIRM(), &mut form.confirm, true);
                    enter(&confirm, &columns[1]);
                    changed |= password.changed() || confirm.changed();
                });
                field_error(ui, "password", 1, form.errors.get(&Field::Password));
                ui.add_space(6.0);
                ui.columns(2, |columns| {
                    let age = field(&mut columns[0], &text::AGE(), &mut form.age, false);
                    enter(&age, &columns[0]);
                    focus_if_wrong(&age, Field::Age);
                    changed |= age.changed();
                    field_error(&mut columns[0], "age", 2, form.errors.get(&Field::Age));
                    let ui = &mut columns[1];
                    let label = ui.label(text::GENDER());
                    let shown = form.gender.map_or_else(text::CHOOSE, gender_label);
                    let before = form.gender;
                    let combo = egui::ComboBox::from_id_salt("gender")
                        .selected_text(shown)
                        .width(ui.available_width())
                        .show_ui(ui, |ui| {
                            for gender in Gender::ALL {
                                ui.selectable_value(
                                    &mut form.gender,
                                    Some(gender),
                                    gender_label(gender),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    focus_if_wrong(&combo, Field::Gender);
                    form.gender_id = Some(combo.id);
                    changed |= form.gender != before;
                    field_error(ui, "gender", 2, form.errors.get(&Field::Gender));
                });
            });
            if changed && form.attempted {
                form.validate();
            }
            ui.add_space(10.0);
            if let Some(progress) = connecting {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(progress);
                    if ui.button(text::CANCEL()).clicked() {
                        action = Some(Intent::CancelConnecting);
                    }
                });
                return;
            }
            if let Some(error) = &form.error {
                ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
                ui.add_space(6.0);
            }
            ui.horizontal(|ui| {
                if ui.button(RichText::new(text::CREATE()).strong()).clicked() || entered {
                    form.attempted = true;
                    form.error = None;
                    match form.validate() {
                        Some(registration) => action = Some(Intent::SignUp(registration)),
                        None => form.focus_error = true,
                    }
                }
                if ui.button(text::BACK()).clicked() {
                    action = Some(Intent::BackToLogin);
                }
            });
        });
    });
    action
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> SignupForm {
        SignupForm {
            first_names: "Ana María".into(),
            last_names: "Núñez".into(),
            login: "ana".into(),
            password: "contraseña".into(),
            confirm: "contraseña".into(),
            age: "21".into(),
            gender: Some(Gender::Female),
            ..SignupForm::default()
        }
    }

    #[test]
    fn a_complete_form_validates() {
        let registration = filled().validate().unwrap();
        assert_eq!(registration.age, 21);
        assert_eq!(registration.gender, Gender::Female);
    }

    #[test]
    fn each_rule_lands_on_its_field() {
        let mut form = filled();
        form.confirm = "different".into();
        form.age = "twenty".into();
        form.gender = None;
        form.login = "a b".into();
        assert!(form.validate().is_none());
        let mut fields: Vec<Field> = form.errors.keys().copied().collect();
        fields.sort_by_key(|f| f.as_str());
        assert_eq!(
            fields,
            [Field::Age, Field::Gender, Field::Login, Field::Password]
        );
        assert_eq!(form.errors[&Field::Password], text::MISMATCH());
    }
}
