package io.coffer.plugin.mysql.backup;

import io.coffer.spi.backup.BackupManifest;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the binary log position out of a mariadb-dump stream as it passes by, without buffering it:
 * {@code --master-data=2 --gtid} print it as comments, {@code -- CHANGE MASTER TO
 * MASTER_LOG_FILE='f', MASTER_LOG_POS=n;} in the header and {@code -- SET GLOBAL
 * gtid_slave_pos='g';} at the very end. Only the first ~500 bytes of lines that start with {@code
 * "-- "} are looked at. A stored routine's body is printed verbatim and could contain such lines,
 * so the file/offset is taken from the first occurrence (the header comes before any routine) and
 * the GTID from the last (mariadb-dump prints it after everything).
 */
final class DumpPositions extends FilterInputStream {

  private static final int MAX_LINE = 512;
  private static final Pattern FILE_POS =
      Pattern.compile("^-- CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\\d+);");
  private static final Pattern GTID = Pattern.compile("^-- SET GLOBAL gtid_slave_pos='([^']*)';");

  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private boolean atLineStart = true;
  private boolean watching;
  private String binlogFile;
  private String binlogOffset;
  private String gtid;

  DumpPositions(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      observe((byte) b);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    for (int i = 0; i < n; i++) {
      observe(b[off + i]);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException { // skipped bytes must be seen too
    if (n <= 0) {
      return 0;
    }
    byte[] buffer = new byte[(int) Math.min(n, 8192)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void observe(byte b) {
    if (b == '\n') {
      if (watching) {
        parse(line.toString(StandardCharsets.UTF_8));
      }
      line.reset();
      atLineStart = true;
      watching = false;
      return;
    }
    if (atLineStart) {
      atLineStart = false;
      watching = b == '-';
    }
    if (watching) {
      if (line.size() < MAX_LINE) {
        line.write(b);
      } else {
        watching = false;
      }
    }
  }

  private void parse(String text) {
    Matcher m = FILE_POS.matcher(text);
    if (binlogFile == null && m.find()) {
      binlogFile = m.group(1);
      binlogOffset = m.group(2);
      return;
    }
    m = GTID.matcher(text);
    if (m.find()) {
      gtid = m.group(1);
    }
  }

  /**
   * The position seen so far (complete once the stream was read to its end); empty values left out.
   */
  Map<String, String> positions() {
    Map<String, String> out = new LinkedHashMap<>();
    if (binlogFile != null) {
      out.put(BackupManifest.POSITION_BINLOG_FILE, binlogFile);
      out.put(BackupManifest.POSITION_BINLOG_OFFSET, binlogOffset);
    }
    if (gtid != null && !gtid.isEmpty()) {
      out.put(BackupManifest.POSITION_GTID_SET, gtid);
    }
    return out;
  }
}
