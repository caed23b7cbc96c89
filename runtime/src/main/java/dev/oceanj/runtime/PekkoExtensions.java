package dev.oceanj.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Pekko extensions an ActorSystem of the runtime starts with. Pekko's {@code reference.conf} lists its
 * {@code SerializationExtension} in {@code pekko.library-extensions}, so every system builds it at start, and it
 * then instantiates every serializer on the class path and loads every class bound to one: with the cluster,
 * sharding, distributed-data and Jackson serializers on the runtime's class path that is about 850 classes and
 * 8 MB at rest, for a system that never serializes a message (every actor is local). Without it in the list, the
 * extension is built on first use instead (remoting and cluster mode build it when they start; so does
 * {@code pekko.actor.serialize-messages}), with the same settings.
 */
final class PekkoExtensions {

  static final String LIBRARY_EXTENSIONS = "pekko.library-extensions";
  static final String SERIALIZATION = "org.apache.pekko.serialization.SerializationExtension$";

  private PekkoExtensions() {}

  /** {@code config} (resolved) with Pekko's serialization extension no longer started eagerly. */
  static Config withoutEagerSerialization(Config config) {
    Config resolved = config.resolve();
    List<String> kept = resolved.getStringList(LIBRARY_EXTENSIONS).stream()
        .filter(e -> !e.equals(SERIALIZATION))
        .collect(Collectors.toList());
    return resolved.withValue(LIBRARY_EXTENSIONS, ConfigValueFactory.fromIterable(kept));
  }
}
