package io.coffer.control.cli;

import io.coffer.proto.v1.HaSettings;
import io.coffer.proto.v1.SetHaSettingsRequest;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer ha set PRIMARY [--enabled true|false] [--window D] [--max-lag D] [--lease D]}. */
@Command(
    name = "set",
    description = {
      "Change the group's automatic failover; settings not given keep their values.",
      "Ranges: --window 2s to 10m (default 6s), --max-lag 0s to 1h (default 10s), --lease 1s to the window minus 1s "
          + "(default 4s)."
    })
final class HaSet extends ClientCommand {

  @Parameters(index = "0", paramLabel = "PRIMARY", description = "The group's primary.")
  String primary;

  @Option(
      names = "--enabled",
      paramLabel = "true|false",
      arity = "1",
      description = "Automatic failover on or off.")
  Boolean enabled;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      converter = CofferCli.DurationConverter.class,
      description =
          "How long the primary may be silent or its datastore down before a failover, e.g. 6s.")
  Duration window;

  @Option(
      names = "--max-lag",
      paramLabel = "DURATION",
      converter = CofferCli.DurationConverter.class,
      description = "A replica further behind is not promoted automatically, e.g. 10s.")
  Duration maxLag;

  @Option(
      names = "--lease",
      paramLabel = "DURATION",
      converter = CofferCli.DurationConverter.class,
      description =
          "How long the primary takes writes without the control; then its agent fences it, e.g. 4s.")
  Duration lease;

  @Override
  int run(ControlClient client) {
    SetHaSettingsRequest.Builder r = SetHaSettingsRequest.newBuilder().setSourceInstanceId(primary);
    if (enabled != null) {
      r.setEnabled(enabled);
    }
    if (window != null) {
      r.setDetectionWindowMillis(millis(window));
    }
    if (maxLag != null) {
      r.setMaxLagMillis(millis(maxLag));
    }
    if (lease != null) {
      r.setLeaseMillis(millis(lease));
    }
    HaSettings s = client.replication().setHaSettings(r.build());
    HaShow.print(output(), s);
    return ExitCodes.OK;
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
