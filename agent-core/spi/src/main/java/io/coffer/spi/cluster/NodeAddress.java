package io.coffer.spi.cluster;

import java.util.Objects;

/** Where a cluster node's server listens, as the other nodes reach it. */
public record NodeAddress(String host, int port) {
  public NodeAddress {
    Objects.requireNonNull(host, "host");
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
