package io.coffer.agent;

import io.coffer.agent.channel.ControlChannel;
import io.coffer.agent.channel.NettyBuffers;
import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.identity.AgentKeyManager;
import io.coffer.agent.identity.KeyMaterial;
import io.coffer.agent.journal.JobJournal;
import io.coffer.agent.logging.AgentLogging;
import io.coffer.agent.plugin.PluginHost;
import io.coffer.proto.v1.Heartbeat;
import io.coffer.proto.v1.Hello;
import io.grpc.ManagedChannel;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import reactor.core.publisher.Flux;

/**
 * A training run for the agent's AppCDS archive, made when the agent is installed (the package's
 * post-install script runs it under {@code -XX:ArchiveClassesAtExit}) instead of on its first clean
 * exit: it goes through what an agent's start loads, with nothing to connect to and no server
 * started (the plugins in {@code PLUGINS_DIR} are loaded and their datastore managers made; a
 * journal is opened in a temporary directory; a key and a certification request are made; TLS is
 * set up and a connection to a closed local port is tried), then exits with 0.
 *
 * <p>Usage: {@code java -XX:ArchiveClassesAtExit=FILE -cp ... io.coffer.agent.ClassArchiveTraining
 * PLUGINS_DIR}
 */
public final class ClassArchiveTraining {
  private static final List<String> ENGINES = List.of("mysql", "postgresql", "redis");

  private ClassArchiveTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ClassArchiveTraining PLUGINS_DIR");
      System.exit(2);
    }
    AgentLogging.install();
    NettyBuffers.install();
    Path work = Files.createTempDirectory("coffer-cds-training");
    try {
      train(Path.of(args[0]), work);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0); // non-daemon gRPC threads must not keep the run alive
  }

  private static void train(Path pluginsDir, Path work) throws Exception {
    try (PluginHost plugins = PluginHost.load(pluginsDir)) {
      for (String engine : ENGINES) {
        try {
          plugins.datastore(engine);
        } catch (PluginHost.PluginException absent) {
          // an agent without this engine's plugin
        }
      }
    }
    try (JobJournal journal = JobJournal.open(work.resolve("state"))) {
      journal.unacknowledged();
    }
    KeyPair keys = KeyMaterial.newKeyPair();
    KeyMaterial.certificationRequest("training", keys);
    KeyMaterial material = new KeyMaterial(List.of(selfSigned(keys)), keys.getPrivate());
    Path ca = work.resolve("ca.pem");
    Files.writeString(ca, material.chainPem());
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    AgentConfig config =
        new AgentConfig(
            "training",
            new AgentConfig.Control(
                "127.0.0.1",
                closedPort,
                ca,
                work.resolve("agent.pem"),
                work.resolve("agent.key"),
                Duration.ofSeconds(1)),
            work.resolve("state"),
            pluginsDir,
            Duration.ofSeconds(1),
            new AgentConfig.Datastore(
                "redis", work.resolve("data"), work.resolve("run"), "127.0.0.1", 1, "", Map.of()),
            new AgentConfig.Backup("local", work.resolve("backups"), null));
    ManagedChannel channel = ControlChannel.dial(config, new AgentKeyManager(material)).join();
    try {
      channel.getState(true);
      Hello.newBuilder().setInstanceId("training").build().toByteArray();
      Heartbeat.newBuilder().setSequence(1).build().toByteArray();
      Flux.interval(Duration.ofMillis(10)).take(3).blockLast();
      Thread.sleep(500); // the connection attempt fails meanwhile
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static X509Certificate selfSigned(KeyPair keys) throws Exception {
    X500Principal name = new X500Principal("CN=training");
    Instant now = Instant.now();
    return new JcaX509CertificateConverter()
        .getCertificate(
            new JcaX509v3CertificateBuilder(
                    name,
                    BigInteger.ONE,
                    Date.from(now),
                    Date.from(now.plus(Duration.ofHours(1))),
                    name,
                    keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }
}
