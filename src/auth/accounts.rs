//! Creating staff accounts, for the command line and the admin API alike.

use crate::domain::event::{Event, UserAccess};
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

/// An account's access as asked for, unchecked: its role, office, scope and permission.
#[derive(Debug, Clone)]
pub struct AccessRequest {
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Option<String>,
    pub can_reveal_identity: bool,
}

/// Access that fits its role: an office for officials and heads, a scope for supervisors, the
/// reveal permission only for those who work in an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAccess {
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Option<Scope>,
    pub can_reveal_identity: bool,
}

impl CheckedAccess {
    pub fn grant(&self) -> crate::domain::staff::Grant {
        crate::domain::staff::Grant {
            role: self.role,
            office_id: self.office_id,
            can_reveal_identity: self.can_reveal_identity,
        }
    }
}

/// Checks that office, scope and permission fit the role.
pub fn check_access(req: &AccessRequest) -> Result<CheckedAccess, Vec<Violation>> {
    let mut v = Vec::new();
    let access = fit_access(req, &mut v);
    if v.is_empty() { Ok(access) } else { Err(v) }
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
    let access = fit_access(
        &AccessRequest {
            role: req.role,
            office_id: req.office_id,
            scope: req.scope.clone(),
            can_reveal_identity: req.can_reveal_identity,
        },
        &mut v,
    );
    if !v.is_empty() {
        return Err(v);
    }
    Ok(CheckedAccount {
        username: req.username.clone(),
        role: access.role,
        office_id: access.office_id,
        scope: access.scope,
        can_reveal_identity: access.can_reveal_identity,
    })
}

fn fit_access(req: &AccessRequest, v: &mut Vec<Violation>) -> CheckedAccess {
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
    CheckedAccess {
        role: req.role,
        office_id: req.office_id,
        scope,
        can_reveal_identity: req.can_reveal_identity,
    }
}

/// Whether office `id` exists.
pub fn office_exists(conn: &mut DbConnection, id: i64) -> Result<bool, DbError> {
    Ok(offices::table
        .find(id)
        .select(offices::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
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
    if let Some(office) = account.office_id
        && !office_exists(conn, office)?
    {
        return Err(CreateError::Invalid(vec![Violation::new(
            "office_id",
            Fault::Unknown,
        )]));
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
        &Event::UserCreated(UserAccess {
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
