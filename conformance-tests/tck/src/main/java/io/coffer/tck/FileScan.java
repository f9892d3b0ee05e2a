package io.coffer.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks for a secret in the raw bytes of every regular file under a directory (data files, binary
 * logs, WAL, journals, logs, backups), streaming each file so that large data files cost no memory.
 * A file that vanishes while being read (a rotated log) is skipped.
 */
public final class FileScan {
  private static final int CHUNK = 1 << 20;

  private FileScan() {}

  /**
   * The files under {@code root} whose bytes contain any of {@code secrets} (UTF-8), with the
   * secret found.
   */
  public static List<String> filesHolding(Path root, List<String> secrets) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        for (String secret : secrets) {
          if (contains(file, secret.getBytes(StandardCharsets.UTF_8))) {
            found.add(file + " holds " + secret);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  private static boolean contains(Path file, byte[] needle) {
    byte[] buffer = new byte[CHUNK + needle.length];
    int kept = 0;
    try (InputStream in = Files.newInputStream(file)) {
      while (true) {
        int n = in.readNBytes(buffer, kept, CHUNK);
        if (n <= 0) {
          return false;
        }
        int end = kept + n;
        if (indexOf(buffer, end, needle)) {
          return true;
        }
        kept = Math.min(needle.length - 1, end);
        System.arraycopy(buffer, end - kept, buffer, 0, kept);
      }
    } catch (IOException e) {
      return false; // gone or unreadable (e.g. a socket's leftovers): nothing to hold
    }
  }

  private static boolean indexOf(byte[] hay, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
