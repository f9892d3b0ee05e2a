package io.coffer.control.northbound;

import io.coffer.control.status.ApiErrors;
import io.coffer.proto.v1.ConfigurationResponse;
import io.coffer.proto.v1.ConfigurationServiceGrpc;
import io.coffer.proto.v1.GetConfiguration;
import io.coffer.proto.v1.GetConfigurationRequest;
import io.coffer.proto.v1.ListParameterRules;
import io.coffer.proto.v1.ListParameterRulesRequest;
import io.coffer.proto.v1.ListParameterRulesResponse;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.UpdateConfiguration;
import io.coffer.proto.v1.UpdateConfigurationRequest;
import io.coffer.proto.v1.UpdateConfigurationResponse;
import io.grpc.stub.StreamObserver;

/**
 * Server parameters of an instance, executed by its agent; the rules are the plugin's, per engine
 * version.
 */
public final class ConfigurationServiceImpl
    extends ConfigurationServiceGrpc.ConfigurationServiceImplBase {
  private final AgentCalls calls;

  ConfigurationServiceImpl(AgentCalls calls) {
    this.calls = calls;
  }

  @Override
  public void listParameterRules(
      ListParameterRulesRequest request, StreamObserver<ListParameterRulesResponse> out) {
    MonoReplies.reply(
        () ->
            calls
                .call(
                    request.getInstanceId(),
                    request.getOptions(),
                    Operation.newBuilder()
                        .setListParameterRules(
                            ListParameterRules.newBuilder().addAllNames(request.getNamesList()))
                        .build())
                .map(
                    o ->
                        ListParameterRulesResponse.newBuilder()
                            .addAllRules(o.result().getParameterRules().getRulesList())
                            .build()),
        out);
  }

  @Override
  public void getConfiguration(
      GetConfigurationRequest request, StreamObserver<ConfigurationResponse> out) {
    MonoReplies.reply(
        () ->
            calls
                .call(
                    request.getInstanceId(),
                    request.getOptions(),
                    Operation.newBuilder()
                        .setGetConfiguration(
                            GetConfiguration.newBuilder().addAllNames(request.getNamesList()))
                        .build())
                .map(
                    o ->
                        ConfigurationResponse.newBuilder()
                            .addAllParameters(o.result().getConfiguration().getParametersList())
                            .build()),
        out);
  }

  @Override
  public void updateConfiguration(
      UpdateConfigurationRequest request, StreamObserver<UpdateConfigurationResponse> out) {
    MonoReplies.reply(
        () -> {
          if (request.getValuesMap().isEmpty() && request.getResetList().isEmpty()) {
            throw ApiErrors.invalidArgument(
                "values", "name at least one parameter to set or reset");
          }
          return calls
              .call(
                  request.getInstanceId(),
                  request.getOptions(),
                  Operation.newBuilder()
                      .setUpdateConfiguration(
                          UpdateConfiguration.newBuilder()
                              .putAllValues(request.getValuesMap())
                              .addAllReset(request.getResetList()))
                      .build())
              .map(
                  o ->
                      UpdateConfigurationResponse.newBuilder()
                          .setCommandId(o.commandId())
                          .addAllParameters(o.result().getConfiguration().getParametersList())
                          .build());
        },
        out);
  }
}
