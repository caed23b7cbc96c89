/**
 * The ONCE connection mode: {@link dev.oceanj.actors.trigger.once.OnceTrigger} asks for one resync at start and
 * reports how it ended, which ends the process with its exit code.
 */
package dev.oceanj.actors.trigger.once;
