package io.coffer.agent.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.BooleanSupplier;

/**
 * Fails the next read once its job is cancelled, so whatever consumes the stream (the pipeline, a
 * plugin's restore staging) unwinds through its ordinary failure path: the tool is killed, partial
 * objects are removed. Chosen over thread interrupts, which would also hit blocking calls (JDBC, a
 * data directory swap) that must not be cut in the middle.
 */
final class CancellableInput extends FilterInputStream {
  private final BooleanSupplier cancelled;

  CancellableInput(InputStream in, BooleanSupplier cancelled) {
    super(in);
    this.cancelled = cancelled;
  }

  /** What a cancelled read throws; recognised by {@link BackupService} in any cause chain. */
  static final class CancelledException extends IOException {
    CancelledException() {
      super("cancelled");
    }
  }

  private void check() throws CancelledException {
    if (cancelled.getAsBoolean()) {
      throw new CancelledException();
    }
  }

  @Override
  public int read() throws IOException {
    check();
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    check();
    return in.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    check();
    return in.skip(n);
  }
}
