package io.coffer.agent.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * The embedded default {@link BackupStorage}: one file per key under a root directory (key segments
 * become sub-directories). Objects are written to a hidden temporary file in the target directory,
 * fsynced, then renamed into place atomically and the directory fsynced, so a crash leaves either
 * the whole object or none. Temporary files (names starting with {@code .}) are never listed.
 */
public final class LocalDirectoryStorage implements BackupStorage {
  private static final String TEMP_PREFIX = ".tmp-";
  private final Path root;

  /**
   * @param root created when missing
   */
  public LocalDirectoryStorage(Path root) throws IOException {
    this.root = Files.createDirectories(root).toRealPath();
  }

  private Path path(String key) {
    return root.resolve(BackupStorage.checkKey(key));
  }

  @Override
  public StorageOutputStream create(String key) throws IOException {
    Path target = path(key);
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), TEMP_PREFIX, ".part");
    return new FileOutput(temp, target);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return DirectReader.open(path(key)); // NoSuchFileException when missing
  }

  /**
   * Walks only the directory the prefix lies in (keys are paths), and passes over entries that
   * vanish while it walks: the log archiver renames and removes its temporary files meanwhile.
   */
  @Override
  public List<String> list(String prefix) throws IOException {
    int slash = prefix.lastIndexOf('/');
    Path start =
        slash <= 0 ? root : root.resolve(BackupStorage.checkKey(prefix.substring(0, slash)));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
              String key =
                  root.relativize(file)
                      .toString()
                      .replace(file.getFileSystem().getSeparator(), "/");
              if (key.startsWith(prefix)) {
                keys.add(key);
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE; // removed or renamed while listing
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            return FileVisitResult.CONTINUE;
          }
        });
    Collections.sort(keys);
    return keys;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }

  /** Temporary files live beside their target, so they are found in the prefix's directory tree. */
  @Override
  public void discardUncommitted(String prefix) throws IOException {
    Path dir =
        prefix.isEmpty()
            ? root
            : root.resolve(BackupStorage.checkKey(prefix.replaceAll("/+$", "")));
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p :
          files.filter(f -> f.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(path(key));
  }

  @Override
  public String toString() {
    return "local:" + root;
  }

  /**
   * Writes through a {@link DirectWriter}: the data reach the disk while they stream, so that
   * close() has only the last blocks to sync before the rename.
   */
  private static final class FileOutput extends StorageOutputStream {
    private final Path temp;
    private final Path target;
    private final DirectWriter writer;
    private boolean done;

    FileOutput(Path temp, Path target) throws IOException {
      this.temp = temp;
      this.target = target;
      this.writer = new DirectWriter(temp, "coffer-storage-write");
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (done) {
        throw new IOException("object " + target + " is already committed or aborted");
      }
      writer.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        writer.finish();
        writer.close();
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("cannot commit " + target + " atomically", e);
        }
        fsyncDirectory(target.getParent());
      } catch (IOException | RuntimeException e) {
        writer.close();
        Files.deleteIfExists(temp);
        throw e;
      }
    }

    @Override
    public void abort() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        writer.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }

    /** Makes the rename itself durable (POSIX: the directory entry lives in the directory). */
    private static void fsyncDirectory(Path dir) throws IOException {
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    }
  }
}
