package io.coffer.tck;

import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.storage.S3ProxyFixture;
import io.coffer.agent.storage.S3StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real S3-compatible server (S3Proxy on its filesystem backend, under {@code <root>/s3}) that a
 * testbed's agents keep their backups and log archives in, under the prefix {@value #PREFIX}, with
 * 5 MiB multipart parts. Closing it stops the server; the testbed is closed by its suite.
 */
public final class S3Storage implements AutoCloseable {
  private static final String PREFIX = "coffer/";
  private final S3ProxyFixture s3;
  private final Path dir;
  private final Testbed bed;

  private S3Storage(S3ProxyFixture s3, Path dir, Testbed bed) {
    this.s3 = s3;
    this.dir = dir;
    this.bed = bed;
  }

  /** Starts the server and a testbed on {@code root} whose agents use it. */
  public static S3Storage start(Path root) throws Exception {
    Path dir = Files.createDirectories(root.resolve("s3"));
    S3ProxyFixture s3 = new S3ProxyFixture(dir);
    Testbed bed = Testbed.start(root);
    bed.useBackupStorage(
        new AgentConfig.Backup("s3", null, s3.config(PREFIX, S3StorageConfig.MIN_PART_SIZE)));
    return new S3Storage(s3, dir, bed);
  }

  public Testbed bed() {
    return bed;
  }

  /** Where the filesystem backend keeps the objects under {@code keyPrefix}, one file per key. */
  public Path objects(String keyPrefix) {
    return dir.resolve(S3ProxyFixture.BUCKET).resolve(PREFIX + keyPrefix);
  }

  @Override
  public void close() throws Exception {
    s3.close();
  }
}
