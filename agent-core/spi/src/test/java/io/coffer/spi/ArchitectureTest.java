package io.coffer.spi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void theSpiUsesJdkTypesAndPf4jOnly() {
    JavaClasses spi =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.coffer.spi");
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.coffer.spi..", "java..", "org.pf4j..")
        .because("a plugin author compiles against plain blocking Java: no gRPC, no Reactor")
        .check(spi);
  }
}
