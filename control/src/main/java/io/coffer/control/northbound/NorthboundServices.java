package io.coffer.control.northbound;

import io.coffer.control.broker.Broker;
import io.coffer.control.registry.AgentRegistry;
import io.grpc.BindableService;
import java.time.Duration;
import java.util.List;

/** The northbound gRPC services, ready to bind behind the API authentication interceptor. */
public final class NorthboundServices {
  private NorthboundServices() {}

  public static List<BindableService> create(Broker broker, AgentRegistry registry, Duration defaultTimeout) {
    AgentCalls calls = new AgentCalls(broker, defaultTimeout);
    return List.of(
        new InstanceServiceImpl(registry),
        new DatabaseServiceImpl(calls),
        new UserServiceImpl(calls),
        new CommandServiceImpl(broker),
        new DiagnosticsServiceImpl(calls));
  }
}
