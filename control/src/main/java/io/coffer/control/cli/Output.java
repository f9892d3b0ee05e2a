package io.coffer.control.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Human output (aligned tables and fields) or machine output (one JSON document). */
final class Output {

  private static final JsonFormat.Printer PROTO_JSON =
      JsonFormat.printer().includingDefaultValueFields();
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final PrintWriter out;
  private final boolean json;

  Output(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  boolean json() {
    return json;
  }

  void line(String text) {
    out.println(text);
    out.flush();
  }

  /** A protobuf message as JSON (proto3 JSON mapping, default values included). */
  void json(MessageOrBuilder message) {
    try {
      line(PROTO_JSON.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print " + message.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** A protobuf message as one line of JSON (a stream of them is JSON Lines). */
  void jsonLine(MessageOrBuilder message) {
    try {
      line(PROTO_JSON.omittingInsignificantWhitespace().print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print " + message.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Maps, lists, records and strings as JSON. */
  void jsonValue(Object value) {
    try {
      line(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print JSON", e);
    }
  }

  /** Columns separated by at least two spaces; the last column is not padded. */
  void table(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], cell(row, i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = cell(row, i);
        text.append(cell);
        if (i < widths.length - 1) {
          text.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(text.toString().stripTrailing());
    }
    out.flush();
  }

  /** {@code Label: value} lines, values aligned. */
  void fields(List<String[]> fields) {
    int width = fields.stream().mapToInt(f -> f[0].length()).max().orElse(0) + 1;
    for (String[] field : fields) {
      String label = field[0] + ":";
      out.println((label + " ".repeat(width - label.length() + 2) + field[1]).stripTrailing());
    }
    out.flush();
  }

  private static String cell(List<String> row, int i) {
    String value = i < row.size() ? row.get(i) : null;
    return value == null || value.isEmpty() ? "-" : value;
  }

  /** {@code HEALTH_HEALTHY} with prefix {@code HEALTH_} as {@code healthy}; unspecified as "-". */
  static String label(ProtocolMessageEnum value, String prefix) {
    String name = value.toString();
    if (name.endsWith("_UNSPECIFIED")) {
      return "-";
    }
    if (name.equals("UNRECOGNIZED")) {
      return "unknown";
    }
    if (name.startsWith(prefix)) {
      name = name.substring(prefix.length());
    }
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static boolean isSet(Timestamp timestamp) {
    return timestamp.getSeconds() != 0 || timestamp.getNanos() != 0;
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** ISO-8601 to the second, or "-". */
  static String time(Timestamp timestamp) {
    return isSet(timestamp) ? instant(timestamp).truncatedTo(ChronoUnit.SECONDS).toString() : "-";
  }

  /** How long ago: {@code 4s ago}, {@code 3m ago}, {@code 2h ago}, {@code 5d ago}; or "-". */
  static String age(Timestamp timestamp, Instant now) {
    if (!isSet(timestamp)) {
      return "-";
    }
    Duration age = Duration.between(instant(timestamp), now);
    if (age.isNegative()) {
      return "just now";
    }
    long seconds = age.getSeconds();
    if (seconds < 120) {
      return seconds + "s ago";
    }
    if (seconds < 120 * 60) {
      return seconds / 60 + "m ago";
    }
    if (seconds < 48 * 3600) {
      return seconds / 3600 + "h ago";
    }
    return seconds / 86400 + "d ago";
  }

  /**
   * Bytes in binary units, one decimal: {@code 512 B}, {@code 1.5 KiB}, {@code 12.3 MiB}, {@code
   * 1.2 GiB}.
   */
  static String bytes(long bytes) {
    if (bytes < 0) {
      return "-";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes / 1024.0;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** Bytes in MiB, one decimal: {@code 123.4 MiB}. */
  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /**
   * A duration for humans: {@code 850ms}, {@code 42s}, {@code 3m05s}, {@code 2h07m}, {@code 3d04h}.
   */
  static String duration(Duration duration) {
    if (duration.isNegative()) {
      return "-";
    }
    long seconds = duration.getSeconds();
    if (seconds < 1) {
      return duration.toMillis() + "ms";
    }
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86400) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
  }

  /** From {@code start} to {@code end}, or "-" when either is not set. */
  static String duration(Timestamp start, Timestamp end) {
    return isSet(start) && isSet(end)
        ? duration(Duration.between(instant(start), instant(end)))
        : "-";
  }

  static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }
}
