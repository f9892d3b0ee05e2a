package io.coffer.agent.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link BackupStorage} on S3 or an S3-compatible server (MinIO, Ceph RGW, S3Proxy, ...), using the
 * blocking AWS SDK v2 client. Objects up to one part are a single PUT; larger ones a multipart
 * upload with a bounded buffer of {@link S3StorageConfig#partSize()} bytes, aborted on any failure,
 * so an unfinished object never becomes visible. {@link #close()} releases the client.
 *
 * <p>SDK errors (network, access denied, missing bucket) are reported as {@link IOException}s
 * naming the bucket and key.
 */
public final class S3Storage implements BackupStorage, AutoCloseable {
  private final S3Client s3;
  private final S3StorageConfig config;

  public S3Storage(S3StorageConfig config) {
    this(config, clientBuilder(config).build());
  }

  /** For callers that need to customise the client (tests add interceptors); takes ownership. */
  public S3Storage(S3StorageConfig config, S3Client client) {
    this.config = config;
    this.s3 = client;
  }

  /** A client builder configured from {@code config}: credentials, region, endpoint, path style. */
  public static S3ClientBuilder clientBuilder(S3StorageConfig config) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKey(), config.secretKey())))
            .forcePathStyle(config.pathStyle());
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    return builder;
  }

  String objectKey(String key) {
    return config.prefix() + BackupStorage.checkKey(key);
  }

  @Override
  public StorageOutputStream create(String key) {
    return new S3MultipartOutput(s3, config.bucket(), objectKey(key), config.partSize());
  }

  @Override
  public InputStream open(String key) throws IOException {
    String objectKey = objectKey(key);
    try {
      return s3.getObject(b -> b.bucket(config.bucket()).key(objectKey)); // streams from the socket
    } catch (NoSuchKeyException e) {
      throw (NoSuchFileException) new NoSuchFileException(describe(objectKey)).initCause(e);
    } catch (SdkException e) {
      throw failure("open", objectKey, e);
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    String full = config.prefix() + prefix;
    try {
      return s3
          .listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(full))
          .contents()
          .stream()
          .map(S3Object::key)
          .map(k -> k.substring(config.prefix().length()))
          .sorted()
          .toList();
    } catch (SdkException e) {
      throw failure("list", full, e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    String objectKey = objectKey(key);
    try {
      s3.deleteObject(b -> b.bucket(config.bucket()).key(objectKey)); // S3 ignores missing keys
    } catch (SdkException e) {
      throw failure("delete", objectKey, e);
    }
  }

  /** Aborts multipart uploads never completed under the prefix (they are invisible but billed). */
  @Override
  public void discardUncommitted(String prefix) throws IOException {
    String full = config.prefix() + prefix;
    try {
      for (var upload :
          s3.listMultipartUploadsPaginator(b -> b.bucket(config.bucket()).prefix(full)).uploads()) {
        s3.abortMultipartUpload(
            b -> b.bucket(config.bucket()).key(upload.key()).uploadId(upload.uploadId()));
      }
    } catch (SdkException e) {
      throw failure("discard unfinished uploads under", full, e);
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    String objectKey = objectKey(key);
    try {
      s3.headObject(b -> b.bucket(config.bucket()).key(objectKey));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) { // HEAD has no body, so some servers give no NoSuchKey code
        return false;
      }
      throw failure("check", objectKey, e);
    } catch (SdkException e) {
      throw failure("check", objectKey, e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }

  private String describe(String objectKey) {
    return "s3://" + config.bucket() + "/" + objectKey;
  }

  private IOException failure(String action, String objectKey, SdkException e) {
    return new IOException(
        "cannot " + action + " " + describe(objectKey) + ": " + e.getMessage(), e);
  }

  @Override
  public String toString() {
    return "s3:" + config.bucket() + "/" + config.prefix();
  }
}
