package io.coffer.plugin.cassandra.server;

import io.coffer.spi.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Cassandra JVM the runtime supervises: {@code java} with the plugin's options, Cassandra's
 * jars as the class path and {@code CassandraDaemon} in the foreground (what {@code bin/cassandra
 * -f} runs, without its shell scripts).
 *
 * <p>On SIGTERM Cassandra's shutdown hook drains the node as {@code nodetool drain} does: it stops
 * the native transport, announces the shutdown to the other nodes, flushes every memtable and stops
 * the commit log, so the next start replays nothing. That takes a few seconds, longer with large
 * memtables: the runtime waits up to {@link #STOP_TIMEOUT} before SIGKILL.
 */
public final class ServerCommand {
  static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);
  static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";

  private ServerCommand() {}

  public static ProcessSpec spec(CassandraSettings s) {
    List<String> command = new ArrayList<>();
    command.add(s.java().toString());
    command.addAll(JvmOptions.of(s));
    command.add("-cp");
    command.add(classPath(s.libDirs()));
    command.add(MAIN_CLASS);
    return new ProcessSpec(
        s.asServerUser(command), Map.of(), s.dataDir(), s.outputLog(), STOP_TIMEOUT, s.pidFile());
  }

  /** Every jar of each directory, in order (the JVM expands {@code dir/*}). */
  static String classPath(List<Path> dirs) {
    return dirs.stream().map(d -> d.resolve("*").toString()).collect(Collectors.joining(":"));
  }
}
