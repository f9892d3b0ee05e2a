package io.coffer.control.registry;

import io.coffer.proto.v1.ControlFrame;
import io.coffer.proto.v1.Hello;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * One open agent stream. The instance id comes from the agent's certificate, never from its Hello.
 *
 * <p>Outbound frames respect gRPC flow control: when the agent does not read, frames wait in a
 * backlog of at most {@link #MAX_BACKLOG_BYTES}, drained as the transport becomes ready again, so a
 * slow or stuck agent costs the control a bounded amount of memory.
 */
public final class AgentSession {
  /** Frames held for an agent that is not reading, at most. */
  public static final long MAX_BACKLOG_BYTES = 4L << 20;

  private final ArrayDeque<ControlFrame> backlog = new ArrayDeque<>();
  private long backlogBytes;
  private final String instanceId;
  private final Hello hello;
  private final Instant connectedAt;
  private final ServerCallStreamObserver<ControlFrame> out;
  private final String certificateSerial;
  private final Instant certificateNotAfter;
  private boolean closed;

  /**
   * @param certificateSerial the serial of the certificate the agent connected with (lower-case
   *     hex)
   * @param certificateNotAfter when that certificate expires
   */
  public AgentSession(
      String instanceId,
      Hello hello,
      Instant connectedAt,
      ServerCallStreamObserver<ControlFrame> out,
      String certificateSerial,
      Instant certificateNotAfter) {
    this.instanceId = instanceId;
    this.hello = hello;
    this.connectedAt = connectedAt;
    this.out = out;
    this.certificateSerial = certificateSerial;
    this.certificateNotAfter = certificateNotAfter;
  }

  /** The serial of the certificate this agent connected with (lower-case hex). */
  public String certificateSerial() {
    return certificateSerial;
  }

  /** When the certificate this agent connected with expires. */
  public Instant certificateNotAfter() {
    return certificateNotAfter;
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

  /**
   * Sends a frame now, or queues it while the agent is not reading.
   *
   * @return false when the stream is closed or the backlog is full (the frame was not queued)
   */
  public synchronized boolean send(ControlFrame frame) {
    if (closed || out.isCancelled()) {
      return false;
    }
    if (backlog.isEmpty() && out.isReady()) {
      return write(frame);
    }
    int size = frame.getSerializedSize();
    if (backlogBytes + size > MAX_BACKLOG_BYTES) {
      return false;
    }
    backlog.add(frame);
    backlogBytes += size;
    return true;
  }

  /** The transport can take more: called from gRPC's on-ready handler. */
  public synchronized void drain() {
    while (!closed && !backlog.isEmpty() && out.isReady()) {
      ControlFrame f = backlog.poll();
      backlogBytes -= f.getSerializedSize();
      write(f);
    }
  }

  /** Bytes waiting for the agent to read. */
  public synchronized long backlogBytes() {
    return backlogBytes;
  }

  private boolean write(ControlFrame frame) {
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
    backlog.clear();
    backlogBytes = 0;
  }

  public synchronized boolean isOpen() {
    return !closed && !out.isCancelled();
  }
}
