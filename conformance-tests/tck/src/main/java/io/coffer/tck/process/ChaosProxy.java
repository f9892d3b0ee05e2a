package io.coffer.tck.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback between agents and the control, for network faults: it can hold the bytes
 * agents send (the control sees nothing, the agent thinks it sent) and cut every connection. TLS
 * passes through untouched.
 */
public final class ChaosProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean holdUpstream;
  private volatile boolean closed;
  private volatile boolean partitioned;

  public ChaosProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "chaos-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /**
   * From now on, bytes from agents to the control are held back (not dropped) until {@link
   * #release()}.
   */
  public void holdUpstream() {
    holdUpstream = true;
  }

  /** Forwards held bytes and carries on normally. */
  public void release() {
    synchronized (gate) {
      holdUpstream = false;
      gate.notifyAll();
    }
  }

  /**
   * A partition: every proxied connection is cut now and new ones are refused until {@link
   * #heal()}.
   */
  public void partition() {
    partitioned = true;
    cutAll();
  }

  /** Ends a {@link #partition()}: new connections are proxied again. */
  public void heal() {
    partitioned = false;
  }

  /** Closes every proxied connection now; anything held is lost. New connections are accepted. */
  public void cutAll() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
    sockets.clear();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (partitioned) {
          close(client);
          continue;
        }
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        // accept failed or the control is down: the agent sees a broken connection and retries
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upstream) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  if (upstream) {
                    synchronized (gate) {
                      while (holdUpstream && !from.isClosed()) {
                        gate.wait(100);
                      }
                    }
                    if (from.isClosed()) {
                      break;
                    }
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // connection cut
              } finally {
                close(from);
                close(to);
              }
            },
            "chaos-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    cutAll();
    server.close();
  }
}
