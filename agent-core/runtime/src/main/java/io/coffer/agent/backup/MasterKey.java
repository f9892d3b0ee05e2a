package io.coffer.agent.backup;

import com.google.crypto.tink.Aead;
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
}
