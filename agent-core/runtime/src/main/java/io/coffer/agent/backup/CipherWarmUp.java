package io.coffer.agent.backup;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.coffer.agent.crypto.StreamKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has C2 compile the backup pipeline's ciphers soon after the agent starts, in the background,
 * instead of during the first backup or restore: HotSpot uses its AES-GCM, GHASH and SHA-256
 * intrinsics only in callers C2 has compiled, and until then (the first ~50 MiB a fresh agent
 * encrypts or decrypts) they run in plain Java at ~30 MiB/s. Restores mostly go to a fresh agent (a
 * new instance), where this cost 1.25 s of a 1.4 GiB restore (a JFR profile showed the decrypt
 * thread in {@code GHASH.processBlock} for its first 1.25 s); the first backup after a start paid
 * the same.
 *
 * <p>It encrypts and decrypts {@value #MIB} MiB with a throwaway data key through the same Tink
 * streaming AEAD the pipeline uses (16 KiB segments), hashing them with SHA-256, in 1 MiB pieces
 * (no larger allocation), on one daemon thread at the lowest priority, {@link #DELAY} after the
 * start: about two seconds of one core, once.
 */
public final class CipherWarmUp {
  static final int MIB = 64;
  static final Duration DELAY = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(CipherWarmUp.class);

  private CipherWarmUp() {}

  /** Starts the warm-up thread; returns at once. */
  public static void startInBackground() {
    Thread t = new Thread(CipherWarmUp::runQuietly, "coffer-cipher-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private static void runQuietly() {
    try {
      Thread.sleep(DELAY.toMillis());
      long start = System.nanoTime();
      run(MIB);
      log.debug("cipher warm-up done in {} ms", (System.nanoTime() - start) / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) { // it only saves time: never a reason to disturb the agent
      log.debug("cipher warm-up failed: {}", e.toString());
    }
  }

  /** Encrypts, decrypts and hashes {@code mib} MiB, one MiB at a time. */
  static void run(int mib) throws Exception {
    StreamingAeadConfig.register();
    StreamingAead aead = StreamKeys.generate().getPrimitive(StreamingAead.class);
    byte[] ad = new byte[] {'w', 'a', 'r', 'm'};
    byte[] piece = new byte[1 << 20];
    MessageDigest sha256 = BackupPipeline.sha256();
    for (int i = 0; i < mib; i++) {
      ByteArrayOutputStream sealed = new ByteArrayOutputStream(piece.length + (64 << 10));
      try (OutputStream out = aead.newEncryptingStream(sealed, ad)) {
        out.write(piece);
      }
      byte[] ciphertext = sealed.toByteArray();
      sha256.update(ciphertext);
      try (InputStream in = aead.newDecryptingStream(new ByteArrayInputStream(ciphertext), ad)) {
        while (in.read(piece) >= 0) {
          // decrypting is the point
        }
      }
    }
  }
}
