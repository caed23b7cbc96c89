/**
 * Settings read once at start-up: HOCON defaults, Ocean's environment variables, the integration's
 * {@code .port/spec.yaml}, validated into immutable records ({@link dev.oceanj.core.config.OceanSettings}).
 */
package dev.oceanj.core.config;
