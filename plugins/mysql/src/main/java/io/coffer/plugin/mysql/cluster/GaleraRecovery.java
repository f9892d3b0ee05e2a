package io.coffer.plugin.mysql.cluster;

import io.coffer.plugin.kit.CommandRunner;
import io.coffer.plugin.mysql.Tools;
import io.coffer.plugin.mysql.server.ServerCommand;
import io.coffer.plugin.mysql.server.ServerSettings;
import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Before a member starts after a crash: finds the last transaction its InnoDB committed, so that it
 * rejoins by IST (the writesets it missed, from a donor's gcache) instead of a full SST. A member
 * that stopped cleanly records its position in {@code grastate.dat}; one that crashed leaves {@code
 * seqno: -1} there, and only {@code mariadbd --wsrep-recover} can read the position back from
 * InnoDB. The position goes into the option file as {@code wsrep_start_position} for that one
 * start, which is what MariaDB's own service wrapper (galera_recovery) does (<a
 * href="https://mariadb.com/kb/en/galera-cluster-recovery/">Galera cluster recovery</a>).
 */
public final class GaleraRecovery {
  private static final Pattern RECOVERED =
      Pattern.compile("WSREP: Recovered position: ([0-9a-f-]{36}:-?[0-9]+)");
  private static final Pattern UNKNOWN_SEQNO = Pattern.compile("(?m)^seqno:\\s*-1\\s*$");
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private final ServerSettings settings;
  private final GaleraOptionFile options;

  public GaleraRecovery(ServerSettings settings, GaleraOptionFile options) {
    this.settings = settings;
    this.options = options;
  }

  /**
   * A node's saved state ({@code grastate.dat}): the cluster's state UUID, the last seqno committed
   * (-1 after a crash, or while running) and {@code safe_to_bootstrap}.
   */
  record SavedState(String uuid, long seqno, boolean safeToBootstrap) {}

  private static final Pattern UUID_LINE = Pattern.compile("(?m)^uuid:\\s*([0-9a-f-]{36})\\s*$");
  private static final Pattern SEQNO_LINE = Pattern.compile("(?m)^seqno:\\s*(-?[0-9]+)\\s*$");
  private static final Pattern SAFE_LINE =
      Pattern.compile("(?m)^safe_to_bootstrap:\\s*([01])\\s*$");

  /** The saved state; a missing or unreadable file reads as no history. */
  SavedState saved() {
    Path state = settings.dataDir().resolve("grastate.dat");
    try {
      String text = Files.exists(state) ? Files.readString(state, StandardCharsets.UTF_8) : "";
      Matcher uuid = UUID_LINE.matcher(text);
      Matcher seqno = SEQNO_LINE.matcher(text);
      Matcher safe = SAFE_LINE.matcher(text);
      return new SavedState(
          uuid.find() ? uuid.group(1) : "",
          seqno.find() ? Long.parseLong(seqno.group(1)) : -1,
          safe.find() && safe.group(1).equals("1"));
    } catch (IOException e) {
      throw DatastoreException.internal("cannot read " + state + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where this stopped member stands: the saved state, or after a crash ({@code seqno: -1}) the
   * position {@code --wsrep-recover} reads from InnoDB (kept in the option file for the next start,
   * as {@link #beforeStart} does). The server must be down.
   */
  SavedState position() {
    SavedState saved = saved();
    if (saved.seqno() >= 0) {
      return saved;
    }
    String kept = options.read().get(GaleraOptionFile.START_POSITION);
    Optional<String> position = kept != null ? Optional.of(kept) : recover();
    position.ifPresent(p -> options.set(GaleraOptionFile.START_POSITION, p));
    if (position.isEmpty()) {
      return saved;
    }
    int colon = position.get().lastIndexOf(':');
    return new SavedState(
        position.get().substring(0, colon),
        Long.parseLong(position.get().substring(colon + 1)),
        saved.safeToBootstrap());
  }

  /**
   * Marks this node as the one to bootstrap the cluster from: {@code safe_to_bootstrap: 1}, which
   * mariadbd requires before {@code wsrep-new-cluster} on a node that did not leave last.
   */
  void markSafeToBootstrap() {
    Path state = settings.dataDir().resolve("grastate.dat");
    try {
      if (!Files.exists(state)) {
        return; // no saved state: nothing stops a bootstrap
      }
      String text = Files.readString(state, StandardCharsets.UTF_8);
      String marked =
          SAFE_LINE.matcher(text).find()
              ? SAFE_LINE.matcher(text).replaceAll("safe_to_bootstrap: 1")
              : text + (text.endsWith("\n") ? "" : "\n") + "safe_to_bootstrap: 1\n";
      Path temp = state.resolveSibling("grastate.dat.coffer");
      Files.writeString(temp, marked, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(state));
      Files.setOwner(temp, Files.getOwner(state));
      Files.move(temp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot mark " + state + " safe to bootstrap: " + e.getMessage(), e);
    }
  }

  /**
   * Runs before every start; does nothing for a server running alone or a member that stopped
   * cleanly.
   */
  public void beforeStart() {
    if (!options.member()
        || options.read().containsKey(GaleraOptionFile.START_POSITION)
        || !crashed()) {
      return;
    }
    recover().ifPresent(position -> options.set(GaleraOptionFile.START_POSITION, position));
  }

  private boolean crashed() {
    Path state = settings.dataDir().resolve("grastate.dat");
    try {
      return Files.exists(state)
          && UNKNOWN_SEQNO.matcher(Files.readString(state, StandardCharsets.UTF_8)).find();
    } catch (IOException e) {
      return false; // mariadbd reports an unreadable state file itself
    }
  }

  private Optional<String> recover() {
    Path log = settings.runDir().resolve("wsrep-recover.log");
    List<String> command = new ArrayList<>(ServerCommand.spec(settings).command());
    command.removeIf(a -> a.startsWith("--log-error="));
    command.add("--log-error=" + log);
    command.add("--wsrep-recover");
    try {
      Files.deleteIfExists(log);
      CommandRunner.Result r = CommandRunner.run(command, settings.dataDir(), TIMEOUT, Tools.ENV);
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Matcher m = RECOVERED.matcher(text + "\n" + r.outputTail());
      String position = null;
      while (m.find()) {
        position = m.group(1);
      }
      if (r.exitCode() != 0 || position == null) {
        throw DatastoreException.internal(
            "mariadbd --wsrep-recover found no position (exit " + r.exitCode() + "); see " + log,
            null);
      }
      // seqno -1: nothing committed through Galera yet; the node asks for a full state transfer
      return position.endsWith(":-1") ? Optional.empty() : Optional.of(position);
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot run mariadbd --wsrep-recover: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DatastoreException.unavailable("interrupted while recovering the Galera position", e);
    }
  }
}
