package io.coffer.spi;

/** A user name and its password, as returned by {@link DatastoreManager#enableRoot()}. */
public record Credentials(String name, Secret password) {}
