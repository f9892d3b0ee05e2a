package io.coffer.plugin.kit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines a tool printed, for error messages. Bounded in lines and in line length, so a tool
 * that prints megabytes (or one very long line of garbage) costs a few kilobytes.
 */
public final class OutputTail {

  static final int MAX_LINES = 30;
  static final int MAX_LINE_BYTES = 500;

  private final Deque<String> lines = new ArrayDeque<>();
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();
  private boolean currentTruncated;

  /** Reads {@code in} to its end on the calling thread; a read error ends it quietly. */
  public void drain(InputStream in) {
    byte[] buffer = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        append(buffer, n);
      }
    } catch (IOException e) {
      // the tool is gone (or was killed); keep what was read
    }
  }

  private synchronized void append(byte[] buffer, int n) {
    for (int i = 0; i < n; i++) {
      byte b = buffer[i];
      if (b == '\n') {
        endLine();
      } else if (current.size() < MAX_LINE_BYTES) {
        current.write(b);
      } else {
        currentTruncated = true;
      }
    }
  }

  private void endLine() {
    lines.addLast(current.toString(StandardCharsets.UTF_8) + (currentTruncated ? " [...]" : ""));
    current.reset();
    currentTruncated = false;
    if (lines.size() > MAX_LINES) {
      lines.removeFirst();
    }
  }

  /** The lines kept so far, the unfinished last one included. */
  public synchronized String text() {
    StringBuilder out = new StringBuilder(String.join("\n", lines));
    if (current.size() > 0) {
      out.append(out.length() > 0 ? "\n" : "").append(current.toString(StandardCharsets.UTF_8));
    }
    return out.toString();
  }
}
