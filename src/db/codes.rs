//! The domain's enums as the database stores them: TEXT codes, mapped here once.
//!
//! Rows read these columns straight into the enums, and queries compare and write the enums
//! themselves (`petitions::status.eq(Status::Accepted)`). A stored code outside an enum (a row
//! changed behind the service's back) fails the read with a deserialisation error naming the
//! column's type and value, which reaches the log as the cause of a 500. The domain keeps its
//! `code`/`from_code` pair, the one place the spelling is decided; nothing else parses codes.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::admin_units::{CommuneKind, ProvinceKind};
use crate::domain::clock::{ClockName, ClockStatus, Complexity, DayType};
use crate::domain::office::OfficeLevel;
use crate::domain::petition::{Channel, Kind};
use crate::domain::rules::Starts;
use crate::domain::staff::Role;
use crate::domain::supervision::SupervisionStatus;
use crate::domain::workflow::Status;

macro_rules! stored_as_text {
    ($($ty:ident => $proxy:ident),* $(,)?) => {$(
        // The derives need a local struct; `foreign_derive` makes them implement the traits
        // for the domain type it wraps.
        #[derive(diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(foreign_derive)]
        #[diesel(sql_type = Text)]
        #[allow(dead_code)]
        struct $proxy($ty);

        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let code = String::from_sql(bytes)?;
                $ty::from_code(&code).ok_or_else(|| {
                    format!(
                        "unexpected value in the database: {} {code:?}",
                        stringify!($ty)
                    )
                    .into()
                })
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.code().to_sql(out)
            }
        }
    )*};
}

stored_as_text! {
    Status => StatusColumn,
    Kind => KindColumn,
    Channel => ChannelColumn,
    Complexity => ComplexityColumn,
    ClockName => ClockNameColumn,
    ClockStatus => ClockStatusColumn,
    DayType => DayTypeColumn,
    Role => RoleColumn,
    SupervisionStatus => SupervisionStatusColumn,
    OfficeLevel => OfficeLevelColumn,
    ProvinceKind => ProvinceKindColumn,
    CommuneKind => CommuneKindColumn,
    Starts => StartsColumn,
}
