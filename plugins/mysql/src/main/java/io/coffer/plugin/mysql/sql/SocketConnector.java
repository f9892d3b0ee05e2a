package io.coffer.plugin.mysql.sql;

import io.coffer.plugin.kit.sql.Connector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import org.mariadb.jdbc.Driver;

/**
 * Opens administrative connections as MariaDB {@code root} over the server's UNIX socket.
 *
 * <p>{@code root@localhost} uses the <a
 * href="https://mariadb.com/kb/en/authentication-plugin-unix-socket/">unix_socket</a>
 * authentication plugin: the server trusts the socket peer's OS uid, so the agent (running as OS
 * root) logs in without any stored password. Connector/J 3.x reaches UNIX sockets through JNA (<a
 * href="https://mariadb.com/kb/en/about-mariadb-connector-j/#optional-url-parameters">localSocket</a>).
 * The driver is used directly because {@link java.sql.DriverManager} cannot see drivers loaded by a
 * plugin class loader.
 */
public final class SocketConnector implements Connector {

  private static final Driver DRIVER = new Driver();

  private final Path socket;
  private final Duration connectTimeout;
  private final String account;

  /**
   * @param account the MariaDB account to log in as: {@code root} when the agent is OS root,
   *     otherwise the agent's own OS user, which mariadb-install-db --user= also creates with
   *     unix_socket authentication
   */
  public SocketConnector(Path socket, Duration connectTimeout, String account) {
    this.socket = socket;
    this.connectTimeout = connectTimeout;
    this.account = account;
  }

  /** A connection with no database selected. */
  public Connection connect() throws SQLException {
    return connect(null);
  }

  /**
   * @param database a validated name to select, or null for none
   */
  @Override
  public Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", account);
    props.setProperty("localSocket", socket.toString());
    props.setProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
    // Client-side prepared statements: placeholders for account names and passwords in
    // CREATE USER / GRANT are substituted as escaped literals, which the server accepts.
    props.setProperty("useServerPrepStmts", "false");
    props.setProperty("allowMultiQueries", "false");
    Connection connection =
        DRIVER.connect("jdbc:mariadb://localhost/" + (database == null ? "" : database), props);
    if (connection == null) {
      throw new SQLNonTransientConnectionException("MariaDB driver refused the connection URL");
    }
    return connection;
  }

  public Path socket() {
    return socket;
  }
}
