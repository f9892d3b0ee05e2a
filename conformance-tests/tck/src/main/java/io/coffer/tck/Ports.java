package io.coffer.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free TCP ports on loopback. */
public final class Ports {
  private Ports() {}

  public static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A free port for a server that binds it only later (e.g. Galera's replication and state-transfer
   * ports, bound when the node joins a cluster): chosen between 23000 and 29999, below Linux's
   * ephemeral range (32768 and up) and below Redis Cluster's bus ports, so that no outgoing
   * connection of this run can take it in the meantime, and never handed out twice in this JVM. A
   * port from {@link #free()} is in the ephemeral range: a client connection (an agent's stream)
   * took one once, and the joining node's state transfer failed for as long as it was held.
   */
  public static int freeForLater() {
    Random random = new Random();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int p = 23_000 + random.nextInt(7_000);
      if (isFree(p) && HANDED_OUT.add(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no free port between 23000 and 29999");
  }

  /** Whether {@code port} can be bound on loopback now. */
  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
