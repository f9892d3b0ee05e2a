package io.coffer.plugin.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The OS account the agent runs as: whether it may switch users and chown directories. */
public record OsAccount(String name, boolean root) {

  public static OsAccount current() {
    String name = System.getProperty("user.name", "");
    boolean root;
    try {
      // /proc/self belongs to the effective uid of this process.
      root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      root = "root".equals(name);
    }
    return new OsAccount(name, root);
  }
}
