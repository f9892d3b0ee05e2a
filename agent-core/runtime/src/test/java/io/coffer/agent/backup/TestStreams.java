package io.coffer.agent.backup;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig;
import io.coffer.spi.backup.BackupType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;

/** Engine-like streams for tests: pseudo-random but compressible, generated on the fly. */
public final class TestStreams {
  private TestStreams() {}

  /**
   * {@code size} bytes of text-like records (random words from a small vocabulary and random
   * numbers), compressing roughly 2-4x like real table data; never held in memory.
   */
  public static InputStream compressible(long size, long seed) {
    return new InputStream() {
      private final SplittableRandom random = new SplittableRandom(seed);
      private final byte[] record = new byte[256];
      private int recordLen;
      private int recordPos;
      private long remaining = size;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (remaining == 0) {
          return -1;
        }
        int n = (int) Math.min(len, remaining);
        for (int i = 0; i < n; i++) {
          if (recordPos == recordLen) {
            nextRecord();
          }
          b[off + i] = record[recordPos++];
        }
        remaining -= n;
        return n;
      }

      private void nextRecord() {
        StringBuilder s = new StringBuilder(200);
        s.append(random.nextInt(1_000_000)).append(',');
        for (int i = 0; i < 8; i++) {
          s.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        s.append(',').append(Long.toHexString(random.nextLong())).append('\n');
        byte[] bytes = s.toString().getBytes(StandardCharsets.US_ASCII);
        recordLen = Math.min(bytes.length, record.length);
        System.arraycopy(bytes, 0, record, 0, recordLen);
        recordPos = 0;
      }
    };
  }

  private static final String[] WORDS = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "coffer", "trove", "backup", "replica"
  };

  /** Delivers {@code in} until {@code after} bytes, then fails like a crashed engine tool. */
  public static InputStream failingAfter(InputStream in, long after) {
    return new InputStream() {
      private long delivered;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (delivered >= after) {
          throw new IOException("engine tool died");
        }
        int n = in.read(b, off, (int) Math.min(len, after - delivered));
        if (n > 0) {
          delivered += n;
        }
        return n;
      }
    };
  }

  /** SHA-256 hex of a stream read to its end, in constant memory. */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest digest = BackupPipeline.sha256();
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public static MasterKey newMasterKey(String id) throws Exception {
    AeadConfig.register();
    return new MasterKey(
        id, KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM")).getPrimitive(Aead.class));
  }

  public static BackupJob job(String id) {
    return new BackupJob(
        id,
        "mysql",
        "8.0.36",
        "xtrabackup",
        "8.0.35-30",
        BackupType.FULL,
        null,
        () ->
            Map.of(
                "binlog_file", "binlog.000042",
                "binlog_offset", "157",
                "gtid_set", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77"));
  }
}
