package io.coffer.control.cli;

import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.ListBackupsRequest;
import io.coffer.proto.v1.ListBackupsResponse;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer backup list [INSTANCE]}. */
@Command(
    name = "list",
    description =
        "List backups, newest first: of one instance, or of every instance. SIZE is the stored size "
            + "(compressed and encrypted), known once a backup has completed; CREATED is its age.")
final class BackupList extends ClientCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "INSTANCE",
      description = "Instance id (default: every instance).")
  String instanceId;

  @Override
  int run(ControlClient client) {
    ListBackupsResponse response =
        client
            .backups()
            .listBackups(
                ListBackupsRequest.newBuilder()
                    .setInstanceId(instanceId != null ? instanceId : "")
                    .build());
    if (output().json()) {
      output().json(response);
      return ExitCodes.OK;
    }
    Instant now = Instant.now();
    output()
        .table(
            List.of("ID", "INSTANCE", "TYPE", "PARENT", "STATE", "SIZE", "CREATED"),
            response.getBackupsList().stream().map(b -> row(b, now)).toList());
    return ExitCodes.OK;
  }

  static List<String> row(Backup backup, Instant now) {
    return List.of(
        backup.getBackupId(),
        backup.getInstanceId(),
        Output.label(backup.getType(), "BACKUP_TYPE_"),
        backup.getParentId(),
        Output.label(backup.getState(), "BACKUP_STATE_"),
        backup.hasManifest() ? Output.bytes(backup.getManifest().getStoredBytes()) : "-",
        Output.age(backup.getCreated(), now));
  }
}
