package io.coffer.agent.storage;

import java.net.URI;
import java.util.Objects;

/**
 * Where and how {@link S3Storage} connects.
 *
 * @param endpoint S3-compatible endpoint, e.g. {@code https://s3.example.net:9000}; null for AWS
 * @param region signing region, e.g. {@code us-east-1} (most S3-compatible servers accept any)
 * @param bucket existing bucket
 * @param prefix key prefix inside the bucket, e.g. {@code "coffer/backups/"}; "" for none
 * @param accessKey access key id
 * @param secretKey secret access key
 * @param pathStyle address buckets as {@code endpoint/bucket} (most S3-compatible servers) rather
 *     than {@code bucket.endpoint}
 * @param partSize bytes per multipart part, at least 5 MiB (S3's minimum); also the write buffer,
 *     so the memory one upload needs. S3 allows 10,000 parts: 8 MiB parts cap an object at ~78 GiB
 */
public record S3StorageConfig(
    URI endpoint,
    String region,
    String bucket,
    String prefix,
    String accessKey,
    String secretKey,
    boolean pathStyle,
    int partSize) {
  public static final int MIN_PART_SIZE = 5 << 20;
  public static final int DEFAULT_PART_SIZE = 8 << 20;

  public S3StorageConfig {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
    prefix = prefix == null ? "" : prefix;
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("s3 prefix must end with '/': " + prefix);
    }
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("s3 partSize must be at least 5 MiB, got " + partSize);
    }
  }

  @Override
  public String toString() { // never print the secret
    return "S3StorageConfig[endpoint="
        + endpoint
        + ", region="
        + region
        + ", bucket="
        + bucket
        + ", prefix="
        + prefix
        + ", accessKey="
        + accessKey
        + ", pathStyle="
        + pathStyle
        + ", partSize="
        + partSize
        + "]";
  }
}
