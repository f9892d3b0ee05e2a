package io.coffer.plugin.cassandra.cql;

import io.coffer.plugin.kit.naming.NameCheck;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import java.nio.charset.StandardCharsets;
import org.mindrot.jbcrypt.BCrypt;

/**
 * The bcrypt hash Cassandra's {@code PasswordAuthenticator} stores, for {@code CREATE ROLE ... WITH
 * HASHED PASSWORD} (Cassandra 4.1 and later: <a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/developing/cql/security.html#create-role">
 * CREATE ROLE</a>): the server, its logs and its commit log see only the hash. Cassandra hashes
 * with jBCrypt at log2 rounds 10 by default; the same here.
 */
public final class PasswordHash {
  private static final int LOG_ROUNDS = 10;

  private PasswordHash() {}

  /** bcrypt reads 72 bytes of a password and ignores the rest, in Cassandra as here. */
  public static final int MAX_BYTES = 72;

  /**
   * Checks a password before anything changes.
   *
   * @throws DatastoreException INVALID_ARGUMENT on {@code field}: empty, a NUL, or longer than
   *     bcrypt reads
   */
  public static Secret check(String field, Secret password) {
    NameCheck.password(field, password, MAX_BYTES);
    if (password.reveal().getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw DatastoreException.invalidArgument(
          field, "must be at most " + MAX_BYTES + " bytes in UTF-8 (bcrypt ignores the rest)");
    }
    return password;
  }

  /** {@code $2a$10$...}: only {@code [./A-Za-z0-9$]}, safe inside a CQL string literal. */
  public static String of(Secret password) {
    return BCrypt.hashpw(password.reveal(), BCrypt.gensalt(LOG_ROUNDS));
  }
}
