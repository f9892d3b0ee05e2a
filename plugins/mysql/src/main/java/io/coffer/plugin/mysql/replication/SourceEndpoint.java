package io.coffer.plugin.mysql.replication;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.replication.ReplicationSource;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a replica connects and as whom, validated field by field (INVALID_ARGUMENT names {@code
 * source.host}, {@code source.port}, {@code source.user} or {@code source.password}).
 *
 * <p>The host is an IPv4 address, an IPv6 address or a DNS name (letters, digits and {@code -} in
 * dot-separated labels of at most 63 characters, 253 in all), and never a pattern: MASTER_HOST
 * takes at most 255 characters (<a
 * href="https://mariadb.com/kb/en/change-master-to/#master_host">MASTER_HOST</a>).
 *
 * @param host lower case
 */
record SourceEndpoint(String host, int port, String user, Secret password) {

  static final int MAX_DNS_NAME = 253;
  static final int MAX_IPV6 = 45;

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*:[0-9a-f:.]*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  static SourceEndpoint of(ReplicationSource source) {
    return new SourceEndpoint(
        host("source.host", source.host()),
        port("source.port", source.port()),
        ReplicationAccount.user("source.user", source.user()),
        ReplicationAccount.password("source.password", source.password()));
  }

  static String host(String field, String host) {
    if (host == null || host.isEmpty()) {
      throw DatastoreException.invalidArgument(field, "must not be empty");
    }
    String h = host.toLowerCase(Locale.ROOT);
    var v4 = IPV4.matcher(h);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          throw DatastoreException.invalidArgument(
              field, "'" + host + "' is not a valid IPv4 address");
        }
      }
      return h;
    }
    if (h.indexOf(':') >= 0) {
      if (h.length() > MAX_IPV6 || !IPV6.matcher(h).matches() || h.contains(":::")) {
        throw DatastoreException.invalidArgument(field, "is not a valid IPv6 address");
      }
      return h;
    }
    if (h.length() > MAX_DNS_NAME) {
      throw DatastoreException.invalidArgument(
          field, "must be at most " + MAX_DNS_NAME + " characters");
    }
    for (String label : h.split("\\.", -1)) {
      if (!DNS_LABEL.matcher(label).matches()) {
        throw DatastoreException.invalidArgument(
            field,
            "must be an IP address or a DNS name (letters, digits"
                + " and '-' in dot-separated labels of 1-63 characters)");
      }
    }
    if (h.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
      throw DatastoreException.invalidArgument(field, "'" + host + "' is not a valid IPv4 address");
    }
    return h;
  }

  static int port(String field, int port) {
    if (port < 1 || port > 65535) {
      throw DatastoreException.invalidArgument(field, "must be between 1 and 65535, got " + port);
    }
    return port;
  }

  /** Whether a replica following {@code host:port} as {@code user} follows this endpoint. */
  boolean sameSource(String otherHost, int otherPort, String otherUser) {
    return host.equalsIgnoreCase(otherHost) && port == otherPort && user.equals(otherUser);
  }

  @Override
  public String toString() {
    return user + "@" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
