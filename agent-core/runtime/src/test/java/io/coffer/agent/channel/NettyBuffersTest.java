package io.coffer.agent.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class NettyBuffersTest {
  @Test
  void setsWhatIsUnsetAndKeepsWhatTheOperatorSet() {
    Properties p = new Properties();
    p.setProperty("io.netty.allocator.maxOrder", "9");

    NettyBuffers.install(p);

    assertThat(p.getProperty("io.netty.allocator.maxOrder")).isEqualTo("9");
    assertThat(p.getProperty("io.netty.allocator.numDirectArenas")).isEqualTo("1");
    assertThat(p.getProperty("io.netty.allocator.numHeapArenas")).isEqualTo("1");
    assertThat(p.getProperty("io.grpc.netty.useCustomAllocator")).isEqualTo("false");
  }

  @Test
  void valuesMakeAPoolNettyAccepts() {
    // Netty falls back to its own defaults, with only a log line, on values it rejects
    int maxOrder = Integer.parseInt(NettyBuffers.DEFAULTS.get("io.netty.allocator.maxOrder"));
    PooledByteBufAllocator pool =
        new PooledByteBufAllocator(
            true,
            Integer.parseInt(NettyBuffers.DEFAULTS.get("io.netty.allocator.numHeapArenas")),
            Integer.parseInt(NettyBuffers.DEFAULTS.get("io.netty.allocator.numDirectArenas")),
            8192,
            maxOrder,
            256,
            64,
            true);

    assertThat(pool.metric().chunkSize()).isEqualTo(512 * 1024);
    assertThat(pool.metric().numDirectArenas()).isEqualTo(1);
  }
}
