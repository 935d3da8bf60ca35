/**
 * The {@code aman} command line (FORMATS §3): {@code run}, local config commands, and client commands that
 * talk to a running daemon over HTTP only. Exit codes are mapped in one place, {@link dev.aman.cli.ExitCodes}.
 */
package dev.aman.cli;
