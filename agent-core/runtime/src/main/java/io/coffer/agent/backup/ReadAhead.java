package io.coffer.agent.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads {@code source} on a thread of its own, ahead of the reader, through a bounded queue of
 * chunks: the stages before it (storage read, SHA-256, decryption) then run on another core than
 * the stages after it (decompression, and whatever the reader does), instead of taking turns on one
 * thread. Memory is bounded by {@code depth + 2} chunks. An exception of the source is thrown by
 * the read that reaches its position in the stream, after every byte before it; closing stops the
 * thread and closes the source.
 */
final class ReadAhead extends InputStream {
  private static final Chunk END = new Chunk(new byte[0], 0);

  /** A buffer and how much of it holds data. */
  private record Chunk(byte[] buffer, int length) {}

  private static final long POLL_MILLIS = 100;

  private final InputStream source;
  private final BlockingQueue<Chunk> chunks;
  private final BlockingQueue<byte[]> free;
  private final Thread reader;
  private volatile IOException failure;
  private volatile boolean closed;
  private Chunk current = new Chunk(new byte[0], 0);
  private int position;
  private boolean ended;

  /**
   * @param chunkSize bytes per chunk read from the source
   * @param depth chunks read ahead at most
   */
  ReadAhead(InputStream source, int chunkSize, int depth, String threadName) {
    this.source = source;
    this.chunks = new ArrayBlockingQueue<>(depth + 1);
    this.free = new ArrayBlockingQueue<>(depth + 2);
    for (int i = 0; i < depth + 2; i++) {
      free.add(new byte[chunkSize]);
    }
    this.reader = new Thread(() -> pump(chunkSize), threadName);
    reader.setDaemon(true);
    reader.start();
  }

  private void pump(int chunkSize) {
    while (!closed) {
      byte[] chunk = take();
      if (chunk == null) {
        return;
      }
      int filled = 0;
      try {
        while (filled < chunkSize) {
          int n = source.read(chunk, filled, chunkSize - filled);
          if (n < 0) {
            break;
          }
          filled += n;
        }
      } catch (IOException | RuntimeException e) {
        // the bytes before the failure first, then the failure
        if (filled > 0 && !offer(new Chunk(chunk, filled))) {
          return;
        }
        failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        offer(END);
        return;
      }
      if (filled > 0 && !offer(new Chunk(chunk, filled))) {
        return;
      }
      if (filled < chunkSize) {
        offer(END);
        return;
      }
    }
  }

  /** A free buffer, or null when the stream was closed meanwhile. */
  private byte[] take() {
    try {
      while (!closed) {
        byte[] b = free.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (b != null) {
          return b;
        }
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Waits for room; false when the stream was closed meanwhile. */
  private boolean offer(Chunk chunk) {
    try {
      while (!closed) {
        if (chunks.offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The next chunk with bytes left, or false at the end (throwing the source's failure). */
  private boolean fill() throws IOException {
    while (position == current.length()) {
      if (ended) {
        return false;
      }
      if (current.length() > 0) {
        free.offer(current.buffer()); // read: the pump may fill it again
      }
      try {
        // never an unbounded wait: once closed (here or by another thread closing the chain),
        // the pump stops without sending END
        Chunk next;
        while ((next = chunks.poll(POLL_MILLIS, TimeUnit.MILLISECONDS)) == null) {
          if (closed) {
            throw new IOException("read-ahead stream closed");
          }
        }
        current = next;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading ahead");
      }
      position = 0;
      if (current == END) {
        ended = true;
        if (failure != null) {
          throw failure;
        }
        return false;
      }
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    return fill() ? current.buffer()[position++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.length() - position);
    System.arraycopy(current.buffer(), position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current.length() - position;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    chunks.clear(); // unblocks a pump waiting for room
    try {
      source.close(); // unblocks a pump waiting for the source; what it reads now is dropped
    } finally {
      try {
        reader.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
