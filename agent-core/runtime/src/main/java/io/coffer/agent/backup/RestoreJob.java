package io.coffer.agent.backup;

import com.github.luben.zstd.ZstdInputStream;
import com.google.crypto.tink.StreamingAead;
import io.coffer.agent.storage.BackupIntegrityException;
import io.coffer.agent.storage.BackupStorage;
import io.coffer.spi.backup.BackupManifest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Reads a backup back: storage → Tink StreamingAead → zstd → engine bytes, in one pass.
 *
 * <p>Every plaintext byte released is authentic: Tink checks each segment's tag (AES-GCM-HKDF, 1
 * MiB segments) before it releases the segment, and detects a truncated object at its end, so a
 * flipped, forged or missing byte fails the read that reaches it, as a {@link
 * BackupIntegrityException} saying the backup is corrupt. The object's SHA-256 and size are also
 * computed on the way and checked against the manifest at the end of the stream. What consumes the
 * stream stages it beside the instance ({@link io.coffer.spi.backup.RestoreSession#stage}) and only
 * installs it after the whole chain was read to its end, so a corrupt backup leaves the instance
 * untouched without a separate verification pass over the object first (which used to read the
 * whole object twice: a quarter of a restore's time).
 */
public final class RestoreJob {
  /** Decrypted bytes read ahead of decompression: at most this times (depth + 2) in memory. */
  static final int READ_AHEAD_CHUNK = 256 << 10;

  static final int READ_AHEAD_DEPTH = 8;

  /** Stored bytes fetched ahead of decryption: at most this times (depth + 2) in memory. */
  static final int FETCH_CHUNK = 1 << 20;

  static final int FETCH_DEPTH = 4;

  private final BackupStorage storage;
  private final MasterKey masterKey;

  public RestoreJob(BackupStorage storage, MasterKey masterKey) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
  }

  /**
   * The manifest of a COMPLETED backup.
   *
   * @throws NoSuchFileException when the backup does not exist or is not COMPLETED (no manifest)
   */
  public BackupManifest manifest(String backupId) throws IOException {
    return manifest(storage, backupId);
  }

  /** {@link #manifest(String)} without a key: manifests are not encrypted. */
  static BackupManifest manifest(BackupStorage storage, String backupId) throws IOException {
    try (InputStream in = storage.open(BackupLayout.manifest(backupId))) {
      return ManifestCodec.decode(in.readAllBytes());
    } catch (NoSuchFileException e) {
      NoSuchFileException notCompleted =
          new NoSuchFileException(
              backupId, null, "backup does not exist or is not COMPLETED (no manifest)");
      notCompleted.initCause(e);
      throw notCompleted;
    }
  }

  /**
   * The backup's engine stream; the caller closes it. Read it to its end: only a stream read to EOF
   * without exception is the complete, authentic backup.
   *
   * @throws BackupIntegrityException before returning, when the data key cannot be unwrapped (wrong
   *     master key, altered key); from read(), when a segment fails authentication, the object is
   *     truncated, or its checksum or size differs from the manifest at its end
   * @throws NoSuchFileException when the backup is not COMPLETED
   */
  public InputStream open(String backupId, ProgressListener progress) throws IOException {
    BackupManifest manifest = manifest(backupId);
    if (!manifest.keyId().equals(masterKey.keyId())) {
      throw new BackupIntegrityException(
          "backup "
              + backupId
              + " is encrypted under master key "
              + manifest.keyId()
              + ", not "
              + masterKey.keyId());
    }
    byte[] wrapped;
    try (InputStream in = storage.open(BackupLayout.wrappedKey(backupId))) {
      wrapped = in.readAllBytes();
    }
    StreamingAead aead = DataKeys.unwrap(wrapped, masterKey, backupId);

    // the object is fetched and hashed on a thread of its own: a backup written with direct I/O, or
    // one taken a while ago, is read from disk (or the network), and that wait and SHA-256 overlap
    // decryption
    InputStream stored =
        new ReadAhead(
            new ChecksummedInput(storage.open(BackupLayout.data(backupId)), manifest),
            FETCH_CHUNK,
            FETCH_DEPTH,
            "coffer-restore-fetch-" + backupId);
    InputStream decrypted = null;
    try {
      InputStream plaintext = aead.newDecryptingStream(stored, DataKeys.ad(backupId));
      // decrypting on another thread, decompressing (and the caller's work) on the caller's
      decrypted =
          new ReadAhead(
              new AuthenticatedInput(plaintext, backupId),
              READ_AHEAD_CHUNK,
              READ_AHEAD_DEPTH,
              "coffer-restore-read-" + backupId);
      return new ProgressInput(new ZstdInputStream(decrypted), progress);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      (decrypted != null ? decrypted : stored).close(); // stops the read-ahead threads
      throw e instanceof IOException io
          ? io
          : new BackupIntegrityException("backup " + backupId + ": cannot decrypt", e);
    }
  }

  static void check(BackupManifest manifest, long size, byte[] digest)
      throws BackupIntegrityException {
    String actual = HexFormat.of().formatHex(digest);
    if (size != manifest.storedBytes() || !actual.equals(manifest.sha256())) {
      throw new BackupIntegrityException(
          "backup "
              + manifest.backupId()
              + " is corrupt: stored object has "
              + size
              + " bytes, SHA-256 "
              + actual
              + "; manifest says "
              + manifest.storedBytes()
              + " bytes, SHA-256 "
              + manifest.sha256());
    }
  }

  /** Hashes the stored object as it is read and checks it against the manifest at EOF. */
  private static final class ChecksummedInput extends FilterInputStream {
    private final BackupManifest manifest;
    private final MessageDigest sha256 = BackupPipeline.sha256();
    private long size;
    private boolean checked;

    ChecksummedInput(InputStream in, BackupManifest manifest) {
      super(in);
      this.manifest = manifest;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        sha256.update(b, off, n);
        size += n;
      } else if (n < 0 && !checked) {
        checked = true;
        check(manifest, size, sha256.digest());
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException { // skipped bytes must be hashed too
      byte[] discard = new byte[(int) Math.min(n, 8192)];
      long skipped = 0;
      while (skipped < n) {
        int r = read(discard, 0, (int) Math.min(discard.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  /** Reports Tink's failures (tag mismatch, truncation) as what they are. */
  private static final class AuthenticatedInput extends FilterInputStream {
    private final String backupId;

    AuthenticatedInput(InputStream in, String backupId) {
      super(in);
      this.backupId = backupId;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        throw translate(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw translate(e);
      }
    }

    private IOException translate(IOException e) {
      if (e instanceof BackupIntegrityException) {
        return e;
      }
      return new BackupIntegrityException(
          "backup "
              + backupId
              + " is corrupt: it failed authentication while decrypting (altered or truncated"
              + " data, or a storage read error): "
              + e.getMessage(),
          e);
    }
  }

  /** Counts plaintext for progress events. */
  private static final class ProgressInput extends FilterInputStream {
    private final ProgressListener progress;
    private long total;
    private long nextEvent = BackupPipeline.PROGRESS_INTERVAL;

    ProgressInput(InputStream in, ProgressListener progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        total += n;
        if (total >= nextEvent) {
          progress.onProgress(total, -1);
          nextEvent = total + BackupPipeline.PROGRESS_INTERVAL;
        }
      } else if (n < 0) {
        progress.onProgress(total, -1);
      }
      return n;
    }
  }
}
