package io.coffer.plugin.mysql;

import io.coffer.plugin.kit.testing.PluginArchitecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void thePluginDependsOnTheSpiAndThePluginKitOnlyAndItsPackagesFormNoCycle() {
    PluginArchitecture.check("io.coffer.plugin.mysql");
  }
}
