/**
 * Port Ocean's fake integration: kinds {@code fake-department}, {@code fake-person}, {@code fake-office},
 * {@code fake-team} and {@code fake-project}, generated deterministically and served by an in-process fake
 * 3rd-party HTTP API, for tests, demos and benchmarks.
 *
 * @since 0.1
 */
package dev.oceanj.integrations.fake;
