package dev.oceanj.actors.trigger;

import java.util.Map;

/**
 * What a trigger tells {@code /status} about itself: its mode and a few facts (last poll, watermark, assigned
 * partitions, next tick …). Values are JSON-friendly (strings, numbers, booleans, lists) and never secrets.
 */
public record TriggerInfo(String mode, Map<String, Object> details) {}
