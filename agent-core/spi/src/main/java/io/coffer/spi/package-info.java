/**
 * The Coffer datastore plugin SPI: what a plugin author implements and compiles against.
 *
 * <p>A plugin is a PF4J plugin (a zip with {@code plugin.properties} and its jars under {@code
 * lib/}) providing one {@link io.coffer.spi.DatastoreManager} extension. Every SPI method is plain
 * blocking code: the agent runtime calls it on a bounded elastic scheduler, journals it, applies
 * deadlines and locks. Errors are reported by throwing {@link io.coffer.spi.DatastoreException},
 * whose {@link io.coffer.spi.DatastoreException.Code} maps one-to-one to a gRPC status code.
 *
 * <p>The runtime, not the plugin, owns process supervision, journaling, retries, compression,
 * encryption and storage. A plugin declares how to run its server ({@link
 * io.coffer.spi.ProcessSpec}) and implements engine logic only.
 */
package io.coffer.spi;
