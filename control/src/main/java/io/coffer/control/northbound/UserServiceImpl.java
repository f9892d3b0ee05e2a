package io.coffer.control.northbound;

import io.coffer.proto.v1.ChangePassword;
import io.coffer.proto.v1.ChangePasswordRequest;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CreateUser;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.DeleteUser;
import io.coffer.proto.v1.DeleteUserRequest;
import io.coffer.proto.v1.EnableRoot;
import io.coffer.proto.v1.EnableRootRequest;
import io.coffer.proto.v1.EnableRootResponse;
import io.coffer.proto.v1.GrantAccess;
import io.coffer.proto.v1.GrantAccessRequest;
import io.coffer.proto.v1.ListUsers;
import io.coffer.proto.v1.ListUsersRequest;
import io.coffer.proto.v1.ListUsersResponse;
import io.coffer.proto.v1.Operation;
import io.coffer.proto.v1.RevokeAccess;
import io.coffer.proto.v1.RevokeAccessRequest;
import io.coffer.proto.v1.UserServiceGrpc;
import io.grpc.stub.StreamObserver;
import reactor.core.publisher.Mono;

/** Datastore users on an instance, executed by its agent. Passwords are never logged. */
public final class UserServiceImpl extends UserServiceGrpc.UserServiceImplBase {
  private final AgentCalls calls;

  UserServiceImpl(AgentCalls calls) {
    this.calls = calls;
  }

  @Override
  public void createUser(CreateUserRequest r, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () -> {
          Requests.required("name", r.getName());
          Requests.required("password", r.getPassword());
          return mutate(
              r.getInstanceId(),
              r.getOptions(),
              Operation.newBuilder()
                  .setCreateUser(
                      CreateUser.newBuilder()
                          .setName(r.getName())
                          .setHost(r.getHost())
                          .setPassword(r.getPassword())
                          .addAllDatabases(r.getDatabasesList())
                          .setAccessRules(r.getAccessRules()))
                  .build());
        },
        out);
  }

  @Override
  public void listUsers(ListUsersRequest r, StreamObserver<ListUsersResponse> out) {
    MonoReplies.reply(
        () ->
            calls
                .call(
                    r.getInstanceId(),
                    r.getOptions(),
                    Operation.newBuilder().setListUsers(ListUsers.getDefaultInstance()).build())
                .map(
                    o ->
                        ListUsersResponse.newBuilder()
                            .addAllUsers(o.result().getUsers().getUsersList())
                            .build()),
        out);
  }

  @Override
  public void deleteUser(DeleteUserRequest r, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () -> {
          Requests.required("name", r.getName());
          return mutate(
              r.getInstanceId(),
              r.getOptions(),
              Operation.newBuilder()
                  .setDeleteUser(DeleteUser.newBuilder().setName(r.getName()).setHost(r.getHost()))
                  .build());
        },
        out);
  }

  @Override
  public void grantAccess(GrantAccessRequest r, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () -> {
          Requests.required("name", r.getName());
          Requests.nonEmpty("databases", r.getDatabasesList());
          return mutate(
              r.getInstanceId(),
              r.getOptions(),
              Operation.newBuilder()
                  .setGrantAccess(
                      GrantAccess.newBuilder()
                          .setName(r.getName())
                          .setHost(r.getHost())
                          .addAllDatabases(r.getDatabasesList()))
                  .build());
        },
        out);
  }

  @Override
  public void revokeAccess(RevokeAccessRequest r, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () -> {
          Requests.required("name", r.getName());
          Requests.nonEmpty("databases", r.getDatabasesList());
          return mutate(
              r.getInstanceId(),
              r.getOptions(),
              Operation.newBuilder()
                  .setRevokeAccess(
                      RevokeAccess.newBuilder()
                          .setName(r.getName())
                          .setHost(r.getHost())
                          .addAllDatabases(r.getDatabasesList()))
                  .build());
        },
        out);
  }

  @Override
  public void changePassword(ChangePasswordRequest r, StreamObserver<CommandReply> out) {
    MonoReplies.reply(
        () -> {
          Requests.required("name", r.getName());
          Requests.required("password", r.getPassword());
          return mutate(
              r.getInstanceId(),
              r.getOptions(),
              Operation.newBuilder()
                  .setChangePassword(
                      ChangePassword.newBuilder()
                          .setName(r.getName())
                          .setHost(r.getHost())
                          .setPassword(r.getPassword()))
                  .build());
        },
        out);
  }

  @Override
  public void enableRoot(EnableRootRequest r, StreamObserver<EnableRootResponse> out) {
    MonoReplies.reply(
        () -> {
          Requests.required("password", r.getPassword());
          return calls
              .call(
                  r.getInstanceId(),
                  r.getOptions(),
                  Operation.newBuilder()
                      .setEnableRoot(EnableRoot.newBuilder().setPassword(r.getPassword()))
                      .build())
              .map(
                  o ->
                      EnableRootResponse.newBuilder()
                          .setCommandId(o.commandId())
                          .setCredentials(o.result().getRoot())
                          .build());
        },
        out);
  }

  private Mono<CommandReply> mutate(String instanceId, CommandOptions options, Operation op) {
    return calls
        .call(instanceId, options, op)
        .map(o -> CommandReply.newBuilder().setCommandId(o.commandId()).build());
  }
}
