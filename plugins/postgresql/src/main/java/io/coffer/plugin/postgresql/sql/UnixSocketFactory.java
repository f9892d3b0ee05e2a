package io.coffer.plugin.postgresql.sql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.SocketFactory;

/**
 * Lets the JDBC driver reach PostgreSQL's UNIX socket. pgjdbc has no UNIX-socket transport of its
 * own but instantiates the class named by its {@code socketFactory} property, passing {@code
 * socketFactoryArg} (here: the socket file) to a one-string constructor (<a
 * href="https://jdbc.postgresql.org/documentation/use/#connection-parameters">connection
 * parameters</a>). The sockets are the JDK's own UNIX-domain channels ({@link UnixSocket}), so no
 * native library (junixsocket's, for example) has to be loaded into the agent, where several plugin
 * class loaders could not share it.
 */
public final class UnixSocketFactory extends SocketFactory {

  private final Path socketFile;

  /**
   * @param socketFile the server's socket, e.g. {@code /run/coffer/.s.PGSQL.5432}
   */
  public UnixSocketFactory(String socketFile) {
    this.socketFile = Path.of(socketFile);
  }

  @Override
  public Socket createSocket() {
    return new UnixSocket(socketFile);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected();
  }

  private Socket connected() throws IOException {
    Socket s = createSocket();
    s.connect(InetSocketAddress.createUnresolved("localhost", 0));
    return s;
  }
}
