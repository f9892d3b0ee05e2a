package io.coffer.plugin.cassandra.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.plugin.kit.OsAccount;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassandraSettingsTest {
  @TempDir Path tmp;
  Path lib;

  /** A directory shaped like Cassandra's lib: the server jar and jamm (empty files suffice). */
  @BeforeEach
  void lib() throws IOException {
    lib = Files.createDirectories(tmp.resolve("lib"));
    Files.createFile(lib.resolve("cassandra-all-5.0.6.jar"));
    Files.createFile(lib.resolve("jamm-0.4.0.jar"));
  }

  private CassandraSettings settings(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>(Map.of("libDirs", lib.toString()));
    s.putAll(extra);
    return CassandraSettings.from(
        new DatastoreContext(
            "i1", tmp.resolve("data"), tmp.resolve("run"), "127.0.0.1", 19042, "", s),
        new OsAccount("coffer", false));
  }

  private static String fieldOf(Runnable r) {
    try {
      r.run();
    } catch (DatastoreException e) {
      assertThat(e.code()).isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
      return e.field();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void defaultsNameThisNodeAsSeedAndFindJamm() {
    CassandraSettings s = settings(Map.of("heapSize", "512M"));
    assertThat(s.seeds()).containsExactly("127.0.0.1:7000");
    assertThat(s.jamm()).isEqualTo(lib.resolve("jamm-0.4.0.jar"));
    assertThat(s.heapMegabytes()).isEqualTo(512);
    assertThat(s.datacenter()).isEqualTo("dc1");
    assertThat(s.serverUser()).isNull();
  }

  @Test
  void heapFollowsCassandraEnvWhenUnset() {
    assertThat(CassandraSettings.heap(null)).isBetween(512, 8192);
    assertThat(CassandraSettings.heap("2G")).isEqualTo(2048);
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() {
    assertThat(fieldOf(() -> settings(Map.of("heapSize", "lots"))))
        .isEqualTo("datastore.settings.heapSize");
    assertThat(fieldOf(() -> settings(Map.of("heapSize", "16M"))))
        .isEqualTo("datastore.settings.heapSize");
    assertThat(fieldOf(() -> settings(Map.of("seeds", "10.0.0.1"))))
        .isEqualTo("datastore.settings.seeds");
    assertThat(fieldOf(() -> settings(Map.of("seeds", "a:1,b:99999"))))
        .isEqualTo("datastore.settings.seeds");
    assertThat(fieldOf(() -> settings(Map.of("clusterName", "it's"))))
        .isEqualTo("datastore.settings.clusterName");
    assertThat(fieldOf(() -> settings(Map.of("storagePort", "19042"))))
        .isEqualTo("datastore.settings.storagePort/jmxPort");
    assertThat(fieldOf(() -> settings(Map.of("fastStart", "yes"))))
        .isEqualTo("datastore.settings.fastStart");
    assertThat(fieldOf(() -> settings(Map.of("color", "blue"))))
        .isEqualTo("datastore.settings.color");
  }

  @Test
  void aLibraryWithoutTheServerJarIsRefusedWithWhereToGetIt() throws IOException {
    Files.delete(lib.resolve("cassandra-all-5.0.6.jar"));
    assertThatThrownBy(() -> settings(Map.of()))
        .isInstanceOf(DatastoreException.class)
        .hasMessageContaining("no Cassandra server jar")
        .hasMessageContaining("libDirs");
  }
}
