package dev.oceanj.spi.host;

import java.util.Objects;
import java.util.Optional;

/**
 * What the host tells an integration about the instance it runs ({@code IntegrationDefinition.publicUrl()} and
 * {@code eventListenerType()}).
 *
 * @param publicUrl where the instance is reached from outside (base URL and the path of its routes), no trailing
 *     slash; empty without a base URL
 * @param eventListenerType its event listener ({@code ONCE}, {@code POLLING}, ...), if the host says
 * @since 0.3
 */
public record InstanceInfo(Optional<String> publicUrl, Optional<String> eventListenerType) {

  /** The host says nothing. */
  public static final InstanceInfo NONE = new InstanceInfo(Optional.empty(), Optional.empty());

  public InstanceInfo {
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(eventListenerType, "eventListenerType");
  }
}
