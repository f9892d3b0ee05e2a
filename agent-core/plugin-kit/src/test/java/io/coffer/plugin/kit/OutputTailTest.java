package io.coffer.plugin.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputTailTest {
  @Test
  void outputTailIsBoundedInLinesAndLength() {
    OutputTail tail = new OutputTail();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      out.append("line ").append(i).append('\n');
    }
    out.append("y".repeat(10_000)).append('\n').append("unfinished");
    tail.drain(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)));
    List<String> lines = tail.text().lines().toList();
    assertThat(lines).hasSize(OutputTail.MAX_LINES + 1);
    assertThat(lines.get(0)).isEqualTo("line 71");
    assertThat(lines.get(lines.size() - 2)).hasSize(OutputTail.MAX_LINE_BYTES + " [...]".length());
    assertThat(lines.get(lines.size() - 1)).isEqualTo("unfinished");
  }
}
