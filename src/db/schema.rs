//! Table definitions for Diesel, matching `migrations/`. The `requests.search` tsvector is omitted:
//! search uses SQL fragments in `requests::queries`.
// @generated-style: keep in the order of the migrations.

diesel::table! {
    units (id) {
        id -> Int8,
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        kind -> Text,
        parent_id -> Nullable<Int8>,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    buildings (id) {
        id -> Int8,
        unit_id -> Int8,
        code -> Text,
        name -> Text,
        address -> Text,
        active -> Bool,
    }
}

diesel::table! {
    rooms (id) {
        id -> Int8,
        building_id -> Int8,
        code -> Text,
        name -> Text,
        active -> Bool,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        display_name -> Text,
        locale -> Text,
        password_hash -> Nullable<Text>,
        active -> Bool,
        deactivated_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        notify_digest -> Bool,
        notify_optional -> Bool,
        oidc_subject -> Nullable<Text>,
    }
}

diesel::table! {
    user_roles (id) {
        id -> Int8,
        user_id -> Int8,
        unit_id -> Int8,
        role -> Text,
    }
}

diesel::table! {
    domains (code) {
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        position -> Int4,
    }
}

diesel::table! {
    teams (id) {
        id -> Int8,
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        domain -> Text,
        lead_id -> Nullable<Int8>,
        active -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    team_members (team_id, user_id) {
        team_id -> Int8,
        user_id -> Int8,
    }
}

diesel::table! {
    categories (id) {
        id -> Int8,
        code -> Text,
        domain -> Text,
        parent_id -> Nullable<Int8>,
        name_fr -> Text,
        name_en -> Text,
        description_fr -> Text,
        description_en -> Text,
        form -> Jsonb,
        default_team_id -> Nullable<Int8>,
        default_priority -> Text,
        position -> Int4,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        sla_policy_id -> Nullable<Int8>,
        workflow_id -> Int8,
        approval -> Text,
        approval_group_id -> Nullable<Int8>,
        approval_field -> Nullable<Text>,
        approval_threshold -> Nullable<Float8>,
        confidential -> Bool,
        trip -> Bool,
    }
}

diesel::table! {
    requests (id) {
        id -> Int8,
        number -> Int8,
        title -> Text,
        description -> Text,
        category_id -> Int8,
        domain -> Text,
        requester_id -> Int8,
        unit_id -> Int8,
        room_id -> Nullable<Int8>,
        priority -> Text,
        priority_rank -> Int2,
        status -> Text,
        team_id -> Nullable<Int8>,
        assignee_id -> Nullable<Int8>,
        fields -> Jsonb,
        source -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        first_response_at -> Nullable<Timestamptz>,
        resolved_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        sla_policy_id -> Nullable<Int8>,
        first_response_due -> Nullable<Timestamptz>,
        resolution_due -> Nullable<Timestamptz>,
        sla_paused_since -> Nullable<Timestamptz>,
        sla_paused_minutes -> Int4,
        first_response_warn_at -> Nullable<Timestamptz>,
        resolution_warn_at -> Nullable<Timestamptz>,
        first_response_warned_at -> Nullable<Timestamptz>,
        resolution_warned_at -> Nullable<Timestamptz>,
        first_response_breached_at -> Nullable<Timestamptz>,
        resolution_breached_at -> Nullable<Timestamptz>,
        workflow_id -> Int8,
        status_kind -> Text,
        anonymized_at -> Nullable<Timestamptz>,
        parent_id -> Nullable<Int8>,
        due_on -> Nullable<Date>,
        resolve_minutes -> Nullable<Int4>,
    }
}

diesel::table! {
    request_watchers (request_id, user_id) {
        request_id -> Int8,
        user_id -> Int8,
    }
}

diesel::table! {
    request_events (id) {
        id -> Int8,
        request_id -> Int8,
        actor_id -> Nullable<Int8>,
        kind -> Text,
        body -> Text,
        internal -> Bool,
        data -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    attachments (id) {
        id -> Int8,
        request_id -> Int8,
        event_id -> Nullable<Int8>,
        uploader_id -> Nullable<Int8>,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        created_at -> Timestamptz,
        purged_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Int8,
        token_hash -> Text,
        user_id -> Int8,
        csrf_token -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    sign_in_attempts (id) {
        id -> Int8,
        email -> Text,
        ip -> Nullable<Text>,
        succeeded -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        actor_id -> Nullable<Int8>,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        ip -> Nullable<Text>,
        data -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sla_calendars (id) {
        id -> Int8,
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        definition -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sla_policies (id) {
        id -> Int8,
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        calendar_id -> Int8,
        targets -> Jsonb,
        warning_percent -> Int4,
        escalation -> Jsonb,
        is_default -> Bool,
        active -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sla_clock_events (id) {
        id -> Int8,
        request_id -> Int8,
        clock -> Text,
        kind -> Text,
        at -> Timestamptz,
        due -> Nullable<Timestamptz>,
        data -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        recipient_id -> Nullable<Int8>,
        recipient -> Text,
        template -> Text,
        locale -> Text,
        request_id -> Nullable<Int8>,
        payload -> Jsonb,
        attempts -> Int4,
        next_try_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        failed_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        message_id -> Nullable<Text>,
        created_at -> Timestamptz,
        event_id -> Nullable<Int8>,
        digest -> Bool,
        digested_into -> Nullable<Int8>,
        subject -> Nullable<Text>,
    }
}

diesel::table! {
    workflows (id) {
        id -> Int8,
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        description_fr -> Text,
        description_en -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        revision -> Int8,
    }
}

diesel::table! {
    workflow_states (id) {
        id -> Int8,
        workflow_id -> Int8,
        code -> Text,
        label_fr -> Text,
        label_en -> Text,
        kind -> Text,
        position -> Int4,
    }
}

diesel::table! {
    workflow_transitions (id) {
        id -> Int8,
        workflow_id -> Int8,
        from_state -> Text,
        to_state -> Text,
        roles -> Array<Text>,
        note_required -> Bool,
        on_approval -> Bool,
        position -> Int4,
    }
}

diesel::table! {
    user_groups (id) {
        id -> Int8,
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    user_group_members (group_id, user_id) {
        group_id -> Int8,
        user_id -> Int8,
    }
}

diesel::table! {
    request_approvals (id) {
        id -> Int8,
        request_id -> Int8,
        step -> Int2,
        approver -> Text,
        unit_id -> Nullable<Int8>,
        group_id -> Nullable<Int8>,
        status -> Text,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamptz>,
        comment -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    automation_rules (id) {
        id -> Int8,
        name -> Text,
        events -> Array<Text>,
        conditions -> Jsonb,
        actions -> Jsonb,
        position -> Int4,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    recurring_requests (id) {
        id -> Int8,
        title -> Text,
        description -> Text,
        category_id -> Int8,
        requester_id -> Int8,
        unit_ids -> Array<Int8>,
        fields -> Jsonb,
        priority -> Nullable<Text>,
        frequency -> Text,
        month -> Nullable<Int2>,
        day -> Int2,
        starts_on -> Date,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    recurring_runs (recurring_id, occurs_on, unit_id) {
        recurring_id -> Int8,
        occurs_on -> Date,
        unit_id -> Int8,
        request_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    inbound_messages (id) {
        id -> Int8,
        message_id -> Nullable<Text>,
        content_hash -> Text,
        size_bytes -> Int8,
        channel -> Text,
        received_at -> Timestamptz,
        sender -> Text,
        subject -> Text,
        outcome -> Text,
        reason -> Text,
        detail -> Text,
        user_id -> Nullable<Int8>,
        request_id -> Nullable<Int8>,
        event_id -> Nullable<Int8>,
        full_text -> Text,
        processed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    user_email_aliases (email) {
        email -> Text,
        user_id -> Int8,
    }
}

diesel::table! {
    api_idempotency (key_hash) {
        key_hash -> Text,
        request_hash -> Text,
        status -> Nullable<Int2>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        body -> Nullable<Bytea>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    address_bounces (email, inbound_id) {
        email -> Text,
        inbound_id -> Int8,
        bounced_at -> Timestamptz,
    }
}

diesel::table! {
    undeliverable_addresses (email) {
        email -> Text,
        reason -> Text,
        marked_at -> Timestamptz,
        inbound_id -> Nullable<Int8>,
    }
}

diesel::table! {
    instance_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    asset_types (id) {
        id -> Int8,
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        max_loan_days -> Int4,
        loan_needs_approval -> Bool,
    }
}

diesel::table! {
    asset_models (id) {
        id -> Int8,
        type_id -> Int8,
        maker -> Text,
        name -> Text,
        active -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    assets (id) {
        id -> Int8,
        tag -> Text,
        serial -> Nullable<Text>,
        model_id -> Int8,
        status -> Text,
        unit_id -> Int8,
        room_id -> Nullable<Int8>,
        assigned_to -> Nullable<Int8>,
        purchase_date -> Nullable<Date>,
        purchase_cost_cents -> Nullable<Int8>,
        warranty_end -> Nullable<Date>,
        notes -> Text,
        extra -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_text -> Nullable<Text>,
        loanable -> Bool,
    }
}

diesel::table! {
    loans (id) {
        id -> Int8,
        borrower_id -> Int8,
        unit_id -> Int8,
        lending_unit_id -> Int8,
        model_id -> Nullable<Int8>,
        quantity -> Nullable<Int4>,
        starts_at -> Timestamptz,
        due_at -> Timestamptz,
        status -> Text,
        purpose -> Text,
        request_id -> Nullable<Int8>,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamptz>,
        decision_note -> Text,
        checked_out_at -> Nullable<Timestamptz>,
        checked_out_by -> Nullable<Int8>,
        acknowledged_at -> Nullable<Timestamptz>,
        acknowledged_ip -> Nullable<Text>,
        acknowledged_by -> Nullable<Int8>,
        conditions -> Text,
        returned_at -> Nullable<Timestamptz>,
        reminded_at -> Nullable<Timestamptz>,
        overdue_notice_on -> Nullable<Date>,
        escalated_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

// `period` (tstzrange) is written and read through SQL in `loans::queries`.
diesel::table! {
    loan_items (id) {
        id -> Int8,
        loan_id -> Int8,
        asset_id -> Int8,
        active -> Bool,
        checked_out_at -> Nullable<Timestamptz>,
        returned_at -> Nullable<Timestamptz>,
        condition -> Nullable<Text>,
        condition_note -> Text,
        borrower_agreed -> Bool,
    }
}

diesel::table! {
    loan_events (id) {
        id -> Int8,
        loan_id -> Int8,
        kind -> Text,
        actor_id -> Nullable<Int8>,
        data -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    asset_events (id) {
        id -> Int8,
        asset_id -> Int8,
        kind -> Text,
        actor_id -> Nullable<Int8>,
        request_id -> Nullable<Int8>,
        data -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    request_assets (request_id, asset_id) {
        request_id -> Int8,
        asset_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    retention_policies (id) {
        id -> Int8,
        domain -> Nullable<Text>,
        category_id -> Nullable<Int8>,
        anonymize_after_days -> Nullable<Int4>,
        attachments_after_days -> Nullable<Int4>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    retention_runs (id) {
        id -> Int8,
        started_at -> Timestamptz,
        clock -> Timestamptz,
        dry_run -> Bool,
        actor_id -> Nullable<Int8>,
        anonymized -> Int4,
        purged -> Int4,
        report -> Jsonb,
    }
}

diesel::table! {
    departure_rules (id) {
        id -> Int8,
        resource -> Text,
        phase -> Text,
        label_fr -> Text,
        label_en -> Text,
        position -> Int4,
        mutation -> Text,
        extended_leave -> Text,
        resignation -> Text,
        retirement -> Text,
        suspension_over_30_days -> Text,
        dismissal -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    account_actions (id) {
        id -> Int8,
        user_id -> Int8,
        request_id -> Int8,
        action -> Text,
        due_on -> Date,
        done_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(asset_models -> asset_types (type_id));
diesel::joinable!(retention_runs -> users (actor_id));
diesel::joinable!(assets -> asset_models (model_id));
diesel::joinable!(assets -> units (unit_id));
diesel::joinable!(assets -> rooms (room_id));
diesel::joinable!(assets -> users (assigned_to));
diesel::joinable!(asset_events -> assets (asset_id));
diesel::joinable!(request_assets -> assets (asset_id));
diesel::joinable!(request_assets -> requests (request_id));
diesel::joinable!(loan_items -> loans (loan_id));
diesel::joinable!(loan_items -> assets (asset_id));
diesel::joinable!(loan_events -> loans (loan_id));
diesel::joinable!(recurring_runs -> recurring_requests (recurring_id));
diesel::joinable!(workflow_states -> workflows (workflow_id));
diesel::joinable!(workflow_transitions -> workflows (workflow_id));
diesel::joinable!(user_group_members -> user_groups (group_id));
diesel::joinable!(user_group_members -> users (user_id));
diesel::joinable!(request_approvals -> requests (request_id));
diesel::joinable!(request_approvals -> user_groups (group_id));
diesel::joinable!(requests -> workflows (workflow_id));
diesel::joinable!(sla_policies -> sla_calendars (calendar_id));
diesel::joinable!(sla_clock_events -> requests (request_id));
diesel::joinable!(buildings -> units (unit_id));
diesel::joinable!(rooms -> buildings (building_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_roles -> units (unit_id));
diesel::joinable!(teams -> domains (domain));
diesel::joinable!(team_members -> teams (team_id));
diesel::joinable!(team_members -> users (user_id));
diesel::joinable!(categories -> domains (domain));
diesel::joinable!(categories -> teams (default_team_id));
diesel::joinable!(requests -> categories (category_id));
diesel::joinable!(requests -> units (unit_id));
diesel::joinable!(requests -> rooms (room_id));
diesel::joinable!(requests -> teams (team_id));
diesel::joinable!(request_watchers -> requests (request_id));
diesel::joinable!(request_events -> requests (request_id));
diesel::joinable!(attachments -> requests (request_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(sessions -> users (user_id));

diesel::table! {
    vehicle_types (code) {
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        capacity -> Int4,
        wheelchair_places -> Int4,
        position -> Int4,
    }
}

diesel::table! {
    carriers (id) {
        id -> Int8,
        name -> Text,
        contact_name -> Text,
        email -> Text,
        phone -> Text,
        locale -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    carrier_vehicles (carrier_id, vehicle_type) {
        carrier_id -> Int8,
        vehicle_type -> Text,
        vehicles -> Int4,
    }
}

diesel::table! {
    trips (request_id) {
        request_id -> Int8,
        unit_id -> Int8,
        departs_at -> Timestamptz,
        returns_at -> Timestamptz,
        origin -> Text,
        destination -> Text,
        destination_address -> Text,
        students -> Int4,
        adults -> Int4,
        wheelchair_places -> Int4,
        adapted_vehicle -> Bool,
        vehicle_type -> Text,
        vehicles -> Int4,
        budget_code -> Text,
        carrier_notes -> Text,
        urgent_reason -> Nullable<Text>,
        carrier_id -> Nullable<Int8>,
        confirmed_at -> Nullable<Timestamptz>,
        confirmed_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    transport_settings (id) {
        id -> Bool,
        notice_business_days -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    trip_feeds (id) {
        id -> Int8,
        token_hash -> Text,
        carrier_id -> Nullable<Int8>,
        unit_id -> Nullable<Int8>,
        created_by -> Int8,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    oidc_logins (state) {
        state -> Text,
        verifier -> Text,
        nonce -> Text,
        next -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    satisfaction_ratings (request_id) {
        request_id -> Int8,
        rating -> Int2,
        comment -> Text,
        rated_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        domain -> Nullable<Text>,
        team_id -> Nullable<Int8>,
        unit_id -> Nullable<Int8>,
        category_id -> Nullable<Int8>,
    }
}

diesel::table! {
    dashboard_days (scope, day) {
        scope -> Text,
        day -> Date,
        created -> Int4,
        created_categories -> Bytea,
        created_units -> Bytea,
        resolved -> Int4,
        resolved_assignees -> Bytea,
        resolve_minutes -> Bytea,
        first_due -> Int4,
        first_met -> Int4,
        resolution_due -> Int4,
        resolution_met -> Int4,
        ratings -> Array<Int4>,
        rated -> Bytea,
    }
}

diesel::table! {
    dashboard_days_done (day) {
        day -> Date,
        computed_at -> Timestamptz,
    }
}

diesel::table! {
    dashboard_days_stale (day) {
        day -> Date,
        version -> Int8,
    }
}

diesel::joinable!(satisfaction_ratings -> requests (request_id));
diesel::joinable!(trips -> requests (request_id));
diesel::joinable!(trips -> carriers (carrier_id));
diesel::joinable!(trips -> units (unit_id));
diesel::joinable!(carrier_vehicles -> carriers (carrier_id));

diesel::allow_tables_to_appear_in_same_query!(
    units,
    satisfaction_ratings,
    buildings,
    rooms,
    users,
    user_roles,
    domains,
    teams,
    team_members,
    categories,
    requests,
    request_watchers,
    request_events,
    attachments,
    api_tokens,
    sessions,
    sign_in_attempts,
    audit_log,
    sla_calendars,
    sla_policies,
    sla_clock_events,
    outbox,
    workflows,
    workflow_states,
    workflow_transitions,
    user_groups,
    user_group_members,
    request_approvals,
    automation_rules,
    recurring_requests,
    recurring_runs,
    inbound_messages,
    user_email_aliases,
    undeliverable_addresses,
    address_bounces,
    api_idempotency,
    instance_secrets,
    asset_types,
    asset_models,
    assets,
    asset_events,
    request_assets,
    loans,
    loan_items,
    loan_events,
    retention_policies,
    retention_runs,
    departure_rules,
    account_actions,
    vehicle_types,
    carriers,
    carrier_vehicles,
    trips,
    transport_settings,
    trip_feeds,
    oidc_logins,
    dashboard_days,
    dashboard_days_done,
    dashboard_days_stale,
);
