package io.coffer.agent.storage;

import static io.coffer.agent.backup.TestStreams.compressible;
import static io.coffer.agent.backup.TestStreams.failingAfter;
import static io.coffer.agent.backup.TestStreams.job;
import static io.coffer.agent.backup.TestStreams.newMasterKey;
import static io.coffer.agent.backup.TestStreams.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.agent.backup.BackupPipeline;
import io.coffer.agent.backup.MasterKey;
import io.coffer.agent.backup.ProgressListener;
import io.coffer.agent.backup.RestoreJob;
import io.coffer.spi.backup.BackupManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** S3Storage against a real S3-compatible server (S3Proxy, filesystem backend) in this JVM. */
class S3StorageTest {
  static final int PART = S3StorageConfig.DEFAULT_PART_SIZE;
  @TempDir static Path dir;
  static S3ProxyFixture server;
  static final AtomicInteger partsUploaded = new AtomicInteger();
  static S3Client client;
  static S3Storage storage;

  @BeforeAll
  static void start() throws Exception {
    server = new S3ProxyFixture(dir);
    S3StorageConfig config = server.config("agent-1/", PART);
    client =
        S3Storage.clientBuilder(config)
            .overrideConfiguration(
                o ->
                    o.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                          @Override
                          public void beforeExecution(
                              Context.BeforeExecution context, ExecutionAttributes attributes) {
                            if (context.request() instanceof UploadPartRequest) {
                              partsUploaded.incrementAndGet();
                            }
                          }
                        }))
            .build();
    storage = new S3Storage(config, client);
  }

  @AfterAll
  static void stop() throws Exception {
    storage.close();
    server.close();
  }

  @Test
  void smallObjectsAreSinglePutsAndBasicOperationsWork() throws Exception {
    int before = partsUploaded.get();
    try (StorageOutputStream out = storage.create("small/a")) {
      out.write("hello".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(partsUploaded.get()).isEqualTo(before);
    assertThat(storage.exists("small/a")).isTrue();
    assertThat(storage.exists("small/b")).isFalse();
    assertThat(storage.list("small/")).containsExactly("small/a");
    try (InputStream in = storage.open("small/a")) {
      assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    }
    // the configured prefix is where objects really are
    assertThat(
            client
                .headObject(b -> b.bucket(S3ProxyFixture.BUCKET).key("agent-1/small/a"))
                .contentLength())
        .isEqualTo(5);
    storage.delete("small/a");
    storage.delete("small/a"); // idempotent
    assertThat(storage.exists("small/a")).isFalse();
    assertThatThrownBy(() -> storage.open("small/a")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void anAbortedUploadLeavesNoObjectAndNoPendingUpload() throws Exception {
    StorageOutputStream out = storage.create("aborted/x");
    byte[] chunk = new byte[1 << 20];
    for (int i = 0; i < 20; i++) { // 20 MiB: two parts already uploaded
      out.write(chunk);
    }
    out.abort();
    out.close(); // no-op after abort
    assertThat(storage.exists("aborted/x")).isFalse();
    assertThat(client.listMultipartUploads(b -> b.bucket(S3ProxyFixture.BUCKET)).uploads())
        .isEmpty();
  }

  @Test
  void sixtyFourMibRoundTripUsesMultipartUpload() throws Exception {
    MasterKey master = newMasterKey("m");
    int before = partsUploaded.get();
    BackupManifest manifest =
        new BackupPipeline(storage, master, Clock.systemUTC())
            .write(job("s1"), compressible(64L << 20, 3), ProgressListener.NONE);

    int parts = partsUploaded.get() - before;
    var head =
        client.headObject(b -> b.bucket(S3ProxyFixture.BUCKET).key("agent-1/s1/data.zst.tink"));
    System.out.printf(
        "S3: stored %d bytes in %d parts of %d MiB, ETag %s%n",
        manifest.storedBytes(), parts, PART >> 20, head.eTag());
    assertThat(manifest.storedBytes()).isGreaterThan(PART);
    assertThat(parts).isEqualTo((int) ((manifest.storedBytes() + PART - 1) / PART));
    assertThat(head.contentLength()).isEqualTo(manifest.storedBytes());
    assertThat(head.eTag()).matches("\"?[0-9a-f]{32}-" + parts + "\"?"); // S3's multipart ETag form
    assertThat(storage.list("s1/"))
        .containsExactly("s1/data.zst.tink", "s1/key.tink", "s1/manifest.json");

    try (InputStream in = new RestoreJob(storage, master).open("s1", ProgressListener.NONE)) {
      assertThat(sha256(in)).isEqualTo(sha256(compressible(64L << 20, 3)));
    }
  }

  @Test
  void aFailedBackupLeavesNothingInTheBucket() throws Exception {
    MasterKey master = newMasterKey("m");
    BackupPipeline pipeline = new BackupPipeline(storage, master, Clock.systemUTC());
    // 96 MiB of input ≈ several parts of ciphertext uploaded before the failure
    assertThatThrownBy(
            () ->
                pipeline.write(
                    job("f1"),
                    failingAfter(compressible(128L << 20, 5), 96L << 20),
                    ProgressListener.NONE))
        .isInstanceOf(IOException.class)
        .hasMessage("engine tool died");
    assertThat(storage.list("f1/")).isEmpty();
    assertThat(client.listMultipartUploads(b -> b.bucket(S3ProxyFixture.BUCKET)).uploads())
        .isEmpty();
  }
}
