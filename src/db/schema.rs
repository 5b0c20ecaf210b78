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
        remote -> Bool,
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

diesel::table! {
    partners (id) {
        id -> BigInt,
        name -> Text,
        key_prefix -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> BigInt,
        code -> Text,
        province_code -> Nullable<Text>,
        commune_code -> Nullable<Text>,
        kind -> Nullable<Text>,
        category_code -> Nullable<Text>,
        subject -> Nullable<Text>,
        second_time -> Nullable<Bool>,
        target -> Text,
        office_id -> Nullable<BigInt>,
        priority -> Integer,
        reason -> Text,
        created_at -> Timestamp,
        effective_from -> Nullable<Date>,
        effective_to -> Nullable<Date>,
    }
}

diesel::table! {
    petitions (id) {
        id -> BigInt,
        public_id -> Text,
        tracking_code -> Text,
        receipt_secret_hash -> Text,
        partner_id -> Nullable<BigInt>,
        channel -> Text,
        kind -> Text,
        filed_kind -> Text,
        category_code -> Text,
        commune_code -> Text,
        province_code -> Text,
        office_id -> BigInt,
        routing_rule_id -> BigInt,
        routing_reason -> Text,
        status -> Text,
        title -> Text,
        description -> Text,
        subject -> Nullable<Text>,
        occurred_at -> Nullable<Timestamp>,
        decision_date -> Nullable<Date>,
        late_filing -> Bool,
        location_lat -> Nullable<Double>,
        location_lon -> Nullable<Double>,
        location_address -> Nullable<Text>,
        second_time_of -> Nullable<BigInt>,
        is_public -> Bool,
        anonymous -> Bool,
        received_at -> Timestamp,
        updated_at -> Timestamp,
        next_due_at -> Nullable<Timestamp>,
        complexity -> Nullable<Text>,
    }
}

diesel::table! {
    petition_attachments (petition_id, position) {
        petition_id -> BigInt,
        position -> Integer,
        url -> Text,
        media_type -> Nullable<Text>,
    }
}

diesel::table! {
    petition_identities (petition_id) {
        petition_id -> BigInt,
        key_id -> Text,
        nonce -> Binary,
        ciphertext -> Binary,
    }
}

diesel::table! {
    petition_clocks (id) {
        id -> BigInt,
        petition_id -> BigInt,
        name -> Text,
        started_at -> Timestamp,
        length_days -> Integer,
        day_type -> Text,
        due_at -> Timestamp,
        status -> Text,
        legal_basis -> Text,
        rule_version -> Text,
        calendar_version -> Text,
        extensions -> Integer,
        ended_at -> Nullable<Timestamp>,
        approaching_noted_at -> Nullable<Timestamp>,
        missed_noted_at -> Nullable<Timestamp>,
        rule_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    clock_rules (id) {
        id -> BigInt,
        kind -> Text,
        clock -> Text,
        starts -> Text,
        second_time -> Nullable<Bool>,
        remote -> Nullable<Bool>,
        complexity -> Nullable<Text>,
        province_code -> Nullable<Text>,
        category_code -> Nullable<Text>,
        days -> Integer,
        day_type -> Text,
        max_extensions -> Integer,
        extension_days -> Integer,
        legal_basis -> Text,
        supersedes -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
        effective_from -> Nullable<Date>,
        effective_to -> Nullable<Date>,
    }
}

diesel::table! {
    calendar_changes (id) {
        id -> BigInt,
        day -> Date,
        kind -> Text,
        name -> Text,
        changed_by -> Nullable<BigInt>,
        changed_at -> Timestamp,
        recurring -> Bool,
    }
}

diesel::table! {
    office_notices (id) {
        id -> BigInt,
        office_id -> BigInt,
        petition_id -> BigInt,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    petition_answers (petition_id) {
        petition_id -> BigInt,
        body -> Text,
        decision_number -> Nullable<Text>,
        attachments -> Text,
        answered_by -> BigInt,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    petition_ratings (petition_id) {
        petition_id -> BigInt,
        satisfied -> Bool,
        score -> Integer,
        comment -> Nullable<Text>,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    idempotent_replies (scope, idempotency_key) {
        scope -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status -> Integer,
        location -> Nullable<Text>,
        key_id -> Text,
        nonce -> Binary,
        body -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        petition_id -> Nullable<BigInt>,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        payload -> Text,
        created_at -> Timestamp,
        seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> BigInt,
        seq -> BigInt,
        hash -> Text,
        signed_at -> Timestamp,
        key_id -> Text,
        signature -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        office_id -> Nullable<BigInt>,
        scope -> Nullable<Text>,
        can_reveal_identity -> Bool,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        token_epoch -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    office_status_counts (office_id, status) {
        office_id -> BigInt,
        status -> Text,
        petitions -> BigInt,
    }
}

diesel::table! {
    stats_cells (level, unit, month, kind, category) {
        level -> Text,
        unit -> Text,
        parent -> Text,
        month -> Integer,
        kind -> Text,
        category -> Text,
        received -> BigInt,
        accepted -> BigInt,
        rejected -> BigInt,
        transferred_out -> BigInt,
        withdrawn -> BigInt,
        answered -> BigInt,
        answered_on_time -> BigInt,
        answered_online -> BigInt,
        rated -> BigInt,
        satisfied -> BigInt,
        due -> BigInt,
        due_answered -> BigInt,
        due_on_time -> BigInt,
        ack_due -> BigInt,
        ack_on_time -> BigInt,
        overdue_change -> BigInt,
        supervision_filed -> BigInt,
        supervision_answered -> BigInt,
        supervision_on_time -> BigInt,
    }
}

diesel::table! {
    stats_days (level, unit, month, kind, category, days) {
        level -> Text,
        unit -> Text,
        month -> Integer,
        kind -> Text,
        category -> Text,
        days -> Integer,
        answers -> BigInt,
    }
}

diesel::table! {
    stats_tracks (petition_id) {
        petition_id -> BigInt,
        track -> Text,
    }
}

diesel::table! {
    stats_progress (id) {
        id -> Integer,
        seq -> BigInt,
        folded_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(communes -> provinces (province_code));
diesel::joinable!(offices -> provinces (province_code));
diesel::joinable!(petitions -> offices (office_id));
diesel::joinable!(petitions -> routing_rules (routing_rule_id));
diesel::joinable!(petition_attachments -> petitions (petition_id));
diesel::joinable!(petition_identities -> petitions (petition_id));
diesel::joinable!(petition_clocks -> petitions (petition_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(office_notices -> petitions (petition_id));

diesel::allow_tables_to_appear_in_same_query!(
    provinces,
    communes,
    offices,
    categories,
    seed_runs,
    partners,
    routing_rules,
    petitions,
    petition_attachments,
    petition_identities,
    petition_clocks,
    idempotent_replies,
    events,
    users,
    refresh_tokens,
    petition_answers,
    petition_ratings,
    office_status_counts,
    calendar_changes,
    office_notices,
    clock_rules,
    audit_head,
    audit_checkpoints,
);

// Oversight (DESIGN §3.8): supervision requests and the petitions they name.

diesel::table! {
    supervision_requests (id) {
        id -> BigInt,
        office_id -> BigInt,
        filed_by -> BigInt,
        subject -> Text,
        body -> Text,
        filed_at -> Timestamp,
        due_at -> Timestamp,
        reply_days -> Integer,
        calendar_version -> Text,
        status -> Text,
        reply_body -> Nullable<Text>,
        replied_at -> Nullable<Timestamp>,
        replied_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    supervision_request_petitions (request_id, position) {
        request_id -> BigInt,
        position -> Integer,
        petition_id -> BigInt,
    }
}

diesel::joinable!(supervision_requests -> offices (office_id));
diesel::joinable!(supervision_request_petitions -> supervision_requests (request_id));
diesel::joinable!(supervision_request_petitions -> petitions (petition_id));

// Pairwise, so that these tables join what they need without repeating a pair declared above.
diesel::allow_tables_to_appear_in_same_query!(supervision_requests, offices);
diesel::allow_tables_to_appear_in_same_query!(supervision_requests, supervision_request_petitions);
diesel::allow_tables_to_appear_in_same_query!(supervision_request_petitions, petitions);
