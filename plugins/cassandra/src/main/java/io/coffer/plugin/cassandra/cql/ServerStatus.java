package io.coffer.plugin.cassandra.cql;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.coffer.plugin.kit.TimeBox;
import io.coffer.spi.Probe;
import java.time.Duration;
import java.util.Map;

/**
 * Health from the native protocol: the node answers a read of its own {@code system.local} within
 * the probe's second. A node runs standalone in this version of the plugin.
 */
public final class ServerStatus implements AutoCloseable {
  private static final Duration LIMIT = Duration.ofMillis(900);
  private static final SimpleStatement LOCAL =
      SimpleStatement.newInstance("SELECT release_version FROM system.local")
          .setTimeout(Duration.ofMillis(800));

  private final CqlAdmin session;
  private final TimeBox timeBox = new TimeBox("coffer-cassandra-probe");
  private volatile String version = "";

  /**
   * @param session a session of its own, so that a long schema change never delays a probe
   */
  public ServerStatus(CqlAdmin session) {
    this.session = session;
  }

  public Probe probe() {
    try {
      Row row = timeBox.call(() -> session.execute(LOCAL).one(), LIMIT);
      version = row == null ? "" : row.getString("release_version");
      return new Probe(Probe.Health.HEALTHY, Probe.Role.STANDALONE, "", Map.of());
    } catch (Exception e) {
      return Probe.unhealthy("Cassandra is not answering: " + e.getMessage());
    }
  }

  /** Cassandra's release version, e.g. {@code 5.0.6}, from the last probe that reached it. */
  public String version() {
    if (version.isEmpty()) {
      probe();
    }
    return version;
  }

  @Override
  public void close() {
    timeBox.close();
    session.close();
  }
}
