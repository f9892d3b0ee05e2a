package io.coffer.plugin.cassandra.server;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options Cassandra runs with: the heap, G1, and the module access Cassandra needs on Java
 * 17 (the {@code --add-exports}/{@code --add-opens} set of Cassandra 5.0's {@code
 * conf/jvm17-server.options}; without them the server stops at start with "unable to access
 * required classes"), then the system properties that point it at the files the plugin renders.
 */
final class JvmOptions {
  /** Packages Cassandra reaches into on Java 17, as its own jvm17-server.options lists them. */
  private static final List<String> EXPORTS =
      List.of(
          "java.base/jdk.internal.misc",
          "java.management.rmi/com.sun.jmx.remote.internal.rmi",
          "java.rmi/sun.rmi.registry",
          "java.rmi/sun.rmi.server",
          "java.sql/java.sql",
          "java.base/java.lang.ref",
          "jdk.unsupported/sun.misc",
          "jdk.compiler/com.sun.tools.javac.file",
          "jdk.attach/sun.tools.attach");

  private static final List<String> OPENS =
      List.of(
          "java.base/java.lang.module",
          "java.base/jdk.internal.loader",
          "java.base/jdk.internal.ref",
          "java.base/jdk.internal.reflect",
          "java.base/jdk.internal.math",
          "java.base/jdk.internal.module",
          "java.base/jdk.internal.util.jar",
          "jdk.management/com.sun.management.internal",
          "java.base/sun.nio.ch",
          "java.base/java.io",
          "java.base/java.lang.reflect",
          "jdk.compiler/com.sun.tools.javac",
          "java.base/java.lang",
          "java.base/java.util");

  private JvmOptions() {}

  static List<String> of(CassandraSettings s) {
    List<String> o = new ArrayList<>();
    o.add("-Xms" + s.heapMegabytes() + "M");
    o.add("-Xmx" + s.heapMegabytes() + "M");
    o.add("-XX:+UseG1GC");
    o.add("-XX:+ParallelRefProcEnabled");
    o.add("-XX:MaxGCPauseMillis=300");
    o.add("-XX:+AlwaysPreTouch");
    // a server that ran out of memory may have lost writes in flight: stop, and be restarted
    o.add("-XX:+ExitOnOutOfMemoryError");
    o.add("-Xss256k");
    o.add("-Djdk.attach.allowAttachSelf=true");
    EXPORTS.forEach(p -> o.add("--add-exports=" + p + "=ALL-UNNAMED"));
    OPENS.forEach(p -> o.add("--add-opens=" + p + "=ALL-UNNAMED"));
    o.add("-Dio.netty.tryReflectionSetAccessible=true");
    // jamm measures object sizes for memtable accounting
    o.add("-javaagent:" + s.jamm());
    o.add("-Dcassandra.config=" + s.configFile().toUri());
    o.add("-Dcassandra-rackdc.properties=" + s.rackDcFile().toUri());
    o.add("-Dlogback.configurationFile=" + s.logbackFile());
    o.add("-Dcassandra.logdir=" + s.logDir());
    o.add("-Dcassandra.storagedir=" + s.dataDir());
    o.add("-Dcassandra.triggers_dir=" + s.dataDir().resolve("triggers"));
    // JMX on loopback only, without authentication: for the agent (and nodetool) on this host
    o.add("-Dcassandra.jmx.local.port=" + s.jmxPort());
    o.add("-Dcassandra-pidfile=" + s.pidFile());
    o.add("-Dcassandra-foreground=yes");
    if (s.fastStart()) {
      o.add("-Dcassandra.ring_delay_ms=1000");
      o.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
      o.add("-Dcassandra.superuser_setup_delay_ms=0");
    }
    return o;
  }
}
