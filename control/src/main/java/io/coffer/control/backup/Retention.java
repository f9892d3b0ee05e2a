package io.coffer.control.backup;

import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of an instance's COMPLETED backups a retention policy lets go. A backup is kept when its
 * chain (its full or logical root with every incremental on top) is among the newest {@code
 * keepCount} chains and it finished within {@code keepDays}; the newest chain is always kept whole
 * (a policy must never leave an instance without a backup); and everything a kept backup depends on
 * is kept too, so a kept incremental stays restorable.
 *
 * @param keepCount chains to keep by count; 0: no limit
 * @param keepDays maximum age in days; 0: no limit
 */
public record Retention(int keepCount, int keepDays) {

  public Retention {
    if (keepCount < 0 || keepDays < 0) {
      throw new IllegalArgumentException("retention limits cannot be negative");
    }
  }

  public boolean unlimited() {
    return keepCount == 0 && keepDays == 0;
  }

  /** The backups to delete, dependents before what they depend on. */
  public List<BackupEntry> expired(List<BackupEntry> backups, Instant now) {
    Map<String, BackupEntry> byId = new HashMap<>();
    for (BackupEntry b : backups) {
      if (b.state() == BackupState.BACKUP_STATE_COMPLETED) {
        byId.put(b.backupId(), b);
      }
    }
    if (unlimited() || byId.isEmpty()) {
      return List.of();
    }
    List<BackupEntry> roots =
        byId.values().stream()
            .filter(b -> root(b, byId) == b)
            .sorted(Comparator.comparing(BackupEntry::finishedOrCreated).reversed())
            .toList();
    Set<String> newestRoots = new HashSet<>();
    for (int i = 0; i < roots.size() && (keepCount == 0 || i < keepCount); i++) {
      newestRoots.add(roots.get(i).backupId());
    }
    Instant cutoff = keepDays == 0 ? Instant.MIN : now.minus(Duration.ofDays(keepDays));
    String newest = roots.get(0).backupId();

    Set<String> kept = new HashSet<>();
    for (BackupEntry b : byId.values()) {
      String root = root(b, byId).backupId();
      boolean young = !b.finishedOrCreated().isBefore(cutoff);
      if (root.equals(newest) || (newestRoots.contains(root) && young)) {
        for (BackupEntry a = b; a != null && kept.add(a.backupId()); a = byId.get(a.parentId())) {
          // keep b and everything it depends on
        }
      }
    }
    List<BackupEntry> out = new ArrayList<>();
    for (BackupEntry b : byId.values()) {
      if (!kept.contains(b.backupId())) {
        out.add(b);
      }
    }
    out.sort(
        Comparator.comparingInt((BackupEntry b) -> depth(b, byId))
            .reversed()
            .thenComparing(BackupEntry::backupId));
    return out;
  }

  private static BackupEntry root(BackupEntry b, Map<String, BackupEntry> byId) {
    BackupEntry r = b;
    for (int guard = 0; r.type() == BackupType.BACKUP_TYPE_INCREMENTAL && guard < 10_000; guard++) {
      BackupEntry parent = byId.get(r.parentId());
      if (parent == null) {
        return r; // its parent is gone: it heads what is left of its chain
      }
      r = parent;
    }
    return r;
  }

  private static int depth(BackupEntry b, Map<String, BackupEntry> byId) {
    int d = 0;
    for (BackupEntry r = b;
        byId.get(r.parentId()) != null && d < 10_000;
        r = byId.get(r.parentId())) {
      d++;
    }
    return d;
  }
}
