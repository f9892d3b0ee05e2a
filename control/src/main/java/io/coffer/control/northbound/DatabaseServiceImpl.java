package io.coffer.control.northbound;

import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CreateDatabase;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.DatabaseServiceGrpc;
import io.coffer.proto.v1.DeleteDatabase;
import io.coffer.proto.v1.DeleteDatabaseRequest;
import io.coffer.proto.v1.ListDatabases;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.proto.v1.ListDatabasesResponse;
import io.coffer.proto.v1.Operation;
import io.grpc.stub.StreamObserver;

/** Databases on an instance, executed by its agent. Engine naming rules are the plugin's. */
public final class DatabaseServiceImpl extends DatabaseServiceGrpc.DatabaseServiceImplBase {
  private final AgentCalls calls;

  DatabaseServiceImpl(AgentCalls calls) {
    this.calls = calls;
  }

  @Override
  public void createDatabase(CreateDatabaseRequest request, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () -> {
          Requests.required("database.name", request.getDatabase().getName());
          return calls
              .call(
                  request.getInstanceId(),
                  request.getOptions(),
                  Operation.newBuilder()
                      .setCreateDatabase(
                          CreateDatabase.newBuilder().setDatabase(request.getDatabase()))
                      .build())
              .map(o -> CommandReply.newBuilder().setCommandId(o.commandId()).build());
        },
        out);
  }

  @Override
  public void listDatabases(
      ListDatabasesRequest request, StreamObserver<ListDatabasesResponse> out) {
    MonoReplies.reply(
        () ->
            calls
                .call(
                    request.getInstanceId(),
                    request.getOptions(),
                    Operation.newBuilder()
                        .setListDatabases(ListDatabases.getDefaultInstance())
                        .build())
                .map(
                    o ->
                        ListDatabasesResponse.newBuilder()
                            .addAllDatabases(o.result().getDatabases().getDatabasesList())
                            .build()),
        out);
  }

  @Override
  public void deleteDatabase(DeleteDatabaseRequest request, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () -> {
          Requests.required("name", request.getName());
          return calls
              .call(
                  request.getInstanceId(),
                  request.getOptions(),
                  Operation.newBuilder()
                      .setDeleteDatabase(DeleteDatabase.newBuilder().setName(request.getName()))
                      .build())
              .map(o -> CommandReply.newBuilder().setCommandId(o.commandId()).build());
        },
        out);
  }
}
