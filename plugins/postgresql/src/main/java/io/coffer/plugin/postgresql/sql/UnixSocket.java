package io.coffer.plugin.postgresql.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A {@link Socket} over a UNIX-domain {@link SocketChannel} (JDK 16+, <a
 * href="https://openjdk.org/jeps/380">JEP 380</a>), for the JDBC driver, which only knows {@code
 * java.net.Socket}. It connects to its socket file whatever address the driver asks for.
 *
 * <p>The channel is non-blocking and waits on selectors, so that reads honour {@link #setSoTimeout}
 * as a TCP socket does (the driver relies on it for {@code Connection.isValid} and {@code
 * socketTimeout}), and so that one thread may write while another reads. TCP options are accepted
 * and ignored.
 */
final class UnixSocket extends Socket {

  private final Path path;
  private final Object readLock = new Object();
  private final Object writeLock = new Object();
  private volatile SocketChannel channel;
  private volatile Selector readSelector;
  private volatile Selector writeSelector;
  private volatile int soTimeout;
  private volatile boolean closed;
  private InputStream in;
  private OutputStream out;

  UnixSocket(Path path) {
    this.path = path;
  }

  @Override
  public void connect(SocketAddress ignored) throws IOException {
    connect(ignored, 0);
  }

  /**
   * Connects to the socket file; connecting to a local socket never waits, so no timeout applies.
   */
  @Override
  public synchronized void connect(SocketAddress ignored, int timeout) throws IOException {
    if (closed) {
      throw new SocketException("Socket is closed");
    }
    if (channel != null) {
      throw new SocketException("already connected");
    }
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(path));
      ch.configureBlocking(false);
      readSelector = Selector.open();
      writeSelector = Selector.open();
      ch.register(readSelector, SelectionKey.OP_READ);
      ch.register(writeSelector, SelectionKey.OP_WRITE);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      closeSelectors();
      throw e;
    }
    channel = ch;
    in = new In();
    out = new Out();
  }

  @Override
  public void bind(SocketAddress bindpoint) {
    // a client socket file needs no local address
  }

  @Override
  public boolean isConnected() {
    return channel != null;
  }

  @Override
  public boolean isBound() {
    return channel != null;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    requireOpen();
    return in;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    requireOpen();
    return out;
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout < 0");
    }
    soTimeout = timeout;
  }

  @Override
  public int getSoTimeout() {
    return soTimeout;
  }

  @Override
  public void setTcpNoDelay(boolean on) {}

  @Override
  public boolean getTcpNoDelay() {
    return true;
  }

  @Override
  public void setKeepAlive(boolean on) {}

  @Override
  public boolean getKeepAlive() {
    return false;
  }

  @Override
  public void setSendBufferSize(int size) {}

  @Override
  public int getSendBufferSize() {
    return 64 * 1024;
  }

  @Override
  public void setReceiveBufferSize(int size) {}

  @Override
  public int getReceiveBufferSize() {
    return 64 * 1024;
  }

  @Override
  public void shutdownInput() throws IOException {
    requireOpen();
    channel.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    requireOpen();
    channel.shutdownOutput();
  }

  /** Closes the channel; a thread blocked in a read or write fails with an IOException. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(channel);
    closeSelectors();
  }

  @Override
  public String toString() {
    return "UnixSocket[" + path + (closed ? ", closed]" : "]");
  }

  private void requireOpen() throws SocketException {
    if (closed) {
      throw new SocketException("Socket is closed");
    }
    if (channel == null) {
      throw new SocketException("Socket is not connected");
    }
  }

  private void closeSelectors() {
    for (Selector s : new Selector[] {readSelector, writeSelector}) {
      if (s != null) {
        try {
          s.close(); // wakes a thread blocked in select()
        } catch (IOException ignored) {
          // nothing left to release
        }
      }
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }

  /**
   * Waits until the selector's channel is ready or {@code millis} pass (0: no limit); false on
   * timeout.
   */
  private boolean await(Selector selector, long deadlineNanos) throws IOException {
    try {
      long millis = 0;
      if (deadlineNanos != 0) {
        millis = Math.max(1, (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000);
      }
      int ready = selector.select(millis);
      selector.selectedKeys().clear();
      if (closed) {
        throw new SocketException("Socket closed");
      }
      return ready > 0 || deadlineNanos == 0 || System.nanoTime() < deadlineNanos;
    } catch (ClosedSelectorException e) {
      throw new SocketException("Socket closed");
    }
  }

  private final class In extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      synchronized (readLock) {
        int timeout = soTimeout;
        long deadline = timeout == 0 ? 0 : System.nanoTime() + timeout * 1_000_000L;
        while (true) {
          requireOpen();
          int n = channel.read(buffer);
          if (n != 0) {
            return n; // bytes, or -1 at the end of the stream
          }
          if (!await(readSelector, deadline)) {
            throw new SocketTimeoutException("Read timed out after " + timeout + " ms");
          }
        }
      }
    }

    @Override
    public void close() {
      UnixSocket.this.close();
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      synchronized (writeLock) {
        while (buffer.hasRemaining()) {
          requireOpen();
          if (channel.write(buffer) == 0) {
            await(writeSelector, 0); // as on a TCP socket, writes wait without a limit
          }
        }
      }
    }

    @Override
    public void close() {
      UnixSocket.this.close();
    }
  }
}
