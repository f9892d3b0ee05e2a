package io.coffer.plugin.postgresql.sql;

import io.coffer.plugin.kit.sql.Connector;
import io.coffer.plugin.postgresql.naming.ReservedNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import org.newsclub.net.unix.AFUNIXSocketFactory;
import org.postgresql.Driver;

/**
 * Opens administrative connections as the admin role ({@link ReservedNames#ADMIN_ROLE}) over the
 * server's UNIX socket, where peer authentication maps the agent's OS account to that role (see
 * {@code server.AccessFiles}): no password is sent or stored. TLS and GSSAPI are off (they mean
 * nothing on a local socket). The driver is used directly because {@link java.sql.DriverManager}
 * cannot see drivers loaded by a plugin class loader.
 */
public final class SocketConnector implements Connector {
  /** The database every server has, where the admin session works on cluster-wide objects. */
  public static final String MAINTENANCE_DATABASE = "postgres";

  private static final Driver DRIVER = new Driver();

  private final Path socket;
  private final int port;
  private final Duration connectTimeout;
  private final Duration idleSessionTimeout;

  /**
   * @param port the server's port, which names the socket file; only used in the URL
   * @param idleSessionTimeout when set, the server closes these connections after that long without
   *     a transaction, so that they never hold up a smart shutdown for long (<a
   *     href="https://www.postgresql.org/docs/15/runtime-config-client.html#GUC-IDLE-SESSION-TIMEOUT">idle_session_timeout</a>);
   *     null for none
   */
  public SocketConnector(
      Path socket, int port, Duration connectTimeout, Duration idleSessionTimeout) {
    this.socket = socket;
    this.port = port;
    this.connectTimeout = connectTimeout;
    this.idleSessionTimeout = idleSessionTimeout;
  }

  /**
   * The same socket and timeouts, without an idle session timeout (e.g. for long-held sessions).
   */
  public SocketConnector withoutIdleTimeout() {
    return new SocketConnector(socket, port, connectTimeout, null);
  }

  /**
   * Connects to {@code database} (a validated name), or to {@link #MAINTENANCE_DATABASE} when null.
   */
  @Override
  public Connection connect(String database) throws SQLException {
    if (database == null) {
      database = MAINTENANCE_DATABASE;
    }
    Properties props = new Properties();
    props.setProperty("user", ReservedNames.ADMIN_ROLE);
    props.setProperty("socketFactory", AFUNIXSocketFactory.FactoryArg.class.getName());
    props.setProperty("socketFactoryArg", socket.toString());
    props.setProperty("sslmode", "disable");
    props.setProperty("gssEncMode", "disable");
    props.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    props.setProperty("ApplicationName", "coffer-agent");
    if (idleSessionTimeout != null) {
      props.setProperty("options", "-c idle_session_timeout=" + idleSessionTimeout.toMillis());
    }
    // The database name is part of the URL path: pgjdbc URL-decodes it, so encode it. Names are
    // validated ([A-Za-z0-9_$-]) or come from the catalog.
    String url =
        "jdbc:postgresql://localhost:"
            + port
            + "/"
            + URLEncoder.encode(database, StandardCharsets.UTF_8);
    Connection connection = DRIVER.connect(url, props);
    if (connection == null) {
      throw new SQLNonTransientConnectionException("PostgreSQL driver refused the connection URL");
    }
    return connection;
  }

  public Path socket() {
    return socket;
  }
}
