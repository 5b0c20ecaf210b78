//! Staff accounts (DESIGN §3.5, §7): created, changed, disabled and enabled by an admin, or by
//! an office head for the officials of their office; passwords hashed beforehand, off the
//! request's thread. Every change is in the record, moves the account's token epoch on (its
//! access tokens stop working) and revokes its refresh tokens.

use chrono::{DateTime, Utc};

use super::{NotFound, ServiceError, Tx};
use crate::auth::accounts::{self as stored, CheckedAccess, CheckedAccount, CreateError};
use crate::db::events::{self, Actor};
use crate::db::users::{self, Access, UserRow};
use crate::domain::event::{Event, UserAccess, UserRef};
use crate::domain::petition::{Fault, Violation};
use crate::domain::staff::{Grant, GrantRefused, Role, may_grant, may_manage};
use crate::error::Fault as Internal;

/// Who manages accounts: an admin or an office head, or the operator at the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountManager {
    pub actor: Actor,
    pub role: Role,
    pub office_id: Option<i64>,
}

impl AccountManager {
    /// The operator, at the command line: an admin's powers, recorded as the system's.
    pub fn operator() -> Self {
        Self {
            actor: Actor::System,
            role: Role::Admin,
            office_id: None,
        }
    }
}

/// What an account change does.
#[derive(Debug, Clone)]
pub enum AccountChange {
    /// New role, office, scope and reveal permission.
    Access(CheckedAccess),
    Disable,
    Enable,
    /// A new password, hashed, set by the manager.
    ResetPassword {
        password_hash: String,
    },
}

/// Stores a checked account with its password hash, by `by`. The office must exist and the
/// username be free.
pub fn create(
    tx: &mut Tx,
    by: &AccountManager,
    account: &CheckedAccount,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<UserRow, ServiceError> {
    let grant = Grant {
        role: account.role,
        office_id: account.office_id,
        can_reveal_identity: account.can_reveal_identity,
    };
    may_grant(by.role, by.office_id, &grant).map_err(refused)?;
    stored::create(tx.conn, account, password_hash, &by.actor, now.naive_utc()).map_err(|e| match e
    {
        CreateError::Invalid(v) => ServiceError::Invalid(v),
        CreateError::Db(e) => e.into(),
        CreateError::Hash(e) => ServiceError::Internal(Internal::text("hashing a password", e)),
    })
}

/// Changes account `user_id` as `by` may: the change is recorded, the account's access tokens
/// stop working and its refresh tokens are revoked.
pub fn change(
    tx: &mut Tx,
    by: &AccountManager,
    user_id: i64,
    change: AccountChange,
    now: DateTime<Utc>,
) -> Result<UserRow, ServiceError> {
    let user = users::lock(tx.conn, user_id)?.ok_or(ServiceError::NotFound(NotFound::User))?;
    let current = Grant {
        role: user.role,
        office_id: user.office_id,
        can_reveal_identity: user.can_reveal_identity,
    };
    let next = match &change {
        AccountChange::Access(access) => access.grant(),
        _ => current,
    };
    may_manage(by.role, by.office_id, &current, &next).map_err(|why| match why {
        // An account the manager may not touch is one they cannot see (an office head's
        // view of another office's staff, or of its own revealer).
        GrantRefused::NotAGrantor => ServiceError::Forbidden,
        _ if may_grant(by.role, by.office_id, &current).is_err() => {
            ServiceError::NotFound(NotFound::User)
        }
        why => refused(why),
    })?;
    // Nobody locks themselves out, nor takes away their own powers.
    if by.actor == Actor::Staff(user_id) && !matches!(change, AccountChange::ResetPassword { .. }) {
        return Err(ServiceError::invalid("user", Fault::NotPermitted));
    }
    let at = now.naive_utc();
    let event = match change {
        AccountChange::Access(access) => {
            if let Some(office) = access.office_id
                && !stored::office_exists(tx.conn, office)?
            {
                return Err(ServiceError::invalid("office_id", Fault::Unknown));
            }
            let scope = access.scope.as_ref().map(ToString::to_string);
            users::set_access(
                tx.conn,
                user_id,
                &Access {
                    role: access.role,
                    office_id: access.office_id,
                    scope: scope.as_deref(),
                    can_reveal_identity: access.can_reveal_identity,
                },
            )?;
            Event::UserChanged(UserAccess {
                user_id,
                role: access.role,
                office_id: access.office_id,
                scope,
                can_reveal_identity: access.can_reveal_identity,
            })
        }
        AccountChange::Disable => {
            if user.disabled_at.is_some() {
                return Err(ServiceError::invalid("user", Fault::Unchanged));
            }
            users::set_disabled(tx.conn, user_id, Some(at))?;
            Event::UserDisabled(UserRef { user_id })
        }
        AccountChange::Enable => {
            if user.disabled_at.is_none() {
                return Err(ServiceError::invalid("user", Fault::Unchanged));
            }
            users::set_disabled(tx.conn, user_id, None)?;
            Event::UserEnabled(UserRef { user_id })
        }
        AccountChange::ResetPassword { password_hash } => {
            users::set_password(tx.conn, user_id, &password_hash)?;
            Event::UserPasswordReset(UserRef { user_id })
        }
    };
    users::revoke_all(tx.conn, user_id, at)?;
    events::append(tx.conn, None, &by.actor, &event, at)?;
    users::find(tx.conn, user_id)?.ok_or(ServiceError::NotFound(NotFound::User))
}

/// The holder of account `user_id` sets a new password (the door checked the old one): their
/// other sessions end with it.
pub fn change_own_password(
    tx: &mut Tx,
    user_id: i64,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<UserRow, ServiceError> {
    let user = users::lock(tx.conn, user_id)?
        .filter(|u| u.disabled_at.is_none())
        .ok_or(ServiceError::NotFound(NotFound::User))?;
    let at = now.naive_utc();
    users::set_password(tx.conn, user.id, password_hash)?;
    users::revoke_all(tx.conn, user.id, at)?;
    events::append(
        tx.conn,
        None,
        &Actor::Staff(user.id),
        &Event::UserPasswordChanged(UserRef { user_id: user.id }),
        at,
    )?;
    users::find(tx.conn, user.id)?.ok_or(ServiceError::NotFound(NotFound::User))
}

/// A grant the manager may not give: the field at fault, or no right to manage accounts.
fn refused(why: GrantRefused) -> ServiceError {
    match why.field() {
        Some(field) => ServiceError::Invalid(vec![Violation::new(field, Fault::NotPermitted)]),
        None => ServiceError::Forbidden,
    }
}
