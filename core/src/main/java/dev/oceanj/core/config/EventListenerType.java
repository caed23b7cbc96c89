package dev.oceanj.core.config;

/** What triggers a resync, as in Ocean's {@code OCEAN__EVENT_LISTENER__TYPE}. */
public enum EventListenerType {
  /** Ask Port every interval whether a resync was requested (Ocean's default). */
  POLLING(true, true, true),
  /** Port calls {@code <app-host>/resync}. */
  WEBHOOK(true, true, true),
  /** Port's change topic on Kafka. */
  KAFKA(true, true, true),
  /** One resync, then exit (CI, cron). */
  ONCE(true, false, false),
  /** Live events only; never resyncs. */
  WEBHOOKS_ONLY(false, true, false),
  /** Self-service actions only. */
  ACTIONS_ONLY(false, false, true);

  private final boolean resyncs;
  private final boolean processesWebhooks;
  private final boolean runsActions;

  EventListenerType(boolean resyncs, boolean processesWebhooks, boolean runsActions) {
    this.resyncs = resyncs;
    this.processesWebhooks = processesWebhooks;
    this.runsActions = runsActions;
  }

  /** Whether this type resyncs unless {@code should-resync} says otherwise. */
  public boolean resyncsByDefault() {
    return resyncs;
  }

  /** Whether this type processes live events unless {@code should-process-webhooks} says otherwise. */
  public boolean processesWebhooksByDefault() {
    return processesWebhooks;
  }

  /** Whether this type runs actions unless {@code should-run-actions} says otherwise. */
  public boolean runsActionsByDefault() {
    return runsActions;
  }

  static EventListenerType parse(String upper) {
    for (EventListenerType t : values()) {
      if (t.name().equals(upper)) {
        return t;
      }
    }
    return null;
  }
}
