package io.coffer.control.cli;

import io.coffer.proto.v1.Event;
import io.coffer.proto.v1.WatchEventsRequest;
import io.grpc.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer events watch [--since N] [--instance X]... [--kind K]... [--count N]}. */
@Command(
    name = "watch",
    description = {
      "Print the events journaled after sequence N (default: only new ones), then each new one as it happens, one "
          + "line each (with --json, one JSON object per line). Resume with --since the last sequence printed: "
          + "nothing is missed or repeated, also across control restarts. Events are kept 7 days.",
      "Kinds: instance_unreachable, instance_reachable, datastore_down, datastore_up, failover_started, "
          + "failover_completed, failover_declined, fencing_applied, repair_started, repair_completed, "
          + "replica_lag_over_threshold, backup_completed, backup_failed, certificate_near_expiry, storage_nearly_full, "
          + "workflow_failed, identity_conflict."
    })
final class EventsWatch extends ClientCommand {

  @Option(
      names = "--since",
      paramLabel = "N",
      description = "Start after this sequence; 0 for every event kept.")
  Long since;

  @Option(
      names = "--instance",
      paramLabel = "ID",
      description = "Only events of this instance (repeatable).")
  List<String> instances = new ArrayList<>();

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      split = ",",
      description = "Only events of this kind (repeatable, or comma-separated).")
  List<String> kinds = new ArrayList<>();

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Stop after N events (default: follow until interrupted).")
  Integer count;

  @Override
  int run(ControlClient client) {
    if (count != null && count < 1) {
      throw new CliException(ExitCodes.USAGE, "--count must be at least 1");
    }
    if (since != null && since < 0) {
      throw new CliException(ExitCodes.USAGE, "--since must be 0 or more");
    }
    // the watch is cancelled when the count is reached (a blocking stream otherwise waits on)
    Context.CancellableContext watch = Context.current().withCancellation();
    try {
      return watch.call(
          () -> {
            Iterator<Event> events =
                client
                    .events()
                    .watchEvents(
                        WatchEventsRequest.newBuilder()
                            .setSinceSequence(since != null ? since : 0)
                            .setOnlyNew(since == null)
                            .addAllInstanceIds(instances)
                            .addAllKinds(kinds)
                            .build());
            int printed = 0;
            while ((count == null || printed < count) && events.hasNext()) {
              print(events.next());
              printed++;
            }
            return ExitCodes.OK;
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      watch.cancel(null);
    }
  }

  private void print(Event e) {
    if (output().json()) {
      output().jsonLine(e);
      return;
    }
    Map<String, String> details = new TreeMap<>(e.getDetailsMap());
    output()
        .line(
            "#"
                + e.getSequence()
                + " "
                + Output.time(e.getAt())
                + " "
                + e.getKind()
                + (e.getInstanceId().isEmpty() ? "" : " " + e.getInstanceId())
                + ": "
                + e.getMessage()
                + (details.isEmpty()
                    ? ""
                    : " ("
                        + details.entrySet().stream()
                            .map(d -> d.getKey() + "=" + d.getValue())
                            .collect(Collectors.joining(", "))
                        + ")"));
  }
}
