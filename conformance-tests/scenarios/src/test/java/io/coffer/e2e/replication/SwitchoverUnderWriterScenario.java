package io.coffer.e2e.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.proto.v1.PromoteRequest;
import io.coffer.proto.v1.Workflow;
import io.coffer.proto.v1.WorkflowState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Switchover under a continuous writer, for any engine with replication: a client inserts rows one
 * transaction at a time into whichever server accepts writes, as an ordinary account, while the
 * replica is promoted. Every insert a server acknowledged must be on the new primary afterwards,
 * and the time no server accepted writes is printed.
 */
abstract class SwitchoverUnderWriterScenario {
  private ReplicatedLedger pair;

  abstract Ledger ledger();

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void noCommittedRowIsLostAndTheWriteOutageIsPrinted() throws Exception {
    pair = ReplicatedLedger.start(ledger(), false, false);
    Writer writer = new Writer(new int[] {pair.sourcePort, pair.replicaPort});
    Thread t = new Thread(writer, "continuous-writer");
    t.start();
    Thread.sleep(2000);
    Workflow switched =
        pair.bed.awaitWorkflow(
            pair.bed
                .replication()
                .promote(
                    PromoteRequest.newBuilder().setInstanceId(ReplicatedLedger.REPLICA).build())
                .getWorkflowId(),
            Duration.ofMinutes(2));
    Thread.sleep(2000);
    writer.stop.set(true);
    t.join(30_000);
    assertThat(switched.getState())
        .as(switched.getError())
        .isEqualTo(WorkflowState.WORKFLOW_STATE_SUCCEEDED);

    List<Long> acknowledged = new ArrayList<>(writer.acknowledged);
    assertThat(acknowledged).hasSizeGreaterThan(50);
    assertThat(writer.acknowledgedOn[1].get())
        .as("rows written on the new primary after the switchover")
        .isPositive();
    assertThat(pair.ids(pair.replicaPort)).containsAll(acknowledged);
    System.out.printf(
        "%s switchover under a continuous writer: %d rows acknowledged, none lost; writes were"
            + " refused for %d ms (longest gap between two acknowledged writes)%n",
        ledger().provider().engine(), acknowledged.size(), writer.longestGapMillis());
  }

  /**
   * Inserts increasing ids, one autocommit transaction each, into the first server that takes it (a
   * fenced server refuses), as an application behind a proxy would; remembers what was acknowledged
   * and the longest time between two acknowledgements.
   */
  private final class Writer implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    final AtomicLong[] acknowledgedOn = {new AtomicLong(), new AtomicLong()};
    private final int[] ports;
    private long lastAck = System.nanoTime();
    private long longestGap;

    Writer(int[] ports) {
      this.ports = ports;
    }

    long longestGapMillis() {
      return longestGap / 1_000_000;
    }

    @Override
    public void run() {
      long next = 1;
      int target = 0;
      Connection c = null;
      while (!stop.get()) {
        try {
          if (c == null) {
            c = pair.app(ports[target]);
          }
          try (Statement s = c.createStatement()) {
            s.executeUpdate(
                "INSERT INTO entries (id) VALUES (" + next + ")"); // refused while fenced
          }
          acknowledged.add(next);
          acknowledgedOn[target].incrementAndGet();
          long now = System.nanoTime();
          longestGap = Math.max(longestGap, now - lastAck);
          lastAck = now;
          next++;
        } catch (SQLException e) {
          closeQuietly(c);
          c = null;
          next++; // an insert cut off mid-commit (its session ended by the fence) may exist: a
          // fresh id
          target = 1 - target; // try the other server
          sleep(20);
        }
      }
      closeQuietly(c);
    }
  }

  static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException ignored) {
      // gone
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
