package ${package};

import io.coffer.agent.config.AgentConfig;
import io.coffer.tck.DataPlane;
import io.coffer.tck.DatastoreProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the TCK needs to know about ${engine}. The suites that run follow from the capabilities the
 * plugin declares; each declared one needs its hook here (e.g. {@code backupData} for backup).
 */
final class ExampleProvider implements DatastoreProvider {

  @Override
  public String engine() {
    return "${engine}";
  }

  /** target/plugins, where the build puts the zip: the agent loads it from there with PF4J. */
  @Override
  public Path pluginsDir() {
    return Path.of(System.getProperty("coffer.plugins.dir", "target/plugins"));
  }

  @Override
  public AgentConfig.Datastore datastore(Path workDir, int port) {
    return new AgentConfig.Datastore("${engine}", workDir.resolve("data"), workDir.resolve("run"), "127.0.0.1", port,
        "", Map.of());
  }

  /** An ordinary client that writes a value and reads it back; needed once DATABASES and USERS are declared. */
  @Override
  public DataPlane dataPlane(int port) {
    return (user, password, database, value) -> {
      throw new UnsupportedOperationException("connect to the server as a client here");
    };
  }

  @Override
  public List<String> badDatabaseNames() {
    return List.of("", "quo'te", "semi;colon");
  }

  @Override
  public List<String> badUserNames() {
    return List.of("", "quo'te", "semi;colon");
  }
}
