//! What an account may do: every account is a student until an admin says
//! otherwise (issue 28: roles, then moderation).

use serde::{Deserialize, Serialize};

/// An account's role, as the wire and the database spell it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Grants and takes roles; everything a teacher may do.
    Admin,
    /// Moderates (the moderation requests of issue 28 build on this).
    Teacher,
    #[default]
    Student,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Teacher, Role::Student];

    /// The wire (and database) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Student => "student",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Teachers and admins: the staff of a class.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Teacher)
    }

    pub fn is_student(&self) -> bool {
        *self == Role::Student
    }

    /// Whether this role may moderate someone of role `other`: staff over
    /// a lower role only (a teacher over students, an admin over teachers
    /// and students), never over an equal, never themselves.
    pub fn outranks(self, other: Role) -> bool {
        let rank = |role: Role| match role {
            Role::Admin => 2,
            Role::Teacher => 1,
            Role::Student => 0,
        };
        self.is_staff() && rank(self) > rank(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_spelled_the_same_everywhere() {
        for role in Role::ALL {
            let wire = serde_json::to_value(role).unwrap_or_default();
            assert_eq!(wire.as_str(), Some(role.as_str()));
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::default(), Role::Student);
        assert!(Role::Teacher.outranks(Role::Student));
        assert!(Role::Admin.outranks(Role::Teacher));
        assert!(!Role::Teacher.outranks(Role::Teacher));
        assert!(!Role::Teacher.outranks(Role::Admin));
        assert!(!Role::Student.outranks(Role::Student));
    }
}
