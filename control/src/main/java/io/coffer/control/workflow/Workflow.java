package io.coffer.control.workflow;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A multi-step operation spanning agents, as journaled: which step runs next and what earlier steps
 * produced.
 *
 * @param kind the definition that runs it, e.g. {@code "create_replica"}
 * @param step index of the next step to run (0-based); equals the number of steps when done
 * @param params inputs and what steps produced (ids, positions); never secrets
 * @param error why it FAILED, or ""
 */
public record Workflow(
    String id,
    String kind,
    State state,
    int step,
    Map<String, String> params,
    Instant created,
    Instant updated,
    String error) {

  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public Workflow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
    params = Map.copyOf(params);
    error = error == null ? "" : error;
  }

  public String param(String key) {
    String v = params.get(key);
    if (v == null) {
      throw new IllegalStateException("workflow " + id + " has no parameter " + key);
    }
    return v;
  }

  Workflow next(Map<String, String> produced, Instant at) {
    Map<String, String> p = new HashMap<>(params);
    p.putAll(produced);
    return new Workflow(id, kind, state, step + 1, p, created, at, error);
  }

  Workflow finished(State end, String why, Instant at) {
    return new Workflow(id, kind, end, step, params, created, at, why);
  }
}
