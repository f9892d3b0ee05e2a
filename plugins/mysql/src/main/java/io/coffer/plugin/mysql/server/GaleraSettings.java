package io.coffer.plugin.mysql.server;

import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where a Galera node listens beside its client port, from {@code datastore.settings}; used only
 * once the instance is in a cluster (<a
 * href="https://mariadb.com/kb/en/configuring-mariadb-galera-cluster/">Galera configuration</a>, <a
 * href="https://galeracluster.com/library/documentation/galera-parameters.html">provider
 * options</a>).
 *
 * <ul>
 *   <li>{@code galeraPort} (default 4567): group communication, {@code gmcast.listen_addr};
 *   <li>{@code galeraIstPort} (default 4568): incremental state transfers, {@code ist.recv_addr};
 *   <li>{@code galeraSstPort} (default 4444): full state transfers, {@code
 *       wsrep_sst_receive_address};
 *   <li>{@code galeraProvider} (default {@code /usr/lib/galera/libgalera_smm.so}, Debian's
 *       galera-4).
 * </ul>
 *
 * @param advertiseHost where the other nodes reach this one (the agent's
 *     datastore.advertiseAddress)
 */
public record GaleraSettings(
    Path provider, String advertiseHost, int peerPort, int istPort, int sstPort) {
  static final String PORT = "galeraPort";
  static final String IST_PORT = "galeraIstPort";
  static final String SST_PORT = "galeraSstPort";
  static final String PROVIDER = "galeraProvider";
  static final Set<String> KEYS = Set.of(PORT, IST_PORT, SST_PORT, PROVIDER);

  static GaleraSettings from(DatastoreContext context) {
    int peer = port(context, PORT, 4567);
    int ist = port(context, IST_PORT, 4568);
    int sst = port(context, SST_PORT, 4444);
    if (Set.of(peer, ist, sst, context.port()).size() != 4) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + PORT,
          "galeraPort, galeraIstPort, galeraSstPort and datastore.port must all differ");
    }
    String provider = context.setting(PROVIDER, "/usr/lib/galera/libgalera_smm.so");
    if (!provider.startsWith("/")
        || provider.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == ';')) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + PROVIDER, "must be an absolute path");
    }
    String host = context.advertiseAddress();
    if (!host.matches("[A-Za-z0-9.:_-]+") || host.equals("0.0.0.0") || host.equals("::")) {
      throw DatastoreException.invalidArgument(
          "datastore.advertiseAddress",
          "must be the address other nodes reach this one at (not a wildcard)");
    }
    return new GaleraSettings(Path.of(provider), host, peer, ist, sst);
  }

  private static int port(DatastoreContext context, String key, int fallback) {
    String value = context.setting(key, Integer.toString(fallback));
    try {
      int p = Integer.parseInt(value);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw DatastoreException.invalidArgument(
        "datastore.settings." + key, "must be a port between 1 and 65535");
  }
}
