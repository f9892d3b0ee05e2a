package io.coffer.plugin.postgresql.backup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the files PostgreSQL archives (<a
 * href="https://www.postgresql.org/docs/15/wal-internals.html">WAL Internals</a>): WAL segments
 * {@code TTTTTTTTXXXXXXXXYYYYYYYY} (timeline, then the segment number split in two halves),
 * timeline history files {@code TTTTTTTT.history}, and backup history files {@code
 * <segment>.XXXXXXXX.backup}. Coffer's servers use the default 16 MiB segments (initdb's {@code
 * --wal-segsize}), so a segment number is an LSN shifted right by 24 bits.
 */
final class WalFileName {
  private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
  private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");
  private static final Pattern ARCHIVED =
      Pattern.compile("[0-9A-F]{24}(\\.[0-9A-F]{8}\\.backup|\\.partial)?|[0-9A-F]{8}\\.history");
  private static final Pattern LSN = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");
  private static final int SEGMENT_BITS = 24;

  private WalFileName() {}

  /** Whether the server's archiver may have written this name (not a temporary file). */
  static boolean archivable(String name) {
    return ARCHIVED.matcher(name).matches();
  }

  static boolean history(String name) {
    return HISTORY.matcher(name).matches();
  }

  /** A WAL segment's timeline and number; empty for other names. */
  record Segment(long timeline, long number) {}

  static Optional<Segment> segment(String name) {
    Matcher m = SEGMENT.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    long segmentsPerId = 1L << (32 - SEGMENT_BITS);
    return Optional.of(
        new Segment(
            Long.parseLong(m.group(1), 16),
            Long.parseLong(m.group(2), 16) * segmentsPerId + Long.parseLong(m.group(3), 16)));
  }

  /** The number of the segment holding {@code lsn} (as PostgreSQL prints it, {@code X/Y}). */
  static long segmentOf(String lsn) {
    Matcher m = LSN.matcher(lsn);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an LSN: " + lsn);
    }
    long position = (Long.parseLong(m.group(1), 16) << 32) | Long.parseLong(m.group(2), 16);
    return position >>> SEGMENT_BITS;
  }
}
