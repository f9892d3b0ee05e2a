package io.coffer.agent.command;

import io.coffer.proto.v1.Configuration;
import io.coffer.proto.v1.Done;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.ParameterRule;
import io.coffer.proto.v1.ParameterRuleList;
import io.coffer.proto.v1.ParameterType;
import io.coffer.proto.v1.ParameterValue;
import io.coffer.proto.v1.UpdateConfiguration;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.config.ConfigurationChange;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Translates the configuration operations, and the server restart, between proto and the SPI. */
final class ConfigurationCommands {
  private static final OperationResult DONE =
      OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();

  /**
   * As long as a first start may take: a restart replays the WAL or redo log written since the last
   * checkpoint.
   */
  private static final Duration RESTART_TIMEOUT = Duration.ofMinutes(2);

  private final DatastoreManager manager;
  private final ServerControl server;

  ConfigurationCommands(DatastoreManager manager, ServerControl server) {
    this.manager = manager;
    this.server = server;
  }

  OperationResult rules(List<String> names) {
    Set<String> wanted = Set.copyOf(names);
    List<io.coffer.spi.config.ParameterRule> rules = manager.configuration().rules();
    // names are checked by the plugin's values(), which knows the settable set
    if (!wanted.isEmpty()) {
      manager.configuration().values(names);
    }
    ParameterRuleList.Builder out = ParameterRuleList.newBuilder();
    rules.stream()
        .filter(r -> wanted.isEmpty() || wanted.contains(r.name()))
        .map(ConfigurationCommands::rule)
        .forEach(out::addRules);
    return OperationResult.newBuilder().setParameterRules(out).build();
  }

  OperationResult values(List<String> names) {
    return configuration(manager.configuration().values(names));
  }

  OperationResult update(UpdateConfiguration op) {
    Set<String> reset = new HashSet<>(op.getResetList());
    return configuration(
        manager.configuration().apply(new ConfigurationChange(op.getValuesMap(), reset)));
  }

  OperationResult restart() {
    server.stop();
    server.start(RESTART_TIMEOUT);
    return DONE;
  }

  private static OperationResult configuration(List<io.coffer.spi.config.ParameterValue> values) {
    Configuration.Builder out = Configuration.newBuilder();
    values.forEach(
        v ->
            out.addParameters(
                ParameterValue.newBuilder()
                    .setName(v.name())
                    .setValue(v.value())
                    .setPendingRestart(v.pendingRestart())
                    .setSource(v.source())));
    return OperationResult.newBuilder().setConfiguration(out).build();
  }

  private static ParameterRule rule(io.coffer.spi.config.ParameterRule r) {
    ParameterRule.Builder b =
        ParameterRule.newBuilder()
            .setName(r.name())
            .setType(ParameterType.valueOf("PARAMETER_TYPE_" + r.type().name()))
            .setUnit(r.unit())
            .addAllAllowedValues(r.allowedValues())
            .setRestartRequired(r.restartRequired())
            .setDescription(r.description());
    if (r.min() != null) {
      b.setMin(r.min());
    }
    if (r.max() != null) {
      b.setMax(r.max());
    }
    return b.build();
  }
}
