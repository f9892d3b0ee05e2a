package io.coffer.plugin.postgresql.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK UNIX-domain socket the JDBC driver gets, against a plain socket server. */
class UnixSocketTest {

  @TempDir Path dir;
  private ServerSocketChannel server;
  private Path path;

  @BeforeEach
  void listen() throws Exception {
    path = dir.resolve(".s.PGSQL.5432");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
  }

  @AfterEach
  void close() throws Exception {
    server.close();
  }

  private Socket connect() throws Exception {
    Socket s = new UnixSocketFactory(path.toString()).createSocket();
    // the driver asks for a TCP address; the socket file is used instead
    s.connect(new InetSocketAddress("localhost", 5432), 1000);
    return s;
  }

  @Test
  void bytesTravelBothWays() throws Exception {
    try (Socket client = connect();
        SocketChannel peer = server.accept()) {
      assertThat(client.isConnected()).isTrue();
      OutputStream out = client.getOutputStream();
      byte[] big = new byte[1 << 20]; // more than a socket buffer: writes wait for the reader
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) i;
      }
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  out.write(big);
                  out.flush();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      ByteBuffer received = ByteBuffer.allocate(big.length);
      while (received.hasRemaining()) {
        peer.read(received);
      }
      writer.get(10, TimeUnit.SECONDS);
      assertThat(received.array()).isEqualTo(big);

      peer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      InputStream in = client.getInputStream();
      assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
      peer.close();
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void readsHonourTheSoTimeout() throws Exception {
    try (Socket client = connect();
        SocketChannel peer = server.accept()) {
      client.setSoTimeout(200);
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> client.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(System.nanoTime() - t0).isBetween(150_000_000L, 5_000_000_000L);
      // the socket is still usable after a timeout, as a TCP socket is
      peer.write(ByteBuffer.wrap(new byte[] {7}));
      assertThat(client.getInputStream().read()).isEqualTo(7);
    }
  }

  @Test
  void closingWakesABlockedReader() throws Exception {
    // the connection waits in the server's backlog, never accepted: nothing will ever arrive
    try (Socket client = connect()) {
      CompletableFuture<Throwable> reader =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  client.getInputStream().read();
                  return null;
                } catch (Exception e) {
                  return e;
                }
              });
      Thread.sleep(100);
      client.close();
      assertThat(reader.get(5, TimeUnit.SECONDS)).isInstanceOf(java.io.IOException.class);
      assertThat(client.isClosed()).isTrue();
    }
  }

  @Test
  void aMissingSocketFileIsAConnectError() {
    assertThatThrownBy(
            () ->
                new UnixSocketFactory(dir.resolve("nope").toString())
                    .createSocket("localhost", 5432))
        .isInstanceOf(java.io.IOException.class);
  }
}
