package io.coffer.spi.cluster;

import java.util.Objects;

/**
 * Where a cluster node's server listens, as the other nodes reach it.
 *
 * @param host host name or IP address
 * @param port the datastore's client port
 * @param peerPort the port of the engine's node-to-node traffic where it has one beside the client
 *     port (Galera: {@code gmcast.listen_addr}); 0 when none
 */
public record NodeAddress(String host, int port, int peerPort) {
  public NodeAddress {
    Objects.requireNonNull(host, "host");
  }

  /** An address without a separate peer port. */
  public NodeAddress(String host, int port) {
    this(host, port, 0);
  }

  /** Whether {@code other} names the same server (host and client port). */
  public boolean sameServer(NodeAddress other) {
    return host.equals(other.host) && port == other.port;
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
