/**
 * The Coffer TCK: engine-agnostic JUnit 5 suites every datastore plugin runs against a real server.
 *
 * <p>A plugin author extends {@link io.coffer.tck.DatastoreTck} and supplies a {@link
 * io.coffer.tck.DatastoreProvider}: where the plugin zip is, the agent's datastore settings for a
 * fresh instance, and a {@link io.coffer.tck.DataPlane} that connects as an ordinary client to
 * check outcomes. The suite starts a real control and a real agent (which loads the plugin with
 * PF4J and supervises the server itself) over mutual TLS on loopback, and drives everything through
 * the northbound API, as a control-plane integration would.
 */
package io.coffer.tck;
