package io.coffer.control.replication;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Orders replication positions as engines print them, to find the most advanced replica. The
 * control loads no plugins, so the notations it understands are listed here:
 *
 * <ul>
 *   <li>MariaDB GTID positions, {@code domain-server-sequence} separated by commas (<a
 *       href="https://mariadb.com/kb/en/gtid/">GTID</a>): ahead when no domain is behind and one is
 *       ahead, compared by sequence number per domain;
 *   <li>PostgreSQL LSNs, {@code X/Y} in hex (<a
 *       href="https://www.postgresql.org/docs/15/datatype-pg-lsn.html">pg_lsn</a>);
 *   <li>Redis replication offsets, a decimal number of bytes (<a
 *       href="https://redis.io/docs/latest/operate/oss_and_stack/management/replication/">replication</a>),
 *       which compare among the replicas of one source.
 * </ul>
 *
 * Empty positions come first. Positions in another notation compare as equal (no winner).
 */
public final class Positions {
  private Positions() {}

  public static final Comparator<String> ORDER = Positions::compare;

  public static int compare(String a, String b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(!a.isEmpty(), !b.isEmpty());
    }
    if (a.matches("[0-9]{1,18}") && b.matches("[0-9]{1,18}")) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    if (a.matches("[0-9A-Fa-f]+/[0-9A-Fa-f]+") && b.matches("[0-9A-Fa-f]+/[0-9A-Fa-f]+")) {
      return Long.compareUnsigned(lsn(a), lsn(b));
    }
    Map<Long, Long> ga = gtids(a);
    Map<Long, Long> gb = gtids(b);
    if (ga == null || gb == null) {
      return 0;
    }
    long sumA = 0;
    long sumB = 0;
    for (Long domain : union(ga, gb)) {
      sumA += ga.getOrDefault(domain, 0L);
      sumB += gb.getOrDefault(domain, 0L);
    }
    return Long.compare(sumA, sumB);
  }

  private static Set<Long> union(Map<Long, Long> a, Map<Long, Long> b) {
    Set<Long> all = new HashSet<>(a.keySet());
    all.addAll(b.keySet());
    return all;
  }

  private static long lsn(String s) {
    int slash = s.indexOf('/');
    return (Long.parseLong(s.substring(0, slash), 16) << 32)
        | Long.parseLong(s.substring(slash + 1), 16);
  }

  /** Domain to sequence number, or null when {@code s} is not a GTID position. */
  private static Map<Long, Long> gtids(String s) {
    Map<Long, Long> out = new HashMap<>();
    for (String part : s.split(",")) {
      String[] f = part.trim().split("-");
      if (f.length != 3) {
        return null;
      }
      try {
        out.merge(Long.parseLong(f[0]), Long.parseLong(f[2]), Math::max);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return out;
  }
}
