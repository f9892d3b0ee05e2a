package io.coffer.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.spi.Capability;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import io.coffer.spi.database.Databases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoadingTest {

  @TempDir Path dir;

  @Test
  void aPluginBuiltForAnotherPluginApiIsRefusedWithWhatItRequires() throws Exception {
    Path plugin = Files.createDirectories(dir.resolve("old-engine"));
    Files.writeString(
        plugin.resolve("plugin.properties"),
        """
        plugin.id=old-engine
        plugin.version=0.9.0
        plugin.requires=>=0.1.0 & <1.0.0
        plugin.provider=someone
        """);
    try (PluginHost host = PluginHost.load(dir)) {
      assertThatThrownBy(() -> host.datastore("old"))
          .isInstanceOf(PluginHost.PluginException.class)
          .hasMessageContaining("old-engine 0.9.0 requires plugin API '>=0.1.0 & <1.0.0'")
          .hasMessageContaining("provides plugin API 1.0.0");
      assertThat(host.describe()).isEmpty();
    }
  }

  @Test
  void eachFacetMustBePresentExactlyWhenItsCapabilityIsDeclared() {
    Databases databases =
        new Databases() {
          @Override
          public List<Database> list() {
            return List.of();
          }

          @Override
          public void create(Database database) {}

          @Override
          public void delete(String name) {}
        };
    Facets.check(new Engine(Set.of(Capability.DATABASES), databases));
    assertThatThrownBy(
            () ->
                Facets.check(new Engine(Set.of(Capability.DATABASES, Capability.USERS), databases)))
        .hasMessageContaining("USERS is declared but its facet answers UNIMPLEMENTED");
    assertThatThrownBy(() -> Facets.check(new Engine(Set.of(), databases)))
        .hasMessageContaining("DATABASES has a facet but is not declared");
  }

  /** The smallest plugin: lifecycle only, plus a databases facet when given one. */
  private record Engine(Set<Capability> capabilities, Databases facet) implements DatastoreManager {
    @Override
    public String engine() {
      return "test";
    }

    @Override
    public Databases databases() {
      return facet == null ? DatastoreManager.super.databases() : facet;
    }

    @Override
    public void init(DatastoreContext context) {}

    @Override
    public void prepare() {}

    @Override
    public ProcessSpec serverProcess() {
      return null;
    }

    @Override
    public void awaitReady(Duration timeout) {}

    @Override
    public Probe probe() {
      return null;
    }

    @Override
    public String serverVersion() {
      return "";
    }
  }
}
