package io.coffer.agent.ha;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * What the agent must remember of its group across restarts, in {@code stateDir/ha-term}: the
 * newest term it has seen, and whether it fenced its server itself (its lease ran out, or it was
 * deposed) in that term, and whether it held a lease (then it starts without one: fenced until the
 * control grants the next). One line, {@code <term> <fenced> <deposed> <leased>}, written to a
 * temporary file, fsynced and renamed into place.
 */
final class TermFile {
  record State(long term, boolean fenced, boolean deposed, boolean leased) {
    static final State NONE = new State(0, false, false, false);
  }

  private final Path file;

  TermFile(Path stateDir) {
    this.file = stateDir.resolve("ha-term");
  }

  State read() {
    try {
      if (!Files.exists(file)) {
        return State.NONE;
      }
      String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
      return new State(
          Long.parseLong(parts[0]),
          parts.length > 1 && parts[1].equals("fenced"),
          parts.length > 2 && parts[2].equals("deposed"),
          parts.length > 3 && parts[3].equals("leased"));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  void write(State s) {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    byte[] line =
        (s.term()
                + " "
                + (s.fenced() ? "fenced" : "open")
                + " "
                + (s.deposed() ? "deposed" : "member")
                + " "
                + (s.leased() ? "leased" : "unleased")
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(line));
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + temp, e);
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace " + file, e);
    }
  }
}
