package io.coffer.agent.notice;

import com.google.protobuf.Timestamp;
import io.coffer.agent.config.AgentConfig;
import io.coffer.proto.v1.AgentEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Checks the data volume and the agent's certificate every minute (the first time 5 s after the
 * start) and reports {@code storage_nearly_full} and {@code certificate_near_expiry} events through
 * the control channel, which keeps them until it is connected. The last figures go into every
 * heartbeat: {@code storage_used_percent}, {@code storage_free_bytes} and {@code
 * certificate_days_left}.
 */
public final class NoticeWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NoticeWatch.class);
  private static final Duration FIRST = Duration.ofSeconds(5);
  private static final Duration EVERY = Duration.ofMinutes(1);

  private final StorageCheck storage;
  private final CertificateCheck certificate;
  private final int fullPercent;
  private final Consumer<AgentEvent> events;
  private final Clock clock;
  private final Scheduler thread = Schedulers.newSingle("coffer-notices", true);
  private volatile Map<String, Double> metrics = Map.of();
  private Disposable checks;

  public NoticeWatch(
      Path dataDir,
      Path certFile,
      AgentConfig.Notices notices,
      Consumer<AgentEvent> events,
      Clock clock) {
    this.storage = new StorageCheck(dataDir, notices.storageNearlyFullPercent());
    this.certificate = new CertificateCheck(certFile, notices.certificateWarning());
    this.fullPercent = notices.storageNearlyFullPercent();
    this.events = events;
    this.clock = clock;
  }

  public void start() {
    checks =
        thread.schedulePeriodically(
            this::check, FIRST.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The figures of the last check, for the heartbeat. */
  public Map<String, Double> metrics() {
    return metrics;
  }

  void check() {
    Map<String, Double> m = new HashMap<>();
    Instant now = clock.instant();
    storage
        .read()
        .ifPresent(
            r -> {
              m.put("storage_used_percent", Math.round(r.usedPercent() * 10) / 10.0);
              m.put("storage_free_bytes", (double) r.freeBytes());
              storage
                  .due(r)
                  .ifPresent(
                      full -> {
                        String message =
                            String.format(
                                Locale.ROOT,
                                "the data volume is %.1f%% full (%d MiB free)",
                                full.usedPercent(),
                                full.freeBytes() >> 20);
                        log.warn("{}", message);
                        report(
                            "storage_nearly_full",
                            message,
                            StorageCheck.details(full, fullPercent),
                            now);
                      });
            });
    certificate
        .validity()
        .ifPresent(
            validity -> {
              Instant end = validity.notAfter();
              double daysLeft = Duration.between(now, end).toHours() / 24.0;
              m.put("certificate_days_left", Math.floor(daysLeft * 10) / 10.0);
              if (certificate.due(validity, now)) {
                String message =
                    "the agent's certificate expires at "
                        + end
                        + " ("
                        + (long) Math.floor(daysLeft)
                        + " days left)";
                log.warn("{}", message);
                report(
                    "certificate_near_expiry",
                    message,
                    Map.of(
                        "not_after",
                        end.toString(),
                        "days_left",
                        Long.toString((long) Math.floor(daysLeft))),
                    now);
              }
            });
    metrics = Map.copyOf(m);
  }

  private void report(String kind, String message, Map<String, String> details, Instant at) {
    events.accept(
        AgentEvent.newBuilder()
            .setKind(kind)
            .setMessage(message)
            .putAllDetails(details)
            .setAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
            .build());
  }

  @Override
  public void close() {
    if (checks != null) {
      checks.dispose();
    }
    thread.dispose();
  }
}
