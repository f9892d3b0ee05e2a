package io.coffer.tck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final JavaClasses TCK =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.coffer.tck");

  @Test
  void theTckNeverUsesAPluginsClasses() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.coffer.plugin..")
        .because("the TCK loads the plugin under test from its zip, as the agent does")
        .check(TCK);
  }

  @Test
  void theTcksPackagesFormNoCycle() {
    slices().matching("io.coffer.tck.(*)..").should().beFreeOfCycles().check(TCK);
  }
}
