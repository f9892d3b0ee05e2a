package io.coffer.agent.backup;

import static io.coffer.agent.backup.TestStreams.failingAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(7).nextBytes(b);
    return b;
  }

  @Test
  void everyByteArrivesInOrderWhateverTheReadSizes() throws Exception {
    byte[] data = random(3_000_017);
    try (InputStream in = new ReadAhead(new ByteArrayInputStream(data), 4096, 3, "t")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Random sizes = new Random(1);
      byte[] buffer = new byte[10_000];
      for (int n; (n = in.read(buffer, 0, 1 + sizes.nextInt(buffer.length))) >= 0; ) {
        out.write(buffer, 0, n);
        int single = in.read();
        if (single < 0) {
          break;
        }
        out.write(single);
      }
      assertThat(out.toByteArray()).isEqualTo(data);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void theSourcesFailureComesAfterEveryByteBeforeIt() throws Exception {
    byte[] data = random(100_000);
    try (InputStream in =
        new ReadAhead(failingAfter(new ByteArrayInputStream(data), 50_000), 4096, 2, "t")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[1000];
      assertThatThrownBy(
              () -> {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, n);
                }
              })
          .isInstanceOf(IOException.class)
          .hasMessage("engine tool died");
      assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(data, 50_000));
    }
  }

  @Test
  void closingStopsAReaderBlockedOnItsSourceAndClosesTheSource() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // like a pipe or a socket: three bytes, then a read that returns only when the source is
    // closed (PipedInputStream does not wake its reader on close, which made this test racy)
    InputStream source =
        new InputStream() {
          private int served;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (served < 3) {
              int n = Math.min(len, 3 - served);
              served += n;
              return n;
            }
            blocked.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new IOException("closed");
          }

          @Override
          public void close() {
            closed.set(true);
            release.countDown();
          }
        };
    ReadAhead in = new ReadAhead(source, 4096, 2, "t");
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue(); // the pump waits for more
    long started = System.nanoTime();
    in.close();
    assertThat(closed).isTrue();
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
  }
}
