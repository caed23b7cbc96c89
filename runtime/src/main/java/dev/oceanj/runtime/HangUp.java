package dev.oceanj.runtime;

import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host mode's {@code kill -HUP}: reloads the instance set ({@link Guardian.Reload}). {@code sun.misc.Signal} is
 * not a standard API: where it is missing or the signal cannot be taken (a JVM started with {@code -Xrs}), this logs
 * that {@code POST /instances/reload} is the way and carries on.
 */
final class HangUp {

  private static final Logger LOG = LoggerFactory.getLogger(HangUp.class);

  private HangUp() {}

  static void install(ActorSystem<Guardian.Command> system) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
          signal -> system.tell(new Guardian.Reload("SIGHUP", system.ignoreRef())));
    } catch (Throwable e) {
      LOG.warn("SIGHUP cannot reload the instances here ({}); use POST /instances/reload", e.toString());
    }
  }
}
