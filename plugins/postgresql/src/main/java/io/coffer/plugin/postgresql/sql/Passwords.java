package io.coffer.plugin.postgresql.sql;

import io.coffer.plugin.postgresql.naming.SqlIdentifiers;
import io.coffer.spi.Secret;
import org.postgresql.util.PasswordUtil;

/**
 * Passwords as PostgreSQL stores them. DDL takes no bound parameters, so rather than putting the
 * password itself into {@code CREATE ROLE ... PASSWORD '...'}, the plugin computes the
 * SCRAM-SHA-256 verifier client-side (<a href="https://www.rfc-editor.org/rfc/rfc7677">RFC
 * 7677</a>: 4096 PBKDF2 iterations, a random 16-byte salt, the password SASLprep-normalised as the
 * server does) with the JDBC driver's {@link PasswordUtil#encodeScramSha256(char[])}, and sends
 * that. The server stores a verifier it is given as is (<a
 * href="https://www.postgresql.org/docs/15/sql-createrole.html">CREATE ROLE</a>, "PASSWORD"), so
 * the password never reaches the server, its logs ({@code log_statement}) or {@code
 * pg_stat_activity}, and a verifier cannot be replayed as a password.
 */
public final class Passwords {

  private Passwords() {}

  /** {@code PASSWORD '<SCRAM-SHA-256 verifier>'}, for CREATE ROLE and ALTER ROLE. */
  public static String clause(Secret password) {
    return "PASSWORD "
        + SqlIdentifiers.literal(PasswordUtil.encodeScramSha256(password.reveal().toCharArray()));
  }
}
