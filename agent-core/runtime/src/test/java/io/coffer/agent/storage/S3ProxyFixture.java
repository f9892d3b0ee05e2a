package io.coffer.agent.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server in this JVM: S3Proxy (Jetty, S3 REST API with SigV4) over jclouds'
 * filesystem blobstore in a temporary directory, on 127.0.0.1 (or a given address of this host) and
 * a free port.
 */
public final class S3ProxyFixture implements AutoCloseable {
  public static final String ACCESS_KEY = "coffer-access";
  public static final String SECRET_KEY = "coffer-secret";
  public static final String BUCKET = "backups";

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  private final String host;

  public S3ProxyFixture(Path dir) throws Exception {
    this(dir, "127.0.0.1");
  }

  /**
   * @param host the address to listen on: 127.0.0.1, or 0.0.0.0 for guests on a container network
   */
  public S3ProxyFixture(Path dir, String host) throws Exception {
    this.host = host;
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dir.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("unused", "unused")
            .overrides(props)
            .build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, BUCKET);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://" + host + ":0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  public URI endpoint() {
    return endpointAt("0.0.0.0".equals(host) ? "127.0.0.1" : host);
  }

  /**
   * The endpoint as seen from elsewhere, at {@code address} (e.g. a container network's gateway).
   */
  public URI endpointAt(String address) {
    return URI.create("http://" + address + ":" + proxy.getPort());
  }

  public S3StorageConfig config(String prefix, int partSize) {
    return new S3StorageConfig(
        endpoint(), "us-east-1", BUCKET, prefix, ACCESS_KEY, SECRET_KEY, true, partSize);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
