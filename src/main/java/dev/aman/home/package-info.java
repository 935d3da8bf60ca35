/**
 * The home directory (FORMATS §1): where it is, its layout, and the single-instance lock that keeps two
 * daemons from sharing one home.
 */
package dev.aman.home;
