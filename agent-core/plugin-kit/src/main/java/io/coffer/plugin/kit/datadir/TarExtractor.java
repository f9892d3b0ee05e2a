package io.coffer.plugin.kit.datadir;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a tar stream (ustar, GNU or PAX, as {@code pg_basebackup --format=tar} and GNU tar
 * write) into an empty directory, faster than a {@code tar} process fed through a pipe: the stream
 * is parsed on the calling thread while {@code writers} threads write the files' data, in 1 MiB
 * chunks at their offsets, and one more thread writes finished files back to disk ({@code
 * fdatasync}) while the extraction goes on.
 *
 * <p>Files whose size is a multiple of the file system's block size (a database's data files: 8 KiB
 * pages) are written with direct I/O ({@code O_DIRECT}) where the file system supports it: their
 * data go to disk as they stream, never dirtying the page cache, so nothing is left to flush at the
 * end and the server's own caches are not evicted by a restore. Writing into the page cache instead
 * costs about 2.7 µs of CPU per KiB on this project's two-core guests (1.5 GB: 4 s, as much as
 * decrypting and decompressing the stream), direct I/O about 0.15 µs ({@code dd} measured). Other
 * files are written through the page cache and written back as they complete. When {@link #extract}
 * returns, every file's data is on disk, so the server started on them next finds nothing left to
 * flush (PostgreSQL fsyncs its whole data directory when it starts from a backup); directories are
 * not synced.
 *
 * <p>Only what a data directory holds is accepted: directories, regular files and symbolic links
 * (PostgreSQL's {@code pg_tblspc} entries), each with its permission bits and modification time.
 * Hard links, devices and FIFOs are refused, as are names that are absolute, contain {@code ..} or
 * lead through a symbolic link, so that even a forged archive cannot write outside the directory.
 * Ownership is left to the caller (e.g. {@link DataDirSwap#receive}).
 *
 * <p>Uses Apache Commons Compress's tar reader; a plugin using this class bundles {@code
 * org.apache.commons:commons-compress} (an optional dependency of the plugin kit).
 */
public final class TarExtractor {
  /**
   * What was extracted: regular files and their bytes, and each regular file's CRC-32C (the
   * Castagnoli polynomial, as {@link java.util.zip.CRC32C} computes it and PostgreSQL's backup
   * manifests record it) by its path relative to the directory, with {@code /} separators.
   */
  public record Result(long files, long bytes, Map<String, Integer> crc32c) {
    public Result {
      crc32c = Map.copyOf(crc32c);
    }
  }

  static final int CHUNK = 1 << 20;

  /** A file being written is written back every this many bytes, not only once complete. */
  static final long WRITE_BACK_EVERY = 64L << 20;

  static final int MAX_WRITERS = 4;
  static final int MAX_BUFFERS = 16;

  private static final String SYNC_THREAD = "coffer-extract-sync";

  private final int writers;
  private final int buffers;

  /**
   * @param writers threads writing file data (at least 1; the number of cores is a good choice)
   */
  public TarExtractor(int writers) {
    if (writers < 1) {
      throw new IllegalArgumentException("writers must be at least 1, not " + writers);
    }
    this.writers = writers;
    // enough for the parser to stay ahead, 1 MiB of direct memory each; bounded, as the agent's
    // direct memory is (by its -Xmx)
    this.buffers = Math.min(4 * writers + 2, MAX_BUFFERS);
  }

  /** One writer per available core, at most {@value #MAX_WRITERS}. */
  public static TarExtractor perCore() {
    return new TarExtractor(Math.min(Runtime.getRuntime().availableProcessors(), MAX_WRITERS));
  }

  /**
   * Extracts {@code tar} to its end into {@code dir} (created when missing; it should be empty). On
   * failure, what was extracted so far stays in {@code dir} for the caller to remove.
   *
   * @throws IOException a read failure of {@code tar} as it is (e.g. a corrupt backup), or an
   *     archive that is malformed or holds what a data directory must not
   */
  public Result extract(InputStream tar, Path dir) throws IOException {
    Files.createDirectories(dir);
    Source source = new Source(tar);
    Run run = new Run(dir.toRealPath());
    try {
      try {
        run.extract(new TarArchiveInputStream(source));
        // the archive ends with zero blocks padded to the writer's record size, which the reader
        // may leave unread: read the stream to its real end, so a failure there is seen too
        source.transferTo(OutputStream.nullOutputStream());
      } catch (IOException | RuntimeException e) {
        run.abandon(e); // every file closed, every thread stopped, before the caller cleans up
        throw source.failure != null ? source.failure : malformed(e);
      }
      if (source.bytes == 0) {
        throw new IOException("the stream does not look like a tar archive: it is empty");
      }
      run.finish();
    } finally {
      run.shutdown();
    }
    return new Result(run.files, run.bytes, run.checksums);
  }

  /** Commons Compress's words for a broken archive, said to be about tar. */
  private static IOException malformed(Exception e) {
    if (e instanceof IOException io
        && io.getMessage() != null
        && io.getMessage().startsWith("tar ")) {
      return io; // ours, already saying which entry
    }
    return new IOException("malformed tar archive: " + e.getMessage(), e);
  }

  /** The stream read, counted, with its own failure kept apart from the archive's. */
  private static final class Source extends java.io.FilterInputStream {
    IOException failure;
    long bytes;

    Source(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = in.read(b, off, len);
        bytes += Math.max(n, 0);
        return n;
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  /** One extraction: its threads, its buffers, its first failure. */
  private final class Run {
    private final Path root;
    private final ExecutorService writePool;
    private final ExecutorService writeBack;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(buffers);
    private final byte[] staging = new byte[CHUNK];
    private final int blockSize;
    private final boolean direct;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Directory> directories = new ArrayList<>();
    private Path checkedParent;
    private long files;
    private long bytes;
    private final Map<String, Integer> checksums = new HashMap<>();

    Run(Path root) {
      this.root = root;
      AtomicInteger n = new AtomicInteger();
      this.writePool =
          Executors.newFixedThreadPool(
              writers, r -> daemon(r, "coffer-extract-write-" + n.incrementAndGet()));
      this.writeBack = Executors.newSingleThreadExecutor(r -> daemon(r, SYNC_THREAD));
      this.blockSize = blockSize(root);
      this.direct = blockSize > 0 && directSupported(root);
      int align = Math.max(blockSize, 4096);
      for (int i = 0; i < buffers; i++) {
        // direct I/O wants the memory, the offset and the length aligned to the block size
        free.add(ByteBuffer.allocateDirect(CHUNK + align).alignedSlice(align).limit(CHUNK).slice());
      }
    }

    void extract(TarArchiveInputStream in) throws IOException {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        rethrow();
        Path target = target(entry.getName());
        if (entry.isDirectory()) {
          if (!target.equals(root)) {
            checkParent(target);
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
              Files.createDirectory(target); // fails on a symbolic link of that name
            }
          }
          directories.add(new Directory(target, entry.getMode(), entry.getLastModifiedTime()));
        } else if (entry.isSymbolicLink()) {
          checkParent(target);
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isFile()
            && !entry.isLink()
            && !entry.isCharacterDevice()
            && !entry.isBlockDevice()
            && !entry.isFIFO()
            && !entry.isSparse()) {
          checkParent(target);
          file(in, entry, target);
        } else {
          throw new IOException(
              "tar entry " + entry.getName() + ": only directories, files and symbolic links");
        }
      }
    }

    private void file(InputStream in, TarArchiveEntry entry, Path target) throws IOException {
      long size = entry.getSize();
      Set<OpenOption> options =
          new java.util.HashSet<>(List.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
      boolean directFile = direct && size > 0 && size % blockSize == 0;
      if (directFile) {
        options.add(ExtendedOpenOption.DIRECT);
      }
      FileChannel channel;
      try {
        channel =
            FileChannel.open(
                target,
                options,
                // CREATE_NEW fails on any existing name, a symbolic link included
                PosixFilePermissions.asFileAttribute(permissions(entry.getMode())));
      } catch (FileAlreadyExistsException e) {
        throw new IOException("tar entry " + entry.getName() + " appears twice", e);
      }
      OpenFile file = new OpenFile(channel, target, entry.getLastModifiedTime(), !directFile);
      CRC32C crc = new CRC32C(); // on the parsing thread: an intrinsic, ~10 GB/s
      try {
        long offset = 0;
        while (offset < size) {
          int wanted = (int) Math.min(CHUNK, size - offset);
          int filled = in.readNBytes(staging, 0, wanted);
          if (filled < wanted) {
            throw new IOException("tar entry " + entry.getName() + " is truncated");
          }
          crc.update(staging, 0, filled);
          ByteBuffer buffer = take();
          buffer.clear();
          buffer.put(staging, 0, filled).flip();
          long at = offset;
          file.pending.incrementAndGet();
          writePool.execute(() -> write(file, buffer, at));
          offset += filled;
        }
      } finally {
        file.complete(); // closed once its queued chunks are done, whatever happened
      }
      checksums.put(
          root.relativize(target).toString().replace(target.getFileSystem().getSeparator(), "/"),
          (int) crc.getValue());
      files++;
      bytes += size;
    }

    private void write(OpenFile file, ByteBuffer data, long at) {
      try {
        if (failure.get() == null) {
          int length = data.remaining();
          long position = at;
          while (data.hasRemaining()) {
            position += file.channel.write(data, position);
          }
          file.written(length);
        }
      } catch (IOException | RuntimeException e) {
        failure.compareAndSet(null, e);
      } finally {
        free.add(data);
        file.chunkDone();
      }
    }

    private ByteBuffer take() throws IOException {
      try {
        ByteBuffer buffer;
        while ((buffer = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
          rethrow();
        }
        return buffer;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while extracting");
      }
    }

    /** Waits for the writers and the write-back, then sets the directories' modes. */
    void finish() throws IOException {
      writePool.shutdown();
      await(writePool);
      writeBack.shutdown();
      await(writeBack);
      rethrow();
      // deepest first, so that a read-only mode never stops the setting of one below it
      for (int i = directories.size() - 1; i >= 0; i--) {
        Directory d = directories.get(i);
        java.nio.file.attribute.PosixFileAttributeView view =
            Files.getFileAttributeView(
                d.path,
                java.nio.file.attribute.PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        view.setPermissions(permissions(d.mode));
        view.setTimes(d.modified, null, null);
      }
    }

    /**
     * After a failure: the queued chunks and flushes run out without doing I/O (they check the
     * failure first), every channel is closed, and both pools stop.
     */
    void abandon(Throwable cause) throws IOException {
      failure.compareAndSet(null, cause);
      writePool.shutdown();
      await(writePool);
      writeBack.shutdown();
      await(writeBack);
    }

    void shutdown() {
      writePool.shutdownNow();
      writeBack.shutdownNow();
    }

    private void await(ExecutorService pool) throws IOException {
      try {
        if (!pool.awaitTermination(1, TimeUnit.HOURS)) {
          throw new IOException("extraction's writers did not finish within an hour");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while extracting");
      }
    }

    private void rethrow() throws IOException {
      Throwable t = failure.get();
      if (t instanceof IOException io) {
        throw new IOException("tar extraction failed: " + io.getMessage(), io);
      }
      if (t != null) {
        throw new IllegalStateException("extraction failed", t);
      }
    }

    /** The entry's path under the root; absolute names and {@code ..} are refused. */
    private Path target(String name) throws IOException {
      Path relative = Path.of(name);
      if (name.isEmpty() || relative.isAbsolute()) {
        throw new IOException("tar entry name " + name + " is not a relative path");
      }
      for (Path part : relative) {
        if (part.toString().equals("..")) {
          throw new IOException("tar entry name " + name + " leads out of the directory");
        }
      }
      Path target = root.resolve(relative).normalize();
      if (target.equals(root)) {
        return root;
      }
      return target;
    }

    /** The parent must be a real directory inside the root: no writing through a symbolic link. */
    private void checkParent(Path target) throws IOException {
      Path parent = target.getParent();
      if (parent.equals(checkedParent)) {
        return;
      }
      Files.createDirectories(parent);
      if (!parent.toRealPath().equals(parent)
          || !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("tar entry " + root.relativize(target) + " leads through a link");
      }
      checkedParent = parent;
    }

    /** A file being written: closed, after its write-back, once its last chunk is written. */
    private final class OpenFile {
      final FileChannel channel;
      final Path path;
      final FileTime modified;
      final boolean buffered;
      // chunks queued or being written, plus one until the parser has queued the last
      final AtomicInteger pending = new AtomicInteger(1);

      OpenFile(FileChannel channel, Path path, FileTime modified, boolean buffered) {
        this.channel = channel;
        this.path = path;
        this.modified = modified;
        this.buffered = buffered;
      }

      private final AtomicLong unsynced = new AtomicLong();

      void complete() {
        chunkDone();
      }

      /**
       * Starts writing back a large file's data meanwhile, so that no long flush is left at the
       * end.
       */
      void written(long length) {
        if (buffered && unsynced.addAndGet(length) >= WRITE_BACK_EVERY) {
          unsynced.set(0);
          pending.incrementAndGet(); // the channel stays open until this flush is done
          writeBack.execute(
              () -> {
                try {
                  if (failure.get() == null) {
                    channel.force(false);
                  }
                } catch (IOException | RuntimeException e) {
                  failure.compareAndSet(null, e);
                } finally {
                  chunkDone();
                }
              });
        }
      }

      void chunkDone() {
        if (pending.decrementAndGet() == 0) {
          if (Thread.currentThread().getName().equals(SYNC_THREAD)) {
            syncAndClose(); // the last holder was a flush, already on the write-back thread
          } else {
            writeBack.execute(this::syncAndClose);
          }
        }
      }

      private void syncAndClose() {
        try (channel) {
          if (failure.get() == null) {
            channel.force(false);
            Files.setLastModifiedTime(path, modified);
          }
        } catch (IOException | RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      }
    }
  }

  private record Directory(Path path, int mode, FileTime modified) {}

  /** The file system's block size, or 0 when it cannot tell. */
  private static int blockSize(Path dir) {
    try {
      long size = Files.getFileStore(dir).getBlockSize();
      return size > 0 && size <= CHUNK && Long.bitCount(size) == 1 ? (int) size : 0;
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }

  /** Whether files in {@code dir} can be opened for direct I/O (tmpfs, for one, refuses it). */
  private static boolean directSupported(Path dir) {
    Path probe = dir.resolve(".coffer-direct-probe");
    try (FileChannel c =
        FileChannel.open(
            probe,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE,
            ExtendedOpenOption.DIRECT)) {
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException e) {
        // gone with DELETE_ON_CLOSE, or never made
      }
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
