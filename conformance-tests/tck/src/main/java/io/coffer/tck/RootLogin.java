package io.coffer.tck;

/**
 * The superuser a test enabled through the API (Trove's "root enable"), to check outcomes as a
 * client.
 */
public record RootLogin(String name, String password) {}
