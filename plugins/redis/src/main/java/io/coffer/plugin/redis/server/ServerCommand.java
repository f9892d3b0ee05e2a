package io.coffer.plugin.redis.server;

import io.coffer.spi.ProcessSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The redis-server command line the runtime supervises. Everything the agent relies on is a
 * command-line option, which Redis applies after the configuration file (<a
 * href="https://redis.io/docs/latest/operate/oss_and_stack/management/config/">Redis
 * configuration</a>: "passing arguments via the command line"), so neither {@code CONFIG REWRITE}
 * nor a restored file can move the server to another port, directory or ACL file.
 *
 * <p>On SIGTERM Redis saves an RDB snapshot when save points are configured and exits; a clean
 * shutdown of a large dataset takes as long as that save.
 */
public final class ServerCommand {
  static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

  private ServerCommand() {}

  public static ProcessSpec spec(RedisSettings s) {
    List<String> command = new ArrayList<>();
    command.add(s.program().toString());
    command.add(s.configFile().toString());
    option(command, "port", Integer.toString(s.port()));
    if (s.bindAddress().equals("*")) {
      command.addAll(
          List.of("--bind", "*", "-::*")); // every IPv4 address, and IPv6 where available
    } else {
      option(command, "bind", s.bindAddress());
    }
    // clients must authenticate (the default user is off), so protected mode adds nothing
    option(command, "protected-mode", "no");
    option(command, "dir", s.dataDir().toString());
    option(command, "dbfilename", "dump.rdb");
    option(command, "appenddirname", "appendonlydir");
    option(command, "aclfile", s.aclFile().toString());
    option(command, "daemonize", "no");
    option(command, "supervised", "no");
    // the runtime appends stdout to the output log
    option(command, "logfile", "");
    option(command, "pidfile", s.pidFile().toString());
    // a replica notices a silent primary within 5 s (the primary pings every second), not the
    // default 60: the control asks the replicas whether they still receive from a primary it lost
    // (https://redis.io/docs/latest/operate/oss_and_stack/management/replication/, repl-timeout)
    option(command, "repl-ping-replica-period", "1");
    option(command, "repl-timeout", "5");
    if (s.cluster()) {
      option(command, "cluster-enabled", "yes");
      option(command, "cluster-config-file", s.nodesFile().toString());
      option(command, "cluster-node-timeout", "5000");
    }
    return new ProcessSpec(
        s.asServerUser(command), Map.of(), s.dataDir(), s.outputLog(), STOP_TIMEOUT, s.pidFile());
  }

  private static void option(List<String> command, String name, String value) {
    command.add("--" + name);
    command.add(value);
  }
}
