package io.coffer.control.registry;

import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.Hello;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Instant;

/** One open agent stream. The instance id comes from the agent's certificate, never from its Hello. */
public final class AgentSession {
  private final String instanceId;
  private final Hello hello;
  private final Instant connectedAt;
  private final ServerCallStreamObserver<ControlFrame> out;
  private boolean closed;

  public AgentSession(String instanceId, Hello hello, Instant connectedAt, ServerCallStreamObserver<ControlFrame> out) {
    this.instanceId = instanceId;
    this.hello = hello;
    this.connectedAt = connectedAt;
    this.out = out;
  }

  public String instanceId() {
    return instanceId;
  }

  public Hello hello() {
    return hello;
  }

  public Instant connectedAt() {
    return connectedAt;
  }

  /** Sends a frame; false when the stream is already closed. */
  public synchronized boolean send(ControlFrame frame) {
    if (closed || out.isCancelled()) {
      return false;
    }
    try {
      out.onNext(frame);
      return true;
    } catch (RuntimeException e) {
      closed = true;
      return false;
    }
  }

  /** Closes the stream from the control's side (e.g. replaced by a newer connection). */
  public synchronized void close(Status status) {
    if (!closed) {
      closed = true;
      try {
        out.onError(status.asRuntimeException());
      } catch (RuntimeException ignored) {
        // already cancelled by the peer
      }
    }
  }

  /** The peer went away; nothing more is sent. */
  public synchronized void markClosed() {
    closed = true;
  }

  public synchronized boolean isOpen() {
    return !closed && !out.isCancelled();
  }
}
