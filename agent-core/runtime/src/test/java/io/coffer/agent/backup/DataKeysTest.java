package io.coffer.agent.backup;

import static io.coffer.agent.backup.TestStreams.newMasterKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import io.coffer.agent.crypto.StreamKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DataKeysTest {
  private MasterKey master;

  @BeforeEach
  void masterKey() throws Exception {
    master = newMasterKey("m");
  }

  @Test
  void newKeysEncryptInSixteenKibSegments() throws Exception {
    byte[] data = bytes(1 << 20);
    byte[] sealed = encrypt(DataKeys.generate(), data);
    // one 16-byte tag per segment: 1 MiB in 16 KiB segments carries about 64 of them
    assertThat(sealed.length - data.length).isBetween(64 * 16, 70 * 16 + 64);
    assertThat(DataKeys.SCHEME).isEqualTo(StreamKeys.SCHEME).contains("16KB");
  }

  @Test
  void aKeyOfTheEarlierOneMibSegmentsStillDecrypts() throws Exception {
    // backups written before the 16 KiB segments hold AES256_GCM_HKDF_1MB keys
    KeysetHandle old = KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM_HKDF_1MB"));
    byte[] data = bytes(3 << 20);
    byte[] sealed = encrypt(old, data);
    StreamingAead unwrapped =
        DataKeys.unwrap(DataKeys.wrap(old, master, "bk-old"), master, "bk-old");
    try (InputStream in =
        unwrapped.newDecryptingStream(new ByteArrayInputStream(sealed), DataKeys.ad("bk-old"))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  private static byte[] encrypt(KeysetHandle key, byte[] data) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out =
        key.getPrimitive(StreamingAead.class).newEncryptingStream(sink, DataKeys.ad("bk-old"))) {
      out.write(data);
    }
    return sink.toByteArray();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    return b;
  }
}
