package io.coffer.plugin.cassandra.backup;

import io.coffer.spi.backup.BackupSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A snapshot (or an incremental backup's SSTables) being streamed: a tar of the schema and the
 * SSTables, written on a thread of its own into a pipe the runtime reads. The snapshot is cleared
 * when the stream is done or cancelled.
 */
final class SnapshotSource implements BackupSource {
  private static final int PIPE_BYTES = 1 << 20;

  private final PipedInputStream stream;
  private final ExecutorService writer;
  private final Future<?> written;
  private final String version;
  private final Runnable clear;
  private final Map<String, String> positions;
  private boolean cleared;

  /**
   * @param positions what {@link #finish} reports
   * @param clear removes the snapshot, once
   */
  SnapshotSource(
      String schema,
      List<SnapshotFiles.Entry> files,
      String version,
      Map<String, String> positions,
      Runnable clear)
      throws IOException {
    this.version = version;
    this.clear = clear;
    this.positions = Map.copyOf(positions);
    this.stream = new PipedInputStream(PIPE_BYTES);
    PipedOutputStream out = new PipedOutputStream(stream);
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "coffer-cassandra-snapshot-tar");
              t.setDaemon(true);
              return t;
            });
    this.written = writer.submit(() -> write(out, schema, files));
  }

  private static Void write(PipedOutputStream pipe, String schema, List<SnapshotFiles.Entry> files)
      throws IOException {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(pipe)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      byte[] schemaBytes = schema.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry s = new TarArchiveEntry(SnapshotFiles.SCHEMA);
      s.setSize(schemaBytes.length);
      tar.putArchiveEntry(s);
      tar.write(schemaBytes);
      tar.closeArchiveEntry();
      for (SnapshotFiles.Entry f : files) {
        TarArchiveEntry e = new TarArchiveEntry(f.name());
        e.setSize(f.size()); // snapshot files are immutable hard links
        tar.putArchiveEntry(e);
        Files.copy(f.file(), tar);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return null;
  }

  @Override
  public InputStream stream() {
    return stream;
  }

  @Override
  public String tool() {
    return "cassandra-snapshot";
  }

  @Override
  public String toolVersion() {
    return version;
  }

  @Override
  public Map<String, String> finish() throws IOException {
    try {
      written.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while finishing the snapshot stream", e);
    } finally {
      clearOnce();
    }
    return positions;
  }

  @Override
  public void close() {
    written.cancel(true);
    writer.shutdownNow();
    try {
      stream.close();
    } catch (IOException ignored) {
      // the writer sees the closed pipe and stops
    }
    clearOnce();
  }

  private synchronized void clearOnce() {
    if (!cleared) {
      cleared = true;
      clear.run();
    }
  }
}
