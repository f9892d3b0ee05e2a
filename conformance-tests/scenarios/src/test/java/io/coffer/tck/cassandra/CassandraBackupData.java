package io.coffer.tck.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.coffer.tck.BackupData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads and fingerprints data on a real Cassandra node as a superuser role. A table's fingerprint
 * is its row count and the SHA-256 of the sorted SHA-256s of its rows' text forms (every column of
 * every row, whatever the table's keys).
 */
final class CassandraBackupData implements BackupData {
  private static final int ROW_BYTES = 1024;
  private static final int IN_FLIGHT = 64;

  private final CqlSession session;
  private final SecureRandom random = new SecureRandom();

  CassandraBackupData(int port, String user, String password) {
    session = CassandraProvider.connect(port, user, password);
  }

  /** Four tables of random (incompressible) 1 KiB rows, plus a notes table. */
  @Override
  public void load(String keyspace, long bytes) throws Exception {
    String ks = "\"" + keyspace + "\"";
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS "
            + ks
            + " WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1}");
    for (int t = 0; t < 4; t++) {
      session.execute(
          "CREATE TABLE IF NOT EXISTS "
              + ks
              + ".t"
              + t
              + " (id bigint PRIMARY KEY, label text, payload blob)");
    }
    session.execute(
        "CREATE TABLE IF NOT EXISTS " + ks + ".notes (id timeuuid PRIMARY KEY, note text)");
    long rows = Math.max(4, bytes / ROW_BYTES);
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    for (int t = 0; t < 4; t++) {
      PreparedStatement insert =
          session.prepare(
              "INSERT INTO " + ks + ".t" + t + " (id, label, payload) VALUES (?, ?, ?)");
      for (long id = 0; id < rows / 4; id++) {
        byte[] payload = new byte[ROW_BYTES];
        random.nextBytes(payload);
        slots.acquire();
        CompletionStage<AsyncResultSet> done =
            session.executeAsync(insert.bind(id, "row-" + id, ByteBuffer.wrap(payload)));
        done.whenComplete(
            (r, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              }
              slots.release();
            });
        if (failed.get() != null) {
          throw new IllegalStateException("loading " + keyspace + " failed", failed.get());
        }
      }
    }
    slots.acquire(IN_FLIGHT);
    slots.release(IN_FLIGHT);
    if (failed.get() != null) {
      throw new IllegalStateException("loading " + keyspace + " failed", failed.get());
    }
  }

  @Override
  public void write(String keyspace, String marker) {
    session.execute("INSERT INTO \"" + keyspace + "\".notes (id, note) VALUES (now(), ?)", marker);
  }

  @Override
  public Map<String, String> fingerprint() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (Row t : session.execute("SELECT keyspace_name, table_name FROM system_schema.tables")) {
      String ks = t.getString(0);
      if (ks.startsWith("system")) {
        continue;
      }
      String table = t.getString(1);
      List<String> rowHashes = new ArrayList<>();
      for (Row row : session.execute("SELECT * FROM \"" + ks + "\".\"" + table + "\"")) {
        rowHashes.add(sha256(row.getFormattedContents()));
      }
      rowHashes.sort(null);
      out.put(ks + "." + table, rowHashes.size() + ":" + sha256(String.join(",", rowHashes)));
    }
    return out;
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void close() {
    session.close();
  }
}
