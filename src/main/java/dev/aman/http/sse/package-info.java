/** The SSE stream {@code GET /events/stream} (API.md §21): fan-out, snapshots, heartbeats, resume. */
package dev.aman.http.sse;
