/**
 * Ocean's {@code pagerduty} integration: services, incidents, schedules, on-calls, escalation policies and any other
 * PagerDuty list, read with PagerDuty's classic pagination ({@link dev.oceanj.integrations.pagerduty.PagerDutyClient})
 * and enriched as Ocean does ({@link dev.oceanj.integrations.pagerduty.PagerDutyKinds}).
 */
package dev.oceanj.integrations.pagerduty;
