package io.coffer.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code coffer --version}: the version Maven recorded in the jar, and the Java runtime. */
final class VersionProvider implements IVersionProvider {

  static String version() {
    try (InputStream in =
        VersionProvider.class.getResourceAsStream(
            "/META-INF/maven/io.coffer/coffer-control/pom.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version", "unknown");
      }
    } catch (IOException ignored) {
      // fall through
    }
    String implementation = VersionProvider.class.getPackage().getImplementationVersion();
    return implementation != null ? implementation : "development build";
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "coffer " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
    };
  }
}
