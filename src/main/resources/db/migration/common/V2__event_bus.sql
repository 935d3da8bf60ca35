-- Event store and journal, per-handler deliveries, dedup keys, DLQ, notifications. Portable SQL.

CREATE TABLE events (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    source          VARCHAR(128) NOT NULL,
    event_type      VARCHAR(128) NOT NULL,
    timestamp_ms    BIGINT       NOT NULL,
    priority        VARCHAR(8)   NOT NULL,
    delivery        VARCHAR(16)  NOT NULL,
    trace_id        VARCHAR(64)  NOT NULL,
    parent_event_id VARCHAR(64),
    agent_id        VARCHAR(64),
    status          VARCHAR(16)  NOT NULL,
    envelope        TEXT         NOT NULL
);
CREATE INDEX events_trace ON events (trace_id, id);
CREATE INDEX events_time ON events (timestamp_ms, id);

CREATE TABLE deliveries (
    event_id       VARCHAR(36)  NOT NULL,
    handler        VARCHAR(200) NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    attempts       INTEGER      NOT NULL,
    last_error     TEXT,
    finished_at_ms BIGINT,
    dlq_id         VARCHAR(36),
    PRIMARY KEY (event_id, handler)
);
CREATE INDEX deliveries_open ON deliveries (status);

CREATE TABLE dedup_keys (
    dedup_key     VARCHAR(300) NOT NULL PRIMARY KEY,
    event_id      VARCHAR(36)  NOT NULL,
    expires_at_ms BIGINT       NOT NULL
);

CREATE TABLE event_types_seen (
    event_type      VARCHAR(128) NOT NULL PRIMARY KEY,
    last_seen_at_ms BIGINT       NOT NULL
);

CREATE TABLE dlq_entries (
    id                 VARCHAR(36)  NOT NULL PRIMARY KEY,
    event_id           VARCHAR(36)  NOT NULL,
    handler            VARCHAR(200) NOT NULL,
    reason             VARCHAR(32)  NOT NULL,
    last_error         TEXT         NOT NULL,
    attempts           INTEGER      NOT NULL,
    manual_retry_count INTEGER      NOT NULL,
    source             VARCHAR(128) NOT NULL,
    event_type         VARCHAR(128) NOT NULL,
    enqueued_at_ms     BIGINT       NOT NULL,
    expires_at_ms      BIGINT       NOT NULL,
    event              TEXT         NOT NULL
);
CREATE INDEX dlq_entries_order ON dlq_entries (enqueued_at_ms, id);

CREATE TABLE notifications (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    severity        VARCHAR(16)  NOT NULL,
    category        VARCHAR(32)  NOT NULL,
    title           VARCHAR(200) NOT NULL,
    message         TEXT         NOT NULL,
    created_at_ms   BIGINT       NOT NULL,
    updated_at_ms   BIGINT       NOT NULL,
    occurrences     INTEGER      NOT NULL,
    acked           INTEGER      NOT NULL,
    acked_at_ms     BIGINT,
    acked_by        VARCHAR(128),
    dismissed       INTEGER      NOT NULL,
    dismissed_at_ms BIGINT,
    action_label    VARCHAR(200),
    action_route    VARCHAR(500),
    event_id        VARCHAR(36),
    source          VARCHAR(200)
);
CREATE INDEX notifications_order ON notifications (created_at_ms, id);
