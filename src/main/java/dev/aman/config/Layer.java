package dev.aman.config;

/** The five configuration layers of FORMATS §2.1, lowest first. */
public enum Layer {
    DEFAULT, FILE, OVERRIDE, ENV, FLAG
}
