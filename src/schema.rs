// @generated automatically by Diesel CLI.

diesel::table! {
    accountability_reports (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        leader_id -> Int8,
        status -> Text,
        body -> Nullable<Text>,
        submitted_at -> Nullable<Timestamptz>,
        late -> Bool,
        submission_count -> Int4,
        return_reason -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    assessment_cycles (id) {
        id -> Int8,
        year -> Int4,
        title -> Text,
        state -> Text,
        special_weight -> Numeric,
        routine_weight -> Numeric,
        rectification_line -> Numeric,
        routine_sample_towns -> Int4,
        routine_sample_departments -> Int4,
        flag_margin -> Numeric,
        self_inspection_due -> Date,
        special_inspection_ends -> Date,
        team_reports_due -> Date,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    attachments (id) {
        id -> Int8,
        uploader_sub -> Text,
        uploader_role -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        content -> Bytea,
        owner_kind -> Nullable<Text>,
        owner_id -> Nullable<Int8>,
        attached_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

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
        key_id -> Nullable<Text>,
        signature -> Nullable<Text>,
    }
}

diesel::table! {
    ballot_codes (code_hash) {
        code_hash -> Text,
        round_id -> Int8,
    }
}

diesel::table! {
    ballot_failures (client_key, window_start) {
        client_key -> Text,
        window_start -> Timestamptz,
        failures -> Int4,
    }
}

diesel::table! {
    cycle_deadline_extensions (id) {
        id -> Int8,
        cycle_id -> Int8,
        deadline -> Text,
        old_date -> Date,
        new_date -> Date,
        reason -> Text,
        actor_sub -> Text,
        actor_name -> Text,
        occurred_at -> Timestamptz,
    }
}

diesel::table! {
    cycle_decision_unit_opinions (decision_id, unit_id) {
        decision_id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        opinion -> Text,
    }
}

diesel::table! {
    cycle_decisions (id) {
        id -> Int8,
        cycle_id -> Int8,
        kind -> Text,
        document_ref -> Text,
        decided_on -> Date,
        opinion -> Nullable<Text>,
        note -> Nullable<Text>,
        recorded_by -> Text,
        recorded_by_name -> Text,
        updated_by -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    cycle_transitions (id) {
        id -> Int8,
        cycle_id -> Int8,
        from_state -> Text,
        to_state -> Text,
        actor_sub -> Text,
        actor_name -> Text,
        note -> Nullable<Text>,
        occurred_at -> Timestamptz,
    }
}

diesel::table! {
    cycle_units (cycle_id, unit_id) {
        cycle_id -> Int8,
        unit_id -> Int8,
        status -> Text,
        form_kind -> Nullable<Text>,
        fallback_source -> Nullable<Text>,
        reason -> Nullable<Text>,
        updated_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    document_versions (id) {
        id -> Int8,
        document_kind -> Text,
        document_id -> Int8,
        number -> Int4,
        content -> Jsonb,
        submitted_by -> Text,
        submitted_at -> Timestamptz,
        late -> Bool,
        returned_by -> Nullable<Text>,
        returned_at -> Nullable<Timestamptz>,
        return_reason -> Nullable<Text>,
    }
}

diesel::table! {
    evaluation_ballots (id) {
        id -> Uuid,
        round_id -> Int8,
        category -> Text,
        grades -> Jsonb,
        comment -> Nullable<Text>,
    }
}

diesel::table! {
    evaluation_paper_counts (round_id, leader_id, category) {
        round_id -> Int8,
        leader_id -> Int8,
        category -> Text,
        good -> Int4,
        fairly_good -> Int4,
        average -> Int4,
        poor -> Int4,
        unknown -> Int4,
    }
}

diesel::table! {
    evaluation_round_leaders (round_id, leader_id) {
        round_id -> Int8,
        leader_id -> Int8,
        ordinal -> Int4,
        name -> Text,
        position -> Text,
    }
}

diesel::table! {
    evaluation_rounds (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        tag -> Text,
        title -> Text,
        state -> Text,
        categories -> Jsonb,
        codes_issued -> Int4,
        failed_attempts -> Int4,
        online_ballots -> Int4,
        paper_forms_handed_out -> Int4,
        paper_forms_returned -> Int4,
        closed_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    evaluation_settings (cycle_id) {
        cycle_id -> Int8,
        coefficient_good -> Numeric,
        coefficient_fairly_good -> Numeric,
        coefficient_average -> Numeric,
        coefficient_poor -> Numeric,
        min_ballots -> Int4,
        failure_budget -> Int4,
        rule -> Jsonb,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    fallback_results (cycle_id, unit_id) {
        cycle_id -> Int8,
        unit_id -> Int8,
        value -> Numeric,
        source -> Text,
        document_ref -> Text,
        version -> Int4,
        updated_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    form_items (id) {
        id -> Int8,
        form_id -> Int8,
        position -> Int4,
        code -> Text,
        title -> Text,
        content_area -> Int2,
        max_points -> Numeric,
        rules -> Jsonb,
    }
}

diesel::table! {
    grade_bands (cycle_id, lower_bound) {
        cycle_id -> Int8,
        name -> Text,
        lower_bound -> Numeric,
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
    inspection_teams (id) {
        id -> Int8,
        cycle_id -> Int8,
        name -> Text,
        leader_sub -> Text,
        leader_name -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    leader_grades (cycle_id, unit_id, leader_id) {
        cycle_id -> Int8,
        unit_id -> Int8,
        leader_id -> Int8,
        leader_name -> Text,
        grade -> Text,
        proposed_grade -> Nullable<Text>,
        round_id -> Nullable<Int8>,
        reason -> Nullable<Text>,
        set_by -> Text,
        set_by_name -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
    publication_results (publication_id, unit_id) {
        publication_id -> Int8,
        unit_id -> Int8,
        unit_name -> Text,
        unit_kind -> Text,
        status -> Text,
        special_score -> Nullable<Numeric>,
        routine_score -> Nullable<Numeric>,
        total -> Nullable<Numeric>,
        owes_rectification -> Nullable<Bool>,
        rank_in_kind -> Nullable<Int8>,
        rank_overall -> Nullable<Int8>,
        band -> Nullable<Text>,
        vetoed -> Bool,
        band_capped -> Bool,
        leader_grades -> Nullable<Jsonb>,
        fallback -> Nullable<Jsonb>,
    }
}

diesel::table! {
    publications (id) {
        id -> Int8,
        cycle_id -> Int8,
        version -> Int4,
        published_at -> Timestamptz,
        published_by -> Text,
        published_by_name -> Text,
        document_ref -> Text,
        publication_scope -> Text,
        units_see_leader_grades -> Bool,
        inspectors_see_ranking -> Bool,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    record_items (record_id, item_code) {
        record_id -> Int8,
        item_code -> Text,
        deductions -> Jsonb,
        evidence_notes -> Nullable<Text>,
        points -> Numeric,
        version -> Int4,
        updated_by -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    referrals (id) {
        id -> Int8,
        record_id -> Int8,
        leader_id -> Nullable<Int8>,
        leader_name -> Nullable<Text>,
        facts -> Text,
        decision -> Text,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    reopenings (id) {
        id -> Int8,
        document_kind -> Text,
        document_id -> Int8,
        round -> Int4,
        reason -> Text,
        actor_sub -> Text,
        content -> Jsonb,
        occurred_at -> Timestamptz,
    }
}

diesel::table! {
    result_settings (cycle_id) {
        cycle_id -> Int8,
        publication_scope -> Text,
        units_see_leader_grades -> Bool,
        veto_enabled -> Bool,
        veto_band -> Nullable<Text>,
        version -> Int4,
        updated_by -> Text,
        updated_at -> Timestamptz,
        inspectors_see_ranking -> Bool,
        document_ref -> Nullable<Text>,
        rectification_days -> Int4,
    }
}

diesel::table! {
    routine_draws (id) {
        id -> Int8,
        cycle_id -> Int8,
        seed_source -> Text,
        seed_publishes_at -> Timestamptz,
        reason -> Nullable<Text>,
        eligible -> Jsonb,
        eligible_sha256 -> Text,
        committed_by -> Text,
        committed_at -> Timestamptz,
        seed -> Nullable<Text>,
        seeded_by -> Nullable<Text>,
        seeded_at -> Nullable<Timestamptz>,
        algorithm_version -> Nullable<Int4>,
        sample -> Nullable<Jsonb>,
        superseded_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    routine_plans (cycle_id) {
        cycle_id -> Int8,
        scope -> Text,
        methods -> Text,
        schedule -> Text,
        sample_enterprises -> Int4,
        version -> Int4,
        updated_by -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    routine_scores (cycle_id, unit_id) {
        cycle_id -> Int8,
        unit_id -> Int8,
        score -> Numeric,
        note -> Text,
        version -> Int4,
        updated_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    routine_targets (cycle_id, unit_id) {
        cycle_id -> Int8,
        unit_id -> Int8,
        targets -> Text,
        tasks -> Nullable<Text>,
        version -> Int4,
        updated_by -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    routine_visits (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        visitors -> Jsonb,
        methods -> Jsonb,
        findings -> Nullable<Text>,
        questionnaire -> Nullable<Jsonb>,
        attachments -> Jsonb,
        visited_on -> Nullable<Date>,
        status -> Text,
        submitted_at -> Nullable<Timestamptz>,
        version -> Int4,
        round -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    scoring_forms (id) {
        id -> Int8,
        cycle_id -> Int8,
        form_kind -> Text,
        title -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    scoring_records (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        status -> Text,
        methods -> Jsonb,
        methods_version -> Int4,
        version -> Int4,
        round -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    self_inspections (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        status -> Text,
        report -> Nullable<Text>,
        problems -> Jsonb,
        total -> Nullable<Numeric>,
        submitted_at -> Nullable<Timestamptz>,
        late -> Bool,
        submission_count -> Int4,
        paper_received_at -> Nullable<Timestamptz>,
        return_reason -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    self_scores (self_inspection_id, item_code) {
        self_inspection_id -> Int8,
        item_code -> Text,
        points -> Numeric,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    signatures (id) {
        id -> Int8,
        document_kind -> Text,
        document_id -> Int8,
        round -> Int4,
        signer_sub -> Text,
        signer_name -> Text,
        signer_role -> Text,
        doc_version -> Int4,
        content_sha256 -> Text,
        signed_at -> Timestamptz,
        voided_at -> Nullable<Timestamptz>,
        void_reason -> Nullable<Text>,
        canonical_version -> Int4,
    }
}

diesel::table! {
    task_events (id) {
        id -> Int8,
        event_id -> Text,
        task_state_id -> Int8,
        transition -> Text,
        occurred_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    task_states (id) {
        id -> Int8,
        task_key -> Text,
        occurrence -> Int4,
        recipient_role -> Text,
        recipient_unit_id -> Nullable<Int8>,
        recipient_sub -> Nullable<Text>,
        kind -> Text,
        cycle_id -> Int8,
        unit_id -> Nullable<Int8>,
        unit_name -> Nullable<Text>,
        title -> Text,
        resource -> Text,
        due -> Nullable<Date>,
        state -> Text,
        created_at -> Timestamptz,
        done_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    team_members (team_id, sub) {
        team_id -> Int8,
        sub -> Text,
        name -> Text,
    }
}

diesel::table! {
    team_reports (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        overall_evaluation -> Nullable<Text>,
        problems_found -> Nullable<Text>,
        rectification_advice -> Nullable<Text>,
        status -> Text,
        submitted_at -> Nullable<Timestamptz>,
        late -> Bool,
        version -> Int4,
        round -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    team_units (cycle_id, unit_id) {
        cycle_id -> Int8,
        unit_id -> Int8,
        team_id -> Int8,
        assigned_at -> Timestamptz,
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

diesel::table! {
    veto_events (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        leader_id -> Nullable<Int8>,
        leader_name -> Nullable<Text>,
        reason -> Text,
        document_ref -> Text,
        recorded_by -> Text,
        recorded_by_name -> Text,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    commendations (id) {
        id -> Int8,
        cycle_id -> Int8,
        kind -> Text,
        unit_id -> Int8,
        leader_id -> Nullable<Int8>,
        leader_name -> Nullable<Text>,
        reason -> Text,
        document_ref -> Text,
        scope -> Text,
        with_results -> Bool,
        published_at -> Nullable<Timestamptz>,
        recorded_by -> Text,
        recorded_by_name -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    rectifications (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        status -> Text,
        explanation -> Nullable<Text>,
        plan -> Nullable<Text>,
        due_on -> Date,
        owed_since -> Timestamptz,
        submitted_at -> Nullable<Timestamptz>,
        late -> Bool,
        submission_count -> Int4,
        return_reason -> Nullable<Text>,
        accepted_by -> Nullable<Text>,
        accepted_at -> Nullable<Timestamptz>,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    result_acknowledgements (id) {
        id -> Int8,
        cycle_id -> Int8,
        unit_id -> Int8,
        transition_id -> Int8,
        acknowledged_by -> Text,
        acknowledged_by_name -> Text,
        acknowledged_at -> Timestamptz,
        note -> Nullable<Text>,
    }
}

diesel::joinable!(accountability_reports -> assessment_cycles (cycle_id));
diesel::joinable!(accountability_reports -> leaders (leader_id));
diesel::joinable!(accountability_reports -> units (unit_id));
diesel::joinable!(ballot_codes -> evaluation_rounds (round_id));
diesel::joinable!(cycle_deadline_extensions -> assessment_cycles (cycle_id));
diesel::joinable!(cycle_decision_unit_opinions -> cycle_decisions (decision_id));
diesel::joinable!(cycle_decisions -> assessment_cycles (cycle_id));
diesel::joinable!(cycle_transitions -> assessment_cycles (cycle_id));
diesel::joinable!(cycle_units -> assessment_cycles (cycle_id));
diesel::joinable!(cycle_units -> units (unit_id));
diesel::joinable!(evaluation_ballots -> evaluation_rounds (round_id));
diesel::joinable!(evaluation_round_leaders -> evaluation_rounds (round_id));
diesel::joinable!(evaluation_rounds -> assessment_cycles (cycle_id));
diesel::joinable!(evaluation_rounds -> units (unit_id));
diesel::joinable!(evaluation_settings -> assessment_cycles (cycle_id));
diesel::joinable!(form_items -> scoring_forms (form_id));
diesel::joinable!(grade_bands -> result_settings (cycle_id));
diesel::joinable!(inspection_teams -> assessment_cycles (cycle_id));
diesel::joinable!(leader_grades -> assessment_cycles (cycle_id));
diesel::joinable!(leader_grades -> evaluation_rounds (round_id));
diesel::joinable!(leader_grades -> units (unit_id));
diesel::joinable!(leaders -> units (unit_id));
diesel::joinable!(record_items -> scoring_records (record_id));
diesel::joinable!(referrals -> leaders (leader_id));
diesel::joinable!(referrals -> scoring_records (record_id));
diesel::joinable!(result_settings -> assessment_cycles (cycle_id));
diesel::joinable!(routine_draws -> assessment_cycles (cycle_id));
diesel::joinable!(routine_plans -> assessment_cycles (cycle_id));
diesel::joinable!(scoring_forms -> assessment_cycles (cycle_id));
diesel::joinable!(self_inspections -> assessment_cycles (cycle_id));
diesel::joinable!(self_inspections -> units (unit_id));
diesel::joinable!(self_scores -> self_inspections (self_inspection_id));
diesel::joinable!(task_events -> task_states (task_state_id));
diesel::joinable!(team_members -> inspection_teams (team_id));
diesel::joinable!(veto_events -> leaders (leader_id));
diesel::joinable!(publication_results -> publications (publication_id));
diesel::joinable!(publications -> assessment_cycles (cycle_id));

diesel::allow_tables_to_appear_in_same_query!(
    accountability_reports,
    assessment_cycles,
    attachments,
    audit_log,
    ballot_codes,
    ballot_failures,
    cycle_deadline_extensions,
    cycle_decision_unit_opinions,
    cycle_decisions,
    cycle_transitions,
    cycle_units,
    document_versions,
    evaluation_ballots,
    evaluation_paper_counts,
    evaluation_round_leaders,
    evaluation_rounds,
    evaluation_settings,
    fallback_results,
    form_items,
    grade_bands,
    idempotency_keys,
    inspection_teams,
    leader_grades,
    leaders,
    record_items,
    referrals,
    reopenings,
    result_settings,
    routine_draws,
    routine_plans,
    routine_scores,
    routine_targets,
    routine_visits,
    scoring_forms,
    scoring_records,
    self_inspections,
    self_scores,
    signatures,
    task_events,
    task_states,
    team_members,
    team_reports,
    team_units,
    units,
    veto_events,
    commendations,
    result_acknowledgements,
    publications,
    publication_results,
    rectifications,
    committee_reports,
);

diesel::table! {
    committee_reports (cycle_id) {
        cycle_id -> Int8,
        overall_evaluation -> Nullable<Text>,
        problems -> Nullable<Text>,
        advice -> Nullable<Text>,
        version -> Int4,
        updated_by -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(committee_reports -> assessment_cycles (cycle_id));
