package io.coffer.spi.config;

import java.util.Collection;
import java.util.List;

/**
 * The engine side of configuration ({@link io.coffer.spi.Capability#CONFIGURATION}). Only the
 * parameters a user may tune are offered: those the agent manages itself (ports, paths,
 * authentication, replication and archiving settings) are not, and are refused as unknown.
 *
 * <p>Methods are called while the server is ready and may block.
 */
public interface ConfigurationManager {

  /** The rules of every parameter a user may set, sorted by name. */
  List<ParameterRule> rules();

  /**
   * Current values.
   *
   * @param names parameters to show; empty shows every parameter of {@link #rules()}
   * @throws io.coffer.spi.DatastoreException INVALID_ARGUMENT (field {@code names}) for a name that
   *     is not a settable parameter
   */
  List<ParameterValue> values(Collection<String> names);

  /**
   * Validates the whole change against {@link #rules()} first (INVALID_ARGUMENT with field {@code
   * values.<name>} or {@code reset}, nothing applied), then persists it so that it survives
   * restarts and applies what the engine can apply live.
   *
   * @return the changed parameters after the change; those whose new value awaits a restart have
   *     {@link ParameterValue#pendingRestart()} set
   */
  List<ParameterValue> apply(ConfigurationChange change);
}
