-- Portable SQL: runs unchanged on SQLite and PostgreSQL.

CREATE TABLE audit_log (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    timestamp_ms BIGINT       NOT NULL,
    operator     VARCHAR(128) NOT NULL,
    action       VARCHAR(64)  NOT NULL,
    target       VARCHAR(300) NOT NULL,
    outcome      VARCHAR(32)  NOT NULL,
    detail       TEXT         NOT NULL,
    request_id   VARCHAR(128)
);
CREATE INDEX audit_log_time ON audit_log (timestamp_ms, id);
CREATE INDEX audit_log_action ON audit_log (action, timestamp_ms);

CREATE TABLE idempotency_keys (
    method        VARCHAR(10)  NOT NULL,
    path          VARCHAR(2048) NOT NULL,
    idem_key      VARCHAR(255) NOT NULL,
    fingerprint   VARCHAR(64)  NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    status        INTEGER,
    body          TEXT,
    node_id       VARCHAR(128) NOT NULL,
    created_at_ms BIGINT       NOT NULL,
    expires_at_ms BIGINT       NOT NULL,
    PRIMARY KEY (method, path, idem_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at_ms);
