package io.coffer.agent.backup;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * The key the control supplies to wrap (encrypt) each backup's fresh data key; the agent never
 * stores it. {@code keyId} is recorded in the manifest so restore can ask for the same key.
 */
public record MasterKey(String keyId, Aead aead) {
  public MasterKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(aead, "aead");
  }

  /**
   * A master key from a Tink keyset in binary format (as the control sends it).
   *
   * @throws IllegalArgumentException when the bytes are not a keyset of an AEAD key
   */
  public static MasterKey fromKeyset(String keyId, byte[] keyset) {
    try {
      AeadConfig.register();
      return new MasterKey(
          keyId,
          TinkProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get())
              .getPrimitive(Aead.class));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a Tink AEAD keyset: " + e.getMessage(), e);
    }
  }
}
