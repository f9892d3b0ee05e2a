package io.coffer.plugin.kit.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The layering every plugin keeps, for each plugin's own architecture test: it depends on the SPI
 * and the plugin-kit only, never on the agent, the control, the wire protocol or another plugin,
 * and its packages form no cycle.
 */
public final class PluginArchitecture {
  private PluginArchitecture() {}

  /**
   * @param pluginPackage e.g. {@code io.coffer.plugin.mysql}
   */
  public static void check(String pluginPackage) {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(pluginPackage);
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.coffer.agent..",
            "io.coffer.control..",
            "io.coffer.proto..",
            "io.coffer.durability..")
        .because("a plugin sees the agent through the SPI only")
        .check(classes);
    noClasses()
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "belong to another plugin",
                c ->
                    c.getPackageName().startsWith("io.coffer.plugin.")
                        && !c.getPackageName().startsWith("io.coffer.plugin.kit")
                        && !c.getPackageName().startsWith(pluginPackage)))
        .check(classes);
    slices().matching(pluginPackage + ".(*)..").should().beFreeOfCycles().check(classes);
  }
}
