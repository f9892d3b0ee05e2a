package io.coffer.agent.channel;

import java.util.Map;
import java.util.Properties;

/**
 * Sizes Netty's buffer pool for an agent: one connection, small messages. Netty and gRPC size their
 * pools for a server (an arena per core, 2 to 4 MiB chunks, and gRPC keeps a pool of its own
 * besides Netty's); in the agent they held about 10 MiB of direct memory while idle, with no gain
 * in throughput (the channel benchmark measures the same Ping rate either way). Here gRPC uses
 * Netty's default pool, with one arena of 512 KiB chunks; larger buffers are allocated and freed on
 * their own.
 *
 * <p>Netty reads these system properties once, when its allocator class loads, so {@link
 * #install()} must run before the agent touches Netty. A property the operator set (with {@code -D}
 * in the agent's JVM options) is left as it is.
 */
public final class NettyBuffers {
  /**
   * The properties and the agent's values (see Netty's {@code PooledByteBufAllocator}, gRPC's
   * {@code Utils}).
   */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "io.grpc.netty.useCustomAllocator",
              "false", // gRPC then uses Netty's default pool, not a second one
          "io.netty.allocator.numDirectArenas", "1",
          "io.netty.allocator.numHeapArenas", "1",
          "io.netty.allocator.maxOrder", "6"); // chunk = page (8 KiB) << 6 = 512 KiB

  private NettyBuffers() {}

  /** Sets each of {@link #DEFAULTS} that is not set yet, in this JVM's system properties. */
  public static void install() {
    install(System.getProperties());
  }

  static void install(Properties properties) {
    DEFAULTS.forEach(properties::putIfAbsent);
  }
}
