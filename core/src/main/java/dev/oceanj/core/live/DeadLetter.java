package dev.oceanj.core.live;

import java.time.Instant;

/**
 * An event whose processing kept failing, kept durably with its last error until it is replayed.
 *
 * @param id the dead letter's id: the offset the event had in the log
 * @param event the event
 * @param error the last error, one line
 * @param at when it was dead-lettered
 */
public record DeadLetter(long id, StoredEvent event, String error, Instant at) {}
