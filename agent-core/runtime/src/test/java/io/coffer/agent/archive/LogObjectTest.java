package io.coffer.agent.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import io.coffer.agent.crypto.StreamKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archived log objects read back, whatever segment size their data key had. */
class LogObjectTest {
  @TempDir Path dir;

  @Test
  void anObjectWrittenWithTodaysKeysReadsBack() throws Exception {
    roundTrip(StreamKeys.generate());
  }

  @Test
  void anObjectWrittenWithTheEarlierOneMibSegmentsStillReadsBack() throws Exception {
    roundTrip(KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM_HKDF_1MB")));
  }

  private void roundTrip(KeysetHandle dataKey) throws Exception {
    ArchiveTestKeys pair = ArchiveTestKeys.generate("ak-1");
    ArchiveKeys keys = ArchiveKeys.open(dir);
    keys.update(pair.keyId(), pair.publicKeyset());
    byte[] file = new byte[3 << 20]; // a few segments of either size
    new Random(3).nextBytes(file);
    Instant at = Instant.ofEpochMilli(1_765_000_000_000L);
    ByteArrayOutputStream object = new ByteArrayOutputStream();
    LogObject.write(
        new ByteArrayInputStream(file),
        object,
        "logs/db-1/000000010000000000000003",
        at,
        keys.current().orElseThrow(),
        dataKey);

    InputStream in = new ByteArrayInputStream(object.toByteArray());
    LogObject.Header header = LogObject.header(in, "logs/db-1/000000010000000000000003");
    assertThat(header.archivedAt()).isEqualTo(at);
    try (InputStream content =
        LogObject.content(in, header, "logs/db-1/000000010000000000000003", pair.privateKey())) {
      assertThat(content.readAllBytes()).isEqualTo(file);
    }
  }
}
