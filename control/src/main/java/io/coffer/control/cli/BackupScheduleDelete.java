package io.coffer.control.cli;

import io.coffer.proto.v1.DeleteBackupScheduleRequest;
import io.coffer.proto.v1.DeleteBackupScheduleResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer backup schedule delete INSTANCE}. */
@Command(
    name = "delete",
    description =
        "Delete an instance's backup schedule: no more scheduled backups, and no more retention. "
            + "Backups already taken stay. Succeeds also when the instance has no schedule.")
final class BackupScheduleDelete extends ClientCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Override
  int run(ControlClient client) {
    DeleteBackupScheduleResponse response =
        client
            .backups()
            .deleteBackupSchedule(
                DeleteBackupScheduleRequest.newBuilder().setInstanceId(instanceId).build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    output().line("Deleted the backup schedule of " + instanceId + " (backups already taken stay)");
    return ExitCodes.OK;
  }
}
