package io.coffer.control.northbound;

import io.coffer.control.broker.Broker;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.OperationResult;
import io.coffer.proto.v1.OperationsProto;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Turns a validated northbound request into a brokered command. */
final class AgentCalls {
  private final Broker broker;
  private final Duration defaultTimeout;

  AgentCalls(Broker broker, Duration defaultTimeout) {
    this.broker = broker;
    this.defaultTimeout = defaultTimeout;
  }

  /** Outcome of a call: the command id used and the agent's result payload. */
  record Outcome(String commandId, OperationResult result) {}

  /** Validates the common fields (throwing INVALID_ARGUMENT) and dispatches. */
  Mono<Outcome> call(String instanceId, CommandOptions options, Operation operation) {
    return call(instanceId, options, operation, defaultTimeout);
  }

  /**
   * Like {@link #call(String, CommandOptions, Operation)} for operations that take longer by
   * nature.
   */
  Mono<Outcome> call(
      String instanceId, CommandOptions options, Operation operation, Duration fallbackTimeout) {
    String instance = Requests.instanceId(instanceId);
    String commandId = Requests.commandId(options);
    Duration timeout = Requests.timeout(options, fallbackTimeout);
    var field = Operation.getDescriptor().findFieldByNumber(operation.getKindCase().getNumber());
    boolean readOnly = field.getOptions().getExtension(OperationsProto.readOnly);
    return broker
        .dispatch(instance, commandId, field.getName(), readOnly, operation, timeout)
        .map(result -> new Outcome(commandId, result));
  }
}
