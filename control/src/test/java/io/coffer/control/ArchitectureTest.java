package io.coffer.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final JavaClasses CONTROL =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coffer.control");

  @Test
  void theControlNeverReachesIntoTheAgentOrAPlugin() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.coffer.agent..", "io.coffer.plugin..", "io.coffer.spi..")
        .because("the control meets agents over gRPC only")
        .check(CONTROL);
  }

  @Test
  void theControlsPackagesFormNoCycle() {
    slices().matching("io.coffer.control.(*)..").should().beFreeOfCycles().check(CONTROL);
  }
}
