package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.agent.Agent;
import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.identity.CertificateIdentity;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent runs only as the instance its certificate names: configured as another instance, it
 * stops at once (exit code 2, both ids named) and never connects, so it can neither be taken for
 * the certified instance nor fight that instance's real agent for the stream.
 */
class AgentIdentityTest {
  @TempDir Path dir;

  @Test
  void anAgentConfiguredAsAnotherInstanceThanItsCertificateExitsWithCode2() throws Exception {
    try (Testbed bed = Testbed.start(dir)) {
      AgentConfig ghost = asGhost(bed);
      AgentProcess agent = bed.startAgentProcess(ghost);

      assertThat(agent.awaitExit(Duration.ofSeconds(60))).hasValue(2);
      assertThat(Files.readString(agent.log()))
          .contains("instanceId is 'ghost'", "is for instance 'qs2'")
          .doesNotContain("Exception", "\tat ");
      assertThat(unknown(bed, "qs2")).isTrue();
      assertThat(unknown(bed, "ghost")).isTrue();
    }
  }

  @Test
  void anAgentStartedInProcessAsAnotherInstanceRefusesToStart() throws Exception {
    try (Testbed bed = Testbed.start(dir)) {
      assertThatThrownBy(() -> Agent.start(asGhost(bed)))
          .isInstanceOf(CertificateIdentity.IdentityException.class)
          .hasMessageContaining("'ghost'")
          .hasMessageContaining("'qs2'");
      assertThat(unknown(bed, "qs2")).isTrue();
    }
  }

  /** The configuration of instance "ghost" with the certificate of instance "qs2". */
  private AgentConfig asGhost(Testbed bed) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("no-plugins"));
    AgentConfig qs2 =
        bed.agentConfig(
            "qs2",
            plugins,
            new AgentConfig.Datastore(
                "mysql",
                dir.resolve("data"),
                dir.resolve("run"),
                "127.0.0.1",
                Ports.free(),
                "",
                Map.of()));
    return new AgentConfig(
        "ghost",
        qs2.control(),
        dir.resolve("ghost-state"),
        qs2.pluginsDir(),
        qs2.heartbeatInterval(),
        qs2.datastore(),
        qs2.backup());
  }

  private static boolean unknown(Testbed bed, String id) {
    try {
      bed.instances().getInstance(GetInstanceRequest.newBuilder().setInstanceId(id).build());
      return false;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.NOT_FOUND;
    }
  }
}
