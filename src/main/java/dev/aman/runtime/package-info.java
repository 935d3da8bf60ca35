/**
 * The runtime lifecycle (API.md §1.17): phases 0–5, the hooks subsystems register into each phase, start
 * (idempotent, bounded by {@code runtime.startup_timeout_sec}) and the draining shutdown.
 */
package dev.aman.runtime;
