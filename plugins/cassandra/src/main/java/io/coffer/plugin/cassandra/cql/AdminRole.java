package io.coffer.plugin.cassandra.cql;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import io.coffer.spi.Secret;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own superuser role, {@value CqlNames#ADMIN_ROLE}. At a node's first start Cassandra
 * creates the default superuser {@code cassandra} with the password {@code cassandra} (<a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/operating/security.html#password-authentication">
 * Password authentication</a>); the agent logs in as it once, creates its own role with the hash of
 * a random password (kept in a file only the agent reads), then takes login and superuser status
 * away from {@code cassandra}, as Cassandra's documentation advises.
 */
public final class AdminRole {
  private static final Logger log = LoggerFactory.getLogger(AdminRole.class);
  private static final Secret DEFAULT_PASSWORD = Secret.of("cassandra");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final InetSocketAddress address;
  private final String datacenter;

  public AdminRole(InetSocketAddress address, String datacenter) {
    this.address = address;
    this.datacenter = datacenter;
  }

  /**
   * Logs in as the admin role, creating it first when the node still has only its default
   * superuser. One attempt: the caller retries until the server is ready.
   *
   * @return whether the role was created (or its password set) now
   * @throws RuntimeException when the server is not ready, or neither role can log in yet
   */
  public boolean ensure(Secret adminPassword, Duration connectTimeout) {
    try (CqlSession s = open(CqlNames.ADMIN_ROLE, adminPassword, connectTimeout)) {
      return false;
    } catch (AllNodesFailedException e) {
      if (!refusedLogin(e)) {
        throw e;
      }
    }
    String hash = PasswordHash.of(adminPassword);
    try (CqlSession s = open(CqlNames.DEFAULT_SUPERUSER, DEFAULT_PASSWORD, connectTimeout)) {
      String options =
          " WITH HASHED PASSWORD = "
              + CqlNames.literal(hash)
              + " AND LOGIN = true AND SUPERUSER = true";
      s.execute("CREATE ROLE IF NOT EXISTS " + CqlNames.quote(CqlNames.ADMIN_ROLE) + options);
      // an existing role (its secret file was lost): give it the current password
      s.execute("ALTER ROLE " + CqlNames.quote(CqlNames.ADMIN_ROLE) + options);
    } catch (AllNodesFailedException e) {
      if (refusedLogin(e)) {
        throw new IllegalStateException(
            "neither "
                + CqlNames.ADMIN_ROLE
                + " (with the password in the agent's secret file) nor the default superuser can"
                + " log in yet",
            e);
      }
      throw e;
    }
    try (CqlSession s = open(CqlNames.ADMIN_ROLE, adminPassword, connectTimeout)) {
      s.execute(
          "ALTER ROLE "
              + CqlNames.quote(CqlNames.DEFAULT_SUPERUSER)
              + " WITH SUPERUSER = false AND LOGIN = false");
    }
    log.info(
        "created the agent's role {} and disabled the default superuser {}",
        CqlNames.ADMIN_ROLE,
        CqlNames.DEFAULT_SUPERUSER);
    return true;
  }

  private CqlSession open(String role, Secret password, Duration connectTimeout) {
    return CqlAdmin.open(address, datacenter, role, password, connectTimeout, TIMEOUT);
  }

  private static boolean refusedLogin(AllNodesFailedException e) {
    return e.getAllErrors().values().stream()
        .flatMap(List::stream)
        .anyMatch(t -> t instanceof AuthenticationException);
  }
}
