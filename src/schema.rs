// @generated automatically by Diesel CLI.

diesel::table! {
    audit_log (id) {
        id -> Int8,
        occurred_at -> Timestamptz,
        actor_sub -> Text,
        actor_name -> Text,
        actor_role -> Text,
        action -> Text,
        resource -> Text,
        resource_id -> Nullable<Text>,
        changes -> Jsonb,
        request_id -> Nullable<Text>,
        canonical -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    idempotency_keys (caller_sub, route, key) {
        caller_sub -> Text,
        route -> Text,
        key -> Text,
        request_hash -> Text,
        response_status -> Nullable<Int2>,
        response_headers -> Nullable<Jsonb>,
        response_body -> Nullable<Bytea>,
        locked_at -> Timestamptz,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    leaders (id) {
        id -> Int8,
        unit_id -> Int8,
        name -> Text,
        position -> Text,
        is_first_responsible -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    units (id) {
        id -> Int8,
        name -> Text,
        kind -> Text,
        contact_person -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        address -> Nullable<Text>,
        email -> Nullable<Text>,
        archived_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(leaders -> units (unit_id));

diesel::allow_tables_to_appear_in_same_query!(audit_log, idempotency_keys, leaders, units,);
