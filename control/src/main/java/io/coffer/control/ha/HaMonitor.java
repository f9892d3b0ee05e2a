package io.coffer.control.ha;

import io.coffer.control.events.Events;
import io.coffer.control.registry.AgentRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The HA loop, on one thread of its own, every {@code tick}: publish what changed on each instance
 * ({@link InstanceWatch}).
 */
public final class HaMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HaMonitor.class);
  private final InstanceWatch watch;
  private final Scheduler thread = Schedulers.newSingle("coffer-ha", true);
  private Disposable loop;

  public HaMonitor(AgentRegistry registry, Events events) {
    this.watch = new InstanceWatch(registry, events, instance -> 30);
  }

  public void start(Duration tick) {
    loop = Flux.interval(tick, tick, thread).onBackpressureDrop().subscribe(t -> {
      try {
        watch.tick();
      } catch (RuntimeException e) {
        log.error("HA loop: {}", e.getMessage(), e);
      }
    });
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.dispose();
    }
    thread.dispose();
  }
}
