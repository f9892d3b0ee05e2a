package io.coffer.agent.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One object being uploaded. Bytes collect in a single part-sized buffer; each full buffer is
 * uploaded as a part (the multipart upload starts with the first full part), so memory stays at one
 * part whatever the object size. close() sends the rest: a plain PUT when the object fit in one
 * buffer, else the last part and CompleteMultipartUpload. Any failure aborts the upload.
 */
final class S3MultipartOutput extends StorageOutputStream {
  private static final int MAX_PARTS = 10_000; // S3's limit

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final byte[] buffer;
  private final List<CompletedPart> parts = new ArrayList<>();
  private int filled;
  private String uploadId;
  private boolean done;

  S3MultipartOutput(S3Client s3, String bucket, String key, int partSize) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.buffer = new byte[partSize];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (done) {
      throw new IOException("s3://" + bucket + "/" + key + " is already committed or aborted");
    }
    while (len > 0) {
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == buffer.length) {
        uploadPart();
      }
    }
  }

  private void uploadPart() throws IOException {
    try {
      if (uploadId == null) {
        uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
      }
      if (parts.size() == MAX_PARTS) {
        throw new IOException(
            "s3://" + bucket + "/" + key + " exceeds " + MAX_PARTS + " parts; raise partSize");
      }
      int number = parts.size() + 1;
      String etag =
          s3.uploadPart(
                  r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number), body())
              .eTag();
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      filled = 0;
    } catch (IOException e) {
      abortAfter(e);
      throw e;
    } catch (SdkException e) {
      abortAfter(e);
      throw failure("upload a part of", e);
    }
  }

  /** The buffer as it is now, without copying; re-readable for the SDK's retries. */
  private RequestBody body() {
    int length = filled;
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream");
  }

  @Override
  public void close() throws IOException {
    if (done) {
      return;
    }
    try {
      if (uploadId == null) {
        s3.putObject(r -> r.bucket(bucket).key(key), body());
      } else {
        if (filled > 0) {
          uploadPart();
        }
        s3.completeMultipartUpload(
            r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
      }
      done = true;
    } catch (SdkException e) {
      abortAfter(e);
      throw failure("commit", e);
    }
  }

  @Override
  public void abort() throws IOException {
    if (done) {
      return;
    }
    done = true;
    if (uploadId != null) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException e) {
        throw failure("abort the upload of", e);
      }
    }
  }

  private void abortAfter(Exception cause) {
    try {
      abort();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private IOException failure(String action, SdkException e) {
    return new IOException(
        "cannot " + action + " s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
  }
}
