/** Wiring of Logback by the launcher: console and rotated file output, text or JSON, secrets redacted. */
package dev.aman.logging;
