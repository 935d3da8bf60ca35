package dev.aman.http;

import dev.aman.audit.AuditLog;
import dev.aman.http.idempotency.IdempotencyStore;

/**
 * The storage-backed services the pipeline needs. Both answer null while storage is closed (phase 0, or
 * after shutdown), when requests that would need them are refused by readiness anyway.
 */
public interface StorageAccess {
    AuditLog audit();

    IdempotencyStore idempotency();
}
