package io.coffer.agent.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.coffer.spi.backup.BackupManifest;
import java.io.IOException;

/** Manifest ⇄ JSON. Times as ISO-8601 strings so people and other tools can read them. */
final class ManifestCodec {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          // newer agents may add fields; older ones must still restore
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ManifestCodec() {}

  static byte[] encode(BackupManifest manifest) throws IOException {
    return JSON.writeValueAsBytes(manifest);
  }

  static BackupManifest decode(byte[] json) throws IOException {
    return JSON.readValue(json, BackupManifest.class);
  }
}
