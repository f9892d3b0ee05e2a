package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.plugin.kit.testing.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The plugin archetype as a plugin author meets it, in real Maven processes: {@code
 * archetype:generate} makes a project, {@code verify} builds its PF4J zip and runs the TCK against
 * it (a real control, a real agent that loads the zip, the stand-in server it supervises), and the
 * TCK's capability report says the lifecycle passed and every capability the skeleton leaves out is
 * "not declared".
 *
 * <p>Needs the archetype and the artifacts the project builds against in the local repository:
 * {@code ./mvnw install} (bin/test) installs them before this module's tests run.
 */
class PluginArchetypeTest {
  private static final String ENGINE = "quill";

  @Test
  void aGeneratedProjectBuildsAZipThatLoadsIntoARealAgentAndPassesTheTck() throws Exception {
    Path repo = Path.of(System.getProperty("coffer.repo", "../.."));
    String version = System.getProperty("coffer.version", "0.1.0-SNAPSHOT");
    Path m2 =
        Path.of(
            System.getProperty("coffer.m2", System.getProperty("user.home") + "/.m2/repository"));
    Prerequisites.require(
        Files.isDirectory(m2.resolve("io/coffer/coffer-plugin-archetype/" + version))
            && Files.isDirectory(m2.resolve("io/coffer/coffer-tck/" + version)),
        "the archetype and the TCK are not installed in "
            + m2
            + " (run ./mvnw install, as bin/test does)");
    Path work =
        Files.createTempDirectory(
            "coffer-archetype",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    maven(
        repo,
        work,
        work.resolve("generate.log"),
        "archetype:generate",
        "-DinteractiveMode=false",
        "-DarchetypeGroupId=io.coffer",
        "-DarchetypeArtifactId=coffer-plugin-archetype",
        "-DarchetypeVersion=" + version,
        "-DgroupId=org.example.quill",
        "-DartifactId=quill-plugin",
        "-Dversion=1.0.0-SNAPSHOT",
        "-Dpackage=org.example.quill",
        "-Dengine=" + ENGINE);
    Path project = work.resolve("quill-plugin");
    assertThat(project.resolve("src/main/java/org/example/quill/ExampleDatastoreManager.java"))
        .exists();

    maven(
        repo,
        work,
        work.resolve("verify.log"),
        "-f",
        project.resolve("pom.xml").toString(),
        "verify");

    // the zip holds the plugin's own jar and plugin-kit; the SPI and PF4J come from the agent
    try (ZipFile zip = new ZipFile(project.resolve("target/plugins/" + ENGINE + ".zip").toFile())) {
      List<String> entries =
          zip.stream().map(ZipEntry::getName).filter(n -> !n.endsWith("/")).toList();
      assertThat(entries)
          .containsExactlyInAnyOrder(
              "plugin.properties",
              "lib/quill-plugin-1.0.0-SNAPSHOT.jar",
              "lib/coffer-plugin-kit-" + version + ".jar");
    }
    List<String> report =
        Files.readAllLines(project.resolve("target/coffer-tck/" + ENGINE + ".txt"));
    assertThat(report.get(0)).isEqualTo("Coffer TCK report for the " + ENGINE + " plugin");
    assertThat(report)
        .anySatisfy(l -> assertThat(l).matches("\\s+lifecycle\\s+PASSED\\s+[1-9]\\d* passed"));
    for (String area :
        List.of(
            "databases",
            "users",
            "root",
            "configuration",
            "backup",
            "point-in-time",
            "replication",
            "cluster")) {
      assertThat(report)
          .as(area)
          .anySatisfy(l -> assertThat(l).matches("\\s+" + area + "\\s+NOT DECLARED"));
    }
    assertThat(Files.readString(work.resolve("verify.log")))
        .contains("Coffer TCK report for the " + ENGINE + " plugin");
    // the agent loaded the zip with PF4J (not from the class path) and the suites said why they
    // skipped
    String basics =
        Files.readString(
            project.resolve("target/failsafe-reports/TEST-io.coffer.tck.PluginTck$Basics.xml"));
    assertThat(basics)
        .containsPattern(
            "<testcase name=\"pluginIsLoadedByPf4jFromThePluginsDirectoryNotTheClasspath\"[^>]*/>")
        .containsPattern(
            "<testcase name=\"instanceIsConnectedHealthyAndReportsItsDatastore\"[^>]*/>")
        .contains("<skipped message=\"users: not declared by the " + ENGINE + " plugin\"/>");
  }

  /**
   * Runs this repository's Maven wrapper with the same local repository; fails with the log's tail.
   */
  private static void maven(Path repo, Path dir, Path log, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                repo.resolve("mvnw").toString(),
                "-B",
                "-Dmaven.repo.local="
                    + System.getProperty(
                        "coffer.m2", System.getProperty("user.home") + "/.m2/repository")));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = p.waitFor(10, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(ended && p.exitValue() == 0)
        .as(
            "%s ended with %s:%n%s",
            String.join(" ", args),
            ended ? p.exitValue() : "a timeout",
            String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())))
        .isTrue();
  }
}
