package io.coffer.control.broker;

import com.google.crypto.tink.prf.PrfSet;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.coffer.control.keys.KeyFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Fingerprints of requests, so that a command id reused for a different request is refused rather
 * than answered with the first request's outcome (as idempotency keys work in payment APIs). A
 * digest is HMAC-SHA256 (a Tink PRF) over the request's kind and its deterministic protobuf
 * encoding (map entries sorted), keyed by the control's {@code request-key.tink} (mode 0600): a
 * request may hold a password, and a keyed digest kept in the journal cannot be used to guess it.
 */
public final class RequestDigests {
  static final String FILE = "request-key.tink";
  private static final int BYTES = 32;
  private final PrfSet prf;

  private RequestDigests(PrfSet prf) {
    this.prf = prf;
  }

  /** The key in {@code stateDir}, created when absent. */
  public static RequestDigests open(Path stateDir) throws IOException {
    return new RequestDigests(KeyFiles.prf(stateDir.resolve(FILE)));
  }

  /** The digest of {@code request} of kind {@code kind} (32 bytes). */
  public byte[] of(String kind, Message request) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(kind.getBytes(StandardCharsets.UTF_8));
      bytes.write(0);
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      request.writeTo(out);
      out.flush();
      return prf.computePrimary(bytes.toByteArray(), BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the request key cannot compute a digest", e);
    }
  }
}
