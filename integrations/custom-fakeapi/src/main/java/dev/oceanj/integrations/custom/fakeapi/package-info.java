/**
 * A fake REST API for the {@code custom} integration's tests, examples and benchmarks: every pagination and auth
 * style Ocean's generic HTTP integration supports, nested resources, faults on demand and a request log, with
 * data generated from a seed and streamed, so a million items cost no memory. JDK HTTP server and Jackson only.
 *
 * @since 0.1
 */
package dev.oceanj.integrations.custom.fakeapi;
