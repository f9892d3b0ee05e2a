package io.coffer.control.cli;

import com.google.protobuf.Message;
import io.coffer.control.ca.CofferHome;
import io.coffer.control.security.Identity;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.BackupServiceGrpc;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.ChangePasswordRequest;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CommandReply;
import io.coffer.proto.v1.CommandServiceGrpc;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.CreateDatabaseRequest;
import io.coffer.proto.v1.CreateReplicaRequest;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.DatabaseServiceGrpc;
import io.coffer.proto.v1.DeleteBackupRequest;
import io.coffer.proto.v1.DeleteBackupResponse;
import io.coffer.proto.v1.DeleteBackupScheduleRequest;
import io.coffer.proto.v1.DeleteBackupScheduleResponse;
import io.coffer.proto.v1.DeleteDatabaseRequest;
import io.coffer.proto.v1.DeleteUserRequest;
import io.coffer.proto.v1.EjectRequest;
import io.coffer.proto.v1.EnableRootRequest;
import io.coffer.proto.v1.EnableRootResponse;
import io.coffer.proto.v1.GetBackupRequest;
import io.coffer.proto.v1.GetBackupScheduleRequest;
import io.coffer.proto.v1.GetCommandRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.GetWorkflowRequest;
import io.coffer.proto.v1.GrantAccessRequest;
import io.coffer.proto.v1.InstanceServiceGrpc;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListBackupsRequest;
import io.coffer.proto.v1.ListBackupsResponse;
import io.coffer.proto.v1.ListDatabasesRequest;
import io.coffer.proto.v1.ListDatabasesResponse;
import io.coffer.proto.v1.ListInstancesRequest;
import io.coffer.proto.v1.ListInstancesResponse;
import io.coffer.proto.v1.ListReplicasRequest;
import io.coffer.proto.v1.ListReplicasResponse;
import io.coffer.proto.v1.ListUsersRequest;
import io.coffer.proto.v1.ListUsersResponse;
import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.RepairReplicaRequest;
import io.coffer.proto.v1.ReplicationServiceGrpc;
import io.coffer.proto.v1.RestoreBackupRequest;
import io.coffer.proto.v1.RevokeAccessRequest;
import io.coffer.proto.v1.SetBackupScheduleRequest;
import io.coffer.proto.v1.UserServiceGrpc;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A stand-in for the control's northbound API, over the same TLS set-up (TLS 1.3, the control
 * certificate of a Coffer home, client certificates optional): records what the CLI sends, answers
 * with canned replies or errors.
 */
final class FakeControl implements AutoCloseable {

  /** Requests received, in order. */
  final List<Message> requests = new CopyOnWriteArrayList<>();

  /** Per call, what the caller presented: "coffer://client/NAME", "Bearer TOKEN" or "anonymous". */
  final List<String> callers = new CopyOnWriteArrayList<>();

  /**
   * Canned replies by method name ("ListInstances"); default: an empty reply echoing the command
   * id.
   */
  final Map<String, Message> replies = new ConcurrentHashMap<>();

  /** Errors by method name, thrown instead of replying. */
  final Map<String, StatusRuntimeException> errors = new ConcurrentHashMap<>();

  /** Replies by method name used once each, in order, before {@link #replies}. */
  final Map<String, Queue<Message>> queued = new ConcurrentHashMap<>();

  /** How long to take before answering, by method name, in milliseconds. */
  final Map<String, Long> delays = new ConcurrentHashMap<>();

  private final Server server;

  FakeControl(CofferHome home) throws IOException {
    ServerInterceptor who =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String caller = caller(call, headers);
            if (caller.equals("anonymous")) { // as the control's ApiAuthInterceptor does
              call.close(
                  Status.UNAUTHENTICATED.withDescription(
                      "a client certificate or a bearer token is required"),
                  new Metadata());
              return new ServerCall.Listener<>() {};
            }
            callers.add(caller);
            return next.startCall(call, headers);
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(
                GrpcSslContexts.forServer(home.controlCert().toFile(), home.controlKey().toFile())
                    .trustManager(home.caCert().toFile())
                    .clientAuth(ClientAuth.OPTIONAL)
                    .protocols("TLSv1.3")
                    .build())
            .addService(ServerInterceptors.intercept(new Instances(), who))
            .addService(ServerInterceptors.intercept(new Databases(), who))
            .addService(ServerInterceptors.intercept(new Users(), who))
            .addService(ServerInterceptors.intercept(new Commands(), who))
            .addService(ServerInterceptors.intercept(new Backups(), who))
            .addService(ServerInterceptors.intercept(new Replication(), who))
            .build()
            .start();
  }

  /**
   * Answers {@code method} with {@code replies}, one per call, then with {@link #replies} or the
   * default.
   */
  void queue(String method, Message... replies) {
    queued.computeIfAbsent(method, m -> new ConcurrentLinkedQueue<>()).addAll(List.of(replies));
  }

  /** Requests of one type received, in order. */
  <T extends Message> List<T> all(Class<T> type) {
    return requests.stream().filter(type::isInstance).map(type::cast).toList();
  }

  int port() {
    return server.getPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  @SuppressWarnings("unchecked")
  <T extends Message> T last(Class<T> type) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      if (type.isInstance(requests.get(i))) {
        return (T) requests.get(i);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " received; got " + requests);
  }

  private static String caller(ServerCall<?, ?> call, Metadata headers) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    try {
      if (session != null && session.getPeerCertificates().length > 0) {
        return Identity.of((X509Certificate) session.getPeerCertificates()[0])
            .map(id -> id.uri().toString())
            .orElse("unknown certificate");
      }
    } catch (SSLPeerUnverifiedException e) {
      // no client certificate
    }
    String authorization =
        headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
    return authorization != null ? authorization : "anonymous";
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> void answer(
      String method, Message request, T fallback, StreamObserver<T> out) {
    requests.add(request);
    Long delay = delays.get(method);
    if (delay != null) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    StatusRuntimeException error = errors.get(method);
    if (error != null) {
      out.onError(error);
      return;
    }
    Queue<Message> next = queued.get(method);
    Message once = next != null ? next.poll() : null;
    out.onNext((T) (once != null ? once : replies.getOrDefault(method, fallback)));
    out.onCompleted();
  }

  private static CommandReply reply(CommandOptions options) {
    return CommandReply.newBuilder().setCommandId(options.getCommandId()).build();
  }

  private final class Instances extends InstanceServiceGrpc.InstanceServiceImplBase {
    @Override
    public void listInstances(
        ListInstancesRequest request, StreamObserver<ListInstancesResponse> out) {
      answer("ListInstances", request, ListInstancesResponse.getDefaultInstance(), out);
    }

    @Override
    public void getInstance(GetInstanceRequest request, StreamObserver<InstanceStatus> out) {
      answer(
          "GetInstance",
          request,
          InstanceStatus.newBuilder().setInstanceId(request.getInstanceId()).build(),
          out);
    }
  }

  private final class Databases extends DatabaseServiceGrpc.DatabaseServiceImplBase {
    @Override
    public void createDatabase(CreateDatabaseRequest request, StreamObserver<CommandReply> out) {
      answer("CreateDatabase", request, reply(request.getOptions()), out);
    }

    @Override
    public void listDatabases(
        ListDatabasesRequest request, StreamObserver<ListDatabasesResponse> out) {
      answer("ListDatabases", request, ListDatabasesResponse.getDefaultInstance(), out);
    }

    @Override
    public void deleteDatabase(DeleteDatabaseRequest request, StreamObserver<CommandReply> out) {
      answer("DeleteDatabase", request, reply(request.getOptions()), out);
    }
  }

  private final class Users extends UserServiceGrpc.UserServiceImplBase {
    @Override
    public void createUser(CreateUserRequest request, StreamObserver<CommandReply> out) {
      answer("CreateUser", request, reply(request.getOptions()), out);
    }

    @Override
    public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> out) {
      answer("ListUsers", request, ListUsersResponse.getDefaultInstance(), out);
    }

    @Override
    public void deleteUser(DeleteUserRequest request, StreamObserver<CommandReply> out) {
      answer("DeleteUser", request, reply(request.getOptions()), out);
    }

    @Override
    public void grantAccess(GrantAccessRequest request, StreamObserver<CommandReply> out) {
      answer("GrantAccess", request, reply(request.getOptions()), out);
    }

    @Override
    public void revokeAccess(RevokeAccessRequest request, StreamObserver<CommandReply> out) {
      answer("RevokeAccess", request, reply(request.getOptions()), out);
    }

    @Override
    public void changePassword(ChangePasswordRequest request, StreamObserver<CommandReply> out) {
      answer("ChangePassword", request, reply(request.getOptions()), out);
    }

    @Override
    public void enableRoot(EnableRootRequest request, StreamObserver<EnableRootResponse> out) {
      answer(
          "EnableRoot",
          request,
          EnableRootResponse.newBuilder().setCommandId(request.getOptions().getCommandId()).build(),
          out);
    }
  }

  private final class Commands extends CommandServiceGrpc.CommandServiceImplBase {
    @Override
    public void getCommand(GetCommandRequest request, StreamObserver<CommandStatus> out) {
      answer(
          "GetCommand",
          request,
          CommandStatus.newBuilder().setCommandId(request.getCommandId()).build(),
          out);
    }
  }

  private final class Backups extends BackupServiceGrpc.BackupServiceImplBase {
    @Override
    public void createBackup(CreateBackupRequest request, StreamObserver<Backup> out) {
      answer(
          "CreateBackup",
          request,
          Backup.newBuilder()
              .setBackupId("bk-000000000001")
              .setInstanceId(request.getInstanceId())
              .setType(
                  request.getType() == BackupType.BACKUP_TYPE_UNSPECIFIED
                      ? BackupType.BACKUP_TYPE_FULL
                      : request.getType())
              .setParentId(request.getParentId())
              .setState(BackupState.BACKUP_STATE_PENDING)
              .setCommandId(request.getOptions().getCommandId())
              .setOrigin("user")
              .build(),
          out);
    }

    @Override
    public void getBackup(GetBackupRequest request, StreamObserver<Backup> out) {
      answer(
          "GetBackup",
          request,
          Backup.newBuilder().setBackupId(request.getBackupId()).build(),
          out);
    }

    @Override
    public void listBackups(ListBackupsRequest request, StreamObserver<ListBackupsResponse> out) {
      answer("ListBackups", request, ListBackupsResponse.getDefaultInstance(), out);
    }

    @Override
    public void deleteBackup(
        DeleteBackupRequest request, StreamObserver<DeleteBackupResponse> out) {
      answer(
          "DeleteBackup",
          request,
          DeleteBackupResponse.newBuilder().addDeletedBackupIds(request.getBackupId()).build(),
          out);
    }

    @Override
    public void restoreBackup(RestoreBackupRequest request, StreamObserver<CommandReply> out) {
      answer("RestoreBackup", request, reply(request.getOptions()), out);
    }

    @Override
    public void setBackupSchedule(
        SetBackupScheduleRequest request, StreamObserver<BackupSchedule> out) {
      answer("SetBackupSchedule", request, request.getSchedule(), out);
    }

    @Override
    public void getBackupSchedule(
        GetBackupScheduleRequest request, StreamObserver<BackupSchedule> out) {
      answer(
          "GetBackupSchedule",
          request,
          BackupSchedule.newBuilder().setInstanceId(request.getInstanceId()).build(),
          out);
    }

    @Override
    public void deleteBackupSchedule(
        DeleteBackupScheduleRequest request, StreamObserver<DeleteBackupScheduleResponse> out) {
      answer(
          "DeleteBackupSchedule", request, DeleteBackupScheduleResponse.getDefaultInstance(), out);
    }
  }

  /** A workflow just started, at its first step, as the control returns it. */
  static Workflow started(
      String id, String kind, int stepCount, String stepName, Map<String, String> details) {
    return Workflow.newBuilder()
        .setWorkflowId(id)
        .setKind(kind)
        .setState(WorkflowState.WORKFLOW_STATE_RUNNING)
        .setStepsDone(0)
        .setStepCount(stepCount)
        .setStepName(stepName)
        .putAllDetails(details)
        .build();
  }

  private final class Replication extends ReplicationServiceGrpc.ReplicationServiceImplBase {
    @Override
    public void createReplica(CreateReplicaRequest request, StreamObserver<Workflow> out) {
      answer(
          "CreateReplica",
          request,
          started(
              request.getOptions().getCommandId(),
              "create_replica",
              5,
              "prepare the source's replication account",
              Map.of(
                  "source",
                  request.getSourceInstanceId(),
                  "replica",
                  request.getInstanceId(),
                  "semi_sync",
                  String.valueOf(request.getSemiSync()))),
          out);
    }

    @Override
    public void promote(PromoteRequest request, StreamObserver<Workflow> out) {
      answer(
          "Promote",
          request,
          started(
              request.getOptions().getCommandId(),
              "switchover",
              6,
              "fence the source (read-only)",
              Map.of("replica", request.getInstanceId())),
          out);
    }

    @Override
    public void eject(EjectRequest request, StreamObserver<Workflow> out) {
      answer(
          "Eject",
          request,
          started(
              request.getOptions().getCommandId(),
              "failover",
              5,
              "find the most advanced replica",
              Map.of("source", request.getSourceInstanceId())),
          out);
    }

    @Override
    public void repairReplica(RepairReplicaRequest request, StreamObserver<Workflow> out) {
      answer(
          "RepairReplica",
          request,
          started(
              request.getOptions().getCommandId(),
              "repair_replica",
              6,
              "prepare the source's replication account",
              Map.of("replica", request.getInstanceId())),
          out);
    }

    @Override
    public void listReplicas(
        ListReplicasRequest request, StreamObserver<ListReplicasResponse> out) {
      answer("ListReplicas", request, ListReplicasResponse.getDefaultInstance(), out);
    }

    @Override
    public void getWorkflow(GetWorkflowRequest request, StreamObserver<Workflow> out) {
      answer(
          "GetWorkflow",
          request,
          Workflow.newBuilder().setWorkflowId(request.getWorkflowId()).build(),
          out);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
