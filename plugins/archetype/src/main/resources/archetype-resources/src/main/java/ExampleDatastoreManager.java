package ${package};

import ${package}.server.ExampleServer;
import io.coffer.spi.Capability;
import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Probe;
import io.coffer.spi.ProcessSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The ${engine} datastore: what the Coffer agent drives. This skeleton runs a stand-in server
 * ({@link ExampleServer}, a line protocol on TCP) so that the lifecycle works end to end; replace it
 * with your engine's process, then add capabilities one facet at a time:
 *
 * <ol>
 *   <li>implement a facet ({@code databases()}, {@code users()}, {@code root()}, {@code backup()},
 *       {@code replication()}, {@code configuration()}, {@code cluster()});
 *   <li>declare its capability in {@code capabilities()} (the agent refuses a plugin whose facets
 *       and declared capabilities disagree);
 *   <li>give the TCK what it needs for that suite in {@code ExampleProvider} and run
 *       {@code ./mvnw verify}: the suite now runs instead of reporting "not declared".
 * </ol>
 *
 * <p>Contracts (see the SPI's docstrings): methods may block and are never called concurrently
 * with {@code prepare()} or {@code awaitReady()}; a mutating method runs once per command id; bad
 * input is refused with {@link DatastoreException} INVALID_ARGUMENT naming the field before
 * anything changes.
 */
@Extension
public final class ExampleDatastoreManager implements DatastoreManager {
  private DatastoreContext context;

  @Override
  public String engine() {
    return "${engine}";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(); // the lifecycle only, for now
  }

  @Override
  public void init(DatastoreContext context) {
    if (context.port() <= 0 || context.port() > 65535) {
      throw DatastoreException.invalidArgument("datastore.port", "must be 1..65535, not " + context.port());
    }
    this.context = context;
  }

  @Override
  public void prepare() {
    try {
      Files.createDirectories(context.dataDir());
      Files.createDirectories(context.runDir());
    } catch (IOException e) {
      throw DatastoreException.internal("cannot create " + context.dataDir(), e);
    }
  }

  @Override
  public ProcessSpec serverProcess() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessSpec(List.of(java, "-Xmx16m", "-cp", ownJar(), ExampleServer.class.getName(),
        context.bindAddress(), Integer.toString(context.port())), Map.of(), context.dataDir(),
        context.runDir().resolve("server.log"), Duration.ofSeconds(10));
  }

  @Override
  public void awaitReady(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    while (System.nanoTime() < end) {
      try {
        if ("PONG".equals(ask("PING"))) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw DatastoreException.unavailable("the server did not answer on port " + context.port() + " within " + timeout, last);
  }

  @Override
  public Probe probe() {
    try {
      return "PONG".equals(ask("PING"))
          ? new Probe(Probe.Health.HEALTHY, Probe.Role.STANDALONE, "answers", Map.of())
          : Probe.unhealthy("unexpected answer");
    } catch (IOException e) {
      return Probe.unhealthy("not answering: " + e.getMessage());
    }
  }

  @Override
  public String serverVersion() {
    try {
      return ask("VERSION");
    } catch (IOException e) {
      return "";
    }
  }

  /** One request line, one answer line; a second at most, as probes must be quick. */
  private String ask(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(context.bindAddress(), context.port()), 1000);
      s.setSoTimeout(1000);
      PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.println(request);
      return in.readLine();
    }
  }

  /** This plugin's jar, as PF4J unpacked it: the stand-in server runs from it. */
  private static String ownJar() {
    try {
      return Path.of(ExampleServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw DatastoreException.internal("cannot locate the plugin's jar", e);
    }
  }
}
