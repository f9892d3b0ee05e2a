package io.coffer.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.GetConfigurationRequest;
import io.coffer.proto.v1.ListParameterRulesRequest;
import io.coffer.proto.v1.ParameterRule;
import io.coffer.proto.v1.ParameterType;
import io.coffer.proto.v1.ParameterValue;
import io.coffer.proto.v1.RestartInstanceRequest;
import io.coffer.proto.v1.UpdateConfigurationRequest;
import io.coffer.proto.v1.UpdateConfigurationResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine-agnostic configuration suite, through the northbound API against a real server: the
 * rules come from the server, a live change is read back by an ordinary client at once and after a
 * restart, a restart-only change stays pending until {@code RestartInstance}, and bad values or
 * unknown names are refused naming the parameter, with nothing changed on the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Checks(Area.CONFIGURATION)
public abstract class ConfigurationTck extends TckSuite {
  private Testbed bed;
  private DatastoreProvider provider;
  private ConfigurationSamples samples;
  private final String instance = "cfg-tck";
  private int port;
  private RootLogin root;
  private String liveDefault;

  @BeforeAll
  void startInstance() throws Exception {
    provider = provider();
    if (knownUndeclared(provider, Area.CONFIGURATION)) {
      return; // no server to start: an earlier suite saw the plugin leave it out
    }
    Path work =
        Files.createTempDirectory(
            "coffer-config-tck-" + provider.engine(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    port = Ports.free();
    bed.startAgent(
        bed.agentConfig(
            instance, provider.pluginsDir(), provider.datastore(work.resolve("instance"), port)));
    if (!declare(bed.awaitHealthy(instance, Duration.ofSeconds(90)), Area.CONFIGURATION)) {
      return;
    }
    samples = provider.configurationSamples();
    assertThat(samples)
        .as(
            "the %s plugin declares CONFIGURATION: its DatastoreProvider must give configurationSamples()",
            provider.engine())
        .isNotNull();
    root = bed.enableRoot(instance);
    liveDefault = shown(samples.live());
  }

  @AfterAll
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  @Order(1)
  void rulesComeFromTheServerAndSayWhatNeedsARestart() {
    List<ParameterRule> rules =
        bed.configuration()
            .listParameterRules(
                ListParameterRulesRequest.newBuilder().setInstanceId(instance).build())
            .getRulesList();
    assertThat(rules)
        .extracting(ParameterRule::getName)
        .contains(samples.live(), samples.restart());
    assertThat(rule(rules, samples.live()).getRestartRequired()).isFalse();
    assertThat(rule(rules, samples.restart()).getRestartRequired()).isTrue();
    for (String unknown : samples.unknown()) {
      assertThat(rules).extracting(ParameterRule::getName).doesNotContain(unknown);
    }
    List<ParameterRule> one =
        bed.configuration()
            .listParameterRules(
                ListParameterRulesRequest.newBuilder()
                    .setInstanceId(instance)
                    .addNames(samples.live())
                    .build())
            .getRulesList();
    assertThat(one).extracting(ParameterRule::getName).containsExactly(samples.live());
  }

  @Test
  @Order(2)
  void aLiveChangeAppliesAtOnceAndSurvivesARestartAndResetReturnsTheDefault() throws Exception {
    UpdateConfigurationResponse changed =
        update(Map.of(samples.live(), samples.liveValue()), List.of());
    assertThat(changed.getParametersList())
        .extracting(ParameterValue::getName)
        .containsExactly(samples.live());
    assertThat(changed.getParameters(0).getPendingRestart()).isFalse();
    assertThat(shown(samples.live())).isEqualTo(samples.liveShown());
    assertThat(value(samples.live()).getValue()).isEqualTo(samples.liveShown());

    restart();
    assertThat(shown(samples.live())).isEqualTo(samples.liveShown());

    update(Map.of(), List.of(samples.live()));
    assertThat(shown(samples.live())).isEqualTo(liveDefault);
  }

  @Test
  @Order(3)
  void aRestartOnlyChangeIsPendingUntilTheServerRestarts() throws Exception {
    String before = shown(samples.restart());
    UpdateConfigurationResponse changed =
        update(Map.of(samples.restart(), samples.restartValue()), List.of());
    assertThat(changed.getParametersList())
        .extracting(ParameterValue::getPendingRestart)
        .containsExactly(true);
    assertThat(shown(samples.restart())).isEqualTo(before);
    assertThat(value(samples.restart()).getPendingRestart()).isTrue();

    restart();
    assertThat(shown(samples.restart())).isEqualTo(samples.restartShown());
    assertThat(value(samples.restart()).getPendingRestart()).isFalse();
  }

  @Test
  @Order(2)
  void moreLiveChangesApplyAtOnceAndResetReturnsTheDefault() {
    Assumptions.assumeFalse(
        samples.moreLive().isEmpty(), provider.engine() + " gives no more live samples");
    for (Map.Entry<String, String> sample : samples.moreLive()) {
      String before = shown(sample.getKey());
      update(Map.of(sample.getKey(), sample.getValue()), List.of());
      assertThat(shown(sample.getKey()))
          .as(sample.getKey())
          .isEqualToIgnoringCase(sample.getValue());
      update(Map.of(), List.of(sample.getKey()));
      assertThat(shown(sample.getKey())).as(sample.getKey()).isEqualTo(before);
    }
  }

  Stream<Map.Entry<String, String>> invalidValues() {
    return provider().configurationSamples().invalid().stream();
  }

  @ParameterizedTest
  @MethodSource("invalidValues")
  @Order(4)
  void anInvalidValueIsRefusedNamingTheParameterAndChangesNothing(Map.Entry<String, String> bad)
      throws Exception {
    String before = shown(bad.getKey());
    StatusRuntimeException e =
        refused(Map.of(bad.getKey(), bad.getValue(), samples.live(), samples.liveValue()));
    assertThat(e.getStatus().getDescription()).contains(bad.getKey());
    assertThat(shown(bad.getKey())).isEqualTo(before);
    assertThat(shown(samples.live())).as("the valid half of the change").isEqualTo(liveDefault);
  }

  Stream<String> unknownNames() {
    return provider().configurationSamples().unknown().stream();
  }

  @ParameterizedTest
  @MethodSource("unknownNames")
  @Order(5)
  void anUnknownOrManagedParameterIsRefused(String name) {
    StatusRuntimeException e = refused(Map.of(name, "1"));
    assertThat(e.getStatus().getDescription()).contains("values.");
    assertThat(
            catchThrowableOfType(
                    StatusRuntimeException.class,
                    () ->
                        bed.configuration()
                            .getConfiguration(
                                GetConfigurationRequest.newBuilder()
                                    .setInstanceId(instance)
                                    .addNames(name)
                                    .build()))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  @Order(6)
  void anEmptyChangeIsRefused() {
    StatusRuntimeException e = refused(Map.of());
    assertThat(e.getStatus().getDescription()).contains("values");
  }

  @Test
  @Order(7)
  void theSameCommandIdAppliesOnce() throws Exception {
    String id = "cfg-" + UUID.randomUUID();
    UpdateConfigurationRequest request =
        UpdateConfigurationRequest.newBuilder()
            .setInstanceId(instance)
            .setOptions(CommandOptions.newBuilder().setCommandId(id))
            .putValues(samples.live(), samples.liveValue())
            .build();
    UpdateConfigurationResponse first = bed.configuration().updateConfiguration(request);
    update(Map.of(), List.of(samples.live()));
    UpdateConfigurationResponse again = bed.configuration().updateConfiguration(request);
    assertThat(again.getCommandId()).isEqualTo(first.getCommandId());
    assertThat(shown(samples.live()))
        .as("a re-sent command must not apply again")
        .isEqualTo(liveDefault);
  }

  /**
   * Every parameter the rules offer accepts a value: its present one, all in one change, so a rule
   * that contradicts the server (an enum with no allowed values, a bound the default breaks, a type
   * the value does not parse as) shows here. Last, as it writes every parameter to the instance's
   * configuration.
   */
  @Test
  @Order(100)
  void everyOfferedParameterAcceptsItsPresentValue() {
    List<ParameterRule> rules =
        bed.configuration()
            .listParameterRules(
                ListParameterRulesRequest.newBuilder().setInstanceId(instance).build())
            .getRulesList();
    assertThat(rules).isNotEmpty();
    for (ParameterRule r : rules) {
      if (r.getType() == ParameterType.PARAMETER_TYPE_ENUM) {
        assertThat(r.getAllowedValuesList())
            .as("the allowed values of %s", r.getName())
            .isNotEmpty();
      }
    }
    Map<String, String> present = new TreeMap<>();
    bed.configuration()
        .getConfiguration(GetConfigurationRequest.newBuilder().setInstanceId(instance).build())
        .getParametersList()
        .forEach(v -> present.put(v.getName(), v.getValue()));
    assertThat(present.keySet())
        .containsExactlyInAnyOrderElementsOf(rules.stream().map(ParameterRule::getName).toList());

    UpdateConfigurationResponse same = update(present, List.of());
    assertThat(same.getParametersList())
        .hasSize(present.size())
        .allSatisfy(
            v -> {
              assertThat(v.getValue())
                  .as(v.getName())
                  .isEqualToIgnoringCase(present.get(v.getName()));
              assertThat(v.getPendingRestart()).as(v.getName()).isFalse();
            });
  }

  private UpdateConfigurationResponse update(Map<String, String> values, List<String> reset) {
    return bed.configuration()
        .updateConfiguration(
            UpdateConfigurationRequest.newBuilder()
                .setInstanceId(instance)
                .putAllValues(values)
                .addAllReset(reset)
                .build());
  }

  private StatusRuntimeException refused(Map<String, String> values) {
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> update(values, List.of()));
    assertThat(e).as("refused: %s", values).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return e;
  }

  private void restart() throws InterruptedException {
    bed.instances()
        .withDeadlineAfter(3, TimeUnit.MINUTES)
        .restartInstance(RestartInstanceRequest.newBuilder().setInstanceId(instance).build());
    bed.awaitHealthy(instance, Duration.ofSeconds(60));
  }

  private ParameterValue value(String name) {
    return bed.configuration()
        .getConfiguration(
            GetConfigurationRequest.newBuilder().setInstanceId(instance).addNames(name).build())
        .getParameters(0);
  }

  private String shown(String name) {
    return provider.showParameter(port, root.name(), root.password(), name);
  }

  private static ParameterRule rule(List<ParameterRule> rules, String name) {
    return rules.stream().filter(r -> r.getName().equals(name)).findFirst().orElseThrow();
  }
}
