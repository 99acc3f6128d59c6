// @generated automatically by Diesel CLI.

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

diesel::allow_tables_to_appear_in_same_query!(leaders, units,);
