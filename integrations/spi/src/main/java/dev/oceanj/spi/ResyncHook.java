package dev.oceanj.spi;

/**
 * A hook around each full resync, registered with {@link IntegrationDefinition#onResyncStart} or
 * {@link IntegrationDefinition#onResyncComplete}. Runs on a thread reserved for blocking work, never on an
 * actor; it may block briefly.
 *
 * @since 0.2
 */
@FunctionalInterface
public interface ResyncHook {

  /**
   * Runs the hook. An exception in a start hook fails the resync before any kind runs, so nothing is deleted;
   * in a complete hook it is logged.
   */
  void run(Resync resync) throws Exception;
}
