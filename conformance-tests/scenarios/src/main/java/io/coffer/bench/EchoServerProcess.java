package io.coffer.bench;

import io.coffer.tck.process.JavaProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@link RawEchoServer} in its own JVM, with the control's JVM options so that the two servers
 * compare fairly.
 */
final class EchoServerProcess extends JavaProcess {
  /** The same options as {@link io.coffer.tck.process.ControlProcess}. */
  static final List<String> JVM = List.of("-Xmx256m");

  private EchoServerProcess(int port, Path cert, Path key, Path ca, Path log) throws IOException {
    super(
        JVM,
        RawEchoServer.class.getName(),
        List.of(String.valueOf(port), cert.toString(), key.toString(), ca.toString()),
        log);
  }

  /**
   * Starts the server and returns once it accepts TCP connections (it binds only after its TLS
   * setup succeeded).
   */
  static EchoServerProcess start(int port, Path cert, Path key, Path ca, Path log)
      throws IOException, InterruptedException {
    EchoServerProcess p = new EchoServerProcess(port, cert, key, ca, log);
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end) {
      if (!p.alive()) {
        throw new IOException("the raw echo server exited; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return p;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    p.kill9();
    throw new IOException(
        "the raw echo server did not listen on " + port + " within 60 s; see " + log);
  }
}
