package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.coffer.control.cli.CofferCli;
import io.coffer.control.events.WebhookSignature;
import io.coffer.proto.v1.AddWebhookRequest;
import io.coffer.proto.v1.AgentEvent;
import io.coffer.proto.v1.AgentFrame;
import io.coffer.proto.v1.DeleteWebhookRequest;
import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.ListWebhooksRequest;
import io.coffer.proto.v1.WatchEventsRequest;
import io.coffer.proto.v1.Webhook;
import io.coffer.proto.v1.WebhookServiceGrpc;
import io.coffer.tck.FileScan;
import io.coffer.tck.Testbed;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Notices end to end: events an agent reports and the control notices are journaled with a
 * sequence, watched from any sequence (also after a control restart, with no gap and nothing
 * twice), and pushed to webhook receivers (real HTTP servers in this test) with valid signatures,
 * at least once, after retries when a receiver fails.
 */
class EventsAndWebhooksTest {
  private static final String SECRET_A = "whsec-A-0123456789abcdef";
  private static final String SECRET_B = "whsec-B-fedcba9876543210";
  private static final Pattern SIGNATURE = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");

  @TempDir Path dir;
  Testbed bed;
  HttpServer receiver;
  final List<Received> all = new CopyOnWriteArrayList<>();
  final List<Received> storage = new CopyOnWriteArrayList<>();
  final AtomicInteger refusals = new AtomicInteger(3);

  record Received(String eventId, String kind, String body, boolean signatureValid) {}

  @BeforeEach
  void start() throws Exception {
    bed = Testbed.start(dir);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/all",
        exchange -> {
          all.add(
              received(
                  exchange.getRequestHeaders().getFirst("Coffer-Event-Id"),
                  exchange.getRequestHeaders().getFirst("Coffer-Event-Kind"),
                  exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                  exchange.getRequestBody().readAllBytes(),
                  SECRET_A));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.createContext(
        "/flaky",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          if (refusals.getAndDecrement() > 0) {
            exchange.sendResponseHeaders(503, -1); // fails three times, then takes it
          } else {
            storage.add(
                received(
                    exchange.getRequestHeaders().getFirst("Coffer-Event-Id"),
                    exchange.getRequestHeaders().getFirst("Coffer-Event-Kind"),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    body,
                    SECRET_B));
            exchange.sendResponseHeaders(200, -1);
          }
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
    bed.close();
  }

  private static Received received(
      String id, String kind, String signature, byte[] body, String secret) {
    String text = new String(body, StandardCharsets.UTF_8);
    Matcher m = SIGNATURE.matcher(signature == null ? "" : signature);
    boolean valid =
        m.matches()
            && m.group(2)
                .equals(
                    WebhookSignature.hmac(
                        secret.getBytes(StandardCharsets.UTF_8), m.group(1) + "." + text));
    return new Received(id, kind, text, valid);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  @Test
  void eventsAreJournaledWatchedFromAnySequenceAndDeliveredToWebhooksAtLeastOnce()
      throws Exception {
    Webhook a =
        webhooks()
            .addWebhook(
                AddWebhookRequest.newBuilder().setUrl(url("/all")).setSecret(SECRET_A).build());
    webhooks()
        .addWebhook(
            AddWebhookRequest.newBuilder()
                .setUrl(url("/flaky"))
                .setSecret(SECRET_B)
                .addKinds("storage_nearly_full")
                .build());

    Path[] cert = agentCert("ev-a");
    try (FakeAgent agent =
        new FakeAgent(
            bed.agentPort(),
            bed.home().caCert(),
            cert[0],
            cert[1],
            "ev-a",
            FakeAgent.Mode.RECORD)) {
      agent.received.poll(20, TimeUnit.SECONDS); // welcome
      for (int i = 1; i <= 5; i++) {
        agent.send(
            event(
                "storage_nearly_full",
                "data directory " + (89 + i) + "% full",
                Map.of("used_percent", "" + (89 + i))));
      }
      agent.send(event("failover_completed", "an agent may not say this", Map.of()));
      // a second agent with the same certificate is refused: an identity conflict
      try (FakeAgent twin =
          new FakeAgent(
              bed.agentPort(),
              bed.home().caCert(),
              cert[0],
              cert[1],
              "ev-a",
              FakeAgent.Mode.RECORD)) {
        twin.closed.get(20, TimeUnit.SECONDS);
      }
      List<Event> first = watch(0, 6, List.of());
      assertThat(first)
          .extracting(Event::getKind)
          .containsExactly(
              "storage_nearly_full",
              "storage_nearly_full",
              "storage_nearly_full",
              "storage_nearly_full",
              "storage_nearly_full",
              "identity_conflict");
      assertThat(first).extracting(Event::getInstanceId).containsOnly("ev-a");
      assertThat(first.get(4).getDetailsMap()).containsEntry("used_percent", "94");
      assertSequential(first);
    }
    // the agent went away: the control notices (3 missed heartbeats of a fake agent's 60 s... or
    // the stream's end)
    long beforeRestart = watch(0, 6, List.of()).get(5).getSequence();

    await(
        () -> storage.size() >= 5,
        Duration.ofSeconds(60),
        "the flaky receiver got the 5 storage events");
    assertThat(storage).extracting(Received::kind).containsOnly("storage_nearly_full");
    assertThat(storage).allMatch(Received::signatureValid);
    await(() -> all.size() >= 6, Duration.ofSeconds(30), "the first receiver got every event");
    assertThat(all).allMatch(Received::signatureValid);
    assertThat(all.stream().map(Received::eventId).distinct().count())
        .as("no event id twice as two events")
        .isEqualTo(all.stream().map(Received::body).distinct().count());

    // a restart of the control: watches resume after any sequence with no gap and nothing twice
    bed.stopControl();
    bed.startControl();
    Path[] cert2 = agentCert("ev-b");
    try (FakeAgent agent =
        new FakeAgent(
            bed.agentPort(),
            bed.home().caCert(),
            cert2[0],
            cert2[1],
            "ev-b",
            FakeAgent.Mode.RECORD)) {
      agent.received.poll(20, TimeUnit.SECONDS);
      agent.send(
          event("certificate_near_expiry", "the agent certificate expires in 5 days", Map.of()));
      agent.send(
          event("storage_nearly_full", "data directory 96% full", Map.of("used_percent", "96")));
      List<Event> after =
          watch(beforeRestart, 2, List.of("certificate_near_expiry", "storage_nearly_full"));
      assertThat(after)
          .extracting(Event::getKind)
          .containsExactly("certificate_near_expiry", "storage_nearly_full");
      assertThat(after.get(0).getSequence()).isGreaterThan(beforeRestart);
      List<Event> whole =
          watch(
              0, 8, List.of("storage_nearly_full", "identity_conflict", "certificate_near_expiry"));
      assertSequential(whole);
      assertThat(whole.get(5).getSequence()).isEqualTo(beforeRestart);
    }
    await(() -> storage.size() >= 6, Duration.ofSeconds(30), "deliveries go on after the restart");
    Webhook listed =
        webhooks().listWebhooks(ListWebhooksRequest.getDefaultInstance()).getWebhooksList().stream()
            .filter(h -> h.getWebhookId().equals(a.getWebhookId()))
            .findFirst()
            .orElseThrow();
    assertThat(listed.getFailures()).isZero();
    assertThat(FileScan.filesHolding(dir, List.of(SECRET_A, SECRET_B)))
        .as("webhook secrets are kept sealed")
        .isEmpty();
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    assertThat(field(() -> watch(0, 1, List.of("nope")))).isEqualTo("kinds[0]");
    assertThat(
            field(
                () ->
                    webhooks()
                        .addWebhook(
                            AddWebhookRequest.newBuilder()
                                .setUrl("ftp://x/y")
                                .setSecret(SECRET_A)
                                .build())))
        .isEqualTo("url");
    assertThat(
            field(
                () ->
                    webhooks()
                        .addWebhook(
                            AddWebhookRequest.newBuilder()
                                .setUrl("http:///nohost")
                                .setSecret(SECRET_A)
                                .build())))
        .isEqualTo("url");
    assertThat(
            field(
                () ->
                    webhooks()
                        .addWebhook(
                            AddWebhookRequest.newBuilder()
                                .setUrl(url("/all"))
                                .setSecret("short")
                                .build())))
        .isEqualTo("secret");
    assertThat(
            field(
                () ->
                    webhooks()
                        .addWebhook(
                            AddWebhookRequest.newBuilder()
                                .setUrl(url("/all"))
                                .setSecret(SECRET_A)
                                .addKinds("backup_completed")
                                .addKinds("everything")
                                .build())))
        .isEqualTo("kinds[1]");
    StatusRuntimeException unknown =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                webhooks()
                    .deleteWebhook(
                        DeleteWebhookRequest.newBuilder().setWebhookId("wh-nope").build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void theCliAddsListsAndWatches() throws Exception {
    Cli add =
        coffer(
            SECRET_A + "\n",
            "webhook",
            "add",
            url("/all"),
            "--secret-stdin",
            "--events",
            "storage_nearly_full");
    assertThat(add.exit()).as(add.err()).isZero();
    assertThat(add.out()).startsWith("Added webhook wh-").contains("(storage_nearly_full)");
    assertThat(coffer("", "webhook", "add", "ftp://x", "--secret-stdin").exit()).isEqualTo(2);
    Path[] cert = agentCert("ev-c");
    try (FakeAgent agent =
        new FakeAgent(
            bed.agentPort(),
            bed.home().caCert(),
            cert[0],
            cert[1],
            "ev-c",
            FakeAgent.Mode.RECORD)) {
      agent.received.poll(20, TimeUnit.SECONDS);
      agent.send(
          event("storage_nearly_full", "data directory 91% full", Map.of("used_percent", "91")));
      Cli watched =
          coffer(
              "",
              "events",
              "watch",
              "--since",
              "0",
              "--count",
              "1",
              "--kind",
              "storage_nearly_full");
      assertThat(watched.exit()).as(watched.err()).isZero();
      assertThat(watched.out())
          .matches(
              "#\\d+ \\S+ storage_nearly_full ev-c: data directory 91% full \\(used_percent=91\\)\\n");
    }
    await(
        () -> all.size() >= 1,
        Duration.ofSeconds(30),
        "the webhook added by the CLI gets the event");
    Cli listed = coffer("", "webhook", "list");
    assertThat(listed.out()).contains(url("/all")).contains("storage_nearly_full");
    Cli badKind = coffer("", "events", "watch", "--kind", "nope", "--count", "1");
    assertThat(badKind.exit()).isEqualTo(2);
    assertThat(badKind.err()).contains("kinds[0]");
  }

  // ---- helpers ----

  record Cli(int exit, String out, String err) {}

  private Cli coffer(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CofferCli root = new CofferCli();
    root.stdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    CommandLine cli = new CommandLine(root);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all =
        new ArrayList<>(
            List.of(
                "--home", bed.home().root().toString(), "--control", "127.0.0.1:" + bed.apiPort()));
    all.addAll(List.of(args));
    return new Cli(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }

  private static AgentFrame event(String kind, String message, Map<String, String> details) {
    return AgentFrame.newBuilder()
        .setEvent(AgentEvent.newBuilder().setKind(kind).setMessage(message).putAllDetails(details))
        .build();
  }

  private Path[] agentCert(String id) {
    Path cert = dir.resolve(id + ".pem");
    Path key = dir.resolve(id + ".key");
    bed.ca().issueAgent(id, Duration.ofDays(1), cert, key);
    return new Path[] {cert, key};
  }

  private WebhookServiceGrpc.WebhookServiceBlockingStub webhooks() {
    return bed.webhooks();
  }

  /**
   * The first {@code n} events after {@code since} of those kinds (all when empty), waiting up to
   * 30 s.
   */
  private List<Event> watch(long since, int n, List<String> kinds) {
    List<Event> out = new ArrayList<>();
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      call.run(
          () -> {
            Iterator<Event> it =
                bed.events()
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .watchEvents(
                        WatchEventsRequest.newBuilder()
                            .setSinceSequence(since)
                            .addAllKinds(kinds)
                            .build());
            while (out.size() < n && it.hasNext()) {
              out.add(it.next());
            }
          });
    } finally {
      call.cancel(null);
    }
    return out;
  }

  private static void assertSequential(List<Event> events) {
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).getSequence()).isGreaterThan(events.get(i - 1).getSequence());
    }
    assertThat(events.stream().map(Event::getEventId).distinct().count()).isEqualTo(events.size());
  }

  private static String field(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return e.getStatus().getDescription().substring(0, e.getStatus().getDescription().indexOf(':'));
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(100);
    }
  }
}
