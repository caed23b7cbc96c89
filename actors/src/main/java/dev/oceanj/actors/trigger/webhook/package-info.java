/**
 * The WEBHOOK connection mode: Port POSTs {@code /resync} to the integration's registered
 * {@link dev.oceanj.actors.trigger.webhook.ChangelogDestination}, and
 * {@link dev.oceanj.actors.trigger.webhook.WebhookTrigger} asks the supervisor for a resync.
 */
package dev.oceanj.actors.trigger.webhook;
