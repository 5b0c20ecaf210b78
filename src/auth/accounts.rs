//! Creating staff accounts, for the command line and the admin API alike.

use crate::domain::event::{Event, UserCreated};
use std::str::FromStr;

use diesel::prelude::*;

use super::password::{self, check_strength};
use crate::db::schema::offices;
use crate::db::users::{self, NewUser, UserRow};
use crate::db::{DbConnection, DbError};
use crate::domain::petition::{Fault, Violation};
use crate::domain::staff::{Role, Scope, is_username};

/// An account as asked for, unchecked.
#[derive(Debug, Clone)]
pub struct AccountRequest {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Option<String>,
    pub can_reveal_identity: bool,
}

/// An account that passed the checks that need no database.
#[derive(Debug, Clone)]
pub struct CheckedAccount {
    pub username: String,
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Option<Scope>,
    pub can_reveal_identity: bool,
}

/// Checks names, password strength and that office and scope fit the role.
pub fn check(req: &AccountRequest) -> Result<CheckedAccount, Vec<Violation>> {
    let mut v = Vec::new();
    if !is_username(&req.username) {
        v.push(Violation::new("username", Fault::InvalidFormat));
    }
    if check_strength(&req.password, &[&req.username]).is_err() {
        v.push(Violation::new("password", Fault::WeakPassword));
    }
    match (req.role.needs_office(), req.office_id) {
        (true, None) => v.push(Violation::new("office_id", Fault::Required)),
        (false, Some(_)) => v.push(Violation::new("office_id", Fault::NotForRole)),
        _ => {}
    }
    let scope = match (req.role, &req.scope) {
        (Role::Supervisor, Some(text)) => match Scope::from_str(text) {
            Ok(scope) => Some(scope),
            Err(_) => {
                v.push(Violation::new("scope", Fault::InvalidFormat));
                None
            }
        },
        (Role::Supervisor, None) => {
            v.push(Violation::new("scope", Fault::Required));
            None
        }
        (_, Some(_)) => {
            v.push(Violation::new("scope", Fault::NotForRole));
            None
        }
        (_, None) => None,
    };
    if req.can_reveal_identity && !req.role.needs_office() {
        v.push(Violation::new("can_reveal_identity", Fault::NotForRole));
    }
    if !v.is_empty() {
        return Err(v);
    }
    Ok(CheckedAccount {
        username: req.username.clone(),
        role: req.role,
        office_id: req.office_id,
        scope,
        can_reveal_identity: req.can_reveal_identity,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("invalid account")]
    Invalid(Vec<Violation>),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Hash(#[from] password::HashError),
}

/// Stores a checked account with its password hash (made by the caller, off the HTTP
/// workers), as of `at` (`tiengdan demo` makes its accounts at the start of the year it
/// simulates, so that the record's events stay in the order of their times). The office
/// must exist and the username be free.
pub fn create(
    conn: &mut DbConnection,
    account: &CheckedAccount,
    password_hash: &str,
    actor: &crate::db::events::Actor,
    at: chrono::NaiveDateTime,
) -> Result<UserRow, CreateError> {
    if let Some(office) = account.office_id {
        let exists = offices::table
            .find(office)
            .select(offices::id)
            .first::<i64>(conn)
            .optional()
            .map_err(DbError::from)?
            .is_some();
        if !exists {
            return Err(CreateError::Invalid(vec![Violation::new(
                "office_id",
                Fault::Unknown,
            )]));
        }
    }
    let new = NewUser {
        username: &account.username,
        password_hash,
        role: account.role.code(),
        office_id: account.office_id,
        scope: account.scope.as_ref().map(ToString::to_string),
        can_reveal_identity: account.can_reveal_identity,
        at,
    };
    let user = users::create(conn, &new).map_err(|e| {
        if e.is_unique_violation() {
            CreateError::Invalid(vec![Violation::new("username", Fault::Taken)])
        } else {
            CreateError::Db(e)
        }
    })?;
    crate::db::events::append(
        conn,
        None,
        actor,
        &Event::UserCreated(UserCreated {
            user_id: user.id,
            role: account.role,
            office_id: account.office_id,
            scope: account.scope.as_ref().map(ToString::to_string),
            can_reveal_identity: account.can_reveal_identity,
        }),
        new.at,
    )?;
    Ok(user)
}
