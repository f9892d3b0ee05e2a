package io.coffer.plugin.cassandra;

import io.coffer.plugin.kit.testing.PluginArchitecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void thePluginDependsOnTheSpiAndThePluginKitOnlyAndItsPackagesFormNoCycle() {
    PluginArchitecture.check("io.coffer.plugin.cassandra");
  }
}
