/**
 * The POLLING connection mode: {@link dev.oceanj.actors.trigger.polling.PollingTrigger} reads Port's resync request
 * every interval and asks for a resync when it is newer than the last one handled.
 */
package dev.oceanj.actors.trigger.polling;
