package io.coffer.agent.backup;

import static io.coffer.agent.backup.TestStreams.failingAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Arrays;
import java.util.Random;
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
    PipedOutputStream writer = new PipedOutputStream();
    AtomicBoolean closed = new AtomicBoolean();
    InputStream source =
        new PipedInputStream(writer, 1024) {
          @Override
          public void close() throws IOException {
            closed.set(true);
            super.close();
          }
        };
    writer.write(new byte[] {1, 2, 3});
    ReadAhead in = new ReadAhead(source, 4096, 2, "t");
    long started = System.nanoTime();
    in.close(); // the pump waits for a chunk that never fills
    assertThat(closed).isTrue();
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
  }
}
