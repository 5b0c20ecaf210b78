//! The database schema, in one place. Both backends share it: only types that SQLite and
//! PostgreSQL agree on (BigInt ids, Text, Integer, Timestamp holding UTC).

diesel::table! {
    provinces (code) {
        code -> Text,
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    communes (code) {
        code -> Text,
        province_code -> Text,
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    offices (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        name_en -> Text,
        level -> Text,
        province_code -> Text,
        commune_code -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    categories (code) {
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        position -> Integer,
    }
}

diesel::table! {
    seed_runs (name) {
        name -> Text,
        rows_loaded -> BigInt,
        loaded_at -> Timestamp,
    }
}

diesel::joinable!(communes -> provinces (province_code));
diesel::joinable!(offices -> provinces (province_code));

diesel::allow_tables_to_appear_in_same_query!(provinces, communes, offices, categories, seed_runs);
