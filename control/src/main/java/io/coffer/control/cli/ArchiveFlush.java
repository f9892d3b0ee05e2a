package io.coffer.control.cli;

import io.coffer.proto.v1.FlushLogArchiveRequest;
import io.coffer.proto.v1.LogArchiveFlushed;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer archive flush INSTANCE}. */
@Command(
    name = "flush",
    description = {
      "Close the instance's current log file and wait until everything committed so far is in its log "
          + "archive, so that a point-in-time restore can reach the present.",
      "Errors: FAILED_PRECONDITION (the instance archives no log, e.g. a replica), UNAVAILABLE (the archive did "
          + "not catch up within --wait: the message says why, e.g. the storage is unreachable)."
    })
final class ArchiveFlush extends MutatingCommand {

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance id.")
  String instanceId;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description =
          "How long the agent waits for the archive, 1-3600 seconds (default ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Override
  int run(ControlClient client) {
    if (waitSeconds < 1 || waitSeconds > 3600) {
      throw new CliException(ExitCodes.USAGE, "--wait must be 1-3600 seconds, not " + waitSeconds);
    }
    LogArchiveFlushed done =
        client
            .backupJobs()
            .flushLogArchive(
                FlushLogArchiveRequest.newBuilder()
                    .setInstanceId(instanceId)
                    .setOptions(options(client))
                    .setTimeoutSeconds(waitSeconds)
                    .build());
    if (output().json()) {
      output().json(done);
    } else {
      Instant at =
          Instant.ofEpochSecond(done.getArchivedAt().getSeconds(), done.getArchivedAt().getNanos());
      output()
          .line(
              "Archived "
                  + instanceId
                  + "'s log up to "
                  + done.getFile()
                  + " (archive "
                  + done.getArchiveId()
                  + ", at "
                  + at
                  + ")");
    }
    return ExitCodes.OK;
  }
}
