/**
 * Durable operator notifications (API.md §15, §24): creation with coalescing, dismiss vs acknowledge,
 * retention, and the registry other subsystems raise notifications through.
 */
package dev.aman.notify;
