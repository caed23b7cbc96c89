/**
 * A fake PagerDuty REST API for the {@code pagerduty} integration's tests, examples and benchmarks: the endpoints
 * Ocean's PagerDuty integration calls, classic pagination with its 10,000 offset cap, token and OAuth auth, rate-limit
 * headers and faults, v3 webhook subscriptions and signed events, and a request log. JDK HTTP server and Jackson only.
 *
 * @since 0.1
 */
package dev.oceanj.integrations.pagerduty.fakeapi;
