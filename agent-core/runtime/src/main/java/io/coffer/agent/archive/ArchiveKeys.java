package io.coffer.agent.archive;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of the log archive. Log files are archived at any time, not only during a command, so
 * the agent cannot use the backups' master key, which it holds only while a job runs. Instead the
 * control gives every agent the <em>public</em> half of a Tink hybrid (HPKE) keyset when it
 * connects (Welcome.archive_key); the agent keeps it in its state directory ({@value #FILE}) and
 * wraps each file's fresh data key with it. The agent cannot decrypt its own archive: the private
 * half comes only with a point-in-time restore.
 */
public final class ArchiveKeys {
  private static final Logger log = LoggerFactory.getLogger(ArchiveKeys.class);
  static final String FILE = "log-archive-key.pub";

  static {
    try {
      HybridConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The half that encrypts. */
  public record PublicKey(String keyId, HybridEncrypt encrypt) {
    public PublicKey {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(encrypt, "encrypt");
    }
  }

  /** The half that decrypts, sent by the control with a point-in-time restore only. */
  public record PrivateKey(String keyId, HybridDecrypt decrypt) {
    public PrivateKey {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(decrypt, "decrypt");
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a private hybrid keyset
     */
    public static PrivateKey fromKeyset(String keyId, byte[] keyset) {
      try {
        return new PrivateKey(
            keyId,
            TinkProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get())
                .getPrimitive(HybridDecrypt.class));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new IllegalArgumentException(
            "not a Tink hybrid private keyset: " + e.getMessage(), e);
      }
    }
  }

  private final Path file;
  private final AtomicReference<PublicKey> current = new AtomicReference<>();
  private volatile String currentText = "";

  private ArchiveKeys(Path file) {
    this.file = file;
  }

  /** Loads the key a previous run kept, if any. */
  public static ArchiveKeys open(Path stateDir) throws IOException {
    ArchiveKeys keys = new ArchiveKeys(stateDir.resolve(FILE));
    if (Files.exists(keys.file)) {
      String text = Files.readString(keys.file, StandardCharsets.US_ASCII).strip();
      int nl = text.indexOf('\n');
      try {
        keys.set(text.substring(0, nl), Base64.getDecoder().decode(text.substring(nl + 1)), text);
      } catch (RuntimeException e) {
        log.warn(
            "ignoring {}: {}; the control sends the key again at the next connect",
            keys.file,
            e.getMessage());
      }
    }
    return keys;
  }

  /** The key to archive with; empty until the control has sent one. */
  public Optional<PublicKey> current() {
    return Optional.ofNullable(current.get());
  }

  /**
   * Takes the key the control sent and keeps it (written atomically) when it is new.
   *
   * @throws IllegalArgumentException when it is not a public hybrid keyset
   */
  public synchronized void update(String keyId, byte[] publicKeyset) throws IOException {
    String text = keyId + "\n" + Base64.getEncoder().encodeToString(publicKeyset);
    if (text.equals(currentText)) {
      return;
    }
    set(keyId, publicKeyset, text);
    Path temp = file.resolveSibling(FILE + ".tmp");
    Files.writeString(temp, text + "\n", StandardCharsets.US_ASCII);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    log.info("log archive key {} received from the control", keyId);
  }

  private void set(String keyId, byte[] publicKeyset, String text) {
    if (keyId.isBlank() || keyId.contains("\n")) {
      throw new IllegalArgumentException("invalid archive key id: '" + keyId + "'");
    }
    HybridEncrypt encrypt;
    try {
      encrypt =
          TinkProtoKeysetFormat.parseKeysetWithoutSecret(publicKeyset)
              .getPrimitive(HybridEncrypt.class);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a Tink hybrid public keyset: " + e.getMessage(), e);
    }
    current.set(new PublicKey(keyId, encrypt));
    currentText = text;
  }
}
