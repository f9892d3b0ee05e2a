package io.coffer.plugin.postgresql.replication;

import static io.coffer.plugin.postgresql.naming.SqlIdentifiers.literal;

import io.coffer.plugin.kit.CommandRunner;
import io.coffer.plugin.postgresql.Tools;
import io.coffer.plugin.postgresql.server.ServerSettings;
import io.coffer.plugin.postgresql.server.StandbySignal;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.backup.ServerControl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a primary that lost its role (a failed primary that came back after a failover, and may
 * have written WAL its successor never got) into a standby of the new primary with <a
 * href="https://www.postgresql.org/docs/15/app-pgrewind.html">pg_rewind</a>: the server is stopped,
 * pg_rewind copies from the source every block that changed since the timelines forked (the data
 * directory has data checksums, which pg_rewind needs, since initdb), and the server starts as a
 * standby streaming from the source with its slot. Its own writes after the fork are discarded:
 * they were never on the new primary.
 *
 * <p>pg_rewind connects as the replication role, which the source grants the four functions it
 * needs ({@link #GRANTS}): a role that may stream the whole data directory (REPLICATION) learns
 * nothing new from them. The password goes in {@code PGPASSWORD}, never on a command line.
 */
final class Rewind {
  private static final Logger log = LoggerFactory.getLogger(Rewind.class);
  private static final Duration REWIND = Duration.ofHours(6);
  private static final Duration START = Duration.ofMinutes(10);

  /** What pg_rewind needs on the source when it is not a superuser (its documentation's list). */
  static final List<String> GRANTS =
      List.of(
          "pg_catalog.pg_ls_dir(text, boolean, boolean)",
          "pg_catalog.pg_stat_file(text, boolean)",
          "pg_catalog.pg_read_binary_file(text)",
          "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)");

  private Rewind() {}

  /**
   * pg_rewind reads the source's timeline from its control file, which a promoted server updates
   * only at its next checkpoint; right after a promotion it would pick the wrong common ancestor.
   * So the source checkpoints first, as pg_rewind's documentation asks. The replication role is a
   * NOINHERIT member of pg_checkpoint, so it takes that role for this statement only.
   */
  private static void checkpointSource(SourceConnection source) {
    try (Connection c = source.connect();
        Statement s = c.createStatement()) {
      s.execute("SET ROLE pg_checkpoint");
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      throw DatastoreException.unavailable(
          "cannot make the source "
              + source.host()
              + ":"
              + source.port()
              + " checkpoint before pg_rewind: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * With this server running as a primary (or a fenced one): stops it, rewinds it to {@code
   * source}'s timeline and starts it as a standby of {@code source} that streams through {@code
   * slot}.
   */
  static void toStandbyOf(
      ServerSettings settings, SourceConnection source, String slot, ServerControl server) {
    log.info("Rejoin: rewinding this former primary to follow {}:{}", source.host(), source.port());
    checkpointSource(source);
    server.stop();
    try {
      List<String> command =
          settings.asServerUser(
              List.of(
                  settings.program("pg_rewind").toString(),
                  "--target-pgdata=" + settings.dataDir(),
                  "--source-server=host="
                      + source.host()
                      + " port="
                      + source.port()
                      + " user="
                      + SourceConnection.USER
                      + " dbname=postgres connect_timeout=10"));
      CommandRunner.Result result =
          CommandRunner.run(
              command,
              settings.runDir(),
              REWIND,
              Tools.ENV.with("PGPASSWORD", source.password().reveal()));
      if (result.exitCode() != 0) {
        throw DatastoreException.internal(
            "pg_rewind failed (exit " + result.exitCode() + "):\n" + result.outputTail(), null);
      }
      log.info("pg_rewind: {}", result.outputTail().strip().replace('\n', ';'));
      // pg_rewind copied the source's postgresql.auto.conf: say where to stream from before the
      // start,
      // since a rewound standby accepts no connection until it has replayed up to the source's
      // position
      Files.writeString(
          settings.dataDir().resolve("postgresql.auto.conf"),
          "\n# Coffer rejoin\n"
              + "primary_conninfo = "
              + literal(source.conninfo(slot))
              + "\n"
              + "primary_slot_name = "
              + literal(slot)
              + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
      StandbySignal.create(settings);
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot rewind " + settings.dataDir() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DatastoreException.internal("interrupted while rewinding", e);
    } finally {
      server.start(
          START); // rewound as a standby, or, when the rewind failed before changing it, as it was
    }
    log.info("Rejoin: rewound; streaming from {}:{}", source.host(), source.port());
  }
}
