package io.coffer.control.backup;

import com.google.protobuf.Timestamp;

/**
 * Where a point-in-time restore stops: at most one of a time, the end of the archive, an LSN and a
 * restore point's name (the agent checks them); {@link #NONE} restores the backup as it is.
 */
public record PointInTime(
    Timestamp time, boolean endOfArchive, String lsn, String name, String gtid) {
  public static final PointInTime NONE = new PointInTime(null, false, "", "", "");

  public PointInTime {
    lsn = lsn == null ? "" : lsn;
    name = name == null ? "" : name;
    gtid = gtid == null ? "" : gtid;
  }

  boolean any() {
    return time != null || endOfArchive || !lsn.isEmpty() || !name.isEmpty() || !gtid.isEmpty();
  }
}
