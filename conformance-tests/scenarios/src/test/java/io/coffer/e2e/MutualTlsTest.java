package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.Code;
import io.coffer.control.ca.CertificateAuthority;
import io.coffer.proto.v1.AgentEvent;
import io.coffer.proto.v1.AgentFrame;
import io.coffer.proto.v1.Command;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.Database;
import io.coffer.proto.v1.DatabaseServiceGrpc;
import io.coffer.proto.v1.Done;
import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.GetCommandRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.Hello;
import io.coffer.proto.v1.InstanceServiceGrpc;
import io.coffer.proto.v1.ListInstancesRequest;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.Result;
import io.coffer.tck.Testbed;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may talk to the control, and who may answer what. Real TLS 1.3 on loopback. */
class MutualTlsTest {
  @TempDir Path dir;
  Testbed bed;

  @BeforeEach
  void start() throws Exception {
    bed = Testbed.start(dir);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private Path[] agentCert(String id) {
    Path cert = dir.resolve(id + ".pem");
    Path key = dir.resolve(id + ".key");
    bed.ca().issueAgent(id, Duration.ofDays(1), cert, key);
    return new Path[] {cert, key};
  }

  private int agentPort() {
    return bed.control().agentPort();
  }

  @Test
  void agentCertificateFromAnotherCaIsRefused() throws Exception {
    CertificateAuthority other =
        CertificateAuthority.create(dir.resolve("other/ca.pem"), dir.resolve("other/ca.key"));
    other.issueAgent(
        "intruder", Duration.ofDays(1), dir.resolve("intruder.pem"), dir.resolve("intruder.key"));
    try (FakeAgent a =
        new FakeAgent(
            agentPort(),
            bed.home().caCert(),
            dir.resolve("intruder.pem"),
            dir.resolve("intruder.key"),
            "intruder")) {
      Throwable t = a.closed.get(20, TimeUnit.SECONDS);
      assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
    assertThat(unknown("intruder")).isTrue();
  }

  @Test
  void agentWithoutCertificateIsRefused() throws Exception {
    try (FakeAgent a = new FakeAgent(agentPort(), bed.home().caCert(), null, null, "anonymous")) {
      Throwable t = a.closed.get(20, TimeUnit.SECONDS);
      assertThat(t).isNotNull();
    }
    assertThat(unknown("anonymous")).isTrue();
  }

  @Test
  void clientCertificateIsNotAnAgentIdentity() throws Exception {
    try (FakeAgent a =
        new FakeAgent(
            agentPort(),
            bed.home().caCert(),
            bed.home().clientCert("admin"),
            bed.home().clientKey("admin"),
            "admin")) {
      Throwable t = a.closed.get(20, TimeUnit.SECONDS);
      assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }

  @Test
  void aHelloNamingAnotherInstanceThanTheCertificateIsRefused() throws Exception {
    Path[] a = agentCert("alpha");
    try (FakeAgent agent = new FakeAgent(agentPort(), bed.home().caCert(), a[0], a[1], "bravo")) {
      Status status = Status.fromThrowable(agent.closed.get(20, TimeUnit.SECONDS));
      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(status.getDescription()).contains("'alpha'", "'bravo'");
      assertThat(agent.received).noneMatch(ControlFrame::hasWelcome);
      assertThat(unknown("alpha")).isTrue();
      assertThat(unknown("bravo")).isTrue();
    }
  }

  @Test
  void anAgentProvidingAPluginApiTheControlDoesNotSupportIsRefusedSayingWhatToUpgrade()
      throws Exception {
    Path[] a = agentCert("future");
    try (FakeAgent agent = helloWith(a, "future", h -> h.setPluginApiVersion("2.0.0"))) {
      Status status = Status.fromThrowable(agent.closed.get(20, TimeUnit.SECONDS));
      assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(status.getDescription())
          .isEqualTo(
              "this agent provides plugin API 2.0.0 but this control supports plugin API 1.x"
                  + " only; upgrade the control before its agents");
      assertThat(agent.received).noneMatch(ControlFrame::hasWelcome);
    }
    try (FakeAgent agent = helloWith(a, "future", h -> h.setPluginApiVersion("two"))) {
      Status status = Status.fromThrowable(agent.closed.get(20, TimeUnit.SECONDS));
      assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(status.getDescription()).contains("'two'", "MAJOR.MINOR.PATCH");
    }
    assertThat(unknown("future")).isTrue();
    // a later minor version only adds, and an agent from before the field counts as 1.0.0
    for (String version : List.of("1.7.0", "")) {
      String id = version.isEmpty() ? "legacy" : "minor";
      try (FakeAgent agent = helloWith(agentCert(id), id, h -> h.setPluginApiVersion(version))) {
        ControlFrame first = agent.received.poll(20, TimeUnit.SECONDS);
        assertThat(first).as("plugin API '%s'", version).isNotNull();
        assertThat(first.hasWelcome()).isTrue();
      }
    }
  }

  @Test
  void anEventSentAgainIsJournaledOnceAndEachCopyIsAcknowledged() throws Exception {
    Path[] cert = agentCert("noisy");
    AgentEvent event =
        AgentEvent.newBuilder()
            .setKind("fencing_applied")
            .setMessage("fenced once, reported twice")
            .setEventId("ev-1")
            .build();
    try (FakeAgent agent = helloWith(cert, "noisy", h -> h)) {
      agent.send(AgentFrame.newBuilder().setEvent(event).build());
      agent.send(AgentFrame.newBuilder().setEvent(event).build()); // as after a reconnect
      agent.send(
          AgentFrame.newBuilder()
              .setEvent(event.toBuilder().setEventId("ev-2").setMessage("another"))
              .build());
      List<String> acks = new ArrayList<>();
      while (acks.size() < 3) {
        ControlFrame f = agent.received.poll(20, TimeUnit.SECONDS);
        assertThat(f).as("acknowledgements so far: %s", acks).isNotNull();
        if (f.hasEventAck()) {
          acks.add(f.getEventAck().getEventId());
        }
      }
      assertThat(acks).containsExactly("ev-1", "ev-1", "ev-2");
    }
    List<Event> journaled = bed.events(0, 10, List.of("fencing_applied"), Duration.ofSeconds(2));
    assertThat(journaled)
        .extracting(Event::getMessage)
        .containsExactly("fenced once, reported twice", "another");
  }

  private FakeAgent helloWith(Path[] cert, String id, UnaryOperator<Hello.Builder> hello)
      throws Exception {
    return new FakeAgent(
        agentPort(),
        bed.home().caCert(),
        cert[0],
        cert[1],
        id,
        FakeAgent.Mode.RECORD,
        UUID.randomUUID().toString(),
        60_000,
        hello);
  }

  @Test
  void aSecondAgentWithTheSameIdentityIsRefusedAndTheFirstKeepsServing() throws Exception {
    Path[] a = agentCert("alpha");
    try (FakeAgent first = new FakeAgent(agentPort(), bed.home().caCert(), a[0], a[1], "alpha")) {
      assertThat(first.received.poll(20, TimeUnit.SECONDS).hasWelcome()).isTrue();
      for (int attempt = 0;
          attempt < 5;
          attempt++) { // an impostor that keeps retrying never gets in
        try (FakeAgent second =
            new FakeAgent(agentPort(), bed.home().caCert(), a[0], a[1], "alpha")) {
          Status status = Status.fromThrowable(second.closed.get(20, TimeUnit.SECONDS));
          assertThat(status.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
          assertThat(status.getDescription()).contains("already served by another agent");
          assertThat(second.received).noneMatch(ControlFrame::hasWelcome);
        }
      }
      assertThat(first.closed).isNotDone();
      // commands for alpha still reach the first agent
      CompletableFuture<CommandReply> call =
          CompletableFuture.supplyAsync(
              () ->
                  bed.databases()
                      .createDatabase(
                          CreateDatabaseRequest.newBuilder()
                              .setInstanceId("alpha")
                              .setOptions(
                                  CommandOptions.newBuilder()
                                      .setCommandId("cmd-after-impostor")
                                      .setTimeoutMillis(5000))
                              .setDatabase(Database.newBuilder().setName("x"))
                              .build()));
      Command command = first.nextCommand();
      assertThat(command.getCommandId()).isEqualTo("cmd-after-impostor");
      first.sendResult(
          Result.newBuilder()
              .setCommandId(command.getCommandId())
              .setStatus(com.google.rpc.Status.newBuilder().setCode(Code.OK_VALUE))
              .setPayload(OperationResult.newBuilder().setDone(Done.getDefaultInstance()))
              .build());
      assertThat(call.get(20, TimeUnit.SECONDS).getCommandId()).isEqualTo("cmd-after-impostor");
    }
  }

  @Test
  void theSameAgentReconnectingReplacesItsOlderStream() throws Exception {
    Path[] a = agentCert("alpha");
    try (FakeAgent before =
        new FakeAgent(
            agentPort(),
            bed.home().caCert(),
            a[0],
            a[1],
            "alpha",
            FakeAgent.Mode.RECORD,
            "run-1",
            60_000)) {
      assertThat(before.received.poll(20, TimeUnit.SECONDS).hasWelcome()).isTrue();
      try (FakeAgent after =
          new FakeAgent(
              agentPort(),
              bed.home().caCert(),
              a[0],
              a[1],
              "alpha",
              FakeAgent.Mode.RECORD,
              "run-1",
              60_000)) {
        assertThat(after.received.poll(20, TimeUnit.SECONDS).hasWelcome()).isTrue();
        assertThat(Status.fromThrowable(before.closed.get(20, TimeUnit.SECONDS)).getCode())
            .isEqualTo(Status.Code.ABORTED);
      }
    }
  }

  @Test
  void anotherAgentTakesOverOnceTheFirstFellSilent() throws Exception {
    Path[] a = agentCert("alpha");
    // announces 200 ms heartbeats and sends one: silent for the control after 600 ms
    try (FakeAgent silent =
        new FakeAgent(
            agentPort(),
            bed.home().caCert(),
            a[0],
            a[1],
            "alpha",
            FakeAgent.Mode.RECORD,
            "run-old",
            200)) {
      assertThat(silent.received.poll(20, TimeUnit.SECONDS).hasWelcome()).isTrue();
      Thread.sleep(1000);
      try (FakeAgent fresh =
          new FakeAgent(
              agentPort(),
              bed.home().caCert(),
              a[0],
              a[1],
              "alpha",
              FakeAgent.Mode.RECORD,
              "run-new",
              60_000)) {
        assertThat(fresh.received.poll(20, TimeUnit.SECONDS).hasWelcome()).isTrue();
        assertThat(Status.fromThrowable(silent.closed.get(20, TimeUnit.SECONDS)).getCode())
            .isEqualTo(Status.Code.ABORTED);
      }
    }
  }

  @Test
  void agentCannotAnswerAnotherAgentsCommand() throws Exception {
    Path[] a = agentCert("alpha");
    Path[] b = agentCert("bravo");
    try (FakeAgent alpha = new FakeAgent(agentPort(), bed.home().caCert(), a[0], a[1], "alpha");
        FakeAgent bravo = new FakeAgent(agentPort(), bed.home().caCert(), b[0], b[1], "bravo")) {
      alpha.received.poll(20, TimeUnit.SECONDS); // welcome
      bravo.received.poll(20, TimeUnit.SECONDS);
      CompletableFuture<CommandReply> call =
          CompletableFuture.supplyAsync(
              () ->
                  bed.databases()
                      .createDatabase(
                          CreateDatabaseRequest.newBuilder()
                              .setInstanceId("alpha")
                              .setOptions(
                                  CommandOptions.newBuilder()
                                      .setCommandId("cmd-for-alpha")
                                      .setTimeoutMillis(3000))
                              .setDatabase(Database.newBuilder().setName("x"))
                              .build()));
      Command command = alpha.nextCommand();
      assertThat(command.getCommandId()).isEqualTo("cmd-for-alpha");

      Result forged =
          Result.newBuilder()
              .setCommandId("cmd-for-alpha")
              .setStatus(com.google.rpc.Status.newBuilder().setCode(Code.OK_VALUE))
              .setPayload(OperationResult.newBuilder().setDone(Done.getDefaultInstance()))
              .build();
      bravo.sendResult(forged);

      Throwable failure =
          catchThrowableOfType(Exception.class, () -> call.get(20, TimeUnit.SECONDS));
      assertThat(Status.fromThrowable(failure.getCause()).getCode())
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(state("cmd-for-alpha")).isEqualTo(CommandState.COMMAND_STATE_PENDING);
      assertThat(bravo.received).noneMatch(f -> f.hasResultAck());

      alpha.sendResult(forged); // the real owner's answer is accepted and acknowledged
      assertThat(alpha.received.poll(20, TimeUnit.SECONDS).getResultAck().getCommandId())
          .isEqualTo("cmd-for-alpha");
      assertThat(state("cmd-for-alpha")).isEqualTo(CommandState.COMMAND_STATE_SUCCEEDED);
    }
  }

  @Test
  void northboundWithoutCredentialsIsUnauthenticated() throws Exception {
    ManagedChannel anonymous =
        NettyChannelBuilder.forAddress("localhost", bed.control().apiPort())
            .sslContext(
                GrpcSslContexts.forClient().trustManager(bed.home().caCert().toFile()).build())
            .build();
    try {
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  InstanceServiceGrpc.newBlockingStub(anonymous)
                      .listInstances(ListInstancesRequest.getDefaultInstance()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    } finally {
      anonymous.shutdownNow();
    }
  }

  @Test
  void northboundRefusesAgentCertificates() {
    Path[] a = agentCert("alpha");
    ManagedChannel asAgent = bed.channel(a[0], a[1]);
    try {
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  DatabaseServiceGrpc.newBlockingStub(asAgent)
                      .createDatabase(
                          CreateDatabaseRequest.newBuilder()
                              .setInstanceId("alpha")
                              .setDatabase(Database.newBuilder().setName("x"))
                              .build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    } finally {
      asAgent.shutdownNow();
    }
  }

  private boolean unknown(String id) {
    try {
      bed.instances().getInstance(GetInstanceRequest.newBuilder().setInstanceId(id).build());
      return false;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.NOT_FOUND;
    }
  }

  private CommandState state(String commandId) {
    return bed.commands()
        .getCommand(GetCommandRequest.newBuilder().setCommandId(commandId).build())
        .getState();
  }
}
