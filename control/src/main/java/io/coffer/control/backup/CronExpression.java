package io.coffer.control.backup;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A UNIX cron expression (five fields: minute hour day-of-month month day-of-week), evaluated in
 * UTC, parsed by cron-utils.
 */
public final class CronExpression {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private final String text;
  private final ExecutionTime times;

  private CronExpression(String text, ExecutionTime times) {
    this.text = text;
    this.times = times;
  }

  /**
   * @throws IllegalArgumentException with cron-utils' explanation when the text is not valid
   */
  public static CronExpression parse(String text) {
    try {
      return new CronExpression(text, ExecutionTime.forCron(PARSER.parse(text.trim()).validate()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a cron expression of 5 fields (minute hour"
              + " day-of-month month day-of-week, e.g. \"0 3 * * *\"): "
              + e.getMessage(),
          e);
    }
  }

  /** The latest occurrence at or before {@code now}, if any. */
  public Optional<Instant> lastAtOrBefore(Instant now) {
    ZonedDateTime minute = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    if (times.isMatch(minute)) { // lastExecution() is strictly before its argument
      return Optional.of(minute.toInstant());
    }
    return times.lastExecution(minute).map(ZonedDateTime::toInstant);
  }

  /** The next occurrence after {@code now}, if any. */
  public Optional<Instant> nextAfter(Instant now) {
    return times.nextExecution(now.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toInstant);
  }

  @Override
  public String toString() {
    return text;
  }
}
