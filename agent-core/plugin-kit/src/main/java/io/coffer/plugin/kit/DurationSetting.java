package io.coffer.plugin.kit;

import io.coffer.spi.DatastoreContext;
import io.coffer.spi.DatastoreException;
import java.time.Duration;
import java.util.regex.Pattern;

/** A plugin setting ({@code datastore.settings.<key>}) that is a whole number of seconds. */
public final class DurationSetting {
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

  private DurationSetting() {}

  /**
   * @throws DatastoreException INVALID_ARGUMENT naming {@code datastore.settings.<key>} when the
   *     value is not a number of seconds from {@code min} to {@code max}
   */
  public static Duration seconds(
      DatastoreContext context, String key, int defaultSeconds, int min, int max) {
    String value = context.setting(key, Integer.toString(defaultSeconds));
    if (!DIGITS.matcher(value).matches()
        || Integer.parseInt(value) < min
        || Integer.parseInt(value) > max) {
      throw DatastoreException.invalidArgument(
          "datastore.settings." + key, "must be a number of seconds from " + min + " to " + max);
    }
    return Duration.ofSeconds(Integer.parseInt(value));
  }
}
