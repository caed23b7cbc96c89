/**
 * The scheduled resync beside any connection mode: {@link dev.oceanj.actors.trigger.schedule.ScheduleTrigger} asks
 * for a resync every {@code ocean.scheduled-resync-interval}, on the
 * {@link dev.oceanj.actors.trigger.schedule.ResyncSchedule} that also gives the {@code nextResync} Port is told.
 */
package dev.oceanj.actors.trigger.schedule;
