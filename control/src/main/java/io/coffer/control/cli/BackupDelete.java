package io.coffer.control.cli;

import io.coffer.proto.v1.DeleteBackupRequest;
import io.coffer.proto.v1.DeleteBackupResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer backup delete BACKUP_ID}. */
@Command(
    name = "delete",
    description = {
      "Delete a backup from its storage and from the catalog, and print the ids deleted.",
      "Refused (exit code 1) when other backups depend on it (incremental backups built on it) unless "
          + "--cascade, or while it is still running."
    })
final class BackupDelete extends ClientCommand {

  @Parameters(index = "0", paramLabel = "BACKUP_ID", description = "Backup id.")
  String backupId;

  @Option(
      names = "--cascade",
      description = "Also delete every backup that depends on it, dependents first.")
  boolean cascade;

  @Override
  int run(ControlClient client) {
    DeleteBackupResponse response;
    try {
      response =
          client
              .backupJobs()
              .deleteBackup(
                  DeleteBackupRequest.newBuilder()
                      .setBackupId(backupId)
                      .setOptions(client.options(null))
                      .setCascade(cascade)
                      .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
        throw new CliException(
            ExitCodes.of(e.getStatus().getCode()), dependents(Errors.describe(e.getStatus())), e);
      }
      throw e;
    }
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    for (String id : response.getDeletedBackupIdsList()) {
      output().line("Deleted backup " + id);
    }
    return ExitCodes.OK;
  }

  /**
   * The control's refusal, naming the option to use: it says "cascade", the CLI's option is {@code
   * --cascade}.
   */
  static String dependents(String message) {
    String text = message.replaceAll("(?<![-\\w])cascade\\b", "--cascade");
    if (!text.contains("--cascade") && (text.contains("parent of") || text.contains("depend"))) {
      text += " (use --cascade to delete them too)";
    }
    return text;
  }
}
