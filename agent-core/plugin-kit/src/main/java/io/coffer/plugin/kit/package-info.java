/**
 * Engine-neutral helpers for datastore plugins, bundled in each plugin's zip (a plugin depends on
 * the SPI and on this kit only, never on another plugin): {@link io.coffer.plugin.kit.ToolProcess}
 * and {@link io.coffer.plugin.kit.ToolRunner} run an engine's tools without a shell, {@link
 * io.coffer.plugin.kit.OutputTail} keeps the end of their output for error messages, {@link
 * io.coffer.plugin.kit.Readiness} waits for a server, {@link io.coffer.plugin.kit.TimeBox} bounds a
 * driver call in time, and {@link io.coffer.plugin.kit.StagedChain} checks that a restore stages
 * its chain in order.
 */
package io.coffer.plugin.kit;
