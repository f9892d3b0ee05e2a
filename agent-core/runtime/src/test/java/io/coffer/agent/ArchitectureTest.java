package io.coffer.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final JavaClasses AGENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coffer.agent");

  @Test
  void theAgentNeverReachesIntoTheControlOrAPlugin() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.coffer.control..", "io.coffer.plugin..")
        .because("the agent meets the control over gRPC and plugins through the SPI")
        .check(AGENT);
  }

  @Test
  void theAgentsPackagesFormNoCycle() {
    slices().matching("io.coffer.agent.(*)..").should().beFreeOfCycles().check(AGENT);
  }
}
