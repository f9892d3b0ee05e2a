package ${package}.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for the engine's server process, so the skeleton runs end to end: it listens on the
 * address and port it is given and answers {@code PING} with {@code PONG} and {@code VERSION} with
 * its version, a line each. Replace it with the real server in {@code serverProcess()}.
 */
public final class ExampleServer {
  private ExampleServer() {}

  /** Arguments: bind address, port. Runs until it is stopped (SIGTERM). */
  public static void main(String[] args) throws IOException {
    try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 50, InetAddress.getByName(args[0]))) {
      while (true) {
        try (Socket client = server.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
          String request = in.readLine();
          out.println("PING".equals(request) ? "PONG" : "VERSION".equals(request) ? "${engine}-server 1.0" : "ERROR");
        } catch (IOException e) {
          System.err.println("client: " + e.getMessage());
        }
      }
    }
  }
}
