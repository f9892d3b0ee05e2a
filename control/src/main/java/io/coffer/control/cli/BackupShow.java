package io.coffer.control.cli;

import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupManifest;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.GetBackupRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer backup show BACKUP_ID}. */
@Command(
    name = "show",
    description =
        "Show one backup: its state, and once completed its manifest (engine and version, backup tool, "
            + "replication positions, raw, compressed and stored sizes, SHA-256, key id, start and finish times); "
            + "or the error it failed with.")
final class BackupShow extends ClientCommand {

  @Parameters(
      index = "0",
      paramLabel = "BACKUP_ID",
      description = "Backup id, e.g. bk-0123456789ab.")
  String backupId;

  @Override
  int run(ControlClient client) {
    Backup backup =
        client.backups().getBackup(GetBackupRequest.newBuilder().setBackupId(backupId).build());
    if (output().json()) {
      output().json(backup);
      return ExitCodes.OK;
    }
    output().fields(fields(backup));
    return ExitCodes.OK;
  }

  static List<String[]> fields(Backup backup) {
    List<String[]> fields =
        new ArrayList<>(
            List.of(
                new String[] {"Backup", backup.getBackupId()},
                new String[] {"Instance", Output.orDash(backup.getInstanceId())},
                new String[] {"Type", Output.label(backup.getType(), "BACKUP_TYPE_")},
                new String[] {"Parent", Output.orDash(backup.getParentId())},
                new String[] {"State", Output.label(backup.getState(), "BACKUP_STATE_")},
                new String[] {"Origin", Output.orDash(backup.getOrigin())},
                new String[] {"Taken on", Output.orDash(backup.getTakenOnInstanceId())},
                new String[] {"Command", Output.orDash(backup.getCommandId())},
                new String[] {"Created", Output.time(backup.getCreated())},
                new String[] {"Finished", Output.time(backup.getFinished())}));
    if (backup.getState() == BackupState.BACKUP_STATE_FAILED
        || !backup.getErrorMessage().isEmpty()) {
      fields.add(new String[] {"Error", Output.orDash(backup.getErrorMessage())});
    }
    if (backup.hasManifest()) {
      BackupManifest m = backup.getManifest();
      fields.addAll(
          List.of(
              new String[] {"Engine", Output.orDash(m.getEngine())},
              new String[] {"Engine version", Output.orDash(m.getEngineVersion())},
              new String[] {
                "Tool", (Output.orDash(m.getTool()) + " " + m.getToolVersion()).strip()
              },
              new String[] {"Positions", positions(m.getPositionsMap())},
              new String[] {"Raw size", size(m.getRawBytes())},
              new String[] {
                "Compressed size",
                size(m.getCompressedBytes())
                    + (m.getCompression().isEmpty() ? "" : ", " + m.getCompression())
              },
              new String[] {
                "Stored size",
                size(m.getStoredBytes())
                    + (m.getEncryption().isEmpty() ? "" : ", " + m.getEncryption())
              },
              new String[] {"SHA-256", Output.orDash(m.getSha256())},
              new String[] {"Key id", Output.orDash(m.getKeyId())},
              new String[] {"Started", Output.time(m.getStartedAt())},
              new String[] {"Ended", Output.time(m.getFinishedAt())},
              new String[] {"Duration", Output.duration(m.getStartedAt(), m.getFinishedAt())}));
    }
    return fields;
  }

  /** {@code 1.2 GiB (1288490188 bytes)}; {@code 512 B}. */
  static String size(long bytes) {
    return Output.bytes(bytes) + (bytes >= 1024 ? " (" + bytes + " bytes)" : "");
  }

  /** {@code key=value, ...} sorted by key, or "-". */
  static String positions(Map<String, String> positions) {
    if (positions.isEmpty()) {
      return "-";
    }
    return new TreeMap<>(positions)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }
}
