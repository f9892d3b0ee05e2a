package io.coffer.agent.archive;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.coffer.agent.crypto.StreamKeys;
import io.coffer.agent.storage.BackupIntegrityException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;

/**
 * One archived log file as a single storage object:
 *
 * <pre>
 * "CLOG" | version (1 byte, 1) | archived at (int64, ms since the epoch) | key id (uint16 length, UTF-8)
 *        | wrapped data key (int32 length, bytes) | zstd stream, encrypted (Tink StreamingAead)
 * </pre>
 *
 * <p>Each file gets a fresh data key ({@link StreamKeys}), wrapped with the archive's public key
 * ({@link ArchiveKeys}). The object key, the time and the key id are the associated data of both
 * the wrapping and the stream, so a file cannot be renamed, re-dated or swapped for another without
 * failing authentication; reading it to its end checks every segment's tag.
 */
public final class LogObject {
  private static final byte[] MAGIC = "CLOG".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int MAX_WRAPPED = 64 << 10;

  static {
    try {
      StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What precedes the encrypted stream. */
  public record Header(Instant archivedAt, String keyId, byte[] wrappedKey) {}

  private LogObject() {}

  /**
   * Writes {@code file} (read to its end) as the object {@code objectKey} into {@code out}. Does
   * not close {@code file}; closes {@code out} on success only.
   */
  static void write(
      InputStream file,
      OutputStream out,
      String objectKey,
      Instant archivedAt,
      ArchiveKeys.PublicKey key)
      throws IOException {
    try {
      write(file, out, objectKey, archivedAt, key, StreamKeys.generate());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a data key for " + objectKey + ": " + e.getMessage(), e);
    }
  }

  /** {@link #write} with a given data key (tests write objects as earlier versions did). */
  static void write(
      InputStream file,
      OutputStream out,
      String objectKey,
      Instant archivedAt,
      ArchiveKeys.PublicKey key,
      KeysetHandle dataKey)
      throws IOException {
    try {
      byte[] ad = ad(objectKey, archivedAt, key.keyId());
      byte[] wrapped =
          key.encrypt()
              .encrypt(
                  TinkProtoKeysetFormat.serializeKeyset(dataKey, InsecureSecretKeyAccess.get()),
                  ad);
      DataOutputStream header = new DataOutputStream(out);
      header.write(MAGIC);
      header.writeByte(VERSION);
      header.writeLong(archivedAt.toEpochMilli());
      header.writeUTF(key.keyId());
      header.writeInt(wrapped.length);
      header.write(wrapped);
      OutputStream encrypted =
          dataKey.getPrimitive(StreamingAead.class).newEncryptingStream(out, ad);
      ZstdOutputStream zstd = new ZstdOutputStream(encrypted, 1);
      file.transferTo(zstd);
      zstd.close(); // the last zstd frame, the last AEAD segment, then the object's commit
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encrypt " + objectKey + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the header of an object.
   *
   * @throws BackupIntegrityException when it is not an archived log file of this format
   */
  public static Header header(InputStream in, String objectKey) throws IOException {
    DataInputStream data = new DataInputStream(in);
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC) || data.readUnsignedByte() != VERSION) {
        throw new BackupIntegrityException(
            objectKey + " is not an archived log file (format " + VERSION + ")", null);
      }
      Instant at = Instant.ofEpochMilli(data.readLong());
      String keyId = data.readUTF();
      int length = data.readInt();
      if (length <= 0 || length > MAX_WRAPPED) {
        throw new BackupIntegrityException(objectKey + " has a damaged header", null);
      }
      return new Header(at, keyId, data.readNBytes(length));
    } catch (EOFException e) {
      throw new BackupIntegrityException(objectKey + " is cut short", e);
    }
  }

  /**
   * The file's bytes, from an object whose {@link #header} was just read from {@code in}. Every
   * read is authenticated; a stream that was altered fails with {@link BackupIntegrityException}
   * (at the latest at its end).
   */
  public static InputStream content(
      InputStream in, Header header, String objectKey, ArchiveKeys.PrivateKey key)
      throws IOException {
    if (!header.keyId().equals(key.keyId())) {
      throw new BackupIntegrityException(
          objectKey + " is encrypted under archive key " + header.keyId() + ", not " + key.keyId(),
          null);
    }
    byte[] ad = ad(objectKey, header.archivedAt(), header.keyId());
    StreamingAead aead;
    try {
      aead =
          TinkProtoKeysetFormat.parseKeyset(
                  key.decrypt().decrypt(header.wrappedKey(), ad), InsecureSecretKeyAccess.get())
              .getPrimitive(StreamingAead.class);
    } catch (GeneralSecurityException e) {
      throw new BackupIntegrityException(
          "cannot unwrap the data key of "
              + objectKey
              + ": wrong archive key, or the object was altered",
          e);
    }
    try {
      StorageInput stored = new StorageInput(in);
      return new IntegrityInput(
          new ZstdInputStream(aead.newDecryptingStream(stored, ad)), stored, objectKey);
    } catch (GeneralSecurityException e) {
      throw new BackupIntegrityException(objectKey + " fails authentication", e);
    }
  }

  private static byte[] ad(String objectKey, Instant archivedAt, String keyId) {
    return ("coffer-log:" + objectKey + ":" + archivedAt.toEpochMilli() + ":" + keyId)
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Remembers the storage's own read error (storage unreachable, connection reset), which Tink
   * reports as a failed decryption, so that {@link IntegrityInput} does not take it for tampering.
   */
  private static final class StorageInput extends FilterInputStream {
    volatile IOException failure;

    StorageInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  /**
   * Reports Tink's authentication failures (plain IOExceptions) as integrity failures; the
   * storage's own read errors pass through as they are.
   */
  private static final class IntegrityInput extends FilterInputStream {
    private final String objectKey;
    private final StorageInput stored;

    IntegrityInput(InputStream in, StorageInput stored, String objectKey) {
      super(in);
      this.stored = stored;
      this.objectKey = objectKey;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw fail(e);
      }
    }

    private IOException fail(IOException e) {
      if (stored.failure != null) {
        return stored.failure;
      }
      return e instanceof BackupIntegrityException
          ? e
          : new BackupIntegrityException(
              objectKey + " is corrupt or was altered: " + e.getMessage(), e);
    }
  }
}
